"""C simulation of the HLS C++ block (``hls/cpp/``) with g++ on a vector set (``taisp vectors``).

    .venv/bin/python -m sim.taisp.csim VEC                        # replay a vector set: build from VEC/gen, run, report
    .venv/bin/python -m sim.taisp.csim VEC --inject short_line@2  # with a stream fault before frame 2
    .venv/bin/python -m sim.taisp.csim --size 32x24 --frames 4    # write a built-in scene set first (--out), then replay

The testbench (``hls/cpp/taisp/tb/``) reads the project's one vector-set format (:mod:`sim.taisp.vectors`,
``sim/README.md``) without Python: the manifest, ``stream_in``/``stream_out``, ``taps/*.hex``,
``params.hex`` and the AXI4-Lite write list ``axil_writes``, which programs the C++ block.

* :func:`build` compiles ``hls/cpp/taisp/taisp_core.cpp`` and the testbench against a vector set's own
  ``gen/`` headers (``taisp_config.h``, ``taisp_regmap.h``, ``tab_<name>.h``: the set's config),
  with g++ -std=c++14 -O2 -Wall -Wextra and the ``ap_types`` of the hls4ml wheel as system
  headers. Cached in ``build/hls_csim/<hash>/``: the hash covers those headers, the C++ sources
  and the flags, so each config is compiled once (the headers are copied into the build).
* :func:`run` runs a built testbench on a vector set and parses its report; :func:`run_csim`
  does both.
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

from fixedpoint.taisp import regmap
from golden.frame_size import size_arg

from ..buildlock import build_lock

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "hls" / "cpp" / "taisp"
#: Shared HLS C++ primitives (``isp_*.h``).
COMMON = REPO / "hls" / "cpp" / "common"
BUILD_ROOT = REPO / "build" / "hls_csim"
SOURCES = ("taisp_core.cpp", "tb/vectors.cpp", "tb/taisp_csim.cpp")
#: -Wno-unknown-pragmas: g++ does not know ``#pragma HLS`` (Vitis HLS's own csim passes it too)
CXXFLAGS = ("-std=c++14", "-O2", "-Wall", "-Wextra", "-Wno-unknown-pragmas")
#: the generated headers the C++ includes (of a vector set's gen/ folder)
GEN_HEADERS = ("taisp_config.h", "taisp_regmap.h", "tab_*.h")
#: stream faults the testbench injects (``--inject FAULT@K``) and the ERROR bit each sets
FAULTS = {"short_line": regmap.field_value("ERROR", "SHORT_LINE"), "long_line": regmap.field_value("ERROR", "LONG_LINE"),
          "missing_sof": regmap.field_value("ERROR", "MISSING_SOF"),
          "early_sof": regmap.field_value("ERROR", "EARLY_SOF"), "extra": 0}


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
    #: the generated headers compiled in (a copy of the vector set's gen/ headers)
    gen_dir: Path
    log: str
    seconds: float
    cached: bool
    #: compiler diagnostics (warnings, errors) located in this project's files (hls/cpp, the generated headers)
    own_diagnostics: list[str] = field(default_factory=list)


def gen_headers(gen_dir: str | Path) -> dict[str, bytes]:
    """The C++ headers of a ``taisp gen`` folder (a vector set's ``gen/``): name -> contents."""
    d = Path(gen_dir)
    files = {p.name: p.read_bytes() for pat in GEN_HEADERS for p in sorted(d.glob(pat))}
    missing = [h for h in ("taisp_config.h", "taisp_regmap.h") if h not in files]
    if missing or not any(n.startswith("tab_") for n in files):
        raise FileNotFoundError(f"{d}: no generated C++ headers ({', '.join(missing) or 'tab_*.h'} missing): "
                                "expected a vector set's gen/ folder or `taisp gen` output")
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


def build(gen_dir: str | Path, build_root: Path | None = None, max_w: int | None = None, force: bool = False) -> Build:
    """Compile the C simulation against the generated headers in ``gen_dir`` (a vector set's
    ``gen/``), once per distinct headers, sources and flags.

    ``max_w``: the line-buffer depth (``TAISP_MAX_W``, default 2048)."""
    headers = gen_headers(gen_dir)
    ap_dir = ap_types_dir()
    gxx = shutil.which("g++")
    if gxx is None:
        raise RuntimeError("g++ is not installed: run ./scripts/setup.sh")
    flags = list(CXXFLAGS) + ([f"-DTAISP_MAX_W={int(max_w)}"] if max_w else [])
    h = hashlib.sha256()
    for name in sorted(headers):
        h.update(name.encode() + b"\0" + headers[name] + b"\0")
    for src in sorted(list(SRC.glob("*.h")) + list(SRC.glob("*.cpp")) + list(SRC.glob("tb/*.h")) + list(SRC.glob("tb/*.cpp"))
                      + list(COMMON.glob("*.h"))):
        h.update(str(src.relative_to(SRC.parent)).encode() + b"\0" + src.read_bytes() + b"\0")
    h.update(" ".join(flags).encode())
    out = (build_root or BUILD_ROOT) / h.hexdigest()[:16]
    with build_lock(out):  # parallel test processes compile a shared build once
        exe, gen, logf = out / "taisp_csim", out / "gen", out / "build.log"
        if exe.is_file() and logf.is_file() and not force:
            log = logf.read_text()
            return Build(exe, gen, log, 0.0, True, _own_diagnostics(log, (SRC, COMMON, gen)))
        gen.mkdir(parents=True, exist_ok=True)
        for name, data in headers.items():
            (gen / name).write_bytes(data)
        cmd_base = [gxx, *flags, f"-I{gen}", f"-I{SRC}", f"-I{COMMON}", f"-I{SRC / 'tb'}", "-isystem", str(ap_dir)]
        log_parts, objs = [], []
        t0 = time.perf_counter()
        for src in SOURCES:  # one after the other: the machines running this are small
            obj = out / (Path(src).stem + ".o")
            cmd = [*cmd_base, "-c", str(SRC / src), "-o", str(obj)]
            r = subprocess.run(cmd, capture_output=True, text=True)
            log_parts.append("$ " + " ".join(cmd) + "\n" + r.stdout + r.stderr)
            if r.returncode != 0:
                logf.write_text("\n".join(log_parts))
                raise RuntimeError(f"g++ failed on {src}:\n{r.stderr[-6000:]}")
            objs.append(str(obj))
        r = subprocess.run([gxx, *objs, "-o", str(exe) + ".tmp"], capture_output=True, text=True)
        log_parts.append("$ link\n" + r.stdout + r.stderr)
        if r.returncode != 0:
            raise RuntimeError(f"link failed:\n{r.stderr[-4000:]}")
        Path(str(exe) + ".tmp").replace(exe)
        log = "\n".join(log_parts)
        logf.write_text(log)
        return Build(exe, gen, log, time.perf_counter() - t0, False, _own_diagnostics(log, (SRC, COMMON, gen)))


# --------------------------------------------------------------------------------- running
@dataclass
class CsimResult:
    """What the testbench reported."""

    passed: bool
    returncode: int
    #: what was compared: registers, params, the taps (x, xg, A, xs, index, y, out), stream_out
    checked: list[str]
    #: seconds of each taisp_core call on one of the set's frames
    frame_seconds: list[float]
    #: the first mismatch: frame, line, pixel, stage, tap, comp, channel, expected, got (strings)
    mismatch: dict[str, str] | None
    stdout: str
    stderr: str
    #: per call: the ERROR register afterwards (injected calls included)
    errors: list[int] = field(default_factory=list)
    build: Build | None = None

    def summary(self) -> str:
        if self.passed:
            return f"PASS ({len(self.frame_seconds)} frames; compared {', '.join(self.checked)})"
        if self.mismatch:
            m = self.mismatch
            return (f"FAIL at frame {m['frame']}, line {m['line']}, pixel {m['pixel']}: stage {m['stage']}, "
                    f"tap {m['tap']} (expected {m['expected']}, got {m['got']})")
        return f"ERROR (exit {self.returncode}): {self.stderr.strip()[-500:]}"


def run(exe: str | Path, vec_dir: str | Path, taps: bool = True, frames: int | None = None, binary: bool = False,
        inject: str | None = None, timeout: float = 3600) -> CsimResult:
    """Run a built testbench on a vector set. ``inject``: ``"FAULT@K"`` (see :data:`FAULTS`)."""
    cmd = [str(exe), str(vec_dir)] + ([] if taps else ["--no-taps"]) + (["--bin"] if binary else []) \
        + ([] if frames is None else ["--frames", str(frames)]) + ([] if inject is None else ["--inject", inject])
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    secs = [float(m.group(1)) for m in re.finditer(r"^TIME frame=\d+ seconds=([\d.]+)", r.stdout, re.M)]
    errs = [int(m.group(1), 16) for m in re.finditer(r"^TIME .*? error=0x([0-9a-f]+)", r.stdout, re.M)]
    mm = None
    m = re.search(r"^MISMATCH (.*)$", r.stdout, re.M)
    if m:
        mm = dict(kv.split("=", 1) for kv in m.group(1).split() if "=" in kv)
    passed = r.returncode == 0 and re.search(r"^RESULT PASS", r.stdout, re.M) is not None
    ck = re.search(r"^CHECKED (\S*)", r.stdout, re.M)
    return CsimResult(passed, r.returncode, ck.group(1).split(",") if ck else [], secs, mm, r.stdout, r.stderr, errs)


def _set_top(vector_dir: str | Path) -> str:
    try:
        return json.loads((Path(vector_dir) / "manifest.json").read_text()).get("top", "core")
    except (OSError, ValueError):
        return "core"


def run_csim(vector_dir: str | Path, taps: bool = True, frames: int | None = None, binary: bool = False,
             inject: str | None = None, build_root: Path | None = None, max_w: int | None = None,
             timeout: float = 3600) -> CsimResult:
    """Build the C simulation for a vector set (from its ``gen/``; cached) and replay the set.
    A camera set (manifest ``top: camera``) runs the HLS C++ camera (``taisp_camera.cpp``,
    :func:`sim.taisp.camera_csim.run_vector_set`): output, parameters and registers compared
    (no per-stage taps)."""
    if _set_top(vector_dir) == "camera":
        from .camera_csim import run_vector_set

        return run_vector_set(vector_dir, frames=frames, max_w=max_w)
    b = build(Path(vector_dir) / "gen", build_root=build_root, max_w=max_w)
    r = run(b.exe, vector_dir, taps=taps, frames=frames, binary=binary, inject=inject, timeout=timeout)
    r.build = b
    return r


# --------------------------------------------------------------------------------- command line
def write_scene_set(out: str | Path, size: tuple[int, int], frames: int, weights: str = "w1-4", config: str | None = None,
                    seed: int = 0) -> dict:
    """A vector set of the built-in scene (``frames`` frames, exposures cycling) at ``size``.
    ``weights``: ``w1-4``, ``w5-9`` (the shipped checkpoints), ``spread`` or a checkpoint path."""
    from fixedpoint.config import load_config
    from golden.taisp.checkpoint import load_checkpoint

    from golden.taisp import CHECKPOINT_DIR as CHECKPOINTS
    from golden.taisp.weight_sets import weight_set
    from ..vector_inputs import scene_frames
    from .vectors import write_vector_set

    cfg = load_config(config)
    if weights in ("w1-4", "w5-9"):
        ck: Path | None = CHECKPOINTS / f"taisp_{weights}.pth"
        isp = load_checkpoint(ck)
    elif weights == "spread":
        ck, isp = None, weight_set(weights)
    else:
        ck = Path(weights)
        isp = load_checkpoint(ck)
    return write_vector_set(out, scene_frames(frames, cfg, size, seed=seed), isp, cfg, checkpoint=ck,
                            description=f"built-in scene, {frames} frame(s) of {size[0]}x{size[1]}, weights {weights}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("vectors", nargs="?", help="vector set folder (taisp vectors); without it a built-in scene set "
                                               "is written to --out first")
    ap.add_argument("--no-taps", action="store_true", help="compare the registers, parameters and output stream only")
    ap.add_argument("--bin", action="store_true", help="read the .bin streams and write list instead of the .hex files")
    ap.add_argument("--max-frames", type=int, help="replay only the first N frames")
    ap.add_argument("--inject", metavar="FAULT@K", help=f"stream fault before frame K: {', '.join(FAULTS)}")
    ap.add_argument("--max-w", type=int, help="TAISP_MAX_W, the line-buffer depth (default 2048)")
    g = ap.add_argument_group("without VEC: the built-in scene set written first")
    g.add_argument("--size", default="32x24", type=size_arg(2, 1), help="frame size WxH (default 32x24)")
    g.add_argument("--frames", type=int, default=4, help="frames (default 4)")
    g.add_argument("--weights", default="w1-4", help="w1-4, w5-9, spread or a checkpoint path (default w1-4)")
    g.add_argument("--config", help="quantization config TOML (default fixedpoint/taisp/configs/default.toml)")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--out", default="build/csim_run", help="where to write it (default build/csim_run)")
    args = ap.parse_args(argv)
    vec = args.vectors
    if vec is None:
        w, h = args.size
        write_scene_set(args.out, (w, h), args.frames, args.weights, args.config, args.seed)
        vec = args.out
        print(f"[csim] wrote a vector set of {args.frames} scene frame(s) of {w}x{h} to {vec}")
    if not (Path(vec) / "manifest.json").is_file():
        print(f"[csim] {vec}: not a vector set (no manifest.json)", file=sys.stderr)
        return 2
    if _set_top(vec) == "camera":
        r = run_csim(vec, frames=args.max_frames)
        sys.stdout.write(r.stdout)
        print(f"[csim] camera set (taisp_camera.cpp): {r.summary()}")
        return 0 if r.passed else (1 if r.returncode == 1 else 2)
    b = build(Path(vec) / "gen", max_w=args.max_w)
    print(f"[csim] {'cached build' if b.cached else f'built in {b.seconds:.1f} s'} from {vec}/gen: {b.exe}")
    for d in b.own_diagnostics:
        print(f"[csim] {d}")
    r = run(b.exe, vec, taps=not args.no_taps, frames=args.max_frames, binary=args.bin, inject=args.inject)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    print(f"[csim] {r.summary()}")
    return 0 if r.passed else (1 if r.returncode == 1 else 2)


if __name__ == "__main__":
    sys.exit(main())
