"""taisp_core: the streaming block against the fixed-point model (``previous`` statistics
mode), bit for bit, on every output beat of multi-frame sequences; robustness to broken
streams; throughput and latency.

The cocotb tests read their case from the environment (``TAISP_TB_CASE``, JSON) so that one
build per simulator serves every case: the frame size is programmed over AXI4-Lite.
"""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import cocotb
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiStreamFrame

from fixedpoint.config import load_config
from fixedpoint.taisp import DEFAULT_CONFIG, regmap
from fixedpoint.taisp.model import FixedTAISP
from sim.taisp.stimulus import frames as make_frames, weight_set
from sim.taisp.testbench import (FRAME_OVERHEAD_CONST, INIT_HEIGHT, INIT_WIDTH, LATENCY_CONST, CoreTB as TB,
                                 check_sequence, run_core)
from sim.tblib import CROSSED_PATTERNS as PATTERNS, compare_frames as compare


def _case() -> dict:
    return json.loads(os.environ.get("TAISP_TB_CASE", "{}"))


def _err(*names: str) -> int:
    return regmap.field_value("ERROR", *names)


@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_frames(dut):
    """Frame sizes x idle x backpressure, multi-frame sequences, bit-exact."""
    case = _case()
    tb = TB(dut, load_config(case["config"]) if case.get("config") else None)
    await tb.reset()
    isp = weight_set(case.get("weights", "w1-4"))
    program = case.get("weights", "w1-4") != "w1-4"  # w1-4 is baked in at build time
    cfg = tb.cfg
    n = case.get("frames", 3)
    for si, (w, h) in enumerate(case["sizes"]):
        await tb.configure(w, h, isp if (program and si == 0) else None)
        xs = make_frames(cfg, w, h, n, seed=si)
        for pi, (idle, bp) in enumerate(case.get("patterns", [[False, False], [True, False], [False, True], [True, True]])):
            # start each pattern from the defaults: by RESTART (weights and size kept), or by
            # reset (the written weights kept; size and defaults back to their reset values)
            if case.get("between", "restart") == "restart":
                await tb.ctrl("RESTART")
                await ClockCycles(dut.clk, 4)
                await tb.wait_ready()
            else:
                await tb.reset()
                await tb.configure(w, h)
            dut._log.info("%dx%d, %d frames, idle=%s backpressure=%s (cycle %d)", w, h, n, idle, bp, tb.cycle)
            assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=w, HEIGHT=h)
            tb.set_patterns(idle, bp, seed=si)
            model = FixedTAISP(isp, cfg)
            await check_sequence(tb, model, xs, f"{w}x{h} idle={idle} bp={bp}")
            tb.set_patterns(False, False)
    assert await tb.read("ERROR") == 0
    assert await tb.read("BAD_FRAMES") == 0


@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_saturation_counters(dut):
    """The saturation counters equal the model's overflow counts over a sequence."""
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    isp = weight_set("w1-4")
    w, h = 9, 7
    # a default gain of 3.5 (applied by COMMIT + RESTART): the first frame's xg = 3.5 x
    # exceeds glc.xg's range ([0, 2) in the default config) wherever x > 2/3.5; later frames use
    # the gains computed from the statistics
    big = 7 * (1 << cfg["glc.alpha"].fmt.frac) // 2
    for i in range(3):
        await tb.write(f"DEF_ALPHA{i}", big)
    await tb.configure(w, h)
    await tb.ctrl("CLEAR_COUNTERS")
    xs = [np.minimum(f * 4, 1 << cfg["frontend.x"].fmt.frac) for f in make_frames(cfg, w, h, 3, seed=5)]
    model = FixedTAISP(isp, cfg)
    model.defaults["alpha"] = np.full(3, big, dtype=np.int64)
    model.reset()
    totals: dict[str, int] = {}
    for x in xs:
        res = model.frame(x, "previous")
        for k, v in res.overflows.items():
            totals[k] = totals.get(k, 0) + v
        send = cocotb.start_soon(tb.send(x))
        compare(await tb.recv(w, h), res.out, "saturating frame")
        await send
    await tb.wait_ready()
    pixel_path = [e for e in regmap.SAT_ENTRIES if not e.endswith("sum") and not e.endswith("sumsq")]
    for e in pixel_path:
        got = await tb.read(f"SAT:{e}")
        assert got == totals.get(e, 0), f"saturation counter {e}: RTL {got}, model {totals.get(e, 0)}"
    dut._log.info("saturations over 3 frames: %s", {e: totals.get(e, 0) for e in pixel_path})
    # the comparison means something only if the frames did saturate
    assert sum(totals.get(e, 0) for e in pixel_path) > 0, f"no pixel-path saturation in the test frames: {totals}"
    assert totals.get("glc.xg", 0) > 0, f"the bright frames did not saturate glc.xg: {totals}"


