"""Float TA-ISP latency benchmark: CPU (and a GPU when one is available).

Prints, per frame size and mask mode, the median latency over several runs, frames per
second, and the ratio to a baseline measured in the same run on the same tensor: one
elementwise pass ``clamp(1.5 * x, 0, 1)`` over the frame (a memory-bound floor), so the
figures can be compared across noisy shared machines.

    .venv/bin/python benchmarks/bench_golden.py                       # 1920x1080 and 3840x2160
    .venv/bin/python benchmarks/bench_golden.py --sizes 640x480 --runs 3 --device cpu
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from golden.frame_size import size_arg  # noqa: E402
from golden.taisp.model import TAISP  # noqa: E402

PAPER_4K_GPU_MS = 26.43  # the paper's figure at 3840x2160 on a GPU


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _median_s(fn, runs: int, device: torch.device) -> float:
    fn()  # warm-up
    _sync(device)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(sizes: list[tuple[int, int]], modes: list[str], runs: int, device: torch.device) -> list[dict]:
    torch.manual_seed(0)
    model = TAISP().eval().to(device)
    rows = []
    for w, h in sizes:
        x = torch.rand(1, 3, h, w, device=device) * 0.5
        with torch.no_grad():
            base = _median_s(lambda: torch.clamp(x * 1.5, 0.0, 1.0), runs, device)
            for mode in modes:
                gen = torch.Generator(device=device).manual_seed(0)
                t = _median_s(lambda: model(x, mask_mode=mode, generator=gen), runs, device)
                rows.append({"size": f"{w}x{h}", "mode": mode, "ms": 1e3 * t, "fps": 1.0 / t, "x_baseline": t / base,
                             "baseline_ms": 1e3 * base})
                print(f"  {device.type:4s} {w}x{h:<5d} {mode:9s} median {1e3 * t:9.2f} ms  {1.0 / t:8.2f} fps  "
                      f"{t / base:7.1f}x baseline ({1e3 * base:.2f} ms)", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", type=size_arg(), default=[(1920, 1080), (3840, 2160)])
    ap.add_argument("--modes", nargs="+", default=["hard", "gumbel"], choices=["hard", "gumbel", "expected", "soft"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    args = ap.parse_args(argv)
    devices = [torch.device("cpu")]
    if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()):
        devices = [torch.device("cuda")] if args.device == "cuda" else devices + [torch.device("cuda")]
    print(f"TA-ISP float latency: torch {torch.__version__}, {torch.get_num_threads()} CPU threads, runs={args.runs}")
    for dev in devices:
        if dev.type == "cuda":
            print(f"GPU: {torch.cuda.get_device_name(dev)}")
        rows = bench(args.sizes, args.modes, args.runs, dev)
        for r in rows:
            if dev.type == "cuda" and r["size"] == "3840x2160":
                print(f"  paper: {PAPER_4K_GPU_MS} ms at 3840x2160 on a GPU; here {r['mode']}: {r['ms']:.2f} ms "
                      f"({r['ms'] / PAPER_4K_GPU_MS:.2f}x the paper's figure)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
