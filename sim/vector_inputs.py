"""Input frames of a vector set: RAW files or the built-in scene, through the fixed-point front
end (the path ``taisp report`` uses: :func:`golden.raw.read_raw`, then
:func:`fixedpoint.frontend.frontend`), then a centred crop so that vector sets stay small.

* A RAW file gives ``frames`` identical frames (one still, repeated: in ``previous`` mode the
  output converges to the frame's own result from the 4th frame on).
* The built-in scene gives ``frames`` different frames: exposure cycling through
  :data:`SCENE_EXPOSURES`, the sensor noise seeded per frame. It is rendered at the size whose
  front-end output is the crop (the whole scene in the frame), or at ``scene_size``.
* Several inputs are concatenated in the order given (input 1's frames, then input 2's ...) and
  stream as one sequence: the statistics carry over from one input to the next, as they would
  in the block.

Every frame is an :class:`InputFrame`: (3, H, W) int64 raw ``frontend.x`` values (R, G, B) and
a JSON description of where it came from (written into the manifest).
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from fixedpoint.config import QuantConfig
from fixedpoint.frontend import frontend as fixed_frontend
from golden.raw import read_raw
from golden.scene import EXPOSURES, synthetic_raw

#: Exposure presets (names of :data:`golden.scene.EXPOSURES`) cycled through by the scene's frames.
SCENE_EXPOSURES: tuple[str, ...] = ("normal", "dark", "bright")
#: Default crop of the front end's output (width, height).
DEFAULT_CROP: tuple[int, int] = (64, 48)
#: Frame size limits of ``taisp_core`` (12-bit size counters; at least 2 pixels wide).
MAX_SIZE = 4095


@dataclass
class BayerFrame:
    """One Bayer input frame of a camera vector set (``taisp vectors --top camera``): the sensor
    samples ``mosaic`` (H, W) int64 DN, the front-end settings the camera's registers hold for it
    (Bayer pattern, demosaic, black level in DN and raw ``frontend.gain`` per 2x2 position,
    row-major) and where it came from."""

    mosaic: np.ndarray
    cfa: str
    demosaic: str
    black: list[int]
    gain: list[int]
    source: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> tuple:
        return (self.cfa, self.demosaic, tuple(self.black), tuple(self.gain))


@dataclass
class InputFrame:
    """One input frame: ``x`` is (3, H, W) int64 raw ``frontend.x`` (R, G, B); ``source`` says
    where it came from (JSON-friendly)."""

    x: np.ndarray
    source: dict[str, Any] = field(default_factory=dict)


def file_sha256(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def centre_crop(x: np.ndarray, crop: tuple[int, int] | None, where: str = "input") -> tuple[np.ndarray, dict[str, int]]:
    """The centred (width, height) crop of a (C, H, W) array (None: the whole frame), and the
    crop's place in it: ``{x0, y0, width, height, from_width, from_height}`` in pixels."""
    _, h, w = x.shape
    cw, ch = (w, h) if crop is None else crop
    if cw > w or ch > h:
        raise ValueError(f"{where}: crop {cw}x{ch} is larger than the front end's {w}x{h} output")
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    return x[:, y0:y0 + ch, x0:x0 + cw], {"x0": x0, "y0": y0, "width": cw, "height": ch, "from_width": w, "from_height": h}


def check_size(width: int, height: int, where: str = "vector set") -> None:
    """The block's frame size limits: 2..4095 pixels wide, 1..4095 lines."""
    if not (2 <= width <= MAX_SIZE and 1 <= height <= MAX_SIZE):
        raise ValueError(f"{where}: frame size {width}x{height} is outside what taisp_core takes "
                         f"(width 2..{MAX_SIZE}, height 1..{MAX_SIZE}); use --crop")


