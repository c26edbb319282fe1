"""taisp_core: the streaming block against the fixed-point model (``previous`` statistics
mode), bit for bit, on every output beat of multi-frame sequences; robustness to broken
streams; throughput and latency.

The cocotb tests read their case from the environment (``TAISP_TB_CASE``, JSON) so that one
build per simulator serves every case: the frame size is programmed over AXI4-Lite.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import random

import numpy as np
import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout

from cocotbext.axi import (AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamFrame, AxiStreamSink,
                           AxiStreamSource)

from fixedpoint import regmap
from fixedpoint.config import load_config
from fixedpoint.model import FixedTAISP
from fixedpoint.params import quantize_weights
from sim.stimulus import frames as make_frames, pack_ug934, unpack_ug934, weight_set

CLOCK_NS = 4
MAX_W = 2048


def _case() -> dict:
    return json.loads(os.environ.get("TAISP_TB_CASE", "{}"))


def idle_pattern(seed: int = 1):
    rng = random.Random(seed)
    while True:
        yield rng.random() < 0.3


def backpressure_pattern(seed: int = 2):
    rng = random.Random(seed)
    while True:
        # bursts of stalls, as a busy downstream makes them
        n = rng.choice((0, 0, 1, 3, 8))
        for _ in range(n):
            yield True
        yield False


class TB:
    """Clock, reset, AXI4-Stream source/sink (one lane per pixel) and AXI4-Lite master."""

    def __init__(self, dut):
        self.dut = dut
        for name in ("s_axis", "m_axis", "s_axil"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        self.cfg = load_config()
        self.xw = self.cfg["frontend.x"].fmt.width
        self.ow = self.cfg["rgfc.out"].fmt.width
        cocotb.start_soon(Clock(dut.clk, CLOCK_NS, unit="ns").start())
        self.source = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst, byte_lanes=1)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst, byte_lanes=1)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst)
        self.cycle = 0
        cocotb.start_soon(self._count())

    async def _count(self):
        while True:
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    def set_patterns(self, idle: bool, backpressure: bool, seed: int = 0) -> None:
        # cocotbext-axi leaves ``pause`` at the generator's last value when a generator is
        # removed: clear it, or a stream stays paused for good
        for end, gen in ((self.source, idle_pattern(seed + 1) if idle else None),
                         (self.sink, backpressure_pattern(seed + 2) if backpressure else None)):
            end.set_pause_generator(gen)
            if gen is None:
                end.pause = False

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 5)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, 2)
        await self.wait_ready()

    async def read(self, name: str) -> int:
        return await self.axil.read_dword(regmap.address(name))

    async def write(self, name: str, value: int) -> None:
        await self.axil.write_dword(regmap.address(name), value & 0xFFFFFFFF)

    async def wait_ready(self, timeout_us: int = 2000) -> None:
        async def poll():
            while not (await self.read("STATUS")) & 2:
                await ClockCycles(self.dut.clk, 20)
        await with_timeout(poll(), timeout_us, "us")

    async def configure(self, width: int, height: int, isp=None) -> None:
        """Program the frame size (and a weight set), commit, forget statistics, wait ready."""
        await self.write("WIDTH", width)
        await self.write("HEIGHT", height)
        if isp is not None:
            fw = quantize_weights(isp, self.cfg)
            for addr, data in regmap.register_writes(fw, self.cfg):
                await self.axil.write_dword(addr, data)
        await self.write("CTRL", 0b011)  # COMMIT | RESTART
        await ClockCycles(self.dut.clk, 4)
        await self.wait_ready()
        assert await self.read("ACTIVE_SIZE") == (height << 16) | width

    def beats(self, x: np.ndarray) -> list[AxiStreamFrame]:
        """One AXI4-Stream packet per line (tlast on its last pixel), SOF on the first pixel."""
        b = pack_ug934(x, self.xw)
        h, w = b.shape
        return [AxiStreamFrame(tdata=[int(v) for v in b[r]], tuser=[1 if (r == 0 and c == 0) else 0 for c in range(w)])
                for r in range(h)]

    async def send(self, x: np.ndarray) -> None:
        for f in self.beats(x):
            await self.source.send(f)

    def state(self) -> str:
        """The block's handshakes and frame state machine, for a hang report."""
        d = self.dut
        sig = {n: getattr(d, n).value for n in ("s_axis_tvalid", "s_axis_tready", "m_axis_tvalid", "m_axis_tready")}
        for n in ("state", "col", "row", "in_flight", "flush_cnt"):
            try:
                sig[n] = int(getattr(d, n).value)
            except (AttributeError, ValueError):
                pass
        return ", ".join(f"{k}={v}" for k, v in sig.items())

    async def recv(self, width: int, height: int, timeout_cycles: int | None = None) -> np.ndarray:
        """One frame from the sink; fails (with the block's state) if it takes longer than
        ``timeout_cycles`` (default: 40 cycles a pixel plus the parameter engine's time)."""
        limit = timeout_cycles or 40 * width * (height + 3) + 20000
        try:
            return await with_timeout(self._recv(width, height), limit * CLOCK_NS, "ns")
        except cocotb.triggers.SimTimeoutError:
            raise AssertionError(f"no complete {width}x{height} output frame within {limit} cycles: {self.state()}")

    async def _recv(self, width: int, height: int) -> np.ndarray:
        rows = []
        for r in range(height):
            f = await self.sink.recv()
            data = list(f.tdata)
            user = f.tuser if isinstance(f.tuser, list) else [f.tuser] * len(data)
            assert len(data) == width, f"output line {r} has {len(data)} beats, expected {width}"
            want_user = [1 if (r == 0 and c == 0) else 0 for c in range(width)]
            assert [int(u or 0) for u in user] == want_user, f"output line {r}: tuser {user}"
            rows.append(data)
        return unpack_ug934(np.array(rows, dtype=object), self.ow)


