"""Fixed-point TA-ISP speed: pixels per second of FixedTAISP.frame (same mode) against the float
golden model (hard masks) on the same frame, measured in the same run (ratios, since these
machines are shared and noisy).

    .venv/bin/python benchmarks/bench_fixedpoint_model.py                 # 1920x1080
    .venv/bin/python benchmarks/bench_fixedpoint_model.py --size 640x480 --runs 2
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixedpoint.config import load_config  # noqa: E402
from fixedpoint.frontend import frontend as fixed_frontend  # noqa: E402
from fixedpoint.taisp.model import FixedTAISP  # noqa: E402
from golden.taisp.checkpoint import load_checkpoint  # noqa: E402
from golden.scene import synthetic_raw  # noqa: E402

from golden.taisp import DEFAULT_CHECKPOINT as CKPT  # noqa: E402


def median_s(fn, runs: int) -> float:
    fn()  # warm-up (and Numba compilation)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1920x1080")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    cfg = load_config()
    isp = load_checkpoint(CKPT)
    raw = synthetic_raw(h, w, seed=0)
    x = fixed_frontend(raw, cfg, "bilinear")
    xf = torch.from_numpy(np.ldexp(x.astype(np.float64), -cfg["frontend.x"].fmt.frac)).float()[None]
    n = w * h
    with torch.no_grad():
        t_gold = median_s(lambda: isp(xf, mask_mode="hard"), args.runs)
    rows = [("golden float (hard)", t_gold)]
    for par in (False, True):
        model = FixedTAISP(isp, cfg, parallel=par)
        rows.append((f"fixed point, parallel={par}", median_s(lambda: model.frame(x, "same"), args.runs)))
    rows.append(("fixed-point front end", median_s(lambda: fixed_frontend(raw, cfg, "bilinear"), args.runs)))
    print(f"{w}x{h}, median of {args.runs}, {torch.get_num_threads()} threads")
    for name, t in rows:
        print(f"  {name:28s} {1e3 * t:9.1f} ms  {n / t / 1e6:7.2f} Mpixel/s  {t / t_gold:6.2f}x golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
