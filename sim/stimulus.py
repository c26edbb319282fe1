"""Stimulus for the RTL testbenches and vector sets: frames of raw ``frontend.x`` values and
the weight sets the regressions use.

Frames are (3, H, W) int64 arrays of raw ``frontend.x`` (R, G, B), the input format of the
``taisp_core`` stream; weight sets are golden :class:`~golden.model.TAISP` modules.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from fixedpoint.config import QuantConfig
from golden.checkpoint import load_checkpoint
from golden.model import TAISP
from golden.scene import scene_rgb

CHECKPOINTS = Path(__file__).resolve().parents[1] / "golden" / "checkpoints"
#: exposures cycled through by :func:`frames` (bright frames saturate, dark ones stress log2)
EXPOSURES = (1.0, 0.3, 2.5, 0.02)


def spread_isp(seed: int = 0) -> TAISP:
    """Untrained weights scaled up so that many regions and both branches are used."""
    torch.manual_seed(seed)
    m = TAISP(weight_range=(1, 4)).eval()
    with torch.no_grad():
        m.mask_head.weight.mul_(2.0)
        m.weight_mlp[2].weight.mul_(3.0)
    return m


def weight_set(name: str) -> TAISP:
    """``w1-4`` / ``w5-9`` (the shipped checkpoints) or ``spread`` (untrained, many regions)."""
    if name == "spread":
        return spread_isp(0)
    if name in ("w1-4", "w5-9"):
        return load_checkpoint(CHECKPOINTS / f"taisp_{name}.pth")
    raise ValueError(f"unknown weight set {name!r} (w1-4, w5-9, spread)")


def frames(cfg: QuantConfig, width: int, height: int, n: int, seed: int = 0) -> list[np.ndarray]:
    """``n`` frames of the built-in scene (cropped at a seeded offset, exposures cycling through
    :data:`EXPOSURES`) as raw ``frontend.x`` integers, clamped to [0, 1]."""
    fmt = cfg["frontend.x"].fmt
    one = 1 << fmt.frac
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n):
        big = scene_rgb(max(height, 2) + 16, max(width, 2) + 16, seed=seed + k)
        y0, x0 = (int(v) for v in rng.integers(0, 16, size=2))
        img = big[:, y0:y0 + height, x0:x0 + width] * EXPOSURES[(seed + k) % len(EXPOSURES)]
        out.append(np.clip(np.round(img * one), 0, one).astype(np.int64))
    return out


def pack_ug934(x: np.ndarray, comp_bits: int) -> np.ndarray:
    """(3, H, W) R, G, B components -> (H, W) beats: G in the low bits, then B, then R."""
    r, g, b = (np.asarray(c, dtype=object) for c in x)
    return (r << (2 * comp_bits)) | (b << comp_bits) | g


def unpack_ug934(beats: np.ndarray, comp_bits: int) -> np.ndarray:
    """(H, W) beats -> (3, H, W) R, G, B (int64)."""
    v = np.asarray(beats, dtype=object)
    m = (1 << comp_bits) - 1
    g, b, r = v & m, (v >> comp_bits) & m, (v >> (2 * comp_bits)) & m
    return np.stack([r, g, b]).astype(np.int64)
