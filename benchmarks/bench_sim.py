"""Simulation speed of ``taisp_core`` per simulator, and the block's throughput and latency.

    .venv/bin/python benchmarks/bench_sim.py [--width 64 --height 16]

Runs the cocotb ``run_throughput`` test (3 frames, no stalls) under Icarus and Verilator and
prints, per simulator: simulated pixels and clock cycles per wall-clock second (over the
test's real time, build excluded; the test also programs the block and compares every beat),
and the pixel rate as a ratio against the fixed-point model (Numba, single-threaded, same
frames, same run) as the baseline; from the simulation: cycles per frame with no stalls and
the latency from an input SOF to the output SOF in cycles.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixedpoint.config import load_config  # noqa: E402
from fixedpoint.taisp.model import FixedTAISP  # noqa: E402
from sim.taisp.stimulus import frames, weight_set  # noqa: E402
from sim.taisp.testbench import run_core  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--height", type=int, default=16)
    ap.add_argument("--sims", nargs="+", default=["icarus", "verilator"])
    a = ap.parse_args()
    w, h, n = a.width, a.height, 3
    cfg = load_config()
    xs = frames(cfg, w, h, n, seed=7)
    model = FixedTAISP(weight_set("w1-4"), cfg, parallel=False)
    model.sequence(xs[:1])  # compile
    t0 = time.perf_counter()
    model.sequence(xs)
    t_model = time.perf_counter() - t0
    model_rate = n * w * h / t_model
    print(f"[bench_sim] {n} frames of {w}x{h}; baseline: fixed-point model {model_rate:,.0f} pixels/s")
    for sim in a.sims:
        with tempfile.TemporaryDirectory() as td:
            res_json = Path(td) / "tp.json"
            t0 = time.perf_counter()
            xml = run_core(sim, "sim.tb.taisp.test_taisp_core", "run_throughput", {"sizes": [[w, h]], "env": {"TAISP_TB_RESULT": str(res_json)}})
            wall = time.perf_counter() - t0
            tc = ET.parse(xml).getroot().find(".//testcase")
            real = float(tc.get("time"))
            r = json.loads(res_json.read_text())[0]
        rate = n * w * h / real
        cycles = n * r["cycles_per_frame"] / real
        print(f"  {sim:9s}: {rate:10,.0f} pixels/s, {cycles:10,.0f} cycles/s ({rate / model_rate:.5f}x the model; "
              f"test {real:.1f} s, with build {wall:.1f} s); cycles/frame {r['cycles_per_frame']} = W*H + 3W + "
              f"{r['overhead_const']}; latency {r['latency_cycles']} cycles = 3W + {r['latency_const']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
