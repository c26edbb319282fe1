"""POS-ISP's plug-in to the shared word-length search (:mod:`fixedpoint.wordlength`): the knobs of
its config, the evaluator (the accuracy check on a few small crops) and a simple cost.

* :func:`knobs_for`: one knob per pixel-path entry's fractional bits, carrying the table sides
  :data:`~fixedpoint.posisp.schema.TABLE_LINKS` ties to it; ``chain.x``, the front end, the
  thumbnail, the driver, the constants and the 8-bit output stay fixed; the entries the schema
  ties to another (``denoise.d`` = 2 x ``denoise.y``, ``denoise.den`` = ``denoise.w``) follow
  (:func:`follow`), applied by the evaluator and to the result.
* :class:`Evaluator`: per (crop, checkpoint) the fixed-point chain (``same`` statistics mode)
  against the float model with the ``mirror`` border, both from the same front-end output;
  per frame the figures of :func:`fixedpoint.taisp.wordlength.frame_metrics` (region agreement
  is 1: POS-ISP has no regions). A config the validator rejects is an invalid result.
* :func:`cost`: the sum of the word lengths of the pixel-path entries (bits; a first-order
  stand-in for area until POS-ISP has a calibrated cost model like TA-ISP's ``cost.py``).

    ev = Evaluator(default_frames())
    with EvalPool(ev, "out/wl/cache", workers=0) as pool:
        s = search(pool, load_data(), knobs_for(load_data()), cost, Target(0.995, 2, 0.0))
"""
from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import ConfigError, QuantConfig
from ..wordlength import Knob, get_fmt, set_fmt
from ..wordlength.configedit import with_bits
from . import DEFAULT_CONFIG
from .schema import ENTRIES, FRAME_TABLES, POSISP_SCHEMA, TABLE_LINKS, check_structure

#: stages whose entries are not searched (front end, statistics, driver, constants, chain format)
FIXED_STAGES = ("frontend", "thumb", "driver", "const", "chain")
#: entry -> (entry it follows, factor of the fractional bits): ties the schema requires
FOLLOWS: dict[str, tuple[str, int]] = {"denoise.d": ("denoise.y", 2), "denoise.den": ("denoise.w", 1),
                                       "saturation.c": ("chain.x", 1)}
#: the search's frames: (exposure of the built-in scene, centre crop side)
DEFAULT_FRAMES: tuple[tuple[str, int], ...] = (("normal", 32), ("dark", 32))
CHECKPOINTS: tuple[str, ...] = ("frozen", "joint")
_STATE: dict[str, dict] = {}


def load_data(path: str | Path | None = None) -> dict:
    """A POS-ISP config as TOML data (default ``configs/default.toml``)."""
    return tomllib.loads(Path(path or DEFAULT_CONFIG).read_text())


def _side_key(table: str, side: str) -> str:
    return f"{'frame_tables' if table in FRAME_TABLES else 'tables'}.{table}.{side}"


def _linked(entry: str) -> list[str]:
    """The entry and the table sides tied to it."""
    return [entry] + [_side_key(t, s) for t, s, e in TABLE_LINKS if e == entry]


def knobs_for(data: dict, span: int = 12) -> list[Knob]:
    """One ``frac`` knob per searched entry (with its table sides), from its current fractional
    bits down by at most ``span`` (never below 1)."""
    knobs = []
    for stage, names in ENTRIES.items():
        if stage in FIXED_STAGES:
            continue
        for n in names:
            key = f"{stage}.{n}"
            if key in FOLLOWS:
                continue
            fr = get_fmt(data, key).frac
            knobs.append(Knob(key, "frac", tuple(_linked(key)), max(1, fr - span), fr))
    return knobs


def follow(data: dict) -> dict:
    """``data`` with every tied entry (:data:`FOLLOWS`) and its table sides at its source's
    fractional bits times the factor, integer bits kept."""
    out = copy.deepcopy(data)
    for key, (src, mult) in FOLLOWS.items():
        fr = mult * get_fmt(out, src).frac
        for k in [key] + [_side_key(t, s) for t, s, e in TABLE_LINKS if e == key]:
            set_fmt(out, k, with_bits(get_fmt(out, k), frac=fr))
    return out


def cost(data: dict) -> float:
    """Sum of the word lengths (bits) of the searched stages' entries (tied ones included)."""
    d = follow(data)
    return float(sum(get_fmt(d, f"{s}.{n}").width for s, names in ENTRIES.items() if s not in FIXED_STAGES
                     for n in names))


def validate(data: dict, source: str = "<search>") -> QuantConfig:
    """A validated POS-ISP config of TOML data (ConfigError otherwise)."""
    cfg = QuantConfig(data, source, POSISP_SCHEMA)
    check_structure(cfg)
    return cfg


