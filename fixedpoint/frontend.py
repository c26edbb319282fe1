"""Fixed-point front end: black level, white level, ``bin2`` / ``bilinear`` demosaic, integers only.

``x = clamp(rq((max(DN - black[pos], 0)) * gain[pos]), 0, 1)`` with
``gain[pos] = round(2**F_gain / (white - black[pos]))`` in ``frontend.gain``, then the
demosaic of the float front end (golden/frontend.py) with its halving and quartering as
requantizations into ``frontend.avg`` (so their rounding is the config's).
Output: (3, H', W') int64 raw values of ``frontend.x``.
"""
from __future__ import annotations

import numpy as np

from golden.cfa import cell_colours, check_pattern, tile_cell
from golden.frontend import FrontendError
from golden.raw import RawImage

from .common import RunContext, one, rq
from .config import QuantConfig


def gains(raw: RawImage, cfg: QuantConfig) -> list[int]:
    """Raw ``frontend.gain`` per 2x2 position (row-major): 1 / (white - black) rounded."""
    q = cfg["frontend.gain"]
    out = []
    for b in raw.black:
        span = float(raw.white) - round(b)
        g = int(round(2.0**q.fmt.frac / span))
        if not 0 < g <= q.fmt.max_raw:
            raise ValueError(f"{raw.source}: gain 1/{span:g} does not fit frontend.gain {q.fmt}")
        out.append(g)
    return out


def normalize(raw: RawImage, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """(H, W) DN -> (H, W) raw values of ``frontend.x`` in [0, 1]."""
    return normalize_mosaic(raw.mosaic, [round(b) for b in raw.black], gains(raw, cfg), cfg, run)


def normalize_mosaic(mosaic: np.ndarray, black, gain, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """(H, W) DN -> (H, W) raw ``frontend.x`` with integer black levels and raw ``frontend.gain``
    values per 2x2 position (row-major): what the hardware front end's registers hold."""
    qg, qx = cfg["frontend.gain"], cfg["frontend.x"]
    h, w = mosaic.shape
    black = tile_cell(np.array([int(b) for b in black], dtype=np.int64), h, w)
    gain = tile_cell(np.array([int(g) for g in gain], dtype=np.int64), h, w)
    d = np.maximum(np.asarray(mosaic).astype(np.int64) - black, 0)
    v = rq(d * gain, qg.fmt.frac, qx, "frontend.x", run)
    return np.minimum(v, one(qx.fmt))


def demosaic(m: np.ndarray, cfa: str, method: str, cfg: QuantConfig, run: RunContext | None = None,
             where: str = "demosaic") -> np.ndarray:
    """(H, W) raw ``frontend.x`` mosaic -> (3, H', W') raw ``frontend.x`` RGB."""
    cfa = check_pattern(cfa)
    fx = cfg["frontend.x"].fmt.frac
    qa = cfg["frontend.avg"]
    h, w = m.shape
    cell = cell_colours(cfa)
    if method == "bin2":
        if h % 2 or w % 2:
            raise FrontendError(f"{where}: bin2 demosaic needs an even width and height, got {w}x{h}")
        planes = {(dy, dx): m[dy::2, dx::2] for dy in range(2) for dx in range(2)}
        pos = {c: [(dy, dx) for dy in range(2) for dx in range(2) if cell[dy, dx] == c] for c in range(3)}
        g = rq(planes[pos[1][0]] + planes[pos[1][1]], fx + 1, qa, "frontend.avg", run)
        return np.stack([planes[pos[0][0]], g, planes[pos[2][0]]])
    if method != "bilinear":
        raise FrontendError(f"{where}: unknown demosaic {method!r}; choose bin2 or bilinear")
    if h < 2 or w < 2:
        raise FrontendError(f"{where}: bilinear demosaic needs at least 2x2 pixels, got {w}x{h}")
    p = np.pad(m, 1, mode="reflect")  # pixel -1 = pixel 1: keeps the CFA phase
    c = p[1:-1, 1:-1]
    horiz = p[1:-1, :-2] + p[1:-1, 2:]
    vert = p[:-2, 1:-1] + p[2:, 1:-1]
    diag = p[:-2, :-2] + p[:-2, 2:] + p[2:, :-2] + p[2:, 2:]
    idx = tile_cell(cell, h, w)
    # whether a pixel's row holds samples of colour col (R or B)
    row_has = {col: tile_cell(np.array([[col in cell[0]] * 2, [col in cell[1]] * 2], dtype=np.int64), h, w)
               for col in (0, 2)}
    cross = rq(horiz + vert, fx + 2, qa, "frontend.avg", run)
    diag4 = rq(diag, fx + 2, qa, "frontend.avg", run)
    h2 = rq(horiz, fx + 1, qa, "frontend.avg", run)
    v2 = rq(vert, fx + 1, qa, "frontend.avg", run)
    out = np.empty((3, h, w), dtype=np.int64)
    # green: own sample at G sites, the 4-neighbour mean elsewhere
    out[1] = np.where(idx == 1, c, cross)
    for col in (0, 2):
        # at sites of this colour: own; at the other chroma: diagonal mean; at G sites: the
        # horizontal pair if this colour shares the row, else the vertical pair
        at_g = np.where(row_has[col] == 1, h2, v2)
        out[col] = np.where(idx == col, c, np.where(idx == 1, at_g, diag4))
    return out


def frontend(raw: RawImage, cfg: QuantConfig, method: str = "bilinear", run: RunContext | None = None) -> np.ndarray:
    """RAW -> (3, H', W') int64 raw values of ``frontend.x``."""
    where = raw.source or "raw image"
    return demosaic(normalize(raw, cfg, run), raw.cfa, method, cfg, run, where)
