"""Float POS-ISP latency per filter against TA-ISP, measured in the same run.

On one frame (default 1920x1080, the built-in scene through the bilinear front end) it times, as
the median of ``--runs`` runs after a warm-up: every filter alone (with the parameters the shipped
POS-ISP checkpoint predicts for the frame; denoise with both borders), the parameter agent, the
whole chain in the checkpoint's order, all ten filters in index order, and the float TA-ISP
(shipped checkpoint, ``hard`` masks: what the hardware computes). Ratios are to TA-ISP.

    .venv/bin/python benchmarks/bench_posisp.py                  # 1920x1080, 3 runs, all threads
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_posisp.py --size 640x360 --runs 5 --threads 1
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from golden.frame_size import size_arg  # noqa: E402
from golden.frontend import frontend_torch  # noqa: E402
from golden.posisp import DEFAULT_CHECKPOINT as POSISP_CKPT, FILTER_NAMES, apply_filter, load_posisp_checkpoint  # noqa: E402
from golden.scene import synthetic_raw  # noqa: E402
from golden.taisp import DEFAULT_CHECKPOINT as TAISP_CKPT  # noqa: E402
from golden.taisp.checkpoint import load_checkpoint  # noqa: E402


def _median_s(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(size: tuple[int, int], runs: int, posisp_ckpt: str | None = None) -> list[dict]:
    w, h = size
    x = frontend_torch(synthetic_raw(height=h, width=w, seed=0), "bilinear")
    taisp = load_checkpoint(TAISP_CKPT)
    pos = load_posisp_checkpoint(posisp_ckpt or POSISP_CKPT)
    rows: list[dict] = []

    def add(name: str, t: float) -> None:
        rows.append({"what": name, "ms": 1e3 * t})

    with torch.no_grad():
        add("TA-ISP float (hard masks)", _median_s(lambda: taisp(x, mask_mode="hard"), runs))
        p = pos.predict_params(x)
        add("POS-ISP parameter agent (64x64 pooling + CNN)", _median_s(lambda: pos.predict_params(x), runs))
        for name in FILTER_NAMES:
            if name == "denoise":
                for border in ("circular", "mirror"):
                    add(f"filter denoise ({border})", _median_s(lambda b=border: apply_filter("denoise", x, p, b), runs))
            else:
                add(f"filter {name}", _median_s(lambda n=name: apply_filter(n, x, p), runs))
        order = pos.order()
        add(f"POS-ISP chain, checkpoint order ({len(order)} filters) + agent", _median_s(lambda: pos(x), runs))
        add("POS-ISP all ten filters, index order", _median_s(lambda: pos.run_chain(x, p, order=list(range(10))), runs))
    ref = rows[0]["ms"]
    for r in rows:
        r["x_taisp"] = r["ms"] / ref
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=size_arg(16, 16, "size"), default=(1920, 1080), help="WxH (default 1920x1080)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    ap.add_argument("--checkpoint", help="POS-ISP checkpoint (default: the shipped posisp_frozen.pth)")
    ap.add_argument("--json", help="also write the rows as JSON here")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    w, h = args.size
    print(f"POS-ISP vs TA-ISP, float, {w}x{h}, median of {args.runs}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread(s)", flush=True)
    rows = bench(args.size, args.runs, args.checkpoint)
    print(f"| {'what':62s} | {'median ms':>10s} | {'x TA-ISP':>8s} |")
    print(f"|{'-' * 64}|{'-' * 12}|{'-' * 10}|")
    for r in rows:
        print(f"| {r['what']:62s} | {r['ms']:10.1f} | {r['x_taisp']:8.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
