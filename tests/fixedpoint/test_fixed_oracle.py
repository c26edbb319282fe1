"""An independent, slow oracle of the bit-accurate fixed-point TA-ISP (``fixedpoint.taisp.model``).

Everything below is plain Python integers (and ``fractions.Fraction`` for exact real values),
written from the definitions of the quantization config (fixedpoint/taisp/configs/default.toml),
the design note (../shared/design/TAISP_REFERENCE.md) and the documented table rule
(fixedpoint/arith/tables.py). It shares no code path with the model: from ``fixedpoint`` it
uses only ``load_config`` (to read the entries' formats and modes) and each table's memory
contents (``entries``) and public parameters (formats, size, segmentation, kind, rounding).
Requantization, the table index / interpolation logic, the front end, the convolutions, the
statistics, the parameter engine and the power path are all re-implemented here.

The model is then checked stage by stage, bit for bit, against this oracle.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch

from fixedpoint.config import load_config
from golden.taisp.checkpoint import load_checkpoint
from golden.taisp.model import TAISP
from golden.scene import synthetic_raw

REPO = Path(__file__).resolve().parents[2]
from golden.taisp import CHECKPOINT_DIR as CKPT  # noqa: E402
from golden.taisp.weight_sets import spread_isp  # noqa: E402

# --------------------------------------------------------------------------------------------
# formats and requantization (Python ints)
# --------------------------------------------------------------------------------------------
def fmt_range(fmt) -> tuple[int, int]:
    """(min raw, max raw) of a format, from its sign and width."""
    if fmt.signed:
        return -(1 << (fmt.width - 1)), (1 << (fmt.width - 1)) - 1
    return 0, (1 << fmt.width) - 1


def mode_name(mode) -> str:
    return str(getattr(mode, "name", mode)).upper().removeprefix("AP_")


def round_fraction(x: Fraction, rounding) -> int:
    """Round an exact rational (in target-LSB units) to an integer by an ap_fixed rounding mode."""
    r = mode_name(rounding)
    fl = x.numerator // x.denominator  # floor
    frac = x - fl
    if frac == 0:
        return fl
    neg = x < 0
    if r == "TRN":
        return fl
    if r == "TRN_ZERO":
        return fl + 1 if neg else fl
    half = Fraction(1, 2)
    if frac > half:
        return fl + 1
    if frac < half:
        return fl
    # an exact tie between fl and fl + 1
    if r == "RND":
        return fl + 1
    if r == "RND_ZERO":
        return fl + 1 if neg else fl
    if r == "RND_MIN_INF":
        return fl
    if r == "RND_INF":
        return fl if neg else fl + 1
    if r == "RND_CONV":
        return fl if fl % 2 == 0 else fl + 1
    raise ValueError(f"unknown rounding {rounding!r}")


def overflow_int(v: int, fmt, overflow) -> int:
    """Bring an integer (already rounded to the target LSB) into the format's range."""
    lo, hi = fmt_range(fmt)
    if lo <= v <= hi and not (mode_name(overflow) == "SAT_SYM" and fmt.signed and fmt.width > 1 and v == lo):
        return v
    o = mode_name(overflow)
    if o == "SAT":
        return min(max(v, lo), hi)
    if o == "SAT_ZERO":
        return 0
    if o == "SAT_SYM":
        if fmt.signed and fmt.width > 1:
            return min(max(v, -hi), hi)
        return min(max(v, lo), hi)
    if o == "WRAP":
        u = v % (1 << fmt.width)
        if fmt.signed and u >= 1 << (fmt.width - 1):
            u -= 1 << fmt.width
        return u
    raise ValueError(f"unknown overflow {overflow!r}")


def requant(v: int, src_frac: int, fmt, rounding, overflow) -> int:
    """Exact value ``v * 2**-src_frac`` into ``fmt`` (round the dropped bits, then overflow)."""
    sh = fmt.frac - src_frac
    if sh >= 0:
        t = int(v) << sh
    else:
        t = round_fraction(Fraction(int(v), 1 << -sh), rounding)
    return overflow_int(t, fmt, overflow)


def rq_entry(v: int, src_frac: int, q) -> int:
    return requant(v, src_frac, q.fmt, q.rounding, q.overflow)


def one_raw(fmt) -> int:
    """Raw 1.0 of a format (saturated to its maximum)."""
    _, hi = fmt_range(fmt)
    return min(1 << fmt.frac, hi) if fmt.frac >= 0 else min(1, hi)


