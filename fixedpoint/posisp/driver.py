"""The POS-ISP driver: the 27 raw parameters of a frame -> register values and table contents,
in integer arithmetic only, bit for bit what the firmware's C twin computes.

    out = drive(p_raw, cfg)          # p_raw: 27 raw values of ``driver.p`` (quantize_params(p))
    out.regs["EXPOSURE_GAIN"], out.tables["gamma"], out.overflows

Specification (every value is a Python int; ``DF`` = the fractional bits of ``driver.work``,
30 by default; "Q" means a value with ``DF`` fractional bits):

Primitives
  ``shr(v, s)``       = ``floor((v + 2^(s-1)) / 2^s)`` for s > 0 (round half up; ``v`` for s = 0;
                        ``v * 2^-s`` for s < 0). In C: ``(v + (1 << (s-1))) >> s`` with an arithmetic shift.
  ``div(n, d)``       = ``floor(n / d + 1/2)`` (round half up) for d != 0 (signs of n and d both
                        flipped first when d < 0).
  ``isqrt(v)``        = ``floor(sqrt(v))`` for v >= 0 (exact integer square root).
  ``C(a, b)``         = ``div(a * 2^DF, b)``: the constant a/b in Q.
  ``map(p, LO, HI)``  = ``LO + shr((HI - LO) * p, Fp)``: the filter range of a raw parameter
                        (``Fp`` = fractional bits of ``driver.p``).
  ``rq(v, f, E)``     = ``v * 2^-f`` brought into entry ``E`` of the config: ``E``'s rounding mode
                        on the dropped bits, then ``E``'s overflow mode (fixedpoint/arith/README.md);
                        every saturation is counted in ``overflows[E]``.
  ``log2q(v, f)``     (v > 0 with f fractional bits) -> log2 in Q, bit by bit: ``k`` = index of v's
                        leading one; ``m = v * 2^(DF - k)`` (truncated when DF < k), so
                        ``2^DF <= m < 2^(DF+1)``; ``r = (k - f) * 2^DF``; then for i = 1..DF:
                        ``m = floor(m^2 / 2^DF)``; if ``m >= 2^(DF+1)``: ``m = floor(m / 2)`` and
                        ``r += 2^(DF - i)``. (m^2 < 2^(2 DF + 2): 64 bits for DF <= 30.)
  ``exp2q(e)``        (e in Q, any sign) -> (y, n) with value ``y * 2^(n - DF)``:
                        ``n = floor(e / 2^DF)``, ``r = e - n 2^DF``; ``y = 2^DF``; for i = 1..DF, if
                        bit ``DF - i`` of r is set: ``y = shr(y * K_i, DF)`` with the constants
                        ``K_0 = 2^(DF+1)``, ``K_i = isqrt(K_{i-1} * 2^DF)`` (2^(2^-i) in Q, floor).
  ``LOG2E``           = ``round(2^DF / ln 2)`` in double precision (1549082005 for DF = 30).
  ``EPS6, EPS8``      = ``C(1, 10^6)``, ``C(1, 10^8)`` (the float model's 1e-6 and 1e-8); the
                        tone filter's 1e-30 is below Q's LSB and drops.

Registers and tables (``p_k`` = the raw parameter k of the 27, published layout)
  exposure  ``ev = map(p0, -C(7,2), C(7,2))``; ``(y, n) = exp2q(ev)``;
            ``EXPOSURE_GAIN = rq(y * 2^n, DF, exposure.gain)`` (a negative n shifts right inside rq).
  gamma     ``g = map(p1, C(1,3), 3 * 2^DF)``; for every segment boundary ``b_i`` of the gamma table
            (raw ``chain.x``: the first input of each segment, then the end of the last one):
            ``v = max(b_i * 2^(DF - Fx), EPS6)``; ``e = shr(g * log2q(v, DF), DF)``;
            ``(y, n) = exp2q(e)``; ``gamma[i] = rq(y * 2^n, DF, chain.x)`` (``Fx`` = chain.x's frac;
            the last boundary lies past chain.x's range: its saturation is not counted).
  ccm       ``M_ij = map(p_{2+3i+j}, -2 * 2^DF, 2 * 2^DF)``; ``S_i = M_i0 + M_i1 + M_i2 + EPS8``;
            ``CCM_M{3i+j} = rq(div(M_ij * 2^DF, S_i), DF, ccm.m)``.
  sharpen   ``a = map(p11, C(1,100000), 10 * 2^DF)``; ``SHARPEN_A = rq(a, DF, sharpen.a)``;
            ``a_q = SHARPEN_A * 2^(DF - Fa)`` (the quantized a in Q);
            ``SHARPEN_C = rq(div(2^DF - a_q, 13), DF, sharpen.c)`` (so ``a_q + 13 c ~ 1`` exactly
            up to c's rounding: flat areas stay flat).
  denoise   ``h = map(p12, C(1,100000), 2^DF)``; ``ih = div(2^(2 DF), h + EPS8)`` (1/h in Q);
            the square roots carry ``SQ = DF + 10`` fractional bits (with small h the weight tells apart
            distances of 1e-11): ``E2 = div(2^(2 SQ), 10^8)`` (1e-8 with 2 SQ fractional bits),
            ``s0 = isqrt(E2)``; for every segment boundary ``D_i`` of the denoise table (raw
            ``denoise.d``, ``Fd`` frac): ``s = isqrt(D_i * 2^(2 SQ - Fd) + E2)`` (sqrt(D + 1e-8) with SQ
            fractional bits); ``t = shr((s - s0) * ih, SQ)`` (in Q);
            ``e = -shr(t * LOG2E, DF)``; ``denoise[i] = 0`` if ``e < -(Fw + 2) * 2^DF`` else
            ``rq(y * 2^n, DF, denoise.w)`` with ``(y, n) = exp2q(e)`` (``Fw`` = denoise.w's frac).
            The weights are exp(-sqrt(D + 1e-8)/h) divided by their value at D = 0 (a common factor
            that the final division cancels), so ``denoise[0] = 1.0`` exactly.
  tone      ``t_i = map(p_{13+i}, C(1,2), 2 * 2^DF)``, ``S = sum t_i``;
            ``TONE_SLOPE{i} = rq(div(8 t_i * 2^DF, S), DF, tone.slope)``,
            ``TONE_OFFSET{i} = rq(div((t_0 + ... + t_{i-1}) * 2^DF, S), DF, tone.offset)``.
  contrast  ``w = map(p21, -2^DF, 2^DF)``; with ``G_i`` the entries of the build-time table
            ``contrast_g`` and ``ONE = 2^Fk`` (``Fk`` = contrast.k's frac):
            ``contrast[i] = rq(ONE * 2^DF + w * (G_i - ONE), DF + Fk, contrast.k)``.
  saturation ``SAT_A = rq(p22, Fp, saturation.a)``.
  wnb       ``WNB_A = rq(p23, Fp, wnb.a)``.
  wb        ``s_c = map(p_{24+c}, C(10,11), C(11,10))``;
            ``N = EPS6 + div(27 s_0 + 67 s_1 + 6 s_2, 100)``; ``WB_GAIN{c} = rq(div(s_c * 2^DF, N), DF, wb.gain)``.

Bounds: with DF = 30 every product above fits in 128 bits (the C twin uses ``__int128`` for the
products marked in ``fixedpoint/README.md``); the Python reference uses unbounded ints.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache

import numpy as np

from golden.posisp.filters import FILTER_NAMES, NUM_PARAMS, PARAM_SLICES

from ..arith.exact import handle_overflow, round_fraction
from ..config import Q, QuantConfig

#: Extra fractional bits of the denoise table's square roots (``SQ = DF + SQRT_EXTRA``).
SQRT_EXTRA = 10

#: The identity-most raw parameters: gain 1, gamma 1, identity CCM, a = 1, tone identity,
#: contrast/saturation/wnb off, unit white balance; denoise h = 0.5 (it has no identity). The
#: block's programmed defaults after reset (``previous`` mode's first frame).
DEFAULT_P: tuple[float, ...] = (
    0.5,                                   # exposure: ev = 0
    0.25,                                  # gamma: g = 1
    1.0, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 1.0,  # ccm: diag(2, 2, 2) / 2
    (1.0 - 1e-5) / (10.0 - 1e-5),          # sharpen: a = 1
    0.5,                                   # denoise: h = 0.5
    0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,  # tone: all slopes equal
    0.5,                                   # contrast: w = 0
    0.0,                                   # saturation: a = 0
    0.0,                                   # wnb: a = 0
    0.5, 0.5, 0.5,                         # wb: equal gains
)

#: Register names per filter, in register-map order (fixedpoint/posisp/regmap.py).
FILTER_REGISTERS: dict[str, tuple[str, ...]] = {
    "exposure": ("EXPOSURE_GAIN",),
    "gamma": (),
    "ccm": tuple(f"CCM_M{k}" for k in range(9)),
    "sharpen": ("SHARPEN_A", "SHARPEN_C"),
    "denoise": (),
    "tone": tuple(f"TONE_SLOPE{i}" for i in range(8)) + tuple(f"TONE_OFFSET{i}" for i in range(8)),
    "contrast": (),
    "saturation": ("SAT_A",),
    "wnb": ("WNB_A",),
    "wb": ("WB_GAIN0", "WB_GAIN1", "WB_GAIN2"),
}
#: The config entry of each register.
REGISTER_ENTRIES: dict[str, str] = {
    "EXPOSURE_GAIN": "exposure.gain", **{f"CCM_M{k}": "ccm.m" for k in range(9)},
    "SHARPEN_A": "sharpen.a", "SHARPEN_C": "sharpen.c",
    **{f"TONE_SLOPE{i}": "tone.slope" for i in range(8)}, **{f"TONE_OFFSET{i}": "tone.offset" for i in range(8)},
    "SAT_A": "saturation.a", "WNB_A": "wnb.a", **{f"WB_GAIN{c}": "wb.gain" for c in range(3)},
}
#: The per-frame tables each filter reads.
FILTER_TABLES: dict[str, tuple[str, ...]] = {"gamma": ("gamma",), "contrast": ("contrast",), "denoise": ("denoise",)}


@dataclass
class DriverOutput:
    """One frame's register values (raw integers of their entries, signed) and table contents."""

    p: tuple[int, ...]
    regs: dict[str, int]
    tables: dict[str, np.ndarray]
    overflows: Counter = field(default_factory=Counter)

    def registers_of(self, name: str) -> list[int]:
        """The register values filter ``name`` reads, in :data:`FILTER_REGISTERS` order."""
        return [self.regs[r] for r in FILTER_REGISTERS[name]]


