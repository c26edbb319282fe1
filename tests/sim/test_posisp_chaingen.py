"""The POS-ISP chain generator (``fixedpoint/posisp/chaingen.py``, ``taisp gen --model posisp``):
generated chain tops lint clean (Verilator ``-Wall``) and elaborate (Icarus, slang) for the shipped
checkpoints' orders, two random orders and the empty chain; bad orders are one-line errors; the
parameter bus header holds the driver's defaults.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.posisp import regmap
from fixedpoint.posisp.chaingen import (FILTERS, chain_order, chain_verilog, check_order, checkpoint_order, param_layout,
                                        params_header, write_chain)
from fixedpoint.posisp.driver import default_output
from fixedpoint.posisp.schema import load_posisp_config
from golden.posisp import CHECKPOINT_DIR
from sim.runner import RTL_INCLUDE_DIRS, model_rtl, simulator_available, tool_env


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
    srcs = [str(gen / "posisp_chain.v"), *map(str, model_rtl("posisp"))]
    incs = [f"-I{gen}", *[f"-I{d}" for d in RTL_INCLUDE_DIRS]]
    assert simulator_available("verilator") and simulator_available("icarus")
    tool_env()
    v = subprocess.run([shutil.which("verilator"), "--lint-only", "-Wall", *incs, "--top-module", "posisp_chain",
                        f'-GMEM_DIR="{gen}"', *srcs], capture_output=True, text=True, timeout=600)
    problems = [ln for ln in (v.stdout + v.stderr).splitlines() if ln.startswith(("%Warning", "%Error"))]
    assert v.returncode == 0 and not problems, "\n".join(problems[:20])
    i = subprocess.run(["iverilog", "-g2005", "-o", str(tmp_path / "a.vvp"), *incs, "-s", "posisp_chain",
                        f'-Pposisp_chain.MEM_DIR="{gen}"', *srcs], capture_output=True, text=True, timeout=600)
    assert i.returncode == 0, i.stdout + i.stderr


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
