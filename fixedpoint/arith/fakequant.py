"""Fake quantization in torch: float tensors snapped to a fixed-point grid.

``fake_quantize(x, fmt, rounding, overflow)`` returns the real values that
:func:`fixedpoint.arith.ops.quantize` would produce (``raw * 2**-frac``), as a
tensor of ``x``'s dtype and device, so the float golden model can run with
quantized activations during word-length studies.  The arithmetic is done in
float64 and is exact: for float64 inputs the result equals
``to_float(quantize(x).raw)`` bit for bit.  Formats are limited to 53 bits
(float64's significand); with float32/float16 tensors the final cast rounds
values that need more significant bits than the dtype has.

Gradient: straight-through where the value did not overflow, zero where it
did (the usual clipped straight-through estimator), unless ``ste="identity"``.
"""

from __future__ import annotations

from typing import Literal

import torch

from .format import FxFormat, as_format
from .modes import Overflow, Rounding, parse_overflow, parse_rounding

_TINY = 5e-324


def _scale(x: torch.Tensor, e: int) -> torch.Tensor:
    """``x * 2**e`` in two exact power-of-two steps (each factor a finite double)."""
    e1 = e // 2
    return (x * (2.0 ** e1)) * (2.0 ** (e - e1))


def _quantize_values(x: torch.Tensor, fmt: FxFormat, r: Rounding, o: Overflow
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """(quantized real values in float64, overflow mask) for a float64 tensor."""
    y = _scale(x, fmt.frac)
    y = torch.where((y == 0) & (x != 0), torch.copysign(torch.full_like(y, _TINY), x), y)
    fl = torch.floor(y)
    nz = y != fl
    h = fl + 0.5
    gt, eq, neg = y > h, y == h, y < 0
    odd = torch.remainder(fl, 2.0) != 0
    if r == Rounding.TRN:
        inc = torch.zeros_like(nz)
    elif r == Rounding.TRN_ZERO:
        inc = neg
    elif r == Rounding.RND:
        inc = gt | eq
    elif r == Rounding.RND_ZERO:
        inc = gt | (eq & neg)
    elif r == Rounding.RND_MIN_INF:
        inc = gt
    elif r == Rounding.RND_INF:
        inc = gt | (eq & ~neg)
    else:
        inc = gt | (eq & odd)
    t = fl + (inc & nz).to(torch.float64)
    lo, hi = float(fmt.min_raw), float(fmt.max_raw)
    lo_eff = -hi if (o == Overflow.SAT_SYM and fmt.signed and fmt.width > 1) else lo
    if o == Overflow.WRAP:
        over = (t > hi) | (t < lo)
        m = float(2 ** fmt.width)
        w = torch.fmod(t, m)  # exact
        w = torch.where(torch.isinf(t), torch.zeros_like(w), w)  # |value| >= 2**1024: low bits 0
        w = torch.where(w < 0, w + m, w)
        if fmt.signed:
            w = torch.where(w > hi, w - m, w)
        t = torch.where(over, w, t)
    else:
        over = (t > hi) | (t < lo_eff)
        if o == Overflow.SAT_ZERO:
            t = torch.where(over, torch.zeros_like(t), t)
        else:
            t = torch.clamp(t, lo_eff, hi)
    return _scale(t, -fmt.frac), over


def fake_quantize(
    x: torch.Tensor,
    fmt: FxFormat | str,
    rounding: Rounding | str = "TRN",
    overflow: Overflow | str = "WRAP",
    *,
    ste: Literal["clipped", "identity"] = "clipped",
    return_overflow: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, int]:
    """Snap ``x`` (any float tensor, real values) to ``fmt`` with ap_fixed modes.

    Returns a tensor of ``x``'s dtype holding the quantized real values, and the
    number of overflowed elements when ``return_overflow``.  NaN/Inf raise
    ValueError.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"fake_quantize expects a torch.Tensor, got {type(x).__name__}")
    if not torch.is_floating_point(x):
        raise TypeError(f"fake_quantize expects a floating-point tensor, got {x.dtype}")
    f = as_format(fmt)
    r, o = parse_rounding(rounding), parse_overflow(overflow)
    if f.width > 53:
        raise ValueError(f"fake_quantize supports formats up to 53 bits (float64), got {f}")
    if ste not in ("clipped", "identity"):
        raise ValueError(f"ste must be 'clipped' or 'identity', got {ste!r}")
    xd = x.detach().to(torch.float64)
    if not bool(torch.isfinite(xd).all()):
        raise ValueError("fake_quantize: input holds NaN or infinite values")
    q, over = _quantize_values(xd, f, r, o)
    q = q.to(x.dtype)
    if x.requires_grad:
        passthrough = x if ste == "identity" else torch.where(over, x.detach(), x)
        q = passthrough + (q - passthrough).detach()
    if return_overflow:
        return q, int(over.sum())
    return q


class FakeQuantize(torch.nn.Module):
    """Module form of :func:`fake_quantize` for one format and mode pair."""

    def __init__(self, fmt: FxFormat | str, rounding: Rounding | str = "TRN",
                 overflow: Overflow | str = "WRAP",
                 ste: Literal["clipped", "identity"] = "clipped") -> None:
        super().__init__()
        self.fmt = as_format(fmt)
        self.rounding = parse_rounding(rounding)
        self.overflow = parse_overflow(overflow)
        self.ste = ste
        self.n_overflow = 0  # running count since construction or reset

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y, n = fake_quantize(x, self.fmt, self.rounding, self.overflow, ste=self.ste,
                             return_overflow=True)
        self.n_overflow += n
        return y

    def extra_repr(self) -> str:
        return f"{self.fmt}, {self.rounding.name}, {self.overflow.name}"
