"""C simulation speed of the HLS C++ block (hls/cpp/, g++ -O2 against the hls4ml ap_types) per
1920x1080 frame, against the Numba fixed-point model (FixedTAISP, parallel=False and True) on the
same frames in the same run (ratios, since these machines are shared and noisy).

    .venv/bin/python benchmarks/bench_hls_csim.py                     # 1920x1080, 3 frames, previous mode
    .venv/bin/python benchmarks/bench_hls_csim.py --size 640x480 --frames 2 --keep out/vec_bench

It writes a vector set of built-in scene frames at the full size (`sim.taisp.vectors.write_vector_set`,
as `taisp vectors --crop WxH`; the write time is printed but not part of any ratio), builds the C
simulation from the set's gen/ and replays it with --no-taps --bin: the testbench times each
taisp_core call (one call = one frame: weight unpacking, parameter engine, the dataflow
pipeline), without file I/O, and checks the output stream, the registers and every parameter
block against the set (bit-exact). The model is timed on FixedTAISP.frame in `previous` mode on
the same frames after a warm-up (Numba compilation).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fixedpoint.config import load_config  # noqa: E402
from fixedpoint.taisp.model import FixedTAISP  # noqa: E402
from golden.taisp.checkpoint import load_checkpoint  # noqa: E402
from sim.taisp import csim  # noqa: E402
from golden.frame_size import size_arg  # noqa: E402
from golden.taisp import CHECKPOINT_DIR as CHECKPOINTS  # noqa: E402
from sim.vector_inputs import scene_frames  # noqa: E402
from sim.taisp.vectors import write_vector_set  # noqa: E402


def model_seconds(fx: FixedTAISP, frames) -> list[float]:
    fx.reset()
    fx.frame(frames[0], "previous")  # warm-up: Numba compilation / cache load
    fx.reset()
    secs = []
    for x in frames:
        t0 = time.perf_counter()
        fx.frame(x, "previous")
        secs.append(time.perf_counter() - t0)
    return secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default=(1920, 1080), type=size_arg(2, 1), help="WxH (default 1920x1080)")
    ap.add_argument("--frames", type=int, default=3, help="frames in the sequence (default 3)")
    ap.add_argument("--weights", default="w1-4", help="w1-4 or w5-9 (default w1-4)")
    ap.add_argument("--keep", help="write the vector set here (default: a temporary folder)")
    args = ap.parse_args(argv)
    w, h = args.size
    cfg = load_config()
    ck = CHECKPOINTS / f"taisp_{args.weights}.pth"
    isp = load_checkpoint(ck)
    frames = scene_frames(args.frames, cfg, (w, h))
    xs = [f.x for f in frames]
    seq_s = model_seconds(FixedTAISP(isp, cfg, parallel=False), xs)
    par_s = model_seconds(FixedTAISP(isp, cfg, parallel=True), xs)
    with tempfile.TemporaryDirectory() as tmp:
        vec = Path(args.keep or Path(tmp) / "vec")
        t0 = time.perf_counter()
        write_vector_set(vec, frames, isp, cfg, checkpoint=ck, description="bench_hls_csim")
        write_s = time.perf_counter() - t0
        b = csim.build(vec / "gen", max_w=w if w > 2048 else None)
        print(f"C simulation: {'cached build' if b.cached else f'built in {b.seconds:.1f} s'} ({' '.join(csim.CXXFLAGS)}); "
              f"vector set written in {write_s:.1f} s")
        r = csim.run(b.exe, vec, taps=False, binary=True)
    if not r.passed:
        print(f"C simulation differs from the vector set: {r.summary()}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
        return 1
    c_med, s_med, p_med = (statistics.median(v) for v in (r.frame_seconds, seq_s, par_s))
    print(f"{w}x{h}, {args.frames} frames (previous mode, weights {args.weights}), median per frame; "
          f"{os.cpu_count()} CPUs; output stream, registers and parameters bit-exact: {r.passed}")
    print(f"  {'':34s} {'s/frame':>9s} {'Mpixel/s':>9s} {'vs C sim':>9s}")
    for name, t in (("C simulation (g++ -O2, ap_fixed)", c_med), ("Numba model, parallel=False", s_med),
                    ("Numba model, parallel=True", p_med)):
        print(f"  {name:34s} {t:9.2f} {w * h / t / 1e6:9.3f} {c_med / t:8.2f}x")
    print(f"  C simulation takes {c_med / s_med:.2f}x the time of the sequential Numba model "
          f"and {c_med / p_med:.2f}x that of the parallel one")
    print(f"  per frame: C sim {', '.join(f'{t:.2f}' for t in r.frame_seconds)} s; "
          f"Numba seq {', '.join(f'{t:.2f}' for t in seq_s)} s; Numba par {', '.join(f'{t:.2f}' for t in par_s)} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
