"""Error-targeted word-length search, shared by every model (TA-ISP's model-specific parts, its
corpus, evaluator, range analysis and cost model, are in ``fixedpoint/taisp/wordlength.py`` and
``fixedpoint/taisp/cost.py``).

* :mod:`.configedit`: a quantization config as its TOML data, edited by *knobs* (the fractional
  bits of one entry with the table sides the schema links to it, the size of one table), hashed
  (the cache key) and written back as TOML with a comment block;
* :mod:`.evalpool`: evaluations as Dask tasks (a local cluster, or ``tcp://host:port``), cached on
  disk by config hash, returned in submission order (the same result whatever the worker count),
  with a tqdm progress bar;
* :mod:`.search`: targets checked on every frame (worst case), the sensitivity-guided search
  (per-knob lowest passing value, a combined start guided by them, greedy cost descent) and the
  Pareto front (JSON, Markdown, PNG).
"""
from .configedit import Knob, config_hash, dump_toml, get_fmt, set_fmt, apply_knobs, knob_value
from .evalpool import EvalPool
from .search import Target, meets, search, pareto_front, worst_case

__all__ = ["Knob", "config_hash", "dump_toml", "get_fmt", "set_fmt", "apply_knobs", "knob_value", "EvalPool",
           "Target", "meets", "search", "pareto_front", "worst_case"]