# -- primitives ------------------------------------------------------------------------------------
def shr(v: int, s: int) -> int:
    """``floor(v / 2^s + 1/2)`` for s > 0; ``v`` for s = 0; ``v * 2^-s`` for s < 0."""
    if s > 0:
        return (v + (1 << (s - 1))) >> s
    return v << -s


def div(n: int, d: int) -> int:
    """``floor(n / d + 1/2)`` (round half up), d != 0."""
    if d == 0:
        raise ZeroDivisionError("driver division by zero")
    if d < 0:
        n, d = -n, -d
    return (2 * n + d) // (2 * d)


def rq(v: int, f: int, q: Q, key: str, overflows: Counter | None = None) -> int:
    """``v * 2^-f`` into entry ``q``: its rounding, then its overflow mode (counted)."""
    sh = q.fmt.frac - f  # raw = v * 2^sh
    t = round_fraction(Fraction(v << sh) if sh >= 0 else Fraction(v, 1 << -sh), q.rounding)
    r, ovf = handle_overflow(t, q.fmt, q.overflow)
    if ovf and overflows is not None:
        overflows[key] += 1
    return int(r)


class DriverMath:
    """The integer primitives at a working precision ``DF`` (see the module docstring)."""

    def __init__(self, df: int) -> None:
        if not 16 <= df <= 40:
            raise ValueError(f"driver.work: {df} fractional bits; the driver supports 16 to 40")
        self.df = df
        k = [2 << df]
        for _ in range(df):
            k.append(math.isqrt(k[-1] << df))
        self.K = tuple(k)
        self.LOG2E = int(round(2.0**df / math.log(2.0)))
        self.EPS6 = self.C(1, 10**6)
        self.EPS8 = self.C(1, 10**8)

    def C(self, a: int, b: int) -> int:
        return div(a << self.df, b)

    def log2q(self, v: int, f: int) -> int:
        if v <= 0:
            raise ValueError("log2q of a non-positive value")
        df = self.df
        k = v.bit_length() - 1
        m = v << (df - k) if k <= df else v >> (k - df)
        r = (k - f) << df
        two = 2 << df
        for i in range(1, df + 1):
            m = (m * m) >> df
            if m >= two:
                m >>= 1
                r += 1 << (df - i)
        return r

    def exp2q(self, e: int) -> tuple[int, int]:
        df = self.df
        n = e >> df
        r = e - (n << df)
        y = 1 << df
        for i in range(1, df + 1):
            if (r >> (df - i)) & 1:
                y = shr(y * self.K[i], df)
        return y, n


