"""Word-length sweep: how the agreement with the golden model depends on each group of
fractional bits of the quantization config (the measurement behind ``configs/default.toml``).

    .venv/bin/python -m fixedpoint.taisp.sweep            # built-in scene (normal, dark) + rose + darkframe crop

Each row changes one group from the default and prints, over the inputs and both shipped
checkpoints, the lowest share of 8-bit values within +-1 LSB of golden ``hard`` (float front
end from the same RAW), the largest error, and the lowest region-choice agreement.
"""
from __future__ import annotations

import copy
import sys
import time
import tomllib
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from golden.taisp.checkpoint import load_checkpoint
from golden.frontend import frontend_torch
from golden.taisp.model import detector_input
from golden.raw import RawImage, read_raw
from golden.scene import synthetic_raw

from ..config import QuantConfig
from ..metrics import output_agreement
from . import DEFAULT_CONFIG
from ..frontend import frontend as fixed_frontend
from .model import FixedTAISP

REPO = Path(__file__).resolve().parents[2]


def _set(d: dict, key: str, fmt: str) -> None:
    sec, name = key.split(".", 1)
    if sec == "tables":
        t, side = name.split(".")
        d["tables"][t][side] = fmt
    else:
        d[sec][name] = {**d[sec][name], "fmt": fmt}


def _pixel(f: int) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for k in ("glc.xg", "hsa.pool", "hsa.xs", "hsa.xm", "tables.log2.in_fmt"):  # xm: the mask head's copy of xs
            _set(d, k, f"u{f + 1}.{f}")
    return edit


def _alpha(f: int) -> Callable[[dict], None]:
    return lambda d: _set(d, "glc.alpha", f"u{f + 4}.{f}")


def _input(f: int) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for k in ("frontend.x", "frontend.avg"):
            _set(d, k, f"u{f + 1}.{f}")
    return edit


def _log(f: int) -> Callable[[dict], None]:
    def edit(d: dict) -> None:
        for k in ("rgfc.log2", "rgfc.e", "tables.log2.out_fmt", "tables.exp2.in_fmt"):
            _set(d, k, f"s{f + 6}.{f}")
    return edit


VARIANTS: list[tuple[str, Callable[[dict], None] | None]] = [
    ("default", None),
    *[(f"pixel path (xg, pool, xs) frac {f}", _pixel(f)) for f in (12, 16, 20)],
    *[(f"alpha frac {f}", _alpha(f)) for f in (6, 8, 10)],
    *[(f"input x frac {f}", _input(f)) for f in (10, 12, 14)],
    *[(f"log2 / exp2-input frac {f}", _log(f)) for f in (6, 8, 10)],
]


def default_inputs() -> list[RawImage]:
    raws = [synthetic_raw(270, 480, exposure=e, seed=0) for e in ("normal", "dark")]
    shared = REPO.parent / "shared" / "data" / "raw"
    if (shared / "rose_768x512_14bit_rggb.raw").is_file():
        raws.append(read_raw(shared / "rose_768x512_14bit_rggb.raw"))
    if (shared / "darkframe_1920x1080_12bit_bggr.raw").is_file():
        dark = read_raw(shared / "darkframe_1920x1080_12bit_bggr.raw")
        dark.mosaic = dark.mosaic[284:796, 704:1216].copy()
        raws.append(dark)
    return raws


def measure(cfg: QuantConfig, raws: list[RawImage], isps: list, golden: dict) -> dict[str, float]:
    within, worst, region = 1.0, 0.0, 1.0
    for i, raw in enumerate(raws):
        x = fixed_frontend(raw, cfg, "bilinear")
        for j, isp in enumerate(isps):
            res = FixedTAISP(isp, cfg).frame(x, "same")
            g8, gidx = golden[(i, j)]
            a = output_agreement(res.out, g8, res.taps["index"], gidx)
            within = min(within, a["within_1lsb_8bit"])
            worst = max(worst, a["max_abs_lsb"])
            region = min(region, a["region_agreement"])
    return {"within_1lsb": within, "max_lsb": worst, "region": region}


def main(argv: list[str] | None = None) -> int:
    base: dict[str, Any] = tomllib.loads(DEFAULT_CONFIG.read_text())
    raws = default_inputs()
    from golden.taisp import CHECKPOINT_DIR as ck
    isps = [load_checkpoint(ck / "taisp_w1-4.pth"), load_checkpoint(ck / "taisp_w5-9.pth")]
    golden = {}
    with torch.no_grad():
        for i, raw in enumerate(raws):
            xf = frontend_torch(raw, "bilinear")
            for j, isp in enumerate(isps):
                y, taps = isp(xf, mask_mode="hard", taps=True)
                golden[(i, j)] = (detector_input(y, round_to_int=True)[0].numpy(), taps["index"][0].numpy())
    print(f"{len(raws)} inputs x {len(isps)} checkpoints; lowest share within +-1 LSB / max error / lowest region agreement")
    for name, edit in VARIANTS:
        d = copy.deepcopy(base)
        if edit is not None:
            edit(d)
        t0 = time.perf_counter()
        r = measure(QuantConfig(d, f"sweep:{name}"), raws, isps, golden)
        print(f"  {name:34s} {100 * r['within_1lsb']:9.4f}%  max {r['max_lsb']:3.0f}  regions {100 * r['region']:8.4f}%"
              f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
