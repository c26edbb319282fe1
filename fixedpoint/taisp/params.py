"""The per-frame parameter engine: weights in fixed point, and alpha, the gate and 1/w from
frame statistics, computed the way a small sequential engine does during blanking
(exactly specified divisions, fixed-point MLPs, tables).

All scalars here are Python/NumPy integers (raw values); the work is 3 + 2 + 16 values per
frame, so exactness matters and speed does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden.taisp.model import TAISP

from ..common import RunContext, div_round, frame_mean, one, quantize_param, rq, table
from ..config import QuantConfig


@dataclass
class FixedWeights:
    """The ISP's weights as raw integers of their config entries, and the w-range registers."""

    w1: np.ndarray  # (64, 6)  glc.w1
    b1: np.ndarray  # (64,)    glc.b1
    w2: np.ndarray  # (3, 64)  glc.w2
    b2: np.ndarray  # (3,)     glc.b2
    c3: np.ndarray  # (1, 2, 3, 3) hsa.wb3
    c3b: np.ndarray  # (1,)
    c5: np.ndarray  # (1, 2, 5, 5) hsa.wb5
    c5b: np.ndarray  # (1,)
    wg: np.ndarray  # (2, 3) hsa.wg
    bg: np.ndarray  # (2,)
    wm: np.ndarray  # (16, 3, 3, 3) rgfc.wm
    bm: np.ndarray  # (16,)
    w3: np.ndarray  # (64, 16) rgfc.w3
    b3: np.ndarray  # (64,)
    w4: np.ndarray  # (16, 64) rgfc.w4
    b4: np.ndarray  # (16,)
    w_min: int  # rgfc.wrange
    w_max: int


def quantize_weights(isp: TAISP, cfg: QuantConfig) -> FixedWeights:
    """Quantize a golden model's weights by the config (weights outside a format are an error)."""
    sd = {k: v.detach().double().numpy() for k, v in isp.state_dict().items()}

    def q(key: str, name: str) -> np.ndarray:
        return quantize_param(sd[name], cfg[key], f"{key} ({name})")

    wr = cfg["rgfc.wrange"]
    w_min, w_max = (int(v) for v in quantize_param(np.array(isp.weight_range), wr, "rgfc.wrange"))
    return FixedWeights(
        w1=q("glc.w1", "gain_mlp.0.weight"), b1=q("glc.b1", "gain_mlp.0.bias"),
        w2=q("glc.w2", "gain_mlp.2.weight"), b2=q("glc.b2", "gain_mlp.2.bias"),
        c3=q("hsa.wb3", "attn.branch_convs.0.weight"), c3b=q("hsa.wb3", "attn.branch_convs.0.bias"),
        c5=q("hsa.wb5", "attn.branch_convs.1.weight"), c5b=q("hsa.wb5", "attn.branch_convs.1.bias"),
        wg=q("hsa.wg", "attn.gate_proj.weight")[:, :, 0, 0], bg=q("hsa.wg", "attn.gate_proj.bias"),
        wm=q("rgfc.wm", "mask_head.weight"), bm=q("rgfc.wm", "mask_head.bias"),
        w3=q("rgfc.w3", "weight_mlp.0.weight"), b3=q("rgfc.b3", "weight_mlp.0.bias"),
        w4=q("rgfc.w4", "weight_mlp.2.weight"), b4=q("rgfc.b4", "weight_mlp.2.bias"),
        w_min=w_min, w_max=w_max,
    )


def _layer(x: np.ndarray, fx: int, w: np.ndarray, fw: int, b: np.ndarray, fb: int, cfg: QuantConfig,
           acc: str, run: RunContext) -> tuple[np.ndarray, int]:
    """``W x + b`` exactly (Python ints), then into the accumulator entry; returns (raw, frac)."""
    fp = fx + fw
    if fb > fp:
        raise ValueError(f"{acc}: bias has more fractional bits ({fb}) than the products ({fp})")
    exact = np.array([sum(int(wi) * int(xi) for wi, xi in zip(row, x)) + (int(bi) << (fp - fb))
                      for row, bi in zip(w, b)], dtype=object)
    qa = cfg[acc]
    return rq(exact.astype(np.int64), fp, qa, acc, run), qa.fmt.frac


