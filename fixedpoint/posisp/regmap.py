"""The POS-ISP block's register map: AXI4-Lite addresses of the control registers, the per-frame
parameter registers the driver computes, the per-frame table windows, the 64x64 thumbnail window
and the saturation counters. The Verilog header ``posisp_regmap.vh`` and the C++ header
``posisp_regmap.h`` are generated from this module (:mod:`fixedpoint.posisp.codegen`).

Addresses are byte addresses of 32-bit registers. Parameter registers hold raw integers of their
config entries (:data:`fixedpoint.posisp.driver.REGISTER_ENTRIES`; two's complement, sign-extended
to 32 bits); table words hold raw entries of the table's output format in their low bits.

**Shadowing.** Software writes parameters and tables into a pending bank at any time; writing
``CTRL.COMMIT`` applies the pending bank at the next frame boundary (between the last pixel of a
frame and the next SOF; at once when no frame is streaming): the parameter registers are copied
and the table banks swap (each per-frame table is double-buffered), so a frame never sees a mix.
``STATUS.COMMIT_PENDING`` is set until then. Reads of parameter registers and tables return the
pending bank. After reset both banks hold :data:`fixedpoint.posisp.driver.DEFAULT_P`'s driver
output (the programmed defaults, ``previous`` mode's first frame).

**Thumbnail.** While frame N streams, the block accumulates the 64x64 area sums of its input
(``thumb.sum``, exact); at the end of frame N they are copied to the read window (``THUMB_BASE``,
``STATUS.THUMB_READY`` set, ``THUMB_FRAME`` = N's frame counter), where software reads them during
blanking, runs the parameter agent, drives and commits the parameters of frame N+1.
"""
from __future__ import annotations

from .. import regmap as _rm
from ..config import QuantConfig
from ..regmap import Field
from .driver import FILTER_REGISTERS, REGISTER_ENTRIES, FILTER_NAMES

#: Smallest frame (width and height, pixels) the chain takes: denoise's mirror border (posisp_regs,
#: and a camera's front-end size check: ERROR.FE_SIZE below it).
MIN_SIZE = 8

#: Register map version.
REGMAP_VERSION = 1
ID_VALUE = 0x504F5349  # "POSI"

#: Thumbnail size (the parameter agent's input: 64x64 area averages, PyTorch's adaptive bins).
THUMB_SIZE = 64

#: name -> (byte address, access, description); bit fields in FIELDS.
REGISTERS: dict[str, tuple[int, str, str]] = {
    "ID": (0x000, "RO", "constant 0x504F5349 ('POSI')"),
    **_rm.BLOCK_REGISTERS,
    "ORDER0": (0x030, "RO", "the filter order the chain was generated with, slots 0-7 (filter codes, 15 = none)"),
    "ORDER1": (0x034, "RO", "the filter order, slots 8-9 and the number of filters"),
    "THUMB_FRAME": (0x038, "RO", "FRAMES value of the frame whose thumbnail sums the window holds"),
    **_rm.FRONTEND_REGISTERS,
}
#: Per-frame parameter registers (shadowed), from PARAM_BASE, in filter order.
PARAM_BASE = 0x100
PARAM_REGISTERS: tuple[str, ...] = tuple(r for n in FILTER_NAMES for r in FILTER_REGISTERS[n])
for _i, _r in enumerate(PARAM_REGISTERS):
    REGISTERS[_r] = (PARAM_BASE + 4 * _i, "RW", f"per-frame parameter (shadowed, applied on COMMIT): raw {REGISTER_ENTRIES[_r]}")
del _i, _r

#: Saturation counters from SAT_BASE: values saturated or wrapped since the last clear, one per
#: filter output (its requantization into chain.x), then the thumbnail sums.
SAT_BASE = 0x040
SAT_ENTRIES: tuple[str, ...] = tuple(FILTER_NAMES) + ("thumb",)

