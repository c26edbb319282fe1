"""RGB pixels on an AXI4-Stream video interface (AMD UG934 component order): one pixel per beat,
``tdata = {R, B, G}`` with G in the low ``comp_bits`` bits. Shared by every block's stream
packing (test benches, vector sets).
"""
from __future__ import annotations

import numpy as np


def pack_ug934(x: np.ndarray, comp_bits: int) -> np.ndarray:
    """(3, H, W) R, G, B components -> (H, W) beats: G in the low bits, then B, then R."""
    r, g, b = (np.asarray(c, dtype=object) for c in x)
    return (r << (2 * comp_bits)) | (b << comp_bits) | g


def unpack_ug934(beats: np.ndarray, comp_bits: int) -> np.ndarray:
    """(H, W) beats -> (3, H, W) R, G, B (int64)."""
    v = np.asarray(beats, dtype=object)
    m = (1 << comp_bits) - 1
    g, b, r = v & m, (v >> comp_bits) & m, (v >> (2 * comp_bits)) & m
    return np.stack([r, g, b]).astype(np.int64)
