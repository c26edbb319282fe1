"""Simulation speed of ``taisp_core`` per simulator, and the block's throughput and latency.

    .venv/bin/python benchmarks/bench_sim.py [--width 64 --height 16] [--fast-size 640x360]

Part 1, two flows on one vector set (the built-in scene, ``--fast-frames`` frames of
``--fast-size``; ``--fast-size 0`` skips it), per simulator, in the same run: the plain Verilog
testbench (``sim/taisp/hdl/taisp_vectors_tb.v``, the baseline) and the fast cocotb path (HDL
harness ``sim/taisp/hdl/taisp_fast_tb.v``, Python per frame): pixels per second over the
simulation (builds excluded), also per CPU second of the simulator process (robust on a shared,
loaded machine), and the fast path's rate as a ratio of the plain testbench's. No stalls; every
beat compared in both.

Part 2, the beat-level cocotb bench: runs the cocotb ``run_throughput`` test (3 frames, no stalls) under Icarus and Verilator and
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
    ap.add_argument("--fast-size", default="640x360", help="WxH of the fast-path comparison's set (0: skip)")
    ap.add_argument("--fast-frames", type=int, default=2)
    ap.add_argument("--vec", help="use this vector set (written with taps) for part 1 instead of a scene set")
    ap.add_argument("--json", help="write the figures here (JSON)")
    ap.add_argument("--no-beat-level", action="store_true", help="skip part 2 (the beat-level bench)")
    a = ap.parse_args()
    figures: dict = {}
    if a.fast_size != "0":
        fw, fh = (int(v) for v in a.fast_size.lower().split("x"))
        figures["fast_path"] = fast_vs_plain(fw, fh, a.fast_frames, a.sims, a.vec)
    w, h, n = a.width, a.height, 3
    if a.no_beat_level:
        if a.json:
            Path(a.json).write_text(json.dumps(figures, indent=1))
        return 0
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
        figures.setdefault("beat_level", {})[sim] = {"pixels_per_second": rate, "cycles_per_second": cycles}
        print(f"  {sim:9s}: {rate:10,.0f} pixels/s, {cycles:10,.0f} cycles/s ({rate / model_rate:.5f}x the model; "
              f"test {real:.1f} s, with build {wall:.1f} s); cycles/frame {r['cycles_per_frame']} = W*H + 3W + "
              f"{r['overhead_const']}; latency {r['latency_cycles']} cycles = 3W + {r['latency_const']}")
    if a.json:
        Path(a.json).write_text(json.dumps(figures, indent=1))
    return 0


def fast_vs_plain(w: int, h: int, n: int, sims: list[str], vec_dir: str | None = None) -> dict:
    """The plain testbench and the fast cocotb path on one scene set of n frames of w x h (or
    the first n frames of the set ``vec_dir``)."""
    from sim.taisp.csim import write_scene_set
    from sim.taisp.fastpath import run_fast, set_control
    from sim.taisp.vector_replay import build_plain_tb, run_plain_tb

    with tempfile.TemporaryDirectory() as td:
        if vec_dir:
            vec = Path(vec_dir)
            c = set_control(vec)
            w, h, n = c.width, c.height, min(n, c.frames)
            what = vec.name
        else:
            vec = Path(td) / "vec"
            write_scene_set(vec, (w, h), n)
            what = "built-in scene"
        out: dict = {"size": [w, h], "frames": n, "set": what}
        print(f"[bench_sim] fast path vs plain testbench: {n} frame(s) of {w}x{h} ({what}), no stalls")
        for sim in sims:
            build_plain_tb(vec, simulator=sim)
            plain = run_plain_tb(vec, simulator=sim, timeout_s=7200, frames=n)
            if not plain.passed:
                raise RuntimeError(f"plain testbench failed on {sim}: {plain.result_line}")
            p_rate = n * w * h / plain.seconds
            fast = run_fast(vec, sim, frames=n)
            if not fast.passed:
                raise RuntimeError(f"fast path failed on {sim}: {fast}")
            f_rate = fast.pixels_per_second
            npx = n * w * h
            p_cpu, f_cpu = npx / max(plain.cpu_seconds, 1e-9), npx / max(fast.cpu_seconds, 1e-9)
            out[sim] = {"plain_pixels_per_second": p_rate, "fast_pixels_per_second": f_rate, "ratio": f_rate / p_rate,
                        "plain_seconds": plain.seconds, "fast_seconds": fast.sim_seconds,
                        "plain_cpu_seconds": plain.cpu_seconds, "fast_cpu_seconds": fast.cpu_seconds,
                        "plain_pixels_per_cpu_second": p_cpu, "fast_pixels_per_cpu_second": f_cpu, "cpu_ratio": f_cpu / p_cpu}
            print(f"  {sim:9s}: plain testbench {p_rate:10,.0f} pixels/s ({plain.seconds:.1f} s wall, {plain.cpu_seconds:.1f} s CPU: "
                  f"{p_cpu:,.0f} pixels per CPU-s); fast cocotb path {f_rate:10,.0f} pixels/s ({fast.sim_seconds:.1f} s wall, "
                  f"{fast.cpu_seconds:.1f} s CPU: {f_cpu:,.0f} pixels per CPU-s): {f_rate / p_rate:.2f}x the plain testbench "
                  f"(wall), {f_cpu / p_cpu:.2f}x (CPU)")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
