"""Targets, the sensitivity-guided word-length search, and the Pareto front.

An evaluation result is ``{"frames": [{"name", "within_1lsb", "max_abs_lsb", "region_agreement",
"psnr_db", "sqnr_db"}, ...], ...}``: one entry per (frame, weight set) of the corpus. A
:class:`Target` is met when it holds on **every** frame (:func:`worst_case`).

The search (:func:`search`), every candidate verified by the bit-accurate model through the pool:

1. the start config (integer bits from range analysis) must meet the target;
2. sensitivity: for every knob alone (all others at the start), the lowest value that still
   meets the target, by bisection; all knobs bisect together, one batch of evaluations per round;
3. a combined candidate guided by them: every knob at its own lowest value plus a common margin,
   the smallest margin of a batch that meets the target;
4. greedy cost descent: each round tries every knob one step lower where that saves cost (one
   batch), then the passing steps ranked by saving, the top n together for n = all, half,
   quarter, ... (one batch), keeping the largest n that passes. Until no step passes. Decisions depend only on the results (never on their arrival order), so the
   outcome is the same for any number of workers.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from .configedit import Knob, apply_knobs, config_hash, knob_value


@dataclass(frozen=True)
class Target:
    """Output error budget, checked on every frame: share of 8-bit outputs within +-1 LSB of the
    float golden (hard masks), largest error in LSB, region-choice agreement, PSNR in dB."""

    within_1lsb: float = 0.995
    max_lsb: float = 2.0
    region_agreement: float = 0.99
    psnr_db: float = 0.0

    def label(self) -> str:
        s = f">={100 * self.within_1lsb:g}% within 1 LSB, max <={self.max_lsb:g} LSB, regions >={100 * self.region_agreement:g}%"
        return s + (f", PSNR >={self.psnr_db:g} dB" if self.psnr_db > 0 else "")


def worst_case(res: dict) -> dict:
    """The worst frame on each figure (an invalid config: every figure at its worst). Frames
    flagged ``max_exempt`` by the evaluator do not count for ``max_abs_lsb`` (they still count
    for ``max_abs_lsb_all`` and every other figure)."""
    fr = res["frames"]
    if not fr:
        return {"within_1lsb": 0.0, "max_abs_lsb": 255.0, "max_abs_lsb_all": 255.0, "region_agreement": 0.0, "psnr_db": 0.0, "sqnr_db": 0.0,
                "frames": 0, "invalid": res.get("invalid", "no frames")}
    held = [f for f in fr if not f.get("max_exempt")] or fr
    return {"within_1lsb": min(f["within_1lsb"] for f in fr), "max_abs_lsb": max(f["max_abs_lsb"] for f in held),
            "max_abs_lsb_all": max(f["max_abs_lsb"] for f in fr),
            "region_agreement": min(f["region_agreement"] for f in fr), "psnr_db": min(f["psnr_db"] for f in fr),
            "sqnr_db": min(f["sqnr_db"] for f in fr), "frames": len(fr)}


def meets(res: dict, t: Target) -> bool:
    w = worst_case(res)
    return (w["within_1lsb"] >= t.within_1lsb and w["max_abs_lsb"] <= t.max_lsb
            and w["region_agreement"] >= t.region_agreement and w["psnr_db"] >= t.psnr_db)


def search(pool, start: dict, knobs: list[Knob], cost: Callable[[dict], float], target: Target,
           log: Callable[[str], None] = print, max_rounds: int = 40) -> dict:
    """Cheapest config found that meets ``target`` (see the module docstring). Returns
    ``{"data", "result", "cost", "alone_min", "history", "evaluations"}``."""
    t0 = time.perf_counter()
    n0 = pool.evaluations + pool.cache_hits
    base = {k: knob_value(start, k) for k in knobs}
    (r0,) = pool.map([start])
    if not meets(r0, target):
        w = worst_case(r0)
        raise ValueError(f"the start config does not meet the target ({target.label()}): worst frame {w}")
    history = [{"step": "start", "cost": cost(start), **worst_case(r0)}]
    # 2. per-knob lowest passing value (bisection, all knobs per round)
    lo = {k: k.lo for k in knobs}
    hi = dict(base)
    rnd = 0
    while any(hi[k] > lo[k] for k in knobs):
        rnd += 1
        act = [k for k in knobs if hi[k] > lo[k]]
        mids = {k: (lo[k] + hi[k]) // 2 for k in act}
        res = pool.map([apply_knobs(start, {**base, k: mids[k]}) for k in act])
        for k, r in zip(act, res):
            if meets(r, target):
                hi[k] = mids[k]
            else:
                lo[k] = mids[k] + 1
        log(f"[search] sensitivity round {rnd}: {len(act)} knobs bisected")
    alone = dict(hi)
    # 3. combined start: each knob at its own lowest value + a common margin
    margins = [0, 1, 2, 3, 4, 6, 8, 12]
    cands = [{k: min(base[k], alone[k] + m) for k in knobs} for m in margins]
    res = pool.map([apply_knobs(start, c) for c in cands])
    cur, cur_res = dict(base), r0
    for m, c, r in zip(margins, cands, res):
        if meets(r, target):
            cur, cur_res = c, r
            log(f"[search] combined start: every knob at its own lowest value + {m}")
            break
    cur_data = apply_knobs(start, cur)
    history.append({"step": "combined", "cost": cost(cur_data), **worst_case(cur_res)})
    # 4. greedy cost descent
    for rnd in range(1, max_rounds + 1):
        c_cur = cost(cur_data)
        act = []
        for k in knobs:
            if cur[k] - 1 >= max(k.lo, alone[k]):
                d = apply_knobs(start, {**cur, k: cur[k] - 1})
                if cost(d) < c_cur:  # only steps that save cost
                    act.append((k, d))
        if not act:
            break
        res = pool.map([d for _, d in act])
        ok = sorted(((c_cur - cost(d), k.name, k) for (k, d), r in zip(act, res) if meets(r, target)),
                    key=lambda t: (-t[0], t[1]))
        if not ok:
            break
        # the passing steps by saving; try the top n together for n = all, half, quarter, ... (one batch)
        sizes = []
        n = len(ok)
        while n > 1:
            sizes.append(n)
            n //= 2
        joints = [{**cur, **{k: cur[k] - 1 for _, _, k in ok[:n]}} for n in sizes]
        jres = pool.map([apply_knobs(start, j) for j in joints])
        chosen = None
        for n, j, r in zip(sizes, joints, jres):
            if meets(r, target):
                chosen = (n, j, r)
                break
        if chosen is None:
            k = ok[0][2]
            i = [a for a, _ in act].index(k)
            chosen = (1, {**cur, k: cur[k] - 1}, res[i])
        n, cur, cur_res = chosen
        cur_data = apply_knobs(start, cur)
        history.append({"step": f"descent {rnd}", "cost": cost(cur_data), **worst_case(cur_res)})
        log(f"[search] descent round {rnd}: {n} of {len(ok)} passing steps together, cost {cost(cur_data):.0f}")
    return {"data": cur_data, "result": cur_res, "cost": cost(cur_data), "values": {k.name: v for k, v in cur.items()},
            "alone_min": {k.name: v for k, v in alone.items()}, "history": history,
            "evaluations": pool.evaluations + pool.cache_hits - n0, "seconds": time.perf_counter() - t0,
            "hash": config_hash(cur_data)}


def pareto_front(points: list[dict], cost_key: str = "cost", err_key: str = "error") -> list[dict]:
    """The points no other point beats on both cost and error (lower is better for both)."""
    pts = sorted(points, key=lambda p: (p[cost_key], p[err_key]))
    front, best = [], math.inf
    for p in pts:
        if p[err_key] < best:
            front.append(p)
            best = p[err_key]
    return front


def write_front(points: list[dict], out: Path, title: str, columns: list[tuple[str, str, str]],
                x_key: str, y_key: str, x_label: str, y_label: str) -> None:
    """``pareto.json``, ``pareto.md`` (a table of ``columns``: (key, header, format)) and ``pareto.png``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "pareto.json").write_text(json.dumps(points, indent=2, default=str))
    lines = [f"# {title}", "", "| " + " | ".join(h for _, h, _ in columns) + " |", "|" + "---|" * len(columns)]
    for p in points:
        cells = []
        for key, _, fmt in columns:
            v = p
            for part in key.split("."):
                v = v.get(part) if isinstance(v, dict) else None
            cells.append("-" if v is None else (fmt.format(v) if fmt else str(v)))
        lines.append("| " + " | ".join(cells) + " |")
    (out / "pareto.md").write_text("\n".join(lines) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def get(p, key):
        v = p
        for part in key.split("."):
            v = v[part]
        return v

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for p in points:
        x, y = get(p, x_key), get(p, y_key)
        is_def = p.get("name") == "default"
        ax.scatter([x], [y], marker="*" if is_def else "o", s=140 if is_def else 40,
                   color="tab:red" if is_def else ("tab:blue" if p.get("on_front") else "tab:gray"))
        ax.annotate(p.get("name", ""), (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_xscale("log")
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "pareto.png", dpi=100)
    plt.close(fig)


__all__ = ["Target", "worst_case", "meets", "search", "pareto_front", "write_front", "asdict"]