@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_robustness(dut):
    """Short and long lines, a missing SOF, an early SOF, reset mid-frame, weights rewritten:
    error flags set, no hang, and the next good frames are bit-exact."""
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    isp = weight_set("w1-4")
    w, h = 8, 5
    await tb.configure(w, h)
    xs = make_frames(cfg, w, h, 4, seed=3)
    model = FixedTAISP(isp, cfg)

    async def good(k, label):
        res = model.frame(xs[k % len(xs)], "previous")
        send = cocotb.start_soon(tb.send(xs[k % len(xs)]))
        compare(await tb.recv(w, h), res.out, label)
        await send

    await good(0, "before errors")
    # -- short line: line 2 ends one pixel early; the frame is completed with zeros
    pk = tb.beats(xs[1])
    short = pk[:2] + [AxiStreamFrame(tdata=pk[2].tdata[:-1], tuser=pk[2].tuser[:-1])] + pk[3:]
    for f in short:
        await tb.source.send(f)
    await tb.recv(w, h)  # framing kept; content not checked
    await tb.wait_ready()
    assert (await tb.read("ERROR")) & _err("SHORT_LINE"), "short line not flagged"
    await good(1, "after a short line")
    # -- long line: line 1 has an extra pixel
    pk = tb.beats(xs[2])
    longl = pk[:1] + [AxiStreamFrame(tdata=pk[1].tdata + [0], tuser=pk[1].tuser + [0])] + pk[2:]
    for f in longl:
        await tb.source.send(f)
    await tb.recv(w, h)
    await tb.wait_ready()
    assert (await tb.read("ERROR")) & _err("LONG_LINE"), "long line not flagged"
    await good(2, "after a long line")
    # -- missing SOF: a frame without tuser is dropped entirely
    pk = tb.beats(xs[3])
    pk[0] = AxiStreamFrame(tdata=pk[0].tdata, tuser=[0] * w)
    for f in pk:
        await tb.source.send(f)
    await tb.source.wait()
    await ClockCycles(dut.clk, 50)
    assert (await tb.read("ERROR")) & _err("MISSING_SOF"), "missing SOF not flagged"
    await good(3, "after a missing SOF")
    # -- early SOF: a frame cut after two lines, then a complete one
    pk = tb.beats(xs[0])
    for f in pk[:2]:
        await tb.source.send(f)
    res = model.frame(xs[0], "previous")
    send = cocotb.start_soon(tb.send(xs[0]))
    await tb.recv(w, h)  # the cut frame, completed with zeros
    compare(await tb.recv(w, h), res.out, "the frame after an early SOF")
    await send
    assert (await tb.read("ERROR")) & _err("EARLY_SOF"), "early SOF not flagged"
    assert await tb.read("BAD_FRAMES") == 3
    await tb.write("ERROR", _err("SHORT_LINE", "LONG_LINE", "MISSING_SOF", "EARLY_SOF"))
    assert await tb.read("ERROR") == 0
    # -- reset in the middle of a frame, then clean frames from the defaults
    tb.set_patterns(False, True)
    pk = tb.beats(xs[1])
    for f in pk[:3]:
        await tb.source.send(f)
    await ClockCycles(dut.clk, 3 * w)
    tb.source.clear()
    await tb.write("DEF_GATE0", 1)
    await tb.reset()
    tb.sink.clear()
    model.reset()
    # the synchronous reset restores the frame size and the defaults (written and in use)
    size = regmap.pack_fields("ACTIVE_SIZE", WIDTH=INIT_WIDTH, HEIGHT=INIT_HEIGHT)
    assert await tb.read("ACTIVE_SIZE") == size, "ACTIVE_SIZE after reset"
    assert (await tb.read("WIDTH"), await tb.read("HEIGHT")) == (INIT_WIDTH, INIT_HEIGHT), "WIDTH/HEIGHT after reset"
    assert await tb.read("DEF_GATE0") == int(model.defaults["gate"][0]), "DEF_GATE0 after reset"
    assert [await tb.read(f"DEF_ALPHA{i}") for i in range(3)] == [int(a) for a in model.defaults["alpha"]]
    assert await tb.read("ERROR") == 0 and await tb.read("BAD_FRAMES") == 0
    assert "state=" in tb.state() and "flush_cnt=" in tb.state(), f"hang report: {tb.state()}"
    await tb.configure(w, h)
    await good(1, "after a reset mid-frame")
    await good(2, "second frame after a reset mid-frame")
    tb.set_patterns(False, False)
    # -- weights rewritten between frames: the statistics are kept, the new weights apply
    other = weight_set("w5-9")
    await tb.program_weights(other)
    await tb.ctrl("COMMIT")
    await ClockCycles(dut.clk, 4)
    await tb.wait_ready()
    updated = FixedTAISP(other, cfg)
    updated.keep_statistics_from(model)
    model = updated
    await good(3, "first frame with rewritten weights")
    await good(0, "second frame with rewritten weights")
    await tb.wait_ready()
    await tb.check_params(model, "after rewritten weights")


