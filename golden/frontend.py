"""The RAW front end: black level, white level and demosaic to linear RGB in [0, 1].

Design note section 3. Two demosaics:

* ``bin2``: half resolution, one RGB pixel per 2x2 CFA cell: R, the mean of the two greens, B.
  Needs an even width and height.
* ``bilinear``: full resolution, 3x3 bilinear interpolation. Missing samples are the mean of
  the 2 or 4 nearest samples of that colour (kernels ``[[1,2,1],[2,4,2],[1,2,1]]/4`` for R and
  B, ``[[0,1,0],[1,4,1],[0,1,0]]/4`` for G). At the frame border the mosaic is mirrored
  without repeating the edge (pixel -1 = pixel 1), which keeps the CFA phase, so a flat
  field stays flat up to the border.

The demosaics are torch ops (differentiable, batched, (B, 1, H, W) -> (B, 3, H', W')); the
NumPy entry points call them. Normalisation: ``v = clip((DN - black[pos]) / (white - black[pos]), 0, 1)``
with the black level of the pixel's 2x2 CFA position.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F

from .cfa import CFAError, cell_colours, check_pattern, colour_masks
from .raw import RawImage

Demosaic = Literal["bin2", "bilinear"]
DEMOSAICS: tuple[str, ...] = ("bin2", "bilinear")


class FrontendError(ValueError):
    """Input the front end cannot process (odd size for bin2, unknown demosaic, bad shape)."""


def _check_mosaic_tensor(m: torch.Tensor, where: str) -> None:
    if not isinstance(m, torch.Tensor) or m.ndim != 4 or m.shape[1] != 1:
        raise FrontendError(f"{where}: mosaic tensor must have shape (B, 1, H, W), got {tuple(getattr(m, 'shape', ()))}")
    if not m.is_floating_point():
        raise FrontendError(f"{where}: mosaic tensor must be floating point (normalised to [0, 1]), got {m.dtype}")


def bin2_torch(mosaic: torch.Tensor, cfa: str, where: str = "bin2") -> torch.Tensor:
    """Half-resolution demosaic: (B, 1, H, W) -> (B, 3, H/2, W/2); R, mean of the greens, B per 2x2 cell."""
    _check_mosaic_tensor(mosaic, where)
    h, w = mosaic.shape[-2:]
    if h % 2 or w % 2:
        raise FrontendError(f"{where}: bin2 demosaic needs an even width and height, got {w}x{h}")
    cell = cell_colours(cfa).reshape(-1)
    planes = F.pixel_unshuffle(mosaic, 2)  # (B, 4, H/2, W/2), channels = cell positions row-major
    pos = {c: [i for i in range(4) if cell[i] == c] for c in range(3)}
    r = planes[:, pos[0][0]]
    g = 0.5 * (planes[:, pos[1][0]] + planes[:, pos[1][1]])
    b = planes[:, pos[2][0]]
    return torch.stack([r, g, b], dim=1)


_K_RB = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]) / 4.0
_K_G = torch.tensor([[0.0, 1.0, 0.0], [1.0, 4.0, 1.0], [0.0, 1.0, 0.0]]) / 4.0


def bilinear_torch(mosaic: torch.Tensor, cfa: str, where: str = "bilinear") -> torch.Tensor:
    """Full-resolution 3x3 bilinear demosaic: (B, 1, H, W) -> (B, 3, H, W), mirrored borders."""
    _check_mosaic_tensor(mosaic, where)
    h, w = mosaic.shape[-2:]
    if h < 2 or w < 2:
        raise FrontendError(f"{where}: bilinear demosaic needs at least 2x2 pixels, got {w}x{h}")
    masks = torch.from_numpy(colour_masks(cfa, h, w)).to(mosaic)
    sparse = mosaic * masks.unsqueeze(0)  # (B, 3, H, W): each colour's samples, zeros elsewhere
    padded = F.pad(sparse, (1, 1, 1, 1), mode="reflect")
    kernel = torch.stack([_K_RB, _K_G, _K_RB]).unsqueeze(1).to(mosaic)  # (3, 1, 3, 3)
    return F.conv2d(padded, kernel, groups=3)


def demosaic_torch(mosaic: torch.Tensor, cfa: str, method: str = "bilinear", where: str = "demosaic") -> torch.Tensor:
    """Demosaic a normalised mosaic tensor (B, 1, H, W) with ``method`` (``bin2`` or ``bilinear``)."""
    try:
        cfa = check_pattern(cfa)
    except CFAError as exc:
        raise FrontendError(f"{where}: {exc}") from None
    if method == "bin2":
        return bin2_torch(mosaic, cfa, where)
    if method == "bilinear":
        return bilinear_torch(mosaic, cfa, where)
    raise FrontendError(f"{where}: unknown demosaic {method!r}; choose one of {', '.join(DEMOSAICS)}")


def normalize(raw: RawImage, dtype: np.dtype | type = np.float32) -> np.ndarray:
    """Black-level subtraction and white-level scaling: (H, W) DN -> (H, W) in [0, 1] of ``dtype``."""
    black = raw.black_map()
    scale = float(raw.white) - black
    v = (raw.mosaic.astype(np.float64) - black) / scale
    return np.clip(v, 0.0, 1.0).astype(dtype)


def frontend(raw: RawImage, demosaic: str = "bilinear", dtype: np.dtype | type = np.float32) -> np.ndarray:
    """RAW to linear RGB: returns (3, H', W') in [0, 1]; H' = H/2 for ``bin2``, H for ``bilinear``."""
    where = raw.source or "raw image"
    if demosaic not in DEMOSAICS:
        raise FrontendError(f"{where}: unknown demosaic {demosaic!r}; choose one of {', '.join(DEMOSAICS)}")
    if demosaic == "bin2" and (raw.height % 2 or raw.width % 2):
        raise FrontendError(f"{where}: bin2 demosaic needs an even width and height, got {raw.width}x{raw.height}")
    m = torch.from_numpy(normalize(raw, np.float64))[None, None]
    with torch.no_grad():
        rgb = demosaic_torch(m, raw.cfa, demosaic, where)[0]
    return np.clip(rgb.numpy(), 0.0, 1.0).astype(dtype)


def frontend_torch(raw: RawImage, demosaic: str = "bilinear", dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """RAW to a model input tensor (1, 3, H', W') in [0, 1]."""
    return torch.from_numpy(frontend(raw, demosaic, np.float64)).to(dtype).unsqueeze(0)


__all__ = [
    "DEMOSAICS",
    "FrontendError",
    "bilinear_torch",
    "bin2_torch",
    "demosaic_torch",
    "frontend",
    "frontend_torch",
    "normalize",
]
