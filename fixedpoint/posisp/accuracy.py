"""Float versus fixed point for POS-ISP: the fixed-point chain against the float model with
denoise's ``mirror`` border (what the hardware computes), on the same input values.

Both sides get the fixed-point front end's output (raw ``frontend.x`` as real values), so the
figures measure the POS-ISP chain alone. The float side runs its own parameter agent on the
full frame (float32, as published) and its filters in float64; the fixed side runs the agent on
its 64x64 thumbnail sums (``same`` mode), quantizes the 27 outputs and drives. With ``p`` given
(the range-end checks) both use those parameters (the fixed side quantized).

    fx = FixedPOSISP(isp)
    r = compare_chain(fx, isp, x_fe)           # r["within_1lsb_8bit"], r["stages"]["gamma"], ...
    cases = accuracy_sweep(isps, inputs)       # every input x checkpoint x parameter set
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import torch

from golden.posisp.filters import FILTER_NAMES, PARAM_SLICES

from ..config import QuantConfig
from ..metrics import error_stats, output_agreement
from .driver import DEFAULT_P
from .model import FixedPOSISP

#: the criterion of the issue: share of 8-bit output values within +-1 LSB of the float model
TARGET_WITHIN_1LSB = 0.995


def golden8(y: np.ndarray) -> np.ndarray:
    """The float model's 8-bit output ``round(clamp(y, 1e-6, 1) * 255)`` (ties up)."""
    return np.floor(np.clip(y, 1e-6, 1.0) * 255.0 + 0.5)


def mirror_model(isp):
    """A copy of a golden POSISP with denoise's ``mirror`` border, float64 filters."""
    m = copy.deepcopy(isp)
    m.denoise_border = "mirror"
    return m


def float_chain(isp, x: np.ndarray, p: np.ndarray | None, order: Sequence[str], border: str = "mirror"):
    """The float chain on real values x (3, H, W): (output, [(name, output)], p used (27,))."""
    xt = torch.as_tensor(x, dtype=torch.float64)[None]
    with torch.no_grad():
        if p is None:
            pt = isp.predict_params(xt.to(next(isp.param_net.parameters()).dtype)).double()
        else:
            pt = torch.as_tensor(np.asarray(p, dtype=np.float64))[None]
        saved = isp.denoise_border
        isp.denoise_border = border
        try:
            y, outs = isp.run_chain(xt, pt, order=[FILTER_NAMES.index(n) for n in order], taps=True)
        finally:
            isp.denoise_border = saved
    return y[0].numpy(), [(n, t[0].numpy()) for n, t in outs], pt[0].numpy()


def compare_chain(fx: FixedPOSISP, isp, x_fe: np.ndarray, p=None, border_diff: bool = False,
                  keep_errors: bool = False) -> dict[str, Any]:
    """Figures of one input: the 8-bit agreement, per-filter errors (in chain.x LSB and output
    LSB), the parameters both sides used, overflow events; with ``border_diff`` also the float
    model's ``mirror`` versus ``circular`` 8-bit difference (when the order holds denoise).
    With ``keep_errors``: ``_stage_errors`` (per filter, fixed - float in chain.x LSB, flat) and
    ``_signed8`` (fixed - float 8-bit output, flat) for histograms."""
    t0 = time.perf_counter()
    cfg = fx.cfg
    res = fx.frame(x_fe, "same", p=p)
    x = np.ldexp(np.asarray(x_fe, dtype=np.float64), -cfg["frontend.x"].fmt.frac)
    y, outs, p_used = float_chain(isp, x, p, fx.order)
    g8 = golden8(y)
    lsb = 2.0 ** -cfg["chain.x"].fmt.frac
    stages = {n: error_stats(fx.to_float(n, res.taps[n]), ref, lsb, 1 / 255) for n, ref in outs}
    agree = output_agreement(res.out, g8)
    out: dict[str, Any] = {
        **agree, "size": f"{x.shape[2]}x{x.shape[1]}", "order": list(fx.order),
        "p_float": [float(v) for v in p_used],
        "p_fixed": [v / 2.0 ** cfg["driver.p"].fmt.frac for v in res.p_raw],
        "stages": stages, "overflows": res.overflows, "driver_overflows": dict(res.drv.overflows),
        "_err8": np.abs(res.out - g8).max(axis=0),
    }
    if keep_errors:
        out["_stage_errors"] = {n: ((fx.to_float(n, res.taps[n]) - ref) / lsb).ravel() for n, ref in outs}
        out["_signed8"] = (res.out - g8).ravel()
        out["out_8bit"] = error_stats(res.out.astype(np.float64), g8, 1.0)
    if border_diff and "denoise" in fx.order:
        yc, _, _ = float_chain(isp, x, p_used, fx.order, border="circular")
        out["mirror_vs_circular_8bit"] = output_agreement(g8, golden8(yc))
    out["seconds"] = time.perf_counter() - t0
    return out


