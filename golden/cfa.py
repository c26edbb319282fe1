"""Bayer colour-filter-array (CFA) patterns.

A pattern is named by the colours of its 2x2 cell read row by row: ``RGGB`` means
(row 0, col 0) = R, (0, 1) = G, (1, 0) = G, (1, 1) = B. Colour indices are
R = 0, G = 1, B = 2, the channel order of every RGB array in this project.
"""
from __future__ import annotations

import numpy as np

#: The four Bayer patterns, the only CFAs this project supports.
BAYER_PATTERNS: tuple[str, ...] = ("RGGB", "BGGR", "GRBG", "GBRG")

_COLOUR_INDEX = {"R": 0, "G": 1, "B": 2}


class CFAError(ValueError):
    """An unsupported or malformed colour-filter-array description."""


def check_pattern(cfa: str) -> str:
    """Return ``cfa`` upper-cased if it names a Bayer pattern, else raise :class:`CFAError`."""
    if not isinstance(cfa, str):
        raise CFAError(f"CFA pattern must be a string such as 'RGGB', got {type(cfa).__name__}")
    name = cfa.upper()
    if name not in BAYER_PATTERNS:
        raise CFAError(
            f"unsupported CFA pattern {cfa!r}: only the Bayer patterns {', '.join(BAYER_PATTERNS)} are supported"
        )
    return name


def cell_colours(cfa: str) -> np.ndarray:
    """Colour index (0=R, 1=G, 2=B) of each position of the 2x2 cell, shape (2, 2), int64."""
    name = check_pattern(cfa)
    return np.array([_COLOUR_INDEX[c] for c in name], dtype=np.int64).reshape(2, 2)


def colour_positions(cfa: str) -> dict[str, list[int]]:
    """Positions (0..3, row-major in the 2x2 cell) of each colour: ``{'R': [..], 'G': [..], 'B': [..]}``."""
    name = check_pattern(cfa)
    out: dict[str, list[int]] = {"R": [], "G": [], "B": []}
    for pos, colour in enumerate(name):
        out[colour].append(pos)
    return out


def tile_cell(cell: np.ndarray, height: int, width: int) -> np.ndarray:
    """Repeat a per-position 2x2 array (one value per CFA cell position) over a (height, width) frame."""
    cell = np.asarray(cell).reshape(2, 2)
    return np.tile(cell, ((height + 1) // 2, (width + 1) // 2))[:height, :width]


def colour_index(cfa: str, height: int, width: int) -> np.ndarray:
    """Colour index (0=R, 1=G, 2=B) of every pixel of a mosaic, shape (height, width), int64."""
    return tile_cell(cell_colours(cfa), height, width)


def colour_masks(cfa: str, height: int, width: int) -> np.ndarray:
    """One-hot colour masks of a mosaic, shape (3, height, width), float32: mask[c, y, x] = 1 where pixel (y, x) samples colour c."""
    idx = colour_index(cfa, height, width)
    return np.stack([(idx == c) for c in range(3)]).astype(np.float32)


def pattern_from_colour_indices(colours: np.ndarray, desc: str) -> str:
    """Name the Bayer pattern from a 2x2 array of colour indices into ``desc``.

    ``desc`` is LibRaw's colour description (for example ``'RGBG'``: index 0 is R, 1 and 3
    are G, 2 is B). Raises :class:`CFAError` if the cell is not a Bayer cell.
    """
    colours = np.asarray(colours)
    if colours.shape != (2, 2):
        raise CFAError(f"CFA repeat pattern is {colours.shape[0]}x{colours.shape[1]}, not 2x2: not a Bayer sensor")
    try:
        name = "".join(desc[int(i)] for i in colours.reshape(-1))
    except IndexError as exc:
        raise CFAError(f"CFA colour index out of range of colour description {desc!r}") from exc
    if name not in BAYER_PATTERNS:
        raise CFAError(f"CFA cell {name!r} is not a Bayer pattern (supported: {', '.join(BAYER_PATTERNS)})")
    return name
