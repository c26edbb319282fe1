"""Expected values of the generated POS-ISP chain (``posisp_chain``) for its benches, from the
fixed-point model :mod:`fixedpoint.posisp.model` (the chain input requantization, the filters
of the order with one frame's driver output, the 8-bit output, the thumbnail sums and the
per-filter saturation counts), and the test frames.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from fixedpoint.common import RunContext
from fixedpoint.config import QuantConfig
from fixedpoint.posisp import filters as F
from fixedpoint.posisp.driver import DriverOutput, default_output
from fixedpoint.posisp.model import run_chain, thumbnail_sums


def chain_frame(x_fe: np.ndarray, order: Sequence[str], cfg: QuantConfig,
                drv: DriverOutput | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """The chain's output (3, H, W) raw ``chain.out`` for a frame of raw ``frontend.x`` with one
    frame's driver output (default: the programmed defaults), and the overflow counts per filter."""
    run = RunContext(parallel=False)
    y, _ = run_chain(F.chain_input(x_fe, cfg, run), drv if drv is not None else default_output(cfg), cfg, order, run)
    return F.output8(y, cfg, run), run.overflow_counts()


def chain_output(x_fe: np.ndarray, order: Sequence[str], cfg: QuantConfig, drv: DriverOutput | None = None) -> np.ndarray:
    """:func:`chain_frame`'s output alone."""
    return chain_frame(x_fe, order, cfg, drv)[0]


def thumb_sums(x_fe: np.ndarray, cfg: QuantConfig) -> np.ndarray:
    """The (3, 64, 64) raw ``thumb.sum`` of a frame (the window's contents after it)."""
    return thumbnail_sums(x_fe, cfg)


def random_frames(n: int, width: int, height: int, cfg: QuantConfig, seed: int = 0, over: float = 0.25) -> list[np.ndarray]:
    """``n`` frames (3, H, W) of raw ``frontend.x``: uniform values below 1.0, a share ``over``
    of the pixels above it (up to the format's largest value: the chain's clamps and saturation)."""
    rng = np.random.default_rng(seed)
    f = cfg["frontend.x"].fmt
    one, top = 1 << f.frac, (1 << f.width) - 1
    out = []
    for _ in range(n):
        x = rng.integers(0, one, size=(3, height, width), dtype=np.int64)
        hi = rng.random((3, height, width)) < over
        x[hi] = rng.integers(one, top + 1, size=int(hi.sum()), dtype=np.int64)
        out.append(x)
    return out


__all__ = ["chain_frame", "chain_output", "random_frames", "thumb_sums"]
