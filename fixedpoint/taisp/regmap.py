"""The hardware block's register map and weight image: the one place that fixes AXI4-Lite
addresses, the flat order of the weights, and which saturation counters exist.

The Verilog header ``taisp_regmap.vh``, the C++ header ``taisp_regmap.h`` (HLS), the weight ``$readmemh`` image, the cocotb tests and
the vector sets are all generated from this module (nothing is copied by hand).

Addresses are byte addresses of 32-bit registers.  Weights are raw integers of their config
entries (two's complement in the low bits of the register), in the published ``state_dict``
order, each tensor flattened in C order, followed by ``w_min`` and ``w_max``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from golden.cfa import BAYER_PATTERNS
from golden.taisp.model import PUBLISHED_SHAPES

from .. import regmap as _rm
from ..config import QuantConfig
from ..regmap import Field
from .params import FixedWeights

#: Register map version (ID register's companion).
REGMAP_VERSION = 1
ID_VALUE = 0x54414953  # "TAIS"

#: name -> (byte address, access, description); the bit fields of a register are in FIELDS.
REGISTERS: dict[str, tuple[int, str, str]] = {
    "ID": (0x000, "RO", "constant 0x54414953 ('TAIS')"),
    **_rm.BLOCK_REGISTERS,
    "DEF_GATE0": (0x030, "RW", "default gate_0 (hsa.gate raw); gate_1 = 1 - gate_0"),
    "DEF_ALPHA0": (0x034, "RW", "default alpha of R (glc.alpha raw)"),
    "DEF_ALPHA1": (0x038, "RW", "default alpha of G"),
    "DEF_ALPHA2": (0x03C, "RW", "default alpha of B"),
    # the camera block (taisp_camera: front end + core) only; the core alone reads them as 0
    **_rm.FRONTEND_REGISTERS,
}


#: register -> its bit fields (the registers not named here are one 32-bit value). The RTL, the
#: HLS C++, the plain testbench, the vector writer and the tests use these by name, through
#: the generated ``TAISP_<REG>_<FIELD>`` (bit index), ``..._W`` (width) and ``..._MASK`` constants.
FIELDS: dict[str, tuple[Field, ...]] = {
    "CTRL": (
        Field("COMMIT", 0, 1, "apply the written weights, frame size and defaults between frames and recompute "
                              "the parameters from the stored statistics"),
        Field("RESTART", 1, 1, "forget the statistics (the next frame uses the defaults)"),
        Field("CLEAR_COUNTERS", 2, 1, "clear the saturation counters"),
    ),
    "STATUS": (
        Field("IN_FRAME", 0, 1, "a frame is streaming"),
        Field("READY", 1, 1, "the parameters of the next frame are ready"),
        Field("COMMIT_PENDING", 2, 1, "a COMMIT waits for the end of the frame"),
        Field("DEFAULTS", 3, 1, "the next frame uses the programmed defaults"),
    ),
    "ERROR": _rm.STREAM_ERROR_FIELDS + _rm.CAMERA_ERROR_FIELDS,
    "ACTIVE_SIZE": _rm.ACTIVE_SIZE_FIELDS,
    **_rm.FRONTEND_FIELDS,
}

#: FE_CONFIG.DEMOSAIC codes
DEMOSAIC_CODES: dict[str, int] = _rm.DEMOSAIC_CODES


def _check_fields() -> None:
    _rm.check_fields(REGISTERS, FIELDS)


_check_fields()


def field(reg: str, name: str) -> Field:
    """The field ``name`` of register ``reg``."""
    return _rm.find_field(FIELDS, reg, name)


def field_value(reg: str, *names: str) -> int:
    """The register value with the named one-bit fields set (``field_value("CTRL", "COMMIT")``)."""
    v = 0
    for n in names:
        f = field(reg, n)
        if f.width != 1:
            raise ValueError(f"{reg}.{n} is {f.width} bits wide: use pack_fields")
        v |= f.mask
    return v


def pack_fields(reg: str, **values: int) -> int:
    """The register value from field values (``pack_fields("ACTIVE_SIZE", WIDTH=64, HEIGHT=48)``)."""
    return _rm.pack(FIELDS, reg, **values)


def unpack_fields(reg: str, value: int) -> dict[str, int]:
    """Field values of a register value read back."""
    return _rm.unpack(FIELDS, reg, value)


def register_description(reg: str) -> str:
    """A register's description, with its fields (for the generated headers and the docs)."""
    return _rm.describe(REGISTERS, FIELDS, reg)


