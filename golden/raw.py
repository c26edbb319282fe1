"""Camera RAW ingestion: rawpy (DNG and the makers' formats) and headerless ``.raw`` dumps.

Every reader returns a :class:`RawImage`: the Bayer mosaic as digital numbers (DN) plus the
metadata the front end needs (pattern, per-CFA-position black level, white level) and what
a report wants to show (camera, white-balance gains, bit depth, source path).

Errors are :class:`RawFormatError` (a ``ValueError``) whose message names the file and what
is wrong with it: unreadable or truncated files, non-Bayer sensors (X-Trans, CMYG, Foveon,
linear DNG), size mismatches, values beyond the declared bit depth, impossible levels.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .cfa import BAYER_PATTERNS, CFAError, check_pattern, pattern_from_colour_indices, tile_cell

#: File name suffixes read as headerless dumps (everything else goes to rawpy/LibRaw).
HEADERLESS_SUFFIXES = (".raw", ".bin")

_DTYPES = {
    "<u2": np.dtype("<u2"), "u2": np.dtype("<u2"), "uint16": np.dtype("<u2"), "le16": np.dtype("<u2"),
    ">u2": np.dtype(">u2"), "be16": np.dtype(">u2"),
    "u1": np.dtype("u1"), "uint8": np.dtype("u1"), "|u1": np.dtype("u1"),
}
#: Names of the sample types of headerless dumps (``dtype`` of :func:`read_headerless`).
SAMPLE_TYPES = tuple(_DTYPES)


class RawFormatError(ValueError):
    """A RAW file that cannot be read as a Bayer mosaic; the message names the file and the problem."""


@dataclass
class RawImage:
    """A Bayer mosaic and its metadata.

    Attributes:
        mosaic: (H, W) uint16 array of digital numbers, row-major, as the sensor delivered them.
        cfa: Bayer pattern name, one of ``RGGB``, ``BGGR``, ``GRBG``, ``GBRG``.
        black: black level in DN for each position of the 2x2 CFA cell, row-major
            (``black[0]`` for (0,0), ``[1]`` for (0,1), ``[2]`` for (1,0), ``[3]`` for (1,1)).
        white: white (saturation) level in DN.
        bits: bit depth of the digital numbers (8..16).
        source: path of the file, or a description such as ``synthetic:...``.
        camera: camera make and model where known.
        wb_gains: as-shot white-balance multipliers (R, G, B) normalised to G = 1, where known.
            Impossible values in a file's metadata (negative, zero or non-finite gains; LibRaw
            reports a negative one for some Canon CRW files) become None, with a warning: the
            front end does not use them (GLC learns per-channel gains), so they are no reason
            to reject the file, but they are never passed on.
        extra: anything else worth keeping (reader, LibRaw colour description, ...).
        warnings: what :func:`validate` found wrong but not fatal in the metadata (one line each).
    """

    mosaic: np.ndarray
    cfa: str
    black: tuple[float, float, float, float]
    white: float
    bits: int
    source: str = ""
    camera: str | None = None
    wb_gains: tuple[float, float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def height(self) -> int:
        return int(self.mosaic.shape[0])

    @property
    def width(self) -> int:
        return int(self.mosaic.shape[1])

    def black_map(self) -> np.ndarray:
        """Black level of every pixel, shape (H, W), float64, in DN."""
        return tile_cell(np.asarray(self.black, dtype=np.float64), self.height, self.width)

    def metadata(self) -> dict[str, Any]:
        """The metadata as a JSON-friendly dict (no pixel data)."""
        return {
            "source": self.source,
            "camera": self.camera,
            "width": self.width,
            "height": self.height,
            "bits": self.bits,
            "cfa": self.cfa,
            "black": [float(b) for b in self.black],
            "white": float(self.white),
            "wb_gains_rgb": None if self.wb_gains is None else [float(g) for g in self.wb_gains],
            "warnings": list(self.warnings),
            **{k: v for k, v in self.extra.items() if isinstance(v, (str, int, float, bool, type(None)))},
        }


def _black_cell(black: float | Sequence[float], where: str) -> tuple[float, float, float, float]:
    arr = np.asarray(black, dtype=np.float64).reshape(-1)
    if arr.size == 1:
        arr = np.repeat(arr, 4)
    if arr.size != 4:
        raise RawFormatError(f"{where}: black level must be one value or four (one per 2x2 CFA position), got {arr.size}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise RawFormatError(f"{where}: black level must be finite and >= 0, got {arr.tolist()}")
    return tuple(float(v) for v in arr)  # type: ignore[return-value]


def _check_wb(img: RawImage) -> None:
    """White-balance gains: normalised to G = 1 when possible; impossible ones become None plus a warning."""
    if img.wb_gains is None:
        return
    try:
        g = [float(v) for v in img.wb_gains]
    except (TypeError, ValueError):
        g = []
    problem = None
    if len(g) != 3:
        problem = f"white-balance gains {list(img.wb_gains)!r} are not three numbers (R, G, B)"
    elif all(v == 0 for v in g):  # LibRaw's and DNG's way of saying "not recorded"
        img.wb_gains = None
        return
    elif not all(np.isfinite(g)):
        problem = f"white-balance gains {g} are not finite"
    elif min(g) <= 0:
        problem = f"white-balance gains {g} are impossible (a gain must be > 0)"
    if problem is not None:
        img.warnings.append(f"{problem}; ignored (not used by the front end)")
        img.wb_gains = None
        return
    img.wb_gains = (g[0] / g[1], 1.0, g[2] / g[1])


def validate(img: RawImage) -> RawImage:
    """Check a :class:`RawImage` for consistency; raise :class:`RawFormatError` naming the source if not.

    Metadata the front end does not need but that is impossible (white-balance gains) is set to
    None with a line in ``img.warnings`` instead."""
    where = img.source or "raw image"
    try:
        img.cfa = check_pattern(img.cfa)
    except CFAError as exc:
        raise RawFormatError(f"{where}: {exc}") from None
    m = img.mosaic
    if not isinstance(m, np.ndarray) or m.ndim != 2:
        raise RawFormatError(f"{where}: mosaic must be a 2-D array, got shape {getattr(m, 'shape', None)}")
    if m.shape[0] < 2 or m.shape[1] < 2:
        raise RawFormatError(f"{where}: mosaic {m.shape[1]}x{m.shape[0]} is smaller than one 2x2 CFA cell")
    if not np.issubdtype(m.dtype, np.unsignedinteger):
        raise RawFormatError(f"{where}: mosaic must hold unsigned integers (DN), got {m.dtype}")
    if not (isinstance(img.bits, (int, np.integer)) and 8 <= int(img.bits) <= 16):
        raise RawFormatError(f"{where}: bit depth must be an integer from 8 to 16, got {img.bits!r}")
    img.black = _black_cell(img.black, where)
    top = (1 << int(img.bits)) - 1
    if not (np.isfinite(img.white) and 0 < img.white <= top):
        raise RawFormatError(f"{where}: white level {img.white} is outside 1..{top} for {img.bits}-bit data")
    if max(img.black) >= img.white:
        raise RawFormatError(f"{where}: black level {max(img.black)} is not below the white level {img.white}")
    peak = int(m.max())
    if peak > top:
        raise RawFormatError(
            f"{where}: values up to {peak} exceed the declared {img.bits}-bit depth (max {top}); "
            "wrong bit depth or byte order?"
        )
    _check_wb(img)
    return img


def read_headerless(
    path: str | os.PathLike,
    width: int,
    height: int,
    cfa: str,
    bits: int,
    black: float | Sequence[float] = 0,
    white: float | None = None,
    dtype: str = "<u2",
    camera: str | None = None,
    wb_gains: Sequence[float] | None = None,
) -> RawImage:
    """Read a headerless row-major RAW dump (no header, no padding).

    Args:
        path: the file.
        width, height: mosaic size in pixels.
        cfa: Bayer pattern of the top-left 2x2 cell.
        bits: bit depth of the samples (8..16).
        black: black level in DN, one value or four (2x2 cell positions, row-major).
        white: white level in DN; default ``2**bits - 1``.
        dtype: sample type: ``<u2`` (little-endian 16-bit, default), ``>u2`` or ``u1``.
        camera: optional camera name to keep.
        wb_gains: optional white-balance gains, (R, G, B) or (R, G, G, B); normalised to G = 1.
    """
    p = Path(path)
    where = str(p)
    try:
        dt = _DTYPES[str(dtype).lower()]
    except KeyError:
        raise RawFormatError(f"{where}: unsupported sample type {dtype!r} (use one of {sorted(set(_DTYPES))})") from None
    for name, v in (("width", width), ("height", height)):
        if not isinstance(v, (int, np.integer)) or v <= 0:
            raise RawFormatError(f"{where}: {name} must be a positive integer, got {v!r}")
    if not isinstance(bits, (int, np.integer)) or not 8 <= bits <= 8 * dt.itemsize:
        raise RawFormatError(f"{where}: bit depth {bits!r} does not fit {dt.itemsize * 8}-bit samples (8..{8 * dt.itemsize})")
    if not p.is_file():
        raise RawFormatError(f"{where}: no such file")
    expected = int(width) * int(height) * dt.itemsize
    actual = p.stat().st_size
    if actual < expected:
        raise RawFormatError(
            f"{where}: truncated: {actual} bytes, but {width}x{height} samples of {dt.itemsize} byte(s) need {expected}"
        )
    if actual > expected:
        raise RawFormatError(
            f"{where}: size mismatch: {actual} bytes, but {width}x{height} samples of {dt.itemsize} byte(s) are {expected}; "
            "wrong width/height/sample type, or a file with a header?"
        )
    mosaic = np.fromfile(p, dtype=dt).reshape(int(height), int(width)).astype(np.uint16)
    img = RawImage(
        mosaic=mosaic,
        cfa=cfa,
        black=_black_cell(black, where),
        white=float((1 << int(bits)) - 1 if white is None else white),
        bits=int(bits),
        source=where,
        camera=camera,
        wb_gains=_rgb_wb(wb_gains),
        extra={"reader": "headerless", "dtype": dt.str},
    )
    return validate(img)


def _rgb_wb(gains: Sequence[float] | None) -> tuple | None:
    """(R, G, B) from (R, G, B) or (R, G, G, B) in the 2x2 cell order of an RGGB sensor; :func:`validate`
    checks and normalises them."""
    if gains is None:
        return None
    g = tuple(gains)
    return (g[0], g[1], g[3]) if len(g) == 4 else g


def _tiff_camera(path: Path) -> str | None:
    """Camera make/model from TIFF-based RAW files (DNG, NEF, CR2, ARW, ...), best effort."""
    try:
        import tifffile

        with tifffile.TiffFile(path) as tf:
            tags = tf.pages[0].tags
            make = tags.get(271)
            model = tags.get(272)
            unique = tags.get(50708)
            parts = [str(t.value).strip() for t in (make, model) if t is not None and str(t.value).strip()]
            if parts:
                name = " ".join(parts)
                return name if len(parts) < 2 or not parts[1].startswith(parts[0]) else parts[1]
            if unique is not None:
                return str(unique.value).strip() or None
    except Exception:  # not TIFF-based, or unreadable tags: the camera name is optional
        return None
    return None


def read_rawpy(path: str | os.PathLike) -> RawImage:
    """Read a camera RAW file (DNG, CR2, NEF, ARW, ...) with rawpy/LibRaw.

    The visible area of the sensor is returned; the pattern is taken from the visible
    area's own top-left cell, so crop margins of odd size are handled.
    """
    import rawpy

    p = Path(path)
    where = str(p)
    if not p.is_file():
        raise RawFormatError(f"{where}: no such file")
    try:
        with rawpy.imread(str(p)) as rp:
            if rp.raw_type != rawpy.RawType.Flat:
                raise RawFormatError(
                    f"{where}: not a colour-filter-array mosaic (LibRaw raw type {rp.raw_type.name}: "
                    "a linear/demosaiced DNG or a Foveon sensor); only Bayer RAW is supported"
                )
            pattern = np.asarray(rp.raw_pattern)
            desc = rp.color_desc.decode("ascii", "replace")
            if pattern.shape != (2, 2):
                kind = "X-Trans" if pattern.shape == (6, 6) else f"{pattern.shape[0]}x{pattern.shape[1]}"
                raise RawFormatError(f"{where}: unsupported CFA: {kind} colour filter array; only 2x2 Bayer patterns are supported")
            mosaic = np.array(rp.raw_image_visible, dtype=np.uint16, copy=True)
            cell = np.asarray(rp.raw_colors_visible[:2, :2])
            try:
                cfa = pattern_from_colour_indices(cell, desc)
            except CFAError as exc:
                raise RawFormatError(f"{where}: unsupported CFA: {exc}") from None
            blpc = list(rp.black_level_per_channel)
            black = tuple(float(blpc[int(c)]) for c in cell.reshape(-1))
            white = float(rp.white_level)
            wb = list(rp.camera_whitebalance)
            sizes = rp.sizes
    except RawFormatError:
        raise
    except (rawpy.LibRawFileUnsupportedError, rawpy.NotSupportedError) as exc:
        raise RawFormatError(f"{where}: not a RAW file LibRaw can read ({type(exc).__name__}: {exc})") from None
    except (rawpy.LibRawIOError, rawpy.LibRawDataError, rawpy.LibRawError) as exc:
        raise RawFormatError(f"{where}: unreadable or truncated RAW file ({type(exc).__name__}: {exc})") from None
    except (OSError, ValueError) as exc:
        raise RawFormatError(f"{where}: cannot read RAW file ({type(exc).__name__}: {exc})") from None
    bits = max(8, int(max(white, float(mosaic.max()))).bit_length())
    img = RawImage(
        mosaic=mosaic,
        cfa=cfa,
        black=black,  # type: ignore[arg-type]
        white=white,
        bits=bits,
        source=where,
        camera=_tiff_camera(p),
        wb_gains=(wb[0], wb[1], wb[2]) if len(wb) >= 3 else None,  # LibRaw: R, G, B, G2
        extra={"reader": "rawpy", "color_desc": desc, "crop": f"{sizes.crop_width}x{sizes.crop_height}+{sizes.crop_left_margin}+{sizes.crop_top_margin}"},
    )
    return validate(img)


def manifest_entry(path: str | os.PathLike) -> dict[str, Any] | None:
    """The entry for ``path`` in a ``MANIFEST.json`` beside it (the format of ``shared/data/raw``), or None."""
    p = Path(path)
    man = p.parent / "MANIFEST.json"
    if not man.is_file():
        return None
    try:
        data = json.loads(man.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise RawFormatError(f"{man}: unreadable manifest ({exc})") from None
    for entry in data.get("files", []):
        if entry.get("file") == p.name:
            return entry
    return None


def read_raw(path: str | os.PathLike, **headerless: Any) -> RawImage:
    """Read any supported RAW file.

    Headerless dumps (``.raw``/``.bin``, or any file when ``width`` is given) take their
    geometry and levels from the keyword arguments of :func:`read_headerless`; where a
    ``MANIFEST.json`` beside the file describes it, missing fields are taken from there.
    Everything else is read with rawpy.
    """
    p = Path(path)
    if not p.is_file():
        raise RawFormatError(f"{p}: no such file")
    if headerless.get("width") is None and p.suffix.lower() not in HEADERLESS_SUFFIXES:
        unknown = {k for k, v in headerless.items() if v is not None}
        if unknown:
            raise RawFormatError(f"{p}: {sorted(unknown)} apply only to headerless dumps; this file is read with rawpy")
        return read_rawpy(p)
    args = {k: v for k, v in headerless.items() if v is not None}
    entry = manifest_entry(p)
    if entry is not None:
        for key in ("width", "height", "cfa", "bits", "black", "white", "dtype", "camera"):
            if key in entry and key not in args:
                args[key] = entry[key]
        if "wb_gains" not in args and "wb_gains_rggb" in entry:
            args["wb_gains"] = entry["wb_gains_rggb"]
    missing = [k for k in ("width", "height", "cfa", "bits") if k not in args]
    if missing:
        raise RawFormatError(
            f"{p}: a headerless RAW dump needs {', '.join(missing)} (and black/white levels) from the caller; "
            f"no MANIFEST.json entry describes it"
        )
    return read_headerless(p, **args)


__all__ = [
    "BAYER_PATTERNS",
    "HEADERLESS_SUFFIXES",
    "RawFormatError",
    "RawImage",
    "SAMPLE_TYPES",
    "manifest_entry",
    "read_headerless",
    "read_raw",
    "read_rawpy",
    "validate",
]
