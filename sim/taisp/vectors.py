"""Test vector sets for FPGA bring-up: what ``taisp vectors`` writes and checks.

A camera set (:func:`write_camera_vector_set`, ``top: camera``, schema 2) drives ``taisp_camera``
instead: Bayer samples in ``stream_in`` (one per beat), the front-end registers in the write
list, the camera model's output, taps and parameters.

A vector set is a folder that replays a frame sequence through ``taisp_core`` without our
Python stack: the input and expected output streams, per-stage taps, the per-frame parameters,
the AXI4-Lite register image and the generated RTL files, all described by ``manifest.json``
(schema :data:`SCHEMA_VERSION`) with the SHA-256 of every file.

    from sim.taisp.vectors import write_vector_set, check_vector_set, load_vector_set
    manifest = write_vector_set("vec", frames, isp, cfg, checkpoint=path)   # frames: sim.vector_inputs
    check_vector_set("vec")            # raises VectorSetError on a newer schema or a corrupted file

Inputs come from :mod:`sim.vector_inputs`, the beat and file formats from :mod:`sim.vector_format`,
the plain-testbench replay from :mod:`sim.taisp.vector_replay`.

Files (relative to the set; N frames of W x H, P = N*W*H beats):

============================  ======================================================================
``manifest.json``             schema, tool version, config and weight hashes, every format, sizes,
                              stream packing, statistics mode, every file with its SHA-256
``vectors.vh``                Verilog defines sizing the plain testbench (frames, size, beats, widths)
``stream_in.hex``/``.bin``    P input beats; hex: one ``{eol, sof, tdata}`` per line; bin: records of
                              ``tdata`` (little-endian, tdata_bits/8 bytes) + 1 flag byte (bit0 SOF, bit1 EOL)
``stream_out.hex``/``.bin``   P expected output beats, same layout
``taps/<stage>.hex``/``.npy`` x, xg, A, xs, index, y, out: raw integers of their config entries; hex one
                              value per line in the order frame, line, pixel (, channel R, G, B);
                              npy int64 (N, 3, H, W) or (N, H, W)
``params.hex``/``.json``      (N + 1) x 37 words: alpha[3], gate[2], w[16], inv_w[16] in use for frame k
                              (the PARAM read-back layout); block N: after the last frame
``axil_writes.hex``/``.bin``  the AXI4-Lite write list: hex ``{address, data}`` (16 digits) per line; bin
                              little-endian uint32 pairs
``frame_writes.hex``/``.bin`` camera sets (manifest ``top: camera``): the writes between frames
                              ``{frame, address, data}`` (a new front-end setting, CTRL = COMMIT)
``taisp_vectors.h``           C header: register addresses, the write list and the parameters as arrays
``config.toml``               the quantization config used
``gen/``                      ``taisp gen`` output for this config and weights (headers, tables,
                              ``weights.hex`` for build-time ``$readmemh``): the testbench's ``MEM_DIR``
============================  ======================================================================
"""
from __future__ import annotations

import json
import os
import platform
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fixedpoint.taisp import regmap
from fixedpoint.taisp.codegen import write_all
from fixedpoint.config import QuantConfig
from fixedpoint.taisp.schema import TABLES
from fixedpoint.taisp.model import FixedTAISP
from golden.taisp.model import TAISP

from ..vector_format import (
    BayerFormat,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    StreamFormat,
    VectorSetError,
    hex_lines,
    read_hex,
    read_records,
    write_bayer_stream,
    split_beat,
    stream_beats,
    stream_formats,
    check_rgb_frames,
    tool_version,
    write_frame_writes,
    write_set_folder,
    write_stream,
)
from ..vector_inputs import (BayerFrame, InputFrame, bayer_inputs, check_bayer_set, check_bayer_size, check_size,
                             file_sha256)

REPO = Path(__file__).resolve().parents[2]
#: Stages written as taps: name -> config entry ("index" is the region index, 4 bits).
TAP_STAGES: dict[str, str] = {"x": "frontend.x", "xg": "glc.xg", "A": "hsa.A", "xs": "hsa.xs", "index": "rgfc.index",
                              "y": "rgfc.y", "out": "rgfc.out"}
INDEX_BITS = 4
#: The CTRL value that ends the write list, and the STATUS bit polled for (register map fields).
CTRL_COMMIT_RESTART = regmap.field_value("CTRL", "COMMIT", "RESTART")
CTRL_COMMIT = regmap.field_value("CTRL", "COMMIT")
#: Bits of a Bayer sample in camera sets (the camera's DN_W; samples of up to 16-bit sensors).
CAMERA_DN_W = 16
#: The tops a vector set drives.
TOPS = ("core", "camera")
STATUS_READY = regmap.field_value("STATUS", "READY")