#: Per-frame table windows (shadowed, double-buffered): table -> base address; one 32-bit word
#: per entry (index i at base + 4 i); each window holds up to TABLE_WINDOW_WORDS entries.
TABLE_WINDOW_WORDS = 4096
TABLE_BASES: dict[str, int] = {"gamma": 0x04000, "contrast": 0x08000, "denoise": 0x0C000}
#: Thumbnail sums (read only): sum of channel c, cell (i, j) at THUMB_BASE + 8 ((c * 64 + i) * 64 + j),
#: low word then high word (thumb.sum raw).
THUMB_BASE = 0x10000
THUMB_BYTES = 8 * 3 * THUMB_SIZE * THUMB_SIZE

#: Filter codes (the sequence agent's tokens), in the ORDER registers.
FILTER_CODES: dict[str, int] = {n: i for i, n in enumerate(FILTER_NAMES)}
ORDER_NONE = 15

FIELDS: dict[str, tuple[Field, ...]] = {
    "CTRL": (
        Field("COMMIT", 0, 1, "apply the pending parameters, tables and frame size at the next frame boundary"),
        Field("RESTART", 1, 1, "back to the programmed defaults (reset values of both banks)"),
        Field("CLEAR_COUNTERS", 2, 1, "clear the saturation counters"),
    ),
    "STATUS": (
        Field("IN_FRAME", 0, 1, "a frame is streaming"),
        Field("THUMB_READY", 1, 1, "the thumbnail window holds the last complete frame's sums"),
        Field("COMMIT_PENDING", 2, 1, "a COMMIT waits for the end of the frame"),
        Field("DEFAULTS", 3, 1, "the active bank holds the programmed defaults"),
    ),
    "ERROR": _rm.STREAM_ERROR_FIELDS + _rm.CAMERA_ERROR_FIELDS + (
        Field("SIZE", 9, 1, f"COMMIT refused: the frame is smaller than denoise's mirror border needs ({MIN_SIZE}x{MIN_SIZE}) "
                            "or wider than MAX_WIDTH; the previous size stays in use"),
    ),
    "ACTIVE_SIZE": _rm.ACTIVE_SIZE_FIELDS,
    "ORDER0": tuple(Field(f"SLOT{k}", 4 * k, 4, f"filter code of chain slot {k}") for k in range(8)),
    "ORDER1": (Field("SLOT8", 0, 4, "filter code of chain slot 8"), Field("SLOT9", 4, 4, "filter code of chain slot 9"),
               Field("COUNT", 8, 4, "number of filters in the chain")),
    **_rm.FRONTEND_FIELDS,
}

_rm.check_fields(REGISTERS, FIELDS)
_rm.check_addresses(REGISTERS, {**{f"{t}_TAB": (b, 4 * TABLE_WINDOW_WORDS) for t, b in TABLE_BASES.items()},
                                "THUMB": (THUMB_BASE, THUMB_BYTES),
                                "SAT": (SAT_BASE, 4 * len(SAT_ENTRIES))})


def field(reg: str, name: str) -> Field:
    """The field ``name`` of register ``reg``."""
    return _rm.find_field(FIELDS, reg, name)


def pack_fields(reg: str, **values: int) -> int:
    """The register value from field values."""
    return _rm.pack(FIELDS, reg, **values)


def unpack_fields(reg: str, value: int) -> dict[str, int]:
    """Field values of a register value read back."""
    return _rm.unpack(FIELDS, reg, value)


def address(name: str) -> int:
    """Byte address of a register (``SAT:<filter>``, ``TAB:<table>:<i>``, ``THUMB:<c>:<i>:<j>`` also accepted)."""
    if name.startswith("SAT:"):
        return SAT_BASE + 4 * SAT_ENTRIES.index(name[4:])
    if name.startswith("TAB:"):
        _, t, i = name.split(":")
        return TABLE_BASES[t] + 4 * int(i)
    if name.startswith("THUMB:"):
        _, c, i, j = name.split(":")
        return THUMB_BASE + 8 * ((int(c) * THUMB_SIZE + int(i)) * THUMB_SIZE + int(j))
    return REGISTERS[name][0]