def range_end_params() -> list[tuple[str, np.ndarray]]:
    """Parameter sets at the ends of every range: all 27 at 0, all at 1, and each filter's
    parameters at 0 and at 1 with the others at the identity-most defaults."""
    sets = [("all=0", np.zeros(27)), ("all=1", np.ones(27))]
    for n in FILTER_NAMES:
        for end in (0.0, 1.0):
            p = np.array(DEFAULT_P, dtype=np.float64)
            p[PARAM_SLICES[n]] = end
            sets.append((f"{n}={end:g}", p))
    return sets


@dataclass
class Case:
    """One comparison: input label, checkpoint label, parameter label (``agent`` = the model's own)."""

    input: str
    checkpoint: str
    params: str
    figures: dict[str, Any]


def accuracy_sweep(isps: Sequence[tuple[str, Any]], inputs: Iterable[tuple[str, np.ndarray]],
                   cfg: QuantConfig | None = None, range_ends: bool = True, crop: int | None = 256,
                   progress: bool = True) -> list[Case]:
    """Every input (raw ``frontend.x``) x checkpoint with the agent's parameters (whole frame), and,
    with ``range_ends``, x :func:`range_end_params` on a centre crop of ``crop`` pixels (None: whole)."""
    from tqdm import tqdm

    inputs = list(inputs)
    jobs = []
    for name, x in inputs:
        for ck, isp in isps:
            jobs.append((name, ck, isp, x, "agent", None))
            if range_ends:
                xc = centre_crop(x, crop)
                jobs += [(name, ck, isp, xc, lab, p) for lab, p in range_end_params()]
    cases = []
    fxs = {ck: FixedPOSISP(isp, cfg) for ck, isp in isps}
    for name, ck, isp, x, lab, p in tqdm(jobs, desc="posisp accuracy", disable=not progress):
        cases.append(Case(name, ck, lab, compare_chain(fxs[ck], isp, x, p, border_diff=(lab == "agent"))))
    return cases


