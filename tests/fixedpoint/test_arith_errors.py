"""Bad input gets a clear ValueError/TypeError naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

from fixedpoint.arith import (
    Fx,
    add,
    argmax,
    clamp,
    dot,
    mac,
    minimum,
    mul,
    quantize,
    requantize,
    shift_left,
    to_float,
)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_quantize_refuses_nan_inf(bad):
    with pytest.raises(ValueError, match="NaN or infinite"):
        quantize(np.array([0.5, bad]), "s8.4", "RND", "SAT")


def test_quantize_refuses_non_numbers():
    with pytest.raises(TypeError, match="real numbers"):
        quantize(np.array(["1.0"]), "s8.4")
    with pytest.raises(TypeError, match="real numbers"):
        quantize(np.array([True]), "s8.4")
    with pytest.raises(TypeError, match="real numbers"):
        quantize(np.array([1 + 2j]), "s8.4")


def test_quantize_integers_is_exact():
    big = np.array([2 ** 62 + 1, -(2 ** 62) - 3], dtype=np.int64)  # not doubles
    assert quantize(big, "s64.0").raw.tolist() == big.tolist()
    assert quantize(big, "s64.-1", "RND_CONV").raw.tolist() == [2 ** 61, -(2 ** 61) - 2]


def test_raw_must_be_integers_in_range():
    with pytest.raises(TypeError, match="integer raw values"):
        requantize(np.array([0.5]), "s8.4", "s8.2")
    with pytest.raises(TypeError, match="integer raw values"):
        requantize(np.array([True]), "s8.4", "s8.2")
    with pytest.raises(ValueError, match=r"outside s8\.4"):
        requantize(np.array([200]), "s8.4", "s8.2")
    with pytest.raises(ValueError, match=r"outside u4\.0"):
        add(Fx([1], "s8.0"), Fx([-1], "u4.0"), "s8.0")
    with pytest.raises(ValueError, match="outside"):
        requantize(np.array([2 ** 64 - 1], dtype=np.uint64), "s64.0", "s8.0")
    with pytest.raises(TypeError, match="integer"):
        to_float(np.array([0.5]), "s8.0")


def test_unsigned_64_refused_in_array_ops():
    with pytest.raises(ValueError, match="unsigned 64-bit"):
        requantize(np.array([1]), "u64.0", "s8.0")
    with pytest.raises(ValueError, match="unsigned 64-bit"):
        quantize(np.array([1.0]), "u64.0")


def test_wide_intermediates_refused():
    with pytest.raises(ValueError, match="needs 80 bits"):
        mul(Fx([1], "s40.0"), Fx([1], "s40.0"), "s16.0")
    with pytest.raises(ValueError, match="int64"):
        add(Fx([1], "s60.0"), Fx([1], "s8.20"), "s16.0")
    with pytest.raises(ValueError, match="accumulation"):
        dot(Fx(np.ones((1, 4), dtype=np.int64), "s8.0"), Fx(np.ones(4, dtype=np.int64), "s8.0"), "s64.0")
    with pytest.raises(ValueError, match="int64"):
        mac(Fx([0], "s40.40"), Fx([1], "s20.0"), Fx([1], "s20.0"))


def test_unknown_modes():
    with pytest.raises(ValueError, match="unknown rounding mode 'ROUND_HALF'"):
        quantize(np.array([1.0]), "s8.0", "ROUND_HALF", "SAT")
    with pytest.raises(ValueError, match="unknown overflow mode 'clip'"):
        requantize(np.array([1]), "s8.0", "s4.0", "RND", "clip")


def test_bad_operands_and_arguments():
    with pytest.raises(TypeError, match=r"Fx\(raw, fmt\)"):
        add(np.array([1]), Fx([1], "s8.0"), "s8.0")
    with pytest.raises(ValueError, match="broadcast"):
        add(Fx(np.zeros(3, dtype=np.int64), "s8.0"), Fx(np.zeros(4, dtype=np.int64), "s8.0"), "s9.0")
    with pytest.raises(ValueError, match="width"):
        requantize(np.array([1]), "s8.0", "s0.0")
    with pytest.raises(ValueError, match="cannot parse"):
        requantize(np.array([1]), "s8.0", "q8.0")
    with pytest.raises(ValueError, match=">= 0"):
        shift_left(Fx([1], "s8.0"), -1)
    with pytest.raises(TypeError, match="int"):
        shift_left(Fx([1], "s8.0"), 1.5)
    with pytest.raises(ValueError, match="no value"):
        clamp(Fx([1], "s8.0"), 0.25, 0.75)
    with pytest.raises(ValueError, match="finite"):
        clamp(Fx([1], "s8.0"), 0, np.nan)
    with pytest.raises(ValueError, match="axis"):
        argmax(np.zeros((2, 3), dtype=np.int64), axis=2)
    with pytest.raises(TypeError, match="integer"):
        argmax(np.zeros(3))
    with pytest.raises(ValueError, match="more than 64"):
        minimum(Fx([0], "s64.0"), Fx([0], "s64.40"))
    with pytest.raises(ValueError, match="at least one axis"):
        dot(Fx(np.int64(1), "s8.0"), Fx(np.int64(1), "s8.0"), "s32.0")


def test_broadcasting_forms_agree():
    rng = np.random.default_rng(3)
    img = rng.integers(0, 4096, size=(5, 7, 3))
    gain = rng.integers(0, 256, size=3)
    a = mul(Fx(img, "u12.12"), Fx(gain, "u8.6"), "u8.8", "RND", "SAT")
    b = mul(Fx(img, "u12.12"), Fx(np.broadcast_to(gain, img.shape).copy(), "u8.6"), "u8.8", "RND", "SAT")
    c = mul(Fx(gain.reshape(3, 1, 1), "u8.6"), Fx(img.transpose(2, 0, 1), "u12.12"), "u8.8", "RND", "SAT")
    assert a.raw.shape == img.shape
    assert np.array_equal(a.raw, b.raw) and a.n_overflow == b.n_overflow
    assert np.array_equal(a.raw, c.raw.transpose(1, 2, 0)) and a.n_overflow == c.n_overflow
    s = mul(Fx(img, "u12.12"), Fx(np.int64(128), "u8.6"), "u8.8", "RND", "SAT")
    assert s.raw.shape == img.shape
    e = mul(Fx(np.zeros((0, 3), dtype=np.int64), "u12.12"), Fx(gain, "u8.6"), "u8.8")
    assert e.raw.shape == (0, 3) and e.n_overflow == 0


def test_out_buffers():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 4096, size=(4, 6, 3))
    buf = np.empty(x.shape, dtype=np.int64)
    ref = requantize(x, "u12.12", "u10.10", "RND", "SAT")
    res = requantize(x, "u12.12", "u10.10", "RND", "SAT", out=buf)
    assert np.shares_memory(res.raw, buf) and np.array_equal(res.raw, ref.raw)
    assert res.n_overflow == ref.n_overflow
    y = x.astype(np.int64)  # in place: out may be an input
    requantize(y, "u12.12", "u12.10", "RND", "SAT", out=y)
    assert np.array_equal(y, requantize(x, "u12.12", "u12.10", "RND", "SAT").raw)
    with pytest.raises(ValueError, match="int64 array of shape"):
        requantize(x, "u12.12", "u10.10", out=np.empty(x.shape, dtype=np.int32))
    with pytest.raises(ValueError, match="int64 array of shape"):
        mul(Fx(x, "u12.12"), Fx([3], "u4.0"), "u16.12", out=np.empty((4, 6), dtype=np.int64))
    with pytest.raises(TypeError, match="numpy array"):
        quantize(np.zeros(3), "s8.0", out=[0, 0, 0])
