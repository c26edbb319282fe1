"""Writing a Bayer mosaic as a minimal uncompressed DNG (with tifffile).

Useful to hand the built-in scene to other RAW tools, and to test the rawpy reader: a file
written here reads back through LibRaw bit-exact, with its pattern and levels.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .cfa import check_pattern
from .raw import RawImage, validate

_CFA_CODES = {"R": 0, "G": 1, "B": 2}


def write_dng(path: str | os.PathLike, raw: RawImage) -> Path:
    """Write ``raw`` as a DNG 1.4 file: 16-bit uncompressed CFA, per-position black level, white level.

    The colour matrix is the identity and AsShotNeutral comes from ``raw.wb_gains`` when set.
    Returns the path written.
    """
    import tifffile

    validate(raw)
    cfa = check_pattern(raw.cfa)
    p = Path(path)
    black = [int(round(b)) for b in raw.black]
    neutral = (1.0, 1.0, 1.0) if raw.wb_gains is None else tuple(1.0 / g for g in raw.wb_gains)
    matrix = [v for i in range(3) for j in range(3) for v in (int(i == j), 1)]  # 3x3 identity as (num, den) pairs
    extratags = [
        (271, "s", 0, "TAISP", True),  # Make
        (272, "s", 0, raw.camera or "taisp", True),  # Model
        (33421, "H", 2, (2, 2), True),  # CFARepeatPatternDim
        (33422, "B", 4, tuple(_CFA_CODES[c] for c in cfa), True),  # CFAPattern
        (50706, "B", 4, (1, 4, 0, 0), True),  # DNGVersion
        (50707, "B", 4, (1, 1, 0, 0), True),  # DNGBackwardVersion
        (50708, "s", 0, raw.camera or "taisp", True),  # UniqueCameraModel
        (50713, "H", 2, (2, 2), True),  # BlackLevelRepeatDim
        (50714, "I", 4, tuple(black), True),  # BlackLevel, one per 2x2 position
        (50717, "I", 1, int(round(raw.white)), True),  # WhiteLevel
        (50721, "2i", 9, tuple(matrix), True),  # ColorMatrix1 (identity)
        (50728, "2I", 3, tuple(v for g in neutral for v in (int(round(g * 1_000_000)), 1_000_000)), True),  # AsShotNeutral
        (50778, "H", 1, 21, True),  # CalibrationIlluminant1 = D65
    ]
    tifffile.imwrite(
        p,
        np.ascontiguousarray(raw.mosaic.astype(np.uint16)),
        photometric=32803,  # CFA
        compression=None,
        subfiletype=0,
        metadata=None,
        extratags=extratags,
        software="taisp",
    )
    return p


__all__ = ["write_dng"]
