"""The ten POS-ISP filters in fixed point, one function per filter with the reference's names.

Each takes ``x`` (3, H, W) int64 raw ``chain.x`` values, the frame's driver output
(:class:`fixedpoint.posisp.driver.DriverOutput`: registers and per-frame tables), the config and
an optional :class:`~fixedpoint.common.RunContext` (whose ``counts`` get the filter's overflow
events under its name), and returns (3, H, W) int64 raw ``chain.x``. The integers are specified
in ``fixedpoint/README.md`` (section "POS-ISP"); the kernels are in ``_kernels.py``.

    y = apply_filter("tone", x, drv, cfg)
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from golden.posisp.filters import DENOISE_PATCH, DENOISE_SEARCH, FILTER_NAMES

from ..arith.ops import requant_spec
from ..arith.tables import FunctionTable
from ..common import RunContext, one
from ..config import ConfigError, QuantConfig
from . import _kernels as K
from .fused import kernels as _fast_kernels, use_fast
from .driver import DriverOutput
from .schema import constants


def spec(src_frac: int, cfg: QuantConfig, key: str) -> tuple:
    """The requantization spec of ``rq(., src_frac, key)``."""
    q = cfg[key]
    return requant_spec(src_frac, q.fmt, q.rounding, q.overflow)


def table_args(t: FunctionTable) -> tuple:
    """A table as the kernels take it (its index logic's constants and entries)."""
    return (np.int64(t._kind_code), np.int64(t._param), t.in_fmt.signed, np.int64(t.in_fmt.min_raw),
            np.int64(t._n_side), t.kind == "pwl", np.ascontiguousarray(t.entries, dtype=np.int64),
            np.int64(int(t.rounding)), t.zero_value is not None, np.int64(0 if t.zero_value is None else t.zero_value))


def frame_table(cfg: QuantConfig, drv: DriverOutput, name: str) -> FunctionTable:
    """Per-frame table ``name`` holding this frame's driver contents."""
    return cfg.table(name).with_entries(drv.tables[name])


def _shift(cfg: QuantConfig, hi: int, lo: int, what: str) -> int:
    if hi < lo:
        raise ConfigError(f"{cfg.source}: the POS-ISP datapath needs {what}")
    return hi - lo


def _f(cfg: QuantConfig, key: str) -> int:
    return cfg[key].fmt.frac


def _prep(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.ascontiguousarray(x, dtype=np.int64)
    if x.ndim != 3 or x.shape[0] != 3:
        raise ValueError(f"a POS-ISP filter takes (3, H, W) raw chain.x values, got shape {x.shape}")
    return x, np.empty_like(x)


def _k(run: RunContext | None):
    """The kernels of a run: the row-parallel copies when ``run.parallel`` is True (the fast path,
    :mod:`fixedpoint.posisp.fused`), else the single-threaded ones; the integers are the same."""
    return _fast_kernels() if use_fast(run) else K


def _count(run: RunContext | None, name: str, cnt: np.ndarray) -> None:
    if run is not None:
        run.count_overflow(name, int(cnt.sum()))


def exposure(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    g = np.full(3, drv.regs["EXPOSURE_GAIN"], dtype=np.int64)
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).gain(x, g, spec(_f(cfg, "chain.x") + _f(cfg, "exposure.gain"), cfg, "chain.x"), out, cnt)
    _count(run, "exposure", cnt)
    return out


def gamma(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    _k(run).table3(x, table_args(frame_table(cfg, drv, "gamma")), out)
    return out


def ccm(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    f = _f(cfg, "chain.x") + _f(cfg, "ccm.m")
    m = np.array(drv.registers_of("ccm"), dtype=np.int64)
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).ccm(x, m, np.int64(1) << f, spec(f, cfg, "chain.x"), out, cnt)
    _count(run, "ccm", cnt)
    return out


def sharpen(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    fa, fc, fx = _f(cfg, "sharpen.a"), _f(cfg, "sharpen.c"), _f(cfg, "chain.x")
    sh = _shift(cfg, fc, fa, "sharpen.c to have at least sharpen.a's fractional bits")
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).sharpen(x, np.int64(drv.regs["SHARPEN_A"]), np.int64(drv.regs["SHARPEN_C"]), np.int64(sh),
              np.int64(one(cfg["chain.x"].fmt)), np.int64(1) << (fc + fx), spec(fc + fx, cfg, "chain.x"), out, cnt)
    _count(run, "sharpen", cnt)
    return out


def mirror_pad(a: np.ndarray, r: int) -> np.ndarray:
    """Pad the last two axes by ``r`` with reflection without repeating the edge (pixel -1 =
    pixel 1), the border of denoise; frames must be larger than ``r`` in both axes."""
    if r >= a.shape[-1] or r >= a.shape[-2]:
        raise ValueError(f"denoise's mirror border needs frames larger than {r}x{r}, got "
                         f"{a.shape[-1]}x{a.shape[-2]}")
    pad = [(0, 0)] * (a.ndim - 2) + [(r, r), (r, r)]
    return np.ascontiguousarray(np.pad(a, pad, mode="reflect"))


def denoise_luma(x, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """Y = BT.601 luma of the clamped input in ``denoise.y`` (H, W)."""
    x = np.ascontiguousarray(x, dtype=np.int64)
    c = constants(cfg)
    y = np.empty(x.shape[1:], dtype=np.int64)
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).luma(x, np.int64(c["BT601_R"]), np.int64(c["BT601_G"]), np.int64(c["BT601_B"]), np.int64(one(cfg["chain.x"].fmt)),
           spec(_f(cfg, "chain.x") + _f(cfg, "const.bt601"), cfg, "denoise.y"), y, cnt)
    _count(run, "denoise", cnt)
    return y


def denoise(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    _, h, w = x.shape
    rs, ps = DENOISE_SEARCH, DENOISE_PATCH
    yp = mirror_pad(denoise_luma(x, cfg, run), rs + ps)
    xp = mirror_pad(x, rs)
    tab = table_args(frame_table(cfg, drv, "denoise"))
    num = np.zeros((3, h, w), dtype=np.int64)
    den = np.zeros((h, w), dtype=np.int64)
    if use_fast(run):  # all offsets in one row-parallel pass
        from . import fused

        _fast_kernels().nlm_fused(yp, xp, rs, ps, tab, np.int64(fused.band_count(h)), num, den)
    else:
        e = np.empty((h + 2 * ps, w + 2 * ps), dtype=np.int64)
        vs = np.empty((h, w + 2 * ps), dtype=np.int64)
        for dy in range(-rs, rs + 1):
            for dx in range(-rs, rs + 1):
                K.nlm_offset(yp, xp, dy, dx, ps, tab, e, vs, num, den)
    fx, fw, fn, fi = _f(cfg, "chain.x"), _f(cfg, "denoise.w"), _f(cfg, "denoise.num"), _f(cfg, "denoise.inv")
    cnt = np.zeros(h, dtype=np.int64)
    _k(run).nlm_final(num, den, np.int64(fx), np.int64(one(cfg["chain.x"].fmt)), spec(fw + fx, cfg, "denoise.num"),
                table_args(cfg.table("den_recip")), spec(fn + fi, cfg, "chain.x"), out, cnt)
    _count(run, "denoise", cnt)
    return out


def tone(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    fx, fs, fo = _f(cfg, "chain.x"), _f(cfg, "tone.slope"), _f(cfg, "tone.offset")
    sh = _shift(cfg, fs + fx, fo, "tone.offset to have at most tone.slope's plus chain.x's fractional bits")
    if fx < 3:
        raise ConfigError(f"{cfg.source}: [chain.x] tone needs at least 3 fractional bits")
    slope = np.array([drv.regs[f"TONE_SLOPE{i}"] for i in range(8)], dtype=np.int64)
    offset = np.array([drv.regs[f"TONE_OFFSET{i}"] for i in range(8)], dtype=np.int64)
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).tone(x, slope, offset, np.int64(sh), np.int64(fx - 3), np.int64(one(cfg["chain.x"].fmt)),
           spec(fs + fx, cfg, "chain.x"), out, cnt)
    _count(run, "tone", cnt)
    return out


def contrast(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    c = constants(cfg)
    fx, fl, fk = _f(cfg, "chain.x"), _f(cfg, "const.lum"), _f(cfg, "contrast.k")
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).contrast(x, np.int64(c["LUM_R"]), np.int64(c["LUM_G"]), np.int64(c["LUM_B"]), np.int64(1) << (fx + fl),
               spec(fx + fl, cfg, "contrast.L"), table_args(frame_table(cfg, drv, "contrast")),
               spec(fx + fk, cfg, "chain.x"), out, cnt)
    _count(run, "contrast", cnt)
    return out


def saturation(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    f = {k: _f(cfg, f"saturation.{k}") for k in ("c", "inv", "t", "g", "mg", "delta", "a")}
    sh = _shift(cfg, f["a"] + f["delta"], f["c"], "saturation.c to have at most saturation.a's plus saturation.delta's "
                                                  "fractional bits")
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).saturation(x, np.int64(one(cfg["chain.x"].fmt)), np.int64(constants(cfg)["K08"]),
                 spec(_f(cfg, "const.k08") + f["c"], cfg, "saturation.g"), table_args(cfg.table("sat_recip")),
                 spec(f["c"] + f["inv"], cfg, "saturation.t"), np.int64(one(cfg["saturation.t"].fmt)),
                 spec(f["c"] + f["g"], cfg, "saturation.mg"), spec(f["t"] + f["mg"], cfg, "saturation.delta"),
                 spec(f["c"] + f["g"], cfg, "saturation.delta"),
                 np.int64(drv.regs["SAT_A"]), np.int64(sh), np.int64(1) << (f["a"] + f["delta"]),
                 spec(f["a"] + f["delta"], cfg, "chain.x"), out, cnt)
    _count(run, "saturation", cnt)
    return out


def wnb(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    c = constants(cfg)
    fx, fl, fa, flum = _f(cfg, "chain.x"), _f(cfg, "const.lum"), _f(cfg, "wnb.a"), _f(cfg, "wnb.lum")
    sh = _shift(cfg, flum, fx, "wnb.lum to have at least chain.x's fractional bits")
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).wnb(x, np.int64(c["LUM_R"]), np.int64(c["LUM_G"]), np.int64(c["LUM_B"]), spec(fx + fl, cfg, "wnb.lum"),
          np.int64(drv.regs["WNB_A"]), np.int64(1) << fa, np.int64(sh), spec(fa + flum, cfg, "chain.x"), out, cnt)
    _count(run, "wnb", cnt)
    return out


def wb(x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    x, out = _prep(x)
    g = np.array(drv.registers_of("wb"), dtype=np.int64)
    cnt = np.zeros(x.shape[1], dtype=np.int64)
    _k(run).gain(x, g, spec(_f(cfg, "chain.x") + _f(cfg, "wb.gain"), cfg, "chain.x"), out, cnt)
    _count(run, "wb", cnt)
    return out


FILTERS: dict[str, Callable[..., np.ndarray]] = {
    "exposure": exposure, "gamma": gamma, "ccm": ccm, "sharpen": sharpen, "denoise": denoise,
    "tone": tone, "contrast": contrast, "saturation": saturation, "wnb": wnb, "wb": wb,
}


def apply_filter(name: str, x, drv: DriverOutput, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """Filter ``name`` on raw ``chain.x`` values (3, H, W) with the frame's driver output."""
    if name not in FILTERS:
        raise ValueError(f"unknown POS-ISP filter {name!r}; the filters are {', '.join(FILTER_NAMES)}")
    return FILTERS[name](x, drv, cfg, run)


def chain_input(x_fe, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """Front-end output (raw ``frontend.x``) -> raw ``chain.x`` (a shift by default)."""
    from ..common import rq

    return rq(np.asarray(x_fe, dtype=np.int64), _f(cfg, "frontend.x"), cfg["chain.x"], "chain.x", run)


def output8(y, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """The 8-bit output ``rq(min(y, 1) * 255)`` in ``chain.out``."""
    y, out = _prep(y)
    cnt = np.zeros(y.shape[1], dtype=np.int64)
    _k(run).output8(y, np.int64(one(cfg["chain.x"].fmt)), spec(_f(cfg, "chain.x"), cfg, "chain.out"), out, cnt)
    _count(run, "out", cnt)
    return out


__all__ = ["FILTERS", "apply_filter", "ccm", "chain_input", "contrast", "denoise", "denoise_luma", "exposure",
           "frame_table", "gamma", "mirror_pad", "output8", "saturation", "sharpen", "spec", "table_args", "tone", "wb",
           "wnb"]