def _entry_formats(cfg: QuantConfig) -> dict[str, Any]:
    return {k: {"format": str(q.fmt), "width": q.fmt.width, "frac": q.fmt.frac, "signed": bool(q.fmt.signed),
                "rounding": q.rounding.name, "overflow": q.overflow.name} for k, q in cfg.entries.items()}


def _param_names() -> list[str]:
    return [f"{n}[{i}]" for n, _, cnt in regmap.PARAM_LAYOUT for i in range(cnt)]


def _param_words(p: dict[str, np.ndarray]) -> list[int]:
    return [int(v) & 0xFFFFFFFF for n, _, cnt in regmap.PARAM_LAYOUT for v in np.asarray(p[n]).reshape(-1)[:cnt]]


def axil_write_list(fw, cfg: QuantConfig, width: int, height: int, defaults: dict[str, np.ndarray]) -> list[tuple[int, int]]:
    """The AXI4-Lite programming sequence: WIDTH, HEIGHT, the defaults (DEF_GATE0, DEF_ALPHA0..2),
    the weight image (:func:`fixedpoint.taisp.regmap.register_writes`), CTRL = COMMIT | RESTART."""
    a = regmap.address
    w = [(a("WIDTH"), width), (a("HEIGHT"), height), (a("DEF_GATE0"), int(defaults["gate"][0]))]
    w += [(a(f"DEF_ALPHA{i}"), int(defaults["alpha"][i])) for i in range(3)]
    w += regmap.register_writes(fw, cfg)
    w.append((a("CTRL"), CTRL_COMMIT_RESTART))
    return [(int(x) & 0xFFFFFFFF, int(d) & 0xFFFFFFFF) for x, d in w]


def camera_write_list(fw, cfg: QuantConfig, bayer_w: int, bayer_h: int, first: BayerFrame,
                      defaults: dict[str, np.ndarray]) -> list[tuple[int, int]]:
    """The camera's programming sequence: WIDTH, HEIGHT (the Bayer size), the front end
    (FE_CONFIG: CFA, DEMOSAIC; FE_BLACK0..3; FE_GAIN0..3_LO/_HI), the defaults, the weights,
    CTRL = COMMIT | RESTART."""
    a = regmap.address
    w = [(a("WIDTH"), bayer_w), (a("HEIGHT"), bayer_h)]
    w += regmap.frontend_writes(first.cfa, first.demosaic, first.black, first.gain)
    w += axil_write_list(fw, cfg, bayer_w, bayer_h, defaults)[2:]
    return [(int(x) & 0xFFFFFFFF, int(d) & 0xFFFFFFFF) for x, d in w]


def camera_frame_writes(frames: Sequence[BayerFrame]) -> list[tuple[int, int, int]]:
    """(frame k, address, data): before frame k (k >= 1) whose front-end settings differ from
    frame k-1's (the next RAW file of the sequence), the front-end registers and CTRL = COMMIT
    (no RESTART: the statistics carry over); then poll STATUS until READY."""
    out = []
    for k in range(1, len(frames)):
        f = frames[k]
        if f.settings() != frames[k - 1].settings():
            out += [(k, a, d & 0xFFFFFFFF) for a, d in regmap.frontend_writes(f.cfa, f.demosaic, f.black, f.gain)]
            out.append((k, regmap.address("CTRL"), CTRL_COMMIT))
    return out


def _verilog_include(m: dict[str, Any]) -> str:
    f = m["frames"]
    si, so = m["stream"]["input"], m["stream"]["output"]
    d = {"SCHEMA": SCHEMA_VERSION, "FRAMES": f["count"], "WIDTH": f["width"], "HEIGHT": f["height"],
         "NBEATS": f["count"] * f["width"] * f["height"], "S_TDATA_W": si["tdata_bits"], "M_TDATA_W": so["tdata_bits"],
         "IN_COMP_W": si["component_bits"], "OUT_COMP_W": so["component_bits"],
         "NWRITES": m["registers"]["write_list"]["count"], "NPARAM": len(_param_names()),
         "REGMAP_VERSION": regmap.REGMAP_VERSION}
    for name, t in m["taps"].items():
        d[f"TAP_{name.upper()}_W"] = t["bits"]
    bayer = m["frames"].get("bayer")
    if bayer is not None:  # a camera set: the plain testbench instantiates taisp_camera
        d.update({"CAMERA": 1, "DN_W": si["sample_bits"], "IN_WIDTH": bayer["width"], "IN_HEIGHT": bayer["height"],
                  "IN_NBEATS": f["count"] * bayer["width"] * bayer["height"],
                  "NFWRITES": m["registers"]["frame_writes"]["count"]})
    lines = ["// Generated by taisp vectors (sim/taisp/vectors.py): sizes of this vector set for the plain testbench.",
             "`ifndef TAISP_VECTORS_VH", "`define TAISP_VECTORS_VH"]
    lines += [f"`define TAISP_VEC_{k} {v}" for k, v in d.items()]
    return "\n".join(lines + ["`endif", ""])