#: Saturation counters (one per config entry of the pixel path and the frame sums), in order
#: from SAT_BASE: the number of values saturated or wrapped into the entry since the last clear.
SAT_BASE = 0x040
SAT_ENTRIES: tuple[str, ...] = ("glc.xg", "hsa.pool", "hsa.acc", "hsa.z", "hsa.A", "hsa.xs", "rgfc.acc",
                                "rgfc.logits", "rgfc.e", "rgfc.out", "glc.sum", "glc.sumsq", "hsa.dsum",
                                "rgfc.lsum")


def arch_constants() -> dict[str, tuple[int, str]]:
    """Architecture constants of the published model, read from its tensor shapes
    (:data:`golden.taisp.model.PUBLISHED_SHAPES`): name -> (value, description). The RTL sizes its
    ports, loops and windows from these (``TAISP_<NAME>`` in ``taisp_regmap.vh``); the shapes
    are checked against each other here."""
    s = PUBLISHED_SHAPES
    n_ch = s["gain_mlp.2.weight"][0]
    n_reg = s["mask_head.weight"][0]
    n_pool = s["attn.branch_convs.0.weight"][1]
    k3 = s["attn.branch_convs.0.weight"][2]
    k5 = s["attn.branch_convs.1.weight"][2]
    n_gate = s["attn.gate_proj.weight"][0]
    k_rgfc = s["mask_head.weight"][2]
    problems = []
    if s["gain_mlp.0.weight"][1] != 2 * n_ch:
        problems.append("gain_mlp input is not [mean, var] of the channels")
    if s["mask_head.weight"][1] != n_ch or s["attn.gate_proj.weight"][1] != n_ch:
        problems.append("mask head / gate projection inputs are not the colour channels")
    if s["attn.branch_convs.1.weight"][1] != n_pool or s["attn.branch_convs.0.weight"][0] != 1 \
            or s["attn.branch_convs.1.weight"][0] != 1:
        problems.append("branch convolutions are not pooled maps -> one map")
    for name in ("attn.branch_convs.0.weight", "attn.branch_convs.1.weight", "mask_head.weight"):
        if s[name][2] != s[name][3] or s[name][2] % 2 != 1:
            problems.append(f"{name}: kernel is not square and odd")
    if n_gate != len([n for n in s if n.startswith("attn.branch_convs.") and n.endswith(".weight")]):
        problems.append("gate projection outputs are not one per branch")
    if s["weight_mlp.0.weight"][1] != n_reg or s["weight_mlp.2.weight"][0] != n_reg:
        problems.append("weight MLP is not regions -> regions")
    if problems:
        raise ValueError("published model shapes: " + "; ".join(problems))
    return {
        "N_CHANNELS": (n_ch, "colour channels (GLC outputs, mask-head and gate-projection inputs)"),
        "N_REGIONS": (n_reg, "regions (mask-head outputs, weight-MLP inputs and outputs)"),
        "HSA_N_POOL": (n_pool, "pooled maps [mean, max] (branch-convolution inputs)"),
        "HSA_K3": (k3, "kernel size of the first HSA branch"),
        "HSA_K5": (k5, "kernel size of the second HSA branch"),
        "HSA_N_GATE": (n_gate, "gate logits (one per HSA branch)"),
        "RGFC_K": (k_rgfc, "kernel size of the mask head"),
        "GLC_N_STAT": (s["gain_mlp.0.weight"][1], "GLC statistics (gain-MLP inputs: channel means, then variances)"),
        "GLC_N_HIDDEN": (s["gain_mlp.0.weight"][0], "hidden units of the gain MLP"),
        "RGFC_N_HIDDEN": (s["weight_mlp.0.weight"][0], "hidden units of the weight MLP"),
    }


#: The published model's architecture constants (see :func:`arch_constants`).
ARCH: dict[str, int] = {k: v for k, (v, _) in arch_constants().items()}

#: Parameter read-back (the values in use for the next frame), raw values of their entries.
PARAM_BASE = 0x100
PARAM_LAYOUT: tuple[tuple[str, str, int], ...] = (
    ("alpha", "glc.alpha", ARCH["N_CHANNELS"]), ("gate", "hsa.gate", ARCH["HSA_N_GATE"]),
    ("w", "rgfc.w", ARCH["N_REGIONS"]), ("inv_w", "rgfc.inv_w", ARCH["N_REGIONS"]))
#: (name, count) of the parameter read-back, in register order.
PARAM_FIELDS: tuple[tuple[str, int], ...] = tuple((n, cnt) for n, _, cnt in PARAM_LAYOUT)
#: Weight image.
WEIGHT_BASE = 0x4000

