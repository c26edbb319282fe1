"""``taisp regress``: the command-line face of :mod:`sim.taisp.regress` (parsing and printing).

    taisp regress                                   # every RAW file of ../shared/data/raw and the scene, full size
    taisp regress --quick                           # the CI-sized variant (crops)
    taisp regress RAW_DIR --out out/regress --scheduler tcp://host:8786
    taisp regress --plan                            # list the legs, run nothing
"""
from __future__ import annotations

import shlex
import sys


def add_parser(sub) -> None:
    r = sub.add_parser("regress", help="full-size regression: RAW files and the scene, both configs and tops, "
                                       "Verilator, C simulation and Icarus, stall patterns (Dask, resumable)")
    r.add_argument("raw_dir", nargs="?", help="folder of RAW files (default ../shared/data/raw)")
    r.add_argument("--out", default="out/regress", help="results, vector sets and the summary (default out/regress)")
    r.add_argument("--quick", action="store_true", help="the CI-sized variant: crops, one RAW file, fewer stall patterns")
    r.add_argument("--no-scene", action="store_true", help="leave out the built-in scene")
    r.add_argument("--configs", nargs="+", default=None, help="configs (default: default compact)")
    r.add_argument("--tops", nargs="+", default=None, help="tops (default: core camera)")
    r.add_argument("--simulators", nargs="+", default=None, help="verilator csim icarus (default: all three)")
    r.add_argument("--frames", type=int, default=1, help="frames per input (a RAW still repeated; default 1)")
    r.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    r.add_argument("--scheduler", help="address of a running Dask scheduler, tcp://host:port")
    r.add_argument("--redo", action="store_true", help="rerun failed legs (passed legs are always kept)")
    r.add_argument("--plan", action="store_true", help="print the legs and exit")
    r.add_argument("--summary-only", action="store_true", help="write the summary of the legs done so far, run nothing")
    r.add_argument("--no-progress", action="store_true")


def main_regress(args) -> int:
    from pathlib import Path

    from sim.taisp import regress as rg

    raw_dir = Path(args.raw_dir) if args.raw_dir else rg.DEFAULT_RAW_DIR
    raws = rg.raw_files(raw_dir)
    kw = {k: tuple(v) for k, v in (("configs", args.configs), ("tops", args.tops), ("simulators", args.simulators)) if v}
    for k, allowed in (("configs", rg.CONFIGS), ("tops", rg.TOPS), ("simulators", ("verilator", "csim", "icarus"))):
        bad = [v for v in kw.get(k, ()) if v not in allowed]
        if bad:
            raise ValueError(f"--{k}: unknown {', '.join(bad)} (choose from {', '.join(allowed)})")
    legs = rg.plan(raws, quick=args.quick, scene=not args.no_scene, frames_per_input=args.frames, **kw)
    if args.plan:
        for leg in legs:
            print(f"{leg.name}: {leg.set.size[0]}x{leg.set.size[1]}, {len(leg.set.inputs)} input(s), {leg.simulator}, "
                  f"stalls {leg.stall}")
        print(f"[taisp regress] {len(legs)} legs over {len({lg.set.name for lg in legs})} vector sets")
        return 0
    cmd = "taisp " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["regress"] else "taisp regress"
    s = rg.run_regress(legs, args.out, scheduler=args.scheduler, workers=args.workers, redo=args.redo,
                       progress=not args.no_progress, command=cmd, run=not args.summary_only)
    for name, p in sorted(s["per_simulator"].items()):
        print(f"  {name:9s}: {p['legs']} legs, {p['beats_checked']:,} beats, {p['pixels_per_second']:,.0f} pixels/s")
    for r in s["results"]:
        if not r["passed"]:
            print(f"  FAIL {r['name']}: {r['error']}")
    part = f" (of {s['planned_legs']} planned)" if s["planned_legs"] > s["legs"] else ""
    print(f"[taisp regress] {'PASS' if s['failed'] == 0 else 'FAIL'}: {s['passed']}/{s['legs']} legs{part}, "
          f"{s['beats_checked']:,} beats checked, {s['mismatches']} mismatches, wall {s['wall_seconds']:.0f} s; "
          f"{args.out}/summary.md, summary.json")
    return 0 if s["failed"] == 0 else 1
