"""posisp_sharpen and posisp_denoise (the window filters) against the Numba model
(``fixedpoint.posisp.filters``), every beat bit-exact.

Each simulator run streams a sequence of frames back to back (different sizes, odd ones and the
smallest the border allows: 2x1 for sharpen, 8x8 for denoise's mirror border), once per
combination of source idle cycles and sink backpressure (crossed), with:

* frames: centred crops of every real RAW file of ``../shared/data/raw`` through the fixed-point
  front end (``chain.x``), and synthetic frames of edge values (0, 1 LSB, 1.0 - 1 LSB, 1.0,
  1.0 + 1 LSB, the largest ``chain.x``, steps and random values);
* registers from the driver (``fixedpoint.posisp.driver.drive``) for random raw parameters and
  the filter's parameter at the ends of its range (sharpen a = 1e-5 and 10, denoise h = 1e-5 and
  1), changed with each frame's SOF beat; denoise's per-frame weight table written through the
  table port into software's bank, read back, and the bank switched with the frame's SOF beat;
* checks: every output beat (data, SOF on the frame's first pixel, EOL on each line's last),
  exactly W*H beats per frame, and the frame's saturation count (sum of ``m_axis_sat``) against
  the model's overflow count of the filter.

Expected values are computed in the pytest process (the model) and handed to the bench in a JSON
file. The first run (no stalls) also checks every frame's latency and clocks (first input beat to
the clock after the last output beat, ``W*H + latency``: one output beat per clock) against the
cost table (:func:`sim.posisp.cost.window_latency`, :func:`sim.posisp.cost.window_frame_clocks`). Default: a small matrix (:data:`SIZES`), sharpen on
both simulators and denoise on Verilator (denoise on Icarus is slow: :data:`WINDOW_CASES`); ``TAISP_FULL_MATRIX=1`` runs :data:`FULL_SIZES` (to 24x16, every RAW file) with every
crossing on both simulators.
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge

from sim.tblib import random_pattern

FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
RAW_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "raw"
#: The raw parameter (index into driver.p) of each window filter.
PARAM_INDEX = {"sharpen": 11, "denoise": 12}
#: Frame-size counter width and line-buffer length of the benches.
CW, MAX_W = 8, 32


# ------------------------------------------------------------------------------------ inputs
def raw_files() -> list[str]:
    manifest = json.loads((RAW_DIR / "MANIFEST.json").read_text())
    return [f["file"] for f in manifest["files"]]


@lru_cache(maxsize=None)
def raw_crop(name: str, w: int, h: int) -> np.ndarray:
    """A centred (w x h) crop of a RAW file through the fixed-point front end, as raw chain.x
    (3, h, w) int64 (R, G, B): a mosaic 4 pixels larger is cropped first (even offsets keep the
    CFA phase), then the centre of the front end's output."""
    from fixedpoint.frontend import frontend
    from fixedpoint.posisp.filters import chain_input
    from fixedpoint.posisp.schema import load_posisp_config
    from golden.raw import read_raw

    cfg = load_posisp_config()
    raw = read_raw(RAW_DIR / name)
    hh, ww = raw.mosaic.shape
    mh, mw = h + 4, w + 4
    y0, x0 = ((hh - mh) // 4) * 2, ((ww - mw) // 4) * 2
    raw = replace(raw, mosaic=np.ascontiguousarray(raw.mosaic[y0:y0 + mh, x0:x0 + mw]))
    return np.ascontiguousarray(chain_input(frontend(raw, cfg, "bilinear"), cfg)[:, 2:2 + h, 2:2 + w])


def synthetic(rng: random.Random, w: int, h: int, xw: int, one: int) -> np.ndarray:
    """Edge values of chain.x: flat areas, steps (vertical, horizontal), random values and the
    ends of the format."""
    edges = [0, 1, one - 1, one, one + 1, (1 << xw) - 1, one // 2, 3 * one]
    x = np.zeros((3, h, w), dtype=np.int64)
    kind = rng.randrange(3)
    for k in range(3):
        a, b = rng.choice(edges), rng.choice(edges)
        for r in range(h):
            for c in range(w):
                if kind == 0:  # a vertical step with edge values sprinkled
                    v = a if c < w // 2 else b
                    if rng.random() < 0.15:
                        v = rng.choice(edges)
                elif kind == 1:  # a horizontal step
                    v = a if r < h // 2 else b
                else:  # random, a quarter of them edge values
                    v = rng.choice(edges) if rng.random() < 0.25 else rng.randrange(2 * one)
                x[k, r, c] = v
    return x


def raw_params(rng: random.Random, filt: str, end: str | None) -> list[int]:
    """27 raw driver.p values: random, the filter's own at an end of its range when asked."""
    from fixedpoint.posisp.driver import NUM_PARAMS
    from fixedpoint.posisp.schema import load_posisp_config

    one = 1 << load_posisp_config()["driver.p"].fmt.frac
    p = [rng.randrange(one + 1) for _ in range(NUM_PARAMS)]
    if end == "lo":
        p[PARAM_INDEX[filt]] = 0
    elif end == "hi":
        p[PARAM_INDEX[filt]] = one
    return p


def build_case(filt: str, sizes: list[tuple[int, int]], seed: int) -> dict:
    """Frames, registers, tables and the model's outputs for one run."""
    from fixedpoint.common import RunContext
    from fixedpoint.posisp.driver import FILTER_REGISTERS, REGISTER_ENTRIES, drive
    from fixedpoint.posisp.filters import FILTERS
    from fixedpoint.posisp.schema import load_posisp_config

    cfg = load_posisp_config()
    xw = cfg["chain.x"].fmt.width
    one = 1 << cfg["chain.x"].fmt.frac
    rng = random.Random(seed)
    files = raw_files()
    ends = ["lo", "hi", None]
    frames = []
    for i, (w, h) in enumerate(sizes):
        if i % 2 == 0:
            name = files[(i // 2) % len(files)]
            x, src = raw_crop(name, w, h), name
        else:
            x, src = synthetic(rng, w, h, xw, one), "synthetic"
        p = raw_params(rng, filt, ends[i % len(ends)])
        drv = drive(p, cfg)
        run = RunContext()
        y = FILTERS[filt](x, drv, cfg, run)
        # the filter's registers as port values (two's complement in the entry's width)
        regs = {r.lower(): int(drv.regs[r]) & ((1 << cfg[REGISTER_ENTRIES[r]].fmt.width) - 1)
                for r in FILTER_REGISTERS[filt]}
        fr = {"w": w, "h": h, "src": src, "p": p, "x": x.tolist(), "y": y.tolist(), "regs": regs,
              "sat": int(sum(v for k, v in run.counts.items() if k.startswith(filt) or k == filt))}
        if filt == "denoise":
            fr["table"] = [int(v) for v in drv.tables["denoise"]]
        frames.append(fr)
    return {"filter": filt, "xw": xw, "frames": frames}


# ------------------------------------------------------------------------------------ bench
def pack(px: list[int], xw: int) -> int:
    """UG934: G low, then B, then R (px = R, G, B)."""
    r, g, b = px
    return (r << 2 * xw) | (b << xw) | g


class TB:
    """Clock, reset, a beat driver with idle gaps, a sink with backpressure, the table port."""

    def __init__(self, dut, case: dict):
        self.dut, self.case, self.xw = dut, case, case["xw"]
        self.gaps = None
        self.stalls = None
        self.beats: list[tuple[int, int, int, int]] = []
        self.cycle = 0
        self.sof_in: list[int] = []        # cycle of each frame's first input beat (SOF) taken
        self.in_cycles: list[int] = []     # cycle of each input beat taken
        self.out_cycles: list[int] = []    # cycle of each output beat taken
        cocotb.start_soon(Clock(dut.clk, 4, unit="ns").start())
        for s in ("s_axis_tvalid", "s_axis_tdata", "s_axis_tlast", "s_axis_tuser", "m_axis_tready"):
            getattr(dut, s).value = 0
        self.denoise = case["filter"] == "denoise"
        if self.denoise:
            for s in ("tab_bank", "tab_en", "tab_we", "tab_addr", "tab_wdata"):
                getattr(dut, s).value = 0
        cocotb.start_soon(self._sink())

    async def reset(self) -> None:
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, 3)
        self.dut.rst.value = 0
        await RisingEdge(self.dut.clk)

    async def _sink(self) -> None:
        d = self.dut
        while True:
            # tready for this cycle; the beat is taken at the next edge when tvalid is high too
            await RisingEdge(d.clk)
            self.cycle += 1
            d.m_axis_tready.value = 0 if (self.stalls is not None and next(self.stalls)) else 1
            await ReadOnly()
            if int(d.m_axis_tvalid.value) and int(d.m_axis_tready.value):
                self.out_cycles.append(self.cycle)
                self.beats.append((int(d.m_axis_tdata.value), int(d.m_axis_tuser.value), int(d.m_axis_tlast.value),
                                   int(d.m_axis_sat.value)))

    async def beat(self, data: int, sof: bool, eol: bool) -> None:
        d = self.dut
        while self.gaps is not None and next(self.gaps):
            d.s_axis_tvalid.value = 0
            d.s_axis_tdata.value = random.getrandbits(3 * self.xw)
            await RisingEdge(d.clk)
        d.s_axis_tvalid.value = 1
        d.s_axis_tdata.value = data
        d.s_axis_tuser.value = int(sof)
        d.s_axis_tlast.value = int(eol)
        while True:  # taken at the edge after a cycle with tready high
            await ReadOnly()
            taken = int(d.s_axis_tready.value)
            if taken:
                self.in_cycles.append(self.cycle)
                if sof:
                    self.sof_in.append(self.cycle)
            await RisingEdge(d.clk)
            if taken:
                break
        d.s_axis_tvalid.value = 0

    async def write_table(self, entries: list[int]) -> None:
        """Write software's bank, then read three entries back (tab_rdata one clock after tab_en)."""
        d = self.dut
        await RisingEdge(d.clk)
        for a, v in enumerate(entries):
            d.tab_en.value, d.tab_we.value, d.tab_addr.value, d.tab_wdata.value = 1, 1, a, v
            await RisingEdge(d.clk)
        for a in (0, len(entries) // 2, len(entries) - 1):
            d.tab_en.value, d.tab_we.value, d.tab_addr.value = 1, 0, a
            await RisingEdge(d.clk)
            d.tab_en.value = 0
            await ReadOnly()
            got = int(d.tab_rdata.value)
            assert got == entries[a], f"table read-back of entry {a}: {got}, wrote {entries[a]}"
            await RisingEdge(d.clk)
        d.tab_en.value = 0
        d.tab_we.value = 0

    def set_regs(self, regs: dict[str, int]) -> None:
        for name, v in regs.items():
            getattr(self.dut, name).value = v


@cocotb.test(timeout_time=2000, timeout_unit="ms")
async def run_window_filter(dut):
    case = json.loads(Path(os.environ["TAISP_TB_CASE"]).read_text())
    tb = TB(dut, case)
    await tb.reset()
    xw = case["xw"]
    bank = 0  # the bank in use after reset; software's is the other one
    for ci, (gaps, stalls) in enumerate(case["patterns"]):
        tb.gaps = random_pattern(100 + ci, 0.3) if gaps else None
        tb.stalls = random_pattern(200 + ci, 0.3) if stalls else None
        tb.beats.clear()
        tb.out_cycles.clear()
        tb.sof_in.clear()
        tb.in_cycles.clear()
        starts = []  # the first output beat of each frame
        total = 0
        for fi, fr in enumerate(case["frames"]):
            w, h = fr["w"], fr["h"]
            if tb.denoise:
                # software's bank may be written once the previous frame's first beat is out
                while len(tb.beats) <= (starts[-1] if starts else -1):
                    await RisingEdge(dut.clk)
                await tb.write_table(fr["table"])
                bank ^= 1
                dut.tab_bank.value = bank
            starts.append(total)
            total += w * h
            dut.width.value = w
            dut.height.value = h
            tb.set_regs(fr["regs"])
            x = fr["x"]
            for r in range(h):
                for c in range(w):
                    await tb.beat(pack([x[0][r][c], x[1][r][c], x[2][r][c]], xw), r == 0 and c == 0, c == w - 1)
        for _ in range(200 * total + 10000):
            if len(tb.beats) >= total:
                break
            await RisingEdge(dut.clk)
        await ClockCycles(dut.clk, 50)
        label = f"{case['filter']} gaps={gaps} stalls={stalls}"
        assert len(tb.beats) == total, f"{label}: {len(tb.beats)} output beats, expected {total}"
        if not gaps and not stalls:
            # no stalls: every frame's latency and its clocks (first input beat to the clock after its
            # last output beat: one pixel per clock, no gaps between the output beats) as the cost table
            # states; the input side takes the frame's beats on consecutive clocks (no hold slots)
            from sim.posisp.cost import window_frame_clocks, window_latency

            for fi, fr in enumerate(case["frames"]):
                w, h = fr["w"], fr["h"]
                took = tb.in_cycles[starts[fi] + w * h - 1] + 1 - tb.in_cycles[starts[fi]]
                assert took == w * h, f"{label} frame {fi} ({w}x{h}): input beats over {took} clocks, not {w * h}"
                lat = tb.out_cycles[starts[fi]] - tb.sof_in[fi]
                clocks = tb.out_cycles[starts[fi] + w * h - 1] + 1 - tb.sof_in[fi]
                dut._log.info("frame %d (%dx%d): latency %d clocks, %d clocks first input to last output",
                              fi, w, h, lat, clocks)
                assert lat == window_latency(case["filter"], w), \
                    f"{label} frame {fi}: latency {lat} clocks at width {w}, the cost table says {window_latency(case['filter'], w)}"
                assert clocks == window_frame_clocks(case["filter"], w, h), \
                    f"{label} frame {fi} ({w}x{h}): {clocks} clocks, the cost table says {window_frame_clocks(case['filter'], w, h)}"
        for fi, fr in enumerate(case["frames"]):
            w, h, y = fr["w"], fr["h"], fr["y"]
            got = tb.beats[starts[fi]:starts[fi] + w * h]
            sat = 0
            for n, (data, sof, eol, s) in enumerate(got):
                r, c = divmod(n, w)
                want = pack([y[0][r][c], y[1][r][c], y[2][r][c]], xw)
                where = f"{label} frame {fi} ({w}x{h}, {fr['src']}, p={fr['p'][11:13]}) pixel ({r}, {c})"
                assert data == want, f"{where}: RTL {data:#x}, model {want:#x}"
                assert sof == int(n == 0), f"{where}: SOF {sof}"
                assert eol == int(c == w - 1), f"{where}: EOL {eol}"
                sat += s
            assert sat == fr["sat"], f"{label} frame {fi}: saturation count {sat}, model {fr['sat']}"


# ------------------------------------------------------------------------------------ pytest
#: Source idle gaps x sink backpressure, crossed.
CROSSED = [(False, False), (True, False), (False, True), (True, True)]
#: Default matrix per (filter, simulator): frame sizes (one stream) and stall patterns. Denoise on
#: Icarus runs ~15 s of wall time per 8x8 frame: two frames with idle gaps and backpressure at
#: once (the full crossing and the latency check run on Verilator).
SIZES = {
    ("sharpen", "icarus"): ([(8, 8), (5, 3), (2, 1), (13, 7), (3, 2), (24, 16)], CROSSED),
    ("sharpen", "verilator"): ([(8, 8), (5, 3), (2, 1), (13, 7), (3, 2), (24, 16)], CROSSED),
    ("denoise", "icarus"): ([(8, 8), (9, 8)], [(True, True)]),
    ("denoise", "verilator"): ([(8, 8), (9, 8), (8, 9), (12, 9), (11, 10), (8, 8)], CROSSED),
}
#: TAISP_FULL_MATRIX=1: larger and more frames (every RAW file), every crossing on both simulators.
FULL_SIZES = {
    "sharpen": [(8, 8), (5, 3), (2, 1), (13, 7), (3, 2), (24, 16), (31, 5), (2, 9), (17, 11), (6, 6)],
    "denoise": [(8, 8), (11, 8), (8, 13), (24, 16), (15, 10), (9, 9), (8, 8), (10, 8), (16, 12), (9, 11)],
}


def run_filter(simulator: str, filt: str, tmp_path: Path, seed: int = 1) -> None:
    from sim.runner import posisp_generated_dir, rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    sizes, patterns = (FULL_SIZES[filt], CROSSED) if FULL else SIZES[(filt, simulator)]
    case = {**build_case(filt, sizes, seed), "patterns": patterns}
    f = tmp_path / f"case_{filt}.json"
    f.write_text(json.dumps(case))
    gen = posisp_generated_dir()
    top = f"posisp_{filt}"
    params = {"CW": CW, "MAX_W": MAX_W}
    srcs = rtl_sources(top, "posisp_wstream", "isp_window", "isp_rq")
    if filt == "denoise":
        params["MEM_DIR"] = f'"{gen}"'
        srcs += rtl_sources("posisp_denoise_colsum", "posisp_denoise_sq", "posisp_denoise_off", "posisp_denoise_wx", "isp_ftable",
                            "isp_table", "isp_delay")
    # Verilator: -O1 halves the build of the large denoise block at the same speed
    run_cocotb(simulator, top, "sim.tb.posisp.test_posisp_window_filters", sources=srcs, parameters=params, gen=gen,
               testcase="run_window_filter", extra_env={"TAISP_TB_CASE": str(f)}, verilator_opt="-O1",
               public_depth=1)


#: (simulator, filter) pairs: denoise on Icarus (its 121 offsets simulate at a few clocks per second
#: there: 1,964 s for the two 8x8 frames under load) only with TAISP_FULL_MATRIX=1
WINDOW_CASES = [(s, f) for f in ("sharpen", "denoise") for s in ("icarus", "verilator")
                if FULL or (s, f) != ("icarus", "denoise")]


@pytest.mark.parametrize("simulator,filt", WINDOW_CASES)
def test_window_filter(simulator, filt, tmp_path):
    run_filter(simulator, filt, tmp_path)