#: (state_dict name, config entry, FixedWeights attribute) in the published order.
WEIGHT_TENSORS: tuple[tuple[str, str, str], ...] = (
    ("gain_mlp.0.weight", "glc.w1", "w1"), ("gain_mlp.0.bias", "glc.b1", "b1"),
    ("gain_mlp.2.weight", "glc.w2", "w2"), ("gain_mlp.2.bias", "glc.b2", "b2"),
    ("attn.branch_convs.0.weight", "hsa.wb3", "c3"), ("attn.branch_convs.0.bias", "hsa.wb3", "c3b"),
    ("attn.branch_convs.1.weight", "hsa.wb5", "c5"), ("attn.branch_convs.1.bias", "hsa.wb5", "c5b"),
    ("attn.gate_proj.weight", "hsa.wg", "wg"), ("attn.gate_proj.bias", "hsa.wg", "bg"),
    ("mask_head.weight", "rgfc.wm", "wm"), ("mask_head.bias", "rgfc.wm", "bm"),
    ("weight_mlp.0.weight", "rgfc.w3", "w3"), ("weight_mlp.0.bias", "rgfc.b3", "b3"),
    ("weight_mlp.2.weight", "rgfc.w4", "w4"), ("weight_mlp.2.bias", "rgfc.b4", "b4"),
    ("w_min", "rgfc.wrange", "w_min"), ("w_max", "rgfc.wrange", "w_max"),
)


@dataclass(frozen=True)
class WeightSlot:
    """One tensor's place in the flat weight image."""

    name: str
    entry: str
    attr: str
    offset: int
    count: int

    @property
    def ident(self) -> str:
        """Short identifier used in generated names (the FixedWeights attribute, upper case)."""
        return self.attr.upper()


def weight_layout() -> list[WeightSlot]:
    """Every tensor's offset and length in the flat weight image (published order)."""
    slots, off = [], 0
    for name, entry, attr in WEIGHT_TENSORS:
        n = int(np.prod(PUBLISHED_SHAPES[name])) if name in PUBLISHED_SHAPES else 1
        slots.append(WeightSlot(name, entry, attr, off, n))
        off += n
    return slots


def n_weights() -> int:
    """Words in the weight image (3,297 parameters + w_min + w_max)."""
    last = weight_layout()[-1]
    return last.offset + last.count


def weight_word_width(cfg: QuantConfig) -> int:
    """Bits of one weight word: the widest weight entry."""
    return max(cfg[e].fmt.width for _, e, _ in WEIGHT_TENSORS)


def weight_words(fw: FixedWeights) -> np.ndarray:
    """The flat weight image (int64 raw values, signed) of a quantized weight set."""
    parts = [np.asarray(getattr(fw, s.attr), dtype=np.int64).reshape(-1) for s in weight_layout()]
    return np.concatenate(parts)


def weights_from_words(words: np.ndarray, cfg: QuantConfig) -> FixedWeights:
    """Inverse of :func:`weight_words` (register values sign-extended per entry)."""
    words = np.asarray(words, dtype=np.int64)
    kw = {}
    for s in weight_layout():
        fmt = cfg[s.entry].fmt
        v = words[s.offset:s.offset + s.count] & ((1 << fmt.width) - 1)
        if fmt.signed:
            v = np.where(v >= 1 << (fmt.width - 1), v - (1 << fmt.width), v)
        shape = PUBLISHED_SHAPES.get(s.name, ())
        if s.attr == "wg":
            shape = shape[:2]
        kw[s.attr] = int(v[0]) if s.attr in ("w_min", "w_max") else v.reshape(shape)
    return FixedWeights(**kw)


def register_writes(fw: FixedWeights, cfg: QuantConfig) -> list[tuple[int, int]]:
    """(address, 32-bit data) pairs that program a weight set (two's complement in 32 bits)."""
    return [(WEIGHT_BASE + 4 * i, int(v) & 0xFFFFFFFF) for i, v in enumerate(weight_words(fw))]


def address(name: str) -> int:
    """Byte address of a named register (``SAT:<entry>``, ``PARAM:<name>:<i>`` also accepted)."""
    if name.startswith("SAT:"):
        return SAT_BASE + 4 * SAT_ENTRIES.index(name[4:])
    if name.startswith("PARAM:"):
        _, pname, i = name.split(":")
        off = 0
        for n, _, cnt in PARAM_LAYOUT:
            if n == pname:
                if not 0 <= int(i) < cnt:
                    raise KeyError(name)
                return PARAM_BASE + 4 * (off + int(i))
            off += cnt
        raise KeyError(name)
    return REGISTERS[name][0]


