"""posisp_thumb (the 64x64 thumbnail accumulator) against a plain Python reference of PyTorch's
adaptive average pooling bins: the exact per-cell sums of frames whose sizes GRID divides and
does not divide (cells sharing a row and a column), the smallest frame (GRID x GRID: one pixel a
cell) and the largest, consecutive frames of different sizes (the two banks: a frame's sums stay
readable while the next one fills), idle gaps and backpressure on the watched stream, and a SOF
in the middle of a frame (restart).
"""
from __future__ import annotations

import json
import os
import random

import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from sim.tblib import random_pattern

PIX_W = 10
MAX_W, MAX_H = 200, 136
GRID = 64
CW = 9


def adaptive_bins(n: int, grid: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling bins of an axis of n samples: (first, last) index of each cell."""
    return [((i * n) // grid, -(-((i + 1) * n) // grid) - 1) for i in range(grid)]


def cell_sums(frame: list[list[tuple[int, int, int]]], grid: int) -> list[tuple[int, int, int]]:
    """Exact per-cell sums (R, G, B) in raster order of the cells."""
    h, w = len(frame), len(frame[0])
    out = []
    for r0, r1 in adaptive_bins(h, grid):
        for c0, c1 in adaptive_bins(w, grid):
            s = [0, 0, 0]
            for y in range(r0, r1 + 1):
                for x in range(c0, c1 + 1):
                    for k in range(3):
                        s[k] += frame[y][x][k]
            out.append(tuple(s))
    return out


class TB:
    """Clock, reset, a stream driver (the watched beats) and the read port."""

    def __init__(self, dut):
        self.dut = dut
        self.sum_w = int(dut.SUM_W.value)
        cocotb.start_soon(Clock(dut.clk, 4, unit="ns").start())
        for s in ("mon_tvalid", "mon_tready", "mon_tlast", "mon_tuser", "mon_tdata", "rd_en", "rd_addr"):
            getattr(dut, s).value = 0
        self.gaps = None
        self.stalls = None
        self.done = 0
        cocotb.start_soon(self._count_done())

    async def _count_done(self) -> None:
        while True:
            await RisingEdge(self.dut.clk)
            await ReadOnly()
            self.done += int(self.dut.done.value)

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def beat(self, rgb: tuple[int, int, int], sof: bool, eol: bool) -> None:
        """One beat, after idle cycles (tvalid low) and stalls (tready low, tvalid high)."""
        d = self.dut
        r, g, b = rgb
        data = (r << 2 * PIX_W) | (b << PIX_W) | g
        while self.gaps is not None and next(self.gaps):
            d.mon_tvalid.value = 0
            d.mon_tdata.value = random.getrandbits(3 * PIX_W)  # junk on idle cycles
            await RisingEdge(d.clk)
        d.mon_tvalid.value = 1
        d.mon_tdata.value = data
        d.mon_tuser.value = int(sof)
        d.mon_tlast.value = int(eol)
        while True:
            stall = self.stalls is not None and next(self.stalls)
            d.mon_tready.value = 0 if stall else 1
            await RisingEdge(d.clk)
            if not stall:
                break
        d.mon_tvalid.value = 0
        d.mon_tready.value = 0

    async def frame(self, frame: list[list[tuple[int, int, int]]], rows: int | None = None) -> None:
        h, w = len(frame), len(frame[0])
        self.dut.width.value = w
        self.dut.height.value = h
        for y in range(h if rows is None else rows):
            for x in range(w):
                await self.beat(frame[y][x], sof=(x == 0 and y == 0), eol=(x == w - 1))

    async def read_all(self) -> list[tuple[int, int, int]]:
        """Every cell's (R, G, B) sums through the read port (two cycles after rd_en)."""
        d, m = self.dut, (1 << self.sum_w) - 1
        out = []
        for a in range(GRID * GRID):
            d.rd_en.value = 1
            d.rd_addr.value = a
            await RisingEdge(d.clk)
            d.rd_en.value = 0
            await RisingEdge(d.clk)
            await ReadOnly()
            v = int(d.rd_data.value)
            out.append(((v >> 2 * self.sum_w) & m, v & m, (v >> self.sum_w) & m))
            await RisingEdge(d.clk)
        return out


def _frame(rng: random.Random, w: int, h: int, full: bool = False) -> list[list[tuple[int, int, int]]]:
    top = (1 << PIX_W) - 1
    if full:  # every component at its largest: the widest sums
        return [[(top, top, top)] * w for _ in range(h)]
    return [[(rng.randrange(top + 1), rng.randrange(top + 1), rng.randrange(top + 1)) for _ in range(w)]
            for _ in range(h)]


@cocotb.test(timeout_time=400, timeout_unit="ms")
async def run_thumb(dut):
    case = json.loads(os.environ["TAISP_TB_CASE"])
    tb = TB(dut)
    await tb.reset()
    rng = random.Random(case["seed"])
    if case.get("gaps"):
        tb.gaps = random_pattern(case["seed"] + 1, 0.3)
    if case.get("stalls"):
        tb.stalls = random_pattern(case["seed"] + 2, 0.3)
    prev = None
    for fi, (w, h) in enumerate(case["sizes"]):
        fr = _frame(rng, w, h, full=(fi == 0 and case.get("full_first", False)))
        if case.get("restart") and fi == 1:
            # a frame cut short by a SOF: the restarted frame's sums must be exact
            junk = _frame(rng, w, h)
            await tb.frame(junk, rows=h // 2 + 1)
        before = tb.done
        await tb.frame(fr)
        await ClockCycles(dut.clk, 4)
        assert tb.done == before + 1, f"frame {fi} ({w}x{h}): {tb.done - before} done pulses, expected 1"
        assert int(dut.size_err.value) == 0, f"frame {fi}: size_err"
        got = await tb.read_all()
        want = cell_sums(fr, GRID)
        for n, (g, e) in enumerate(zip(got, want)):
            assert g == e, f"frame {fi} ({w}x{h}): cell ({n // GRID}, {n % GRID}): RTL {g}, expected {e}"
        if prev is not None:
            assert got != prev[1] or prev[0] == fr, "the sums did not change between frames"
        prev = (fr, got)
    # an impossible size is flagged
    dut.width.value = GRID - 1
    dut.height.value = GRID
    await tb.beat((1, 2, 3), sof=True, eol=False)
    await ClockCycles(dut.clk, 1)
    assert int(dut.size_err.value) == 1, "a frame narrower than GRID is not flagged"


CASES = {
    "sizes": dict(seed=1, sizes=[[MAX_W, MAX_H], [64, 64], [100, 70], [130, 67], [128, 128]], full_first=True),
    "gaps_stalls_restart": dict(seed=2, sizes=[[97, 65], [65, 131]], gaps=True, stalls=True, restart=True),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("simulator", ["icarus", "verilator"])
def test_posisp_thumb(simulator, case):
    from sim.runner import rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    run_cocotb(simulator, "posisp_thumb", "sim.tb.posisp.test_posisp_thumb", sources=rtl_sources("posisp_thumb"),
               parameters=dict(PIX_W=PIX_W, CW=CW, MAX_W=MAX_W, MAX_H=MAX_H, GRID=GRID),
               build_name="posisp_thumb", extra_env={"TAISP_TB_CASE": json.dumps(CASES[case])})
