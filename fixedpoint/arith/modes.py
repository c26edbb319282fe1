"""Quantization (rounding) and overflow modes, with AMD/Xilinx ``ap_fixed`` meaning.

Rounding applies to the bits dropped below the target LSB; ``x`` is the exact
value in target-LSB units:

==============  ==========================================================
``TRN``         floor(x): toward minus infinity (ap_fixed default)
``TRN_ZERO``    toward zero
``RND``         nearest, ties toward plus infinity: floor(x + 1/2)
``RND_ZERO``    nearest, ties toward zero
``RND_MIN_INF`` nearest, ties toward minus infinity
``RND_INF``     nearest, ties away from zero
``RND_CONV``    nearest, ties to even (convergent)
==============  ==========================================================

Overflow applies after rounding, when the rounded value is outside the target:

============  =============================================================
``SAT``       clamp to [min, max]
``SAT_ZERO``  any out-of-range value becomes 0
``SAT_SYM``   signed target: clamp to [-max, max] (the value min itself
              also becomes -max and counts as an overflow); unsigned target,
              or a 1-bit signed one (range {-1, 0}, as ap_fixed does): same
              as ``SAT``
``WRAP``      keep the low ``width`` bits, two's complement (ap_fixed
              default)
============  =============================================================

Only ap_fixed's ``N = 0`` saturation-bits parameter is supported; ``AP_WRAP_SM``
is not.
"""

from __future__ import annotations

import enum


class Rounding(enum.IntEnum):
    """Quantization modes (ap_fixed ``AP_*`` names without the prefix)."""

    TRN = 0
    TRN_ZERO = 1
    RND = 2
    RND_ZERO = 3
    RND_MIN_INF = 4
    RND_INF = 5
    RND_CONV = 6


class Overflow(enum.IntEnum):
    """Overflow modes (ap_fixed ``AP_*`` names without the prefix)."""

    SAT = 0
    SAT_ZERO = 1
    SAT_SYM = 2
    WRAP = 3


# Names other libraries use, pointed at the ap_fixed name that means the same
# thing (or at None when nothing here matches), for a helpful error message.
_FOREIGN_ROUNDING = {
    "trunc": "TRN_ZERO (fxpmath's 'trunc' is np.trunc, toward zero)",
    "bit_trunc": "TRN (fxpmath's 'bit_trunc' is floor)",
    "floor": "TRN",
    "fix": "TRN_ZERO",
    "zero": "TRN_ZERO",
    "around": "RND_CONV (fxpmath's 'around' is np.around, ties to even)",
    "convergent": "RND_CONV",
    "nearest": "RND (MATLAB 'Nearest' is ties toward +inf)",
    "round": "RND_INF (MATLAB 'Round' is ties away from zero)",
    "ceil": None,
    "ceiling": None,
}
_FOREIGN_OVERFLOW = {"saturate": "SAT", "wrap": "WRAP"}


def _parse(enum_cls: type[enum.IntEnum], what: str, mode: object, foreign_names: dict[str, str | None]):
    """``mode`` as a member of ``enum_cls``: a member, or its name (case-insensitive, optional ``AP_``).

    Another library's name gets an error that points at the equivalent here (or says there is none).
    """
    if isinstance(mode, enum_cls):
        return mode
    if not isinstance(mode, str):
        raise TypeError(f"{what} mode must be a str or {enum_cls.__name__}, got {type(mode).__name__}")
    key = mode.strip().upper().removeprefix("AP_")
    if key in enum_cls.__members__:
        return enum_cls[key]
    hint = ""
    foreign = mode.strip().lower()
    if foreign in foreign_names:
        target = foreign_names[foreign]
        hint = (f"; '{mode}' is another library's name, here use {target}" if target
                else f"; '{mode}' (toward +inf) has no ap_fixed equivalent")
    raise ValueError(f"unknown {what} mode {mode!r}: expected one of {', '.join(enum_cls.__members__)}{hint}")


def parse_rounding(mode: Rounding | str) -> Rounding:
    """Accept a :class:`Rounding` or its name (case-insensitive, optional ``AP_``)."""
    return _parse(Rounding, "rounding", mode, _FOREIGN_ROUNDING)


def parse_overflow(mode: Overflow | str) -> Overflow:
    """Accept an :class:`Overflow` or its name (case-insensitive, optional ``AP_``)."""
    return _parse(Overflow, "overflow", mode, _FOREIGN_OVERFLOW)