def centre_crop(x: np.ndarray, size: int | None) -> np.ndarray:
    """The centre ``size`` x ``size`` pixels of (3, H, W) (all of it when smaller or None)."""
    if size is None:
        return x
    _, h, w = x.shape
    r0, c0 = max((h - size) // 2, 0), max((w - size) // 2, 0)
    return np.ascontiguousarray(x[:, r0:r0 + size, c0:c0 + size])


def real_inputs(raw_dir, cfg: QuantConfig, demosaic: str = "bin2") -> list[tuple[str, np.ndarray]]:
    """Every RAW file of ``raw_dir`` (its MANIFEST.json) through the fixed-point front end."""
    import json
    from pathlib import Path

    from golden.raw import read_raw

    from ..frontend import frontend

    d = Path(raw_dir)
    files = [f["file"] for f in json.loads((d / "MANIFEST.json").read_text())["files"]]
    return [(f, frontend(read_raw(d / f), cfg, demosaic)) for f in files]


def scene_inputs(cfg: QuantConfig, height: int = 540, width: int = 960, demosaic: str = "bilinear",
                 exposures: Sequence[str] = ("normal", "dark", "bright")) -> list[tuple[str, np.ndarray]]:
    """The built-in scene at each exposure through the fixed-point front end."""
    from golden.scene import synthetic_raw

    from ..frontend import frontend

    return [(f"scene:{e}", frontend(synthetic_raw(height, width, exposure=e), cfg, demosaic)) for e in exposures]


def summary(cases: Sequence[Case]) -> dict[str, Any]:
    """The worst share within +-1 LSB over all cases, the failing cases, per-filter worst errors."""
    worst = min(cases, key=lambda c: c.figures["within_1lsb_8bit"])
    failing = [(c.input, c.checkpoint, c.params, c.figures["within_1lsb_8bit"]) for c in cases
               if c.figures["within_1lsb_8bit"] < TARGET_WITHIN_1LSB]
    per_filter: dict[str, float] = {}
    for c in cases:
        for n, s in c.figures["stages"].items():
            per_filter[n] = max(per_filter.get(n, 0.0), s["max_out_lsb"])
    return {"cases": len(cases), "min_within_1lsb_8bit": worst.figures["within_1lsb_8bit"],
            "worst_case": [worst.input, worst.checkpoint, worst.params],
            "max_abs_lsb_8bit": max(c.figures["max_abs_lsb"] for c in cases),
            "mean_within_1lsb_8bit": float(np.mean([c.figures["within_1lsb_8bit"] for c in cases])),
            "failing": failing, "max_stage_error_out_lsb": per_filter}


__all__ = ["Case", "TARGET_WITHIN_1LSB", "accuracy_sweep", "centre_crop", "compare_chain", "float_chain", "golden8",
           "mirror_model", "range_end_params", "real_inputs", "scene_inputs", "summary"]


def write_figures(cases: Sequence[Case], out_dir) -> list:
    """PNGs: the share within +-1 LSB per case (sorted), the worst case's 8-bit error map, and
    each filter's worst error in output LSB."""
    from pathlib import Path

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    shares = sorted((c.figures["within_1lsb_8bit"], f"{c.input[:18]} {c.checkpoint} {c.params}") for c in cases)
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(range(len(shares)), [100 * s for s, _ in shares], ".")
    ax.axhline(100 * TARGET_WITHIN_1LSB, color="r", lw=1, label="target 99.5%")
    ax.set_xlabel("case (sorted)")
    ax.set_ylabel("8-bit values within +-1 LSB (%)")
    ax.set_title(f"POS-ISP fixed vs float (mirror): {len(cases)} cases, worst {100 * shares[0][0]:.3f}% ({shares[0][1]})",
                 fontsize=8)
    ax.legend()
    fig.tight_layout()
    paths.append(out / "within_1lsb.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    worst = min(cases, key=lambda c: c.figures["within_1lsb_8bit"])
    fig, ax = plt.subplots(figsize=(6, 4.5))
    im = ax.imshow(worst.figures["_err8"], cmap="magma", vmin=0, vmax=max(2, float(worst.figures["_err8"].max())))
    fig.colorbar(im, ax=ax, label="|fixed - float| (8-bit LSB, max over RGB)")
    ax.set_title(f"worst case: {worst.input[:24]} {worst.checkpoint} {worst.params}", fontsize=8)
    fig.tight_layout()
    paths.append(out / "worst_error_map.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    s = summary(cases)["max_stage_error_out_lsb"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.bar(list(s), list(s.values()))
    ax.set_ylabel("worst |fixed - float| (output LSB)")
    ax.set_yscale("log")
    ax.set_title("per filter output, worst over all cases (values above 1 included)", fontsize=8)
    fig.tight_layout()
    paths.append(out / "filter_errors.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m fixedpoint.posisp.accuracy [--out DIR] [--config C] [--raw-dir D]``: the whole
    check (every real RAW file with bin2, the built-in scene at three exposures, both shipped
    checkpoints, the agent's parameters on whole frames and every range end on centre crops);
    writes ``summary.json``, ``cases.json`` and the PNGs; exit status 1 if the target is missed."""
    import argparse
    import json
    from pathlib import Path

    from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint

    from .schema import load_posisp_config

    ap = argparse.ArgumentParser(prog="python -m fixedpoint.posisp.accuracy", description=main.__doc__)
    ap.add_argument("--out", default="out/posisp_accuracy")
    ap.add_argument("--config", default=None)
    ap.add_argument("--raw-dir", default=str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))
    ap.add_argument("--crop", type=int, default=256, help="centre crop of the range-end runs (pixels)")
    ap.add_argument("--max-size", type=int, default=None, help="centre crop of the agent runs (default: whole frames)")
    ap.add_argument("--no-range-ends", action="store_true", help="only the agent's parameters")
    a = ap.parse_args(argv)
    cfg = load_posisp_config(a.config)
    isps = [(n, load_posisp_checkpoint(CHECKPOINT_DIR / f"posisp_{n}.pth")) for n in ("frozen", "joint")]
    inputs = real_inputs(a.raw_dir, cfg) + scene_inputs(cfg)
    if a.max_size:
        inputs = [(n, centre_crop(x, a.max_size)) for n, x in inputs]
    cases = accuracy_sweep(isps, inputs, cfg, range_ends=not a.no_range_ends, crop=a.crop)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    s = summary(cases)
    (out / "summary.json").write_text(json.dumps(s, indent=1) + "\n")
    (out / "cases.json").write_text(json.dumps([{"input": c.input, "checkpoint": c.checkpoint, "params": c.params,
                                                 **{k: v for k, v in c.figures.items() if not k.startswith("_")}}
                                                for c in cases], indent=1) + "\n")
    write_figures(cases, out)
    print(json.dumps({k: v for k, v in s.items() if k != "failing"}, indent=1))
    print(f"failing cases: {len(s['failing'])}")
    return 0 if not s["failing"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
