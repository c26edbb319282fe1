"""Numba kernels for function tables (private; see :mod:`fixedpoint.arith.tables`).

Segment map of a raw input ``q`` (what the hardware index logic computes):

* uniform: ``idx = (q - in_min) >> s`` (the top bits of the offset-binary
  input), every segment ``2**s`` raw steps wide;
* pow2: like a float's exponent and mantissa: ``u = q`` for ``q >= 0`` and
  ``u = ~q`` (= -q-1) for ``q < 0``, ``e`` = index of ``u``'s leading one,
  ``s = max(e - m, 0)``, ``j = (s << m) + (u >> s)``; signed inputs mirror the
  negative side: ``idx = n_side + j`` for ``q >= 0`` and ``n_side - 1 - j``
  otherwise.  Segments double in width every octave, ``2**m`` per octave.

Within a segment the interpolation offset is ``r = q & (2**s - 1)`` (the low
``s`` input bits) in both schemes.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange
from numba.cpython.unsafe.numbers import leading_zeros

from ._kernels import RND, RND_INF, RND_MIN_INF, RND_ZERO, TRN, TRN_ZERO, rshift_round  # noqa: F401

UNIFORM, POW2 = 0, 1


@njit(inline="always", cache=True)
def bit_length(u):
    """Number of significant bits of a non-negative int64 (0 for 0): LLVM's ctlz, no branches."""
    return 64 - np.int64(leading_zeros(u))


@njit(inline="always", cache=True)
def rshift_round_small(q, d, rmode):
    """:func:`rshift_round` for ``1 <= d <= 62`` without data-dependent branches (the carry of
    ``(q mod 2**d) + c`` is the mode's increment; ``c`` as in ``ops.requant_spec``)."""
    fl = q >> d
    mask = (np.int64(1) << d) - 1
    half = np.int64(1) << (d - 1)
    neg = q >> 63  # -1 or 0
    if rmode == TRN:
        c = np.int64(0)
    elif rmode == TRN_ZERO:
        c = mask & neg
    elif rmode == RND:
        c = half
    elif rmode == RND_ZERO:
        c = half - 1 - neg
    elif rmode == RND_MIN_INF:
        c = half - 1
    elif rmode == RND_INF:
        c = half + neg
    else:  # RND_CONV
        c = half - 1 + (fl & 1)
    return fl + (((q & mask) + c) >> d)


@njit(inline="always", cache=True)
def segment_of(q, kind, param, signed, in_min, n_side):
    """(segment index, log2 of its width) of raw input ``q``."""
    if kind == UNIFORM:
        return (q - in_min) >> param, param
    u = q if q >= 0 else ~q
    e = bit_length(u) - 1
    s = e - param if e > param else 0
    j = (s << param) + (u >> s)
    if signed:
        if q >= 0:
            return n_side + j, s
        return n_side - 1 - j, s
    return j, s


@njit(inline="always", cache=True)
def _eval_one(q, kind, param, signed, in_min, n_side, pwl, entries, rmode, zero_check, zero_value):
    if zero_check and q <= 0:
        return zero_value
    idx, s = segment_of(q, kind, param, signed, in_min, n_side)
    y0 = entries[idx]
    if not pwl or s == 0:
        return y0
    r = q & ((np.int64(1) << s) - 1)
    return y0 + rshift_round_small((entries[idx + 1] - y0) * r, s, rmode)


@njit(cache=True)
def eval_seq(q, kind, param, signed, in_min, n_side, pwl, entries, rmode, zero_check, zero_value, out):
    for i in range(q.size):
        out[i] = _eval_one(q[i], kind, param, signed, in_min, n_side, pwl, entries, rmode,
                           zero_check, zero_value)


@njit(cache=True, parallel=True)
def eval_par(q, kind, param, signed, in_min, n_side, pwl, entries, rmode, zero_check, zero_value, out):
    for i in prange(q.size):
        out[i] = _eval_one(q[i], kind, param, signed, in_min, n_side, pwl, entries, rmode,
                           zero_check, zero_value)
