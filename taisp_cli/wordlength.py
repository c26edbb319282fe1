"""``taisp wordlength``: the command-line face of :mod:`fixedpoint.taisp.wlsearch`.

    taisp wordlength --out out/wordlength                       # default target, local Dask cluster
    taisp wordlength --pareto --out out/wordlength              # the Pareto front over PARETO_TARGETS
    taisp wordlength --within 0.999 --max-lsb 1 --regions 0.995 --psnr 40 --workers 2
    taisp wordlength --scheduler tcp://host:8786                # a running Dask cluster
"""
from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    w = sub.add_parser("wordlength", help="error-targeted word-length search: cheapest configs meeting an output error budget")
    w.add_argument("--out", default="out/wordlength")
    w.add_argument("--config", help="start config (default fixedpoint/taisp/configs/default.toml)")
    w.add_argument("--within", type=float, default=0.995, help="share of 8-bit outputs within +-1 LSB, every frame (default 0.995)")
    w.add_argument("--max-lsb", type=float, default=2, help="largest 8-bit error (default 2)")
    w.add_argument("--regions", type=float, default=0.99, help="region-choice agreement, every frame (default 0.99)")
    w.add_argument("--psnr", type=float, default=0.0, help="PSNR in dB, every frame (default: none)")
    w.add_argument("--pareto", action="store_true", help="search every target of the Pareto front (PARETO_TARGETS)")
    w.add_argument("--weight-sets", nargs="+", default=["w1-4", "w5-9", "spread"])
    w.add_argument("--raw-dir", help="folder of the real RAW files (default ../shared/data/raw)")
    w.add_argument("--tiny", action="store_true", help="a tiny corpus (two small scenes; for tests)")
    w.add_argument("--no-held-out", action="store_true", help="skip the held-out re-verification")
    w.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core; 0: in this process)")
    w.add_argument("--scheduler", help="address of a running Dask scheduler, tcp://host:port")
    w.add_argument("--cache", help="evaluation cache folder (default OUT/cache)")
    w.add_argument("--max-width", type=int, default=2048, help="MAX_W of the cost model (line-buffer depth)")
    w.add_argument("--no-progress", action="store_true")
    w.add_argument("--model", choices=("taisp", "posisp"), default="taisp",
                   help="the ISP (default taisp); posisp: its config, crops of the built-in scene, both shipped "
                        "checkpoints, cost = sum of word lengths (--within, --max-lsb, --psnr apply)")
    w.add_argument("--knobs", nargs="+", help="posisp: search only these entries (e.g. denoise.y tone.slope)")
    w.add_argument("--max-rounds", type=int, default=40, help="posisp: rounds of greedy descent at most (default 40)")


def main_posisp(args) -> int:
    from fixedpoint.posisp.wordlength import DEFAULT_FRAMES, run
    from fixedpoint.wordlength import Target

    frames = DEFAULT_FRAMES[:1] if args.tiny else DEFAULT_FRAMES
    s = run(args.out, Target(args.within, args.max_lsb, 0.0, args.psnr), args.config, frames,
            ("joint",) if args.tiny else ("frozen", "joint"), args.workers if args.workers is not None else 0,
            args.scheduler, args.cache, not args.no_progress, args.max_rounds, knob_names=tuple(args.knobs or ()))
    w = s["worst"]
    print(f"[taisp wordlength --model posisp] cost {s['start_cost']:.0f} -> {s['cost']:.0f} bits; worst "
          f"{100 * w['within_1lsb']:.4f}% within 1, max {w['max_abs_lsb']:.0f}; {s['evaluations']} evaluations, "
          f"{s['seconds']:.0f} s; wrote search.json and posisp_search.toml to {args.out}/")
    return 0


def main_wordlength(args) -> int:
    if args.model == "posisp":
        return main_posisp(args)
    from fixedpoint.taisp.wlsearch import PARETO_TARGETS, command_line, run
    from fixedpoint.taisp.wordlength import RAW_DIR, default_corpus, held_out_corpus
    from fixedpoint.wordlength import Target

    raw_dir = Path(args.raw_dir) if args.raw_dir else RAW_DIR
    targets = list(PARETO_TARGETS) if args.pareto else [Target(args.within, args.max_lsb, args.regions, args.psnr)]
    frames = default_corpus(raw_dir, tiny=args.tiny)
    held = [] if args.no_held_out else held_out_corpus(raw_dir)
    s = run(args.out, args.config, targets, tuple(args.weight_sets), frames, held, args.workers, args.scheduler,
            args.cache, args.max_width, not args.no_progress, verify_held_out=not args.no_held_out, command=command_line())
    for p in s["points"]:
        c, w = p["cost"], p["worst"]
        ho = p.get("held_out", {}).get("worst")
        print(f"{p['name']:8s} {c['dsp48e1']:5d} DSP {c['luts']:7d} LUT {c['flip_flops']:6d} FF {c['bram18']:4d} RAMB18 | "
              f"worst {100 * w['within_1lsb']:.4f}% within 1, max {w['max_abs_lsb']:.0f}, regions {100 * w['region_agreement']:.3f}%"
              + (f" | held-out {100 * ho['within_1lsb']:.4f}%, max {ho['max_abs_lsb']:.0f}" if ho else ""))
    if s.get("compact"):
        print(f"cheapest config meeting the default target on the corpus and the held-out files: {s['compact']} "
              f"({args.out}/configs/{s['compact']}.toml)")
    print(f"[taisp wordlength] {s['evaluations']} evaluations, {s['cache_hits']} cache hits, {s['seconds']:.0f} s; "
          f"wrote pareto.json, pareto.md, pareto.png and configs/ to {args.out}/")
    return 0
