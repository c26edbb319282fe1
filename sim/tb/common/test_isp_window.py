"""isp_window (line buffers + K x K window generator, zero or mirror border) against a plain
Python reference: every window of frame sequences of several sizes (down to 2x1), with random push
gaps and clock-enable stalls crossed, consecutive frames of different sizes (stale line-buffer
contents must be masked), junk in the flush pushes, and flush pushes beyond the lag (centres
below the frame: ``out_inframe`` low).

The window is driven directly: one push per clock when ``in_push`` and ``ce`` are high; the
outputs change one enabled clock after the push that completes a window.
"""
from __future__ import annotations

import json
import os
import random

import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge, with_timeout

from sim.tblib import random_pattern

DW = 8
AW = 4
MAX_W = 64
CW = 8


class TB:
    """Clock, reset, a push driver (source) and a window monitor (sink)."""

    def __init__(self, dut, k: int):
        self.dut, self.k, self.r = dut, k, (k - 1) // 2
        cocotb.start_soon(Clock(dut.clk, 4, unit="ns").start())
        dut.ce.value = 1
        dut.in_push.value = 0
        dut.in_sof.value = 0
        dut.in_data.value = 0
        dut.in_aux.value = 0
        dut.width.value = 2
        dut.height.value = 1
        self.windows: list[dict] = []
        self.gaps = None    # push gaps (idle source)
        self.stalls = None  # ce low (backpressure)
        cocotb.start_soon(self._monitor())

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def _monitor(self) -> None:
        d = self.dut
        while True:
            await RisingEdge(d.clk)
            enabled = int(d.ce.value)
            await ReadOnly()
            if enabled and int(d.out_push.value):
                self.windows.append({"sof": int(d.out_sof.value), "inframe": int(d.out_inframe.value),
                                     "eol": int(d.out_eol.value), "last": int(d.out_last.value),
                                     "win": int(d.out_win.value), "aux": int(d.out_aux.value)})

    async def push(self, data: int, aux: int, sof: bool) -> None:
        """One push (waits through idle cycles and stalls)."""
        d = self.dut
        while self.gaps is not None and next(self.gaps):
            d.in_push.value = 0
            d.ce.value = 0 if (self.stalls is not None and next(self.stalls)) else 1
            await RisingEdge(d.clk)
        while True:
            stall = self.stalls is not None and next(self.stalls)
            d.ce.value = 0 if stall else 1
            d.in_push.value = 1
            d.in_sof.value = int(sof)
            d.in_data.value = data
            d.in_aux.value = aux
            await RisingEdge(d.clk)
            if not stall:
                break
        d.in_push.value = 0
        d.in_sof.value = 0

    async def idle(self, n: int) -> None:
        self.dut.ce.value = 1
        self.dut.in_push.value = 0
        await ClockCycles(self.dut.clk, n)


def mirror(i: int, n: int) -> int:
    """The mirror index (reflection without repeating the edge): -i below 0, 2 (n - 1) - i above n - 1."""
    return -i if i < 0 else (2 * (n - 1) - i if i >= n else i)


def expected_windows(k: int, w: int, h: int, frame: list[list[int]], aux: list[list[int]],
                     border: int = 0) -> list[dict]:
    """The W*H windows of a frame in raster order: element (i, j) is pixel (y + i - R, x + j - R),
    outside the frame zero (border 0) or the mirrored pixel (border 1); packed as the RTL packs it
    (element (i, j) at bits (i*K + j)*DW)."""
    r = (k - 1) // 2
    out = []
    for y in range(h):
        for x in range(w):
            v = 0
            for i in range(k):
                for j in range(k):
                    yy, xx = y + i - r, x + j - r
                    if border == 1:
                        yy, xx = mirror(yy, h), mirror(xx, w)
                    if 0 <= yy < h and 0 <= xx < w:
                        v |= frame[yy][xx] << ((i * k + j) * DW)
            out.append({"sof": int(y == 0 and x == 0), "inframe": 1, "eol": int(x == w - 1),
                        "last": int(y == h - 1 and x == w - 1), "win": v, "aux": aux[y][x]})
    return out


@cocotb.test(timeout_time=100, timeout_unit="ms")
async def run_window(dut):
    case = json.loads(os.environ["TAISP_TB_CASE"])
    k = case["K"]
    border = case.get("border", 0)
    tb = TB(dut, k)
    await tb.reset()
    rng = random.Random(k)
    for pi, (gaps, stalls) in enumerate([(False, False), (True, False), (False, True), (True, True)]):
        tb.gaps = random_pattern(10 + pi, 0.3) if gaps else None
        tb.stalls = random_pattern(20 + pi, 0.3) if stalls else None
        for fi, (w, h) in enumerate(case["sizes"]):
            dut.width.value = w
            dut.height.value = h
            lag = tb.r * w + tb.r
            extra = 2 * w + 1 if fi % 2 else 0  # flush beyond the lag: centres below the frame
            frame = [[rng.randrange(1, 1 << DW) for _ in range(w)] for _ in range(h)]
            aux = [[rng.randrange(1 << AW) for _ in range(w)] for _ in range(h)]
            tb.windows.clear()
            for y in range(h):
                for x in range(w):
                    await tb.push(frame[y][x], aux[y][x], sof=(y == 0 and x == 0))
            for _ in range(lag + extra):  # flush: junk data, which must never show
                await tb.push(rng.randrange(1 << DW), rng.randrange(1 << AW), sof=False)
            await tb.idle(3)
            label = f"K={k} border={border} {w}x{h} gaps={gaps} stalls={stalls}"
            want = expected_windows(k, w, h, frame, aux, border)
            got = tb.windows
            assert len(got) == len(want) + extra, f"{label}: {len(got)} windows, expected {len(want) + extra}"
            for n, (g, e) in enumerate(zip(got, want)):
                assert g == e, f"{label}: window {n} (line {n // w}, pixel {n % w}): RTL {g}, expected {e}"
            assert all(g["inframe"] == 0 for g in got[len(want):]), f"{label}: a centre below the frame is in frame"


SIZES = [[5, 4], [2, 1], [7, 3], [3, 6], [9, 2], [2, 5]]
# mirror border: frames of at least R + 1 lines and columns, the smallest of them included
MIRROR_SIZES = {3: [[2, 2], [5, 4], [3, 7], [2, 3], [6, 2]], 5: [[3, 3], [7, 4], [3, 6], [9, 3], [4, 5]]}


#: every window on Icarus; on Verilator (a build per window) the 5x5 zero and mirror windows, every
#: window with TAISP_FULL_MATRIX=1
WINDOW_RUNS = [(s, k, b) for k, b in [(3, 0), (5, 0), (3, 1), (5, 1)] for s in ("icarus", "verilator")
               if s == "icarus" or k == 5 or os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")]


@pytest.mark.parametrize("simulator,k,border", WINDOW_RUNS)
def test_isp_window(simulator, k, border):
    from sim.runner import rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    sizes = MIRROR_SIZES[k] if border else SIZES
    run_cocotb(simulator, "isp_window", "sim.tb.common.test_isp_window", sources=rtl_sources("isp_window"),
               parameters={"K": k, "DW": DW, "AW": AW, "MAX_W": MAX_W, "CW": CW, "BORDER": border},
               build_name=f"isp_window_k{k}_b{border}", testcase="run_window",
               extra_env={"TAISP_TB_CASE": json.dumps({"K": k, "border": border, "sizes": sizes})})
