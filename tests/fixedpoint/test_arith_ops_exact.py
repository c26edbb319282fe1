"""Property tests: every operation equals the exact Python-integer/Fraction
reference (fixedpoint.arith.exact), for every rounding x overflow pair and
random formats, including the overflow counts."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixedpoint.arith import (
    Fx,
    FxFormat,
    Overflow,
    Rounding,
    add,
    argmax,
    clamp,
    dot,
    exact,
    mac,
    maximum,
    minimum,
    mul,
    quantize,
    requantize,
    shift_left,
    shift_right,
    sub,
)

MODE_PAIRS = [(r, o) for r in Rounding for o in Overflow]
MODE_IDS = [f"{r.name}-{o.name}" for r, o in MODE_PAIRS]
CORE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
OPS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def formats(draw, wmin: int = 1, wmax: int = 64, frac_center: int | None = None, spread: int = 24):
    signed = draw(st.booleans())
    width = draw(st.integers(wmin, wmax if signed else min(wmax, 63)))
    if frac_center is None:
        frac = draw(st.one_of(st.integers(-12, width + 12), st.integers(-90, 140)))
    else:
        frac = draw(st.integers(frac_center - spread, frac_center + spread))
    return FxFormat(signed, width, frac)


def raws(fmt: FxFormat, min_size: int = 1, max_size: int = 24):
    return st.lists(st.integers(fmt.min_raw, fmt.max_raw), min_size=min_size, max_size=max_size)


def _check(res, expected: list[tuple[int, bool]]):
    assert res.raw.reshape(-1).tolist() == [v for v, _ in expected]
    assert res.n_overflow == sum(e for _, e in expected)


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@CORE
@given(data=st.data())
def test_requantize_exact(mode, data):
    r, o = mode
    src = data.draw(formats())
    dst = data.draw(formats(frac_center=src.frac))
    q = data.draw(raws(src))
    res = requantize(np.array(q, dtype=np.int64), src, dst, r, o)
    assert res.fmt == dst
    _check(res, [exact.requantize(v, src, dst, r, o) for v in q])


@st.composite
def reals_for(draw, fmt: FxFormat):
    """Doubles near fmt's grid (many exact ties) or anywhere."""
    fine = draw(st.integers(-(1 << 66), 1 << 66))
    extra = draw(st.integers(0, 6))
    near = float(np.ldexp(float(fine >> 10), -(fmt.frac + extra)))  # <= 57-bit ints: exact
    anyf = draw(st.floats(allow_nan=False, allow_infinity=False))
    return draw(st.sampled_from([near, anyf, -near]))


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@CORE
@given(data=st.data())
def test_quantize_exact(mode, data):
    r, o = mode
    dst = data.draw(formats())
    xs = data.draw(st.lists(reals_for(dst), min_size=1, max_size=16))
    res = quantize(np.array(xs, dtype=np.float64), dst, r, o)
    _check(res, [exact.convert(Fraction(x), dst, r, o) for x in xs])


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@OPS
@given(data=st.data())
def test_add_sub_exact(mode, data):
    r, o = mode
    fa = data.draw(formats(1, 40, frac_center=None))
    fb = data.draw(formats(1, 40, frac_center=fa.frac, spread=20))
    dst = data.draw(formats(frac_center=max(fa.frac, fb.frac), spread=12))
    n = data.draw(st.integers(1, 16))
    qa = data.draw(raws(fa, n, n))
    qb = data.draw(raws(fb, n, n))
    A, B = Fx(np.array(qa, dtype=np.int64), fa), Fx(np.array(qb, dtype=np.int64), fb)
    _check(add(A, B, dst, r, o), [exact.add(x, fa, y, fb, dst, r, o) for x, y in zip(qa, qb)])
    _check(sub(A, B, dst, r, o), [exact.sub(x, fa, y, fb, dst, r, o) for x, y in zip(qa, qb)])


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@OPS
@given(data=st.data())
def test_mul_exact(mode, data):
    r, o = mode
    fa = data.draw(formats(1, 32))
    fb = data.draw(formats(1, 31))
    dst = data.draw(formats(frac_center=fa.frac + fb.frac, spread=16))
    n = data.draw(st.integers(1, 16))
    qa = data.draw(raws(fa, n, n))
    qb = data.draw(raws(fb, n, n))
    res = mul(Fx(np.array(qa, dtype=np.int64), fa), Fx(np.array(qb, dtype=np.int64), fb), dst, r, o)
    _check(res, [exact.mul(x, fa, y, fb, dst, r, o) for x, y in zip(qa, qb)])


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@OPS
@given(data=st.data())
def test_dot_and_mac_exact(mode, data):
    r, o = mode
    fa = data.draw(formats(1, 16))
    fb = data.draw(formats(1, 16))
    acc = data.draw(formats(2, 40, frac_center=fa.frac + fb.frac, spread=6))
    rows, k = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 8))
    qa = [data.draw(raws(fa, k, k)) for _ in range(rows)]
    qb = [data.draw(raws(fb, k, k)) for _ in range(rows)]
    init = data.draw(raws(acc, rows, rows))
    A, B = Fx(np.array(qa, dtype=np.int64), fa), Fx(np.array(qb, dtype=np.int64), fb)
    res = dot(A, B, acc, r, o, init=Fx(np.array(init, dtype=np.int64), acc))
    # init is converted into the accumulator format first (SAT_SYM may move min)
    conv = [exact.requantize(c, acc, acc, r, o) for c in init]
    expected = [exact.dot(x, fa, y, fb, acc, r, o, init=c) for x, y, (c, _) in zip(qa, qb, conv)]
    assert res.raw.tolist() == [v for v, _ in expected]
    assert res.n_overflow == sum(e for _, e in expected) + sum(e for _, e in conv)
    # mac is one step of the same accumulator
    col_a = Fx(A.raw[:, 0], fa)
    col_b = Fx(B.raw[:, 0], fb)
    step = mac(Fx(np.array(init, dtype=np.int64), acc), col_a, col_b, r, o)
    expected = [exact.dot([x[0]], fa, [y[0]], fb, acc, r, o, init=c) for x, y, c in zip(qa, qb, init)]
    assert step.raw.tolist() == [v for v, _ in expected]
    assert step.n_overflow == sum(e for _, e in expected)


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@OPS
@given(data=st.data())
def test_shifts_exact(mode, data):
    r, o = mode
    src = data.draw(formats(frac_center=0, spread=60))
    n = data.draw(st.integers(0, 70))
    left = data.draw(st.booleans())
    moved = src.frac - n if left else src.frac + n
    dst = data.draw(st.one_of(st.just(src), formats(frac_center=moved, spread=10)))
    q = data.draw(raws(src))
    x = Fx(np.array(q, dtype=np.int64), src)
    res = (shift_left if left else shift_right)(x, n, dst, r, o)
    scale = Fraction(2) ** (n if left else -n)
    _check(res, [exact.convert(exact.value(v, src) * scale, dst, r, o) for v in q])


