"""Fixed-point TA-ISP speed: FixedTAISP.frame by the fused engine (parallel and single-threaded)
and by the stage-wise path (``taps=True``, Numba's parallel kernels), against the float golden
model (hard masks) on the same frame, measured in the same run (ratios, since these machines
are shared and noisy); and the fixed-point front end, for its share of a RAW-to-output run.

    .venv/bin/python benchmarks/bench_fixedpoint_model.py                       # 1920x1080 and 3840x2160
    .venv/bin/python benchmarks/bench_fixedpoint_model.py --sizes 640x480 --runs 2
    .venv/bin/python benchmarks/bench_fixedpoint_model.py --memory              # peak memory, 1080p

``--memory`` runs one frame per path in a fresh subprocess and reports the peak memory beyond
the loaded input: the NumPy/Python allocations (tracemalloc peak) and the resident set (peak
RSS, reset with /proc/self/clear_refs after loading and a warm-up frame).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from golden.taisp import DEFAULT_CHECKPOINT as CKPT  # noqa: E402

#: (label, parallel, taps) of the fixed-point paths measured.
PATHS = {
    "fused": (True, False),
    "fused-1thread": (False, False),
    "stagewise": (True, True),
}


def median_s(fn, runs: int) -> float:
    fn()  # warm-up (and Numba compilation)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _inputs(w: int, h: int):
    from fixedpoint.config import load_config
    from fixedpoint.frontend import frontend as fixed_frontend
    from golden.scene import synthetic_raw

    cfg = load_config()
    raw = synthetic_raw(h, w, seed=0)
    return cfg, raw, fixed_frontend(raw, cfg, "bilinear")


def speed(sizes: list[tuple[int, int]], runs: int, modes: list[str]) -> None:
    import torch

    from fixedpoint.frontend import frontend as fixed_frontend
    from fixedpoint.taisp.model import FixedTAISP
    from golden.taisp.checkpoint import load_checkpoint

    isp = load_checkpoint(CKPT)
    for w, h in sizes:
        cfg, raw, x = _inputs(w, h)
        xf = torch.from_numpy(np.ldexp(x.astype(np.float64), -cfg["frontend.x"].fmt.frac)).float()[None]
        n = w * h
        with torch.no_grad():
            t_gold = median_s(lambda: isp(xf, mask_mode="hard"), runs)
        rows = [("golden float (hard)", t_gold)]
        for mode in modes:
            for label, (par, taps) in PATHS.items():
                model = FixedTAISP(isp, cfg, parallel=par)
                rows.append((f"{label}, {mode}", median_s(lambda: model.frame(x, mode, taps=taps), runs)))
        rows.append(("fixed-point front end", median_s(lambda: fixed_frontend(raw, cfg, "bilinear"), runs)))
        print(f"{w}x{h}, median of {runs}, {torch.get_num_threads()} torch threads, "
              f"{os.environ.get('NUMBA_NUM_THREADS', 'default')} Numba threads")
        for name, t in rows:
            print(f"  {name:28s} {1e3 * t:9.1f} ms  {n / t / 1e6:7.2f} Mpixel/s  {t / t_gold:6.2f}x golden")
        sys.stdout.flush()


def _peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def memory_child(path: str, w: int, h: int, mode: str) -> None:
    """One frame of one path; prints a JSON line of the peaks beyond the loaded input."""
    import tracemalloc

    from fixedpoint.taisp.model import FixedTAISP
    from golden.taisp.checkpoint import load_checkpoint

    par, taps = PATHS[path]
    cfg, raw, x = _inputs(w, h)
    del raw
    model = FixedTAISP(load_checkpoint(CKPT), cfg, parallel=par)
    model.frame(x[:, :64, :64].copy(), mode, taps=taps)  # compile / load the Numba cache
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS to the current RSS
        rss0 = _peak_rss_kib()
    except OSError:
        rss0 = -1
    tracemalloc.start()
    t0 = tracemalloc.get_traced_memory()[0]
    res = model.frame(x, mode, taps=taps)
    peak = tracemalloc.get_traced_memory()[1] - t0
    tracemalloc.stop()
    rss1 = _peak_rss_kib()
    print(json.dumps({"path": path, "input_bytes": int(x.nbytes), "out_bytes": int(res.out.nbytes),
                      "tracemalloc_peak": int(peak),
                      "rss_peak_delta": (rss1 - rss0) * 1024 if rss0 >= 0 else None}))


def memory(w: int, h: int, mode: str) -> None:
    print(f"peak memory of one {w}x{h} frame ({mode} mode), beyond the loaded int64 input:")
    for path in PATHS:
        out = subprocess.run([sys.executable, __file__, "--memory-child", path, "--sizes", f"{w}x{h}",
                              "--modes", mode], capture_output=True, text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        inp = r["input_bytes"]
        rss = r["rss_peak_delta"]
        rss_s = "n/a" if rss is None else f"{rss / 2**20:7.1f} MiB ({rss / inp:5.2f}x input)"
        print(f"  {path:14s} tracemalloc peak {r['tracemalloc_peak'] / 2**20:7.1f} MiB "
              f"({r['tracemalloc_peak'] / inp:5.2f}x input, output {r['out_bytes'] / inp:.2f}x)   peak RSS +{rss_s}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1920x1080,3840x2160", help="comma-separated WxH (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--modes", default="previous,same", help="statistics modes (default: %(default)s)")
    ap.add_argument("--memory", action="store_true", help="peak memory of one frame per path (first size)")
    ap.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from golden.frame_size import parse_size

    sizes = [parse_size(s, 2, 1) for s in args.sizes.split(",")]
    modes = args.modes.split(",")
    if args.memory_child:
        memory_child(args.memory_child, *sizes[0], modes[0])
    elif args.memory:
        for mode in modes:
            memory(*sizes[0], mode)
    else:
        speed(sizes, args.runs, modes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