@cocotb.test(timeout_time=600, timeout_unit="sec")
async def run_throughput(dut):
    """Cycles per frame with no stalls and the pixel latency, per frame size (logged, written as
    JSON to ``TAISP_TB_RESULT``). Both are fixed by the design: the frame period is
    W*H + 3*W + a constant (the 3 flush lines of the windows, the pipeline tail and the parameter
    engine), the latency 3*W + a constant; checked across sizes."""
    case = _case()
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    starts, firsts = tb.watch_frame_starts()
    results = []
    for w, h in case.get("sizes", [[32, 8], [48, 5]]):
        await tb.configure(w, h)
        xs = make_frames(cfg, w, h, 3, seed=7)
        starts.clear()
        firsts.clear()
        send = cocotb.start_soon(_send_all(tb, xs))
        for _ in xs:
            await tb.recv(w, h)
        await send
        period = [b - a for a, b in zip(starts, starts[1:])]
        latency = [f - s for s, f in zip(starts, firsts)]
        assert len(set(period)) == 1 and len(set(latency)) == 1, f"{w}x{h}: periods {period}, latencies {latency}"
        results.append({"width": w, "height": h, "pixels": w * h, "cycles_per_frame": period[0],
                        "overhead_cycles": period[0] - w * h, "overhead_const": period[0] - w * h - 3 * w,
                        "latency_cycles": latency[0], "latency_const": latency[0] - 3 * w})
        dut._log.info("throughput %dx%d: %s", w, h, results[-1])
    for r in results:  # the documented constants (hls/README.md), not just constant across sizes
        assert r["overhead_const"] == FRAME_OVERHEAD_CONST, f"frame period is not W*H + 3W + {FRAME_OVERHEAD_CONST}: {r}"
        assert r["latency_const"] == LATENCY_CONST, f"latency is not 3W + {LATENCY_CONST}: {r}"
    out = os.environ.get("TAISP_TB_RESULT")
    if out:
        with open(out, "w") as f:
            json.dump(results, f)


async def _send_all(tb, xs):
    for x in xs:
        await tb.send(x)


# ---------------------------------------------------------------------------- pytest
SIMS = ["icarus", "verilator"]


def _run_core(simulator: str, testcase: str, case: dict, gen=None, rtl_params: dict | None = None):
    return run_core(simulator, "sim.tb.taisp.test_taisp_core", testcase, case, gen, rtl_params=rtl_params)


#: the full matrix (opt-in): TAISP_FULL_MATRIX=1 .venv/bin/python -m pytest -q sim/tb/taisp/test_taisp_core.py
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")


#: (simulator, weight set) pairs of test_core_frames: every set on Verilator; on Icarus, the slower
#: simulator, the default run has the spread set (programmed over AXI4-Lite) and the full matrix all
CORE_FRAME_CASES = [(s, w) for w in ("w1-4", "w5-9", "spread") for s in SIMS if FULL or s == "verilator" or w == "spread"]