def order_words(order) -> tuple[int, int]:
    """ORDER0 and ORDER1 values of a chain order (filter names or codes)."""
    codes = [FILTER_CODES[o] if isinstance(o, str) else int(o) for o in order]
    if len(codes) > 10 or len(set(codes)) != len(codes) or any(not 0 <= c < 10 for c in codes):
        raise ValueError(f"a POS-ISP order holds each of the ten filters at most once, got {list(order)}")
    slots = codes + [ORDER_NONE] * (10 - len(codes))
    w0 = pack_fields("ORDER0", **{f"SLOT{k}": slots[k] for k in range(8)})
    w1 = pack_fields("ORDER1", SLOT8=slots[8], SLOT9=slots[9], COUNT=len(codes))
    return w0, w1


def camera_frame_size(width: int, height: int, demosaic: str, max_w: int, max_h: int) -> tuple[int, int]:
    """The chain's frame size in a camera (``posisp_camera``) for a Bayer frame of ``width`` x
    ``height`` (bin2: half); ValueError naming WIDTH or HEIGHT for a size the camera refuses on
    COMMIT (ERROR.FE_SIZE): bin2 odd, above ``max_w`` x ``max_h``, or a demosaiced size under
    the chain's smallest frame :data:`MIN_SIZE`."""
    if demosaic not in _rm.DEMOSAIC_CODES:
        raise ValueError(f"FE_CONFIG.DEMOSAIC: {demosaic!r} is not one of {', '.join(_rm.DEMOSAIC_CODES)}")
    div = 2 if demosaic == "bin2" else 1
    for name, v, top in (("WIDTH", width, max_w), ("HEIGHT", height, max_h)):
        if v > top:
            raise ValueError(f"{name} {v}: above the camera's largest Bayer frame ({top})")
        if div == 2 and v % 2:
            raise ValueError(f"{name} {v}: bin2 takes even Bayer sizes only")
        if v // div < MIN_SIZE:
            raise ValueError(f"{name} {v}: the chain gets {v // div} ({demosaic}), under its smallest frame "
                             f"{MIN_SIZE} (ERROR.FE_SIZE)")
    return width // div, height // div


def check_tables(cfg: QuantConfig) -> None:
    """Every per-frame table fits its window and its words (ValueError naming the table)."""
    for t in TABLE_BASES:
        tab = cfg.table(t)
        if tab.entries.size > TABLE_WINDOW_WORDS:
            raise ValueError(f"{cfg.source}: per-frame table {t} has {tab.entries.size} entries; its register "
                             f"window holds {TABLE_WINDOW_WORDS}")
        if tab.out_fmt.width > 32:
            raise ValueError(f"{cfg.source}: per-frame table {t}: {tab.out_fmt} does not fit a 32-bit word")
    for r, e in REGISTER_ENTRIES.items():
        if cfg[e].fmt.width > 32:
            raise ValueError(f"{cfg.source}: register {r}: {e} is {cfg[e].fmt}, wider than 32 bits")


def register_writes(out, cfg: QuantConfig) -> list[tuple[int, int]]:
    """(address, 32-bit data) pairs that program one frame's driver output (parameters, then
    every table), to be followed by a COMMIT (:func:`commit_write`)."""
    check_tables(cfg)
    w = [(address(r), int(out.regs[r]) & 0xFFFFFFFF) for r in PARAM_REGISTERS]
    for t, base in TABLE_BASES.items():
        w += [(base + 4 * i, int(v) & 0xFFFFFFFF) for i, v in enumerate(out.tables[t])]
    return w


def frontend_writes(cfa: str, demosaic: str, black, gains) -> list[tuple[int, int]]:
    """(address, data) pairs that program a camera's front end (``posisp_camera``): FE_CONFIG,
    FE_BLACK0..3 (DN, rounded) and FE_GAIN0..3 (raw frontend.gain, low and high words); applied
    on COMMIT."""
    return _rm.frontend_writes(REGISTERS, FIELDS, cfa, demosaic, black, gains)


def commit_write() -> tuple[int, int]:
    """The (address, data) of CTRL.COMMIT."""
    return address("CTRL"), field("CTRL", "COMMIT").mask


