"""POS-ISP vector sets (``taisp vectors --model posisp``): a folder that replays a frame sequence
through a generated chain (``posisp_chain``) without our Python stack, in ``previous`` mode:
frame k runs with the driver output computed from frame k-1's thumbnail (frame 0: the
programmed defaults). Same layout and file formats as TA-ISP's sets (:mod:`sim.taisp.vectors`,
:mod:`sim.vector_format`), schema :data:`SCHEMA_NAME`.

    manifest = write_posisp_vector_set("vec", frames, isp, cfg, checkpoint=path)   # frames: sim.vector_inputs
    check_posisp_vector_set("vec")

Files (N frames of W x H, P = N*W*H beats):

============================  ======================================================================
``manifest.json``             schema, tool version, config and checkpoint hashes, the chain's order,
                              formats, sizes, stream packing, every file with its SHA-256
``vectors.vh``                Verilog defines sizing the plain testbench (sim/posisp/hdl/posisp_vectors_tb.v)
``stream_in.hex``/``.bin``    P input beats of raw ``frontend.x`` ({eol, sof, tdata}, UG934)
``stream_out.hex``/``.bin``   P expected output beats of ``chain.out``
``frame_writes.hex``/``.bin`` the AXI4-Lite writes before each frame {frame, address, data}: frame 0 the
                              frame size; frame k > 0 the driver's output (parameter registers, every
                              per-frame table) for frame k-1's thumbnail; each block ends with CTRL = COMMIT
``thumb.hex``/``.npy``        the thumbnail window after each frame: N x 3 x 64 x 64 ``thumb.sum`` raw
``taps/<stage>.npy``          x (chain input), every filter's output in chain order, out: int64 (N, 3, H, W)
``config.toml``               the quantization config used
``gen/``                      ``taisp gen --model posisp`` output: headers, tables, ``posisp_chain.v``
============================  ======================================================================

A camera set (:func:`write_posisp_camera_vector_set`, manifest ``top: camera``) drives the camera
top ``posisp_camera`` (``taisp gen --model posisp --frontend``: the shared front end ahead of the
chain): ``stream_in`` holds Bayer samples, one per beat (DN in the low bits of whole bytes); the
writes before frame 0 set WIDTH/HEIGHT to the Bayer size and the front-end registers, and those
before frame k > 0 the front end again where the frame's settings (the next RAW file) differ;
the expected values are the fixed-point front end with the registers' settings
(:func:`fixedpoint.frontend.normalize_mosaic`, :func:`fixedpoint.frontend.demosaic`) followed by
the model; the plain testbench instantiates ``gen/posisp_camera.v`` (``POSISP_VEC_CAMERA``).
"""
from __future__ import annotations

import json
import os
import platform
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from fixedpoint.config import QuantConfig
from fixedpoint.posisp import regmap
from fixedpoint.posisp.chaingen import check_order, write_chain
from fixedpoint.posisp.driver import drive
from fixedpoint.posisp.model import FixedPOSISP

from ..vector_format import (BayerFormat, StreamFormat, VectorSetError, check_rgb_frames, hex_lines, tool_version,
                             write_bayer_stream, write_frame_writes, write_set_folder, write_stream)
from ..vector_inputs import BayerFrame, InputFrame, bayer_inputs, check_bayer_set, file_sha256

SCHEMA_NAME = "posisp-vectors"
SCHEMA_VERSION = 1
#: The smallest frame the chain takes (denoise's mirror border; the thumbnail needs 64 x 64).
MIN_SIZE = regmap.THUMB_SIZE
#: Bits of a Bayer sample of camera sets (the plain testbench builds posisp_camera with this DN_W).
CAMERA_DN_W = 16
#: The largest Bayer frame of a camera set (posisp_camera's default MAX_W x MAX_H).
CAMERA_MAX = (1920, 1080)


def stream_formats(cfg: QuantConfig) -> tuple[StreamFormat, StreamFormat]:
    """(input, output) stream formats: components of ``frontend.x`` and ``chain.out``."""
    return StreamFormat(cfg["frontend.x"].fmt.width), StreamFormat(cfg["chain.out"].fmt.width)