@pytest.mark.parametrize("simulator,weights", CORE_FRAME_CASES)
def test_core_frames(simulator, weights):
    """Multi-frame sequences, bit-exact on every beat: the smallest frames the windows allow
    (2x1), odd sizes, idle x backpressure crossed, each pattern started by RESTART. The shipped
    weights are the build's defaults; the other sets are programmed over AXI4-Lite."""
    if FULL:
        sizes, n, pats = [[5, 5], [7, 3], [2, 1], [13, 6], [31, 9], [64, 3]], 4, PATTERNS
    elif weights == "w1-4":  # (the default run has it on Verilator only)
        sizes, n, pats = [[5, 5], [7, 3], [2, 1]], 3, PATTERNS
    else:
        sizes, n, pats = [[6, 4]], 3, [[False, False], [True, True]]
    _run_core(simulator, "run_frames", {"sizes": sizes, "frames": n, "weights": weights, "patterns": pats})


#: the word-length search's cheapest config for the default target (fixedpoint/taisp/configs/compact.toml)
COMPACT = DEFAULT_CONFIG.with_name("compact.toml")


@pytest.mark.skipif(not FULL, reason="compact.toml's own build (the C simulation and taisp regress run it by default): TAISP_FULL_MATRIX=1")
@pytest.mark.parametrize("simulator", SIMS)
def test_core_frames_compact(simulator):
    """compact.toml (other word lengths everywhere, the mask head's input narrower than the power
    curve's): its own build, multi-frame sequences bit-exact on every beat, the shipped weights
    (baked in) and the spread set (programmed)."""
    from sim.runner import generated_dir

    gen = generated_dir(COMPACT)
    case = {"sizes": [[5, 5], [7, 3]], "frames": 3, "patterns": [[False, False], [True, True]], "config": str(COMPACT)}
    _run_core(simulator, "run_frames", {**case, "weights": "w1-4"}, gen)
    _run_core(simulator, "run_frames", {**case, "sizes": [[6, 4]], "weights": "spread"}, gen)


#: the compact build for a Zynq-7020 (docs/issues/ISSUE16_NOTE.md): 12 of the 16 mask-head regions
#: take their products from LUT-RAM tables (taisp_rgfc MH_LUT_REGIONS), the other 4 from DSPs
ZYNQ7020_PARAMS = {"MH_LUT_REGIONS": 12}


@pytest.mark.skipif(not FULL, reason="the Zynq-7020 build (a large Verilator build): TAISP_FULL_MATRIX=1")
@pytest.mark.parametrize("simulator", SIMS)
@pytest.mark.parametrize("lut_regions", [12, 16])
def test_core_frames_compact_lutram(simulator, lut_regions):
    """compact.toml with the mask head's products of ``lut_regions`` regions from LUT-RAM tables
    (the rest from multipliers): the same bits on every beat, including the spread weight set
    programmed over AXI4-Lite (the tables follow the new weights) and a RESTART between patterns.
    The default run has it on Verilator (Icarus replays a compact vector set with this build:
    tests/sim/test_vectors.py::test_cocotb_replay_compact_zynq7020); the full matrix on both."""
    from sim.runner import generated_dir

    gen = generated_dir(COMPACT)
    case = {"sizes": [[5, 5], [7, 3]], "frames": 3, "patterns": [[False, False], [True, True]], "config": str(COMPACT)}
    params = {**ZYNQ7020_PARAMS, "MH_LUT_REGIONS": lut_regions}
    _run_core(simulator, "run_frames", {**case, "weights": "w1-4"}, gen, params)
    _run_core(simulator, "run_frames", {**case, "sizes": [[6, 4]], "weights": "spread"}, gen, params)


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_core_wide_line(simulator):
    """A 1080p-wide frame (1920 x 2), two frames, with backpressure (full matrix: every pattern;
    the default run has it on Verilator, the faster simulator, only)."""
    pats = PATTERNS if FULL else [[False, True]]
    _run_core(simulator, "run_frames", {"sizes": [[1920, 2]], "frames": 2, "weights": "w1-4", "patterns": pats})


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_core_robustness(simulator):
    """Short/long lines, missing and early SOF, reset mid-frame, weights rewritten."""
    _run_core(simulator, "run_robustness", {})


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_core_saturation_counters(simulator):
    """The status saturation counters equal the model's overflow counts (the default run on
    Verilator; both simulators in the full matrix)."""
    _run_core(simulator, "run_saturation_counters", {})


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_core_throughput(simulator):
    """Frame period W*H + 3W + constant and latency 3W + constant with no stalls (cycle counts
    from the simulation, which are exact; wall-clock speed is in benchmarks/bench_sim.py; the
    default run on Verilator, both simulators in the full matrix)."""
    _run_core(simulator, "run_throughput", {"sizes": [[32, 4], [7, 3]]})