def header_constants(cfg: QuantConfig) -> list[tuple[str, int, str]]:
    """Every constant of the register map, weight layout and architecture, in header order:
    ``(name, value, comment)`` with ``name`` without prefix (``REG_CTRL``, ``WOFF_C3``,
    ``N_REGIONS``, ...). One list for both generated headers (Verilog and C++)."""
    c: list[tuple[str, int, str]] = [("ID", ID_VALUE, "value of the ID register"),
                                     ("REGMAP_VERSION", REGMAP_VERSION, "register map version")]
    for name, (addr, acc, _) in REGISTERS.items():
        c.append((f"REG_{name}", addr, f"{name} ({acc}): {register_description(name)}"))
    c += _rm.field_constants(FIELDS)  # bit fields: bit index, width and mask in place
    c.append(("SAT_BASE", SAT_BASE, "first saturation counter"))
    c.append(("NSAT", len(SAT_ENTRIES), "saturation counters"))
    for i, e in enumerate(SAT_ENTRIES):
        c.append((f"SAT_{e.replace('.', '_').upper()}", i, f"counter index of {e}"))
    c.append(("PARAM_BASE", PARAM_BASE, "first parameter read-back register"))
    off = 0
    for n, e, cnt in PARAM_LAYOUT:
        c.append((f"PARAM_{n.upper()}", off, f"{cnt} x {e}"))
        off += cnt
    c.append(("NPARAM", off, "parameter read-back registers"))
    c.append(("WEIGHT_BASE", WEIGHT_BASE, "first weight word"))
    c.append(("NWEIGHTS", n_weights(), "weight words"))
    c.append(("WGT_W", weight_word_width(cfg), "bits of a weight word"))
    for t in weight_layout():  # per tensor: its offset in the weight image and its word count
        c.append((f"WOFF_{t.ident}", t.offset, f"{t.name}: {t.count} x {t.entry}"))
        c.append((f"WLEN_{t.ident}", t.count, f"words of {t.name}"))
    for name, (v, desc) in arch_constants().items():
        c.append((name, v, f"published model: {desc}"))
    for name, code in DEMOSAIC_CODES.items():
        c.append((f"DEMOSAIC_{name.upper()}", code, f"FE_CONFIG.DEMOSAIC code of {name}"))
    for code, pat in enumerate(BAYER_PATTERNS):
        c.append((f"CFA_{pat}", code, f"FE_CONFIG.CFA code of {pat}"))
    c.append(("CFA_CELLS", cfa_cells(), "colour (R 0, G 1, B 2) of 2x2 position p of CFA code k at bits 2*(4k + p)"))
    return c


def cfa_cells() -> int:
    """Every Bayer pattern's cell colours packed in one word: 2 bits per position (golden.cfa)."""
    return _rm.cfa_cells()


def frontend_writes(cfa: str, demosaic: str, black, gains) -> list[tuple[int, int]]:
    """(address, data) pairs that program the camera front end: FE_CONFIG, FE_BLACK0..3 (DN,
    rounded) and FE_GAIN0..3 (raw frontend.gain, low and high words); applied on COMMIT."""
    return _rm.frontend_writes(REGISTERS, FIELDS, cfa, demosaic, black, gains)


_HEX = {"ID": 8, "CFA_CELLS": 8, "SAT_BASE": 3, "PARAM_BASE": 3, "WEIGHT_BASE": 4}
#: constants written as 32-bit unsigned words
_WORDS = ("ID", "CFA_CELLS")


def _hex_digits(name: str) -> int:
    """Addresses, masks (and the ID) are written in hex: this many digits, 0 for decimal."""
    if name.endswith("_MASK"):
        return 8
    return 3 if name.startswith("REG_") else _HEX.get(name, 0)


def verilog_header(cfg: QuantConfig) -> str:
    """``taisp_regmap.vh``: addresses, the weight layout (``TAISP_WOFF_*`` offsets and
    ``TAISP_WLEN_*`` word counts per tensor), the counter indices and the architecture constants
    (``TAISP_N_REGIONS``, ...: :func:`arch_constants`) as defines."""
    return _rm.verilog_defines("TAISP", "TAISP_REGMAP_VH", "fixedpoint/taisp/regmap.py", header_constants(cfg),
                               _hex_digits, _WORDS)


def cpp_header(cfg: QuantConfig) -> str:
    """``taisp_regmap.h``: the same addresses, weight layout and counter indices as C++ constants
    (namespace ``taisp``), for the HLS C++ block and its testbench."""
    return _rm.cpp_constants("taisp", "TAISP_REGMAP_H", "fixedpoint/taisp/regmap.py", header_constants(cfg),
                             _hex_digits, _WORDS, {"ID": "REGMAP_ID"})


def weights_readmemh(fw: FixedWeights, cfg: QuantConfig, comment: str = "") -> str:
    """The weight image as ``$readmemh`` text (``TAISP_WGT_W``-bit two's complement words)."""
    w = weight_word_width(cfg)
    digits = (w + 3) // 4
    mask = (1 << w) - 1
    lines = [f"// {comment}"] if comment else []
    lines += [f"{int(v) & mask:0{digits}x}" for v in weight_words(fw)]
    return "\n".join(lines) + "\n"
