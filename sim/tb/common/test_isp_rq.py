"""isp_rq (requantization) against fixedpoint.arith.requantize: every rounding x overflow
mode, several format pairs (bits dropped, none, added), random and edge-case inputs."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

import cocotb
from cocotb.triggers import Timer

from fixedpoint.arith import FxFormat, Overflow, Rounding, requantize

N_VALUES = 400


def _edges(w: int, d: int) -> list[int]:
    lo, hi = -(1 << (w - 1)), (1 << (w - 1)) - 1
    v = [0, 1, -1, lo, hi, lo + 1, hi - 1]
    if d > 0:
        h = 1 << (d - 1)
        for base in (0, 3 << d, -(5 << d), 1 << (w - 2), -(1 << (w - 2))):
            v += [base + h, base - h, base + h + 1, base + h - 1, base + (1 << d) - 1]
    return [x for x in v if lo <= x <= hi]


@cocotb.test(timeout_time=200, timeout_unit="ms")
async def run_rq_modes(dut):
    p = json.loads(os.environ["TAISP_TB_PARAMS"])
    in_w, in_f, out_w, out_f, out_s = p["IN_W"], p["IN_F"], p["OUT_W"], p["OUT_F"], bool(p["OUT_S"])
    src, dst = FxFormat(True, in_w, in_f), FxFormat(out_s, out_w, out_f)
    rng = np.random.default_rng(in_w * 1000 + out_w)
    vals = _edges(in_w, in_f - out_f)
    vals += [int(x) for x in rng.integers(-(1 << (in_w - 1)), 1 << (in_w - 1), size=N_VALUES // 2)]
    # values near the output range, where saturation happens
    scale = 1 << max(in_f - out_f, 0)
    span = 1 << (out_w + 1)
    vals += [int(x) * scale + int(y) for x, y in zip(rng.integers(-span, span, N_VALUES // 2),
                                                     rng.integers(0, scale, N_VALUES // 2))
             if -(1 << (in_w - 1)) <= int(x) * scale + int(y) < 1 << (in_w - 1)]
    arr = np.array(vals, dtype=np.int64)
    expect = {}
    for r in range(7):
        for o in range(4):
            res = requantize(arr, src, dst, Rounding(r), Overflow(o))
            expect[r * 4 + o] = res.raw
    mask = (1 << out_w) - 1
    for i, v in enumerate(vals):
        dut.in_v.value = v & ((1 << in_w) - 1)
        await Timer(1, "ns")
        out = int(dut.out_v.value)
        ovf = int(dut.ovf_v.value)
        for m in range(28):
            got = (out >> (m * out_w)) & mask
            want = int(expect[m][i]) & mask
            assert got == want, (f"value {v}: mode rnd={Rounding(m // 4).name} ovf={Overflow(m % 4).name}: "
                                 f"RTL {got:#x}, model {want:#x}")
        # the overflow flag: recompute with a single-value call (counts)
        if i % 8 == 0:
            for m in range(28):
                res = requantize(np.array([v], dtype=np.int64), src, dst, Rounding(m // 4), Overflow(m % 4))
                assert ((ovf >> m) & 1) == int(res.n_overflow), f"value {v} mode {m}: overflow flag"


CASES = {
    "drop12_signed": dict(IN_W=40, IN_F=28, OUT_W=16, OUT_F=10, OUT_S=1),
    "drop24_u8": dict(IN_W=48, IN_F=24, OUT_W=8, OUT_F=0, OUT_S=0),
    "same_frac": dict(IN_W=18, IN_F=10, OUT_W=12, OUT_F=10, OUT_S=1),
    "shift_left": dict(IN_W=20, IN_F=8, OUT_W=16, OUT_F=12, OUT_S=0),
}


#: every case on Icarus (a small module: seconds each); on Verilator (a build per case) the first
#: case, and every case with TAISP_FULL_MATRIX=1
RQ_RUNS = [(s, c) for c in sorted(CASES) for s in ("icarus", "verilator")
           if s == "icarus" or c == sorted(CASES)[0] or os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")]


@pytest.mark.parametrize("simulator,case", RQ_RUNS)
def test_isp_rq(simulator, case):
    from sim.runner import rtl_sources, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    here = os.path.dirname(__file__)
    run_cocotb(simulator, "isp_rq_bank", "sim.tb.common.test_isp_rq",
               sources=rtl_sources("isp_rq") + [os.path.join(here, "isp_rq_bank.v")],
               parameters=CASES[case], build_name=f"isp_rq_{case}",
               extra_env={"TAISP_TB_PARAMS": json.dumps(CASES[case])})
