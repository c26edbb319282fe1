"""isp_table (LUT / piecewise-linear function table) against
fixedpoint.arith.tables.FunctionTable.evaluate, through the wrapper isp_table_bank (the five
tables of a config, each with its generated TAISP_TAB_* defines and tab_<name>.hex).

* Inputs of at most 16 bits: every representable input; wider inputs (log2 u25.24, exp2 s18.12):
  every segment's first, middle and last input, the range ends and random inputs (filling the
  stream up to the length of the exhaustive ones). Inputs are driven as two's complement bit
  patterns, one per clock, and compared after the run.
* A second run toggles ce at random (and drives garbage while ce is low): the outputs must be
  those of the accepted inputs only, and hold while ce is low.
* Two configs: the default one and a variant (``fixedpoint.taisp.variants.write_table_variant_config``) with other table kinds,
  sizes, segmentations and rounding modes (same formats, so every table/entry link still holds).
"""
from __future__ import annotations

import os
import re

import numpy as np
import pytest

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge

from fixedpoint.taisp.schema import TABLES  # noqa: E402
from fixedpoint.taisp.variants import write_table_variant_config  # noqa: E402
from sim.runner import rtl_define


#: isp_table's pipeline depth in ce cycles (ISP_TABLE_LATENCY of isp_defs.vh)
LATENCY = rtl_define("ISP_TABLE_LATENCY")
EXHAUSTIVE_MAX_BITS = 16
MIN_RANDOM = 4096
STALL_VALUES = 3000
CLK_NS = 10

