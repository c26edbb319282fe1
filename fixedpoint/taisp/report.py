"""The quantization-error report: fixed point against the float golden model, stage by stage.

For every input (RAW files, or the built-in scene) and every checkpoint:

* the full pipeline: float front end + golden TAISP (``hard``) against the fixed-point front
  end + fixed-point model (``same`` statistics mode: the quantization error alone, without
  the one-frame delay);
* per stage (xg, A, xs, logits, y, the 8-bit output): max, mean and RMS absolute error in
  the stage's own LSB (and for the output in 8-bit LSB), SQNR, share within +-1 LSB;
* agreement of the region choice (argmax of the logits);
* saturation/wrap counts per config entry;
* the distances between the golden mask modes ``hard``, ``expected`` and ``gumbel`` on the
  8-bit output, so that a reader sees how much of a difference is quantization and how much
  the determinism of hard masks.

Writes ``report.md``, ``report.json`` and per case an error map and histogram PNG and a PNG
of the per-stage error histograms.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from golden.frontend import frontend_torch
from golden.taisp.model import TAISP, detector_input
from golden.raw import RawImage

from ..config import QuantConfig
from ..metrics import error_stats, output_agreement
from ..frontend import frontend as fixed_frontend
from .model import FixedTAISP

#: Stages compared: tap name -> (golden tap, config entry of the fixed tap).
STAGES: dict[str, str] = {"xg": "glc.xg", "A": "hsa.A", "xs": "hsa.xs", "logits": "rgfc.logits", "y": "rgfc.y"}


#: Stages whose values live in [0, 1] like the output: their errors are also given in output LSB (1/255).
UNIT_RANGE = {"frontend.x", "glc.xg", "hsa.A", "hsa.xs", "rgfc.y"}


def _u8(t: torch.Tensor) -> np.ndarray:
    """The 8-bit detector input of the first image of a batch, (3, H, W) float."""
    return detector_input(t, round_to_int=True)[0].numpy()


def compare(raw: RawImage, isp: TAISP, cfg: QuantConfig, demosaic: str = "bilinear", seed: int = 0) -> dict[str, Any]:
    """All figures for one input and one model; also returns the 8-bit error map under ``_maps``."""
    t0 = time.perf_counter()
    fx = FixedTAISP(isp, cfg)
    x_fixed = fixed_frontend(raw, cfg, demosaic)
    res = fx.frame(x_fixed, "same", taps=True)
    x_float = frontend_torch(raw, demosaic)
    with torch.no_grad():
        y_hard, taps = isp(x_float, mask_mode="hard", taps=True)
        y_exp = isp(x_float, mask_mode="expected")
        y_gum = isp(x_float, mask_mode="gumbel", generator=torch.Generator().manual_seed(seed))
        y_model_only = isp(torch.from_numpy(fx.to_float("x", x_fixed)).float()[None], mask_mode="hard")
    g8 = _u8(y_hard)
    out = res.out.astype(np.float64)
    out_lsb = 1.0 / 255.0
    stages: dict[str, Any] = {"frontend.x": error_stats(fx.to_float("x", x_fixed), x_float[0].numpy(),
                                                          2.0 ** -cfg["frontend.x"].fmt.frac, out_lsb)}
    errors: dict[str, np.ndarray] = {"frontend.x": (fx.to_float("x", x_fixed) - x_float[0].numpy()).ravel()}
    for name, entry in STAGES.items():
        if name == "y":  # golden y of the chosen region, before the 8-bit rounding
            ref = y_hard[0].numpy()
        else:
            ref = taps[name][0].numpy()
        if name == "A":
            ref = ref[0]
        fixed_vals = fx.to_float(name, res.taps[name])
        stages[entry] = error_stats(fixed_vals, ref, 2.0 ** -cfg[entry].fmt.frac, out_lsb if entry in UNIT_RANGE else None)
        errors[entry] = (fixed_vals - ref).ravel() / 2.0 ** -cfg[entry].fmt.frac
    stages["rgfc.out (8-bit)"] = error_stats(out, g8, 1.0)
    d8 = np.abs(out - g8)
    agree = output_agreement(out, g8, res.taps["index"], taps["index"][0].numpy())
    modes = {}
    for a, b, ya, yb in (("hard", "expected", y_hard, y_exp), ("hard", "gumbel", y_hard, y_gum),
                         ("expected", "gumbel", y_exp, y_gum)):
        dm = np.abs(_u8(ya) - _u8(yb))
        modes[f"{a} vs {b}"] = {"max_lsb": float(dm.max()), "mean_lsb": float(dm.mean()), "within_1lsb": float((dm <= 1).mean())}
    return {
        "input": raw.source,
        "size": f"{x_fixed.shape[2]}x{x_fixed.shape[1]}",
        "checkpoint": str(getattr(getattr(isp, "checkpoint_info", None), "path", "in-memory")),
        "weight_range": list(isp.weight_range),
        "within_1lsb_8bit": agree["within_1lsb_8bit"],
        "within_1lsb_8bit_model_only": output_agreement(out, _u8(y_model_only))["within_1lsb_8bit"],
        "region_agreement": agree["region_agreement"],
        "stages": stages,
        "overflows": res.overflows,
        "golden_modes_8bit": modes,
        "seconds": time.perf_counter() - t0,
        "_maps": {"err8": d8.max(axis=0), "signed": (out - g8).ravel(), "stages": errors},
    }


def _png(path: Path, case: dict[str, Any]) -> None:
    from ..report_plots import error_png, stage_histograms_png

    title = f"{Path(case['input']).name} | {Path(case['checkpoint']).name}"
    error_png(path, case["_maps"]["err8"], case["_maps"]["signed"], case["within_1lsb_8bit"], title)
    # per-stage error histograms, in each stage's own LSB
    stage_histograms_png(path.with_name(path.stem.replace("_error", "_stages") + ".png"), case["_maps"]["stages"],
                         f"stage errors, fixed - golden: {title}")


def format_markdown(cases: list[dict[str, Any]], cfg: QuantConfig) -> str:
    lines = ["# TA-ISP quantization report", "", f"Config: `{cfg.source}` ({cfg.name}). Fixed point in `same` statistics mode "
             "against the float golden model with hard masks, both from the same RAW.", "",
             "| input | checkpoint | size | 8-bit within +-1 LSB | (model only) | region agreement | max err | saturations |",
             "|---|---|---|---|---|---|---|---|"]
    for c in cases:
        lines.append(f"| {Path(c['input']).name} | {Path(c['checkpoint']).name} | {c['size']} | {100 * c['within_1lsb_8bit']:.4f}% | "
                     f"{100 * c['within_1lsb_8bit_model_only']:.4f}% | {100 * c['region_agreement']:.4f}% | "
                     f"{c['stages']['rgfc.out (8-bit)']['max_lsb']:.0f} | {sum(c['overflows'].values())} |")
    for c in cases:
        lines += ["", f"## {Path(c['input']).name} / {Path(c['checkpoint']).name}", "",
                  "| stage | max (LSB) | mean (LSB) | RMS (LSB) | max (output LSB) | RMS (output LSB) | SQNR (dB) | within +-1 LSB |",
                  "|---|---|---|---|---|---|---|---|"]
        for st, e in c["stages"].items():
            o_max = f"{e['max_out_lsb']:.4f}" if "max_out_lsb" in e else "-"
            o_rms = f"{e['rms_out_lsb']:.5f}" if "rms_out_lsb" in e else "-"
            lines.append(f"| {st} | {e['max_lsb']:.2f} | {e['mean_lsb']:.4f} | {e['rms_lsb']:.4f} | {o_max} | {o_rms} | "
                         f"{e['sqnr_db']:.1f} | {100 * e['within_1lsb']:.3f}% |")
        lines += ["", "Golden mask modes against each other (8-bit output): " + "; ".join(
            f"{k}: mean {v['mean_lsb']:.3f}, max {v['max_lsb']:.0f}, {100 * v['within_1lsb']:.2f}% within 1" for k, v in
            c["golden_modes_8bit"].items()), "", f"Saturation/wrap counts: {c['overflows'] or 'none'}"]
    lines += ["", "Stage LSBs are those of the config entries; output LSB is 1/255 (stages in [0, 1] only); `rgfc.out` is "
              "in 8-bit LSB. The stage errors include the propagated errors of earlier stages (both sides start from the same "
              "RAW). Saturation counts include the intended clamps at 1.0 (for example glc.xg where alpha * x exceeds the "
              "format). PNGs per case: `*_error.png` (8-bit error map and histogram), `*_stages.png` (per-stage histograms).", ""]
    return "\n".join(lines)


def run_report(raws: list[RawImage], isps: list[TAISP], cfg: QuantConfig, out_dir: str | Path,
               demosaic: str = "bilinear", progress=print) -> dict[str, Any]:
    """Compare every input with every model; write report.md, report.json and PNGs; return the JSON data."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, raw in enumerate(raws):
        for j, isp in enumerate(isps):
            c = compare(raw, isp, cfg, demosaic)
            png = f"case{i}_{j}_error.png"
            _png(out / png, c)
            c["png"] = png
            c.pop("_maps")
            cases.append(c)
            if progress:
                progress(f"[taisp report] {Path(c['input']).name} / {Path(c['checkpoint']).name}: "
                         f"{100 * c['within_1lsb_8bit']:.4f}% within +-1 LSB, regions {100 * c['region_agreement']:.4f}% "
                         f"({c['seconds']:.1f} s)")
    data = {"config": cfg.source, "config_name": cfg.name, "demosaic": demosaic, "cases": cases,
            "min_within_1lsb_8bit": min(c["within_1lsb_8bit"] for c in cases),
            "min_region_agreement": min(c["region_agreement"] for c in cases)}
    (out / "report.json").write_text(json.dumps(data, indent=2))
    (out / "report.md").write_text(format_markdown(cases, cfg))
    return data