def half_up(x: Fraction) -> int:
    """floor(x + 1/2)."""
    y = x + Fraction(1, 2)
    return y.numerator // y.denominator


def eps_floor(fmt) -> int:
    """The 1e-6 clamp floor in a format: 1e-6 rounded to the nearest LSB, at least one LSB."""
    return max(1, half_up(Fraction(1, 10**6) * Fraction(2) ** fmt.frac))


def clamp_eps_one(v: int, fmt) -> int:
    return min(max(v, eps_floor(fmt)), one_raw(fmt))


def exact_div(num: Fraction) -> int:
    """The parameter engine's exactly specified division: floor(num / den + 1/2)."""
    return half_up(num)


# --------------------------------------------------------------------------------------------
# function tables (documented index / interpolation rule, re-implemented)
# --------------------------------------------------------------------------------------------
class Table:
    def __init__(self, cfg, name: str) -> None:
        t = cfg.table(name)
        self.name = name
        self.entries = [int(e) for e in np.asarray(t.entries).tolist()]
        self.in_fmt, self.out_fmt = t.in_fmt, t.out_fmt
        self.size, self.seg, self.kind, self.rounding = int(t.size), t.segmentation, t.kind, t.rounding
        self.log_size = self.size.bit_length() - 1
        assert 1 << self.log_size == self.size
        self.positive = name in ("log2", "reciprocal")
        lo, hi = fmt_range(self.out_fmt)
        self.zero_value = lo if name == "log2" else hi  # the function's limit at 0, saturated
        w_mag = self.in_fmt.width - 1 if self.in_fmt.signed else self.in_fmt.width
        self.n_side = (w_mag - self.log_size + 1) << self.log_size
        n_seg = self.size if self.seg == "uniform" else (2 * self.n_side if self.in_fmt.signed else self.n_side)
        assert len(self.entries) == (n_seg + 1 if self.kind == "pwl" else n_seg), name

    def segment(self, q: int) -> tuple[int, int]:
        if self.seg == "uniform":
            s = self.in_fmt.width - self.log_size
            return (q - fmt_range(self.in_fmt)[0]) >> s, s
        m = self.log_size
        u = q if q >= 0 else -q - 1
        e = u.bit_length() - 1
        s = max(e - m, 0)
        j = (s << m) + (u >> s)
        if self.in_fmt.signed:
            return (self.n_side + j, s) if q >= 0 else (self.n_side - 1 - j, s)
        return j, s

    def __call__(self, q: int) -> int:
        lo, hi = fmt_range(self.in_fmt)
        assert lo <= q <= hi, (self.name, q)
        if self.positive and q <= 0:
            return self.zero_value
        idx, s = self.segment(q)
        y0 = self.entries[idx]
        if self.kind != "pwl" or s == 0:
            return y0
        r = q & ((1 << s) - 1)
        return y0 + round_fraction(Fraction((self.entries[idx + 1] - y0) * r, 1 << s), self.rounding)


# --------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------
def quant_float(v: float, q, key: str) -> int:
    """A float weight into an entry: exact double, the entry's rounding, and it must fit."""
    t = round_fraction(Fraction(float(v)) * Fraction(2) ** q.fmt.frac, q.rounding)
    lo, hi = fmt_range(q.fmt)
    assert lo <= t <= hi, f"{key}: weight {v} outside {q.fmt}"
    return t


def quant_tensor(t: torch.Tensor, q, key: str):
    arr = t.detach().double().numpy()

    def rec(a):
        if a.ndim == 0:
            return quant_float(float(a), q, key)
        return [rec(b) for b in a]

    return rec(arr)


