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


def write_every_mode_config(folder: str | os.PathLike) -> Path:
    """A copy of the default config with every rounding mode and every overflow mode used
    somewhere, a narrow WRAP logit format and a
    mask-head input (``hsa.xm``) narrower than ``hsa.xs``, so the non-default modes run through the whole
    model; validated, written as ``every_mode.toml`` in ``folder``; returns its path."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    set_ = {
        ("frontend", "x"): ("RND_CONV", None), ("frontend", "avg"): ("TRN", None),
        ("glc", "acc1"): ("RND_INF", None), ("glc", "h1"): ("TRN_ZERO", None),
        ("glc", "acc2"): ("RND_MIN_INF", None), ("glc", "z"): ("RND_CONV", "SAT_SYM"),
        ("glc", "xg"): ("TRN", "SAT_ZERO"), ("glc", "alpha"): ("RND_ZERO", None),
        ("hsa", "pool"): ("RND_ZERO", None), ("hsa", "acc"): ("TRN_ZERO", None),
        ("hsa", "z"): ("RND_INF", "SAT_SYM"), ("hsa", "gate"): ("TRN", None),
        ("hsa", "A"): ("RND_CONV", None), ("hsa", "xs"): ("RND_MIN_INF", None),
        ("hsa", "xm"): ("TRN", None),
        ("rgfc", "acc"): ("TRN", None), ("rgfc", "logits"): ("RND_ZERO", "WRAP"),
        ("rgfc", "acc3"): ("RND_INF", None), ("rgfc", "h3"): ("RND_CONV", None),
        ("rgfc", "acc4"): ("TRN_ZERO", None), ("rgfc", "z"): ("RND_MIN_INF", "SAT_SYM"),
        ("rgfc", "w"): ("TRN", None), ("rgfc", "e"): ("RND_CONV", None), ("rgfc", "out"): ("TRN", None),
    }
    for (sec, name), (r, o) in set_.items():
        e = data[sec][name]
        e = {"fmt": e} if isinstance(e, str) else dict(e)
        e["rounding"] = r
        if o:
            e["overflow"] = o
        data[sec][name] = e
    data["rgfc"]["logits"]["fmt"] = "s12.12"  # range [-1/2, 1/2): the logits (|L| up to ~1.2) wrap
    data["rgfc"]["lsum"] = {"fmt": "s56.12"}
    data["glc"]["xg"]["fmt"] = "u25.24"
    data["hsa"]["xm"]["fmt"] = "u14.12"  # the mask head's input narrower than the power curve's xs
    data["tables"]["sigmoid"]["rounding"] = "RND_CONV"
    data["tables"]["exp2"]["rounding"] = "TRN"
    data["tables"]["log2"]["rounding"] = "RND_INF"

    def dump(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {dump(x)}" for k, x in v.items()) + " }"
        return f'"{v}"' if isinstance(v, str) else str(v)

    lines = []
    for k, v in data.items():
        if not isinstance(v, dict):
            lines.append(f"{k} = {dump(v)}")
    for k, v in data.items():
        if isinstance(v, dict) and k != "tables":
            lines.append(f"[{k}]")
            lines += [f"{n} = {dump(x)}" for n, x in v.items()]
    for t, spec in data["tables"].items():
        lines.append(f"[tables.{t}]")
        lines += [f"{n} = {dump(x)}" for n, x in spec.items()]
    data_name = 'name = "every_mode"'
    lines = [data_name if ln.startswith("name = ") else ln for ln in lines]
    p = Path(folder) / "every_mode.toml"
    p.write_text("\n".join(lines) + "\n")
    load_config(p)  # validates
    return p
