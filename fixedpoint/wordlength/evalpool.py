"""Evaluations of configs as Dask tasks, cached on disk by config hash.

    with EvalPool(evaluator, cache_dir, workers=2) as pool:      # a local cluster, one process per worker
        results = pool.map([data1, data2, ...])                    # in submission order
    EvalPool(evaluator, cache_dir, scheduler="tcp://host:8786")     # a running cluster
    EvalPool(evaluator, cache_dir, workers=0)                       # in this process (tests)

``evaluator`` is a picklable callable ``evaluator(data) -> dict`` (JSON-serialisable) with a
``namespace`` string naming what it measures (corpus, weights, code version): the cache is
``cache_dir/<namespace>/<config hash>.json``, so a rerun or a larger run reuses every result
measured before. Results do not depend on which worker computed them (each evaluation is a
pure function of the config), and are returned in submission order.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Callable

from .configedit import config_hash


class EvalPool:
    def __init__(self, evaluator: Callable[[dict], dict], cache_dir: str | os.PathLike, workers: int | None = None,
                 scheduler: str | None = None, progress: bool = True, desc: str = "evaluations") -> None:
        self.evaluator = evaluator
        self.cache = Path(cache_dir) / evaluator.namespace
        self.cache.mkdir(parents=True, exist_ok=True)
        self.progress = progress
        self.desc = desc
        self.evaluations = 0  # computed (not cached) by this pool
        self.cache_hits = 0
        self.seconds = 0.0
        self._client = None
        self._cluster = None
        self.workers = workers
        if scheduler is not None:
            from distributed import Client

            self._client = Client(scheduler)
        elif workers is None or workers > 0:
            from distributed import Client, LocalCluster

            n = workers if workers is not None else (os.cpu_count() or 1)
            self._cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0")
            self._client = Client(self._cluster)
            self.workers = n

    # -- cache -----------------------------------------------------------------------------
    def _path(self, h: str) -> Path:
        return self.cache / f"{h}.json"

    def cached(self, data: dict) -> dict | None:
        p = self._path(config_hash(data))
        if p.is_file():
            return json.loads(p.read_text())
        return None

    # -- evaluation ------------------------------------------------------------------------
    def map(self, datas: list[dict]) -> list[dict]:
        """Evaluate every config (cached ones read back); results in the order given."""
        t0 = time.perf_counter()
        hashes = [config_hash(d) for d in datas]
        results: dict[str, Any] = {}
        todo: dict[str, dict] = {}
        for h, d in zip(hashes, datas):
            if h in results or h in todo:
                continue
            p = self._path(h)
            if p.is_file():
                results[h] = json.loads(p.read_text())
                self.cache_hits += 1
            else:
                todo[h] = d
        if todo:
            bar = None
            if self.progress:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), desc=self.desc, leave=False, dynamic_ncols=True)
            keys = list(todo)
            if self._client is None:
                for h in keys:
                    self._store(h, self.evaluator(todo[h]), results)
                    if bar is not None:
                        bar.update(1)
            else:
                from distributed import as_completed

                futs = self._client.map(self.evaluator, [todo[h] for h in keys], key=[f"eval-{h}" for h in keys])
                fut_key = {f.key: h for f, h in zip(futs, keys)}
                for f in as_completed(futs):
                    self._store(fut_key[f.key], f.result(), results)
                    if bar is not None:
                        bar.update(1)
            if bar is not None:
                bar.close()
            self.evaluations += len(todo)
        self.seconds += time.perf_counter() - t0
        return [results[h] for h in hashes]

    def _store(self, h: str, res: dict, results: dict) -> None:
        results[h] = res
        tmp = self._path(h).with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(res))
        tmp.replace(self._path(h))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def __enter__(self) -> "EvalPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["EvalPool"]