@lru_cache(maxsize=8)
def _math(df: int) -> DriverMath:
    return DriverMath(df)


def driver_math(cfg: QuantConfig) -> DriverMath:
    """The primitives at the config's working precision (``driver.work``'s fractional bits)."""
    return _math(cfg["driver.work"].fmt.frac)


def quantize_params(p, cfg: QuantConfig) -> tuple[int, ...]:
    """27 float parameters in [0, 1] (the parameter agent's output) -> raw ``driver.p`` values
    (the entry's rounding, clamped to [0, 1]). NaN or a wrong count is a ValueError."""
    a = np.asarray(p, dtype=np.float64).reshape(-1)
    if a.size != NUM_PARAMS:
        raise ValueError(f"POS-ISP driver: need {NUM_PARAMS} raw parameters, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError("POS-ISP driver: raw parameters hold NaN/Inf")
    q = cfg["driver.p"]
    one = 1 << q.fmt.frac
    return tuple(min(max(round_fraction(Fraction(float(v)) * one, q.rounding), 0), one) for v in a)


def table_boundaries(cfg: QuantConfig, name: str) -> np.ndarray:
    """Raw inputs at which a table's entries are taken: each segment's first input, then (PWL)
    the end of the last segment (int64; it may lie beyond the input format). A LUT's entry is
    the function at its segment's first input."""
    t = cfg.table(name)
    starts, shifts = t.segment_starts, t.segment_shifts
    b = np.append(starts, starts[-1] + (np.int64(1) << shifts[-1]))
    return b[:t.entries.size]


def drive(p_raw, cfg: QuantConfig) -> DriverOutput:
    """Registers and tables of one frame from 27 raw ``driver.p`` values (module docstring)."""
    p = tuple(int(v) for v in p_raw)
    if len(p) != NUM_PARAMS:
        raise ValueError(f"POS-ISP driver: need {NUM_PARAMS} raw parameters, got {len(p)}")
    fp = cfg["driver.p"].fmt.frac
    if any(not 0 <= v <= (1 << fp) for v in p):
        raise ValueError(f"POS-ISP driver: raw parameters must lie in [0, {1 << fp}] (driver.p)")
    M = driver_math(cfg)
    df = M.df
    ovf: Counter = Counter()
    regs: dict[str, int] = {}
    tables: dict[str, np.ndarray] = {}

    def mp(k: int, lo: int, hi: int) -> int:
        return lo + shr((hi - lo) * p[k], fp)

    def R(name: str, v: int, f: int = df) -> None:
        e = REGISTER_ENTRIES[name]
        regs[name] = rq(v, f, cfg[e], e, ovf)

    def pow_value(y: int, n: int, key: str, count: bool = True) -> int:
        return rq(y << n if n >= 0 else y, df if n >= 0 else df - n, cfg[key], key, ovf if count else None)

    s = PARAM_SLICES
    # exposure
    y, n = M.exp2q(mp(s["exposure"].start, -M.C(7, 2), M.C(7, 2)))
    regs["EXPOSURE_GAIN"] = pow_value(y, n, "exposure.gain")
    # gamma
    g = mp(s["gamma"].start, M.C(1, 3), 3 << df)
    fx = cfg["chain.x"].fmt.frac
    ent = []
    x_max = cfg["chain.x"].fmt.max_raw
    for b in table_boundaries(cfg, "gamma"):
        v = max(int(b) << (df - fx) if df >= fx else int(b) >> (fx - df), M.EPS6)
        y, n = M.exp2q(shr(g * M.log2q(v, df), df))
        ent.append(pow_value(y, n, "chain.x", count=int(b) <= x_max))  # the last boundary lies past the format
    tables["gamma"] = np.array(ent, dtype=np.int64)
    # ccm
    c0 = s["ccm"].start
    for i in range(3):
        m = [mp(c0 + 3 * i + j, -(2 << df), 2 << df) for j in range(3)]
        S = sum(m) + M.EPS8
        for j in range(3):
            R(f"CCM_M{3 * i + j}", div(m[j] << df, S))
    # sharpen
    a = mp(s["sharpen"].start, M.C(1, 100000), 10 << df)
    R("SHARPEN_A", a)
    fa = cfg["sharpen.a"].fmt.frac
    a_q = shr(regs["SHARPEN_A"], fa - df)
    R("SHARPEN_C", div((1 << df) - a_q, 13))
    # denoise
    h = mp(s["denoise"].start, M.C(1, 100000), 1 << df)
    ih = div(1 << (2 * df), h + M.EPS8)
    sqf = df + SQRT_EXTRA
    e2 = div(1 << (2 * sqf), 10**8)
    s0 = math.isqrt(e2)
    fd, fw = cfg["denoise.d"].fmt.frac, cfg["denoise.w"].fmt.frac
    ent = []
    for b in table_boundaries(cfg, "denoise"):
        sq = math.isqrt(shr(int(b), fd - 2 * sqf) + e2)
        t = shr((sq - s0) * ih, sqf)
        e = -shr(t * M.LOG2E, df)
        if e < -((fw + 2) << df):
            ent.append(0)
        else:
            y, n = M.exp2q(e)
            ent.append(pow_value(y, n, "denoise.w"))
    tables["denoise"] = np.array(ent, dtype=np.int64)
    # tone
    t0 = s["tone"].start
    ts = [mp(t0 + i, M.C(1, 2), 2 << df) for i in range(8)]
    S = sum(ts)
    cum = 0
    for i in range(8):
        R(f"TONE_SLOPE{i}", div((8 * ts[i]) << df, S))
        R(f"TONE_OFFSET{i}", div(cum << df, S))
        cum += ts[i]
    # contrast
    w = mp(s["contrast"].start, -(1 << df), 1 << df)
    fk = cfg["contrast.k"].fmt.frac
    one_k = 1 << fk
    G = cfg.table("contrast_g").entries
    n_c = cfg.table("contrast").entries.size
    if G.size < n_c:
        raise ValueError(f"{cfg.source}: contrast_g has {G.size} entries, the contrast table {n_c}: give them one layout")
    tables["contrast"] = np.array([rq((one_k << df) + w * (int(gi) - one_k), df + fk, cfg["contrast.k"], "contrast.k", ovf)
                                   for gi in G[:n_c]], dtype=np.int64)
    # saturation, wnb
    R("SAT_A", p[s["saturation"].start], fp)
    R("WNB_A", p[s["wnb"].start], fp)
    # wb
    w0 = s["wb"].start
    sc = [mp(w0 + c, M.C(10, 11), M.C(11, 10)) for c in range(3)]
    N = M.EPS6 + div(27 * sc[0] + 67 * sc[1] + 6 * sc[2], 100)
    for c in range(3):
        R(f"WB_GAIN{c}", div(sc[c] << df, N))
    return DriverOutput(p, regs, tables, ovf)


def default_output(cfg: QuantConfig) -> DriverOutput:
    """The driver's output for :data:`DEFAULT_P` (the programmed defaults after reset)."""
    return drive(quantize_params(DEFAULT_P, cfg), cfg)


__all__ = ["DEFAULT_P", "DriverMath", "DriverOutput", "FILTER_NAMES", "FILTER_REGISTERS", "FILTER_TABLES",
           "REGISTER_ENTRIES", "SQRT_EXTRA", "default_output", "div", "drive", "driver_math", "quantize_params", "rq", "shr",
           "table_boundaries"]
