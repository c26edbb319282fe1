"""Fixed-point GLC: the frame statistics it gathers, and ``xg = clamp(alpha * x, 1e-6, 1)``."""
from __future__ import annotations

import numpy as np

from ..common import RunContext, channel_sums, clamp_eps_one, rq
from ..config import QuantConfig


def stats(x: np.ndarray, cfg: QuantConfig, run: RunContext) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel frame sums of x and x^2 (raw, exact) from x (3, H, W) raw ``frontend.x``."""
    fx = cfg["frontend.x"].fmt.frac
    return (channel_sums(x, fx, cfg["glc.sum"], "glc.sum", run),
            channel_sums(x * x, 2 * fx, cfg["glc.sumsq"], "glc.sumsq", run))


def apply_gain(x: np.ndarray, alpha: np.ndarray, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """xg (3, H, W) raw ``glc.xg`` = clamp(alpha_c * x_c, 1e-6, 1)."""
    qx = cfg["glc.xg"]
    fp = cfg["frontend.x"].fmt.frac + cfg["glc.alpha"].fmt.frac
    return clamp_eps_one(rq(x * alpha[:, None, None], fp, qx, "glc.xg", run), qx.fmt)