def glc_params(s_sum: np.ndarray, s_sq: np.ndarray, n: int, fw: FixedWeights, cfg: QuantConfig,
               run: RunContext) -> dict[str, np.ndarray]:
    """alpha (3,) raw ``glc.alpha`` from the frame sums of x and x^2 (raw, ``glc.sum``/``glc.sumsq``)."""
    fs, fq = cfg["glc.sum"].fmt.frac, cfg["glc.sumsq"].fmt.frac  # the sums' own scales
    qm, qv = cfg["glc.mean"], cfg["glc.var"]
    fm = qm.fmt.frac
    # mean = S / n, E[x^2] = Q / n, both rounded half up, at the mean's precision
    mean = frame_mean(s_sum, fs, fm, n)
    ex2 = frame_mean(s_sq, fq, fm, n)
    mean = rq(mean, fm, qm, "glc.mean", run)
    var_exact = np.maximum(ex2 - np.array([div_round(int(m) * int(m), 1 << fm) for m in mean], dtype=np.int64), 0)
    var = rq(var_exact, fm, qv, "glc.var", run)
    s = np.concatenate([mean, rq(var, qv.fmt.frac, qm, "glc.mean", run)])  # both at the mean's frac
    a1, f1 = _layer(s, fm, fw.w1, cfg["glc.w1"].fmt.frac, fw.b1, cfg["glc.b1"].fmt.frac, cfg, "glc.acc1", run)
    h1 = rq(np.maximum(a1, 0), f1, cfg["glc.h1"], "glc.h1", run)
    a2, f2 = _layer(h1, cfg["glc.h1"].fmt.frac, fw.w2, cfg["glc.w2"].fmt.frac, fw.b2, cfg["glc.b2"].fmt.frac,
                    cfg, "glc.acc2", run)
    z = rq(a2, f2, cfg["glc.z"], "glc.z", run)
    sp = table(cfg, "softplus", z, run)
    qa = cfg["glc.alpha"]
    fsp = cfg.table("softplus").out_fmt.frac
    alpha = rq(sp + (1 << fsp), fsp, qa, "glc.alpha", run)
    return {"mean": mean, "var": var, "z": z, "alpha": alpha}


def hsa_gate(d_sum: np.ndarray, n: int, fw: FixedWeights, cfg: QuantConfig, run: RunContext) -> dict[str, np.ndarray]:
    """gate (2,) raw ``hsa.gate`` from the frame sums of xg (raw ``hsa.dsum``).

    softmax over two logits is the sigmoid of their difference: gate_0 = sigmoid(l0 - l1),
    gate_1 = 1 - gate_0 (exactly, so the two always sum to one).
    """
    fxg = cfg["hsa.dsum"].fmt.frac  # the sum's own scale
    qd = cfg["hsa.d"]
    d = rq(frame_mean(d_sum, fxg, qd.fmt.frac, n), qd.fmt.frac, qd, "hsa.d", run)
    fwg = cfg["hsa.wg"].fmt.frac
    logits, fl = _layer(d, qd.fmt.frac, fw.wg, fwg, fw.bg, fwg, cfg, "hsa.gate_acc", run)
    z = rq(np.array([logits[0] - logits[1]]), fl, cfg["hsa.z"], "hsa.z", run)
    s = table(cfg, "sigmoid", z, run)
    qg = cfg["hsa.gate"]
    g0 = rq(s, cfg.table("sigmoid").out_fmt.frac, qg, "hsa.gate", run)[0]
    return {"d": d, "gate": np.array([g0, one(qg.fmt) - g0], dtype=np.int64)}


def rgfc_params(l_sum: np.ndarray, n: int, fw: FixedWeights, cfg: QuantConfig, run: RunContext) -> dict[str, np.ndarray]:
    """w and 1/w (16,) raw ``rgfc.w``/``rgfc.inv_w`` from the frame sums of the logits (raw ``rgfc.lsum``)."""
    fl = cfg["rgfc.lsum"].fmt.frac  # the sum's own scale
    qp = cfg["rgfc.p"]
    p = rq(frame_mean(l_sum, fl, qp.fmt.frac, n), qp.fmt.frac, qp, "rgfc.p", run)
    a3, f3 = _layer(p, qp.fmt.frac, fw.w3, cfg["rgfc.w3"].fmt.frac, fw.b3, cfg["rgfc.b3"].fmt.frac, cfg, "rgfc.acc3", run)
    h3 = rq(np.maximum(a3, 0), f3, cfg["rgfc.h3"], "rgfc.h3", run)
    a4, f4 = _layer(h3, cfg["rgfc.h3"].fmt.frac, fw.w4, cfg["rgfc.w4"].fmt.frac, fw.b4, cfg["rgfc.b4"].fmt.frac,
                    cfg, "rgfc.acc4", run)
    z = rq(a4, f4, cfg["rgfc.z"], "rgfc.z", run)
    sig = table(cfg, "sigmoid", z, run)
    fs = cfg.table("sigmoid").out_fmt.frac
    fr = cfg["rgfc.wrange"].fmt.frac
    # w = w_min + (w_max - w_min) * sigmoid: exact product, one rounding into rgfc.w
    w_exact = (np.int64(fw.w_min) << fs) + np.int64(fw.w_max - fw.w_min) * sig
    w = rq(w_exact, fr + fs, cfg["rgfc.w"], "rgfc.w", run)
    inv_w = table(cfg, "reciprocal", w, run)
    return {"p": p, "z": z, "w": w, "inv_w": inv_w}


def default_params(fw: FixedWeights, cfg: QuantConfig) -> dict[str, np.ndarray]:
    """Programmed defaults used after reset: alpha = 1, gate = (1/2, 1/2), w = (w_min + w_max) / 2."""
    qa, qg, qw = cfg["glc.alpha"], cfg["hsa.gate"], cfg["rgfc.w"]
    fr = cfg["rgfc.wrange"].fmt.frac
    half = one(qg.fmt) // 2
    w_mid = rq(np.full(16, fw.w_min + fw.w_max, dtype=np.int64), fr + 1, qw, "rgfc.w")
    return {"alpha": np.full(3, one(qa.fmt), dtype=np.int64),
            "gate": np.array([half, one(qg.fmt) - half], dtype=np.int64),
            "w": w_mid, "inv_w": table(cfg, "reciprocal", w_mid)}
