"""Fixed-point POS-ISP chain against the float model, one frame, measured in the same run.

On one frame (default 1920x1080, the built-in scene through the fixed-point bilinear front end)
it times, as the median of ``--runs`` runs after a warm-up on a 16x16 crop (which compiles the kernels):
the float chain (golden POSISP, ``mirror`` denoise border, float64 filters as the accuracy check
runs them, and float32 as the model is published) and the fixed-point chain (``run_chain`` with
the frame's driver output) on the reference path (single-threaded kernels, denoise one kernel
call per offset) and the fast path (``RunContext(parallel=True)``: row-parallel kernels, denoise's
121 offsets in one fused pass). Both fixed paths are checked bit-exact on the frame. Ratios are
to the float64 chain.

    .venv/bin/python benchmarks/bench_posisp_fixed.py                         # 1920x1080, 1 run
    .venv/bin/python benchmarks/bench_posisp_fixed.py --size 640x360 --runs 3 --paths fast
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixedpoint.common import RunContext  # noqa: E402
from fixedpoint.frontend import frontend  # noqa: E402
from fixedpoint.posisp import filters as F  # noqa: E402
from fixedpoint.posisp.driver import drive, quantize_params  # noqa: E402
from fixedpoint.posisp.model import run_chain  # noqa: E402
from fixedpoint.posisp.schema import load_posisp_config  # noqa: E402
from golden.frame_size import size_arg  # noqa: E402
from golden.posisp import DEFAULT_CHECKPOINT, FILTER_NAMES, load_posisp_checkpoint  # noqa: E402
from golden.scene import synthetic_raw  # noqa: E402


def _median_s(fn, runs: int, warm=None) -> tuple[float, object]:
    (warm or fn)()  # warm-up (compiles; ``warm``: the same on a small crop)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        res = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), res


def bench(size: tuple[int, int], runs: int, paths: list[str], checkpoint: str | None = None,
          float32: bool = True) -> list[dict]:
    w, h = size
    cfg = load_posisp_config()
    x_fe = frontend(synthetic_raw(height=h, width=w, seed=0), cfg, "bilinear")
    isp = load_posisp_checkpoint(checkpoint or DEFAULT_CHECKPOINT, denoise_border="mirror")
    order = isp.sequence()
    xr = np.ldexp(x_fe.astype(np.float64), -cfg["frontend.x"].fmt.frac)
    with torch.no_grad():
        p = isp.predict_params(torch.as_tensor(xr, dtype=torch.float32)[None])
    drv = drive(quantize_params(p[0].double().numpy(), cfg), cfg)
    x = F.chain_input(x_fe, cfg)
    idx = [FILTER_NAMES.index(n) for n in order]
    rows: list[dict] = []

    def float_chain(dtype, crop=None):
        xt, pt = torch.as_tensor(xr if crop is None else xr[:, :crop, :crop], dtype=dtype)[None], p.to(dtype)
        with torch.no_grad():
            return isp.run_chain(xt, pt, order=idx)

    base, _ = _median_s(lambda: float_chain(torch.float64), runs, lambda: float_chain(torch.float64, 16))
    rows.append({"what": "float chain (float64, mirror)", "ms": 1e3 * base})
    if float32:
        t, _ = _median_s(lambda: float_chain(torch.float32), runs, lambda: float_chain(torch.float32, 16))
        rows.append({"what": "float chain (float32, mirror)", "ms": 1e3 * t})
    outs = {}
    for path in paths:
        par = path == "fast"
        t, (y, _) = _median_s(lambda: run_chain(x, drv, cfg, order, RunContext(parallel=par)), runs,
                              lambda: run_chain(x[:, :16, :16], drv, cfg, order, RunContext(parallel=par)))
        outs[path] = y
        rows.append({"what": f"fixed chain ({path})", "ms": 1e3 * t})
    if len(outs) == 2:
        assert np.array_equal(outs["reference"], outs["fast"]), "fast path differs from the reference path"
    for r in rows:
        r["ratio_to_float64"] = r["ms"] / (1e3 * base)
    print(f"POS-ISP {w}x{h}, order {' > '.join(order)}, {torch.get_num_threads()} torch threads, "
          f"median of {runs} run(s)" + (", fixed paths bit-exact" if len(outs) == 2 else ""))
    for r in rows:
        print(f"  {r['what']:34s} {r['ms']:10.1f} ms   x{r['ratio_to_float64']:.2f} of float64")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=size_arg(), default=(1920, 1080), help="WxH (default 1920x1080)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--paths", default="reference,fast", help="fixed paths to time: reference,fast (default both)")
    ap.add_argument("--checkpoint", help="POS-ISP checkpoint (default the frozen one: all but ccm, with denoise)")
    ap.add_argument("--no-float32", action="store_true", help="skip the float32 chain (minutes at 1080p)")
    ap.add_argument("--json", help="also write the rows here")
    a = ap.parse_args()
    rows = bench(a.size, a.runs, a.paths.split(","), a.checkpoint, not a.no_float32)
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
