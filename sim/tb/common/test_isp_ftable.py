"""isp_ftable (per-frame function table, two banks written by software) against
fixedpoint.arith.tables.FunctionTable.evaluate on the entries POS-ISP's driver computes
(fixedpoint.posisp.driver.drive), through the wrapper isp_ftable_bank (the per-frame tables gamma,
contrast and denoise of fixedpoint/posisp/configs/default.toml; denoise with two read ports).

One cocotb test walks a frame sequence:

1. after configuration both banks hold the defaults (tab_<name>_default.hex): the pixel path
   (bank 0) matches the driver's default output;
2. software writes the driver's tables of random raw parameters into bank 1 while the pixel path
   keeps reading bank 0 with ce toggling at random (the defaults must still come out), reads the
   whole bank back, and checks that an address past the table is ignored;
3. bank swap (tab_bank = 1): the pixel path matches the new tables; software now sees bank 0,
   which still holds the defaults;
4. the tables of parameters at the ends of their ranges (all 0, then all 1) go into bank 0, swap
   back, compare again.

Inputs: every segment's first, middle and last input and their neighbours, the range ends and
random inputs (a sample of them per phase), driven as raw bit patterns one per accepted clock.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

import cocotb
from cocotb.triggers import FallingEdge

from sim.tblib import ClockedTB

NAMES = ("gamma", "contrast", "denoise")
#: read ports per table in isp_ftable_bank
PORTS = {"gamma": 1, "contrast": 1, "denoise": 2}
SEL = {n: i for i, n in enumerate(NAMES)}
CLK_NS = 10
#: inputs per phase and table port
PHASE_VALUES = 1200


def _latency() -> int:
    from sim.runner import rtl_define

    return rtl_define("ISP_TABLE_LATENCY")


def _pool(table, rng: np.random.Generator) -> np.ndarray:
    """Raw inputs worth testing: segment first/middle/last inputs and neighbours, range ends."""
    f = table.in_fmt
    st, w = table.segment_starts, np.int64(1) << table.segment_shifts
    v = np.concatenate([st, st - 1, st + 1, st + w // 2, st + w - 1,
                        np.array([f.min_raw, f.min_raw + 1, 0, 1, 2, f.max_raw - 1, f.max_raw], dtype=np.int64)])
    v = np.unique(v[(v >= f.min_raw) & (v <= f.max_raw)])
    return np.concatenate([v, rng.integers(f.min_raw, f.max_raw, size=v.size, endpoint=True)])


class FTableTB(ClockedTB):
    """Clock, ce, the three tables' inputs/outputs and the shared software port."""

    def __init__(self, dut, cfg) -> None:
        super().__init__(dut, CLK_NS)
        self.cfg = cfg
        self.layout = {n: cfg.table(n) for n in NAMES}
        self.latency = _latency()
        for n, t in self.layout.items():
            assert len(getattr(dut, f"in_{n}")) == PORTS[n] * t.in_fmt.width, f"in_{n} width"
            assert len(getattr(dut, f"out_{n}")) == PORTS[n] * t.out_fmt.width, f"out_{n} width"
        dut.ce.value = 0
        dut.tab_bank.value = 0
        dut.tab_en.value = 0
        dut.tab_we.value = 0
        dut.tab_sel.value = 0
        dut.tab_addr.value = 0
        dut.tab_wdata.value = 0
        for n in NAMES:
            getattr(dut, f"in_{n}").value = 0

    def _pack(self, n: str, vals) -> int:
        w = self.layout[n].in_fmt.width
        m = (1 << w) - 1
        return sum((int(v) & m) << (k * w) for k, v in enumerate(vals))

    def _unpack(self, n: str) -> list[int]:
        w = self.layout[n].out_fmt.width
        v = int(getattr(self.dut, f"out_{n}").value)
        return [(v >> (k * w)) & ((1 << w) - 1) for k in range(PORTS[n])]

    async def stream(self, values: dict[str, np.ndarray], ce_prob: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Feed ``values[n]`` (shape (L, ports)) one row per ce-high clock, garbage while ce is low;
        returns the outputs of the accepted rows. Outputs must hold while ce is low."""
        dut = self.dut
        L = len(values[NAMES[0]])
        rows = {n: [self._pack(n, r) for r in values[n]] for n in NAMES}
        ports = {n: getattr(dut, f"in_{n}") for n in NAMES}
        got: dict[str, list[list[int]]] = {n: [] for n in NAMES}
        accepted = sent = 0
        ce_prev = 0
        last = None
        await FallingEdge(dut.clk)
        while accepted < L + self.latency - 1:
            if ce_prev:
                accepted += 1
                if accepted >= self.latency:
                    last = {n: self._unpack(n) for n in NAMES}
                    for n in NAMES:
                        got[n].append(last[n])
            elif last is not None:
                now = {n: self._unpack(n) for n in NAMES}
                assert now == last, f"outputs changed while ce was low after {accepted} inputs"
            ce = 1 if ce_prob >= 1.0 or rng.random() < ce_prob else 0
            if ce:
                if sent < L:
                    for n in NAMES:
                        ports[n].value = rows[n][sent]
                sent += 1
            else:
                g = int(rng.integers(0, 1 << 62))
                for n in NAMES:
                    ports[n].value = g & ((1 << len(ports[n])) - 1)
            dut.ce.value = ce
            ce_prev = ce
            await FallingEdge(dut.clk)
        return {n: np.array(got[n][:L], dtype=np.int64).reshape(L, PORTS[n]) for n in NAMES}

    async def write_table(self, n: str, entries, base: int = 0) -> None:
        """Software writes ``entries`` of table ``n`` from address ``base`` on (into the bank the pixel
        path does not read)."""
        dut = self.dut
        await FallingEdge(dut.clk)
        dut.tab_sel.value = SEL[n]
        dut.tab_en.value = 1
        dut.tab_we.value = 1
        for a, e in enumerate(entries):
            dut.tab_addr.value = base + a
            dut.tab_wdata.value = int(e) & 0xFFFFFFFF
            await FallingEdge(dut.clk)
        dut.tab_en.value = 0
        dut.tab_we.value = 0

    async def read_table(self, n: str, addrs) -> list[int]:
        """Software reads entries ``addrs`` of table ``n`` (the bank the pixel path does not read)."""
        dut = self.dut
        out = []
        rd = getattr(dut, f"rdata_{n}")
        await FallingEdge(dut.clk)
        dut.tab_sel.value = SEL[n]
        dut.tab_we.value = 0
        for a in addrs:
            dut.tab_addr.value = int(a)
            dut.tab_en.value = 1
            await FallingEdge(dut.clk)
            dut.tab_en.value = 0
            out.append(int(rd.value))
        return out

    def inputs(self, rng: np.random.Generator) -> dict[str, np.ndarray]:
        return {n: rng.choice(_pool(t, rng), size=(PHASE_VALUES, PORTS[n])) for n, t in self.layout.items()}

    def check(self, what: str, values: dict[str, np.ndarray], got: dict[str, np.ndarray],
              tables: dict[str, np.ndarray]) -> None:
        errors = []
        for n in NAMES:
            t = self.layout[n].with_entries(tables[n])
            want = t.evaluate(values[n]) & ((1 << t.out_fmt.width) - 1)
            bad = np.argwhere(got[n] != want)
            self.dut._log.info("%s %s: %d inputs, %d mismatches", what, n, values[n].size, len(bad))
            for i, k in bad[:6]:
                errors.append(f"{what} {n} port {k}: input {int(values[n][i, k])}: RTL {int(got[n][i, k]):#x}, "
                              f"model {int(want[i, k]):#x}")
        assert not errors, "\n".join(errors)


@cocotb.test(timeout_time=20, timeout_unit="ms")
async def run_ftable_frames(dut):
    from fixedpoint.posisp.driver import default_output, drive, quantize_params
    from fixedpoint.posisp.schema import load_posisp_config

    cfg = load_posisp_config()
    tb = FTableTB(dut, cfg)
    rng = np.random.default_rng(int(os.environ.get("TAISP_TB_SEED", "21")))
    dflt = default_output(cfg).tables
    p_rand = drive(quantize_params(rng.random(27), cfg), cfg).tables
    p_lo = drive(quantize_params(np.zeros(27), cfg), cfg).tables
    p_hi = drive(quantize_params(np.ones(27), cfg), cfg).tables

    # 1: both banks hold the defaults
    v = tb.inputs(rng)
    tb.check("reset bank 0", v, await tb.stream(v, 1.0, rng), dflt)

    # 2: software fills bank 1 while the pixel path reads bank 0 (ce toggling)
    v = tb.inputs(rng)
    pix = cocotb.start_soon(tb.stream(v, 0.6, rng))
    for n in NAMES:
        await tb.write_table(n, p_rand[n])
    tb.check("bank 0 during writes", v, await pix, dflt)
    for n in NAMES:
        back = await tb.read_table(n, range(p_rand[n].size))
        want = [int(e) & 0xFFFFFFFF for e in p_rand[n]]
        assert back == want, f"{n}: bank 1 read back differs at {[i for i, (a, b) in enumerate(zip(back, want)) if a != b][:8]}"
        N = p_rand[n].size
        # writes past the table are ignored, reads there give 0
        await tb.write_table(n, [0x5A5A5, 0x3C3C3], base=N)
        assert (await tb.read_table(n, [N - 1, N, N + 1, (1 << 12) - 1])) == [want[N - 1], 0, 0, 0], \
            f"{n}: access past the table"

    # 3: swap: the pixel path reads bank 1, software sees bank 0 (defaults)
    dut.tab_bank.value = 1
    v = tb.inputs(rng)
    tb.check("bank 1 random p", v, await tb.stream(v, 0.7, rng), p_rand)
    for n in NAMES:
        idx = rng.integers(0, dflt[n].size, size=32)
        assert (await tb.read_table(n, idx)) == [int(dflt[n][i]) for i in idx], f"{n}: bank 0 lost its defaults"

    # 4: the range ends into bank 0, swap back; then all-ones into bank 1, swap
    for tabs, bank in ((p_lo, 0), (p_hi, 1)):
        for n in NAMES:
            await tb.write_table(n, tabs[n])
        dut.tab_bank.value = bank
        v = tb.inputs(rng)
        tb.check(f"bank {bank} p at the range ends", v, await tb.stream(v, 0.8, rng), tabs)


# ------------------------------------------------------------------------------ pytest side
@pytest.mark.parametrize("simulator", ["icarus", "verilator"])
def test_isp_ftable(simulator):
    from sim.runner import posisp_generated_dir, rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = posisp_generated_dir()
    here = os.path.dirname(__file__)
    run_cocotb(simulator, "isp_ftable_bank", "sim.tb.common.test_isp_ftable",
               sources=rtl_sources("isp_ftable") + [os.path.join(here, "isp_ftable_bank.v")],
               parameters={"MEM_DIR": f'"{gen}"'}, gen=gen, build_name="isp_ftable")