def compare(got: np.ndarray, want: np.ndarray, what: str) -> None:
    if not np.array_equal(got, want):
        bad = np.argwhere(got != want)
        c, y, x = (int(v) for v in bad[0])
        raise AssertionError(f"{what}: {len(bad)} mismatching values; first at channel {c}, line {y}, pixel {x}: "
                             f"RTL {int(got[c, y, x])}, model {int(want[c, y, x])}")


async def check_sequence(tb: TB, model: FixedTAISP, xs: list[np.ndarray], label: str) -> None:
    """Stream the frames, compare every output beat and the parameters the block computed."""
    h, w = xs[0].shape[1:]
    for k, x in enumerate(xs):
        res = model.frame(x, "previous")
        send = cocotb.start_soon(tb.send(x))
        got = await tb.recv(w, h)
        await send
        compare(got, res.out, f"{label} frame {k} ({w}x{h})")
        # the parameters for the next frame, as the model will compute them
        await tb.wait_ready()
        nxt = model.next_params()
        for name, idx in (("alpha", range(3)), ("gate", range(2)), ("inv_w", (0, 7, 15))):
            for i in idx:
                assert await tb.read(f"PARAM:{name}:{i}") == int(nxt[name][i]), f"{label} {name}[{i}] after frame {k}"