def frame_writes(drvs: Sequence, cfg: QuantConfig, width: int, height: int,
                 bayer: Sequence[BayerFrame] | None = None) -> list[tuple[int, int, int]]:
    """The writes before each frame: frame 0 WIDTH, HEIGHT, COMMIT (the reset state holds the
    defaults); frame k > 0 the driver output ``drvs[k]`` (:func:`fixedpoint.posisp.regmap.register_writes`), COMMIT.
    ``bayer`` (a camera set): WIDTH and HEIGHT are the Bayer size, the front-end registers of
    frame 0 before its COMMIT, and of frame k where its settings differ from frame k-1's."""
    a = regmap.address
    cw = regmap.commit_write()

    def fe(k: int) -> list[tuple[int, int, int]]:
        if bayer is None or (k > 0 and bayer[k].settings() == bayer[k - 1].settings()):
            return []
        f = bayer[k]
        return [(k, ad, d) for ad, d in regmap.frontend_writes(f.cfa, f.demosaic, f.black, f.gain)]

    out = [(0, a("WIDTH"), width), (0, a("HEIGHT"), height), *fe(0), (0, *cw)]
    for k, drv in enumerate(drvs):
        if k > 0:
            out += fe(k) + [(k, ad, d) for ad, d in regmap.register_writes(drv, cfg)] + [(k, *cw)]
    return [(k, int(ad) & 0xFFFFFFFF, int(d) & 0xFFFFFFFF) for k, ad, d in out]


def _verilog_include(m: dict[str, Any]) -> str:
    f = m["frames"]
    si, so = m["stream"]["input"], m["stream"]["output"]
    d = {"SCHEMA": SCHEMA_VERSION, "FRAMES": f["count"], "WIDTH": f["width"], "HEIGHT": f["height"],
         "NBEATS": f["beats"], "S_TDATA_W": si["tdata_bits"], "M_TDATA_W": so["tdata_bits"],
         "IN_COMP_W": si["component_bits"], "OUT_COMP_W": so["component_bits"],
         "NFWRITES": m["registers"]["frame_writes"]["count"], "THUMB_W": m["thumbnail"]["bits"],
         "REGMAP_VERSION": regmap.REGMAP_VERSION, "ORDER0": m["order_words"][0], "ORDER1": m["order_words"][1]}
    if m["top"] == "camera":
        b = f["bayer"]
        d.update({"CAMERA": 1, "BAYER_WIDTH": b["width"], "BAYER_HEIGHT": b["height"], "NBEATS_IN": b["beats"],
                  "DN_W": si["sample_bits"]})
    lines = ["// Generated by taisp vectors --model posisp (sim/posisp/vectors.py): sizes of this vector set.",
             "`ifndef POSISP_VECTORS_VH", "`define POSISP_VECTORS_VH"]
    lines += [f"`define POSISP_VEC_{k} {v}" for k, v in d.items()]
    return "\n".join(lines + ["`endif", ""])


def write_posisp_vector_set(out_dir: str | os.PathLike, frames: Sequence[InputFrame], isp, cfg: QuantConfig, *,
                            order: Sequence[str] | None = None, checkpoint: str | os.PathLike | None = None,
                            description: str = "") -> dict[str, Any]:
    """Run the fixed-point POS-ISP (``previous`` mode from reset; ``order``: default the checkpoint's)
    over ``frames`` and write the vector set into ``out_dir`` (replacing one there; a non-empty
    folder that is not one is refused). Returns the manifest."""
    if not frames:
        raise ValueError("a vector set needs at least one frame")
    xs = [np.asarray(f.x) for f in frames]
    _, h, w = xs[0].shape
    if w < MIN_SIZE or h < MIN_SIZE:
        raise ValueError(f"vector set: frame size {w}x{h} is smaller than the chain's {MIN_SIZE}x{MIN_SIZE} (the "
                         "thumbnail); use a larger --crop")
    check_rgb_frames(xs, cfg["frontend.x"].fmt.width)
    return write_set_folder(out_dir, lambda tmp: _write(tmp, frames, xs, isp, cfg, order, checkpoint, description))


def write_posisp_camera_vector_set(out_dir: str | os.PathLike, frames: Sequence[BayerFrame], isp, cfg: QuantConfig, *,
                                   order: Sequence[str] | None = None, checkpoint: str | os.PathLike | None = None,
                                   description: str = "", dn_w: int = CAMERA_DN_W) -> dict[str, Any]:
    """A vector set for the camera top ``posisp_camera`` (manifest ``top: camera``): Bayer samples
    in (``frames``: :func:`sim.vector_inputs.raw_bayer_frames` / ``scene_bayer_frames``, one
    demosaic and one Bayer size), the front end with each frame's settings, then the chain in
    ``previous`` mode. ValueError naming WIDTH/HEIGHT for a size the camera refuses or whose
    demosaiced size is under the thumbnail's 64 x 64."""
    w, h, dm = check_bayer_set(frames)
    ow, oh = regmap.camera_frame_size(w, h, dm, *CAMERA_MAX)
    if ow < MIN_SIZE or oh < MIN_SIZE:
        raise ValueError(f"vector set: WIDTH x HEIGHT {w}x{h} ({dm}) gives the chain {ow}x{oh}, smaller "
                         f"than the thumbnail's {MIN_SIZE}x{MIN_SIZE}; use a larger --crop")
    inputs = bayer_inputs(frames, cfg)
    xs = [f.x for f in inputs]
    cam = {"frames": list(frames), "fmt": BayerFormat(dn_w), "width": w, "height": h}
    return write_set_folder(out_dir, lambda tmp: _write(tmp, inputs, xs, isp, cfg, order, checkpoint, description, cam))


