"""Fixed-point HSA pixel path: channel pooling, the 3x3 and 5x5 branches through the sigmoid
table, ``A = gate_0 m3 + gate_1 m5`` and ``xs = clamp(xg * A, 1e-6, 1)`` (twice: ``xs`` for the
power curve, ``xm`` for the mask head, each in its own format); and the frame sum of
xg that the gate of the next frame needs.
"""
from __future__ import annotations

import numpy as np

from ..conv import conv_same_exact
from ..common import RunContext, channel_sums, clamp_eps_one, one, rq, table, third_raw
from ..config import QuantConfig
from .params import FixedWeights


def pool(xg: np.ndarray, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """(2, H, W) raw ``hsa.pool``: [mean over channels (sum times the constant 1/3), max over channels]."""
    fxg = cfg["glc.xg"].fmt.frac
    qt, qp = cfg["hsa.third"], cfg["hsa.pool"]
    third = third_raw(qt.fmt)
    mean = rq(xg.sum(axis=0) * third, fxg + qt.fmt.frac, qp, "hsa.pool", run)
    mx = rq(xg.max(axis=0), fxg, qp, "hsa.pool", run)
    return np.stack([mean, mx])


def branch(pooled: np.ndarray, w: np.ndarray, b: np.ndarray, wkey: str, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """sigmoid(conv(pooled)) (H, W) raw ``hsa.m`` for one branch."""
    fp = cfg["hsa.pool"].fmt.frac + cfg[wkey].fmt.frac
    bias = np.array([int(v) << cfg["hsa.pool"].fmt.frac for v in b], dtype=np.int64)
    acc = rq(conv_same_exact(pooled, w, bias, run.parallel), fp, cfg["hsa.acc"], "hsa.acc", run)
    z = rq(acc, cfg["hsa.acc"].fmt.frac, cfg["hsa.z"], "hsa.z", run)
    return table(cfg, "sigmoid", z, run)[0]


def attention(xg: np.ndarray, gate: np.ndarray, fw: FixedWeights, cfg: QuantConfig, run: RunContext) -> dict[str, np.ndarray]:
    """Taps pooled, m3, m5, A (H, W), xs and xm (3, H, W), raw values of their entries. xs (the
    power curve's input) and xm (the mask head's) are the same product ``xg * A`` requantized
    into their own formats and clamped to [EPS, 1]: equal when the two formats are."""
    pooled = pool(xg, cfg, run)
    m3 = branch(pooled, fw.c3, fw.c3b, "hsa.wb3", cfg, run)
    m5 = branch(pooled, fw.c5, fw.c5b, "hsa.wb5", cfg, run)
    qa, qs = cfg["hsa.A"], cfg["hsa.xs"]
    fgm = cfg["hsa.gate"].fmt.frac + cfg["hsa.m"].fmt.frac
    a = rq(int(gate[0]) * m3 + int(gate[1]) * m5, fgm, qa, "hsa.A", run)
    a = np.minimum(a, one(qa.fmt))
    prod = xg * a[None]
    fp = cfg["glc.xg"].fmt.frac + qa.fmt.frac
    xs = clamp_eps_one(rq(prod, fp, qs, "hsa.xs", run), qs.fmt)
    qm = cfg["hsa.xm"]
    xm = clamp_eps_one(rq(prod, fp, qm, "hsa.xm", run), qm.fmt)
    return {"pooled": pooled, "m3": m3, "m5": m5, "A": a, "xs": xs, "xm": xm}


def xg_sums(xg: np.ndarray, cfg: QuantConfig, run: RunContext) -> np.ndarray:
    """Per-channel frame sums of xg (3,) raw ``hsa.dsum`` (exact)."""
    return channel_sums(xg, cfg["glc.xg"].fmt.frac, cfg["hsa.dsum"], "hsa.dsum", run)
