"""Generated POS-ISP chains (``posisp_chain``, ``taisp gen --model posisp``) on both simulators.

* ``run_frames``: multi-frame sequences, bit-exact on every output beat against the expected
  values of :mod:`sim.posisp.model`, idle x backpressure crossed (each pattern started by a
  RESTART); after every frame the thumbnail window is read back over AXI4-Lite (THUMB_READY,
  THUMB_FRAME, the exact sums) and, in ``previous`` mode, the float parameter agent runs on it,
  the driver's output is written and committed, and the next frame is checked with it.
* ``run_registers``: ID, VERSION, MAX_WIDTH, ORDER0/1 of the generated order, the parameter
  registers (pending bank read back sign-extended, the bank in use changed only by a COMMIT at
  a frame boundary, RESTART back to the driver's defaults), the table windows (write and read
  back through the software port, the bank swap on COMMIT), ERROR.SIZE, CLEAR_COUNTERS.
* ``run_robustness``: short and long lines, a missing SOF, an SOF inside a frame, a COMMIT in the
  middle of a frame (applied after it): ERROR bits (write 1 to clear), BAD_FRAMES, every output
  frame whole, and good frames after each error bit-exact.

The filters between the chain's input and output stages are chained in the order under test;
orders with filters need the fixed-point chain model (issue 20, "posisp M2") and the filters'
RTL (issue 21a/21b) on the branch.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import cocotb
from cocotb.triggers import ClockCycles, RisingEdge

from fixedpoint.posisp import regmap
from sim.posisp.model import chain_frame, chain_output, random_frames
from sim.posisp.testbench import INIT_HEIGHT, INIT_WIDTH, MAX_W, ChainTB, case, run_chain
from sim.tblib import CROSSED_PATTERNS, compare_frames

G = regmap.THUMB_SIZE


async def _check_thumb(tb: ChainTB, x: np.ndarray, frames: int, label: str, full: bool) -> np.ndarray:
    """THUMB_READY, THUMB_FRAME and the window's sums (all cells, or the corners and a diagonal)."""
    return await tb.check_thumb(x, frames, label, full)


@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_frames(dut):
    from collections import Counter

    from fixedpoint.posisp.driver import default_output, drive
    from fixedpoint.posisp.model import FixedPOSISP

    c = case()
    tb = ChainTB(dut)
    cfg = tb.cfg
    order = c["order"]
    previous = c.get("previous", False)
    model = None
    if previous:
        from golden.posisp import load_posisp_checkpoint

        model = FixedPOSISP(load_posisp_checkpoint(c["checkpoint"]), cfg, order=order)
    await tb.reset()
    frames_done = 0
    for pi, (idle, bp) in enumerate(c.get("patterns", CROSSED_PATTERNS)):
        for w, h in c["sizes"]:
            # each sequence from the programmed defaults (reset state: parameters and tables; after
            # a previous-mode sequence they are written again), counters cleared
            tb.set_patterns(False, False)
            await tb.write("WIDTH", w)
            await tb.write("HEIGHT", h)
            if model is not None and frames_done:
                await tb.program(default_output(cfg))
            else:
                await tb.ctrl("COMMIT")
            await tb.wait_applied()
            await tb.ctrl("CLEAR_COUNTERS")
            if model is not None:
                model.reset()
            tb.set_patterns(idle, bp, seed=pi)
            if c.get("raw"):  # a real RAW file through the fixed-point front end, centre crop
                from sim.runner import REPO
                from sim.vector_inputs import raw_frames

                xs = [f.x for f in raw_frames(REPO.parent / "shared" / "data" / "raw" / c["raw"], c["frames"], cfg, (w, h))]
            else:
                xs = random_frames(c["frames"], w, h, cfg, seed=100 * pi + w + h)
            sat = Counter()
            for k, x in enumerate(xs):
                label = f"{order} idle={idle} bp={bp} {w}x{h} frame {k}"
                if model is not None:
                    res = model.frame(x, "previous")
                    want, ovf = res.out, res.overflows
                else:
                    want, ovf = chain_frame(x, order, cfg)
                sat.update({n: v for n, v in ovf.items() if n in regmap.SAT_ENTRIES})
                send = cocotb.start_soon(tb.send(x))
                got = await tb.recv(w, h)
                await send
                compare_frames(got, want, label)
                frames_done += 1
                if w < G or h < G:  # below 64 x 64 the thumbnail is not the model's: not read
                    sums = None
                else:
                    sums = await _check_thumb(tb, x, frames_done, label, full=previous or c.get("full_thumb", False))
                if model is not None and k + 1 < len(xs):
                    # previous mode: frame k's thumbnail read back -> float agent -> driver ->
                    # registers and tables -> COMMIT; frame k + 1 runs with them
                    await tb.program(drive(model.params_from_thumbnail(sums, h, w), cfg))
                    await tb.wait_applied()
            for e in regmap.SAT_ENTRIES:
                got_s = await tb.read(f"SAT:{e}")
                assert got_s == sat.get(e, 0), f"{order} {w}x{h}: saturation counter {e} RTL {got_s}, model {sat.get(e, 0)}"
    assert await tb.read("FRAMES") == frames_done
    assert await tb.read("BAD_FRAMES") == 0 and await tb.read("ERROR") == 0


