"""The fused fixed-point engine: one pass over the frame in the order the hardware streams it.

``FixedTAISP.frame(x, mode)`` (``taps=False``, the default) runs here; ``taps=True`` runs the
stage-wise path of :mod:`fixedpoint.model` (glc, hsa, rgfc over whole frames), which stays the
readable reference. Both compute the same integers for every config the validator accepts:
the pixel arithmetic is written once per operation in the Numba kernels of
:mod:`fixedpoint._fused_kernels`, which call the shared rounding / overflow kernels of
:mod:`fixedpoint.arith._kernels` and the table kernel of :mod:`fixedpoint.arith._table_kernels`
(tested bit for bit against the stage-wise path in ``tests/fixedpoint/test_fused.py``).

Per pixel: GLC (``xg``), channel pooling, the 3x3 and 5x5 branches over a 5-row line buffer of
the pooled maps, the sigmoid table, ``A``, ``xs`` into a 3-row line buffer, the 16 mask logits,
the argmax and the power curve; the frame statistics (sums of x, x^2, xg and the logits) and
the overflow counts of every requantization are gathered on the way. Frames are split into
bands of rows (in parallel with Numba's threads), each band re-reading the halo rows it needs.
No full-frame intermediate is kept: the memory beyond the input and the output is a few rows
per band, and the region map (one byte per pixel, returned as the ``index`` tap).

Statistics modes: ``previous`` is one pass (the parameters come from the previous frame).
``same`` needs the frame's own sums before each stage, so it runs four passes: sums of x
(then alpha), sums of xg (then the gate), HSA + logits with the region index kept (then w),
HSA + power curve; about 1.5x the time of a ``previous`` frame.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from . import _fused_kernels as FK
from ..arith import FxFormat
from ..arith.modes import Overflow
from ..arith.ops import requant_spec
from ..common import RunContext, eps_raw, one, rq, third_raw

if TYPE_CHECKING:
    from .model import FixedTAISP, FrameResult

#: Frames of at least this many pixels run on Numba's threads when ``parallel`` is None.
PARALLEL_MIN_PIXELS = 1 << 16
#: Rows per band (at least) when running in parallel: a band recomputes up to 6 halo rows of
#: the pooled maps and 2 of xs, so bands much shorter than this waste work.
MIN_BAND_ROWS = 32
#: Integers up to this magnitude are exact in float64, and so are their sums that stay below it.
FLOAT_EXACT = 1 << 53


def _spec(cfg, key: str, src_frac: int) -> tuple:
    q = cfg[key]
    if not q.fmt.fits_int64:
        raise ValueError(f"{key} format {q.fmt}: unsigned 64-bit raw values do not fit int64")
    return requant_spec(src_frac, q.fmt, q.rounding, q.overflow)


def _table(cfg, name: str) -> tuple[tuple, np.ndarray]:
    t = cfg.table(name)
    prm = (t._kind_code, t._param, t.in_fmt.signed, t.in_fmt.min_raw, t._n_side, t.kind == "pwl", t.rounding,
           t.positive_domain, 0 if t.zero_value is None else t.zero_value)
    return np.array([int(v) for v in prm], dtype=np.int64), np.ascontiguousarray(t.entries, dtype=np.int64)


class FusedEngine:
    """The constants of one (weights, config) pair, prepared once for the kernels."""

    def __init__(self, fw, cfg, exact_float: bool = True) -> None:
        """``exact_float=False`` keeps the windows in int64 even where float64 would be exact
        (for tests of that path; configs whose bound exceeds 2**53 use it anyway)."""
        self.cfg = cfg
        fx = cfg["frontend.x"].fmt.frac
        fxg = cfg["glc.xg"].fmt.frac
        fpool = cfg["hsa.pool"].fmt.frac
        fxm = cfg["hsa.xm"].fmt.frac  # the mask head's input
        qa = cfg["hsa.A"]
        self.specs = np.array([
            _spec(cfg, "glc.xg", fx + cfg["glc.alpha"].fmt.frac),
            _spec(cfg, "hsa.pool", fxg + cfg["hsa.third"].fmt.frac),  # the channel mean
            _spec(cfg, "hsa.pool", fxg),  # the channel max
            _spec(cfg, "hsa.acc", fpool + cfg["hsa.wb3"].fmt.frac),  # 3x3 branch
            _spec(cfg, "hsa.acc", fpool + cfg["hsa.wb5"].fmt.frac),  # 5x5 branch
            _spec(cfg, "hsa.z", cfg["hsa.acc"].fmt.frac),
            _spec(cfg, "hsa.A", cfg["hsa.gate"].fmt.frac + cfg["hsa.m"].fmt.frac),
            _spec(cfg, "hsa.xs", fxg + qa.fmt.frac),
            _spec(cfg, "rgfc.acc", fxm + cfg["rgfc.wm"].fmt.frac),
            _spec(cfg, "rgfc.logits", cfg["rgfc.acc"].fmt.frac),
            _spec(cfg, "rgfc.e", cfg["rgfc.log2"].fmt.frac + cfg.table("reciprocal").out_fmt.frac),
            _spec(cfg, "rgfc.out", cfg["rgfc.y"].fmt.frac),
            _spec(cfg, "hsa.xm", fxg + qa.fmt.frac),
        ], dtype=np.int64)
        qxg, qxs, qy, qxm = cfg["glc.xg"].fmt, cfg["hsa.xs"].fmt, cfg["rgfc.y"].fmt, cfg["hsa.xm"].fmt
        self.consts = np.array([eps_raw(qxg), one(qxg), eps_raw(qxs), one(qxs), eps_raw(qy), one(qy), one(qa.fmt),
                                third_raw(cfg["hsa.third"].fmt), eps_raw(qxm), one(qxm)], dtype=np.int64)
        hb = [int(fw.c3b[0]) << fpool, int(fw.c5b[0]) << fpool]
        bm = [int(v) << fxm for v in fw.bm]
        # Exact float64 windows: every partial sum of a window is an integer bounded by
        # |bias| + sum |w| * max |operand|; below 2**53 float64 holds all of them exactly.
        pf = cfg["hsa.pool"].fmt
        p_max = max(-pf.min_raw, pf.max_raw)  # any pooled value (WRAP may give negatives)
        xs_max = one(qxm)  # xm (the mask head's window) is clamped to [EPS, 1]
        bounds = [p_max, xs_max,
                  abs(hb[0]) + int(np.abs(fw.c3).sum()) * p_max, abs(hb[1]) + int(np.abs(fw.c5).sum()) * p_max]
        bounds += [abs(b) + int(np.abs(fw.wm[o]).sum()) * xs_max for o, b in enumerate(bm)]
        self.window_bound = max(bounds)
        self.exact_float = exact_float and self.window_bound <= FLOAT_EXACT
        dt = np.float64 if self.exact_float else np.int64
        self.w3 = np.ascontiguousarray(fw.c3, dtype=dt)
        self.w5 = np.ascontiguousarray(fw.c5, dtype=dt)
        self.hb = np.array(hb, dtype=dt)
        self.wm = np.ascontiguousarray(np.asarray(fw.wm).reshape(16, 27), dtype=dt)  # (channel, dy, dx) order
        self.bm = np.array(bm, dtype=dt)
        self.t_sig, self.e_sig = _table(cfg, "sigmoid")
        self.t_log, self.e_log = _table(cfg, "log2")
        self.t_exp, self.e_exp = _table(cfg, "exp2")

    def run(self, x: np.ndarray, level: int, alpha, gate, inv_w, parallel: bool, bands: int,
            index: np.ndarray | None = None, out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """One pass at ``level`` (see :mod:`fixedpoint._fused_kernels`); returns (sums, counts), wrapped
        int64 sums of the bands (as NumPy's int64 sums wrap)."""
        h, w = x.shape[1], x.shape[2]
        if index is None:
            index = np.zeros((1, 1), dtype=np.uint8)
        if out is None:
            out = np.zeros((3, 1, 1), dtype=np.int64)
        sums = np.zeros((bands, FK.N_SUMS), dtype=np.int64)
        counts = np.zeros((bands, FK.N_COUNTS), dtype=np.int64)
        kern = FK.frame_par if parallel else FK.frame_seq
        kern(x, bands, level, np.asarray(alpha, dtype=np.int64), np.asarray(gate, dtype=np.int64),
             np.asarray(inv_w, dtype=np.int64), self.w3, self.w5, self.hb, self.wm, self.bm,
             self.specs, self.consts,
             self.t_sig, self.e_sig, self.t_log, self.e_log, self.t_exp, self.e_exp, index, out, sums, counts)
        with np.errstate(over="ignore"):
            return sums.sum(axis=0, dtype=np.int64), counts.sum(axis=0, dtype=np.int64)


def _bands(h: int, w: int, parallel: bool | None, bands: int | None) -> tuple[bool, int]:
    if parallel is None:
        parallel = h * w >= PARALLEL_MIN_PIXELS
    if bands is None:
        if parallel:
            bands = max(1, min(4 * numba.get_num_threads(), h // MIN_BAND_ROWS))
        else:
            bands = 1
    if bands < 1:
        raise ValueError(f"bands must be at least 1, got {bands}")
    return bool(parallel), int(bands)


def engine_of(model: "FixedTAISP") -> FusedEngine:
    """The model's engine, built on first use (weights and config do not change after __init__)."""
    eng = getattr(model, "_fused_engine", None)
    if eng is None or eng.cfg is not model.cfg:
        eng = FusedEngine(model.weights, model.cfg)
        model._fused_engine = eng
    return eng


def fused_frame(model: "FixedTAISP", x: np.ndarray, mode: str = "previous", *, parallel: bool | None = None,
                bands: int | None = None, engine: FusedEngine | None = None) -> "FrameResult":
    """``model.frame(x, mode)`` by the fused engine: the same out, statistics, parameters and
    overflow counts as the stage-wise path; taps hold only ``x``, ``index`` (the region map) and ``out``.

    ``parallel`` (default: the model's option) and ``bands`` (default: one band single-threaded,
    about 4 per thread in parallel) change the work split, never the integers; ``engine``: one
    built for the model's weights and config (default: the model's own, built on first use).
    """
    from .model import FrameResult, FrameStats

    cfg, fw = model.cfg, model.weights
    eng = engine_of(model) if engine is None else engine
    x = np.ascontiguousarray(x, dtype=np.int64)
    _, h, w = x.shape
    parallel, bands = _bands(h, w, model.parallel if parallel is None else parallel, bands)
    run = RunContext(parallel=model.parallel)
    n = int(h * w)
    out = np.empty((3, h, w), dtype=np.int64)
    counts = np.zeros(FK.N_COUNTS, dtype=np.int64)

    def sums_of(s):
        fx, fxg, fl = cfg["frontend.x"].fmt.frac, cfg["glc.xg"].fmt.frac, cfg["rgfc.logits"].fmt.frac
        return (rq(s[FK.S_X:FK.S_X + 3], fx, cfg["glc.sum"], "glc.sum", run),
                rq(s[FK.S_XX:FK.S_XX + 3], 2 * fx, cfg["glc.sumsq"], "glc.sumsq", run),
                rq(s[FK.S_XG:FK.S_XG + 3], fxg, cfg["hsa.dsum"], "hsa.dsum", run),
                rq(s[FK.S_L:FK.S_L + 16], fl, cfg["rgfc.lsum"], "rgfc.lsum", run))

    if mode == "previous":
        pa = model._alpha(model._prev, run)
        pg = model._gate(model._prev, run)
        pw = model._w(model._prev, run)
        index = np.empty((h, w), dtype=np.uint8)
        s, counts = eng.run(x, 4, pa["alpha"], pg["gate"], pw["inv_w"], parallel, bands, index=index, out=out)
        x_sum, x_sumsq, xg_sum, lsum = sums_of(s)
    else:  # same: the stage-wise path's order of parameter computations (and of their counts)
        s0, _ = eng.run(x, 0, np.zeros(3), np.zeros(2), np.zeros(16), parallel, bands)
        fx = cfg["frontend.x"].fmt.frac
        x_sum = rq(s0[FK.S_X:FK.S_X + 3], fx, cfg["glc.sum"], "glc.sum", run)
        x_sumsq = rq(s0[FK.S_XX:FK.S_XX + 3], 2 * fx, cfg["glc.sumsq"], "glc.sumsq", run)
        from . import params

        pa = params.glc_params(x_sum, x_sumsq, n, fw, cfg, run)
        s1, _ = eng.run(x, 1, pa["alpha"], np.zeros(2), np.zeros(16), parallel, bands)
        xg_sum = rq(s1[FK.S_XG:FK.S_XG + 3], cfg["glc.xg"].fmt.frac, cfg["hsa.dsum"], "hsa.dsum", run)
        pg = params.hsa_gate(xg_sum, n, fw, cfg, run)
        index = np.empty((h, w), dtype=np.uint8)
        s2, c2 = eng.run(x, 2, pa["alpha"], pg["gate"], np.zeros(16), parallel, bands, index=index)
        lsum = rq(s2[FK.S_L:FK.S_L + 16], cfg["rgfc.logits"].fmt.frac, cfg["rgfc.lsum"], "rgfc.lsum", run)
        pw = params.rgfc_params(lsum, n, fw, cfg, run)
        _, counts = eng.run(x, 3, pa["alpha"], pg["gate"], pw["inv_w"], parallel, bands, index=index, out=out)
        counts[FK.C_RACC] = c2[FK.C_RACC]
        counts[FK.C_LOG] = c2[FK.C_LOG]
    for key, c in zip(FK.COUNT_KEYS, counts):
        run.count_overflow(key, int(c))
    st = FrameStats(n, x_sum, x_sumsq, xg_sum, lsum)
    if mode == "previous":
        model._prev = st
    prm = {**{f"glc.{k}": v for k, v in pa.items()}, **{f"hsa.{k}": v for k, v in pg.items()},
           **{f"rgfc.{k}": v for k, v in pw.items()}}
    return FrameResult(out, {"x": x, "index": index.astype(np.int64), "out": out}, st, prm, run.overflow_counts())


__all__ = ["FusedEngine", "fused_frame", "engine_of", "PARALLEL_MIN_PIXELS", "MIN_BAND_ROWS"]
