"""Benchmark: the word-length search's evaluations on 1 and 2 local Dask workers.

The same N distinct candidate configs (one-knob steps down from the range-analysed default:
the shape of a sensitivity round), on the search's default corpus and weight sets, evaluated by
an :class:`fixedpoint.wordlength.EvalPool` with a fresh cache, first with one worker, then with
two; each pool's cluster is started and warmed (every worker computes the golden outputs and
compiles the kernels on one evaluation) before the timed batch. Prints the seconds, the
speed-up, and checks the two result lists identical (worker-count independence).

Run:  .venv/bin/python benchmarks/bench_wordlength.py [--n 24] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

from fixedpoint.config import QuantConfig
from fixedpoint.taisp.wordlength import WEIGHT_SETS, Evaluator, default_corpus, integer_bits, knobs_for, load_data
from fixedpoint.wordlength import EvalPool, apply_knobs, knob_value


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--json")
    a = ap.parse_args()
    from golden.taisp.weight_sets import weight_set

    d = load_data()
    d0, _ = integer_bits(d, [weight_set(w) for w in WEIGHT_SETS], QuantConfig(d))
    ks = [k for k in knobs_for(d0) if k.kind == "frac"]
    cands = []
    step = 1
    while len(cands) < a.n:
        for k in ks:
            v = knob_value(d0, k) - step
            if v >= k.lo and len(cands) < a.n:
                cands.append(apply_knobs(d0, {k: v}))
        step += 1
    ev = Evaluator(default_corpus(), WEIGHT_SETS)
    res = {}
    out = {}
    for n in (1, 2):
        with tempfile.TemporaryDirectory() as tmp, EvalPool(ev, tmp, workers=n, progress=False) as pool:
            pool._client.run(lambda: None)
            pool._client.gather(pool._client.map(ev, [d0] * n, key=[f"warm-{i}" for i in range(n)]))  # golden + JIT per worker
            t0 = time.perf_counter()
            res[n] = pool.map(cands)
            out[n] = time.perf_counter() - t0
        print(f"{n} worker(s): {len(cands)} evaluations in {out[n]:.1f} s ({out[n] / len(cands):.2f} s each)", flush=True)
    same = res[1] == res[2]
    summary = {"evaluations": len(cands), "seconds_1_worker": round(out[1], 2), "seconds_2_workers": round(out[2], 2),
               "speedup": round(out[1] / out[2], 2), "identical_results": same, "cpus": os.cpu_count(),
               "load_average": os.getloadavg()}
    print(json.dumps(summary, indent=2))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=2)
    assert same, "results differ between 1 and 2 workers"


if __name__ == "__main__":
    main()