@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_frames(dut):
    """Frame sizes x idle x backpressure, multi-frame sequences, bit-exact."""
    case = _case()
    tb = TB(dut)
    await tb.reset()
    isp = weight_set(case.get("weights", "w1-4"))
    program = case.get("weights", "w1-4") != "w1-4"  # w1-4 is baked in at build time
    cfg = tb.cfg
    n = case.get("frames", 3)
    for si, (w, h) in enumerate(case["sizes"]):
        await tb.configure(w, h, isp if (program and si == 0) else None)
        xs = make_frames(cfg, w, h, n, seed=si)
        for pi, (idle, bp) in enumerate(case.get("patterns", [[False, False], [True, False], [False, True], [True, True]])):
            # start each pattern from the defaults (weights and size are kept): by RESTART, or by reset
            if case.get("between", "restart") == "restart":
                await tb.write("CTRL", 0b010)
                await ClockCycles(dut.clk, 4)
                await tb.wait_ready()
            else:
                await tb.reset()
            dut._log.info("%dx%d, %d frames, idle=%s backpressure=%s (cycle %d)", w, h, n, idle, bp, tb.cycle)
            assert await tb.read("ACTIVE_SIZE") == (h << 16) | w
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
    await tb.configure(w, h)
    await tb.write("CTRL", 0b100)  # CLEAR_COUNTERS
    # bright frames saturate xg and the logits' neighbours
    xs = [np.minimum(f * 4, 1 << cfg["frontend.x"].fmt.frac) for f in make_frames(cfg, w, h, 3, seed=5)]
    model = FixedTAISP(isp, cfg)
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
    assert (await tb.read("ERROR")) & 1, "short line not flagged"
    await good(1, "after a short line")
    # -- long line: line 1 has an extra pixel
    pk = tb.beats(xs[2])
    longl = pk[:1] + [AxiStreamFrame(tdata=pk[1].tdata + [0], tuser=pk[1].tuser + [0])] + pk[2:]
    for f in longl:
        await tb.source.send(f)
    await tb.recv(w, h)
    await tb.wait_ready()
    assert (await tb.read("ERROR")) & 2, "long line not flagged"
    await good(2, "after a long line")
    # -- missing SOF: a frame without tuser is dropped entirely
    pk = tb.beats(xs[3])
    pk[0] = AxiStreamFrame(tdata=pk[0].tdata, tuser=[0] * w)
    for f in pk:
        await tb.source.send(f)
    await tb.source.wait()
    await ClockCycles(dut.clk, 50)
    assert (await tb.read("ERROR")) & 4, "missing SOF not flagged"
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
    assert (await tb.read("ERROR")) & 8, "early SOF not flagged"
    assert await tb.read("BAD_FRAMES") == 3
    await tb.write("ERROR", 0xF)
    assert await tb.read("ERROR") == 0
    # -- reset in the middle of a frame, then clean frames from the defaults
    tb.set_patterns(False, True)
    pk = tb.beats(xs[1])
    for f in pk[:3]:
        await tb.source.send(f)
    await ClockCycles(dut.clk, 3 * w)
    tb.source.clear()
    await tb.reset()
    tb.sink.clear()
    model.reset()
    await good(1, "after a reset mid-frame")
    await good(2, "second frame after a reset mid-frame")
    tb.set_patterns(False, False)
    # -- weights rewritten between frames: the statistics are kept, the new weights apply
    other = weight_set("w5-9")
    fw = quantize_weights(other, cfg)
    for addr, data in regmap.register_writes(fw, cfg):
        await tb.axil.write_dword(addr, data)
    await tb.write("CTRL", 0b001)  # COMMIT
    await ClockCycles(dut.clk, 4)
    await tb.wait_ready()
    updated = FixedTAISP(other, cfg)
    updated.keep_statistics_from(model)
    model = updated
    await good(3, "first frame with rewritten weights")
    await good(0, "second frame with rewritten weights")
    await tb.wait_ready()
    assert await tb.read("PARAM:w:0") == int(model.next_params()["w"][0])


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
    starts, firsts = [], []

    async def watch():
        while True:
            await RisingEdge(dut.clk)
            if dut.s_axis_tvalid.value and dut.s_axis_tready.value and dut.s_axis_tuser.value:
                starts.append(tb.cycle)
            if dut.m_axis_tvalid.value and dut.m_axis_tready.value and dut.m_axis_tuser.value:
                firsts.append(tb.cycle)

    cocotb.start_soon(watch())
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
    assert len({r["overhead_const"] for r in results}) == 1, f"frame overhead is not 3*W + constant: {results}"
    assert len({r["latency_const"] for r in results}) == 1, f"latency is not 3*W + constant: {results}"
    out = os.environ.get("TAISP_TB_RESULT")
    if out:
        with open(out, "w") as f:
            json.dump(results, f)


