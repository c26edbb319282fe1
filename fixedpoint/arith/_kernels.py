"""Numba kernels on int64 raw values (private; use :mod:`fixedpoint.arith.ops`).

Every kernel is exact: intermediate values are proven (by the Python layer,
with Python-integer range analysis) to fit int64 before a kernel is called.
Each elementwise kernel exists twice, a ``prange`` version compiled with
``parallel=True`` and a plain loop, because Numba's cache cannot hold both
compilations of one function.

A requantization "spec" is a tuple of int64:
``(d, rmode, omode, lo, hi, lo_eff, qlo, qhi, width, signed)`` where ``d`` is
the source fractional bits minus the target's, ``[lo, hi]`` the target raw
range, ``lo_eff`` the lower bound that triggers overflow handling (``-hi`` for
SAT_SYM on a signed target, else ``lo``) and ``[qlo, qhi]`` the source raw range
that a left shift (``d < 0``) maps inside the target.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# Mode codes (must match modes.Rounding / modes.Overflow).
TRN, TRN_ZERO, RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV = 0, 1, 2, 3, 4, 5, 6
SAT, SAT_ZERO, SAT_SYM, WRAP = 0, 1, 2, 3

_I64_MIN = np.int64(-9223372036854775808)
_I64_MAX = np.int64(9223372036854775807)
_TWO63 = 9223372036854775808.0
_TINY = 5e-324


# --------------------------------------------------------------------------- scalars
@njit(inline="always", cache=True)
def _increment(rmode, gt, eq, nz, neg, odd):
    """Rounding increment (0/1) to add to floor(x).

    gt/eq: dropped part above/equal to one half LSB; nz: dropped part non-zero;
    neg: x < 0; odd: floor(x) is odd.
    """
    if not nz or rmode == TRN:
        return 0
    if rmode == TRN_ZERO:
        return 1 if neg else 0
    if gt:
        return 1
    if not eq:
        return 0
    if rmode == RND:
        return 1
    if rmode == RND_ZERO:
        return 1 if neg else 0
    if rmode == RND_MIN_INF:
        return 0
    if rmode == RND_INF:
        return 0 if neg else 1
    return 1 if odd else 0  # RND_CONV


@njit(inline="always", cache=True)
def rshift_round(q, d, rmode):
    """``q / 2**d`` rounded per ``rmode``; exact for any int64 ``q`` and ``d >= 1``."""
    neg = q < 0
    if d <= 62:
        fl = q >> d
        rem = q & ((np.int64(1) << d) - 1)
        half = np.int64(1) << (d - 1)
        nz = rem != 0
        gt = rem > half
        eq = rem == half
    elif d == 63:
        fl = q >> 63
        rem = q & _I64_MAX
        half = np.int64(1) << 62
        nz = rem != 0
        gt = rem > half
        eq = rem == half
    else:
        # |q| <= 2**63 <= 2**(d-1): the dropped part is below one half LSB when
        # q >= 0, above it when q < 0, except q = -2**63, d = 64 (exactly -1/2).
        fl = np.int64(-1) if neg else np.int64(0)
        nz = q != 0
        eq = neg and d == 64 and q == _I64_MIN
        gt = neg and not eq
    return fl + _increment(rmode, gt, eq, nz, neg, (fl & 1) != 0)


@njit(inline="always", cache=True)
def wrap_bits(t, width, signed):
    """Low ``width`` bits of ``t``, sign-extended when ``signed``."""
    if width >= 64:
        return t
    mask = (np.int64(1) << width) - 1
    u = t & mask
    if signed and ((u >> (width - 1)) & 1) != 0:
        u = u | ~mask
    return u


@njit(inline="always", cache=True)
def shl_mod64(q, sh):
    """``q * 2**sh`` modulo 2**64 (two's complement)."""
    if sh >= 64:
        return np.int64(0)
    return q << sh


@njit(inline="always", cache=True)
def overflow_value(t, omode, lo, hi, lo_eff, width, signed):
    """Apply overflow handling to an exact rounded value ``t``; returns (value, event)."""
    if omode == WRAP:
        if t > hi or t < lo:
            return wrap_bits(t, width, signed), 1
        return t, 0
    if t > hi:
        return (np.int64(0) if omode == SAT_ZERO else hi), 1
    if t < lo_eff:
        return (np.int64(0) if omode == SAT_ZERO else lo_eff), 1
    return t, 0


@njit(inline="always", cache=True)
def requant_scalar(q, spec):
    """Requantize the exact value ``q * 2**-(f_dst + d)`` into the target of ``spec``."""
    d = spec[0]
    rmode = spec[1]
    omode = spec[2]
    lo = spec[3]
    hi = spec[4]
    lo_eff = spec[5]
    width = spec[8]
    signed = spec[9] != 0
    if d > 0:
        t = rshift_round(q, d, rmode)
        return overflow_value(t, omode, lo, hi, lo_eff, width, signed)
    if d == 0:
        return overflow_value(q, omode, lo, hi, lo_eff, width, signed)
    sh = -d
    qlo = spec[6]
    qhi = spec[7]
    if q > qhi:
        if omode == WRAP:
            return wrap_bits(shl_mod64(q, sh), width, signed), 1
        return (np.int64(0) if omode == SAT_ZERO else hi), 1
    if q < qlo:
        if omode == WRAP:
            return wrap_bits(shl_mod64(q, sh), width, signed), 1
        return (np.int64(0) if omode == SAT_ZERO else lo_eff), 1
    if q == 0:
        return np.int64(0), 0
    return q << sh, 0


@njit(inline="always", cache=True)
def quantize_scalar(x, frac, spec):
    """Round the finite double ``x`` into the target of ``spec`` (``d`` unused)."""
    rmode = spec[1]
    omode = spec[2]
    lo = spec[3]
    hi = spec[4]
    lo_eff = spec[5]
    width = spec[8]
    signed = spec[9] != 0
    y = math.ldexp(x, frac)  # exact unless it under/overflows the double range
    if y == 0.0 and x != 0.0:
        y = math.copysign(_TINY, x)  # keeps sign and non-zeroness, all that matters
    if math.isinf(y) or y >= _TWO63 or y < -_TWO63:
        # |y| >= 2**63 is an integer outside every int64-raw format
        if omode == WRAP:
            if math.isinf(y):
                return np.int64(0), 1  # exact value is a multiple of 2**64
            # y = mant * 2**sh exactly, mant a 53-bit integer, sh >= 11
            m, e = math.frexp(y)
            mant = np.int64(math.ldexp(m, 53))
            return wrap_bits(shl_mod64(mant, np.int64(e - 53)), width, signed), 1
        if omode == SAT_ZERO:
            return np.int64(0), 1
        return (hi if y > 0.0 else lo_eff), 1
    fl = math.floor(y)
    q = np.int64(fl)
    nz = y != fl
    h = fl + 0.5  # exact whenever nz (then |fl| < 2**52)
    t = q + _increment(rmode, y > h, y == h, nz, y < 0.0, (q & 1) != 0)
    return overflow_value(t, omode, lo, hi, lo_eff, width, signed)


# --------------------------------------------------------------------------- loops
@njit(cache=True)
def requant_seq(q, spec, out):
    n = 0
    for i in range(q.size):
        v, e = requant_scalar(q[i], spec)
        out[i] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def requant_par(q, spec, out):
    n = 0
    for i in prange(q.size):
        v, e = requant_scalar(q[i], spec)
        out[i] = v
        n += e
    return n


@njit(cache=True)
def quantize_seq(x, frac, spec, out):
    n = 0
    for i in range(x.size):
        v, e = quantize_scalar(x[i], frac, spec)
        out[i] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def quantize_par(x, frac, spec, out):
    n = 0
    for i in prange(x.size):
        v, e = quantize_scalar(x[i], frac, spec)
        out[i] = v
        n += e
    return n


@njit(inline="always", cache=True)
def _binary_scalar(a, b, op, sa, sb):
    """Exact intermediate of ``a op b`` (op: 0 add, 1 sub, 2 mul) on aligned raws."""
    if op == 2:
        return a * b
    if op == 0:
        return (a << sa) + (b << sb)
    return (a << sa) - (b << sb)


@njit(cache=True)
def binary_seq(a, b, op, sa, sb, spec, out):
    n = 0
    na = a.size
    nb = b.size
    m = out.size
    for i in range(m):
        x = a[i] if na == m else a[i % na]
        y = b[i] if nb == m else b[i % nb]
        v, e = requant_scalar(_binary_scalar(x, y, op, sa, sb), spec)
        out[i] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def binary_par(a, b, op, sa, sb, spec, out):
    n = 0
    na = a.size
    nb = b.size
    m = out.size
    for i in prange(m):
        x = a[i] if na == m else a[i % na]
        y = b[i] if nb == m else b[i % nb]
        v, e = requant_scalar(_binary_scalar(x, y, op, sa, sb), spec)
        out[i] = v
        n += e
    return n


@njit(inline="always", cache=True)
def _mac_scalar(acc, a, b, s_acc, s_p, spec):
    """One accumulation step: requantize ``acc + a*b`` into the accumulator format."""
    return requant_scalar((acc << s_acc) + ((a * b) << s_p), spec)


@njit(cache=True)
def mac_seq(acc, a, b, s_acc, s_p, spec, out):
    n = 0
    m = out.size
    nc = acc.size
    na = a.size
    nb = b.size
    for i in range(m):
        c = acc[i] if nc == m else acc[i % nc]
        x = a[i] if na == m else a[i % na]
        y = b[i] if nb == m else b[i % nb]
        v, e = _mac_scalar(c, x, y, s_acc, s_p, spec)
        out[i] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def mac_par(acc, a, b, s_acc, s_p, spec, out):
    n = 0
    m = out.size
    nc = acc.size
    na = a.size
    nb = b.size
    for i in prange(m):
        c = acc[i] if nc == m else acc[i % nc]
        x = a[i] if na == m else a[i % na]
        y = b[i] if nb == m else b[i % nb]
        v, e = _mac_scalar(c, x, y, s_acc, s_p, spec)
        out[i] = v
        n += e
    return n


@njit(inline="always", cache=True)
def _dot_row(a, b, init, r, s_acc, s_p, spec):
    acc = init[r]
    n = 0
    for k in range(a.shape[1]):
        acc, e = _mac_scalar(acc, a[r, k], b[r, k], s_acc, s_p, spec)
        n += e
    return acc, n


@njit(cache=True)
def dot_seq(a, b, init, s_acc, s_p, spec, out):
    n = 0
    for r in range(a.shape[0]):
        v, e = _dot_row(a, b, init, r, s_acc, s_p, spec)
        out[r] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def dot_par(a, b, init, s_acc, s_p, spec, out):
    n = 0
    for r in prange(a.shape[0]):
        v, e = _dot_row(a, b, init, r, s_acc, s_p, spec)
        out[r] = v
        n += e
    return n


@njit(cache=True)
def clamp_seq(q, lo, hi, out):
    n = 0
    for i in range(q.size):
        v = q[i]
        if v < lo:
            v = lo
            n += 1
        elif v > hi:
            v = hi
            n += 1
        out[i] = v
    return n


@njit(cache=True, parallel=True)
def clamp_par(q, lo, hi, out):
    n = 0
    for i in prange(q.size):
        v = q[i]
        e = 0
        if v < lo:
            v = lo
            e = 1
        elif v > hi:
            v = hi
            e = 1
        out[i] = v
        n += e
    return n


@njit(cache=True)
def minmax_seq(a, b, sa, sb, take_max, spec, out):
    """Pick the smaller (larger) exact value of aligned a, b; requantize it."""
    n = 0
    na = a.size
    nb = b.size
    m = out.size
    for i in range(m):
        x = (a[i] if na == m else a[i % na]) << sa
        y = (b[i] if nb == m else b[i % nb]) << sb
        if take_max:
            z = x if x >= y else y
        else:
            z = x if x <= y else y
        v, e = requant_scalar(z, spec)
        out[i] = v
        n += e
    return n


@njit(cache=True, parallel=True)
def minmax_par(a, b, sa, sb, take_max, spec, out):
    n = 0
    na = a.size
    nb = b.size
    m = out.size
    for i in prange(m):
        x = (a[i] if na == m else a[i % na]) << sa
        y = (b[i] if nb == m else b[i % nb]) << sb
        if take_max:
            z = x if x >= y else y
        else:
            z = x if x <= y else y
        v, e = requant_scalar(z, spec)
        out[i] = v
        n += e
    return n


@njit(cache=True)
def argmax_rows(q, out):
    """Index of the largest value of each row; ties go to the lowest index."""
    for r in range(q.shape[0]):
        best = 0
        bv = q[r, 0]
        for k in range(1, q.shape[1]):
            if q[r, k] > bv:
                bv = q[r, k]
                best = k
        out[r] = best


@njit(cache=True)
def raw_range(q):
    """(min, max) of a non-empty int64 array."""
    lo = q[0]
    hi = q[0]
    for i in range(1, q.size):
        v = q[i]
        if v < lo:
            lo = v
        elif v > hi:
            hi = v
    return lo, hi


@njit(cache=True)
def all_finite(x):
    for i in range(x.size):
        if not math.isfinite(x[i]):
            return False
    return True
