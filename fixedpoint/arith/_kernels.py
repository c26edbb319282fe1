"""Numba kernels on int64 raw values (private; use :mod:`fixedpoint.arith.ops`).

Every kernel is exact: intermediate values are proven (by the Python layer,
with Python-integer range analysis) to fit int64 before a kernel is called.
Each elementwise kernel exists twice, a ``prange`` version compiled with
``parallel=True`` and a plain loop, because Numba's cache cannot hold both
compilations of one function.

A requantization "spec" is a tuple of 23 int64 (built by ``ops.requant_spec``):
``(d, rmode, omode, lo, hi, lo_eff, qlo, qhi, width, signed, path, dr, mask_d,
c0, cneg, codd, sl, elo, ehi, wmask, wsign, wrap_m, sat_m)``.  ``d`` is the
source fractional bits minus the target's, ``[lo, hi]`` the target raw range,
``lo_eff`` the value an underflow saturates to (``-hi`` for SAT_SYM on a signed
target wider than 1 bit, else ``lo``), ``[qlo, qhi]`` the source raw range that
a left shift (``d < 0``) maps inside the target; the rest are the precomputed
constants of the branch-free :func:`requant_fast` (``path`` 0) used whenever
``-62 <= d <= 61``.
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


@njit(inline="always", cache=True)
def requant_fast(q, spec):
    """:func:`requant_scalar` for ``-62 <= d <= 61`` (``spec[10] == 0``), branch-free.

    ``t0 = floor(q / 2**dr) + ((rem + c) >> dr)`` with ``dr = max(d, 0)``: the
    rounding constant ``c = c0 + (cneg if q < 0) + (codd if the floor is odd)``
    is chosen per mode so that the carry is exactly the mode's increment.  The
    result is ``t0 << sl`` (``sl = max(-d, 0)``), an overflow event when ``t0``
    is outside ``[elo, ehi]`` (the target range, or for a left shift the source
    range that maps inside it).  Callers dispatch ``spec[10] != 0`` to
    :func:`requant_scalar`.
    """
    dr = spec[11]
    fl = q >> dr
    neg = (q >> 63) & 1
    t0 = fl + (((q & spec[12]) + spec[13] + (spec[14] & -neg) + (spec[15] & -(fl & 1))) >> dr)
    t = t0 << spec[16]
    over = t0 > spec[18]
    ev = over | (t0 < spec[17])
    wr = ((t & spec[19]) ^ spec[20]) - spec[20]
    sat = spec[4] if over else spec[5]
    alt = (wr & spec[21]) | (sat & spec[22])  # WRAP: wr; SAT/SAT_SYM: sat; SAT_ZERO: 0
    return (alt if ev else t), (1 if ev else 0)


@njit(inline="always", cache=True)
def requant_any(q, spec):
    """Requantize through the fast path when the spec allows it."""
    if spec[10] == 0:
        return requant_fast(q, spec)
    return requant_scalar(q, spec)


# --------------------------------------------------------------------------- loops
# Elementwise work is split into blocks of ``block`` elements.  A block function
# (a plain compiled function, so LLVM vectorises its loop) handles one block;
# the ``_seq`` kernels loop over blocks, the ``_par`` kernels ``prange`` over
# them.  Loop-invariant choices (the requantization path, the operation) are
# made outside the element loops.  An operand flagged "tiled" holds one block
# of a broadcast operand (its period divides the block) and is indexed
# relative to the block start.


@njit(cache=True)
def _requant_block(q, spec, out, start, stop):
    # views indexed from 0, so Numba drops negative-index wraparound and LLVM vectorises
    qv = q[start:stop]
    ov = out[start:stop]
    c = 0
    if spec[10] == 0:
        for i in range(qv.size):
            v, e = requant_fast(qv[i], spec)
            ov[i] = v
            c += e
    else:
        for i in range(qv.size):
            v, e = requant_scalar(qv[i], spec)
            ov[i] = v
            c += e
    return c


@njit(cache=True)
def requant_seq(q, spec, out, block):
    m = q.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _requant_block(q, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def requant_par(q, spec, out, block):
    m = q.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _requant_block(q, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True)
def _quantize_block(x, frac, spec, out, start, stop):
    xv = x[start:stop]
    ov = out[start:stop]
    c = 0
    for i in range(xv.size):
        v, e = quantize_scalar(xv[i], frac, spec)
        ov[i] = v
        c += e
    return c


@njit(cache=True)
def quantize_seq(x, frac, spec, out, block):
    m = x.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _quantize_block(x, frac, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def quantize_par(x, frac, spec, out, block):
    m = x.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _quantize_block(x, frac, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True)
def _binary_block(a, b, at, bt, op, sa, sb, spec, out, start, stop):
    """out = Q(a op b) for op 0 add, 1 sub, 2 mul (a, b aligned by sa, sb bits)."""
    n = stop - start
    av = a[0:n] if at else a[start:stop]
    bv = b[0:n] if bt else b[start:stop]
    ov = out[start:stop]
    c = 0
    if spec[10] == 0:
        if op == 2:
            for i in range(n):
                v, e = requant_fast(av[i] * bv[i], spec)
                ov[i] = v
                c += e
        elif op == 0:
            for i in range(n):
                v, e = requant_fast((av[i] << sa) + (bv[i] << sb), spec)
                ov[i] = v
                c += e
        else:
            for i in range(n):
                v, e = requant_fast((av[i] << sa) - (bv[i] << sb), spec)
                ov[i] = v
                c += e
    else:
        for i in range(n):
            x = av[i]
            y = bv[i]
            if op == 2:
                z = x * y
            elif op == 0:
                z = (x << sa) + (y << sb)
            else:
                z = (x << sa) - (y << sb)
            v, e = requant_scalar(z, spec)
            ov[i] = v
            c += e
    return c


@njit(cache=True)
def binary_seq(a, b, at, bt, block, op, sa, sb, spec, out):
    m = out.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _binary_block(a, b, at, bt, op, sa, sb, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def binary_par(a, b, at, bt, block, op, sa, sb, spec, out):
    m = out.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _binary_block(a, b, at, bt, op, sa, sb, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(inline="always", cache=True)
def _mac_scalar(acc, a, b, s_acc, s_p, spec):
    """One accumulation step: requantize ``acc + a*b`` into the accumulator format."""
    return requant_any((acc << s_acc) + ((a * b) << s_p), spec)


@njit(cache=True)
def _mac_block(acc, a, b, ct, at, bt, s_acc, s_p, spec, out, start, stop):
    n = stop - start
    cv = acc[0:n] if ct else acc[start:stop]
    av = a[0:n] if at else a[start:stop]
    bv = b[0:n] if bt else b[start:stop]
    ov = out[start:stop]
    c = 0
    if spec[10] == 0:
        for i in range(n):
            v, e = requant_fast((cv[i] << s_acc) + ((av[i] * bv[i]) << s_p), spec)
            ov[i] = v
            c += e
    else:
        for i in range(n):
            v, e = requant_scalar((cv[i] << s_acc) + ((av[i] * bv[i]) << s_p), spec)
            ov[i] = v
            c += e
    return c


@njit(cache=True)
def mac_seq(acc, a, b, ct, at, bt, block, s_acc, s_p, spec, out):
    m = out.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _mac_block(acc, a, b, ct, at, bt, s_acc, s_p, spec, out, kb * block,
                        min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def mac_par(acc, a, b, ct, at, bt, block, s_acc, s_p, spec, out):
    m = out.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _mac_block(acc, a, b, ct, at, bt, s_acc, s_p, spec, out, kb * block,
                        min(kb * block + block, m))
    return n


@njit(cache=True)
def _dot_rows(a, b, init, s_acc, s_p, spec, out, start, stop):
    n = 0
    for r in range(start, stop):
        acc = init[r]
        for k in range(a.shape[1]):
            acc, e = _mac_scalar(acc, a[r, k], b[r, k], s_acc, s_p, spec)
            n += e
        out[r] = acc
    return n


@njit(cache=True)
def dot_seq(a, b, init, s_acc, s_p, spec, out, block):
    m = a.shape[0]
    n = 0
    for kb in range((m + block - 1) // block):
        n += _dot_rows(a, b, init, s_acc, s_p, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def dot_par(a, b, init, s_acc, s_p, spec, out, block):
    m = a.shape[0]
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _dot_rows(a, b, init, s_acc, s_p, spec, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True)
def _clamp_block(q, lo, hi, out, start, stop):
    qv = q[start:stop]
    ov = out[start:stop]
    c = 0
    for i in range(qv.size):
        v = qv[i]
        e = (v < lo) | (v > hi)
        ov[i] = min(max(v, lo), hi)
        c += 1 if e else 0
    return c


@njit(cache=True)
def clamp_seq(q, lo, hi, out, block):
    m = q.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _clamp_block(q, lo, hi, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def clamp_par(q, lo, hi, out, block):
    m = q.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _clamp_block(q, lo, hi, out, kb * block, min(kb * block + block, m))
    return n


@njit(cache=True)
def _minmax_block(a, b, at, bt, sa, sb, take_max, spec, out, start, stop):
    """Pick the smaller (larger) exact value of aligned a, b; requantize it."""
    n = stop - start
    av = a[0:n] if at else a[start:stop]
    bv = b[0:n] if bt else b[start:stop]
    ov = out[start:stop]
    c = 0
    for i in range(n):
        x = av[i] << sa
        y = bv[i] << sb
        z = max(x, y) if take_max else min(x, y)
        v, e = requant_any(z, spec)
        ov[i] = v
        c += e
    return c


@njit(cache=True)
def minmax_seq(a, b, at, bt, block, sa, sb, take_max, spec, out):
    m = out.size
    n = 0
    for kb in range((m + block - 1) // block):
        n += _minmax_block(a, b, at, bt, sa, sb, take_max, spec, out, kb * block,
                           min(kb * block + block, m))
    return n


@njit(cache=True, parallel=True)
def minmax_par(a, b, at, bt, block, sa, sb, take_max, spec, out):
    m = out.size
    n = 0
    for kb in prange((m + block - 1) // block):
        n += _minmax_block(a, b, at, bt, sa, sb, take_max, spec, out, kb * block,
                           min(kb * block + block, m))
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
        lo = min(lo, v)
        hi = max(hi, v)
    return lo, hi


@njit(cache=True)
def all_finite(x):
    for i in range(x.size):
        if not math.isfinite(x[i]):
            return False
    return True