def _inputs(table, rng: np.random.Generator, length: int | None = None) -> np.ndarray:
    """Raw inputs to test: all of them for narrow formats; otherwise segment first/middle/last,
    the range ends and random ones (at least MIN_RANDOM, or up to ``length``)."""
    f = table.in_fmt
    if f.width <= EXHAUSTIVE_MAX_BITS:
        v = np.arange(f.min_raw, f.max_raw + 1, dtype=np.int64)
    else:
        st, w = table.segment_starts, np.int64(1) << table.segment_shifts
        ends = [f.min_raw, f.min_raw + 1, -1, 0, 1, 2, f.max_raw - 1, f.max_raw]
        v = np.concatenate([st, st + w // 2, st + w - 1, np.array(ends, dtype=np.int64)])
        v = np.unique(v[(v >= f.min_raw) & (v <= f.max_raw)])
        n_rand = max(MIN_RANDOM, (length or 0) - v.size)
        v = np.concatenate([v, rng.integers(f.min_raw, f.max_raw, size=n_rand, endpoint=True)])
    return rng.permutation(v)


class TableTB:
    """Clock, ce and the five table ports of isp_table_bank."""

    def __init__(self, dut, cfg) -> None:
        self.dut = dut
        self.cfg = cfg
        self.tables = {n: cfg.table(n) for n in TABLES}
        self.ins = {n: getattr(dut, f"in_{n}") for n in TABLES}
        self.outs = {n: getattr(dut, f"out_{n}") for n in TABLES}
        self.in_mask = {n: (1 << t.in_fmt.width) - 1 for n, t in self.tables.items()}
        self.out_mask = {n: (1 << t.out_fmt.width) - 1 for n, t in self.tables.items()}
        for n in TABLES:
            assert len(self.ins[n]) == self.tables[n].in_fmt.width, f"in_{n} width"
            assert len(self.outs[n]) == self.tables[n].out_fmt.width, f"out_{n} width"
        Clock(dut.clk, CLK_NS, unit="ns").start()
        dut.ce.value = 0
        for n in TABLES:
            self.ins[n].value = 0

    def read_outs(self) -> list[int]:
        return [int(self.outs[n].value) for n in TABLES]

    async def stream(self, values: dict[str, np.ndarray], ce_prob: float = 1.0,
                     rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
        """Feed ``values`` (same length per table), one per clock where ce is high, garbage where
        it is low; returns the output of every accepted input. While ce is low the outputs
        must hold."""
        dut = self.dut
        n_vals = len(next(iter(values.values())))
        assert all(len(v) == n_vals for v in values.values())
        rng = rng if rng is not None else np.random.default_rng(0)
        # drive patterns (two's complement bits), as Python ints for speed
        pats = [[int(x) & self.in_mask[n] for x in values[n]] for n in TABLES]
        ports = [self.ins[n] for n in TABLES]
        garbage = [int(x) for x in rng.integers(0, 1 << 30, size=64)]
        got: list[list[int]] = []
        accepted = 0          # ce-high rising edges so far
        last: list[int] | None = None
        sent = 0              # values driven with ce high
        ce_prev = 0
        await FallingEdge(dut.clk)
        while accepted < n_vals + LATENCY - 1:
            # outputs now reflect the rising edge that just happened (with ce_prev)
            if ce_prev:
                accepted += 1
                if accepted >= LATENCY:
                    last = self.read_outs()
                    got.append(last)
            elif last is not None:
                now = self.read_outs()
                assert now == last, f"outputs changed while ce was low (after {accepted} accepted inputs): {now} != {last}"
            # drive the next cycle
            ce = 1 if ce_prob >= 1.0 or rng.random() < ce_prob else 0
            if ce:
                if sent < n_vals:
                    for p, pat in zip(ports, pats):
                        p.value = pat[sent]
                sent += 1
            else:
                g = garbage[accepted % len(garbage)]
                for p, n in zip(ports, TABLES):
                    p.value = g & self.in_mask[n]
            if ce != ce_prev:
                dut.ce.value = ce
            ce_prev = ce
            await FallingEdge(dut.clk)
        res = np.array(got[:n_vals], dtype=np.int64)
        return {n: res[:, i] for i, n in enumerate(TABLES)}

    def check(self, values: dict[str, np.ndarray], got: dict[str, np.ndarray]) -> None:
        errors = []
        for n in TABLES:
            t = self.tables[n]
            want = t.evaluate(values[n]) & self.out_mask[n]
            bad = np.nonzero(got[n] != want)[0]
            self.dut._log.info("%s: %d inputs (%s), %d mismatches", n, len(values[n]), t.describe(), bad.size)
            for i in bad[:8]:
                errors.append(f"{n}: input raw {int(values[n][i])}: RTL {int(got[n][i]):#x}, model {int(want[i]):#x}")
            if bad.size > 8:
                errors.append(f"{n}: ... {bad.size} mismatches in all")
        assert not errors, "\n".join(errors)


def _load_cfg():
    from fixedpoint.config import load_config

    path = os.environ.get("TAISP_TB_CONFIG", "")
    return load_config(path or None)


@cocotb.test(timeout_time=20, timeout_unit="ms")
async def run_table_stream(dut):
    """Every table, back to back, ce always high: exhaustive for <= 16-bit inputs."""
    tb = TableTB(dut, _load_cfg())
    rng = np.random.default_rng(1)
    base = {n: _inputs(t, rng) for n, t in tb.tables.items()}
    length = max(v.size for v in base.values())
    values = {}
    for n, t in tb.tables.items():
        v = base[n]
        if v.size < length:  # wide inputs: more random values for free
            extra = rng.integers(t.in_fmt.min_raw, t.in_fmt.max_raw, size=length - v.size, endpoint=True)
            v = np.concatenate([v, extra])
        values[n] = v
    got = await tb.stream(values)
    tb.check(values, got)


@cocotb.test(timeout_time=5, timeout_unit="ms")
async def run_table_ce_stall(dut):
    """ce toggling at random (garbage inputs while low): only accepted inputs count, outputs hold."""
    tb = TableTB(dut, _load_cfg())
    rng = np.random.default_rng(2)
    values = {}
    for n, t in tb.tables.items():
        v = _inputs(t, rng)
        st = t.segment_starts
        # segment boundaries first (both sides), then a random sample
        edge = np.concatenate([st, st - 1, st + 1])
        edge = edge[(edge >= t.in_fmt.min_raw) & (edge <= t.in_fmt.max_raw)]
        v = np.concatenate([rng.choice(edge, size=STALL_VALUES // 2), rng.choice(v, size=STALL_VALUES - STALL_VALUES // 2)])
        values[n] = rng.permutation(v)
    got = await tb.stream(values, ce_prob=0.6, rng=rng)
    tb.check(values, got)


# ------------------------------------------------------------------------------ pytest side
#: both configs on Icarus; on Verilator the variant (other rounding and overflow modes), both with
#: TAISP_FULL_MATRIX=1
TABLE_RUNS = [(s, c) for c in ("default", "variant") for s in ("icarus", "verilator")
              if s == "icarus" or c == "variant" or os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")]


@pytest.mark.parametrize("simulator,config", TABLE_RUNS)
def test_isp_table(simulator, config, tmp_path):
    from sim.runner import generated_dir, rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    cfg_path = write_table_variant_config(tmp_path) if config == "variant" else None
    gen = generated_dir(cfg_path)
    here = os.path.dirname(__file__)
    run_cocotb(simulator, "isp_table_bank", "sim.tb.common.test_isp_table",
               sources=rtl_sources("isp_table") + [os.path.join(here, "isp_table_bank.v")],
               # a Verilog string: the quotes are part of the value (-P / -G on the command line)
               parameters={"MEM_DIR": f'"{gen}"'}, gen=gen, build_name=f"isp_table_{config}",
               extra_env={"TAISP_TB_CONFIG": str(cfg_path) if cfg_path else ""})