@pytest.mark.parametrize("mode", MODE_PAIRS, ids=MODE_IDS)
@OPS
@given(data=st.data())
def test_min_max_exact(mode, data):
    r, o = mode
    fa = data.draw(formats(1, 30))
    fb = data.draw(formats(1, 30, frac_center=fa.frac, spread=10))
    dst = data.draw(st.one_of(st.none(), formats(frac_center=fa.frac, spread=10)))
    n = data.draw(st.integers(1, 12))
    qa, qb = data.draw(raws(fa, n, n)), data.draw(raws(fb, n, n))
    A, B = Fx(np.array(qa, dtype=np.int64), fa), Fx(np.array(qb, dtype=np.int64), fb)
    lo_res, hi_res = minimum(A, B, dst, r, o), maximum(A, B, dst, r, o)
    target = lo_res.fmt
    va = [exact.value(v, fa) for v in qa]
    vb = [exact.value(v, fb) for v in qb]
    if dst is None:  # default target holds both operands: exact, nothing overflows
        assert lo_res.n_overflow == hi_res.n_overflow == 0
        assert [exact.value(v, target) for v in lo_res.raw.tolist()] == [min(x, y) for x, y in zip(va, vb)]
        assert [exact.value(v, target) for v in hi_res.raw.tolist()] == [max(x, y) for x, y in zip(va, vb)]
    else:
        _check(lo_res, [exact.convert(min(x, y), target, r, o) for x, y in zip(va, vb)])
        _check(hi_res, [exact.convert(max(x, y), target, r, o) for x, y in zip(va, vb)])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_clamp_exact(data):
    fmt = data.draw(formats(1, 40))
    q = data.draw(raws(fmt))
    lo = data.draw(st.fractions(-(2 ** 45), 2 ** 45))
    hi = lo + data.draw(st.fractions(0, 2 ** 46))
    x = Fx(np.array(q, dtype=np.int64), fmt)
    vals = [exact.value(v, fmt) for v in q]
    if not _grid_points_between(fmt, lo, hi):
        with pytest.raises(ValueError, match="no value"):
            clamp(x, lo, hi)
        return
    res = clamp(x, lo, hi)
    out = [exact.value(v, fmt) for v in res.raw.tolist()]
    for v, w in zip(vals, out):
        assert lo <= w <= hi
        if lo <= v <= hi:
            assert w == v
    assert res.n_overflow == sum(not (lo <= v <= hi) for v in vals)