@dataclass
class Evaluator:
    """``Evaluator(frames)(config_data)``: the fixed chain against the float model per (frame,
    checkpoint); picklable; inputs and float outputs computed once per process."""

    frames: tuple[tuple[str, int], ...] = DEFAULT_FRAMES
    checkpoints: tuple[str, ...] = CHECKPOINTS
    namespace: str = field(init=False)

    def __post_init__(self) -> None:
        h = hashlib.sha256(json.dumps([list(self.frames), list(self.checkpoints), "posisp-eval-v1"]).encode())
        self.namespace = "posisp-" + h.hexdigest()[:16]

    def _state(self) -> dict:
        st = _STATE.get(self.namespace)
        if st is None:
            import torch

            from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint
            from golden.scene import synthetic_raw

            from ..frontend import frontend
            from .accuracy import centre_crop, float_chain, golden8
            from .schema import load_posisp_config

            torch.set_num_threads(1)
            cfg0 = load_posisp_config()
            isps = {c: load_posisp_checkpoint(CHECKPOINT_DIR / f"posisp_{c}.pth", denoise_border="mirror")
                    for c in self.checkpoints}
            xs, gold = [], {}
            for fi, (exp, side) in enumerate(self.frames):
                raw = synthetic_raw(height=max(64, 2 * side), width=max(64, 2 * side), exposure=exp, seed=0)
                x = centre_crop(frontend(raw, cfg0, "bilinear"), side)
                xs.append(x)
                xr = np.ldexp(x.astype(np.float64), -cfg0["frontend.x"].fmt.frac)
                for c, isp in isps.items():
                    gold[fi, c] = golden8(float_chain(isp, xr, None, isp.sequence())[0])
            st = {"isps": isps, "xs": xs, "gold": gold}
            _STATE[self.namespace] = st
        return st

    def __call__(self, data: dict) -> dict[str, Any]:
        from ..taisp.wordlength import frame_metrics
        from .model import FixedPOSISP

        st = self._state()
        try:
            cfg = validate(follow(data))
        except ConfigError as exc:
            return {"frames": [], "invalid": str(exc), "overflows": {}}
        frames, overflows = [], {}
        none = np.zeros(1, dtype=np.int64)
        for fi, ((exp, side), x) in enumerate(zip(self.frames, st["xs"])):
            for c, isp in st["isps"].items():
                try:  # the datapath's own rules (sharpen.c at least sharpen.a's fractional bits, ...)
                    res = FixedPOSISP(isp, cfg).frame(x, "same")
                except ConfigError as exc:
                    return {"frames": [], "invalid": str(exc), "overflows": {}}
                frames.append({"name": f"scene:{exp}@{side}/{c}", **frame_metrics(res.out, st["gold"][fi, c], none, none)})
                for k, v in res.overflows.items():
                    overflows[k] = overflows.get(k, 0) + int(v)
        return {"frames": frames, "overflows": overflows}


__all__ = ["CHECKPOINTS", "DEFAULT_FRAMES", "Evaluator", "FIXED_STAGES", "FOLLOWS", "cost", "follow", "knobs_for",
           "load_data", "validate"]


def run(out_dir: str | Path, target, config: str | Path | None = None, frames: tuple[tuple[str, int], ...] = DEFAULT_FRAMES,
        checkpoints: tuple[str, ...] = CHECKPOINTS, workers: int | None = 0, scheduler: str | None = None,
        cache: str | Path | None = None, progress: bool = True, max_rounds: int = 40, span: int = 12,
        knob_names: tuple[str, ...] | None = None, log=print) -> dict[str, Any]:
    """The search on the POS-ISP config: writes ``search.json`` (the result's figures, knob
    values, per-knob lowest passing values, history) and ``posisp_search.toml`` (the config
    found, ties applied) to ``out_dir``; returns the JSON data. ``knob_names``: search only these."""
    from ..wordlength import EvalPool, dump_toml, search, worst_case

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start = load_data(config)
    validate(start, str(config or DEFAULT_CONFIG))
    knobs = knobs_for(start, span)
    if knob_names:
        unknown = sorted(set(knob_names) - {k.name for k in knobs})
        if unknown:
            raise ValueError(f"unknown POS-ISP knob(s) {', '.join(unknown)}; the knobs are {', '.join(k.name for k in knobs)}")
        knobs = [k for k in knobs if k.name in knob_names]
    ev = Evaluator(tuple(frames), tuple(checkpoints))
    with EvalPool(ev, cache or out / "cache", workers=workers, scheduler=scheduler, progress=progress,
                  desc="posisp wordlength") as pool:
        s = search(pool, start, knobs, cost, target, log=log, max_rounds=max_rounds)
    found = follow(s["data"])
    found["name"] = "posisp_search"
    (out / "posisp_search.toml").write_text(dump_toml(found, f"POS-ISP config found by the word-length search "
                                                             f"(target {target.label()}; cost = sum of word lengths)"))
    data = {"model": "posisp", "target": target.label(), "start_cost": cost(start), "cost": s["cost"],
            "values": s["values"], "alone_min": s["alone_min"], "worst": worst_case(s["result"]),
            "history": s["history"], "evaluations": s["evaluations"], "seconds": s["seconds"],
            "frames": [list(f) for f in frames], "checkpoints": list(checkpoints)}
    (out / "search.json").write_text(json.dumps(data, indent=1) + "\n")
    return data


__all__ += ["run"]
