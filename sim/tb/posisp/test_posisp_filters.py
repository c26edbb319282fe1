"""The eight pointwise POS-ISP filters (posisp_exposure, _gamma, _ccm, _tone, _contrast,
_saturation, _wnb, _wb) against the fixed-point model (``fixedpoint.posisp.filters.apply_filter``),
through the wrapper ``posisp_filters_tb`` (all eight behind one stream port, one build per
simulator; ``m_axis_tuser`` = {saturation count, SOF}).

For each filter, one cocotb test streams a frame sequence with every idle/backpressure pair
crossed (:data:`sim.tblib.CROSSED_PATTERNS`), two frames per pair:

* a real RAW file, centre-cropped, through the fixed-point front end into ``chain.x`` (a
  different file for each pair), with the registers and tables the driver computes for random
  raw parameters;
* a synthetic frame of edge values (0, one LSB, 1.0 and its neighbours, the tone segments'
  boundaries, values above 1 up to the format's maximum, grey pixels and pixels with two equal
  components), with the driver's output for parameters at the ends of their ranges (all 0, all 1,
  each 0 or 1 at random, the defaults).

Every output beat must equal the model bit for bit, tlast/tuser (SOF) must sit on the line ends /
the frame's first pixel, and the beats' saturation counts must add up to the model's count for
the frame. Registers change between frames only (frame constants); the per-frame tables (gamma,
contrast) of the next frame are written through the software port into the bank the pixels do
not read while the current frame streams, and the banks swap between frames.

``TAISP_FULL_MATRIX=1``: larger frames and two more parameter sets per pair.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import cocotb
from cocotb.triggers import ClockCycles, FallingEdge, ReadOnly, RisingEdge
from cocotbext.axi import AxiStreamFrame

from sim.posisp.cost import pointwise_latency
from sim.tblib import CROSSED_PATTERNS, StreamTB

#: The pointwise filters, in the wrapper's ``sel`` order.
FILTERS: tuple[str, ...] = ("exposure", "gamma", "ccm", "tone", "contrast", "saturation", "wnb", "wb")
RAW_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "raw"
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
#: Frame size (width, height) of the default run and of the full matrix.
FRAME = (24, 12) if FULL else (16, 8)
CLOCK_NS = 4
#: Cycles a frame may take per beat before the bench calls it a hang.
HANG_CYCLES_PER_BEAT = 40


#: Clocks from the cycle an input beat is transferred to the cycle its output beat is on
#: m_axis, with no stalls (sim/posisp/cost.py, the cost table's figures): the bench measures it
#: on every filter's first frame.
LATENCY: dict[str, int] = pointwise_latency()


def raw_files() -> list[str]:
    """The real RAW files of the shared data set (MANIFEST.json order)."""
    return [f["file"] for f in json.loads((RAW_DIR / "MANIFEST.json").read_text())["files"]]


def raw_frame(name: str, cfg, size: tuple[int, int]) -> np.ndarray:
    """A RAW file's centred crop through the fixed-point front end, as raw ``chain.x`` (3, H, W)."""
    from fixedpoint.frontend import frontend
    from fixedpoint.posisp.filters import chain_input
    from golden.raw import read_raw
    from sim.taisp.camera import crop_raw

    return chain_input(frontend(crop_raw(read_raw(RAW_DIR / name), *size), cfg, "bilinear"), cfg)


