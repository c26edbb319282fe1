"""The file formats of a vector set (see :mod:`sim.taisp.vectors`): stream beats ``{eol, sof, tdata}``
with UG934 packing, ``$readmemh`` hex files and little-endian binary records."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fixedpoint.config import QuantConfig

from .ug934 import pack_ug934

SCHEMA_NAME = "taisp-vectors"
#: Version of the vector-set layout; a reader refuses sets with a newer version. 2: the ``top``
#: (``core`` or ``camera``: Bayer samples in, front-end registers, per-frame register writes);
#: a set without ``top`` (version 1) is a core set.
SCHEMA_VERSION = 2


class VectorSetError(Exception):
    """A vector set that cannot be used: missing or corrupted files, a bad or newer schema."""


# ---------------------------------------------------------------------------- formats
@dataclass(frozen=True)
class StreamFormat:
    """One AXI4-Stream direction: ``comp_bits`` per component, three components packed UG934
    (G in the low bits, then B, then R), ``tdata_bits`` padded to whole bytes; SOF and EOL
    flags above tdata in the hex/bin value."""

    comp_bits: int

    @property
    def tdata_bits(self) -> int:
        return (3 * self.comp_bits + 7) // 8 * 8

    @property
    def sof_bit(self) -> int:
        return self.tdata_bits

    @property
    def eol_bit(self) -> int:
        return self.tdata_bits + 1

    @property
    def hex_digits(self) -> int:
        return (self.tdata_bits + 2 + 3) // 4

    @property
    def record_bytes(self) -> int:
        return self.tdata_bits // 8 + 1

    def describe(self, entry: str) -> dict[str, Any]:
        return {"component_entry": entry, "component_bits": self.comp_bits, "tdata_bits": self.tdata_bits,
                "components_lsb_first": ["G", "B", "R"],
                "fields": {"G": [0, self.comp_bits - 1], "B": [self.comp_bits, 2 * self.comp_bits - 1],
                           "R": [2 * self.comp_bits, 3 * self.comp_bits - 1]},
                "hex_value": "{eol, sof, tdata}", "sof_bit": self.sof_bit, "eol_bit": self.eol_bit,
                "hex_digits": self.hex_digits, "binary_record_bytes": self.record_bytes,
                "binary_record": f"tdata little-endian ({self.tdata_bits // 8} bytes), then 1 flag byte: bit0 SOF, bit1 EOL"}


@dataclass(frozen=True)
class BayerFormat:
    """The camera's input: one Bayer sample (DN, ``sample_bits`` the camera's ``DN_W``) per beat
    in the low bits of ``tdata`` (whole bytes); SOF and EOL above tdata, as in :class:`StreamFormat`."""

    sample_bits: int

    @property
    def comp_bits(self) -> int:
        return self.sample_bits

    @property
    def tdata_bits(self) -> int:
        return (self.sample_bits + 7) // 8 * 8

    @property
    def sof_bit(self) -> int:
        return self.tdata_bits

    @property
    def eol_bit(self) -> int:
        return self.tdata_bits + 1

    @property
    def hex_digits(self) -> int:
        return (self.tdata_bits + 2 + 3) // 4

    @property
    def record_bytes(self) -> int:
        return self.tdata_bits // 8 + 1

    def describe(self, entry: str = "bayer") -> dict[str, Any]:
        return {"component_entry": None, "kind": "bayer", "sample_bits": self.sample_bits,
                "component_bits": self.sample_bits, "tdata_bits": self.tdata_bits,
                "fields": {"DN": [0, self.sample_bits - 1]},
                "hex_value": "{eol, sof, tdata}", "sof_bit": self.sof_bit, "eol_bit": self.eol_bit,
                "hex_digits": self.hex_digits, "binary_record_bytes": self.record_bytes,
                "binary_record": f"tdata little-endian ({self.tdata_bits // 8} bytes), then 1 flag byte: bit0 SOF, bit1 EOL"}


def bayer_stream_beats(mosaics: Sequence[np.ndarray], fmt: BayerFormat) -> list[int]:
    """(H, W) Bayer frames -> beats ``{eol, sof, tdata}`` (one sample per beat, raster order)."""
    out: list[int] = []
    for m in mosaics:
        m = np.asarray(m, dtype=np.int64)
        if m.min() < 0 or m.max() >= 1 << fmt.sample_bits:
            raise ValueError(f"Bayer samples outside {fmt.sample_bits} bits")
        h, w = m.shape
        for r in range(h):
            for c in range(w):
                out.append(int(m[r, c]) | (int(r == 0 and c == 0) << fmt.sof_bit) | (int(c == w - 1) << fmt.eol_bit))
    return out


def stream_formats(cfg: QuantConfig) -> tuple[StreamFormat, StreamFormat]:
    """(input, output) stream formats of a config: components of ``frontend.x`` and ``rgfc.out``."""
    return StreamFormat(cfg["frontend.x"].fmt.width), StreamFormat(cfg["rgfc.out"].fmt.width)


def stream_beats(imgs: Sequence[np.ndarray], fmt: StreamFormat) -> list[int]:
    """(3, H, W) R, G, B frames -> beats ``{eol, sof, tdata}`` as Python ints, frame by frame in
    raster order (SOF on each frame's first pixel, EOL on each line's last pixel)."""
    out: list[int] = []
    for img in imgs:
        b = pack_ug934(np.asarray(img), fmt.comp_bits)
        h, w = b.shape
        flags = np.zeros((h, w), dtype=object)
        flags[:, w - 1] = 1 << fmt.eol_bit
        flags[0, 0] |= 1 << fmt.sof_bit
        out.extend(int(v) for v in (b | flags).reshape(-1))
    return out


def split_beat(v: int, fmt: StreamFormat) -> tuple[int, int, int, tuple[int, int, int]]:
    """A beat value -> (tdata, sof, eol, (R, G, B))."""
    m = (1 << fmt.comp_bits) - 1
    tdata = v & ((1 << fmt.tdata_bits) - 1)
    return tdata, (v >> fmt.sof_bit) & 1, (v >> fmt.eol_bit) & 1, \
        ((tdata >> 2 * fmt.comp_bits) & m, tdata & m, (tdata >> fmt.comp_bits) & m)


def write_bayer_stream(d: Path, name: str, mosaics: Sequence[np.ndarray], fmt: BayerFormat,
                       block: str = "taisp_camera") -> None:
    """``<name>.hex`` and ``<name>.bin`` in folder ``d``: a camera block's input stream of (H, W)
    Bayer frames, one sample per beat (:func:`bayer_stream_beats`)."""
    beats = bayer_stream_beats(mosaics, fmt)
    h, w = np.asarray(mosaics[0]).shape
    comment = [(f"{block} input stream: {len(mosaics)} frame(s) x {h} lines x {w} "
                f"Bayer samples, raster order; one beat per line: {{eol, sof, tdata[{fmt.tdata_bits - 1}:0]}}"),
               f"tdata: the sample (DN) in bits [{fmt.sample_bits - 1}:0]; sof bit {fmt.sof_bit}, eol bit {fmt.eol_bit}"]
    (d / f"{name}.hex").write_text(hex_lines(beats, fmt.tdata_bits + 2, comment))
    (d / f"{name}.bin").write_bytes(records(beats, fmt.record_bytes))


def write_stream(d: Path, name: str, imgs: Sequence[np.ndarray], fmt: StreamFormat, what: str, entry: str,
                 block: str = "taisp_core") -> None:
    """``<name>.hex`` and ``<name>.bin`` in folder ``d``: a stream of (3, H, W) frames of
    ``block`` (its ``what``: "input stream", ...) with components of config entry ``entry``."""
    n, (_, h, w) = len(imgs), imgs[0].shape
    beats = stream_beats(imgs, fmt)
    c = fmt.comp_bits
    comment = [(f"{block} {what}: {n} frame(s) x {h} lines x {w} pixels, raster order; one beat per line: "
               f"{{eol, sof, tdata[{fmt.tdata_bits - 1}:0]}}"),
               (f"tdata UG934: G [{c - 1}:0], B [{2 * c - 1}:{c}], R [{3 * c - 1}:{2 * c}] ({entry}); "
               f"sof bit {fmt.sof_bit}, eol bit {fmt.eol_bit}")]
    (d / f"{name}.hex").write_text(hex_lines(beats, fmt.tdata_bits + 2, comment))
    (d / f"{name}.bin").write_bytes(records(beats, fmt.record_bytes))


def write_frame_writes(d: Path, fwrites: Sequence[tuple[int, int, int]], then: str) -> None:
    """``frame_writes.hex``/``.bin`` in folder ``d``: AXI4-Lite writes ``(frame, address, data)``
    applied before frame ``frame`` (``then``: what the testbench does after them)."""
    vals = [(k << 64) | (a << 32) | v for k, a, v in fwrites]
    (d / "frame_writes.hex").write_text(hex_lines(vals or [0], 96, [
        (f"AXI4-Lite writes between frames ({len(fwrites)}, in order): {{frame[31:0], address[31:0], data[31:0]}} "
         f"per line: applied before frame `frame` (after the previous frame's output), then {then}"
         + ("" if fwrites else "; none (one placeholder line)"))]))
    (d / "frame_writes.bin").write_bytes(b"".join(k.to_bytes(4, "little") + a.to_bytes(4, "little")
                                                  + v.to_bytes(4, "little") for k, a, v in fwrites))


def check_rgb_frames(xs: Sequence[np.ndarray], bits: int) -> None:
    """Every frame an integer (3, H, W) array of the first frame's size with values in ``bits``
    unsigned bits (raw ``frontend.x``); ValueError naming the frame."""
    _, h, w = xs[0].shape
    for k, x in enumerate(xs):
        if x.shape != (3, h, w) or not np.issubdtype(x.dtype, np.integer):
            raise ValueError(f"frame {k}: expected integer (3, {h}, {w}) raw frontend.x, got {x.dtype} {x.shape}")
        if x.min() < 0 or x.max() >= 1 << bits:
            raise ValueError(f"frame {k}: values outside the {bits}-bit frontend.x range")


def write_set_folder(out_dir: str | os.PathLike, write) -> dict[str, Any]:
    """Write a vector set into ``out_dir`` through ``write(tmp)`` (which fills the temporary
    folder ``tmp``, with ``taps/`` made, and returns the manifest), replacing a vector set there
    only once it is complete; a non-empty folder that holds no vector set is refused."""
    import shutil

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise VectorSetError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise VectorSetError(f"{out}: folder is not empty and holds no vector set; refusing to write into it")
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "taps").mkdir(parents=True)
    try:
        manifest = write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return manifest


def tool_version() -> str:
    """The project version (the checkout's pyproject.toml, else the installed package)."""
    import importlib.metadata
    import tomllib

    repo = Path(__file__).resolve().parents[1]
    try:
        return str(tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        try:
            return importlib.metadata.version("taisp-hw")
        except importlib.metadata.PackageNotFoundError:
            return "unknown"


def hex_lines(values: Sequence[int] | np.ndarray, bits: int, comment: Sequence[str] = ()) -> str:
    """``$readmemh`` text: ``//`` comment lines, then one ``bits``-bit value per line (two's
    complement for negative values), zero-padded hex."""
    digits = (bits + 3) // 4
    mask = (1 << bits) - 1
    lines = [f"// {c}" for c in comment]
    lines += [f"{int(v) & mask:0{digits}x}" for v in (values.reshape(-1) if isinstance(values, np.ndarray) else values)]
    return "\n".join(lines) + "\n"


def records(values: Sequence[int], nbytes: int) -> bytes:
    """Values as little-endian ``nbytes``-byte records."""
    return b"".join(int(v).to_bytes(nbytes, "little") for v in values)


def read_hex(path: str | os.PathLike) -> list[int]:
    """Values of a ``$readmemh`` file written here (``//`` comment lines skipped)."""
    out = []
    for line in Path(path).read_text().splitlines():
        line = line.split("//", 1)[0].strip()
        if line:
            out.append(int(line, 16))
    return out


def read_records(path: str | os.PathLike, nbytes: int) -> list[int]:
    """Little-endian fixed-size records of a ``.bin`` stream file as ints."""
    data = Path(path).read_bytes()
    if len(data) % nbytes:
        raise VectorSetError(f"{path}: {len(data)} bytes is not a whole number of {nbytes}-byte records")
    return [int.from_bytes(data[i:i + nbytes], "little") for i in range(0, len(data), nbytes)]


__all__ = ["BayerFormat", "SCHEMA_NAME", "SCHEMA_VERSION", "StreamFormat", "bayer_stream_beats", "VectorSetError", "hex_lines", "read_hex", "read_records",
           "records", "split_beat", "stream_beats", "stream_formats", "tool_version", "write_bayer_stream", "write_frame_writes", "write_stream",
           "check_rgb_frames", "write_set_folder"]