@cocotb.test(timeout_time=600, timeout_unit="sec")
async def run_registers(dut):
    from fixedpoint.posisp.chaingen import param_layout
    from fixedpoint.posisp.driver import default_output

    c = case()
    tb = ChainTB(dut)
    cfg = tb.cfg
    await tb.reset()
    assert await tb.read("ID") == regmap.ID_VALUE
    assert await tb.read("VERSION") == regmap.REGMAP_VERSION
    assert await tb.read("MAX_WIDTH") == MAX_W
    assert (await tb.read("ORDER0"), await tb.read("ORDER1")) == regmap.order_words(c["order"])
    size = regmap.pack_fields("ACTIVE_SIZE", WIDTH=INIT_WIDTH, HEIGHT=INIT_HEIGHT)
    assert await tb.read("ACTIVE_SIZE") == size
    status = regmap.unpack_fields("STATUS", await tb.read("STATUS"))
    assert status["DEFAULTS"] == 1 and status["IN_FRAME"] == 0 and status["COMMIT_PENDING"] == 0, status

    # parameters: reset values are the driver's output for DEFAULT_P (pending bank and in use)
    lay = param_layout(cfg)
    dflt = default_output(cfg)

    def bus_value(values: dict[str, int]) -> int:
        v = 0
        for r, lo, wd, _ in lay:
            v |= (values[r] & ((1 << wd) - 1)) << lo
        return v

    def word(v: int) -> int:
        return v & 0xFFFFFFFF

    for r, _, _, _ in lay:
        assert await tb.read(r) == word(dflt.regs[r]), f"{r} after reset"
    assert int(dut.u_regs.param.value) == bus_value(dflt.regs), "parameters in use after reset"
    # write every register with its extreme values (sign extension on read-back), nothing in use yet
    rng = np.random.default_rng(3)
    vals = {}
    for r, _, wd, s in lay:
        lo_v, hi_v = (-(1 << (wd - 1)), (1 << (wd - 1)) - 1) if s else (0, (1 << wd) - 1)
        vals[r] = int(rng.choice([lo_v, hi_v, int(rng.integers(lo_v, hi_v + 1))]))
        await tb.write(r, vals[r])
    for r, _, _, _ in lay:
        assert await tb.read(r) == word(vals[r]), f"{r} read back"
    assert int(dut.u_regs.param.value) == bus_value(dflt.regs), "parameters in use changed before COMMIT"
    # tables of the chain's filters: write the pending bank, read it back; the pixel bank swaps
    # on COMMIT (a table whose filter is not in the chain reads as zero)
    from fixedpoint.posisp.driver import FILTER_TABLES

    in_chain = [t for o in c["order"] for t in FILTER_TABLES.get(o, ())]
    for t, base in regmap.TABLE_BASES.items():
        if t not in in_chain:
            await tb.write_reg(base, 0x1234)
            assert await tb.read_reg(base) == 0, f"table {t} (no {t} filter in the chain) reads as zero"
    bank0 = int(dut.u_regs.tab_bank.value)
    tabs = {}
    for t, base in [(t, b) for t, b in regmap.TABLE_BASES.items() if t in in_chain]:
        tab = cfg.table(t)
        n, wd = tab.entries.size, tab.out_fmt.width
        idx = sorted({0, 1, n // 2, n - 1})
        tabs[t] = {i: int(rng.integers(0, 1 << wd)) for i in idx}
        for i, v in tabs[t].items():
            await tb.write_reg(base + 4 * i, v)
        for i, v in tabs[t].items():
            got = await tb.read_reg(base + 4 * i)
            assert got == v, f"table {t}[{i}] read back {got:#x}, wrote {v:#x}"
    await tb.ctrl("COMMIT")
    await tb.wait_applied()
    assert int(dut.u_regs.param.value) == bus_value(vals), "parameters in use after COMMIT"
    assert int(dut.u_regs.tab_bank.value) == 1 - bank0, "table banks swap on COMMIT"
    assert regmap.unpack_fields("STATUS", await tb.read("STATUS"))["DEFAULTS"] == 0
    for t, base in [(t, b) for t, b in regmap.TABLE_BASES.items() if t in in_chain]:
        # the pending bank is now the other one: its reset contents
        i = next(iter(tabs[t]))
        got = await tb.read_reg(base + 4 * i)
        want = int(default_output(cfg).tables[t][i])
        assert got == want & 0xFFFFFFFF, f"table {t}[{i}] after the swap {got:#x}, reset value {want:#x}"
    # a size out of range is refused (ERROR.SIZE) and the old one stays
    err_size = regmap.field("ERROR", "SIZE").mask
    for w, h in ((7, 64), (64, 7), (MAX_W + 1, 64)):
        await tb.write("WIDTH", w)
        await tb.write("HEIGHT", h)
        await tb.ctrl("COMMIT")
        await tb.wait_applied()
        assert await tb.read("ERROR") == err_size, f"ERROR.SIZE for {w}x{h}"
        assert await tb.read("ACTIVE_SIZE") == size, f"size in use after a refused {w}x{h}"
        await tb.write("ERROR", err_size)
        assert await tb.read("ERROR") == 0, "ERROR is write-1-to-clear"
    # RESTART: both parameter banks and the size back to their reset values
    await tb.ctrl("RESTART")
    await tb.wait_applied()
    assert int(dut.u_regs.param.value) == bus_value(dflt.regs), "parameters in use after RESTART"
    for r, _, _, _ in lay[:3]:
        assert await tb.read(r) == word(dflt.regs[r]), f"{r} after RESTART"
    assert regmap.unpack_fields("STATUS", await tb.read("STATUS"))["DEFAULTS"] == 1
    # saturation counters: 0 with the requantizers only; CLEAR_COUNTERS keeps them readable
    for e in regmap.SAT_ENTRIES:
        assert await tb.read(f"SAT:{e}") == 0
    await tb.ctrl("CLEAR_COUNTERS")
    assert await tb.read("SAT:thumb") == 0


@cocotb.test(timeout_time=900, timeout_unit="sec")
async def run_robustness(dut):
    from cocotbext.axi import AxiStreamFrame

    c = case()
    order = c["order"]
    tb = ChainTB(dut)
    cfg = tb.cfg
    w, h = c.get("size", [64, 64])
    await tb.reset()
    await tb.configure(w, h)
    xs = random_frames(4, w, h, cfg, seed=5)
    nframes = 0

    async def good(k: int, label: str) -> None:
        nonlocal nframes
        send = cocotb.start_soon(tb.send(xs[k]))
        got = await tb.recv(w, h)
        await send
        compare_frames(got, chain_output(xs[k], order, cfg), label)
        nframes += 1

    async def broken(lines: list[AxiStreamFrame], err: str, label: str) -> None:
        """A broken frame: its ERROR bit, counted in BAD_FRAMES, a whole frame still comes out."""
        bad0 = await tb.read("BAD_FRAMES")
        for f in lines:
            await tb.source.send(f)
        got = await tb.recv(w, h)
        assert got.shape == (3, h, w), label
        await tb.source.wait()
        await ClockCycles(dut.clk, 20)
        errs = regmap.unpack_fields("ERROR", await tb.read("ERROR"))
        assert errs[err] == 1, f"{label}: ERROR {errs}"
        assert await tb.read("BAD_FRAMES") == bad0 + 1, f"{label}: BAD_FRAMES"
        await tb.write("ERROR", 0xFFFFFFFF)
        assert await tb.read("ERROR") == 0, f"{label}: ERROR cleared"
        await good(1, f"good frame after {label}")

    lines = tb.frame_beats(xs[0], tb.xw)
    await good(0, "first frame")
    # a short line (line 3 loses its last 5 pixels)
    short = list(lines)
    short[3] = AxiStreamFrame(tdata=list(lines[3].tdata)[:-5], tuser=list(lines[3].tuser)[:-5])
    await broken(short, "SHORT_LINE", "a short line")
    # a long line (line 2 has 3 extra pixels: tlast missing at the last column)
    long_ = list(lines)
    long_[2] = AxiStreamFrame(tdata=list(lines[2].tdata) + [1, 2, 3], tuser=list(lines[2].tuser) + [0, 0, 0])
    await broken(long_, "LONG_LINE", "a long line")
    # an SOF inside a frame: the first 10 lines, then a new frame (which is good)
    bad0 = await tb.read("BAD_FRAMES")
    send = cocotb.start_soon(tb.send(xs[2]))
    for f in lines[:10]:
        await tb.source.send(f)
    await send
    got = await tb.recv(w, h)
    assert got.shape == (3, h, w)
    compare_frames(await tb.recv(w, h), chain_output(xs[2], order, cfg), "the frame after an early SOF")
    assert regmap.unpack_fields("ERROR", await tb.read("ERROR"))["EARLY_SOF"] == 1
    assert await tb.read("BAD_FRAMES") == bad0 + 1
    await tb.write("ERROR", 0xFFFFFFFF)
    # a missing SOF: the frame's beats without tuser are dropped up to the next SOF
    nosof = [AxiStreamFrame(tdata=list(f.tdata), tuser=[0] * len(f.tdata)) for f in lines]
    for f in nosof:
        await tb.source.send(f)
    await good(3, "the frame after a frame without SOF")
    errs = regmap.unpack_fields("ERROR", await tb.read("ERROR"))
    assert errs["MISSING_SOF"] == 1, errs
    await tb.write("ERROR", 0xFFFFFFFF)
    # a COMMIT in the middle of a frame: applied only after the frame (the size in use is the old one)
    w2, h2 = w // 2 + 4, h // 2 + 4
    send = cocotb.start_soon(tb.send(xs[0]))
    while not int(dut.u_stream.row.value) >= h // 2:
        await RisingEdge(dut.clk)
    await tb.write("WIDTH", w2)
    await tb.write("HEIGHT", h2)
    await tb.ctrl("COMMIT")
    assert regmap.unpack_fields("STATUS", await tb.read("STATUS"))["COMMIT_PENDING"] == 1
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=w, HEIGHT=h), "size applied mid-frame"
    got = await tb.recv(w, h)
    await send
    compare_frames(got, chain_output(xs[0], order, cfg), "the frame during which COMMIT was written")
    await tb.wait_applied()
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=w2, HEIGHT=h2)
    x2 = random_frames(1, w2, h2, cfg, seed=9)[0]
    send = cocotb.start_soon(tb.send(x2))
    compare_frames(await tb.recv(w2, h2), chain_output(x2, order, cfg), "the first frame of the new size")
    await send
    assert await tb.read("ERROR") == 0
    assert nframes == 4