def edge_frame(cfg, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Raw ``chain.x`` (3, H, W) of edge values: 0, 1 LSB, 1.0 - 1, 1.0, 1.0 + 1, twice 1.0, the
    tone segments' boundaries (k/8 and one below), random values below 1 and up to the format's
    maximum, the maximum and one below; a quarter of the pixels grey (R = G = B), a quarter with
    two equal components."""
    fx = cfg["chain.x"].fmt
    one, top = 1 << fx.frac, fx.max_raw
    seg = [k << (fx.frac - 3) for k in range(1, 8)]
    pool = np.array([0, 1, 2, one - 1, one, one + 1, 2 * one, top - 1, top, *seg, *(s - 1 for s in seg)], dtype=np.int64)
    w, h = size
    n = w * h

    def draw(k: int) -> np.ndarray:
        kind = rng.integers(0, 4, size=k)
        return np.where(kind == 0, rng.choice(pool, size=k),
                        np.where(kind == 1, rng.integers(0, one + 1, size=k),
                                 np.where(kind == 2, rng.integers(0, top + 1, size=k), rng.integers(0, 4 * one, size=k))))

    x = np.stack([draw(n), draw(n), draw(n)])
    grey = rng.random(n) < 0.25
    x[1, grey] = x[0, grey]
    x[2, grey] = x[0, grey]
    two = (~grey) & (rng.random(n) < 0.33)
    a, b = rng.integers(0, 3, size=n), rng.integers(1, 3, size=n)
    for i in np.nonzero(two)[0]:
        x[(a[i] + b[i]) % 3, i] = x[a[i], i]
    return x.reshape(3, h, w).astype(np.int64)


def param_sets(rng: np.random.Generator, n_random: int) -> list[tuple[str, np.ndarray]]:
    """Raw parameters (27 floats in [0, 1]): random ones, then the ends of every range (all 0,
    all 1, each 0 or 1 at random) and the defaults."""
    from fixedpoint.posisp.driver import DEFAULT_P

    ends = [("all 0", np.zeros(27)), ("all 1", np.ones(27)), ("ends", rng.integers(0, 2, size=27).astype(float)),
            ("ends", rng.integers(0, 2, size=27).astype(float)), ("default", np.array(DEFAULT_P))]
    return [("random", rng.random(27)) for _ in range(n_random)], ends


class FilterTB(StreamTB):
    """``posisp_filters_tb``: clock, reset, the stream source and sink, the selected filter's
    registers by name and the per-frame table port."""

    def __init__(self, dut, cfg, name: str) -> None:
        super().__init__(dut, CLOCK_NS, axil=False)
        from fixedpoint.posisp.driver import FILTER_REGISTERS, FILTER_TABLES, REGISTER_ENTRIES

        self.cfg = cfg
        self.name = name
        self.xw = cfg["chain.x"].fmt.width
        self.regs = {r: cfg[REGISTER_ENTRIES[r]].fmt.width for r in FILTER_REGISTERS[name]}
        self.tables = FILTER_TABLES.get(name, ())
        self.bank = 0
        dut.sel.value = FILTERS.index(name)
        for s in ("tab_bank", "tab_en", "tab_we", "tab_addr", "tab_wdata"):
            getattr(dut, s).value = 0

    def set_registers(self, drv) -> None:
        """The filter's registers from a driver output (raw, two's complement at the entry's width)."""
        for r, w in self.regs.items():
            getattr(self.dut, r.lower()).value = drv.regs[r] & ((1 << w) - 1)

    async def write_tables(self, drv) -> None:
        """The filter's per-frame table of ``drv`` into the bank the pixels do not read."""
        d = self.dut
        for t in self.tables:
            await FallingEdge(d.clk)
            d.tab_en.value = 1
            d.tab_we.value = 1
            for a, e in enumerate(drv.tables[t]):
                d.tab_addr.value = a
                d.tab_wdata.value = int(e) & 0xFFFFFFFF
                await FallingEdge(d.clk)
            d.tab_en.value = 0
            d.tab_we.value = 0

    async def swap_banks(self) -> None:
        await FallingEdge(self.dut.clk)
        self.bank ^= 1
        self.dut.tab_bank.value = self.bank

    async def latency(self) -> int:
        """Clocks from the cycle of the first input transfer to the first cycle with m_axis_tvalid
        (start before a frame, on an idle pipeline)."""
        d = self.dut
        n, t_in = 0, None
        while True:
            await RisingEdge(d.clk)
            await ReadOnly()
            n += 1
            if t_in is not None and int(d.m_axis_tvalid.value):
                return n - t_in
            if t_in is None and int(d.s_axis_tvalid.value) and int(d.s_axis_tready.value):
                t_in = n  # the cycle the beat is on s_axis (transferred at its closing edge)

    async def send_frame(self, x: np.ndarray) -> None:
        from sim.ug934 import pack_ug934

        b = pack_ug934(x, self.xw)
        h, w = b.shape
        for r in range(h):
            await self.source.send(AxiStreamFrame(tdata=[int(v) for v in b[r]],
                                                  tuser=[1 if (r == 0 and c == 0) else 0 for c in range(w)]))

    async def recv_frame(self, w: int, h: int) -> tuple[np.ndarray, int]:
        """One frame from the sink: (3, H, W) raw chain.x and the sum of the beats' saturation
        counts; each line must end with tlast and SOF sit on the first pixel only."""
        from sim.ug934 import unpack_ug934

        rows, sat = [], 0
        for r in range(h):
            f = await self.sink.recv()
            data = [int(v) for v in f.tdata]
            user = f.tuser if isinstance(f.tuser, list) else [f.tuser] * len(data)
            user = [int(u or 0) for u in user]
            assert len(data) == w, f"{self.name}: output line {r} has {len(data)} beats (tlast misplaced), expected {w}"
            sof = [u & 1 for u in user]
            assert sof == [1 if (r == 0 and c == 0) else 0 for c in range(w)], f"{self.name}: line {r} SOF {sof}"
            sat += sum(u >> 1 for u in user)
            rows.append(data)
        return unpack_ug934(np.array(rows, dtype=object), self.xw), sat


def write_config(cfg, folder: Path) -> Path:
    """A config (``cfg.raw``) as TOML in ``folder`` (``<name>.toml``): the build of a variant
    config, which ``sim.runner.posisp_generated_dir`` and the cocotb process read by path."""
    def dump(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {dump(x)}" for k, x in v.items()) + " }"
        return f'"{v}"' if isinstance(v, str) else str(v)

    lines = [f"{k} = {dump(v)}" for k, v in cfg.raw.items() if not isinstance(v, dict)]
    for k, v in cfg.raw.items():
        if isinstance(v, dict) and k not in ("tables", "frame_tables"):
            lines += [f"[{k}]", *(f"{n} = {dump(x)}" for n, x in v.items())]
    for sec in ("tables", "frame_tables"):
        for t, spec in cfg.raw.get(sec, {}).items():
            lines += [f"[{sec}.{t}]", *(f"{n} = {dump(x)}" for n, x in spec.items())]
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{cfg.name}.toml"
    text = "\n".join(lines) + "\n"
    if not p.exists() or p.read_text() != text:
        p.write_text(text)
    return p


async def check_filter(dut, name: str) -> None:
    from fixedpoint.common import RunContext
    from fixedpoint.posisp.driver import drive, quantize_params
    from fixedpoint.posisp.filters import apply_filter
    from fixedpoint.posisp.schema import load_posisp_config

    cfg = load_posisp_config(os.environ.get("TAISP_TB_CONFIG") or None)
    tb = FilterTB(dut, cfg, name)
    await tb.reset()
    rng = np.random.default_rng(FILTERS.index(name) + 1000 * int(os.environ.get("TAISP_TB_SEED", "0")))
    files = raw_files()
    randoms, ends = param_sets(rng, 2 if FULL else 1)
    w, h = FRAME
    # the frames: per idle/backpressure pair a RAW crop with random parameters and an edge frame with
    # parameters at the ends of their ranges (FULL: one more random set on each)
    frames = []
    for k, _ in enumerate(CROSSED_PATTERNS):
        x_raw = raw_frame(files[(FILTERS.index(name) + k) % len(files)], cfg, FRAME)
        x_edge = edge_frame(cfg, FRAME, rng)
        for label, p in randoms:
            frames.append((k, f"{files[(FILTERS.index(name) + k) % len(files)]}, {label} p", x_raw, p))
        label, p = ends[k % len(ends)]
        frames.append((k, f"edge values, {label} p", x_edge, p))
        if FULL:
            label, p = ends[(k + len(CROSSED_PATTERNS)) % len(ends)]
            frames.append((k, f"edge values, {label} p", edge_frame(cfg, FRAME, rng), p))
    drvs = [drive(quantize_params(p, cfg), cfg) for _, _, _, p in frames]
    # the first frame's tables into the free bank, then swap
    if tb.tables:
        await tb.write_tables(drvs[0])
        await tb.swap_banks()
    total_sat = 0
    for i, (k, what, x, _) in enumerate(frames):
        idle, bp = CROSSED_PATTERNS[k]
        tb.set_patterns(idle, bp, seed=17 * i + FILTERS.index(name))
        drv = drvs[i]
        tb.set_registers(drv)
        run = RunContext()
        want = apply_filter(name, x, drv, cfg, run)
        want_sat = run.counts.get(name, 0)
        lat = cocotb.start_soon(tb.latency()) if i == 0 else None
        send = cocotb.start_soon(tb.send_frame(x))
        if tb.tables and i + 1 < len(frames):  # the next frame's tables while this one streams
            await tb.write_tables(drvs[i + 1])
        got, sat = await tb.within(tb.recv_frame(w, h), HANG_CYCLES_PER_BEAT * w * h + 2000,
                                   f"{name}: frame {i} ({what}, idle {idle}, backpressure {bp})")
        await send
        if lat is not None:
            measured = await lat
            assert measured == LATENCY[name], f"{name}: latency {measured} clocks, documented {LATENCY[name]}"
        bad = np.argwhere(got != want)
        msg = [f"{name} frame {i} ({what}; idle {idle}, backpressure {bp}): {len(bad)} of {want.size} values differ"]
        for c, r, q in bad[:8]:
            msg.append(f"  {'RGB'[c]} ({r}, {q}): in {int(x[c, r, q])}, RTL {int(got[c, r, q])}, model {int(want[c, r, q])}")
        assert bad.size == 0, "\n".join(msg)
        assert sat == want_sat, f"{name} frame {i} ({what}): saturation count {sat}, model {want_sat}"
        total_sat += sat
        dut._log.info("%s frame %d (%s; idle %s, bp %s): %d values bit-exact, %d saturations", name, i, what, idle, bp,
                      want.size, sat)
        if tb.tables:
            await tb.swap_banks()
    tb.set_patterns(False, False)
    await ClockCycles(dut.clk, 4)
    assert not int(dut.m_axis_tvalid.value), f"{name}: a beat left over after the last frame"
    dut._log.info("%s: %d frames, %d saturations in all", name, len(frames), total_sat)


def _make_test(name: str):
    async def run(dut):
        await check_filter(dut, name)

    run.__name__ = run.__qualname__ = f"run_{name}"
    run.__doc__ = f"posisp_{name} against fixedpoint.posisp.filters.{name}"
    return cocotb.test(timeout_time=600 if FULL else 120, timeout_unit="sec")(run)


for _name in FILTERS:
    globals()[f"run_{_name}"] = _make_test(_name)


# ------------------------------------------------------------------------------ pytest side
SOURCES = ("isp_delay", "isp_rq", "isp_table", "isp_ftable", "isp_stream_pipe", "posisp_out3", "posisp_gain3",
           "posisp_luma", *(f"posisp_{n}" for n in FILTERS))


#: (simulator, config) runs: the default config on both simulators, the every-mode variant
#: (fixedpoint.posisp.variants.every_mode_config: every rounding and overflow mode, chain.x u28.20
#: wrapping, other table layouts) on Icarus, and on Verilator too with TAISP_FULL_MATRIX=1.
RUNS = [("icarus", "default"), ("verilator", "default")] + (
    [("icarus", "every_mode"), ("verilator", "every_mode")] if FULL else [])


@pytest.mark.parametrize("simulator,config", RUNS)
def test_posisp_filters(simulator, config):
    """All eight filters' cocotb tests in one simulator run (one build, the model loaded once)."""
    from sim.runner import BUILD_DIR, posisp_generated_dir, rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    cfg_path = None
    if config == "every_mode":
        from fixedpoint.posisp.variants import every_mode_config

        cfg_path = write_config(every_mode_config(), BUILD_DIR / "posisp_configs")
    gen = posisp_generated_dir(cfg_path)
    here = Path(__file__).parent
    run_cocotb(simulator, "posisp_filters_tb", "sim.tb.posisp.test_posisp_filters",
               sources=rtl_sources(*SOURCES) + [here / "posisp_filters_tb.v"],
               parameters={"MEM_DIR": f'"{gen}"'}, gen=gen, build_name=f"posisp_filters_{config}", verilator_opt="-O1",
               extra_env={"TAISP_TB_CONFIG": str(cfg_path) if cfg_path else ""}, public_depth=1)