async def _send_all(tb, xs):
    for x in xs:
        await tb.send(x)


# ---------------------------------------------------------------------------- pytest
SIMS = ["icarus", "verilator"]
PATTERNS = [[i, b] for i, b in itertools.product([False, True], repeat=2)]


def _run_core(simulator: str, testcase: str, case: dict, gen=None):
    from sim.runner import rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    from sim.runner import generated_dir

    gen = gen or generated_dir()
    srcs = rtl_sources("taisp_core", "taisp_axil", "taisp_glc", "taisp_hsa", "taisp_rgfc", "taisp_window",
                       "taisp_delay", "taisp_table", "taisp_rq", "taisp_params", "taisp_div")
    return run_cocotb(simulator, "taisp_core", "sim.tb.test_taisp_core", sources=srcs, gen=gen,
                      parameters={"MEM_DIR": f'"{gen}"', "MAX_W": MAX_W}, testcase=testcase,
                      extra_env={"TAISP_TB_CASE": json.dumps(case), **case.get("env", {})})


#: the full matrix (opt-in): TAISP_FULL_MATRIX=1 .venv/bin/python -m pytest -q sim/tb/test_taisp_core.py
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")


@pytest.mark.parametrize("simulator", SIMS)
@pytest.mark.parametrize("weights", ["w1-4", "w5-9", "spread"])
def test_core_frames(simulator, weights):
    """Multi-frame sequences, bit-exact on every beat: the smallest frames the windows allow
    (2x1), odd sizes, idle x backpressure crossed, each pattern started by RESTART. The shipped
    weights are the build's defaults; the other sets are programmed over AXI4-Lite."""
    if FULL:
        sizes, n, pats = [[5, 5], [7, 3], [2, 1], [13, 6], [31, 9], [64, 3]], 4, PATTERNS
    elif weights == "w1-4":  # Icarus is the slower simulator: 2-frame sequences there
        sizes, n, pats = [[5, 5], [7, 3], [2, 1]], 3 if simulator == "verilator" else 2, PATTERNS
    else:
        sizes, n, pats = [[6, 4]], 3, [[False, False], [True, True]]
    _run_core(simulator, "run_frames", {"sizes": sizes, "frames": n, "weights": weights, "patterns": pats})


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_core_wide_line(simulator):
    """A 1080p-wide frame (1920 x 2), two frames, with backpressure (full matrix: every pattern;
    the default run has it on Verilator, the faster simulator, only)."""
    pats = PATTERNS if FULL else [[False, True]]
    _run_core(simulator, "run_frames", {"sizes": [[1920, 2]], "frames": 2, "weights": "w1-4", "patterns": pats})


@pytest.mark.parametrize("simulator", SIMS)
def test_core_robustness(simulator):
    """Short/long lines, missing and early SOF, reset mid-frame, weights rewritten."""
    _run_core(simulator, "run_robustness", {})


@pytest.mark.parametrize("simulator", SIMS)
def test_core_saturation_counters(simulator):
    """The status saturation counters equal the model's overflow counts."""
    _run_core(simulator, "run_saturation_counters", {})


@pytest.mark.parametrize("simulator", SIMS)
def test_core_throughput(simulator):
    """Frame period W*H + 3W + constant and latency 3W + constant with no stalls (cycle counts
    from the simulation, which are exact; wall-clock speed is in benchmarks/bench_sim.py)."""
    _run_core(simulator, "run_throughput", {"sizes": [[32, 4], [7, 3]]})
