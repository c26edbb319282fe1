"""The float golden reference of TA-ISP (design note sections 1 and 3).

- :mod:`golden.taisp.model`: :class:`TAISP`, the published 3,297-parameter module (stages in
  :mod:`golden.taisp.glc`, :mod:`golden.taisp.hsa`, :mod:`golden.taisp.rgfc`);
- :mod:`golden.taisp.checkpoint`: loading published and whole-detector checkpoints;
- :mod:`golden.raw`: RAW ingestion (rawpy and headerless dumps); :mod:`golden.dng`: DNG writing;
- :mod:`golden.frontend`: black/white level and the ``bin2``/``bilinear`` demosaics;
- :mod:`golden.scene`: the built-in synthetic RAW scene.
"""
from .taisp.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .frontend import FrontendError, frontend, frontend_torch
from .taisp.model import PUBLISHED_SHAPES, TAISP
from .raw import RawFormatError, RawImage, read_raw
from .scene import synthetic_raw

__all__ = [
    "CheckpointError",
    "FrontendError",
    "PUBLISHED_SHAPES",
    "RawFormatError",
    "RawImage",
    "TAISP",
    "frontend",
    "frontend_torch",
    "load_checkpoint",
    "read_raw",
    "save_checkpoint",
    "synthetic_raw",
]
