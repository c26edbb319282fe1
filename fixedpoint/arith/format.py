"""Fixed-point format type and its notation.

Notation (one form, used everywhere: configs, reports, exports)::

    s16.10   signed,   16-bit word, 10 fractional bits
    u12.12   unsigned, 12-bit word, 12 fractional bits
    s8.-2    signed,    8-bit word, -2 fractional bits (LSB weighs 4)
    u8.12    unsigned,  8-bit word, 12 fractional bits (all bits below 2^-4)

A raw value ``q`` (an integer) stands for the real value ``q * 2**-frac``.
Signed formats hold ``q`` in ``[-2**(w-1), 2**(w-1) - 1]``, unsigned ones in
``[0, 2**w - 1]``.  The AMD/Xilinx ``ap_fixed<W, I>`` parameters map as
``W = width`` and ``I = width - frac`` (``I`` counts the sign bit), so
``s16.10`` is ``ap_fixed<16, 6>`` and ``u8.12`` is ``ap_ufixed<8, -4>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

MAX_WIDTH = 64
"""Widest word accepted by the format type (bits)."""

MAX_ABS_FRAC = 1024
"""Largest accepted ``|frac|``: keeps every scale factor a finite double."""

_NOTATION = re.compile(r"^\s*([sSuU])\s*(\d+)\s*\.\s*([+-]?\d+)\s*$")


@dataclass(frozen=True, slots=True)
class FxFormat:
    """A binary fixed-point format: sign, word length and fractional bits.

    Attributes:
        signed: two's complement when True, unsigned otherwise.
        width: word length in bits, 1..64.
        frac: number of fractional bits; may be negative or exceed ``width``.
    """

    signed: bool
    width: int
    frac: int

    def __post_init__(self) -> None:
        if not isinstance(self.signed, bool):
            raise TypeError(f"FxFormat.signed must be a bool, got {type(self.signed).__name__}")
        for name in ("width", "frac"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"FxFormat.{name} must be an int, got {type(value).__name__}")
        if self.width < 1:
            raise ValueError(f"fixed-point width must be at least 1 bit, got {self.width}")
        if self.width > MAX_WIDTH:
            raise ValueError(
                f"fixed-point width {self.width} exceeds the {MAX_WIDTH}-bit limit"
            )
        if abs(self.frac) > MAX_ABS_FRAC:
            raise ValueError(
                f"fractional bits {self.frac} outside the supported range "
                f"[-{MAX_ABS_FRAC}, {MAX_ABS_FRAC}]"
            )

    # ----------------------------------------------------------------- notation
    @classmethod
    def parse(cls, text: str) -> FxFormat:
        """Parse ``'s16.10'``-style notation (see module docstring)."""
        if not isinstance(text, str):
            raise TypeError(f"format notation must be a str, got {type(text).__name__}")
        m = _NOTATION.match(text)
        if m is None:
            raise ValueError(
                f"cannot parse fixed-point format {text!r}: expected 's<width>.<frac>' "
                "or 'u<width>.<frac>', e.g. 's16.10', 'u12.12', 's8.-2'"
            )
        return cls(m.group(1).lower() == "s", int(m.group(2)), int(m.group(3)))

    def __str__(self) -> str:
        return f"{'s' if self.signed else 'u'}{self.width}.{self.frac}"

    def __repr__(self) -> str:
        return f"FxFormat('{self}')"

    @classmethod
    def from_ap(cls, width: int, int_bits: int, signed: bool = True) -> FxFormat:
        """Build from ``ap_fixed<width, int_bits>`` (``signed=False``: ap_ufixed)."""
        return cls(signed, width, width - int_bits)

    def ap_type(self, rounding: str = "TRN", overflow: str = "WRAP") -> str:
        """The HLS C++ type, e.g. ``ap_fixed<16,6,AP_RND,AP_SAT>``."""
        from .modes import parse_overflow, parse_rounding

        q = parse_rounding(rounding).name
        o = parse_overflow(overflow).name
        base = "ap_fixed" if self.signed else "ap_ufixed"
        return f"{base}<{self.width},{self.int_bits},AP_{q},AP_{o}>"

    # ----------------------------------------------------------------- derived
    @property
    def int_bits(self) -> int:
        """ap_fixed's ``I``: ``width - frac`` (sign bit included)."""
        return self.width - self.frac

    @property
    def min_raw(self) -> int:
        """Smallest raw integer."""
        return -(1 << (self.width - 1)) if self.signed else 0

    @property
    def max_raw(self) -> int:
        """Largest raw integer."""
        return (1 << (self.width - 1)) - 1 if self.signed else (1 << self.width) - 1

    @property
    def lsb(self) -> float:
        """Weight of one raw step, ``2**-frac`` (exact double)."""
        return 2.0 ** (-self.frac)

    @property
    def min_value(self) -> Fraction:
        """Smallest representable value (exact)."""
        return Fraction(self.min_raw) * Fraction(2) ** (-self.frac)

    @property
    def max_value(self) -> Fraction:
        """Largest representable value (exact)."""
        return Fraction(self.max_raw) * Fraction(2) ** (-self.frac)

    @property
    def fits_int64(self) -> bool:
        """Whether every raw value fits an int64 (false only for ``u64.*``)."""
        return self.signed or self.width <= 63

    def contains_raw(self, q: int) -> bool:
        """Whether the integer ``q`` is a valid raw value of this format."""
        return self.min_raw <= q <= self.max_raw


def as_format(fmt: FxFormat | str) -> FxFormat:
    """Accept an :class:`FxFormat` or its notation string."""
    if isinstance(fmt, FxFormat):
        return fmt
    if isinstance(fmt, str):
        return FxFormat.parse(fmt)
    raise TypeError(
        f"expected a fixed-point format (FxFormat or a string like 's16.10'), "
        f"got {type(fmt).__name__}"
    )


def covering_format(a: FxFormat | str, b: FxFormat | str) -> FxFormat:
    """Smallest format holding every value of both ``a`` and ``b`` exactly.

    Raises ValueError when that would need more than 64 bits.
    """
    a, b = as_format(a), as_format(b)
    frac = max(a.frac, b.frac)
    lo = min(a.min_raw << (frac - a.frac), b.min_raw << (frac - b.frac))
    hi = max(a.max_raw << (frac - a.frac), b.max_raw << (frac - b.frac))
    return format_for_range(lo, hi, frac)


def format_for_range(lo: int, hi: int, frac: int) -> FxFormat:
    """Narrowest format with ``frac`` fractional bits holding raw ``[lo, hi]``."""
    if lo < 0:
        width = max(1, max((-lo - 1).bit_length(), hi.bit_length()) + 1)
        signed = True
    else:
        width = max(1, hi.bit_length())
        signed = False
    if width > MAX_WIDTH:
        raise ValueError(
            f"raw range [{lo}, {hi}] with {frac} fractional bits needs {width} bits, "
            f"more than {MAX_WIDTH}"
        )
    return FxFormat(signed, width, frac)