class Oracle:
    """The fixed-point TA-ISP in plain Python, one frame at a time."""

    def __init__(self, isp: TAISP, cfg) -> None:
        self.cfg = cfg
        self.T = {n: Table(cfg, n) for n in ("softplus", "sigmoid", "reciprocal", "log2", "exp2")}
        sd = isp.state_dict()
        c = cfg
        self.W = {
            "w1": quant_tensor(sd["gain_mlp.0.weight"], c["glc.w1"], "w1"),
            "b1": quant_tensor(sd["gain_mlp.0.bias"], c["glc.b1"], "b1"),
            "w2": quant_tensor(sd["gain_mlp.2.weight"], c["glc.w2"], "w2"),
            "b2": quant_tensor(sd["gain_mlp.2.bias"], c["glc.b2"], "b2"),
            "c3": quant_tensor(sd["attn.branch_convs.0.weight"], c["hsa.wb3"], "c3")[0],
            "c3b": quant_tensor(sd["attn.branch_convs.0.bias"], c["hsa.wb3"], "c3b")[0],
            "c5": quant_tensor(sd["attn.branch_convs.1.weight"], c["hsa.wb5"], "c5")[0],
            "c5b": quant_tensor(sd["attn.branch_convs.1.bias"], c["hsa.wb5"], "c5b")[0],
            "wg": [[row[0][0] for row in o] for o in quant_tensor(sd["attn.gate_proj.weight"], c["hsa.wg"], "wg")],
            "bg": quant_tensor(sd["attn.gate_proj.bias"], c["hsa.wg"], "bg"),
            "wm": quant_tensor(sd["mask_head.weight"], c["rgfc.wm"], "wm"),
            "bm": quant_tensor(sd["mask_head.bias"], c["rgfc.wm"], "bm"),
            "w3": quant_tensor(sd["weight_mlp.0.weight"], c["rgfc.w3"], "w3"),
            "b3": quant_tensor(sd["weight_mlp.0.bias"], c["rgfc.b3"], "b3"),
            "w4": quant_tensor(sd["weight_mlp.2.weight"], c["rgfc.w4"], "w4"),
            "b4": quant_tensor(sd["weight_mlp.2.bias"], c["rgfc.b4"], "b4"),
        }
        self.w_min, self.w_max = (quant_float(v, c["rgfc.wrange"], "wrange") for v in isp.weight_range)

    def f(self, key: str) -> int:
        return self.cfg[key].fmt.frac

    # -- parameter engine --------------------------------------------------------------------
    def layer(self, x, fx, w, fw, b, fb, acc_key):
        fp = fx + fw
        assert fb <= fp
        out = []
        for row, bi in zip(w, b):
            s = sum(wi * xi for wi, xi in zip(row, x)) + (bi << (fp - fb))
            out.append(rq_entry(s, fp, self.cfg[acc_key]))
        return out, self.f(acc_key)

    def mean_of(self, total: int, total_frac: int, n: int, frac: int) -> int:
        """floor(total / n + 1/2) at ``frac`` fractional bits (total has ``total_frac``)."""
        return exact_div(Fraction(total, n) * Fraction(2) ** (frac - total_frac))

    def glc_params(self, s_sum, s_sq, n):
        c = self.cfg
        qm, qv = c["glc.mean"], c["glc.var"]
        fm = qm.fmt.frac
        mean = [rq_entry(self.mean_of(s, self.f("glc.sum"), n, fm), fm, qm) for s in s_sum]
        ex2 = [self.mean_of(s, self.f("glc.sumsq"), n, fm) for s in s_sq]
        var = [rq_entry(max(e - exact_div(Fraction(m * m, 1 << fm)), 0), fm, qv) for e, m in zip(ex2, mean)]
        s = mean + [rq_entry(v, qv.fmt.frac, qm) for v in var]
        W = self.W
        a1, f1 = self.layer(s, fm, W["w1"], self.f("glc.w1"), W["b1"], self.f("glc.b1"), "glc.acc1")
        h1 = [rq_entry(max(a, 0), f1, c["glc.h1"]) for a in a1]
        a2, f2 = self.layer(h1, self.f("glc.h1"), W["w2"], self.f("glc.w2"), W["b2"], self.f("glc.b2"), "glc.acc2")
        z = [rq_entry(a, f2, c["glc.z"]) for a in a2]
        sp_t = self.T["softplus"]
        fsp = sp_t.out_fmt.frac
        alpha = [rq_entry(sp_t(v) + (1 << fsp), fsp, c["glc.alpha"]) for v in z]
        return {"mean": mean, "var": var, "z": z, "alpha": alpha}

    def hsa_gate(self, d_sum, n):
        c = self.cfg
        qd = c["hsa.d"]
        d = [rq_entry(self.mean_of(v, self.f("hsa.dsum"), n, qd.fmt.frac), qd.fmt.frac, qd) for v in d_sum]
        fwg = self.f("hsa.wg")
        lg, fl = self.layer(d, qd.fmt.frac, self.W["wg"], fwg, self.W["bg"], fwg, "hsa.gate_acc")
        z = rq_entry(lg[0] - lg[1], fl, c["hsa.z"])  # softmax of two = sigmoid of the difference
        sg = self.T["sigmoid"]
        g0 = rq_entry(sg(z), sg.out_fmt.frac, c["hsa.gate"])
        return {"d": d, "gate": [g0, one_raw(c["hsa.gate"].fmt) - g0]}

    def rgfc_params(self, l_sum, n):
        c = self.cfg
        qp = c["rgfc.p"]
        p = [rq_entry(self.mean_of(v, self.f("rgfc.lsum"), n, qp.fmt.frac), qp.fmt.frac, qp) for v in l_sum]
        W = self.W
        a3, f3 = self.layer(p, qp.fmt.frac, W["w3"], self.f("rgfc.w3"), W["b3"], self.f("rgfc.b3"), "rgfc.acc3")
        h3 = [rq_entry(max(a, 0), f3, c["rgfc.h3"]) for a in a3]
        a4, f4 = self.layer(h3, self.f("rgfc.h3"), W["w4"], self.f("rgfc.w4"), W["b4"], self.f("rgfc.b4"), "rgfc.acc4")
        z = [rq_entry(a, f4, c["rgfc.z"]) for a in a4]
        sg = self.T["sigmoid"]
        fs, fr = sg.out_fmt.frac, self.f("rgfc.wrange")
        w = [rq_entry((self.w_min << fs) + (self.w_max - self.w_min) * sg(v), fr + fs, c["rgfc.w"]) for v in z]
        inv_w = [self.T["reciprocal"](v) for v in w]
        return {"p": p, "z": z, "w": w, "inv_w": inv_w}

    def defaults(self):
        c = self.cfg
        qg = c["hsa.gate"].fmt
        half = one_raw(qg) // 2
        w_mid = rq_entry(self.w_min + self.w_max, self.f("rgfc.wrange") + 1, c["rgfc.w"])
        return {"alpha": [one_raw(c["glc.alpha"].fmt)] * 3, "gate": [half, one_raw(qg) - half],
                "w": [w_mid] * 16, "inv_w": [self.T["reciprocal"](w_mid)] * 16}

    # -- pixel path ----------------------------------------------------------------------------
    @staticmethod
    def conv(x, w, bias, k):
        """Zero-padded 'same' cross-correlation: x [C][H][W], w [O][C][k][k], bias [O]."""
        C, H, Wd = len(x), len(x[0]), len(x[0][0])
        r = k // 2
        out = []
        for o in range(len(w)):
            plane = []
            for yy in range(H):
                row = []
                for xx in range(Wd):
                    acc = bias[o]
                    for ci in range(C):
                        for dy in range(k):
                            sy = yy + dy - r
                            if not 0 <= sy < H:
                                continue
                            for dx in range(k):
                                sx = xx + dx - r
                                if 0 <= sx < Wd:
                                    acc += w[o][ci][dy][dx] * x[ci][sy][sx]
                    row.append(acc)
                plane.append(row)
            out.append(plane)
        return out

    def frame(self, x, mode: str, state: dict | None = None):
        """x: [3][H][W] raw frontend.x ints. ``state``: previous frame's sums (or None: defaults)."""
        c = self.cfg
        H, Wd = len(x[0]), len(x[0][0])
        n = H * Wd
        pix = [(i, j) for i in range(H) for j in range(Wd)]
        fx = self.f("frontend.x")
        # GLC statistics
        x_sum = [rq_entry(sum(x[ch][i][j] for i, j in pix), fx, c["glc.sum"]) for ch in range(3)]
        x_sq = [rq_entry(sum(x[ch][i][j] ** 2 for i, j in pix), 2 * fx, c["glc.sumsq"]) for ch in range(3)]
        dflt = self.defaults()
        if mode == "same":
            pa = self.glc_params(x_sum, x_sq, n)
        else:
            pa = {"alpha": dflt["alpha"]} if state is None else self.glc_params(state["x_sum"], state["x_sq"], state["n"])
        alpha = pa["alpha"]
        qxg = c["glc.xg"]
        fxg = qxg.fmt.frac
        fpa = fx + self.f("glc.alpha")
        xg = [[[clamp_eps_one(rq_entry(x[ch][i][j] * alpha[ch], fpa, qxg), qxg.fmt) for j in range(Wd)]
               for i in range(H)] for ch in range(3)]
        xg_sum = [rq_entry(sum(xg[ch][i][j] for i, j in pix), fxg, c["hsa.dsum"]) for ch in range(3)]
        if mode == "same":
            pg = self.hsa_gate(xg_sum, n)
        else:
            pg = {"gate": dflt["gate"]} if state is None else self.hsa_gate(state["xg_sum"], state["n"])
        gate = pg["gate"]
        # HSA: pooling, branches, A, xs
        qt, qpool = c["hsa.third"], c["hsa.pool"]
        third = half_up(Fraction(2) ** qt.fmt.frac / 3)  # the constant 1/3
        fpool = qpool.fmt.frac
        pooled = [
            [[rq_entry(sum(xg[ch][i][j] for ch in range(3)) * third, fxg + qt.fmt.frac, qpool) for j in range(Wd)]
             for i in range(H)],
            [[rq_entry(max(xg[ch][i][j] for ch in range(3)), fxg, qpool) for j in range(Wd)] for i in range(H)],
        ]
        sg = self.T["sigmoid"]
        maps = {}
        for name, w, b, key, k in (("m3", self.W["c3"], self.W["c3b"], "hsa.wb3", 3),
                                   ("m5", self.W["c5"], self.W["c5b"], "hsa.wb5", 5)):
            fp = fpool + self.f(key)
            acc = self.conv(pooled, [w], [b << fpool], k)[0]
            maps[name] = [[sg(rq_entry(rq_entry(acc[i][j], fp, c["hsa.acc"]), self.f("hsa.acc"), c["hsa.z"]))
                           for j in range(Wd)] for i in range(H)]
        qa, qs = c["hsa.A"], c["hsa.xs"]
        fgm = self.f("hsa.gate") + self.f("hsa.m")
        A = [[min(rq_entry(gate[0] * maps["m3"][i][j] + gate[1] * maps["m5"][i][j], fgm, qa), one_raw(qa.fmt))
              for j in range(Wd)] for i in range(H)]
        fxa = fxg + qa.fmt.frac
        xs = [[[clamp_eps_one(rq_entry(xg[ch][i][j] * A[i][j], fxa, qs), qs.fmt) for j in range(Wd)]
               for i in range(H)] for ch in range(3)]
        # the mask head's own input: the same product into hsa.xm
        qm = c["hsa.xm"]
        xm = [[[clamp_eps_one(rq_entry(xg[ch][i][j] * A[i][j], fxa, qm), qm.fmt) for j in range(Wd)]
               for i in range(H)] for ch in range(3)]
        # RGFC: logits (over xm), argmax, sums
        fxm = qm.fmt.frac
        fpm = fxm + self.f("rgfc.wm")
        acc = self.conv(xm, self.W["wm"], [b << fxm for b in self.W["bm"]], 3)
        fac = self.f("rgfc.acc")
        logits = [[[rq_entry(rq_entry(acc[k][i][j], fpm, c["rgfc.acc"]), fac, c["rgfc.logits"]) for j in range(Wd)]
                   for i in range(H)] for k in range(len(acc))]
        nk = len(logits)
        index = [[0] * Wd for _ in range(H)]
        for i, j in pix:
            best = 0
            for k in range(1, nk):
                if logits[k][i][j] > logits[best][i][j]:
                    best = k
            index[i][j] = best
        l_sum = [rq_entry(sum(logits[k][i][j] for i, j in pix), self.f("rgfc.logits"), c["rgfc.lsum"])
                 for k in range(nk)]
        if mode == "same":
            pw = self.rgfc_params(l_sum, n)
        else:
            pw = ({"w": dflt["w"], "inv_w": dflt["inv_w"]} if state is None
                  else self.rgfc_params(state["l_sum"], state["n"]))
        inv_w = pw["inv_w"]
        # power path: y = exp2(log2(xs) * (1/w_k*)), 8-bit output
        l2t, e2t = self.T["log2"], self.T["exp2"]
        fe = self.f("rgfc.log2") + self.T["reciprocal"].out_fmt.frac
        qy, qout = c["rgfc.y"], c["rgfc.out"]
        log2 = [[[l2t(xs[ch][i][j]) for j in range(Wd)] for i in range(H)] for ch in range(3)]
        e = [[[rq_entry(log2[ch][i][j] * inv_w[index[i][j]], fe, c["rgfc.e"]) for j in range(Wd)]
              for i in range(H)] for ch in range(3)]
        y = [[[clamp_eps_one(e2t(e[ch][i][j]), qy.fmt) for j in range(Wd)] for i in range(H)] for ch in range(3)]
        out = [[[rq_entry(y[ch][i][j] * 255, qy.fmt.frac, qout) for j in range(Wd)] for i in range(H)]
               for ch in range(3)]
        taps = {"x": x, "xg": xg, "pooled": pooled, "m3": maps["m3"], "m5": maps["m5"], "A": A, "xs": xs, "xm": xm,
                "logits": logits, "index": index, "log2": log2, "e": e, "y": y, "out": out}
        params = {**{f"glc.{k}": v for k, v in pa.items()}, **{f"hsa.{k}": v for k, v in pg.items()},
                  **{f"rgfc.{k}": v for k, v in pw.items()}}
        new_state = {"n": n, "x_sum": x_sum, "x_sq": x_sq, "xg_sum": xg_sum, "l_sum": l_sum}
        return taps, params, new_state

    def sequence(self, frames):
        state, res = None, []
        for x in frames:
            taps, params, state = self.frame(x, "previous", state)
            res.append((taps, params))
        return res


