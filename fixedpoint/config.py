"""The quantization configuration: one TOML file naming a format, a rounding mode and an
overflow mode for every tensor and operation of a fixed-point model, plus its tables. Which
entries and tables a model needs is its :class:`ConfigSchema` (TA-ISP's, the default, in
``fixedpoint/taisp/schema.py``).

    cfg = load_config()                      # fixedpoint/taisp/configs/default.toml
    cfg["glc.xg"].fmt, cfg["glc.xg"].rounding, cfg["glc.xg"].overflow
    cfg.table("log2")                        # a FunctionTable built from [tables.log2]

Validation raises :class:`ConfigError` naming the file and the key: unknown or missing
entries, impossible formats (zero width, over 64 bits), unknown modes, tables whose input or
output format does not match the entries that feed and read them.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .arith import FunctionTable, FxFormat, Overflow, Rounding, make_table, parse_overflow, parse_rounding

SCHEMA = 1
TABLE_KEYS = ("kind", "in_fmt", "out_fmt", "size", "segmentation", "rounding")
#: optional table keys: ``func``, the tabulated function when it is not the table's name
TABLE_OPTIONAL_KEYS = ("func",)


@dataclass(frozen=True)
class ConfigSchema:
    """What a model's quantization config must hold: its entries by stage, its function tables,
    and the (table, side, entry) links whose formats must be equal. Each model declares its
    own (TA-ISP: :data:`fixedpoint.taisp.schema.TAISP_SCHEMA`)."""

    model: str
    entries: dict[str, tuple[str, ...]]
    tables: tuple[str, ...]
    table_links: tuple[tuple[str, str, str], ...]
    default_config: Path
    #: per-frame tables (section ``[frame_tables.<name>]``, same keys as a table but ``func``):
    #: their layout lives in the config, their contents are written per frame by a driver
    frame_tables: tuple[str, ...] = ()


def default_schema() -> ConfigSchema:
    """The schema of the project's default model, TA-ISP."""
    from .taisp.schema import TAISP_SCHEMA

    return TAISP_SCHEMA


class ConfigError(ValueError):
    """An invalid quantization configuration; the message names the file and the key."""


@dataclass(frozen=True)
class Q:
    """One entry: the format a value is held in and how values are brought into it."""

    fmt: FxFormat
    rounding: Rounding
    overflow: Overflow

    def __str__(self) -> str:
        return f"{self.fmt} {self.rounding.name}/{self.overflow.name}"