# ---------------------------------------------------------------------------- pytest
SIMS = ["icarus", "verilator"]
#: the full matrix (opt-in): TAISP_FULL_MATRIX=1 .venv/bin/python -m pytest -q sim/tb/posisp/test_posisp_chain.py
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")


def _run(simulator: str, testcase: str, c: dict, order: list[str]):
    return run_chain(simulator, "sim.tb.posisp.test_posisp_chain", testcase, c, order)


#: The chains under test: the shipped checkpoints' orders and two random orders of the ten filters.
RANDOM_SEEDS = {"random1": 1, "random2": 2}


def chain_orders() -> dict[str, list[str]]:
    """name -> order: ``frozen`` and ``joint`` (golden/posisp/checkpoints), ``random1``/``random2``."""
    from fixedpoint.posisp.chaingen import FILTERS, checkpoint_order
    from golden.posisp import CHECKPOINT_DIR

    out = {n: checkpoint_order(CHECKPOINT_DIR / f"posisp_{n}.pth") for n in ("frozen", "joint")}
    for n, seed in RANDOM_SEEDS.items():
        out[n] = [FILTERS[i] for i in np.random.default_rng(seed).permutation(len(FILTERS))]
    # the default run's chain: the frozen order without denoise (denoise's 121 offsets make a
    # simulator run of minutes on Icarus and its Verilator build of minutes)
    out["frozen_nodenoise"] = [o for o in out["frozen"] if o != "denoise"]
    return out


