"""Format type, notation and mode names."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fixedpoint.arith import (
    FxFormat,
    Overflow,
    Rounding,
    as_format,
    covering_format,
    parse_overflow,
    parse_rounding,
)


def test_notation_examples():
    f = FxFormat.parse("s16.10")
    assert (f.signed, f.width, f.frac, f.int_bits) == (True, 16, 10, 6)
    assert (f.min_raw, f.max_raw) == (-32768, 32767)
    assert f.min_value == -32 and f.max_value == Fraction(32767, 1024)
    u = FxFormat.parse("u12.12")
    assert (u.min_raw, u.max_raw, u.max_value) == (0, 4095, Fraction(4095, 4096))
    n = FxFormat.parse("s8.-2")  # LSB weighs 4
    assert n.lsb == 4.0 and n.max_value == 508 and n.int_bits == 10
    w = FxFormat.parse("u8.12")  # all bits below 2^-4
    assert w.int_bits == -4 and w.max_value == Fraction(255, 4096)
    assert str(FxFormat(True, 8, -2)) == "s8.-2" and repr(w) == "FxFormat('u8.12')"
    assert FxFormat.parse(" S16.+10 ") == f
    assert as_format("s16.10") is not f and as_format(f) is f


def test_ap_fixed_mapping():
    assert FxFormat.parse("s16.10").ap_type("RND", "SAT") == "ap_fixed<16,6,AP_RND,AP_SAT>"
    assert FxFormat.parse("u8.12").ap_type() == "ap_ufixed<8,-4,AP_TRN,AP_WRAP>"
    assert FxFormat.from_ap(18, 2, signed=True) == FxFormat.parse("s18.16")


@settings(max_examples=300, deadline=None)
@given(signed=st.booleans(), width=st.integers(1, 64), frac=st.integers(-1024, 1024))
def test_notation_round_trips(signed, width, frac):
    f = FxFormat(signed, width, frac)
    assert FxFormat.parse(str(f)) == f
    assert f.max_raw - f.min_raw == (1 << width) - 1
    assert f.fits_int64 == (signed or width < 64)


@pytest.mark.parametrize("text", ["s0.0", "u0.3", "s65.0", "u128.64"])
def test_impossible_widths_refused(text):
    with pytest.raises(ValueError, match="width"):
        FxFormat.parse(text)


@pytest.mark.parametrize("text", ["16.10", "s16", "s16.", "x16.10", "s16.10.1", "", "s-3.2", "s16.1e3"])
def test_unparseable_notation(text):
    with pytest.raises(ValueError, match="cannot parse"):
        FxFormat.parse(text)


def test_constructor_type_errors():
    with pytest.raises(TypeError, match="signed"):
        FxFormat(1, 8, 0)
    with pytest.raises(TypeError, match="width"):
        FxFormat(True, 8.0, 0)
    with pytest.raises(TypeError, match="frac"):
        FxFormat(True, 8, True)
    with pytest.raises(ValueError, match="fractional bits"):
        FxFormat(True, 8, 5000)
    with pytest.raises(TypeError, match="format"):
        as_format(16)
    with pytest.raises(TypeError, match="str"):
        FxFormat.parse(16)


def test_covering_format():
    assert covering_format("s8.4", "u8.4") == FxFormat(True, 9, 4)
    assert covering_format("u4.0", "u2.3") == FxFormat(False, 7, 3)
    assert covering_format("s8.0", "s8.-4") == FxFormat(True, 12, 0)
    with pytest.raises(ValueError, match="more than 64"):
        covering_format("s64.0", "s64.30")


def test_mode_names():
    assert parse_rounding("rnd_conv") is Rounding.RND_CONV
    assert parse_rounding("AP_TRN_ZERO") is Rounding.TRN_ZERO
    assert parse_overflow("ap_sat_sym") is Overflow.SAT_SYM
    assert parse_overflow(Overflow.WRAP) is Overflow.WRAP
    assert len(Rounding) == 7 and len(Overflow) == 4


@pytest.mark.parametrize("name,hint", [("around", "RND_CONV"), ("trunc", "TRN_ZERO"),
                                       ("floor", "TRN"), ("Nearest", "RND"),
                                       ("ceil", "no ap_fixed equivalent"), ("banana", "expected one of")])
def test_unknown_rounding_names(name, hint):
    with pytest.raises(ValueError, match=hint):
        parse_rounding(name)


def test_unknown_overflow_names():
    with pytest.raises(ValueError, match="use SAT"):
        parse_overflow("saturate")
    with pytest.raises(ValueError, match="expected one of"):
        parse_overflow("WRAP_SM")
    with pytest.raises(TypeError):
        parse_overflow(3)