def _grid_points_between(fmt: FxFormat, lo: Fraction, hi: Fraction) -> list[int]:
    s = Fraction(2) ** fmt.frac
    a, b = max(math.ceil(lo * s), fmt.min_raw), min(math.floor(hi * s), fmt.max_raw)
    return [a] if a <= b else []


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(st.integers(-(2 ** 63), 2 ** 63 - 1), min_size=5, max_size=5),
                     min_size=1, max_size=6))
def test_argmax_ties_to_lowest(rows):
    # a narrow value set makes ties common
    arr = np.array(rows, dtype=np.int64) % 3
    idx = argmax(arr)
    for row, i in zip(arr.tolist(), idx.tolist()):
        assert i == row.index(max(row))
    assert argmax(Fx(arr.T.copy(), "s64.0"), axis=0).tolist() == idx.tolist()


def test_parallel_and_sequential_kernels_agree():
    rng = np.random.default_rng(7)
    q = rng.integers(-(2 ** 40), 2 ** 40, size=200_003)
    g = rng.integers(0, 256, size=3)
    for r, o in MODE_PAIRS:
        a = requantize(q, "s42.20", "s16.8", r, o, parallel=True)
        b = requantize(q, "s42.20", "s16.8", r, o, parallel=False)
        assert np.array_equal(a.raw, b.raw) and a.n_overflow == b.n_overflow > 0
    x = Fx(q[:199_998].reshape(-1, 3), "s42.20")
    a = mul(x, Fx(g, "u8.6"), "s24.10", "RND", "SAT", parallel=True)
    b = mul(x, Fx(g, "u8.6"), "s24.10", "RND", "SAT", parallel=False)
    assert np.array_equal(a.raw, b.raw) and a.n_overflow == b.n_overflow
    xs = rng.normal(scale=100, size=100_000)
    a = quantize(xs, "s12.4", "RND_CONV", "SAT_SYM", parallel=True)
    b = quantize(xs, "s12.4", "RND_CONV", "SAT_SYM", parallel=False)
    assert np.array_equal(a.raw, b.raw) and a.n_overflow == b.n_overflow > 0


def test_known_values():
    """Hand-checked results for each rounding mode on +-2.5, +-1.5, +-0.75 LSB."""
    x = np.array([2.5, -2.5, 1.5, -1.5, 0.75, -0.75])
    expect = {
        "TRN": [2, -3, 1, -2, 0, -1],
        "TRN_ZERO": [2, -2, 1, -1, 0, 0],
        "RND": [3, -2, 2, -1, 1, -1],
        "RND_ZERO": [2, -2, 1, -1, 1, -1],
        "RND_MIN_INF": [2, -3, 1, -2, 1, -1],
        "RND_INF": [3, -3, 2, -2, 1, -1],
        "RND_CONV": [2, -2, 2, -2, 1, -1],
    }
    for mode, want in expect.items():
        assert quantize(x, "s8.0", mode, "SAT").raw.tolist() == want, mode
    # overflow modes on s4.0 (range [-8, 7]) and their counts
    y = np.array([7.0, 8.0, -8.0, -9.0, 20.0])
    assert quantize(y, "s4.0", "TRN", "SAT").raw.tolist() == [7, 7, -8, -8, 7]
    assert quantize(y, "s4.0", "TRN", "SAT_ZERO").raw.tolist() == [7, 0, -8, 0, 0]
    assert quantize(y, "s4.0", "TRN", "SAT_SYM").raw.tolist() == [7, 7, -7, -7, 7]
    assert quantize(y, "s4.0", "TRN", "WRAP").raw.tolist() == [7, -8, -8, 7, 4]
    res = quantize(y, "s4.0", "TRN", "SAT_SYM")
    assert res.n_overflow == 4 and res.n_saturated == 4 and res.n_wrapped == 0
    res = quantize(y, "s4.0", "TRN", "WRAP")
    assert res.n_overflow == 3 and res.n_wrapped == 3 and res.n_saturated == 0
    # unsigned SAT_SYM behaves as SAT
    assert quantize(np.array([-1.0, 16.0]), "u4.0", "TRN", "SAT_SYM").raw.tolist() == [0, 15]
    # negative and over-wide fractional bits
    assert quantize(np.array([13.0]), "s8.-2", "RND", "SAT").raw.tolist() == [3]  # 13/4 -> 3
    assert quantize(np.array([0.0625]), "u8.12", "TRN", "SAT").raw.tolist() == [255]
