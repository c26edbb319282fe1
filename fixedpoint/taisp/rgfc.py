"""Fixed-point RGFC pixel path: the 16 mask logits (3x3 conv), hard argmax (ties to the lowest
region), and ``y = xs^(1/w_k*) = exp2(log2(xs) * inv_w_k*)`` through the log2 and exp2 tables,
then the 8-bit output ``round(clamp(y, 1e-6, 1) * 255)``; and the frame sums of the logits.
"""
from __future__ import annotations

import numpy as np

from ..conv import conv_same_exact
from ..common import RunContext, channel_sums, table, clamp_eps_one, rq
from ..config import QuantConfig
from .params import FixedWeights


def logits(xm: np.ndarray, fw: FixedWeights, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """(16, H, W) raw ``rgfc.logits`` from the mask head's input ``xm`` (raw ``hsa.xm``)."""
    fxs = cfg["hsa.xm"].fmt.frac
    fp = fxs + cfg["rgfc.wm"].fmt.frac
    bias = np.array([int(v) << fxs for v in fw.bm], dtype=np.int64)
    acc = rq(conv_same_exact(xm, fw.wm, bias, run.parallel), fp, cfg["rgfc.acc"], "rgfc.acc", run)
    return rq(acc, cfg["rgfc.acc"].fmt.frac, cfg["rgfc.logits"], "rgfc.logits", run)


def region_index(lg: np.ndarray) -> np.ndarray:
    """(H, W) int64: argmax over the 16 logits, ties to the lowest index."""
    return np.argmax(lg, axis=0).astype(np.int64)


def logit_sums(lg: np.ndarray, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """(16,) raw ``rgfc.lsum``: frame sums of each logit (exact)."""
    return channel_sums(lg, cfg["rgfc.logits"].fmt.frac, cfg["rgfc.lsum"], "rgfc.lsum", run)


def power(xs: np.ndarray, index: np.ndarray, inv_w: np.ndarray, cfg: QuantConfig, run: RunContext) -> dict[str, np.ndarray]:
    """Taps log2 (3,H,W), e (3,H,W), y (3,H,W) and out (3,H,W) uint8-valued int64."""
    l2 = table(cfg, "log2", xs, run)
    fe = cfg["rgfc.log2"].fmt.frac + cfg.table("reciprocal").out_fmt.frac
    e = rq(l2 * inv_w[index][None], fe, cfg["rgfc.e"], "rgfc.e", run)
    qy = cfg["rgfc.y"]
    y = clamp_eps_one(table(cfg, "exp2", e, run), qy.fmt)
    out = rq(y * 255, qy.fmt.frac, cfg["rgfc.out"], "rgfc.out", run)
    return {"log2": l2, "e": e, "y": y, "out": out}
