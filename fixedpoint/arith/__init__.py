"""Fixed-point arithmetic core: formats, ap_fixed rounding/overflow modes,
bit-exact Numba operations on int64 raw values, function tables and a torch
fake-quantization helper.  See README.md in this folder for the semantics.
"""

from .format import FxFormat, as_format, covering_format, format_for_range
from .modes import Overflow, Rounding, parse_overflow, parse_rounding
from .ops import (
    Fx,
    FxResult,
    add,
    argmax,
    clamp,
    dot,
    mac,
    maximum,
    minimum,
    mul,
    quantize,
    requantize,
    shift_left,
    shift_right,
    sub,
    to_float,
)

__all__ = [
    "FxFormat", "as_format", "covering_format", "format_for_range",
    "Rounding", "Overflow", "parse_rounding", "parse_overflow",
    "Fx", "FxResult", "to_float", "quantize", "requantize", "add", "sub", "mul",
    "mac", "dot", "shift_left", "shift_right", "clamp", "minimum", "maximum", "argmax",
]