def _write(d: Path, frames: Sequence[InputFrame], xs: list[np.ndarray], isp, cfg: QuantConfig,
           order: Sequence[str] | None, checkpoint, description: str, cam: dict[str, Any] | None = None
           ) -> dict[str, Any]:
    n = len(xs)
    _, h, w = xs[0].shape
    model = FixedPOSISP(isp, cfg, order=None if order is None else check_order(order))
    model.reset()
    res = [model.frame(x.astype(np.int64), "previous") for x in xs]
    order = list(model.order)
    drvs = [r.drv for r in res]
    # the driver output of the next frame from each thumbnail (what software computes from the window)
    assert all(drive(model.params_from_thumbnail(r.thumb, h, w), cfg).p == res[k + 1].drv.p
               for k, r in enumerate(res[:-1])), "previous mode: frame k+1's parameters are frame k's thumbnail's"
    fin, fout = stream_formats(cfg)
    top = "posisp_chain" if cam is None else "posisp_camera"
    write_chain(cfg, d / "gen", order, frontend=cam is not None)
    src = Path(cfg.source)
    if src.is_file():
        shutil.copyfile(src, d / "config.toml")
    if cam is None:
        write_stream(d, "stream_in", xs, fin, "input stream", "raw frontend.x", top)
    else:
        write_bayer_stream(d, "stream_in", [f.mosaic for f in cam["frames"]], cam["fmt"], top)
    write_stream(d, "stream_out", [r.out for r in res], fout, "expected output stream", "chain.out", top)
    fw = (frame_writes(drvs, cfg, w, h) if cam is None
          else frame_writes(drvs, cfg, cam["width"], cam["height"], cam["frames"]))
    write_frame_writes(d, fw, "poll STATUS until COMMIT_PENDING is clear")
    thumbs = np.stack([r.thumb for r in res]).astype(np.int64)
    tb = cfg["thumb.sum"].fmt.width
    np.save(d / "thumb.npy", thumbs)
    (d / "thumb.hex").write_text(hex_lines(thumbs.reshape(-1), tb, [
        f"thumbnail window after each frame: {n} x 3 (R, G, B) x 64 x 64 raw thumb.sum ({tb} bits), one per line"]))
    taps_meta = {}
    for name in ["x", *order, "out"]:
        arr = np.stack([r.taps[name] for r in res]).astype(np.int64)
        np.save(d / "taps" / f"{name}.npy", arr)
        entry = "chain.out" if name == "out" else "chain.x"
        taps_meta[name] = {"entry": entry, "shape": list(arr.shape), "dtype": "int64", "npy": f"taps/{name}.npy"}
    ck = Path(checkpoint) if checkpoint is not None else None
    sat = {}
    for r in res:
        for k, v in r.overflows.items():
            sat[k] = sat.get(k, 0) + int(v)
    m: dict[str, Any] = {
        "schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION, "top": "posisp_chain" if cam is None else "camera",
        "description": description or f"{n} frame(s), {w}x{h}, chain {' -> '.join(order) or '(no filter)'}",
        "tool": {"name": "taisp vectors --model posisp", "package": "taisp-hw", "version": tool_version(),
                 "python": platform.python_version(), "numpy": np.__version__},
        "config": {"name": cfg.name, "file": "config.toml" if src.is_file() else None, "source": src.name,
                   "sha256": file_sha256(src) if src.is_file() else None},
        "checkpoint": {"file": ck.name if ck else None, "sha256": file_sha256(ck) if ck else None},
        "order": order, "order_words": list(regmap.order_words(order)),
        "frames": {"count": n, "width": w, "height": h, "beats_per_frame": w * h, "beats": n * w * h,
                   "sources": [{"frame": k, **f.source} for k, f in enumerate(frames)]},
        "statistics_mode": "previous",
        "statistics": ("frame k runs with the driver output of frame k-1's thumbnail (the float parameter agent on "
                       "the window's sums, quantized into driver.p); frame 0 with the programmed defaults (reset)"),
        "stream": {"packing": "UG934", "beat": "one pixel per beat; tuser[0] = SOF, tlast = EOL",
                   "input": {**fin.describe("frontend.x"), "hex": "stream_in.hex", "bin": "stream_in.bin"},
                   "output": {**fout.describe("chain.out"), "hex": "stream_out.hex", "bin": "stream_out.bin"}},
        "thumbnail": {"hex": "thumb.hex", "npy": "thumb.npy", "bits": tb, "shape": list(thumbs.shape),
                      "window": f"THUMB_BASE 0x{regmap.THUMB_BASE:x}: channel c, cell (i, j) at + 8 ((c 64 + i) 64 + j), "
                                "low word then high word"},
        "taps": taps_meta,
        "saturation": {"model_counts": sat, "note": "overflow events over the whole sequence, per filter (SAT_* registers)"},
        "registers": {"regmap_version": regmap.REGMAP_VERSION, "id": regmap.ID_VALUE,
                      "frame_writes": {"hex": "frame_writes.hex", "bin": "frame_writes.bin", "count": len(fw),
                                       "hex_line": "{frame[31:0], address[31:0], data[31:0]}"}},
        "testbench": {"plain": "sim/posisp/hdl/posisp_vectors_tb.v", "include": "vectors.vh",
                      "include_dirs": [".", "gen"], "tb_include_dir": "sim/hdl", "mem_dir": "gen", "chain": "gen/posisp_chain.v"},
    }
    if cam is not None:
        bw, bh = cam["width"], cam["height"]
        fmt: BayerFormat = cam["fmt"]
        m["frames"]["bayer"] = {"width": bw, "height": bh, "beats_per_frame": bw * bh, "beats": n * bw * bh}
        m["frames"]["note"] = "width/height: the chain's (output) frame; bayer: the camera's input frame"
        m["stream"]["input"] = {**fmt.describe(), "hex": "stream_in.hex", "bin": "stream_in.bin"}
        m["stream"]["beat_in"] = "one Bayer sample per beat; SOF on the frame's first sample, EOL on each line's last"
        m["frontend"] = {"demosaic": cam["frames"][0].demosaic, "dn_w": fmt.sample_bits,
                         "frames": [{"frame": k, "cfa": f.cfa, "black": list(f.black), "gain": [int(g) for g in f.gain]}
                                    for k, f in enumerate(cam["frames"])]}
        m["testbench"]["camera"] = "gen/posisp_camera.v"
        m["testbench"]["define"] = "POSISP_VEC_CAMERA (vectors.vh): the plain testbench instantiates posisp_camera"
    (d / "vectors.vh").write_text(_verilog_include(m))
    files = sorted(p for p in d.rglob("*") if p.is_file() and p.name != "manifest.json")
    m["files"] = {p.relative_to(d).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size} for p in files}
    (d / "manifest.json").write_text(json.dumps(m, indent=1) + "\n")
    return m