def header_constants(cfg: QuantConfig, order=None) -> list[tuple[str, int, str]]:
    """Every constant of the register map, in header order (``(name, value, comment)``, no
    prefix). ``order``: the chain's filter order (names), written as ``ORDER_*`` constants."""
    check_tables(cfg)
    c: list[tuple[str, int, str]] = [("ID", ID_VALUE, "value of the ID register"),
                                     ("REGMAP_VERSION", REGMAP_VERSION, "register map version")]
    for name, (addr, acc, _) in REGISTERS.items():
        c.append((f"REG_{name}", addr, f"{name} ({acc}): {_rm.describe(REGISTERS, FIELDS, name)}"))
    c += _rm.field_constants(FIELDS)
    c.append(("SAT_BASE", SAT_BASE, "first saturation counter"))
    c.append(("NSAT", len(SAT_ENTRIES), "saturation counters"))
    for i, e in enumerate(SAT_ENTRIES):
        c.append((f"SAT_{e.upper()}", i, f"counter index of {e}"))
    c.append(("MIN_SIZE", MIN_SIZE, "smallest frame width and height the chain takes"))
    c.append(("PARAM_BASE", PARAM_BASE, "first per-frame parameter register"))
    c.append(("NPARAM", len(PARAM_REGISTERS), "per-frame parameter registers"))
    c.append(("TABLE_WINDOW_WORDS", TABLE_WINDOW_WORDS, "words of a per-frame table window"))
    for t, b in TABLE_BASES.items():
        c.append((f"TAB_{t.upper()}_BASE", b, f"per-frame table {t}: first entry"))
        c.append((f"TAB_{t.upper()}_LEN", int(cfg.table(t).entries.size), f"entries of per-frame table {t}"))
    c.append(("THUMB_BASE", THUMB_BASE, "first thumbnail sum (low word, then high word)"))
    c.append(("THUMB_SIZE", THUMB_SIZE, "thumbnail cells per side"))
    for n, code in FILTER_CODES.items():
        c.append((f"FILTER_{n.upper()}", code, f"filter code of {n}"))
    c.append(("ORDER_NONE", ORDER_NONE, "filter code of an empty chain slot"))
    if order is not None:
        w0, w1 = order_words(order)
        c.append(("ORDER_COUNT", len(list(order)), "filters in the generated chain"))
        c.append(("ORDER0_VALUE", w0, "ORDER0 of the generated chain: " + ", ".join(order)))
        c.append(("ORDER1_VALUE", w1, "ORDER1 of the generated chain"))
    c += _rm.frontend_constants()
    return c


_HEX = {"ID": 8, "CFA_CELLS": 8, "SAT_BASE": 3, "PARAM_BASE": 3, "THUMB_BASE": 5, "ORDER0_VALUE": 8, "ORDER1_VALUE": 8}
_WORDS = ("ID", "ORDER0_VALUE", "ORDER1_VALUE", "CFA_CELLS")


def _hex_digits(name: str) -> int:
    if name.endswith("_MASK"):
        return 8
    if name.startswith("TAB_") and name.endswith("_BASE"):
        return 5
    return 3 if name.startswith("REG_") else _HEX.get(name, 0)


def verilog_header(cfg: QuantConfig, order=None) -> str:
    """``posisp_regmap.vh``: the register map as ``POSISP_*`` defines."""
    return _rm.verilog_defines("POSISP", "POSISP_REGMAP_VH", "fixedpoint/posisp/regmap.py", header_constants(cfg, order),
                               _hex_digits, _WORDS)


def cpp_header(cfg: QuantConfig, order=None) -> str:
    """``posisp_regmap.h``: the same constants in namespace ``posisp``."""
    return _rm.cpp_constants("posisp", "POSISP_REGMAP_H", "fixedpoint/posisp/regmap.py", header_constants(cfg, order),
                             _hex_digits, _WORDS, {"ID": "REGMAP_ID"})


__all__ = ["FIELDS", "camera_frame_size", "FILTER_CODES", "ID_VALUE", "ORDER_NONE", "PARAM_BASE", "PARAM_REGISTERS", "REGISTERS", "SAT_BASE",
           "SAT_ENTRIES", "TABLE_BASES", "TABLE_WINDOW_WORDS", "THUMB_BASE", "THUMB_SIZE", "address", "check_tables",
           "commit_write", "cpp_header", "field", "frontend_writes", "MIN_SIZE", "header_constants", "order_words", "pack_fields", "register_writes",
           "unpack_fields", "verilog_header"]
