"""The fast cocotb path's Python side: a vector set replayed through the HDL harness
``sim/taisp/hdl/taisp_fast_tb.v`` (streams played out and checked in HDL, stalls from HDL
LFSRs), Python acting once per frame: reset, ID, the set's write list over AXI4-Lite, per frame
the between-frame writes (camera sets), STATUS.READY, the PARAM read-back against the set, then
``start`` and a wait for ``done``; at the end the checker's counters, ERROR and FRAMES.

Environment: ``TAISP_VECTOR_DIR`` (the set), ``TAISP_TB_CASE`` (JSON: ``stall_in``,
``stall_out`` fractions, ``seed``, ``frames``, ``check_params``, ``program_weights``, ``expect_fail``),
``TAISP_TB_RESULT`` (where the counts are written as JSON). Built and run by
:func:`sim.taisp.fastpath.run_fast`.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import AxiLiteBus, AxiLiteMaster

from fixedpoint.taisp import regmap
from sim.taisp.fastpath import set_control, stall_level
from sim.taisp.testbench import CLOCK_NS

STATUS_READY = regmap.field_value("STATUS", "READY")


async def _wait_ready(axil: AxiLiteMaster, dut, limit_cycles: int = 2_000_000) -> None:
    async def poll():
        while not (await axil.read_dword(regmap.address("STATUS"))) & STATUS_READY:
            await ClockCycles(dut.clk, 64)
    await with_timeout(poll(), limit_cycles * CLOCK_NS, "ns")


@cocotb.test(timeout_time=7200, timeout_unit="sec")
async def fast_replay(dut):
    """Replay the set; every output beat is compared in HDL; counts go to TAISP_TB_RESULT."""
    case = json.loads(os.environ.get("TAISP_TB_CASE", "{}"))
    vs = set_control(os.environ["TAISP_VECTOR_DIR"])
    nframes = vs.frames if case.get("frames") is None else min(int(case["frames"]), vs.frames)
    t0, c0 = time.perf_counter(), time.process_time()
    Clock(dut.clk, CLOCK_NS, unit="ns", impl="gpi").start()
    dut.start.value = 0
    dut.frame.value = 0
    dut.stall_in.value = stall_level(float(case.get("stall_in", 0)))
    dut.stall_out.value = stall_level(float(case.get("stall_out", 0)))
    dut.seed.value = int(case.get("seed", 1)) & 0xFFFFFFFF
    dut.rst.value = 1
    for n in ("awvalid", "wvalid", "arvalid", "bready", "rready"):
        getattr(dut, f"s_axil_{n}").value = 0
    await ClockCycles(dut.clk, 2)
    logging.getLogger(f"cocotb.{dut._name}.s_axil").setLevel(logging.WARNING)  # no line per register access
    axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
    await ClockCycles(dut.clk, 8)
    dut.rst.value = 0
    await ClockCycles(dut.clk, 4)
    assert await axil.read_dword(regmap.address("ID")) == regmap.ID_VALUE
    await _wait_ready(axil, dut)
    program_weights = bool(case.get("program_weights", True))
    for addr, data in vs.writes:  # program_weights False: the build-time weights (gen/weights.hex, the same words)
        if program_weights or addr < regmap.WEIGHT_BASE:
            await axil.write_dword(addr, data)
    await ClockCycles(dut.clk, 4)
    await _wait_ready(axil, dut)
    assert await axil.read_dword(regmap.address("ACTIVE_SIZE")) == regmap.pack_fields(
        "ACTIVE_SIZE", WIDTH=vs.width, HEIGHT=vs.height)
    pmax = max(stall_level(float(case.get("stall_in", 0))), stall_level(float(case.get("stall_out", 0))))
    limit = int((6 * vs.width * (vs.height + 4) + 20000) * 256 / (256 - pmax))
    check_params = bool(case.get("check_params", True))
    expect_fail = bool(case.get("expect_fail", False))
    param_words = 0
    for k in range(nframes):
        fw = vs.writes_before(k)
        if fw:  # camera sets: the next RAW file's front-end setting (CTRL = COMMIT)
            for addr, data in fw:
                await axil.write_dword(addr, data)
            await ClockCycles(dut.clk, 4)
        await _wait_ready(axil, dut)
        if check_params:
            for j, want in enumerate(vs.params[k]):
                got = await axil.read_dword(regmap.PARAM_BASE + 4 * j)
                param_words += 1
                assert got == int(want), f"parameters for frame {k}: word {j} RTL {got}, expected {int(want)}"
        dut.frame.value = k
        dut.start.value = 1
        await RisingEdge(dut.clk)
        dut.start.value = 0
        await RisingEdge(dut.clk)
        try:
            await with_timeout(RisingEdge(dut.done), limit * CLOCK_NS, "ns")
        except cocotb.triggers.SimTimeoutError:
            raise AssertionError(f"frame {k}: not done within {limit} cycles: {int(dut.beats_checked.value)} beats "
                                 f"checked, {int(dut.beats_sent.value)} sent") from None
        if not expect_fail:
            assert int(dut.mismatches.value) == 0, _first(dut, vs)
        dut._log.info("frame %d of %d: %d beats checked in HDL", k + 1, nframes, int(dut.beats_checked.value))
    await ClockCycles(dut.clk, 4 * vs.width + 64)  # any extra beats
    if check_params:
        await _wait_ready(axil, dut)
        for j, want in enumerate(vs.params[nframes]):
            got = await axil.read_dword(regmap.PARAM_BASE + 4 * j)
            param_words += 1
            assert got == int(want), f"parameters after frame {nframes - 1}: word {j} RTL {got}, expected {int(want)}"
    nerr = int(dut.mismatches.value)
    res = {"frames": nframes, "beats_expected": nframes * vs.width * vs.height,
           "beats_checked": int(dut.beats_checked.value), "mismatches": nerr,
           "first_mismatch": None if nerr == 0 else {"beat": int(dut.first_beat.value), "got": int(dut.first_got.value),
                                                    "want": int(dut.first_want.value)},
           "param_words": param_words, "cycles": int(dut.cycles.value), "seconds": time.perf_counter() - t0,
           "cpu_seconds": time.process_time() - c0}
    if os.environ.get("TAISP_TB_RESULT"):
        Path(os.environ["TAISP_TB_RESULT"]).write_text(json.dumps(res))
    if not expect_fail:
        assert nerr == 0, _first(dut, vs)
        assert res["beats_checked"] == res["beats_expected"], f"{res['beats_checked']} beats, expected {res['beats_expected']}"
        assert await axil.read_dword(regmap.address("ERROR")) == 0
        assert await axil.read_dword(regmap.address("FRAMES")) == nframes


def _first(dut, vs) -> str:
    b = int(dut.first_beat.value)
    n = vs.width * vs.height
    return (f"{int(dut.mismatches.value)} mismatching beat(s); first: beat {b} (frame {b // n}, line {(b % n) // vs.width}, "
            f"pixel {b % vs.width}): RTL {{eol,sof,tdata}} {int(dut.first_got.value):#x}, expected {int(dut.first_want.value):#x}")
