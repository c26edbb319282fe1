"""Slow exact reference for the fixed-point semantics, on Python ints and Fractions.

Written from the mathematical definitions (floor, comparison with one half,
parity), independently of the bit-level kernels, so the property tests can
compare the two.  Values are scalars; nothing here is fast.
"""

from __future__ import annotations

import math
from fractions import Fraction

from .format import FxFormat, as_format
from .modes import Overflow, Rounding, parse_overflow, parse_rounding

_HALF = Fraction(1, 2)


def round_fraction(v: Fraction, rounding: Rounding | str) -> int:
    """Round the exact rational ``v`` to an integer per the ap_fixed mode."""
    r = parse_rounding(rounding)
    fl = math.floor(v)
    rem = v - fl
    if rem == 0:
        return fl
    if r == Rounding.TRN:
        return fl
    if r == Rounding.TRN_ZERO:
        return fl + 1 if v < 0 else fl
    if rem > _HALF:
        return fl + 1
    if rem < _HALF:
        return fl
    # exact tie
    if r == Rounding.RND:
        return fl + 1
    if r == Rounding.RND_ZERO:
        return fl + 1 if v < 0 else fl
    if r == Rounding.RND_MIN_INF:
        return fl
    if r == Rounding.RND_INF:
        return fl if v < 0 else fl + 1
    return fl + 1 if fl % 2 else fl  # RND_CONV


def handle_overflow(t: int, fmt: FxFormat | str, overflow: Overflow | str) -> tuple[int, bool]:
    """Overflow handling of the rounded integer ``t`` into ``fmt``: (raw, overflowed)."""
    f = as_format(fmt)
    o = parse_overflow(overflow)
    lo, hi = f.min_raw, f.max_raw
    if o == Overflow.WRAP:
        if lo <= t <= hi:
            return t, False
        u = t % (1 << f.width)
        if f.signed and u >= (1 << (f.width - 1)):
            u -= 1 << f.width
        return u, True
    if o == Overflow.SAT_SYM and f.signed and f.width > 1:
        lo = -hi  # a 1-bit signed word has no symmetric range: ap_fixed keeps -1
    if t > hi:
        return (0 if o == Overflow.SAT_ZERO else hi), True
    if t < lo:
        return (0 if o == Overflow.SAT_ZERO else lo), True
    return t, False


def convert(v: Fraction | float, fmt: FxFormat | str, rounding: Rounding | str,
            overflow: Overflow | str) -> tuple[int, bool]:
    """Exact value ``v`` into ``fmt``: round, then handle overflow."""
    f = as_format(fmt)
    scaled = Fraction(v) * Fraction(2) ** f.frac
    return handle_overflow(round_fraction(scaled, rounding), f, overflow)


def value(q: int, fmt: FxFormat | str) -> Fraction:
    """Exact value of the raw integer ``q`` in ``fmt``."""
    return Fraction(q) * Fraction(2) ** (-as_format(fmt).frac)


def requantize(q: int, src, dst, rounding, overflow) -> tuple[int, bool]:
    return convert(value(q, src), dst, rounding, overflow)


def add(qa: int, fa, qb: int, fb, dst, rounding, overflow) -> tuple[int, bool]:
    return convert(value(qa, fa) + value(qb, fb), dst, rounding, overflow)


def sub(qa: int, fa, qb: int, fb, dst, rounding, overflow) -> tuple[int, bool]:
    return convert(value(qa, fa) - value(qb, fb), dst, rounding, overflow)


def mul(qa: int, fa, qb: int, fb, dst, rounding, overflow) -> tuple[int, bool]:
    return convert(value(qa, fa) * value(qb, fb), dst, rounding, overflow)


def dot(qa: list[int], fa, qb: list[int], fb, acc_fmt, rounding, overflow,
        init: int = 0) -> tuple[int, int]:
    """Accumulate in ``acc_fmt`` with overflow handling per step: (raw, events).

    ``init`` is a raw value already in ``acc_fmt``.
    """
    acc = init
    events = 0
    for x, y in zip(qa, qb):
        acc, ev = convert(value(acc, acc_fmt) + value(x, fa) * value(y, fb), acc_fmt,
                          rounding, overflow)
        events += ev
    return acc, events
