"""A third, strict front end for the RTL: slang (``pyslang``, the IEEE 1800 compiler library).

Every module of ``hls/rtl/common`` and ``hls/rtl/taisp`` elaborates as the top level, and so
does the plain Verilog testbench ``sim/taisp/hdl/taisp_vectors_tb.v`` (on a small vector set),
with no error: slang enforces rules that Verilator and Icarus let pass and that vendor tools
(AMD xvlog, Questa) enforce too, such as an identifier used before its declaration. Like the
Verilator and Icarus lints (``test_rtl_lint.py``) each run sees every RTL file and the generated
headers of the default configs (TA-ISP's and POS-ISP's); a module with a ``MEM_DIR`` parameter gets
its model's generated folder.
The five tables are also elaborated as configured (``sim/tb/common/isp_table_bank.v``, default
and variant configs). slang's warnings (signedness and width style) are reported with a failure
but are not failures themselves.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pyslang  # a dependency (pyproject.toml, scripts/setup.sh): missing is an error, not a skip
import pytest
from pyslang.driver import Driver

from sim.runner import REPO, RTL_INCLUDE_DIRS, TB_HDL_DIR, all_rtl, generated_dir, model_rtl, posisp_generated_dir, rtl_model, rtl_sources

PLAIN_TB = REPO / "sim" / "taisp" / "hdl" / "taisp_vectors_tb.v"
TABLE_BANK = REPO / "sim" / "tb" / "common" / "isp_table_bank.v"
_MODULE_RE = re.compile(r"^\s*module\s+([A-Za-z_][A-Za-z0-9_$]*)", re.MULTILINE)
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_MEM_DIR_RE = re.compile(r"\bparameter\b[^;]*?\bMEM_DIR\b")


def _modules() -> dict[str, Path]:
    """Module name -> file, for every module declared in the RTL files of the block (the file
    name when none can be read, so that a broken file still gets a failing test)."""
    mods: dict[str, Path] = {}
    for f in all_rtl():
        names = _MODULE_RE.findall(_COMMENT_RE.sub("", f.read_text(errors="replace"))) or [f.stem]
        for n in names:
            mods.setdefault(n, f)
    return mods


MODULES = _modules()


def _has_mem_dir(path: Path) -> bool:
    return _MEM_DIR_RE.search(_COMMENT_RE.sub("", path.read_text(errors="replace"))) is not None


def slang_elaborate(top: str, sources: list[Path], include_dirs: list[Path],
                    params: dict[str, str] | None = None) -> tuple[list[str], str]:
    """Parse and elaborate ``sources`` with ``top`` as the top level, as the ``slang`` command
    line would; returns (error messages, the full diagnostic report)."""
    args = ["slang", "--top", top, *[f"-I{d}" for d in include_dirs]]
    for k, v in (params or {}).items():
        args.append(f"-G{k}={v}")
    args += [str(s) for s in sources]
    d = Driver()
    d.addStandardArgs()
    cmd = shlex.join(args)
    if not (d.parseCommandLine(cmd) and d.processOptions() and d.parseAllSources()):
        return [f"slang could not read the sources: {cmd}"], ""
    comp = d.createCompilation()
    diags = comp.getAllDiagnostics()
    report = pyslang.DiagnosticEngine.reportAll(d.sourceManager, diags)
    errors = [ln for ln in report.splitlines() if ": error: " in ln or ": fatal: " in ln]
    if any(x.isError() for x in diags) and not errors:
        errors = ["(errors without a message line)"]
    tops = [inst.name for inst in comp.getRoot().topInstances]
    if tops != [top]:
        errors.append(f"top instances {tops}, expected [{top!r}]")
    return errors, f"$ {cmd}\n{report}"


def _check(top: str, sources: list[Path], include_dirs: list[Path], params: dict[str, str] | None = None) -> None:
    errors, report = slang_elaborate(top, sources, include_dirs, params)
    if errors:
        pytest.fail(f"slang: {top} does not elaborate: {len(errors)} error(s)\n" + "\n".join(errors)
                    + f"\n\n{report}", pytrace=False)


@pytest.fixture(scope="module")
def gen_dir() -> Path:
    return generated_dir()


@pytest.fixture(scope="module")
def posisp_gen_dir() -> Path:
    return posisp_generated_dir()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_slang_elaborates(module, gen_dir, posisp_gen_dir):
    mem = posisp_gen_dir if rtl_model(MODULES[module]) == "posisp" else gen_dir
    params = {"MEM_DIR": f'"{mem}"'} if _has_mem_dir(MODULES[module]) else None
    _check(module, all_rtl(), [gen_dir, posisp_gen_dir, *RTL_INCLUDE_DIRS], params)


@pytest.mark.parametrize("config", ["default", "variant"])
def test_slang_table_bank(config, tmp_path):
    """isp_table with the parameters of every configured table (as the pipeline instantiates it)."""
    from fixedpoint.taisp.variants import write_table_variant_config

    gen = generated_dir(write_table_variant_config(tmp_path) if config == "variant" else None)
    _check("isp_table_bank", [*rtl_sources("isp_table"), TABLE_BANK], [gen, *RTL_INCLUDE_DIRS], {"MEM_DIR": f'"{gen}"'})


@pytest.mark.parametrize("top", ["core", "camera"])
def test_slang_plain_testbench(tmp_path, top):
    """The plain vector testbench with the whole block (its stage probes included), on a
    one-frame 8x4 vector set (core) or a two-frame 8x4 Bayer set (camera: taisp_camera, the
    writes between frames): the include path and MEM_DIR as the bring-up procedure gives them."""
    from fixedpoint.config import load_config
    from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
    from golden.taisp.checkpoint import load_checkpoint
    from sim.taisp.vectors import write_camera_vector_set, write_vector_set
    from sim.vector_inputs import scene_bayer_frames, scene_frames

    cfg = load_config()
    vec = tmp_path / "vec"
    isp = load_checkpoint(DEFAULT_CHECKPOINT)
    if top == "core":
        write_vector_set(vec, scene_frames(1, cfg, (8, 4)), isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    else:
        frames = scene_bayer_frames(1, cfg, (8, 4), cfa="RGGB") + scene_bayer_frames(1, cfg, (8, 4), cfa="GBRG", seed=1)
        write_camera_vector_set(vec, frames, isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
        assert "TAISP_VEC_NFWRITES" in (vec / "vectors.vh").read_text()
    _check("taisp_vectors_tb", [PLAIN_TB, *model_rtl("taisp")], [vec, vec / "gen", *RTL_INCLUDE_DIRS, TB_HDL_DIR],
           {"MEM_DIR": f'"{vec / "gen"}"'})


def test_slang_finds_use_before_declaration(tmp_path):
    """The front end is strict where the others are not: a signal used before its declaration
    (accepted by Verilator and Icarus) is an error here."""
    bad = tmp_path / "bad.v"
    bad.write_text("`default_nettype none\nmodule bad(input wire a, output wire y);\n"
                   "assign y = a & b;\nwire b = a;\nendmodule\n")
    errors, _ = slang_elaborate("bad", [bad], [])
    assert any("before its declaration" in e for e in errors), errors
