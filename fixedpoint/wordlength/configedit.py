"""A quantization config as plain TOML data, edited knob by knob.

A :class:`Knob` is one degree of freedom of the search: the fractional bits of one config
entry (``kind="frac"``: the entry and every table side the schema links to it move together,
keeping their integer bits), or the size of one function table (``kind="size"``, powers of two).
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..arith import FxFormat


@dataclass(frozen=True)
class Knob:
    """``name``: what a report calls it; ``keys``: the entries (``stage.name``) and table sides
    (``tables.<t>.in_fmt`` / ``.out_fmt``) a ``frac`` knob sets, or ``tables.<t>.size`` for a
    ``size`` knob; ``lo``..``hi``: the values searched (fractional bits, or log2 of the size)."""

    name: str
    kind: str
    keys: tuple[str, ...]
    lo: int
    hi: int


def _node(data: dict, key: str) -> tuple[dict, str]:
    parts = key.split(".")
    d = data
    for p in parts[:-1]:
        d = d[p]
    return d, parts[-1]


def get_fmt(data: dict, key: str) -> FxFormat:
    """The format of an entry or table side in the TOML data."""
    d, k = _node(data, key)
    v = d[k]
    return FxFormat.parse(v if isinstance(v, str) else v["fmt"])


def set_fmt(data: dict, key: str, fmt: FxFormat | str) -> None:
    """Set an entry's (or table side's) format in place, keeping its modes."""
    d, k = _node(data, key)
    s = str(fmt)
    if isinstance(d[k], dict):
        d[k] = {**d[k], "fmt": s}
    else:
        d[k] = s if k in ("in_fmt", "out_fmt") else {"fmt": s}


def with_bits(f: FxFormat, int_bits: int | None = None, frac: int | None = None) -> FxFormat:
    """``f`` with other integer bits (``width - frac``) and/or fractional bits."""
    ib = f.width - f.frac if int_bits is None else int_bits
    fr = f.frac if frac is None else frac
    return FxFormat.parse(f"{'s' if f.signed else 'u'}{ib + fr}.{fr}")


def knob_value(data: dict, knob: Knob) -> int:
    """The knob's current value in ``data``."""
    if knob.kind == "frac":
        return get_fmt(data, knob.keys[0]).frac
    d, k = _node(data, knob.keys[0])
    return int(d[k]).bit_length() - 1


def apply_knobs(data: dict, values: dict[Knob, int]) -> dict:
    """A deep copy of ``data`` with the knobs set."""
    out = copy.deepcopy(data)
    for knob, v in values.items():
        if knob.kind == "frac":
            for key in knob.keys:
                set_fmt(out, key, with_bits(get_fmt(out, key), frac=int(v)))
        else:
            d, k = _node(out, knob.keys[0])
            d[k] = 1 << int(v)
    return out


def config_hash(data: dict) -> str:
    """SHA-256 of the config's canonical JSON (name and comments excluded): the cache key."""
    d = {k: v for k, v in data.items() if k != "name"}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()


def _val(v: Any) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_val(x)}" for k, x in v.items()) + " }"
    if isinstance(v, bool):
        return "true" if v else "false"
    return f'"{v}"' if isinstance(v, str) else str(v)


#: sections holding one sub-table per function table (build-time, per-frame)
TABLE_SECTIONS = ("tables", "frame_tables")


def dump_toml(data: dict, header: str = "") -> str:
    """TOML text of a config (top-level keys, then sections, then ``[tables.*]``, ``[frame_tables.*]``), ``header``
    lines as ``#`` comments first."""
    lines = [("# " + ln).rstrip() for ln in header.splitlines()] if header else []
    if lines:
        lines.append("")
    for k, v in data.items():
        if not isinstance(v, dict):
            lines.append(f"{k} = {_val(v)}")
    for k, v in data.items():
        if isinstance(v, dict) and k not in TABLE_SECTIONS:
            lines += ["", f"[{k}]"] + [f"{n} = {_val(x)}" for n, x in v.items()]
    for sec in TABLE_SECTIONS:
        for t, spec in data.get(sec, {}).items():
            lines += ["", f"[{sec}.{t}]"] + [f"{n} = {_val(x)}" for n, x in spec.items()]
    return "\n".join(lines) + "\n"


__all__ = ["Knob", "get_fmt", "set_fmt", "with_bits", "knob_value", "apply_knobs", "config_hash", "dump_toml"]
