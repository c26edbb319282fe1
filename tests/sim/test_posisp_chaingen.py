"""The POS-ISP chain generator (``fixedpoint/posisp/chaingen.py``, ``taisp gen --model posisp``):
generated chain tops lint clean (Verilator ``-Wall``) and elaborate (Icarus, slang) for the shipped
checkpoints' orders, two random orders and the empty chain; the camera top (``--frontend``:
``posisp_camera``, the shared front end ahead of the chain) lints clean and elaborates; bad orders
are one-line errors; the parameter bus header holds the driver's defaults.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.posisp import regmap
from fixedpoint.regmap import cfa_cells
from fixedpoint.posisp.chaingen import (FILTERS, chain_order, chain_verilog, check_order, checkpoint_order, param_layout,
                                        params_header, write_chain)
from fixedpoint.posisp.driver import default_output
from fixedpoint.posisp.schema import load_posisp_config
from golden.posisp import CHECKPOINT_DIR
from sim.runner import RTL_INCLUDE_DIRS, model_rtl, simulator_available, tool_env


def _lint(top: str, srcs: list[str], gen: Path, tmp_path: Path) -> None:
    """Verilator --lint-only -Wall silent and Icarus -g2005 elaborates ``top``."""
    incs = [f"-I{gen}", *[f"-I{d}" for d in RTL_INCLUDE_DIRS]]
    assert simulator_available("verilator") and simulator_available("icarus")
    tool_env()
    v = subprocess.run([shutil.which("verilator"), "--lint-only", "-Wall", *incs, "--top-module", top,
                        f'-GMEM_DIR="{gen}"', *srcs], capture_output=True, text=True, timeout=600)
    problems = [ln for ln in (v.stdout + v.stderr).splitlines() if ln.startswith(("%Warning", "%Error"))]
    assert v.returncode == 0 and not problems, "\n".join(problems[:20])
    i = subprocess.run(["iverilog", "-g2005", "-o", str(tmp_path / "a.vvp"), *incs, "-s", top,
                        f'-P{top}.MEM_DIR="{gen}"', *srcs], capture_output=True, text=True, timeout=600)
    assert i.returncode == 0, i.stdout + i.stderr


def _orders() -> dict[str, list[str]]:
    out = {n: checkpoint_order(CHECKPOINT_DIR / f"posisp_{n}.pth") for n in ("frozen", "joint")}
    for n, seed in (("random1", 1), ("random2", 2)):
        out[n] = [FILTERS[i] for i in np.random.default_rng(seed).permutation(len(FILTERS))]
    out["empty"] = []
    out["one"] = ["denoise"]
    return out


ORDERS = _orders()


@pytest.fixture(scope="module")
def cfg():
    return load_posisp_config()


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_generated_chain_lints(name, tmp_path: Path, cfg):
    """``posisp_chain.v`` of the order: Verilator --lint-only -Wall silent, Icarus -g2005 elaborates."""
    gen = tmp_path / "gen"
    write_chain(cfg, gen, ORDERS[name])
    text = (gen / "posisp_chain.v").read_text()
    insts = re.findall(r"^posisp_(\w+) (?:#\(.*?\) )?u(\d+)_", text, re.MULTILINE)
    assert [n for n, _ in insts] == ORDERS[name], insts
    _lint("posisp_chain", [str(gen / "posisp_chain.v"), *map(str, model_rtl("posisp"))], gen, tmp_path)


def test_generated_camera_lints(tmp_path: Path, cfg):
    """``posisp_camera.v`` (``write_chain(frontend=True)``) around a short chain (a pointwise filter,
    a window filter, a per-frame table): Verilator --lint-only -Wall silent, Icarus -g2005
    elaborates; it instantiates the shared front end, the shared camera register file and the chain."""
    gen = tmp_path / "gen"
    paths = write_chain(cfg, gen, ["exposure", "sharpen", "gamma"], frontend=True)
    assert gen / "posisp_camera.v" in paths
    text = (gen / "posisp_camera.v").read_text()
    for inst in ("isp_camera_regs", "isp_frontend", "posisp_chain"):
        assert re.search(rf"^{inst} #\(", text, re.MULTILINE), inst
    assert "posisp_camera.v" not in [p.name for p in write_chain(cfg, tmp_path / "plain", [])]
    _lint("posisp_camera", [str(gen / "posisp_camera.v"), str(gen / "posisp_chain.v"), *map(str, model_rtl("posisp"))],
          gen, tmp_path)


def test_orders_and_errors():
    """Orders from a checkpoint or a list; unknown and repeated filters are ValueErrors naming them."""
    assert chain_order(CHECKPOINT_DIR / "posisp_frozen.pth") == ORDERS["frozen"]
    assert chain_order(order="wb, exposure") == ["wb", "exposure"]
    assert chain_order(order="") == []
    with pytest.raises(ValueError, match="foo"):
        check_order(["exposure", "foo"])
    with pytest.raises(ValueError, match="at most once"):
        check_order(["wb", "wb"])
    assert "no filter" in chain_verilog([])


def test_params_header(cfg):
    """posisp_params.vh: every register at its entry's width, packed in register-map order, reset
    values equal to the driver's output for DEFAULT_P."""
    lay = param_layout(cfg)
    assert [r for r, *_ in lay] == list(regmap.PARAM_REGISTERS)
    text = params_header(cfg)
    total = int(re.search(r"`define POSISP_PARAM_BITS (\d+)", text).group(1))
    assert total == sum(w for _, _, w, _ in lay)
    m = re.search(r"`define POSISP_PARAM_DEFAULTS (\d+)'h([0-9a-f]+)", text)
    bus = int(m.group(2), 16)
    regs = default_output(cfg).regs
    for r, lo, w, s in lay:
        v = (bus >> lo) & ((1 << w) - 1)
        if s and v >> (w - 1):
            v -= 1 << w
        assert v == regs[r], r


def test_cli_gen(tmp_path: Path, capsys):
    """``taisp gen --model posisp`` writes the chain in the shipped checkpoint's order; a bad
    order is one line."""
    from taisp_cli.main import main

    assert main(["gen", "--model", "posisp", "--out", str(tmp_path / "g")]) == 0
    out = capsys.readouterr().out
    assert " -> ".join(ORDERS["frozen"]) in out and "posisp_chain.v" in out
    w0, w1 = regmap.order_words(ORDERS["frozen"])
    assert f"{w0:08x}" in (tmp_path / "g" / "posisp_regmap.vh").read_text()
    assert main(["gen", "--model", "posisp", "--order", "gamma,nope", "--out", str(tmp_path / "h")]) != 0
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "g" / "posisp_camera.v").exists()


def test_cli_gen_frontend(tmp_path: Path, capsys):
    """``taisp gen --model posisp --frontend`` also writes the camera top ``posisp_camera.v``, whose
    comment names the chain's order; the register map holds the front end's codes."""
    from taisp_cli.main import main

    assert main(["gen", "--model", "posisp", "--order", "wb,gamma", "--frontend", "--out", str(tmp_path / "g")]) == 0
    out = capsys.readouterr().out
    assert "posisp_camera.v" in out and "posisp_chain.v" in out
    cam = (tmp_path / "g" / "posisp_camera.v").read_text()
    assert "module posisp_camera" in cam and "wb -> gamma" in cam
    vh = (tmp_path / "g" / "posisp_regmap.vh").read_text()
    assert f"`define POSISP_CFA_CELLS 32'h{cfa_cells():08x}" in vh
    assert f"`define POSISP_MIN_SIZE {regmap.MIN_SIZE}" in vh
