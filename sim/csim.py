"""C simulation of the HLS C++ block (``hls/cpp/``) with g++: build, vector sets, run.

    .venv/bin/python -m sim.csim --size 32x24 --frames 4 --weights w1-4     # scene frames, previous mode
    .venv/bin/python -m sim.csim --config my.toml --out build/csim_run       # another quantization config

* :func:`build` generates the config's C++ headers (``taisp_config.h``, ``taisp_regmap.h``,
  ``tab_<name>.h``: :mod:`fixedpoint.codegen`) and compiles ``hls/cpp/taisp_core.cpp`` with the
  testbench ``hls/cpp/tb/`` (g++ -std=c++14 -O2 -Wall -Wextra, the ``ap_types`` of the hls4ml
  wheel as system headers). The build is cached in ``build/hls_csim/<hash>/``: the hash covers
  the generated headers, the sources and the flags, so a config is compiled once.
* :func:`write_vectors` runs the fixed-point model (:class:`fixedpoint.model.FixedTAISP`) on a
  frame sequence and writes the interim vector-set format read by ``hls/cpp/tb/vectors.cpp``
  (described there): manifest, input and expected streams, weights, per-frame parameters and
  the taps xg, A, xs, index, y.
* :func:`run` runs the testbench on a vector set and parses its report.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "hls" / "cpp"
BUILD_ROOT = REPO / "build" / "hls_csim"
SOURCES = ("taisp_core.cpp", "tb/vectors.cpp", "tb/taisp_csim.cpp")
#: -Wno-unknown-pragmas: g++ does not know ``#pragma HLS`` (Vitis HLS's own csim passes it too)
CXXFLAGS = ("-std=c++14", "-O2", "-Wall", "-Wextra", "-Wno-unknown-pragmas")
#: taps written per frame: name -> (config entry, components); the index is the region (0..15)
TAPS: dict[str, tuple[str | None, int]] = {
    "xg": ("glc.xg", 3), "A": ("hsa.A", 1), "xs": ("hsa.xs", 3), "index": (None, 1), "y": ("rgfc.y", 3)}


def ap_types_dir() -> Path:
    """The ``ap_types`` headers (ap_fixed.h, ap_int.h, hls_stream.h) inside the hls4ml wheel.

    Located without importing hls4ml (its import needs packages the C simulation does not)."""
    spec = importlib.util.find_spec("hls4ml")
    for root in (spec.submodule_search_locations or []) if spec else []:
        cand = Path(root) / "templates" / "vivado" / "ap_types"
        if (cand / "ap_fixed.h").is_file():
            return cand
    raise RuntimeError("hls4ml (which ships AMD's ap_types headers) is not installed: run ./scripts/setup.sh")


@dataclass
class Build:
    """A compiled C simulation: the testbench executable and what its build said."""

    exe: Path
    gen_dir: Path
    log: str
    seconds: float
    cached: bool
    #: compiler diagnostics (warnings, errors) located in this project's files (hls/cpp, the generated headers)
    own_diagnostics: list[str] = field(default_factory=list)


def generated_headers(cfg) -> dict[str, str]:
    """The C++ headers generated from a config: name -> text."""
    from fixedpoint import codegen, regmap
    from fixedpoint.config import TABLES

    files = {"taisp_config.h": codegen.cpp_header(cfg), "taisp_regmap.h": regmap.cpp_header(cfg)}
    for name in TABLES:
        files[f"tab_{name}.h"] = cfg.table(name).to_cpp_array(f"taisp_tab_{name}")
    return files


def _own_diagnostics(log: str, roots: Sequence[Path]) -> list[str]:
    out = []
    for m in re.finditer(r"^(\S+?):(\d+)(?::\d+)?: (warning|error): (.*)$", log, re.M):
        p = Path(m.group(1))
        p = p if p.is_absolute() else (REPO / p)
        try:
            p = p.resolve()
        except OSError:
            continue
        if any(p.is_relative_to(r.resolve()) for r in roots):
            out.append(m.group(0))
    return out


def build(cfg=None, build_root: Path | None = None, max_w: int | None = None, force: bool = False) -> Build:
    """Compile the C simulation for a quantization config (default: the default config), once.

    ``max_w``: the line-buffer depth (``TAISP_MAX_W``, default 2048)."""
    from fixedpoint.config import load_config

    cfg = cfg if cfg is not None else load_config()
    ap_dir = ap_types_dir()
    gxx = shutil.which("g++")
    if gxx is None:
        raise RuntimeError("g++ is not installed: run ./scripts/setup.sh")
    headers = generated_headers(cfg)
    flags = list(CXXFLAGS) + ([f"-DTAISP_MAX_W={int(max_w)}"] if max_w else [])
    h = hashlib.sha256()
    for name in sorted(headers):
        h.update(name.encode() + b"\0" + headers[name].encode() + b"\0")
    for src in sorted(list(SRC.glob("*.h")) + list(SRC.glob("*.cpp")) + list(SRC.glob("tb/*.h")) + list(SRC.glob("tb/*.cpp"))):
        h.update(str(src.relative_to(SRC)).encode() + b"\0" + src.read_bytes() + b"\0")
    h.update(" ".join(flags).encode())
    out = (build_root or BUILD_ROOT) / h.hexdigest()[:16]
    exe, gen, logf = out / "taisp_csim", out / "gen", out / "build.log"
    if exe.is_file() and logf.is_file() and not force:
        log = logf.read_text()
        return Build(exe, gen, log, 0.0, True, _own_diagnostics(log, (SRC, gen)))
    gen.mkdir(parents=True, exist_ok=True)
    for name, text in headers.items():
        (gen / name).write_text(text)
    cmd_base = [gxx, *flags, f"-I{gen}", f"-I{SRC}", f"-I{SRC / 'tb'}", "-isystem", str(ap_dir)]
    log_parts, objs = [], []
    t0 = time.perf_counter()
    for src in SOURCES:  # one after the other: the machines running this are small
        obj = out / (Path(src).stem + ".o")
        cmd = [*cmd_base, "-c", str(SRC / src), "-o", str(obj)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        log_parts.append("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
        if r.returncode != 0:
            log = "\n".join(log_parts)
            logf.write_text(log)
            raise RuntimeError(f"g++ failed on {src}:\n{r.stderr[-6000:]}")
        objs.append(str(obj))
    r = subprocess.run([gxx, *objs, "-o", str(exe) + ".tmp"], capture_output=True, text=True)
    log_parts.append("$ link\n" + r.stdout + r.stderr)
    if r.returncode != 0:
        raise RuntimeError(f"link failed:\n{r.stderr[-4000:]}")
    Path(str(exe) + ".tmp").replace(exe)
    log = "\n".join(log_parts)
    logf.write_text(log)
    return Build(exe, gen, log, time.perf_counter() - t0, False, _own_diagnostics(log, (SRC, gen)))


# --------------------------------------------------------------------------------- vector sets
def _hex_lines(values: np.ndarray, bits: int) -> list[str]:
    """Two's complement hex words (``bits`` wide) of integer values, one per element."""
    digits = max(1, (bits + 3) // 4)
    v = np.asarray(values)
    if bits <= 63:
        u = (v.astype(np.int64) & ((1 << bits) - 1)).astype(np.uint64)
        return [f"{int(x):0{digits}x}" for x in u.tolist()]
    mask = (1 << bits) - 1
    return [f"{int(x) & mask:0{digits}x}" for x in v.ravel().tolist()]


def _beat_lines(rgb: np.ndarray, comp_bits: int, data_bits: int) -> list[str]:
    """(3, H, W) components -> beats {eol, sof, tdata} (UG934 packing) as hex lines, raster order."""
    from .stimulus import pack_ug934

    _, h, w = rgb.shape
    data = pack_ug934(rgb, comp_bits).ravel()  # Python ints (object array)
    sof = np.zeros(h * w, dtype=object)
    sof[0] = 1
    eol = np.zeros((h, w), dtype=object)
    eol[:, -1] = 1
    words = data | (sof << data_bits) | (eol.ravel() << (data_bits + 1))
    digits = (data_bits + 2 + 3) // 4
    return [f"{int(x):0{digits}x}" for x in words.tolist()]


def write_vectors(out_dir: str | Path, frames: Sequence[np.ndarray], isp, cfg, mode: str = "previous",
                  taps: bool = True, meta: dict | None = None, results=None) -> dict:
    """Run the fixed-point model on ``frames`` (each (3, H, W) raw ``frontend.x``, from reset) and
    write the vector set into ``out_dir``; returns the manifest.

    ``isp``: a golden :class:`~golden.model.TAISP` (its weights are quantized by ``cfg``) or a
    :class:`~fixedpoint.model.FixedTAISP`. ``results``: the model's results if already computed.
    """
    from fixedpoint import regmap
    from fixedpoint.model import FixedTAISP

    if mode != "previous":
        raise ValueError("the block computes the 'previous' statistics mode only")
    fx = isp if isinstance(isp, FixedTAISP) else FixedTAISP(isp, cfg, parallel=None)
    cfg = fx.cfg
    if results is None:
        results = fx.sequence(frames, mode)
    out = Path(out_dir)
    (out / "taps").mkdir(parents=True, exist_ok=True)
    _, h, w = np.asarray(frames[0]).shape
    xw, ow = cfg["frontend.x"].fmt.width, cfg["rgfc.out"].fmt.width
    in_bits, out_bits = (3 * xw + 7) // 8 * 8, (3 * ow + 7) // 8 * 8
    lines_in, lines_out, lines_par = [], [], []
    tap_lines: dict[str, list[str]] = {k: [] for k in TAPS}
    for x, res in zip(frames, results):
        lines_in += _beat_lines(np.asarray(x), xw, in_bits)
        lines_out += _beat_lines(res.out, ow, out_bits)
        words = []
        for pname, entry, _ in regmap.PARAM_LAYOUT:
            words += _hex_lines(np.asarray(res.params[entry]), cfg[entry].fmt.width)
        lines_par.append(" ".join(words))
        if taps:
            for name, (entry, comps) in TAPS.items():
                bits = cfg[entry].fmt.width if entry else 4
                v = np.asarray(res.taps[name])
                v = v.reshape(comps, h * w) if v.ndim == 3 else v.reshape(1, h * w)
                cols = [_hex_lines(v[c], bits) for c in range(comps)]
                tap_lines[name] += [" ".join(t) for t in zip(*cols)]
    (out / "input.hex").write_text("\n".join(lines_in) + "\n")
    (out / "expected.hex").write_text("\n".join(lines_out) + "\n")
    (out / "params.hex").write_text("// per frame: alpha[3] gate[2] w[16] inv_w[16] (raw bits)\n"
                                    + "\n".join(lines_par) + "\n")
    (out / "weights.hex").write_text(regmap.weights_readmemh(fx.weights, cfg, f"{regmap.n_weights()} weight words"))
    tap_desc = []
    if taps:
        for name, (entry, comps) in TAPS.items():
            (out / "taps" / f"{name}.hex").write_text("\n".join(tap_lines[name]) + "\n")
            tap_desc.append({"name": name, "file": f"taps/{name}.hex", "components": comps,
                             "bits": cfg[entry].fmt.width if entry else 4,
                             "signed": bool(cfg[entry].fmt.signed) if entry else False,
                             "entry": entry or "region index"})
    d = fx.defaults
    manifest = {
        "format": "taisp-csim-vectors", "version": 1, "mode": mode,
        "width": int(w), "height": int(h), "frames": len(frames),
        "in_data_bits": in_bits, "out_data_bits": out_bits,
        "input": "input.hex", "expected": "expected.hex", "weights": "weights.hex", "params": "params.hex",
        "registers": {"DEF_ALPHA0": int(d["alpha"][0]), "DEF_ALPHA1": int(d["alpha"][1]),
                      "DEF_ALPHA2": int(d["alpha"][2]), "DEF_GATE0": int(d["gate"][0])},
        "taps": tap_desc, "config": str(cfg.source), **(meta or {}),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


# --------------------------------------------------------------------------------- running
@dataclass
class CsimResult:
    """What the testbench reported."""

    passed: bool
    returncode: int
    #: what was compared: params, the taps, out
    checked: list[str]
    frame_seconds: list[float]
    mismatch: dict[str, str] | None
    stdout: str
    stderr: str


def run(exe: Path, vec_dir: str | Path, taps: bool = True, frames: int | None = None, timeout: float = 3600) -> CsimResult:
    """Run the C simulation on a vector set."""
    cmd = [str(exe), str(vec_dir)] + ([] if taps else ["--no-taps"]) + ([] if frames is None else ["--frames", str(frames)])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    secs = [float(m.group(1)) for m in re.finditer(r"^TIME frame=\d+ seconds=([\d.]+)", r.stdout, re.M)]
    mm = None
    m = re.search(r"^MISMATCH (.*)$", r.stdout, re.M)
    if m:
        mm = dict(kv.split("=", 1) for kv in m.group(1).split())
    passed = r.returncode == 0 and re.search(r"^RESULT PASS", r.stdout, re.M) is not None
    ck = re.search(r"^CHECKED (\S*)", r.stdout, re.M)
    return CsimResult(passed, r.returncode, ck.group(1).split(",") if ck else [], secs, mm, r.stdout, r.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    from fixedpoint.config import load_config

    from .stimulus import frames as scene_frames
    from .stimulus import weight_set

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", help="quantization config TOML (default fixedpoint/configs/default.toml)")
    ap.add_argument("--size", default="32x24", help="frame size WxH (default 32x24)")
    ap.add_argument("--frames", type=int, default=4, help="frames in the sequence (default 4)")
    ap.add_argument("--weights", default="w1-4", help="weight set: w1-4, w5-9, spread (default w1-4)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="build/csim_run", help="vector set folder (default build/csim_run)")
    ap.add_argument("--no-taps", action="store_true", help="compare the output stream and parameters only")
    args = ap.parse_args(argv)
    cfg = load_config(args.config)
    w, h = (int(v) for v in args.size.lower().split("x"))
    b = build(cfg)
    print(f"[csim] {'cached build' if b.cached else f'built in {b.seconds:.1f} s'}: {b.exe}")
    for d in b.own_diagnostics:
        print(f"[csim] {d}")
    fr = scene_frames(cfg, w, h, args.frames, seed=args.seed)
    write_vectors(args.out, fr, weight_set(args.weights), cfg, taps=not args.no_taps,
                  meta={"weight_set": args.weights, "source": "built-in scene"})
    r = run(b.exe, args.out, taps=not args.no_taps)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    return 0 if r.passed else 1


if __name__ == "__main__":
    sys.exit(main())