def _checkpoint(name: str) -> str:
    from golden.posisp import CHECKPOINT_DIR

    # random orders take the frozen checkpoint's parameter agent
    return str(CHECKPOINT_DIR / f"posisp_{name if name in ('frozen', 'joint') else 'frozen'}.pth")


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_chain_empty_frames(simulator):
    """The chain with no filter (input and output requantizers, thumbnail, stream control):
    two frames per pattern, idle x backpressure crossed, bit-exact, thumbnail sums read back;
    one frame with every cell of the window (odd size: cells sharing rows and columns; Verilator,
    both with TAISP_FULL_MATRIX=1)."""
    sizes = [[64, 64], [100, 70]] if FULL else [[67, 65]]
    _run(simulator, "run_frames", {"sizes": sizes, "frames": 2, "patterns": CROSSED_PATTERNS[1:]}, [])
    if FULL or simulator == "verilator":  # 24,576 AXI4-Lite reads: Verilator only by default
        _run(simulator, "run_frames", {"sizes": [[70, 66]], "frames": 1, "patterns": CROSSED_PATTERNS[:1], "full_thumb": True},
             [])


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_chain_registers(simulator):
    """The register file of the generated chain (parameters, tables, size, RESTART, counters)."""
    _run(simulator, "run_registers", {}, [])


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_chain_robustness(simulator):
    """Short/long lines, missing and early SOF, COMMIT mid-frame."""
    _run(simulator, "run_robustness", {"size": [16, 12]}, [])


