"""Fixed-point arithmetic core: formats, ap_fixed rounding/overflow modes,
bit-exact Numba operations on int64 raw values, function tables and a torch
fake-quantization helper.  See README.md in this folder for the semantics.

Modules: ``format`` (FxFormat, notation), ``modes`` (Rounding, Overflow),
``ops`` (quantize, requantize, arithmetic), ``exact`` (slow Fraction
reference), ``funcs``/``tables``/``export`` (function tables), ``fakequant``
(torch; imported on first use so that numpy-only users do not load torch).
"""

from typing import Any

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
from .tables import DEFAULT_TABLES, FunctionTable, TableError, default_table, make_table

__all__ = [
    "DEFAULT_TABLES",
    "FakeQuantize",
    "FunctionTable",
    "Fx",
    "FxFormat",
    "FxResult",
    "Overflow",
    "Rounding",
    "TableError",
    "add",
    "argmax",
    "as_format",
    "clamp",
    "covering_format",
    "default_table",
    "dot",
    "fake_quantize",
    "format_for_range",
    "mac",
    "make_table",
    "maximum",
    "minimum",
    "mul",
    "parse_overflow",
    "parse_rounding",
    "quantize",
    "requantize",
    "shift_left",
    "shift_right",
    "sub",
    "to_float",
]


def __getattr__(name: str) -> Any:
    if name in ("fake_quantize", "FakeQuantize"):
        from . import fakequant

        return getattr(fakequant, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
