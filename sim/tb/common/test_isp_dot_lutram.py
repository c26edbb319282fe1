"""isp_dot_lutram (a dot product from LUT-RAM tables plus a term, pipelined: the mask head's
MH_LUT_REGIONS regions) against exact integer arithmetic: random and extreme weights, inputs and
terms, a new input every cycle, the tables refreshed after every weight change (within
2 * 2^DG_W cycles, the module's contract). The latency is found from the first outputs and must
then hold for every one (taisp_rgfc checks at elaboration that it equals the multiplier path's)."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, RisingEdge

N_VECTORS = 60
N_WEIGHT_SETS = 4
MAX_LATENCY = 16


def _pack(values: list[int], w: int) -> int:
    m = (1 << w) - 1
    return sum((int(v) & m) << (i * w) for i, v in enumerate(values))


def _signed(v: int, w: int) -> int:
    return v - (1 << w) if v >> (w - 1) else v


@cocotb.test(timeout_time=50, timeout_unit="ms")
async def run_dot(dut):
    p = json.loads(os.environ["TAISP_TB_PARAMS"])
    n, ww, xw, dg, sw = p["N"], p["W_W"], p["X_W"], p["DG_W"], p["S_W"]
    rng = np.random.default_rng(n * 100 + ww)
    wlo, whi, xhi = -(1 << (ww - 1)), (1 << (ww - 1)) - 1, (1 << xw) - 1
    clo, chi = -(1 << (sw - 3)), (1 << (sw - 3)) - 1  # c + the sum fits S_W
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    tab_d = 0
    dut.rst.value = 1
    dut.ce.value = 1
    for sig in (dut.tab_d, dut.w, dut.x, dut.c):
        sig.value = 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0

    async def step() -> None:  # one clock; the shared count advances as taisp_rgfc's does
        nonlocal tab_d
        await RisingEdge(dut.clk)
        tab_d = (tab_d + 1) % (1 << dg)
        dut.tab_d.value = tab_d

    weight_sets = [[whi] * n, [wlo] * n] + [[int(v) for v in rng.integers(wlo, whi + 1, n)]
                                           for _ in range(N_WEIGHT_SETS - 2)]
    lag = None  # outputs lag their inputs by the latency - 1 samples (the first register takes the input's edge)
    checked = 0
    for ws in weight_sets:
        dut.w.value = _pack(ws, ww)
        for _ in range(2 << dg):  # the tables follow within 2 * 2^DG_W cycles
            await step()
        xs_list = [[xhi] * n, [0] * n, [int(v) for v in rng.integers(0, 2, n) * xhi]]
        xs_list += [[int(v) for v in rng.integers(0, xhi + 1, n)] for _ in range(N_VECTORS)]
        cs = [chi, clo, 0] + [int(v) for v in rng.integers(clo, chi + 1, N_VECTORS)]
        if not p.get("C_DELAY", 1):  # no delay line: c is held with the weights (taisp_rgfc's bias)
            cs = [int(rng.integers(clo, chi + 1))] * len(xs_list)
            dut.c.value = cs[0] & ((1 << sw) - 1)
        want = [c + sum(a * b for a, b in zip(ws, xs)) for xs, c in zip(xs_list, cs)]
        got: list[int] = []
        for k in range(len(xs_list) + MAX_LATENCY):  # a new x and c every cycle, s sampled mid-cycle
            if k < len(xs_list):
                dut.x.value = _pack(xs_list[k], xw)
                dut.c.value = cs[k] & ((1 << sw) - 1)
            await step()
            await FallingEdge(dut.clk)
            got.append(_signed(int(dut.s.value), sw))
        if lag is None:
            lag = next((g for g in range(MAX_LATENCY) if got[g:g + len(want)] == want), None)
            assert lag is not None, f"no latency up to {MAX_LATENCY} gives the exact results: {got[:8]} ... for {want[:4]} ..."
        for k, wv in enumerate(want):
            assert got[k + lag] == wv, (f"latency {lag + 1}: weights {ws}, inputs {xs_list[k]}, c {cs[k]}: "
                                        f"RTL {got[k + lag]}, exact {wv}")
            checked += 1
    assert checked == N_WEIGHT_SETS * (N_VECTORS + 3)
    dut._log.info("isp_dot_lutram: %d results exact, latency %d cycles", checked, lag + 1)


CASES = {
    # the TA-ISP mask head's region in compact.toml: its shape is read from the generated headers
    # when the case runs (_mask_head_params), its bias held with the weights (no delay line)
    "mask_head": dict(C_DELAY=0),
    # an odd shape: 5 products, a top digit of 3 bits, narrow weights, a register after every level
    "odd": dict(N=5, W_W=9, X_W=11, DG_W=4, S_W=26, LPR=1),
    # the same with c held (no delay line)
    "odd_held": dict(N=5, W_W=9, X_W=11, DG_W=4, S_W=26, LPR=1, C_DELAY=0),
}

#: the default run: the odd shape, with and without the delay line, on Icarus (seconds); every
#: case on both simulators with TAISP_FULL_MATRIX=1 (the mask head's shape: 81 table reads a
#: cycle), and the whole core on Verilator there (test_core_frames_compact_lutram)
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
DOT_RUNS = [(s, c) for c in sorted(CASES) for s in ("icarus", "verilator")
            if FULL or (s, c) in (("icarus", "odd"), ("icarus", "odd_held"))]


def _mask_head_params() -> dict[str, int]:
    """A mask-head region of compact.toml as taisp_rgfc instantiates isp_dot_lutram: taps per
    region, wm and xm widths from the generated headers, 5-bit digits (taisp_rgfc's DGW), the
    region sum's width (taisp_rgfc's CVW) and the tree's LPR (taisp_pipe.vh)."""
    import re

    from fixedpoint.taisp import DEFAULT_CONFIG
    from sim.runner import generated_dir
    from sim.taisp.pipeline import pipe_define

    gen = generated_dir(DEFAULT_CONFIG.with_name("compact.toml"))
    text = "".join(f.read_text() for f in sorted(gen.glob("*.vh")))

    def define(name: str) -> int:
        m = re.search(rf"^`define {name}\s+(\d+)", text, re.M)
        assert m, f"no `define {name} in {gen}"
        return int(m.group(1))
    n = define("TAISP_WLEN_WM") // define("TAISP_N_REGIONS")
    wm, xm = define("TAISP_RGFC_WM_W"), define("TAISP_HSA_XM_W")
    return dict(N=n, W_W=wm, X_W=xm, DG_W=5, S_W=xm + wm + 1 + n.bit_length() + 1,  # clog2(n + 1) = n.bit_length()
                LPR=pipe_define("TAISP_TREE_LPR"))


@pytest.mark.parametrize("simulator,case", DOT_RUNS)
def test_isp_dot_lutram(simulator, case):
    from sim.runner import RTL_COMMON, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    params = {**(_mask_head_params() if case == "mask_head" else {}), **CASES[case]}
    run_cocotb(simulator, "isp_dot_lutram", "sim.tb.common.test_isp_dot_lutram",
               sources=[RTL_COMMON / f for f in ("isp_dot_lutram.v", "isp_addtree.v", "isp_delay.v")],
               parameters=params, build_name=f"isp_dot_lutram_{case}",
               extra_env={"TAISP_TB_PARAMS": json.dumps(params)})