#: default run: the frozen checkpoint's order without denoise on Icarus, small frames, both stalls
#: at once; the whole chains (denoise included) with TAISP_FULL_MATRIX=1
ORDER_CASES = ([(s, o) for o in ("frozen", "joint", "random1", "random2") for s in SIMS] if FULL
               else [("icarus", "frozen_nodenoise")])


@pytest.mark.parametrize("simulator,name", ORDER_CASES)
def test_chain_order_frames(simulator, name):
    """A whole chain in a checkpoint's order (or a random order), bit-exact against the model with
    the programmed defaults, small frames (16 x 12: the window filters' borders everywhere);
    full matrix: idle x backpressure crossed and 3 frames."""
    order = chain_orders()[name]
    pats = CROSSED_PATTERNS if FULL else [[True, True]]
    _run(simulator, "run_frames", {"sizes": [[16, 12]], "frames": 3 if FULL else 2, "patterns": pats}, order)


@pytest.mark.parametrize("simulator,name", [(s, o) for o in ("frozen", "joint", "random1", "random2") for s in SIMS]
                         if FULL else [])
def test_chain_order_previous(simulator, name):
    """Multi-frame ``previous`` mode through a whole chain (opt-in: TAISP_FULL_MATRIX=1): frame N's
    thumbnail read back over AXI4-Lite, the float parameter agent, the driver, register and table
    writes, COMMIT; frame N+1 bit-exact against the model in previous mode; no stalls, then both."""
    order = chain_orders()[name]
    _run(simulator, "run_frames", {"sizes": [[64, 64]], "frames": 2, "previous": True, "checkpoint": _checkpoint(name),
                                   "patterns": [[False, False], [True, True]]}, order)
