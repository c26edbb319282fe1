"""Stimulus for the RTL testbenches and vector sets: frames of raw ``frontend.x`` values and
the weight sets the regressions use.

Frames are (3, H, W) int64 arrays of raw ``frontend.x`` (R, G, B), the input format of the
``taisp_core`` stream; weight sets are golden :class:`~golden.taisp.model.TAISP` modules.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from fixedpoint.config import QuantConfig
from golden.taisp.weight_sets import spread_isp, weight_set  # noqa: F401  (re-exported for the benches)
from golden.scene import scene_rgb

#: exposures cycled through by :func:`frames` (bright frames saturate, dark ones stress log2)
EXPOSURES = (1.0, 0.3, 2.5, 0.02)


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
