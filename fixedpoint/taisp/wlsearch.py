"""``taisp wordlength``: the word-length search of TA-ISP end to end (the CLI is a thin face of
:func:`run`). Steps: integer bits from range analysis (cross-checked by profiling), weight
headroom, the sensitivity-guided search for each target (:func:`fixedpoint.wordlength.search`),
the Pareto front with the default config as a point, one config file per point, and the
re-verification of the points on the held-out RAW files.
"""
from __future__ import annotations

import json
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from ..config import QuantConfig
from ..wordlength import EvalPool, Target, config_hash, dump_toml, meets, search, worst_case
from ..wordlength.search import pareto_front, write_front
from . import cost as costmod
from .wordlength import (Evaluator, default_corpus, held_out_corpus, integer_bits, knobs_for, load_data,
                         profile_ranges, range_analysis, weight_headroom)

#: The Pareto front's targets, loosest last (the default target is the third; the second is the
#: default target with a margin on the share within +-1 LSB, against over-fitting the corpus).
PARETO_TARGETS = (Target(0.999, 1, 0.995), Target(0.998, 2, 0.99), Target(0.995, 2, 0.99), Target(0.99, 3, 0.98), Target(0.98, 4, 0.95),
                  Target(0.95, 8, 0.90))


def _isps(names):
    from golden.taisp.weight_sets import weight_set

    return [weight_set(n) for n in names]