class QuantConfig:
    """A validated configuration (see the module docstring)."""

    def __init__(self, data: dict[str, Any], source: str = "<dict>", schema: ConfigSchema | None = None) -> None:
        self.schema = schema if schema is not None else default_schema()
        self.source = source
        self.raw = data
        self.name = str(data.get("name", Path(source).stem))
        self.entries: dict[str, Q] = {}
        self.table_specs: dict[str, dict[str, Any]] = {}
        self._validate(data)

    # -- validation --------------------------------------------------------------------------
    def _err(self, key: str, msg: str) -> ConfigError:
        return ConfigError(f"{self.source}: [{key}] {msg}")

    def _validate(self, data: dict[str, Any]) -> None:
        ENTRIES, TABLES, TABLE_LINKS = self.schema.entries, self.schema.tables, self.schema.table_links
        known_top = {"schema", "name", "defaults", "tables", *ENTRIES}
        if self.schema.frame_tables:
            known_top.add("frame_tables")
        for k in data:
            if k not in known_top:
                raise self._err(k, f"unknown section or key (known: {', '.join(sorted(known_top))})")
        schema = data.get("schema")
        if schema != SCHEMA:
            raise self._err("schema", f"schema must be {SCHEMA}, got {schema!r}")
        defaults = data.get("defaults", {})
        for k in defaults:
            if k not in ("rounding", "overflow"):
                raise self._err(f"defaults.{k}", "unknown key (known: rounding, overflow)")
        d_round = self._mode(parse_rounding, defaults.get("rounding", "RND"), "defaults.rounding")
        d_ovf = self._mode(parse_overflow, defaults.get("overflow", "SAT"), "defaults.overflow")
        for stage, names in ENTRIES.items():
            sec = data.get(stage)
            if not isinstance(sec, dict):
                raise self._err(stage, "missing section")
            for name in sec:
                if name not in names:
                    raise self._err(f"{stage}.{name}", f"unknown entry (known: {', '.join(names)})")
            for name in names:
                key = f"{stage}.{name}"
                if name not in sec:
                    raise self._err(key, "missing entry")
                e = sec[name]
                if isinstance(e, str):
                    e = {"fmt": e}
                if not isinstance(e, dict) or "fmt" not in e:
                    raise self._err(key, "must be a format string or a table with 'fmt'")
                for k in e:
                    if k not in ("fmt", "rounding", "overflow"):
                        raise self._err(key, f"unknown field {k!r} (known: fmt, rounding, overflow)")
                self.entries[key] = Q(self._fmt(e["fmt"], key),
                                      self._mode(parse_rounding, e.get("rounding", d_round.name), key + ".rounding"),
                                      self._mode(parse_overflow, e.get("overflow", d_ovf.name), key + ".overflow"))
        self._read_tables(data, "tables", TABLES, TABLE_KEYS + TABLE_OPTIONAL_KEYS)
        if self.schema.frame_tables:
            self._read_tables(data, "frame_tables", self.schema.frame_tables, TABLE_KEYS)
        for t, side, entry in TABLE_LINKS:
            if self.table_specs[t][side] != self.entries[entry].fmt:
                raise self._err(f"tables.{t}.{side}",
                                f"is {self.table_specs[t][side]} but [{entry}] is {self.entries[entry].fmt}: they must match")
        for t in self.schema.tables + self.schema.frame_tables:  # build every table now: a bad size or kind is reported here
            try:
                self.table(t)
            except (ValueError, TypeError) as exc:
                sec = "frame_tables" if t in self.schema.frame_tables else "tables"
                raise self._err(f"{sec}.{t}", str(exc)) from None

    def _read_tables(self, data: dict[str, Any], section: str, names: tuple[str, ...], keys: tuple[str, ...]) -> None:
        tables = data.get(section)
        if not isinstance(tables, dict):
            raise self._err(section, "missing section")
        for t in tables:
            if t not in names:
                raise self._err(f"{section}.{t}", f"unknown table (known: {', '.join(names)})")
        for t in names:
            spec = tables.get(t)
            if not isinstance(spec, dict):
                raise self._err(f"{section}.{t}", "missing table")
            for k in spec:
                if k not in keys:
                    raise self._err(f"{section}.{t}.{k}", f"unknown key (known: {', '.join(keys)})")
            for k in TABLE_KEYS:
                if k not in spec:
                    raise self._err(f"{section}.{t}.{k}", "missing key")
            spec = dict(spec)
            spec["in_fmt"] = self._fmt(spec["in_fmt"], f"{section}.{t}.in_fmt")
            spec["out_fmt"] = self._fmt(spec["out_fmt"], f"{section}.{t}.out_fmt")
            self.table_specs[t] = spec

    def _fmt(self, text: Any, key: str) -> FxFormat:
        if not isinstance(text, str):
            raise self._err(key, f"format must be a string such as 's16.10', got {text!r}")
        try:
            return FxFormat.parse(text)
        except (ValueError, TypeError) as exc:
            raise self._err(key, f"impossible format {text!r}: {exc}") from None

    def _mode(self, parse, text: Any, key: str):
        try:
            return parse(text)
        except (ValueError, TypeError) as exc:
            raise self._err(key, str(exc)) from None

    # -- access ------------------------------------------------------------------------------
    def __getitem__(self, key: str) -> Q:
        try:
            return self.entries[key]
        except KeyError:
            raise KeyError(f"no entry {key!r} in quantization config {self.source}") from None

    def table(self, name: str) -> FunctionTable:
        """The function table ``name`` (built once, cached). A per-frame table's is its layout, with
        placeholder entries: :meth:`FunctionTable.with_entries` puts a frame's contents in."""
        return self._tables[name] if name in self._tables else self._build(name)

    @cached_property
    def _tables(self) -> dict[str, FunctionTable]:
        return {}

    def _build(self, name: str) -> FunctionTable:
        s = self.table_specs[name]
        func = "identity" if name in self.schema.frame_tables else s.get("func", name)
        t = make_table(func, kind=s["kind"], in_fmt=s["in_fmt"], out_fmt=s["out_fmt"], size=int(s["size"]),
                       segmentation=s["segmentation"], rounding=s["rounding"])
        if name in self.schema.frame_tables:
            t.func = name  # a per-frame table's layout: named after itself, its entries placeholders
        self._tables[name] = t
        return t


def load_config(path: str | os.PathLike | None = None, schema: ConfigSchema | None = None) -> QuantConfig:
    """Read and validate a quantization config against ``schema`` (default: TA-ISP's); without a
    path, the schema's default config (TA-ISP: ``fixedpoint/taisp/configs/default.toml``)."""
    schema = schema if schema is not None else default_schema()
    p = Path(path) if path is not None else schema.default_config
    try:
        data = tomllib.loads(p.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{p}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    return QuantConfig(data, str(p), schema)


__all__ = ["ConfigError", "ConfigSchema", "Q", "QuantConfig", "default_schema", "load_config"]