def raw_frames(path: str | os.PathLike, frames: int, cfg: QuantConfig, crop: tuple[int, int] | None = DEFAULT_CROP,
               demosaic: str = "bilinear", headerless: dict[str, Any] | None = None) -> list[InputFrame]:
    """``frames`` copies of one RAW file's fixed-point front-end output, centre-cropped."""
    if frames < 1:
        raise ValueError(f"frames must be at least 1, got {frames}")
    p = Path(path)
    raw = read_raw(p, **(headerless or {}))
    x, place = centre_crop(fixed_frontend(raw, cfg, demosaic), crop, str(p))
    src = {"kind": "raw", "file": p.name, "sha256": file_sha256(p), "camera": raw.camera, "cfa": raw.cfa,
           "bits": raw.bits, "black": [float(b) for b in raw.black], "white": float(raw.white),
           "demosaic": demosaic, "crop": place}
    return [InputFrame(np.ascontiguousarray(x), {**src, "repeat": k}) for k in range(frames)]


def scene_frames(frames: int, cfg: QuantConfig, crop: tuple[int, int] | None = DEFAULT_CROP, demosaic: str = "bilinear",
                 cfa: str = "RGGB", seed: int = 0, scene_size: tuple[int, int] | None = None,
                 exposures: Sequence[str] = SCENE_EXPOSURES) -> list[InputFrame]:
    """``frames`` frames of the built-in scene: exposure ``exposures[k % len]`` and seed
    ``seed + k`` for frame k, front end, centred crop. Rendered at ``scene_size`` (default:
    the crop, twice as large for ``bin2``, so that the whole scene is in the frame)."""
    if frames < 1:
        raise ValueError(f"frames must be at least 1, got {frames}")
    if scene_size is None:
        cw, ch = crop or (1920 // 2, 1080 // 2)
        scene_size = (2 * cw, 2 * ch) if demosaic == "bin2" else (cw, ch)
    sw, sh = scene_size
    out = []
    for k in range(frames):
        exp = exposures[k % len(exposures)]
        if exp not in EXPOSURES:
            raise ValueError(f"unknown scene exposure {exp!r} (known: {', '.join(EXPOSURES)})")
        raw = synthetic_raw(height=sh, width=sw, cfa=cfa, exposure=exp, seed=seed + k)
        x, place = centre_crop(fixed_frontend(raw, cfg, demosaic), crop, raw.source)
        out.append(InputFrame(np.ascontiguousarray(x), {
            "kind": "scene", "file": None, "scene": raw.source, "cfa": raw.cfa, "bits": raw.bits,
            "exposure": exp, "seed": seed + k, "demosaic": demosaic, "crop": place}))
    return out


def bayer_crop(mosaic: np.ndarray, crop: tuple[int, int] | None, where: str = "input"
               ) -> tuple[np.ndarray, dict[str, int]]:
    """The centred (width, height) crop of a Bayer mosaic at even offsets (the CFA phase kept)."""
    h, w = mosaic.shape
    cw, ch = (w, h) if crop is None else crop
    if cw > w or ch > h:
        raise ValueError(f"{where}: crop {cw}x{ch} is larger than the {w}x{h} Bayer frame")
    x0, y0 = ((w - cw) // 2) & ~1, ((h - ch) // 2) & ~1
    return (np.ascontiguousarray(mosaic[y0:y0 + ch, x0:x0 + cw]).astype(np.int64),
            {"x0": x0, "y0": y0, "width": cw, "height": ch, "from_width": w, "from_height": h})


def check_bayer_size(width: int, height: int, demosaic: str, where: str = "vector set") -> None:
    """A Bayer frame size the camera takes: the core's limits on what the front end delivers,
    and even sizes for ``bin2``."""
    if demosaic == "bin2":
        if width % 2 or height % 2:
            raise ValueError(f"{where}: bin2 needs an even Bayer size, got {width}x{height}")
        check_size(width // 2, height // 2, f"{where} (bin2 output)")
    else:
        check_size(width, height, where)


def check_bayer_set(frames: Sequence[BayerFrame]) -> tuple[int, int, str]:
    """The Bayer size and demosaic of a camera set's frames: at least one, one demosaic, one
    size (ValueError naming the frame otherwise)."""
    if not frames:
        raise ValueError("a vector set needs at least one frame")
    h, w = frames[0].mosaic.shape
    dms = {f.demosaic for f in frames}
    if len(dms) != 1:
        raise ValueError(f"one demosaic per camera set, got {sorted(dms)}")
    for k, f in enumerate(frames):
        if f.mosaic.shape != (h, w):
            raise ValueError(f"frame {k}: Bayer size {f.mosaic.shape[1]}x{f.mosaic.shape[0]}, the set's is {w}x{h}")
    return w, h, frames[0].demosaic


def bayer_inputs(frames: Sequence[BayerFrame], cfg: QuantConfig) -> list[InputFrame]:
    """What a camera's front end delivers for each Bayer frame with its settings (the registers'):
    :func:`fixedpoint.frontend.normalize_mosaic`, then :func:`fixedpoint.frontend.demosaic`."""
    from fixedpoint.frontend import demosaic, normalize_mosaic

    return [InputFrame(demosaic(normalize_mosaic(f.mosaic, f.black, f.gain, cfg), f.cfa, f.demosaic, cfg).astype(np.int64),
                       f.source) for f in frames]


def _raw_gains(raw, cfg: QuantConfig) -> list[int]:
    from fixedpoint.frontend import gains

    return [int(g) for g in gains(raw, cfg)]


def raw_bayer_frames(path: str | os.PathLike, frames: int, cfg: QuantConfig,
                     crop: tuple[int, int] | None = DEFAULT_CROP, demosaic: str = "bilinear",
                     headerless: dict[str, Any] | None = None) -> list[BayerFrame]:
    """``frames`` copies of one RAW file's Bayer samples, centre-cropped (``crop``: the Bayer size)."""
    if frames < 1:
        raise ValueError(f"frames must be at least 1, got {frames}")
    p = Path(path)
    raw = read_raw(p, **(headerless or {}))
    m, place = bayer_crop(raw.mosaic, crop, str(p))
    check_bayer_size(place["width"], place["height"], demosaic, str(p))
    black = [int(round(b)) for b in raw.black]
    src = {"kind": "raw", "file": p.name, "sha256": file_sha256(p), "camera": raw.camera, "cfa": raw.cfa,
           "bits": raw.bits, "black": [float(b) for b in raw.black], "white": float(raw.white),
           "demosaic": demosaic, "crop": place, "bayer_crop": True}
    gain = _raw_gains(raw, cfg)
    return [BayerFrame(m, raw.cfa, demosaic, black, gain, {**src, "repeat": k}) for k in range(frames)]


def scene_bayer_frames(frames: int, cfg: QuantConfig, crop: tuple[int, int] = DEFAULT_CROP,
                       demosaic: str = "bilinear", cfa: str = "RGGB", seed: int = 0,
                       exposures: Sequence[str] = SCENE_EXPOSURES) -> list[BayerFrame]:
    """``frames`` Bayer frames of the built-in scene (synthetic mosaic) at the Bayer size ``crop``:
    exposure ``exposures[k % len]``, seed ``seed + k``."""
    if frames < 1:
        raise ValueError(f"frames must be at least 1, got {frames}")
    cw, ch = crop
    check_bayer_size(cw, ch, demosaic, "scene")
    out = []
    for k in range(frames):
        exp = exposures[k % len(exposures)]
        raw = synthetic_raw(height=ch, width=cw, cfa=cfa, exposure=exp, seed=seed + k)
        out.append(BayerFrame(np.asarray(raw.mosaic, dtype=np.int64), raw.cfa, demosaic,
                              [int(round(b)) for b in raw.black], _raw_gains(raw, cfg), {
                                  "kind": "scene", "file": None, "scene": raw.source, "cfa": raw.cfa, "bits": raw.bits,
                                  "exposure": exp, "seed": seed + k, "demosaic": demosaic,
                                  "crop": {"x0": 0, "y0": 0, "width": cw, "height": ch, "from_width": cw,
                                           "from_height": ch}, "bayer_crop": True}))
    return out


__all__ = [
    "BayerFrame",
    "bayer_crop",
    "bayer_inputs",
    "check_bayer_set",
    "check_bayer_size",
    "raw_bayer_frames",
    "scene_bayer_frames",
    "DEFAULT_CROP",
    "SCENE_EXPOSURES",
    "InputFrame",
    "centre_crop",
    "check_size",
    "file_sha256",
    "raw_frames",
    "scene_frames",
]
