"""Writers for table contents: ``$readmemh`` files, Verilog and C++ initialisers.

Entries are raw integers of a fixed-point format; hex output is the format's
two's complement bit pattern, ``ceil(width / 4)`` digits per word.
"""

from __future__ import annotations

import re

import numpy as np

from .format import FxFormat

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _IDENT.match(name):
        raise ValueError(f"array name must be a C/Verilog identifier, got {name!r}")
    return name


def _bits(entries: np.ndarray, fmt: FxFormat) -> list[int]:
    """Two's complement bit patterns (non-negative ints below 2**width)."""
    mask = (1 << fmt.width) - 1
    out = []
    for v in np.asarray(entries).tolist():
        if not fmt.contains_raw(int(v)):
            raise ValueError(f"entry {v} is outside {fmt}'s raw range")
        out.append(int(v) & mask)
    return out


def readmemh(entries: np.ndarray, fmt: FxFormat, comment: str = "") -> str:
    """``$readmemh`` text: optional ``//`` comment line, then one hex word per line."""
    digits = (fmt.width + 3) // 4
    lines = [f"// {comment}"] if comment else []
    lines += [f"{b:0{digits}x}" for b in _bits(entries, fmt)]
    return "\n".join(lines) + "\n"


def verilog_init(name: str, entries: np.ndarray, fmt: FxFormat, comment: str = "") -> str:
    """Verilog-2001 memory declaration ``reg [W-1:0] name [0:N-1]`` with an initial block."""
    _check_name(name)
    bits = _bits(entries, fmt)
    w, digits = fmt.width, (fmt.width + 3) // 4
    out = [f"// {comment}"] if comment else []
    out.append(f"// raw values of {fmt}: value = raw * 2^-{fmt.frac}" if fmt.frac >= 0
               else f"// raw values of {fmt}: value = raw * 2^{-fmt.frac}")
    out.append(f"reg [{w - 1}:0] {name} [0:{len(bits) - 1}];")
    out.append("initial begin")
    out += [f"    {name}[{i}] = {w}'h{b:0{digits}x};" for i, b in enumerate(bits)]
    out.append("end")
    return "\n".join(out) + "\n"


def _ctype(fmt: FxFormat) -> str:
    for n in (8, 16, 32, 64):
        if fmt.width <= n:
            return f"{'int' if fmt.signed else 'uint'}{n}_t"
    raise ValueError(f"{fmt} is wider than any <cstdint> type")


def cpp_array(name: str, entries: np.ndarray, fmt: FxFormat, comment: str = "") -> str:
    """``static const <intN_t> name[N] = {...};`` holding the raw values (decimal)."""
    _check_name(name)
    _bits(entries, fmt)  # range check
    vals = [str(int(v)) for v in np.asarray(entries).tolist()]
    out = [f"// {comment}"] if comment else []
    out.append(f"// raw values of {fmt} ({fmt.ap_type()} bit patterns as integers)")
    out.append(f"static const {_ctype(fmt)} {name}[{len(vals)}] = {{")
    for i in range(0, len(vals), 12):
        out.append("    " + ", ".join(vals[i : i + 12]) + ",")
    out.append("};")
    return "\n".join(out) + "\n"
