"""Replay a POS-ISP vector set through its generated chain with the plain Verilog testbench
(``sim/posisp/hdl/posisp_vectors_tb.v``), as TA-ISP's :mod:`sim.taisp.vector_replay` does for the
core: the commands an engineer would type, run from Python for the tests and ``taisp vectors
--model posisp --replay``.

    res = run_posisp_plain_tb("vec", stall_in=20, stall_out=20)            # Icarus Verilog
    res = run_posisp_plain_tb("vec", simulator="verilator", thumb=True)    # Verilator --binary --timing
    assert res.passed, res.result_line

The build goes to ``build/sim/vectors-posisp/<hash>/<simulator>`` (reused while the set, the
testbench and the RTL are unchanged); the log of a run is ``sim.log`` there.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from ..runner import BUILD_DIR, REPO, RTL_INCLUDE_DIRS, TB_HDL_DIR, model_rtl, tool_env
from ..taisp.vector_replay import ReplayResult, _gcc, run_replay

TB = REPO / "sim" / "posisp" / "hdl" / "posisp_vectors_tb.v"
TOP = "posisp_vectors_tb"
RESULT_RE = re.compile(r"^POSISP_VECTORS RESULT: (PASS|FAIL)\b.*$", re.MULTILINE)
FIRST_RE = re.compile(r"^POSISP_VECTORS MISMATCH .*$", re.MULTILINE)
#: The chain's default build (posisp_chain's MAX_W, MAX_H): larger sets get their own size.
MAX_W, MAX_H = 1920, 1080


def _size(v: Path) -> tuple[int, int]:
    """The largest frame of the set: the chain's, or a camera set's Bayer frame."""
    try:
        f = json.loads((v / "manifest.json").read_text())["frames"]
        f = f.get("bayer", f)
        return int(f["width"]), int(f["height"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{v}: cannot read the frame size from manifest.json ({exc})") from None


def _sources(v: Path) -> list[Path]:
    """The testbench, the set's generated chain (and a camera set's camera top), the RTL."""
    try:
        camera = json.loads((v / "manifest.json").read_text()).get("top") == "camera"
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{v}: cannot read manifest.json ({exc})") from None
    return [TB, *([v / "gen" / "posisp_camera.v"] if camera else []), v / "gen" / "posisp_chain.v", *model_rtl("posisp")]


def _params(v: Path) -> dict[str, object]:
    w, h = _size(v)
    mw, mh = max(MAX_W, w), max(MAX_H, h)
    return {"MEM_DIR": f'"{v / "gen"}"', "MAX_W": mw, "MAX_H": mh, "CW": max(mw, mh).bit_length()}


def iverilog_command(vector_dir: Path, out: Path) -> list[str]:
    """The ``iverilog`` command that builds the testbench for a set."""
    v = vector_dir.resolve()
    return (["iverilog", "-g2005", "-o", str(out), "-s", TOP, "-I", str(v), "-I", str(v / "gen"),
             *[a for d in (*RTL_INCLUDE_DIRS, TB_HDL_DIR) for a in ("-I", str(d))]]
            + [f"-P{TOP}.{k}={val}" for k, val in _params(v).items()] + [str(p) for p in _sources(v)])


def verilator_command(vector_dir: Path, mdir: Path) -> list[str]:
    """The ``verilator --binary --timing`` command that builds the testbench for a set."""
    v = vector_dir.resolve()
    cmd = ["verilator", "--binary", "--timing", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--Mdir", str(mdir),
           "-o", TOP, "--top-module", TOP, f"-I{v}", f"-I{v / 'gen'}", *[f"-I{d}" for d in (*RTL_INCLUDE_DIRS, TB_HDL_DIR)],
           *[f"-G{k}={val}" for k, val in _params(v).items()]]
    if _gcc():
        cmd += ["-CFLAGS", "-fcoroutines"]
    return cmd + [str(p) for p in _sources(v)]


def build_posisp_plain_tb(vector_dir: str | Path, simulator: str = "icarus") -> Path:
    """Compile the testbench for a set; returns the ``.vvp`` file (Icarus) or the executable (Verilator)."""
    if simulator not in ("icarus", "verilator"):
        raise ValueError(f"simulator must be icarus or verilator, got {simulator!r}")
    tool_env()
    tool = "iverilog" if simulator == "icarus" else "verilator"
    if shutil.which(tool) is None:
        raise RuntimeError(f"{tool} is not installed (run scripts/setup.sh)")
    v = Path(vector_dir).resolve()
    h = hashlib.sha256(repr((str(v), simulator)).encode())
    for f in [v / "vectors.vh", *sorted((v / "gen").glob("*")), *_sources(v)]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    bdir = BUILD_DIR / "vectors-posisp" / h.hexdigest()[:12] / simulator
    out = bdir / ("tb.vvp" if simulator == "icarus" else TOP)
    if out.exists():
        return out
    bdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if simulator == "icarus":
        tmp = bdir / "tb.vvp.tmp"
        cmd = iverilog_command(v, tmp)
    else:
        env["MAKEFLAGS"] = (env.get("MAKEFLAGS", "") + " CFG_CXXFLAGS_PCH_I=-include").strip()
        tmp = bdir / "obj_dir"
        cmd = verilator_command(v, tmp)
    p = subprocess.run(cmd, cwd=bdir, capture_output=True, text=True, timeout=3600, env=env, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{tool} failed building the POS-ISP vector testbench for {v}:\n{p.stdout[-4000:]}{p.stderr[-4000:]}")
    (tmp if simulator == "icarus" else tmp / TOP).rename(out)
    return out


def run_posisp_plain_tb(vector_dir: str | Path, *, frames: int | None = None, seed: int = 1, stall_in: int = 0,
                        stall_out: int = 0, thumb: bool = False, max_errors: int = 0, timeout_s: float = 3600,
                        simulator: str = "icarus") -> ReplayResult:
    """Build (if needed) and run the plain testbench on a set; stalls in percent; ``thumb``: read
    the thumbnail window back after every frame. The result is the ``POSISP_VECTORS RESULT`` line."""
    v = Path(vector_dir).resolve()
    exe = build_posisp_plain_tb(v, simulator)
    run = ["vvp", "-n", str(exe)] if exe.suffix == ".vvp" else [str(exe)]
    cmd = [*run, f"+vectors={v}", f"+seed={seed}", f"+stall_in={stall_in}", f"+stall_out={stall_out}",
           f"+max_errors={max_errors}"]
    if frames is not None:
        cmd.append(f"+frames={frames}")
    if thumb:
        cmd.append("+thumb")
    return run_replay(cmd, exe.parent, RESULT_RE, FIRST_RE, timeout_s, "POSISP_VECTORS RESULT")


__all__ = ["MAX_H", "MAX_W", "build_posisp_plain_tb", "iverilog_command", "run_posisp_plain_tb", "verilator_command"]
