"""TA-ISP's quantization-config schema: the entries the fixed-point model needs, by stage, its
five function tables, and which table formats must equal which entries'.
"""
from __future__ import annotations

from ..config import ConfigSchema
from . import DEFAULT_CONFIG

#: Every entry the model needs, by stage.
ENTRIES: dict[str, tuple[str, ...]] = {
    "frontend": ("gain", "x", "avg"),
    "glc": ("sum", "sumsq", "mean", "var", "w1", "b1", "acc1", "h1", "w2", "b2", "acc2", "z", "alpha", "xg"),
    "hsa": ("third", "pool", "wb3", "wb5", "acc", "z", "m", "dsum", "d", "wg", "gate_acc", "gate", "A", "xs", "xm"),
    "rgfc": ("wm", "acc", "logits", "lsum", "p", "w3", "b3", "acc3", "h3", "w4", "b4", "acc4", "z", "wrange",
             "w", "inv_w", "log2", "e", "y", "out"),
}
TABLES: tuple[str, ...] = ("softplus", "sigmoid", "reciprocal", "log2", "exp2")

#: (table, side, entry): the table's input (or output) format must equal the entry's format.
TABLE_LINKS: tuple[tuple[str, str, str], ...] = (
    ("softplus", "in_fmt", "glc.z"),
    ("sigmoid", "in_fmt", "hsa.z"),
    ("sigmoid", "in_fmt", "rgfc.z"),
    ("sigmoid", "out_fmt", "hsa.m"),
    ("reciprocal", "in_fmt", "rgfc.w"),
    ("reciprocal", "out_fmt", "rgfc.inv_w"),
    ("log2", "in_fmt", "hsa.xs"),
    ("log2", "out_fmt", "rgfc.log2"),
    ("exp2", "in_fmt", "rgfc.e"),
    ("exp2", "out_fmt", "rgfc.y"),
)


TAISP_SCHEMA = ConfigSchema("taisp", ENTRIES, TABLES, TABLE_LINKS, DEFAULT_CONFIG)
