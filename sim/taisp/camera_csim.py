"""C simulation of the HLS C++ camera block (``hls/cpp/taisp/taisp_camera.cpp`` with the shared
front end ``hls/cpp/common/isp_frontend.h`` and ``taisp_core.cpp``) with g++: a sequence of calls
(one Bayer frame each, broken streams allowed) run by ``tb/taisp_camera_csim.cpp``; the output
beats, the registers and the parameters of each call come back for comparison with the
fixed-point camera model (:class:`sim.taisp.camera.CameraModel`).
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..buildlock import build_lock
from ..runner import generated_dir
from .csim import BUILD_ROOT, COMMON, CXXFLAGS, SRC, ap_types_dir, gen_headers

SOURCES = ("taisp_core.cpp", "taisp_camera.cpp", "tb/taisp_camera_csim.cpp")


def build(gen_dir: str | Path | None = None, max_w: int | None = None) -> Path:
    """Compile the camera C simulation against the generated headers (cached by content);
    ``max_w``: the line-buffer depth (``TAISP_MAX_W``, default 2048: wider frames are refused
    with ERROR_FE_SIZE)."""
    gen_dir = Path(gen_dir) if gen_dir is not None else generated_dir()
    headers = gen_headers(gen_dir)
    gxx = shutil.which("g++")
    if gxx is None:
        raise RuntimeError("g++ is not installed: run ./scripts/setup.sh")
    h = hashlib.sha256(b"camera")
    for name in sorted(headers):
        h.update(name.encode() + b"\0" + headers[name] + b"\0")
    for src in sorted(list(SRC.glob("*.h")) + list(SRC.glob("*.cpp")) + list(SRC.glob("tb/*.cpp")) + list(COMMON.glob("*.h"))):
        h.update(str(src.relative_to(SRC.parent)).encode() + b"\0" + src.read_bytes() + b"\0")
    flags = list(CXXFLAGS) + ([f"-DTAISP_MAX_W={int(max_w)}"] if max_w else [])
    h.update(" ".join(flags).encode())
    out = BUILD_ROOT / f"camera-{h.hexdigest()[:16]}"
    exe = out / "taisp_camera_csim"
    with build_lock(out):
        if exe.is_file():
            return exe
        gen = out / "gen"
        gen.mkdir(parents=True, exist_ok=True)
        for name, data in headers.items():
            (gen / name).write_bytes(data)
        base = [gxx, *flags, f"-I{gen}", f"-I{SRC}", f"-I{COMMON}", "-isystem", str(ap_types_dir())]
        objs, log = [], []
        for src in SOURCES:
            obj = out / (Path(src).stem + ".o")
            r = subprocess.run([*base, "-c", str(SRC / src), "-o", str(obj)], capture_output=True, text=True)
            log.append(r.stdout + r.stderr)
            if r.returncode != 0:
                raise RuntimeError(f"g++ failed on {src}:\n{r.stderr[-6000:]}")
            objs.append(str(obj))
        r = subprocess.run([gxx, *objs, "-o", str(exe) + ".tmp"], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"link failed:\n{r.stderr[-4000:]}")
        (out / "build.log").write_text("\n".join(log))
        Path(str(exe) + ".tmp").replace(exe)
    return exe


@dataclass
class Call:
    """One call: the registers, and the Bayer beats appended to the input stream before it
    ((data, sof, eol) per beat)."""

    width: int
    height: int
    fe_config: int
    black: list[int]
    gain: list[int]
    beats: list[tuple[int, int, int]]
    ctrl: int = 0
    error_clear: int = 0
    def_gate0: int = 0
    def_alpha: list[int] = field(default_factory=lambda: [0, 0, 0])


@dataclass
class CallResult:
    status: int
    error: int
    frames: int
    bad_frames: int
    params: list[int]
    beats: list[tuple[int, int, int]]


def bayer_beats(mosaic: np.ndarray) -> list[tuple[int, int, int]]:
    h, w = mosaic.shape
    return [(int(mosaic[r, c]), int(r == 0 and c == 0), int(c == w - 1)) for r in range(h) for c in range(w)]


def run(calls: list[Call], gen_dir: str | Path | None = None, max_w: int | None = None) -> list[CallResult]:
    gen_dir = Path(gen_dir) if gen_dir is not None else generated_dir()
    exe = build(gen_dir, max_w)
    with tempfile.TemporaryDirectory() as td:
        fin, fout = Path(td) / "in.txt", Path(td) / "out.txt"
        lines = [str(len(calls))]
        for c in calls:
            lines.append(" ".join(str(int(v)) for v in [c.width, c.height, c.fe_config, *c.black, *c.gain, c.ctrl,
                                                         c.error_clear, c.def_gate0, *c.def_alpha, len(c.beats)]))
            lines += [f"{d} {u} {e}" for d, u, e in c.beats]
        fin.write_text("\n".join(lines) + "\n")
        r = subprocess.run([str(exe), str(gen_dir / "weights.hex"), str(fin), str(fout)], capture_output=True,
                           text=True, timeout=1800)
        if r.returncode != 0:
            raise RuntimeError(f"camera C simulation failed ({r.returncode}): {r.stderr[-3000:]}")
        toks = fout.read_text().split("\n")
    out, i = [], 0
    while i < len(toks) and toks[i].startswith("call"):
        _, _, st, er, fr, bf = toks[i].split()
        params = [int(v) for v in toks[i + 1].split()[1:]]
        n = int(toks[i + 2].split()[1])
        beats = [tuple(int(v) for v in toks[i + 3 + j].split()) for j in range(n)]
        out.append(CallResult(int(st), int(er), int(fr), int(bf), params, beats))
        i += 3 + n
    return out


def run_vector_set(vector_dir: str | Path, frames: int | None = None, max_w: int | None = None):
    """Replay a camera vector set (``taisp vectors --top camera``) through the C-simulated camera:
    the registers as the set's write list and between-frame writes leave them before each frame
    (Bayer size, FE_CONFIG, FE_BLACK, FE_GAIN, the defaults; RESTART before the first frame), the
    weights from the set's ``gen/weights.hex`` (the same words as the write list's), the Bayer
    beats of ``stream_in``; every output beat against ``stream_out`` and the parameters each frame
    used against ``params``, ERROR 0 and FRAMES after each frame. Returns a
    :class:`sim.taisp.csim.CsimResult`."""
    import time

    from fixedpoint.config import load_config
    from fixedpoint.taisp import regmap

    from .csim import CsimResult
    from .vectors import load_vector_set

    vs = load_vector_set(vector_dir)
    if vs.top != "camera":
        raise ValueError(f"{vector_dir}: a {vs.top} set; the camera C simulation takes camera sets")
    d = Path(vector_dir)
    cfg = load_config(d / "config.toml") if (d / "config.toml").is_file() else load_config()
    n = vs.frames if frames is None else min(frames, vs.frames)
    regs: dict[int, int] = {}
    a = regmap.address
    calls = []
    for addr, data in vs.writes:
        regs[addr] = data
    for k in range(n):
        for addr, data in vs.writes_before(k):
            regs[addr] = data
        beats = [(b & ((1 << vs.fmt_in.tdata_bits) - 1), (b >> vs.fmt_in.sof_bit) & 1, (b >> vs.fmt_in.eol_bit) & 1)
                 for b in vs.frame_beats(vs.beats_in, k)]
        gain = [regs[a(f"FE_GAIN{p}_LO")] | (regs[a(f"FE_GAIN{p}_HI")] << 32) for p in range(4)]
        calls.append(Call(regs[a("WIDTH")], regs[a("HEIGHT")], regs[a("FE_CONFIG")],
                          [regs[a(f"FE_BLACK{p}")] for p in range(4)], gain, beats,
                          regmap.field_value("CTRL", "RESTART") if k == 0 else 0, 0, regs[a("DEF_GATE0")],
                          [regs[a(f"DEF_ALPHA{i}")] for i in range(3)]))
    masks = [(1 << cfg[entry].fmt.width) - 1 for _, entry, cnt in regmap.PARAM_LAYOUT for _ in range(cnt)]
    t0 = time.perf_counter()
    try:
        res = run(calls, d / "gen", max_w)
    except RuntimeError as exc:
        return CsimResult(False, 2, [], [], None, "", str(exc))
    secs = (time.perf_counter() - t0) / max(1, n)
    lines, mismatch = [], None
    ow = vs.width
    for k, r in enumerate(res):
        want_p = [int(v) & m for v, m in zip(vs.params[k], masks)]
        if mismatch is None and r.params != want_p:
            j = next(i for i, (g, e) in enumerate(zip(r.params, want_p)) if g != e)
            mismatch = {"frame": str(k), "line": "-", "pixel": "-", "stage": "params", "tap": f"param[{j}]",
                        "expected": str(want_p[j]), "got": str(r.params[j])}
        want = vs.frame_beats(vs.beats_out, k)
        got = [t | (u << vs.fmt_out.sof_bit) | (e << vs.fmt_out.eol_bit) for t, u, e in r.beats]
        if mismatch is None and got != want:
            i = next((i for i, (g, e) in enumerate(zip(got, want)) if g != e), min(len(got), len(want)))
            mismatch = {"frame": str(k), "line": str(i // ow), "pixel": str(i % ow), "stage": "out",
                        "tap": "stream_out", "expected": str(want[i]) if i < len(want) else "end",
                        "got": str(got[i]) if i < len(got) else f"{len(got)} beats"}
        if mismatch is None and (r.error != 0 or r.frames != k + 1):
            mismatch = {"frame": str(k), "line": "-", "pixel": "-", "stage": "registers", "tap": "ERROR/FRAMES",
                        "expected": f"0/{k + 1}", "got": f"{r.error:#x}/{r.frames}"}
        lines.append(f"TIME frame={k} seconds={secs:.6f} error=0x{r.error:x}")
    if len(res) != n and mismatch is None:
        mismatch = {"frame": str(len(res)), "line": "-", "pixel": "-", "stage": "calls", "tap": "-",
                    "expected": str(n), "got": str(len(res))}
    passed = mismatch is None
    lines.append("CHECKED registers,params,stream_out")
    lines.append("RESULT PASS" if passed else "RESULT FAIL")
    return CsimResult(passed, 0 if passed else 1, ["registers", "params", "stream_out"], [secs] * len(res), mismatch,
                      "\n".join(lines) + "\n", "", [r.error for r in res])