def check_posisp_vector_set(path: str | os.PathLike) -> dict[str, Any]:
    """Verify a POS-ISP vector set: its schema (a newer version refused) and every listed file's
    size and SHA-256. Returns the manifest; raises :class:`VectorSetError` naming the problem."""
    d = Path(path)
    try:
        m = json.loads((d / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise VectorSetError(f"{d / 'manifest.json'}: cannot read the manifest ({exc})") from None
    if m.get("schema") != SCHEMA_NAME:
        raise VectorSetError(f"{d}: not a POS-ISP vector set (schema {m.get('schema')!r})")
    if int(m.get("schema_version", 0)) > SCHEMA_VERSION:
        raise VectorSetError(f"{d}: schema version {m['schema_version']} is newer than this tool's {SCHEMA_VERSION}")
    for rel, info in m.get("files", {}).items():
        f = d / rel
        if not f.is_file():
            raise VectorSetError(f"{f}: listed in the manifest but missing")
        if f.stat().st_size != info["bytes"] or file_sha256(f) != info["sha256"]:
            raise VectorSetError(f"{f}: corrupted (size or SHA-256 differs from the manifest)")
    return m


__all__ = ["CAMERA_DN_W", "CAMERA_MAX", "MIN_SIZE", "SCHEMA_NAME", "SCHEMA_VERSION", "check_posisp_vector_set",
           "frame_writes", "stream_formats", "write_posisp_camera_vector_set", "write_posisp_vector_set"]