def run(out: str | Path, start: str | Path | None = None, targets: list[Target] | None = None,
        weight_sets: tuple[str, ...] = ("w1-4", "w5-9", "spread"), frames=None, held_out=None,
        workers: int | None = None, scheduler: str | None = None, cache_dir: str | Path | None = None,
        max_w: int = 2048, progress: bool = True, log: Callable[[str], None] = print, verify_held_out: bool = True,
        command: str | None = None) -> dict:
    """Search, write ``out/`` (pareto.json/.md/.png, configs/<point>.toml, ranges.json, search.json); return the summary."""
    t_start = time.perf_counter()
    out = Path(out)
    (out / "configs").mkdir(parents=True, exist_ok=True)
    targets = list(targets) if targets else [Target()]
    frames = frames if frames is not None else default_corpus()
    held_out = held_out if held_out is not None else held_out_corpus()
    start_data = load_data(start)
    start_cfg = QuantConfig(start_data, str(start or "default"))
    isps = _isps(weight_sets)
    # integer bits: range analysis, profiling cross-check, weight headroom
    data0, changes = integer_bits(start_data, isps, start_cfg)
    cfg0 = QuantConfig(data0, "<range-analysis>")
    prof = profile_ranges(isps, cfg0, frames[:3])
    iv = range_analysis(isps, cfg0)
    cross = {}
    for k, (lo, hi) in prof.items():
        if k in iv:
            a, b = iv[k]
            cross[k] = {"interval": [a, b], "profiled": [lo, hi], "inside": bool(lo >= a - 1e-9 and hi <= b + 1e-9)}
    headroom = weight_headroom(isps, data0)
    (out / "ranges.json").write_text(json.dumps({"integer_bits": {k: {"before": v[0], "after": v[1], "interval": v[2]}
                                                                    for k, v in changes.items()},
                                                  "profile_cross_check": cross, "weight_headroom": headroom}, indent=2))
    log(f"[wordlength] range analysis: {sum(1 for v in changes.values() if v[0] != v[1])} entries change integer bits; "
        f"profiling inside the intervals for {sum(c['inside'] for c in cross.values())}/{len(cross)} entries")
    knobs = knobs_for(data0)
    ev = Evaluator(frames, tuple(weight_sets))
    cache = Path(cache_dir) if cache_dir else out / "cache"

    def cost(d):
        return costmod.estimate(QuantConfig(d, "<cost>"), max_w)["score"]

    points = []
    with EvalPool(ev, cache, workers=workers, scheduler=scheduler, progress=progress) as pool:
        log(f"[wordlength] {len(knobs)} knobs, corpus {len(frames)} frames x {len(weight_sets)} weight sets, "
            f"{pool.workers if scheduler is None else scheduler} worker(s)")
        (r_def,) = pool.map([start_data])
        (r0,) = pool.map([data0])
        points.append(_point("default", start_data, r_def, max_w, None))
        for i, t in enumerate(targets):
            log(f"[wordlength] target {i + 1}/{len(targets)}: {t.label()}")
            try:
                res = search(pool, data0, knobs, cost, t, log=log)
            except ValueError as exc:
                log(f"[wordlength] target {t.label()}: {exc}")
                continue
            name = f"t{i + 1}"
            p = _point(name, res["data"], res["result"], max_w, t)
            p["alone_min"], p["history"] = res["alone_min"], res["history"]
            points.append(p)
        evaluations, hits, secs = pool.evaluations, pool.cache_hits, pool.seconds
    for p in points:
        p["error"] = 1.0 - p["worst"]["within_1lsb"]
    front = pareto_front([p for p in points], "score", "error")
    for p in points:
        p["on_front"] = p in front
    # held-out verification
    if verify_held_out and held_out:
        hev = Evaluator(held_out, ("w1-4", "w5-9"))
        with EvalPool(hev, cache, workers=0, progress=progress, desc="held-out") as hp:
            for p in points:
                (hr,) = hp.map([p["data"]])
                p["held_out"] = {"worst": worst_case(hr), "frames": hr["frames"],
                                 "meets_target": meets(hr, p["target_obj"]) if p["target_obj"] else None}
    # the recommended config for the default target: the cheapest point meeting it on the search
    # corpus and on the held-out files (a point searched for the default target itself may
    # over-fit the corpus)
    dflt = Target()
    ok = [p for p in points if p["name"] != "default" and meets_worst(p["worst"], dflt)
          and ("held_out" not in p or meets_worst(p["held_out"]["worst"], dflt))]
    compact = min(ok, key=lambda p: p["score"])["name"] if ok else None
    # configs per point
    for p in points:
        hdr = (f"TA-ISP quantization config '{p['name']}' from the word-length search.\n"
               f"Command: {command or 'taisp wordlength'}\n"
               f"Target (every frame): {p['target'] or 'none (the start config)'}\n"
               f"Search corpus: {len(frames)} frames ({', '.join(f.name for f in frames)}) x weight sets {', '.join(weight_sets)}\n"
               f"Measured on it (worst frame): {_fig(p['worst'])}\n")
        if "held_out" in p:
            hdr += f"Held-out RAW files ({', '.join(f.name for f in held_out)}) x w1-4, w5-9 (worst): {_fig(p['held_out']['worst'])}\n"
        e = p["cost"]
        hdr += (f"Predicted cost (fixedpoint/taisp/cost.py, MAX_W {max_w}): {e['dsp48e1']} DSP48E1, {e['luts']} LUT, "
                f"{e['flip_flops']} FF, {e['bram18']} RAMB18\n")
        d = dict(p["data"])
        d["name"] = p["name"]
        if p["name"] != "default":
            (out / "configs" / f"{p['name']}.toml").write_text(dump_toml(d, hdr))
        p["config_file"] = str(out / "configs" / f"{p['name']}.toml") if p["name"] != "default" else "fixedpoint/taisp/configs/default.toml"
    summary = {"compact": compact, "targets": [asdict(t) for t in targets], "evaluations": evaluations, "cache_hits": hits,
               "evaluation_seconds": round(secs, 1), "seconds": round(time.perf_counter() - t_start, 1),
               "workers": workers, "scheduler": scheduler, "knobs": [asdict(k) for k in knobs],
               "corpus": [f.name for f in frames], "held_out": [f.name for f in held_out], "weight_sets": list(weight_sets),
               "range_analysis_start": {"hash": config_hash(data0), "worst": worst_case(r0)}}
    clean = [{k: v for k, v in p.items() if k not in ("data", "target_obj")} for p in points]
    write_front(clean, out, "TA-ISP word-length search: cost against error (worst frame)",
                [("name", "point", ""), ("target", "target", ""), ("cost.dsp48e1", "DSP48E1", "{}"), ("cost.luts", "LUT", "{}"),
                 ("cost.flip_flops", "FF", "{}"), ("cost.bram18", "RAMB18", "{}"), ("worst.within_1lsb", "worst within 1 LSB", "{:.4%}"),
                 ("worst.max_abs_lsb", "max err (LSB)", "{:.0f}"), ("worst.region_agreement", "worst regions", "{:.3%}"),
                 ("worst.sqnr_db", "worst SQNR (dB)", "{:.1f}"), ("held_out.worst.within_1lsb", "held-out within 1", "{:.4%}"),
                 ("held_out.worst.max_abs_lsb", "held-out max", "{:.0f}"), ("on_front", "Pareto", "")],
                "score", "error", "cost (Zynq-7020-normalised LUT equivalents)", "1 - worst share within +-1 LSB")
    (out / "search.json").write_text(json.dumps(summary, indent=2, default=str))
    log(f"[wordlength] {evaluations} bit-accurate evaluations ({hits} cache hits) in {secs:.0f} s; wrote {out}/")
    summary["points"] = points
    return summary


def meets_worst(w: dict, t: Target) -> bool:
    """``t`` against already-reduced worst-case figures."""
    return (w["within_1lsb"] >= t.within_1lsb and w["max_abs_lsb"] <= t.max_lsb
            and w["region_agreement"] >= t.region_agreement and w["psnr_db"] >= t.psnr_db)


def _fig(w: dict) -> str:
    return (f"within +-1 LSB {100 * w['within_1lsb']:.4f}%, max {w['max_abs_lsb']:.0f} LSB, regions "
            f"{100 * w['region_agreement']:.3f}%, PSNR {w['psnr_db']:.1f} dB, SQNR {w['sqnr_db']:.1f} dB")


def _point(name: str, data: dict, res: dict, max_w: int, target: Target | None) -> dict:
    c = costmod.estimate(QuantConfig(data, name), max_w)
    return {"name": name, "target": target.label() if target else None, "target_obj": target, "data": data,
            "hash": config_hash(data), "cost": {k: v for k, v in c.items() if k != "dsp_by_unit"}, "score": c["score"],
            "worst": worst_case(res)}


def command_line() -> str:
    return "taisp " + " ".join(shlex.quote(a) for a in sys.argv[1:])


__all__ = ["run", "PARETO_TARGETS", "command_line"]