def _c_header(m: dict[str, Any], writes: list[tuple[int, int]], params: list[list[int]]) -> str:
    f = m["frames"]
    out = ["/* Generated by taisp vectors (sim/taisp/vectors.py): do not edit.",
           (f" * Vector set: {f['count']} frame(s) of {f['width']}x{f['height']}, schema {SCHEMA_VERSION}, "
           f"taisp {m['tool']['version']}."),
           " * Program taisp_vec_writes in order (32-bit AXI4-Lite writes), then poll STATUS until",
           " * TAISP_STATUS_READY_MASK; stream the frames; taisp_vec_params[k] is the PARAM read-back",
           " * (alpha[3], gate[2], w[16], inv_w[16]) expected while frame k is processed. */",
           "#ifndef TAISP_VECTORS_H", "#define TAISP_VECTORS_H", "", "#include <stdint.h>", "",
           f"#define TAISP_ID 0x{regmap.ID_VALUE:08x}u", f"#define TAISP_REGMAP_VERSION {regmap.REGMAP_VERSION}u"]
    for name, (addr, acc, _) in regmap.REGISTERS.items():
        out.append(f"#define TAISP_REG_{name} 0x{addr:04x}u  /* {acc} */")
    out += [f"#define TAISP_SAT_BASE 0x{regmap.SAT_BASE:04x}u", f"#define TAISP_PARAM_BASE 0x{regmap.PARAM_BASE:04x}u",
            f"#define TAISP_WEIGHT_BASE 0x{regmap.WEIGHT_BASE:04x}u", f"#define TAISP_NWEIGHTS {regmap.n_weights()}u",
            "/* register bit fields (as in the generated taisp_regmap.h): lowest bit, width, mask in place */"]
    for reg, fields in regmap.FIELDS.items():
        for fd in fields:
            out += [f"#define TAISP_{reg}_{fd.name} {fd.lsb}u", f"#define TAISP_{reg}_{fd.name}_W {fd.width}u",
                    f"#define TAISP_{reg}_{fd.name}_MASK 0x{fd.mask:08x}u"]
    out += ["",
            f"#define TAISP_VEC_FRAMES {f['count']}u", f"#define TAISP_VEC_WIDTH {f['width']}u",
            f"#define TAISP_VEC_HEIGHT {f['height']}u", f"#define TAISP_VEC_NWRITES {len(writes)}u",
            f"#define TAISP_VEC_NPARAM {len(_param_names())}u", "",
            "static const uint32_t taisp_vec_writes[TAISP_VEC_NWRITES][2] = {"]
    out += [f"    {{0x{a:04x}u, 0x{d:08x}u}}," for a, d in writes]
    out += ["};", "", "static const uint32_t taisp_vec_params[TAISP_VEC_FRAMES + 1][TAISP_VEC_NPARAM] = {"]
    out += ["    {" + ", ".join(f"0x{v:x}u" for v in blk) + "}," for blk in params]
    out += ["};", "", "#endif", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------- writing
def write_vector_set(out_dir: str | os.PathLike, frames: Sequence[InputFrame], isp: TAISP, cfg: QuantConfig, *,
                     checkpoint: str | os.PathLike | None = None, description: str = "",
                     _camera: dict[str, Any] | None = None, taps: bool = True) -> dict[str, Any]:
    """Run the fixed-point model (``previous`` statistics mode, from reset) over ``frames`` and
    write the vector set into ``out_dir`` (replacing a vector set there; a non-empty folder that
    is not one is refused). ``checkpoint``: the file ``isp`` was loaded from (hashed into the
    manifest; ``None``: weights not from a file). ``taps`` False: no per-stage taps (the
    manifest's ``taps`` is empty) and the expected output from the fused model (much faster for
    full-size frames); such a set replays on the fast cocotb path and in C simulation, not in the
    plain testbench (whose stage probes read the taps). Returns the manifest."""
    if not frames:
        raise ValueError("a vector set needs at least one frame")
    xs = [np.asarray(f.x) for f in frames]
    _, h, w = xs[0].shape
    check_size(w, h)
    check_rgb_frames(xs, cfg["frontend.x"].fmt.width)
    return write_set_folder(out_dir, lambda tmp: _write(tmp, frames, xs, isp, cfg, checkpoint, description, _camera, taps))


def write_camera_vector_set(out_dir: str | os.PathLike, frames: Sequence[BayerFrame], isp: TAISP, cfg: QuantConfig, *,
                            checkpoint: str | os.PathLike | None = None, description: str = "",
                            dn_w: int = CAMERA_DN_W, taps: bool = True) -> dict[str, Any]:
    """A vector set for ``taisp_camera`` (manifest ``top: camera``): Bayer samples as
    ``stream_in`` (one per beat), the front-end register writes in the write list (and, where a
    frame's settings change, in ``frame_writes``), and the camera model's expected output, taps
    and parameters: the fixed-point front end with the registers' settings
    (:func:`fixedpoint.frontend.normalize_mosaic`, :func:`fixedpoint.frontend.demosaic`), then
    ``FixedTAISP`` in ``previous`` mode from reset."""
    w, h, dm = check_bayer_set(frames)
    check_bayer_size(w, h, dm)
    inputs = bayer_inputs(frames, cfg)
    cam = {"frames": list(frames), "fmt": BayerFormat(dn_w), "width": w, "height": h}
    return write_vector_set(out_dir, inputs, isp, cfg, checkpoint=checkpoint, description=description, _camera=cam,
                            taps=taps)


@dataclass
class _Run:
    """The model's results over a sequence: per-stage taps (lists of per-frame arrays) and the
    parameters in use for frames 0..N (N + 1 dicts of raw arrays)."""

    model: FixedTAISP
    taps: dict[str, list[np.ndarray]]
    params: list[dict[str, np.ndarray]]


def _run_model(xs: list[np.ndarray], isp: TAISP, cfg: QuantConfig, with_taps: bool = True) -> _Run:
    """The model over the frames; ``with_taps`` False: the fused engine, only ``out``."""
    model = FixedTAISP(isp, cfg)
    model.reset()
    params, taps = [], {k: [] for k in (TAP_STAGES if with_taps else ("out",))}
    for x in xs:
        params.append(model.next_params())
        res = model.frame(x.astype(np.int64), "previous", taps=with_taps)
        if not with_taps:
            taps["out"].append(np.asarray(res.out, dtype=np.int64))
            continue
        for k in TAP_STAGES:
            taps[k].append(np.asarray(res.taps[k], dtype=np.int64))
    params.append(model.next_params())
    return _Run(model, taps, params)


def _write_generated(d: Path, fw, cfg: QuantConfig, checkpoint: str | os.PathLike | None) -> None:
    """gen/ (``taisp gen`` with this weight set in weights.hex) and config.toml."""
    gen = d / "gen"
    write_all(cfg, gen, fw, Path(checkpoint).name if checkpoint else "the given model")
    src = Path(cfg.source)
    if src.is_file():
        shutil.copyfile(src, d / "config.toml")
    else:
        (d / "config.toml").write_text(f"# config {cfg.name} was not read from a file; formats in manifest.json\n")


def _write_stream(d: Path, name: str, imgs: Sequence[np.ndarray], fmt: StreamFormat, what: str, entry: str) -> None:
    """<name>.hex and <name>.bin of a stream of (3, H, W) frames."""
    write_stream(d, name, imgs, fmt, what, entry)


def _write_taps(d: Path, taps: dict[str, list[np.ndarray]], cfg: QuantConfig) -> dict[str, Any]:
    """taps/<stage>.npy and .hex; returns their manifest entries."""
    meta = {}
    for name, entry in TAP_STAGES.items():
        arr = np.stack(taps[name])  # (N, C, H, W) or (N, H, W)
        index = name == "index"
        bits, signed = (INDEX_BITS, False) if index else (cfg[entry].fmt.width, bool(cfg[entry].fmt.signed))
        chans = 3 if arr.ndim == 4 else 1
        flat = np.moveaxis(arr, 1, -1) if chans == 3 else arr  # (N, H, W, C): channel fastest
        order = "frame, line, pixel, channel (R, G, B)" if chans == 3 else "frame, line, pixel"
        kind = "two's complement" if signed else "unsigned"
        np.save(d / "taps" / f"{name}.npy", arr)
        (d / "taps" / f"{name}.hex").write_text(hex_lines(flat, bits, [
            (f"tap {name} ({'region index 0..15' if index else entry}): {bits}-bit {kind} raw values, "
            f"one per line in the order {order}")]))
        meta[name] = {"entry": None if index else entry, "bits": bits, "signed": signed,
                      "frac": 0 if index else cfg[entry].fmt.frac, "channels": chans, "shape": list(arr.shape),
                      "dtype": "int64", "order": order, "hex": f"taps/{name}.hex", "npy": f"taps/{name}.npy"}
    return meta


def _write_params(d: Path, params: list[dict[str, np.ndarray]], cfg: QuantConfig) -> list[list[int]]:
    """params.hex and params.json; returns the words per block."""
    names, n = _param_names(), len(params) - 1
    words = [_param_words(p) for p in params]
    layout = ", ".join(f"{p}[{c}]" for p, _, c in regmap.PARAM_LAYOUT)
    (d / "params.hex").write_text(hex_lines([v for blk in words for v in blk], 32, [
        (f"parameters in use for frame k = 0..{n} (block {n}: after the last frame), {len(names)} words per block "
        f"in the PARAM read-back order: {layout}")]))
    blocks = []
    for k, p in enumerate(params):
        e = {"frame": k, "note": "defaults (after reset/RESTART)" if k == 0 else f"from the statistics of frame {k - 1}"}
        for pname, entry, _ in regmap.PARAM_LAYOUT:
            raw = [int(v) for v in np.asarray(p[pname]).reshape(-1)]
            e[pname] = {"entry": entry, "raw": raw, "value": [v * 2.0 ** -cfg[entry].fmt.frac for v in raw]}
        blocks.append(e)
    (d / "params.json").write_text(json.dumps({"layout": names, "frames": blocks}, indent=1) + "\n")
    return words


def _write_writes(d: Path, writes: list[tuple[int, int]]) -> None:
    (d / "axil_writes.hex").write_text(hex_lines([(a << 32) | v for a, v in writes], 64, [
        f"AXI4-Lite write list ({len(writes)} writes, in order): {{address[31:0], data[31:0]}} per line"]))
    (d / "axil_writes.bin").write_bytes(b"".join(a.to_bytes(4, "little") + v.to_bytes(4, "little") for a, v in writes))


def _write_bayer_stream(d: Path, cam: dict[str, Any]) -> None:
    write_bayer_stream(d, "stream_in", [f.mosaic for f in cam["frames"]], cam["fmt"], "taisp_camera")


def _write_frame_writes(d: Path, fwrites: list[tuple[int, int, int]]) -> None:
    write_frame_writes(d, fwrites, "poll STATUS until READY")


def _write(d: Path, frames: Sequence[InputFrame], xs: list[np.ndarray], isp: TAISP, cfg: QuantConfig,
           checkpoint: str | os.PathLike | None, description: str, cam: dict[str, Any] | None = None,
           with_taps: bool = True) -> dict[str, Any]:
    n = len(xs)
    _, h, w = xs[0].shape
    run = _run_model(xs, isp, cfg, with_taps)
    fw = run.model.weights
    fin, fout = stream_formats(cfg)
    fwrites: list[tuple[int, int, int]] = []
    if cam is None:
        writes = axil_write_list(fw, cfg, w, h, run.model.defaults)
    else:
        writes = camera_write_list(fw, cfg, cam["width"], cam["height"], cam["frames"][0], run.model.defaults)
        fwrites = camera_frame_writes(cam["frames"])
    _write_generated(d, fw, cfg, checkpoint)
    if cam is None:
        _write_stream(d, "stream_in", xs, fin, "input stream", "raw frontend.x")
    else:
        _write_bayer_stream(d, cam)
        _write_frame_writes(d, fwrites)
    _write_stream(d, "stream_out", run.taps["out"], fout, "expected output stream", "rgfc.out")
    tap_meta = _write_taps(d, run.taps, cfg) if with_taps else {}
    pwords = _write_params(d, run.params, cfg)
    _write_writes(d, writes)

    ck = Path(checkpoint) if checkpoint is not None else None
    cfg_src = Path(cfg.source)
    wfrac = cfg["rgfc.wrange"].fmt.frac
    m: dict[str, Any] = {
        "schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION,
        "top": "core" if cam is None else "camera",
        "description": description or f"{n} frame(s), {w}x{h}",
        "tool": {"name": "taisp vectors", "package": "taisp-hw", "version": tool_version(),
                 "python": platform.python_version(), "numpy": np.__version__},
        "config": {"name": cfg.name, "file": "config.toml", "source": cfg_src.name,
                   "sha256": file_sha256(cfg_src) if cfg_src.is_file() else None},
        "weights": {"checkpoint": ck.name if ck else None, "checkpoint_sha256": file_sha256(ck) if ck else None,
                    "weight_range": [fw.w_min * 2.0 ** -wfrac, fw.w_max * 2.0 ** -wfrac],
                    "words": regmap.n_weights(), "word_bits": regmap.weight_word_width(cfg),
                    "image": "gen/weights.hex", "image_sha256": file_sha256(d / "gen" / "weights.hex"),
                    "order": "published state_dict order, each tensor flattened in C order, then w_min, w_max"},
        "formats": _entry_formats(cfg),
        "tables": {t: cfg.table(t).describe() for t in TABLES},
        "frames": {"count": n, "width": w, "height": h, "beats_per_frame": w * h, "beats": n * w * h,
                   "sources": [{"frame": k, **f.source} for k, f in enumerate(frames)]},
        "crop": "centred crop of the fixed-point front end's output (see each source's crop)",
        "statistics_mode": "previous",
        "statistics": ("frame k is processed with alpha, gate and w computed from frame k-1's statistics; "
                       "frame 0 uses the programmed defaults (after reset or CTRL.RESTART); frames stream back to "
                       "back with no RESTART in between"),
        "stream": {"packing": "UG934", "component_order": "R, G, B internally; tdata G low, then B, then R",
                   "beat": ("one pixel per beat; tuser[0] = SOF on each frame's first pixel, tlast = EOL on each "
                            "line's last pixel; one AXI packet per line"),
                   "input": {**fin.describe("frontend.x"), "hex": "stream_in.hex", "bin": "stream_in.bin"},
                   "output": {**fout.describe("rgfc.out"), "hex": "stream_out.hex", "bin": "stream_out.bin"}},
        "taps": tap_meta,
        "params": {"hex": "params.hex", "json": "params.json", "blocks": n + 1, "words_per_block": len(_param_names()),
                   "layout": _param_names(), "register_base": regmap.PARAM_BASE,
                   "meaning": "block k = the PARAM read-back while frame k is processed (block 0: defaults)"},
        "registers": {"regmap_version": regmap.REGMAP_VERSION, "id": regmap.ID_VALUE,
                      "addresses": {k: v[0] for k, v in regmap.REGISTERS.items()},
                      "weight_base": regmap.WEIGHT_BASE, "param_base": regmap.PARAM_BASE,
                      "status_params_ready_mask": STATUS_READY,
                      "fields": {reg: {fd.name: {"lsb": fd.lsb, "width": fd.width} for fd in fields}
                                 for reg, fields in regmap.FIELDS.items()},
                      "write_list": {"hex": "axil_writes.hex", "bin": "axil_writes.bin", "count": len(writes),
                                     "hex_line": "{address[31:0], data[31:0]}",
                                     "bin_record": "little-endian uint32 address, uint32 data",
                                     "sequence": ("WIDTH, HEIGHT, DEF_GATE0, DEF_ALPHA0..2, weights, "
                                                  "CTRL = COMMIT | RESTART; then poll STATUS until READY "
                                                  "(parameters ready)")},
                      "c_header": "taisp_vectors.h", "build_time_weights": "gen/weights.hex"},
        "testbench": {"plain": "sim/taisp/hdl/taisp_vectors_tb.v", "include": "vectors.vh",
                      "include_dirs": [".", "gen"], "tb_include_dir": "sim/hdl", "mem_dir": "gen"},
    }
    if cam is not None:
        bw, bh = cam["width"], cam["height"]
        fmt: BayerFormat = cam["fmt"]
        m["frames"]["bayer"] = {"width": bw, "height": bh, "beats_per_frame": bw * bh, "beats": n * bw * bh}
        m["frames"]["note"] = "width/height: the core's (output) frame; bayer: the camera's input frame"
        m["crop"] = "centred crop of the Bayer mosaic at even offsets (the CFA phase kept; see each source's crop)"
        m["stream"]["input"] = {**fmt.describe(), "hex": "stream_in.hex", "bin": "stream_in.bin"}
        m["stream"]["beat_in"] = "one Bayer sample per beat; SOF on the frame's first sample, EOL on each line's last"
        m["frontend"] = {"demosaic": cam["frames"][0].demosaic, "dn_w": fmt.sample_bits,
                         "per_frame": [{"frame": k, "cfa": f.cfa, "black": list(f.black), "gain": [int(g) for g in f.gain]}
                                       for k, f in enumerate(cam["frames"])],
                         "model": ("fixedpoint.frontend.normalize_mosaic + demosaic with these settings (the taps' x "
                                   "is the front end's output), then FixedTAISP in previous mode")}
        m["registers"]["write_list"]["sequence"] = (
            "WIDTH, HEIGHT (the Bayer size), FE_CONFIG, FE_BLACK0..3, FE_GAIN0..3_LO/_HI, DEF_GATE0, DEF_ALPHA0..2, "
            "weights, CTRL = COMMIT | RESTART; then poll STATUS until READY")
        m["registers"]["frame_writes"] = {
            "hex": "frame_writes.hex", "bin": "frame_writes.bin", "count": len(fwrites),
            "hex_line": "{frame[31:0], address[31:0], data[31:0]}", "bin_record": "little-endian uint32 frame, address, data",
            "meaning": ("before frame `frame`, after the previous frame's output: these writes (a new front-end setting, "
                        "then CTRL = COMMIT without RESTART: the statistics carry over), then poll STATUS until READY")}
        m["testbench"]["define"] = "TAISP_VEC_CAMERA (vectors.vh): the plain testbench instantiates taisp_camera"
    (d / "vectors.vh").write_text(_verilog_include(m))
    (d / "taisp_vectors.h").write_text(_c_header(m, writes, pwords))
    files = sorted(p for p in d.rglob("*") if p.is_file() and p.name != "manifest.json")
    m["files"] = {p.relative_to(d).as_posix(): {"sha256": file_sha256(p), "bytes": p.stat().st_size} for p in files}
    (d / "manifest.json").write_text(json.dumps(m, indent=1) + "\n")
    return m


# ---------------------------------------------------------------------------- checking and reading
_REQUIRED = ("tool", "config", "weights", "formats", "frames", "statistics_mode", "stream", "taps", "params",
             "registers", "files")


def check_vector_set(path: str | os.PathLike) -> dict[str, Any]:
    """Verify a vector set: the manifest's schema (a newer version is refused), every listed
    file's size and SHA-256, and the sizes the manifest states. Returns the manifest; raises
    :class:`VectorSetError` with a message naming the set and the file."""
    d = Path(path)
    if not d.is_dir():
        raise VectorSetError(f"{d}: no such folder")
    mp = d / "manifest.json"
    if not mp.is_file():
        raise VectorSetError(f"{d}: not a vector set (no manifest.json)")
    try:
        m = json.loads(mp.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VectorSetError(f"{mp}: not valid JSON ({exc}): the manifest is corrupted") from None
    if not isinstance(m, dict) or m.get("schema") != SCHEMA_NAME:
        raise VectorSetError(f"{mp}: not a taisp vector set manifest (schema {m.get('schema') if isinstance(m, dict) else None!r}, "
                             f"expected {SCHEMA_NAME!r})")
    ver = m.get("schema_version")
    if not isinstance(ver, int) or isinstance(ver, bool) or ver < 1:
        raise VectorSetError(f"{mp}: invalid schema_version {ver!r}")
    if ver > SCHEMA_VERSION:
        by = m.get("tool", {}).get("version", "?") if isinstance(m.get("tool"), dict) else "?"
        raise VectorSetError(f"{d}: vector set schema version {ver} is newer than this tool reads (version "
                             f"{SCHEMA_VERSION}); it was written by taisp {by}: use that version or newer")
    for k in _REQUIRED:
        if k not in m:
            raise VectorSetError(f"{mp}: missing key {k!r}")
    files = m["files"]
    if not isinstance(files, dict) or not files:
        raise VectorSetError(f"{mp}: 'files' must list the set's files")
    for rel, info in files.items():
        p = d / rel
        if Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise VectorSetError(f"{mp}: file path {rel!r} leaves the vector set")
        if not p.is_file():
            raise VectorSetError(f"{d}: file {rel} listed in the manifest is missing")
        size, digest = p.stat().st_size, file_sha256(p)
        if digest != info.get("sha256") or size != info.get("bytes"):
            raise VectorSetError(f"{d}: {rel}: SHA-256 mismatch (manifest {str(info.get('sha256'))[:16]}..., "
                                 f"{info.get('bytes')} bytes; file {digest[:16]}..., {size} bytes): the file is "
                                 f"corrupted or was edited")
    f = m["frames"]
    top = m.get("top", "core")
    if top not in TOPS:
        raise VectorSetError(f"{mp}: unknown top {top!r} (one of {', '.join(TOPS)})")
    try:
        n, w, h = int(f["count"]), int(f["width"]), int(f["height"])
        si, so = m["stream"]["input"], m["stream"]["output"]
        iw, ih = (int(f["bayer"]["width"]), int(f["bayer"]["height"])) if top == "camera" else (w, h)
        for s, (sw, sh) in ((si, (iw, ih)), (so, (w, h))):
            if files[s["bin"]]["bytes"] != n * sw * sh * int(s["binary_record_bytes"]):
                raise VectorSetError(f"{d}: {s['bin']} does not hold {n}x{sw}x{sh} beats of {s['binary_record_bytes']} bytes")
        if top == "camera":
            fwl = m["registers"]["frame_writes"]
            if files[fwl["bin"]]["bytes"] != 12 * int(fwl["count"]):
                raise VectorSetError(f"{d}: the between-frame write list's length does not match the manifest")
        if files[m["registers"]["write_list"]["bin"]]["bytes"] != 8 * int(m["registers"]["write_list"]["count"]):
            raise VectorSetError(f"{d}: the write list's length does not match the manifest")
        for rel in ("vectors.vh", "gen/taisp_config.vh", "gen/taisp_regmap.vh", "gen/weights.hex", m["params"]["hex"]):
            if rel not in files:
                raise VectorSetError(f"{d}: {rel} is not in the manifest")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, VectorSetError):
            raise
        raise VectorSetError(f"{mp}: malformed manifest ({type(exc).__name__}: {exc})") from None
    return m


@dataclass
class VectorSet:
    """A vector set read back (from its binary files): beats as ``{eol, sof, tdata}`` ints."""

    path: Path
    manifest: dict[str, Any]
    frames: int
    width: int
    height: int
    fmt_in: StreamFormat
    fmt_out: StreamFormat
    beats_in: list[int]
    beats_out: list[int]
    writes: list[tuple[int, int]]
    params: np.ndarray  # (frames + 1, 37) uint32 words
    top: str = "core"
    in_width: int = 0     # the input frame (camera: Bayer) size
    in_height: int = 0
    frame_writes: list[tuple[int, int, int]] | None = None  # camera: (frame, address, data)

    def frame_beats(self, beats: list[int], k: int) -> list[int]:
        """The beats of frame k of the output stream (``beats_out``) or of the input stream."""
        n = self.width * self.height if beats is self.beats_out else self.in_width * self.in_height
        return beats[k * n:(k + 1) * n]

    def writes_before(self, k: int) -> list[tuple[int, int]]:
        """The writes to apply before frame k (camera sets; then poll STATUS until READY)."""
        return [(a, v) for f, a, v in (self.frame_writes or []) if f == k]


def load_vector_set(path: str | os.PathLike, check: bool = True) -> VectorSet:
    """Read a vector set (after :func:`check_vector_set` unless ``check`` is False)."""
    d = Path(path)
    m = check_vector_set(d) if check else json.loads((d / "manifest.json").read_text())
    si, so = m["stream"]["input"], m["stream"]["output"]
    top = m.get("top", "core")
    fin = BayerFormat(int(si["sample_bits"])) if top == "camera" else StreamFormat(int(si["component_bits"]))
    fout = StreamFormat(int(so["component_bits"]))
    raw = (d / m["registers"]["write_list"]["bin"]).read_bytes()
    writes = [(int.from_bytes(raw[i:i + 4], "little"), int.from_bytes(raw[i + 4:i + 8], "little"))
              for i in range(0, len(raw), 8)]
    pw = np.array(read_hex(d / m["params"]["hex"]), dtype=np.int64).reshape(-1, int(m["params"]["words_per_block"]))
    f = m["frames"]
    fwrites = None
    iw, ih = int(f["width"]), int(f["height"])
    if top == "camera":
        iw, ih = int(f["bayer"]["width"]), int(f["bayer"]["height"])
        raw = (d / m["registers"]["frame_writes"]["bin"]).read_bytes()
        fwrites = [tuple(int.from_bytes(raw[i + 4 * j:i + 4 * j + 4], "little") for j in range(3))
                   for i in range(0, len(raw), 12)]
    return VectorSet(d, m, int(f["count"]), int(f["width"]), int(f["height"]), fin, fout,
                     read_records(d / si["bin"], fin.record_bytes), read_records(d / so["bin"], fout.record_bytes),
                     writes, pw, top, iw, ih, fwrites)


__all__ = [
    "SCHEMA_VERSION",
    "TAP_STAGES",
    "StreamFormat",
    "VectorSet",
    "VectorSetError",
    "axil_write_list",
    "check_vector_set",
    "load_vector_set",
    "read_hex",
    "read_records",
    "split_beat",
    "stream_beats",
    "stream_formats",
    "write_camera_vector_set",
    "write_vector_set",
]
