"""Variants of TA-ISP's default quantization config used by the regressions, written as TOML
files (derived from ``configs/default.toml`` by editing it, so every other entry stays the
default's).
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from ..config import load_config
from . import DEFAULT_CONFIG

# The variant config: only kind / size / segmentation / rounding change (formats stay, so the
# links of fixedpoint.taisp.schema.TABLE_LINKS hold). What each one exercises is on its line.
VARIANT_TABLES: dict[str, dict[str, object]] = {
    # uniform LUT, 1024 entries (a power of two), entries rounded RND_CONV
    "softplus": {"kind": "lut", "size": 1024, "segmentation": "uniform", "rounding": "RND_CONV"},
    # pow2 segments on a signed input (mirrored around zero), truncating interpolation
    "sigmoid": {"kind": "pwl", "size": 16, "segmentation": "pow2", "rounding": "TRN"},
    # decreasing function (negative interpolation products), sign-dependent rounding
    "reciprocal": {"kind": "pwl", "size": 32, "segmentation": "pow2", "rounding": "RND_MIN_INF"},
    # uniform segments on a positive-domain input (zero check), convergent rounding
    "log2": {"kind": "pwl", "size": 4096, "segmentation": "uniform", "rounding": "RND_CONV"},
    # pow2 LUT on a signed input
    "exp2": {"kind": "lut", "size": 64, "segmentation": "pow2", "rounding": "RND_ZERO"},
}


def write_table_variant_config(folder: str | os.PathLike) -> Path:
    """A copy of the default config with the tables of ``VARIANT_TABLES``; returns its path."""
    text = DEFAULT_CONFIG.read_text()
    text = re.sub(r'(?m)^name = ".*"$', 'name = "table_variant"', text, count=1)
    for name, spec in VARIANT_TABLES.items():
        m = re.search(rf"(?ms)^\[tables\.{name}\]\n(.*?)(?=^\[|\Z)", text)
        assert m is not None, f"no [tables.{name}] in {DEFAULT_CONFIG}"
        block = m.group(1)
        for key, val in spec.items():
            lit = f'"{val}"' if isinstance(val, str) else str(val)
            block, n = re.subn(rf"(?m)^{key} = .*$", f"{key} = {lit}", block)
            assert n == 1, f"tables.{name}.{key} not found once in {DEFAULT_CONFIG}"
        text = text[:m.start(1)] + block + text[m.end(1):]
    out = Path(folder) / "table_variant.toml"
    out.write_text(text)
    data = tomllib.loads(text)
    for name, spec in VARIANT_TABLES.items():
        assert {k: data["tables"][name][k] for k in spec} == spec, name
    load_config(out)  # validates (links, sizes)
    return out


# ------------------------------------------------------------------------------ cocotb side