# --------------------------------------------------------------------------------------------
# front end
# --------------------------------------------------------------------------------------------
COLOUR = {"R": 0, "G": 1, "B": 2}


def oracle_frontend(raw, cfg, method: str):
    """Black level, 1/(white - black) gain, clamp to [0, 1], bin2 / bilinear (mirrored borders)."""
    qg, qx, qa = cfg["frontend.gain"], cfg["frontend.x"], cfg["frontend.avg"]
    cell = [[COLOUR[raw.cfa.upper()[2 * r + col]] for col in range(2)] for r in range(2)]
    mos = [[int(v) for v in row] for row in np.asarray(raw.mosaic).tolist()]
    H, Wd = len(mos), len(mos[0])
    black = [round(b) for b in raw.black]
    gains = []
    for b in black:
        span = Fraction(raw.white) - b
        g = half_up(Fraction(1 << qg.fmt.frac) / span)
        assert 0 < g <= fmt_range(qg.fmt)[1]
        gains.append(g)
    fx = qx.fmt.frac
    m = [[min(rq_entry(max(mos[i][j] - black[2 * (i % 2) + j % 2], 0) * gains[2 * (i % 2) + j % 2],
                       qg.fmt.frac, qx), one_raw(qx.fmt)) for j in range(Wd)] for i in range(H)]

    def avg(vals):
        return rq_entry(sum(vals), fx + (len(vals).bit_length() - 1), qa)

    if method == "bin2":
        out = [[[0] * (Wd // 2) for _ in range(H // 2)] for _ in range(3)]
        for bi in range(H // 2):
            for bj in range(Wd // 2):
                greens = []
                for dy in range(2):
                    for dx in range(2):
                        v, col = m[2 * bi + dy][2 * bj + dx], cell[dy][dx]
                        if col == 1:
                            greens.append(v)
                        else:
                            out[col][bi][bj] = v
                out[1][bi][bj] = avg(greens)
        return out
    assert method == "bilinear"

    def at(i, j):  # mirrored border: pixel -1 = pixel 1, pixel H = pixel H-2
        i = -i if i < 0 else (2 * (H - 1) - i if i >= H else i)
        j = -j if j < 0 else (2 * (Wd - 1) - j if j >= Wd else j)
        return m[i][j]

    out = [[[0] * Wd for _ in range(H)] for _ in range(3)]
    for i in range(H):
        for j in range(Wd):
            col = cell[i % 2][j % 2]
            hp = [at(i, j - 1), at(i, j + 1)]
            vp = [at(i - 1, j), at(i + 1, j)]
            dg = [at(i - 1, j - 1), at(i - 1, j + 1), at(i + 1, j - 1), at(i + 1, j + 1)]
            for ch in range(3):
                if ch == col:
                    out[ch][i][j] = m[i][j]
                elif ch == 1:  # green at a chroma site: 4-neighbour mean
                    out[ch][i][j] = avg(hp + vp)
                elif col == 1:  # chroma at a green site: the pair along the row that holds it
                    out[ch][i][j] = avg(hp) if ch in cell[i % 2] else avg(vp)
                else:  # the other chroma: diagonal mean
                    out[ch][i][j] = avg(dg)
    return out


# --------------------------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------------------------
def _to_list(a) -> list:
    return np.asarray(a).astype(np.int64).tolist()


def _assert_same(model_val, oracle_val, what: str) -> None:
    a = np.asarray(model_val, dtype=np.int64)
    b = np.asarray(oracle_val, dtype=np.int64)
    assert a.shape == b.shape, f"{what}: shape {a.shape} (model) vs {b.shape} (oracle)"
    if not np.array_equal(a, b):
        bad = np.argwhere(a != b)
        first = tuple(int(v) for v in bad[0])
        raise AssertionError(f"{what}: {len(bad)} of {a.size} values differ; first at {first}: "
                             f"model {int(a[first])} vs oracle {int(b[first])}")


def _compare(res, taps, params, what: str) -> None:
    for name in ("x", "xg", "pooled", "m3", "m5", "A", "xs", "xm", "logits", "index", "log2", "e", "y", "out"):
        _assert_same(res.taps[name], taps[name], f"{what}: tap {name}")
    _assert_same(res.out, taps["out"], f"{what}: out")
    for key in ("glc.alpha", "hsa.gate", "rgfc.w", "rgfc.inv_w"):
        assert key in res.params, f"{what}: model params lack {key}"
    for key, val in params.items():
        assert key in res.params, f"{what}: model params lack {key}"
        _assert_same(res.params[key], val, f"{what}: param {key}")


ISPS = {
    "w1-4": lambda: load_checkpoint(CKPT / "taisp_w1-4.pth"),
    "w5-9": lambda: load_checkpoint(CKPT / "taisp_w5-9.pth"),
    "untrained": spread_isp,
}

# (height, width, cfa, exposure, seed, demosaic): every CFA and both demosaics across the cases
CASES = [
    (10, 12, "RGGB", "normal", 1, "bilinear"),
    (9, 14, "GRBG", "dark", 2, "bilinear"),
    (10, 12, "BGGR", "bright", 3, "bin2"),
    (12, 14, "GBRG", "normal", 4, "bin2"),
    (9, 14, "GBRG", 0.15, 5, "bilinear"),
    (10, 12, "BGGR", "normal", 6, "bilinear"),
]


@pytest.fixture(scope="module")
def cfg():
    return load_config()


_CACHE: dict = {}


def _pair(name: str, cfg):
    """(FixedTAISP, Oracle) for an ISP, built once per config."""
    key = (name, id(cfg))
    if key not in _CACHE:
        from fixedpoint.taisp.model import FixedTAISP  # the model under test

        isp = ISPS[name]()
        _CACHE[key] = (FixedTAISP(isp, cfg), Oracle(isp, cfg))
    return _CACHE[key]


def _raw(case):
    h, w, cfa, exposure, seed, _ = case
    return synthetic_raw(h, w, cfa=cfa, exposure=exposure, seed=seed)


def test_requant_modes_by_definition():
    """The oracle's own rounding / overflow against the documented mode table (hand values)."""
    from types import SimpleNamespace as F

    s8 = F(signed=True, width=8, frac=0)
    # value in LSB units: 2.5, -2.5, 3.5, -3.5, 2.25, -2.75 (src frac 2)
    raws = [10, -10, 14, -14, 9, -11]
    want = {
        "TRN": [2, -3, 3, -4, 2, -3],
        "TRN_ZERO": [2, -2, 3, -3, 2, -2],
        "RND": [3, -2, 4, -3, 2, -3],
        "RND_ZERO": [2, -2, 3, -3, 2, -3],
        "RND_MIN_INF": [2, -3, 3, -4, 2, -3],
        "RND_INF": [3, -3, 4, -4, 2, -3],
        "RND_CONV": [2, -2, 4, -4, 2, -3],
    }
    for mode, exp in want.items():
        assert [requant(r, 2, s8, mode, "SAT") for r in raws] == exp, mode
    s4 = F(signed=True, width=4, frac=0)
    u4 = F(signed=False, width=4, frac=0)
    vals = [-9, -8, 7, 8, 20, -1]
    assert [overflow_int(v, s4, "SAT") for v in vals] == [-8, -8, 7, 7, 7, -1]
    assert [overflow_int(v, s4, "SAT_ZERO") for v in vals] == [0, -8, 7, 0, 0, -1]
    assert [overflow_int(v, s4, "SAT_SYM") for v in vals] == [-7, -7, 7, 7, 7, -1]
    assert [overflow_int(v, s4, "WRAP") for v in vals] == [7, -8, 7, -8, 4, -1]
    assert [overflow_int(v, u4, "SAT_SYM") for v in vals] == [0, 0, 7, 8, 15, 0]
    assert [overflow_int(v, u4, "WRAP") for v in vals] == [7, 8, 7, 8, 4, 15]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}x{c[1]}-{c[2]}-{c[3]}-{c[5]}")
def test_frontend_bit_exact(cfg, case):
    from fixedpoint.frontend import frontend

    raw = _raw(case)
    _assert_same(frontend(raw, cfg, case[5]), oracle_frontend(raw, cfg, case[5]), f"frontend {case}")


@pytest.mark.parametrize("isp_name", list(ISPS))
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}x{c[1]}-{c[2]}-{c[3]}-{c[5]}")
def test_same_mode_bit_exact(cfg, isp_name, case):
    fx, orc = _pair(isp_name, cfg)
    x = oracle_frontend(_raw(case), cfg, case[5])
    res = fx.frame(np.array(x, dtype=np.int64), "same", taps=True)
    taps, params, _ = orc.frame(x, "same")
    _compare(res, taps, params, f"{isp_name} {case} same")


@pytest.mark.parametrize("isp_name", list(ISPS))
def test_previous_mode_sequence_bit_exact(cfg, isp_name):
    fx, orc = _pair(isp_name, cfg)
    frames = [oracle_frontend(_raw(c), cfg, "bilinear") for c in
              [(10, 12, "RGGB", "normal", 11, "bilinear"), (10, 12, "RGGB", "dark", 12, "bilinear"),
               (10, 12, "RGGB", "bright", 13, "bilinear")]]
    got = fx.sequence([np.array(f, dtype=np.int64) for f in frames], "previous", taps=True)
    want = orc.sequence(frames)
    for k, (res, (taps, params)) in enumerate(zip(got, want)):
        _compare(res, taps, params, f"{isp_name} previous frame {k + 1}")
    # the sequence really used the previous frame's statistics (not its own)
    same = [orc.frame(f, "same")[1] for f in frames]
    assert want[1][1]["glc.alpha"] != same[1]["glc.alpha"]


def test_variant_modes_bit_exact(tmp_path):
    """Every rounding and overflow mode in the pixel path and the parameter engine, bit exact."""
    from fixedpoint.frontend import frontend

    from fixedpoint.taisp.variants import write_every_mode_config

    vcfg = load_config(write_every_mode_config(tmp_path))
    wrapped = 0
    for isp_name, case in (("w1-4", CASES[0]), ("untrained", CASES[2]), ("w5-9", CASES[1])):
        fx, orc = _pair(isp_name, vcfg)
        x = oracle_frontend(_raw(case), vcfg, case[5])
        _assert_same(frontend(_raw(case), vcfg, case[5]), x, f"variant frontend {case}")
        res = fx.frame(np.array(x, dtype=np.int64), "same", taps=True)
        taps, params, _ = orc.frame(x, "same")
        _compare(res, taps, params, f"variant {isp_name} {case} same")
        wrapped += res.overflows.get("rgfc.logits", 0)
        seq = fx.sequence([np.array(x, dtype=np.int64)] * 2, "previous", taps=True)
        for k, (res_k, (t_k, p_k)) in enumerate(zip(seq, orc.sequence([x, x]))):
            _compare(res_k, t_k, p_k, f"variant {isp_name} previous frame {k + 1}")
    assert wrapped > 0, "the narrow WRAP logit format never overflowed: the WRAP path went untested"


@pytest.mark.parametrize("entry", ["glc.sum", "hsa.dsum", "rgfc.lsum"])
def test_sum_entries_with_their_own_frac(entry):
    """A lossless change of a frame-sum entry's format (2 more bits, 2 more fractional bits)
    must not change the parameters: the engine reads each sum at its own entry's scale."""
    import tomllib

    from fixedpoint.arith import FxFormat
    from fixedpoint.config import QuantConfig
    from fixedpoint.taisp import DEFAULT_CONFIG

    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    sec, name = entry.split(".")
    f = FxFormat.parse(data[sec][name]["fmt"])
    data[sec][name] = {**data[sec][name], "fmt": str(FxFormat(f.signed, f.width + 2, f.frac + 2))}
    vcfg = QuantConfig(data, f"default with {entry} frac +2")
    fx, orc = _pair("w5-9", vcfg)
    x = oracle_frontend(_raw(CASES[0]), vcfg, "bilinear")
    res = fx.frame(np.array(x, dtype=np.int64), "same", taps=True)
    taps, params, _ = orc.frame(x, "same")
    _compare(res, taps, params, f"{entry} frac +2")
