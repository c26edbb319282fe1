"""torch fake quantization equals the Numba quantizer bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import torch  # noqa: E402

from fixedpoint.arith import FxFormat, Overflow, Rounding, quantize, to_float
from fixedpoint.arith.fakequant import FakeQuantize, fake_quantize

MODES = [(r, o) for r in Rounding for o in Overflow]


@settings(max_examples=300, deadline=None)
@given(
    mode=st.sampled_from(MODES),
    signed=st.booleans(),
    width=st.integers(1, 53),
    frac=st.integers(-20, 70),
    xs=st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False),
                          st.integers(-(2 ** 40), 2 ** 40).map(lambda k: k / 8.0)),
                min_size=1, max_size=20),
)
def test_equals_numba_quantize(mode, signed, width, frac, xs):
    r, o = mode
    fmt = FxFormat(signed, width, frac)
    x = np.array(xs, dtype=np.float64)
    ref = quantize(x, fmt, r, o)
    got, n = fake_quantize(torch.from_numpy(x), fmt, r, o, return_overflow=True)
    assert got.dtype == torch.float64
    assert np.array_equal(got.numpy(), to_float(ref.raw, fmt))
    assert n == ref.n_overflow


def test_float32_and_module():
    x = torch.linspace(-3, 3, 97, dtype=torch.float32)
    m = FakeQuantize("s8.4", "RND", "SAT")
    y = m(x)
    assert y.dtype == torch.float32
    ref = to_float(quantize(x.numpy(), "s8.4", "RND", "SAT").raw, "s8.4")
    assert np.array_equal(y.numpy().astype(np.float64), ref)
    assert m.n_overflow == 0 and "s8.4, RND, SAT" in repr(m)
    m(torch.tensor([100.0]))
    assert m.n_overflow == 1


def test_straight_through_gradient():
    x = torch.tensor([0.3, 1.7, 9.0, -9.0], dtype=torch.float64, requires_grad=True)
    y = fake_quantize(x, "s6.2", "RND", "SAT")  # range [-8, 7.75]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 0.0, 0.0]
    x.grad = None
    fake_quantize(x, "s6.2", "RND", "SAT", ste="identity").sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 1.0]


def test_bad_input():
    with pytest.raises(ValueError, match="NaN or infinite"):
        fake_quantize(torch.tensor([float("nan")]), "s8.4")
    with pytest.raises(TypeError, match="floating-point"):
        fake_quantize(torch.tensor([1, 2]), "s8.4")
    with pytest.raises(TypeError, match="torch.Tensor"):
        fake_quantize(np.array([1.0]), "s8.4")
    with pytest.raises(ValueError, match="53 bits"):
        fake_quantize(torch.tensor([1.0]), "s60.4")
    with pytest.raises(ValueError, match="unknown rounding"):
        fake_quantize(torch.tensor([1.0]), "s8.4", "nearest_even")
