"""The quantization-error report of POS-ISP: the fixed-point chain against the float model
(denoise ``mirror`` border, what the hardware computes), filter by filter in checkpoint order.

For every input (RAW files, or the built-in scene) and every checkpoint (``same`` statistics
mode: the quantization error alone), from :func:`fixedpoint.posisp.accuracy.compare_chain`:

* per filter of the chain: max, mean and RMS absolute error in ``chain.x`` LSB and in output
  LSB (1/255), SQNR, share within +-1 ``chain.x`` LSB; the 8-bit output in 8-bit LSB;
* saturation/wrap counts: the pixel path's per filter, the driver's per entry;
* separately, the float model's ``mirror`` versus ``circular`` (published) denoise border on
  the 8-bit output: how much of a difference is the border rather than quantization.

Writes ``report.md``, ``report.json`` and per case ``case<i>_<j>_error.png`` (8-bit error map
and histogram) and ``case<i>_<j>_stages.png`` (per-filter error histograms).

    data = run_report([("scene:normal", x_fe)], [("frozen", isp)], cfg, "out/report_posisp")
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from ..config import QuantConfig
from .accuracy import compare_chain
from .model import FixedPOSISP


def _pngs(out: Path, stem: str, title: str, case: dict[str, Any]) -> list[str]:
    from ..report_plots import error_png, stage_histograms_png

    error_png(out / f"{stem}_error.png", case["_err8"], case["_signed8"], case["within_1lsb_8bit"], title, "float (mirror)")
    files = [f"{stem}_error.png"]
    if case["_stage_errors"]:
        stage_histograms_png(out / f"{stem}_stages.png", case["_stage_errors"], f"filter errors, fixed - float: {title}",
                             "error (chain.x LSB)", 3.0)
        files.append(f"{stem}_stages.png")
    return files


def format_markdown(cases: list[dict[str, Any]], cfg: QuantConfig) -> str:
    """The text report of :func:`run_report`'s cases."""
    lines = ["# POS-ISP quantization report", "",
             f"Config: `{cfg.source}` ({cfg.name}). Fixed point in `same` statistics mode against the float model with "
             "denoise's `mirror` border, both from the same front-end output.", "",
             "| input | checkpoint | size | order | 8-bit within +-1 LSB | max err | saturations | mirror vs circular (float) |",
             "|---|---|---|---|---|---|---|---|"]
    for c in cases:
        b = c.get("mirror_vs_circular_8bit")
        bs = f"{100 * b['within_1lsb_8bit']:.3f}% within 1, max {b['max_abs_lsb']:.0f}" if b else "no denoise"
        lines.append(f"| {c['input']} | {c['checkpoint']} | {c['size']} | {' > '.join(c['order'])} | "
                     f"{100 * c['within_1lsb_8bit']:.4f}% | {c['max_abs_lsb']:.0f} | {sum(c['overflows'].values())} | {bs} |")
    for c in cases:
        lines += ["", f"## {c['input']} / {c['checkpoint']}", "",
                  "| filter | max (LSB) | mean (LSB) | RMS (LSB) | max (output LSB) | RMS (output LSB) | SQNR (dB) | within +-1 LSB |",
                  "|---|---|---|---|---|---|---|---|"]
        for st, e in [*c["stages"].items(), ("out (8-bit)", c["out_8bit"])]:
            o_max = f"{e['max_out_lsb']:.4f}" if "max_out_lsb" in e else "-"
            o_rms = f"{e['rms_out_lsb']:.5f}" if "rms_out_lsb" in e else "-"
            lines.append(f"| {st} | {e['max_lsb']:.2f} | {e['mean_lsb']:.4f} | {e['rms_lsb']:.4f} | {o_max} | {o_rms} | "
                         f"{e['sqnr_db']:.1f} | {100 * e['within_1lsb']:.3f}% |")
        b = c.get("mirror_vs_circular_8bit")
        lines += ["", "Denoise border, float model `mirror` vs `circular` (8-bit output): " + (
            f"{100 * b['within_1lsb_8bit']:.3f}% within +-1 LSB, mean {b['mean_abs_lsb']:.4f}, max {b['max_abs_lsb']:.0f}"
            if b else "no denoise in the order"), "",
            f"Saturation/wrap counts: pixel path {c['overflows'] or 'none'}; driver {c['driver_overflows'] or 'none'}"]
    lines += ["", "LSB is that of `chain.x` (the format between filters); output LSB is 1/255; values above 1 (which the "
              "float model carries between filters) count in both. Errors include those propagated from earlier filters "
              "(both sides start from the same input and each side runs its own chain). Saturation/wrap counts are the "
              "requantizations that saturated or wrapped, in the pixel path per filter and in the driver per entry (the "
              "datapath's clamps to [0, 1] act on exact values before requantizing and are not counted). PNGs per case: `*_error.png` (8-bit error map and "
              "histogram), `*_stages.png` (per-filter histograms in chain.x LSB).", ""]
    return "\n".join(lines)


def run_report(inputs: Sequence[tuple[str, np.ndarray]], isps: Sequence[tuple[str, Any]], cfg: QuantConfig,
               out_dir: str | Path, progress: Callable[[str], None] | None = print) -> dict[str, Any]:
    """Compare every input (label, raw ``frontend.x`` (3, H, W)) with every checkpoint (label,
    golden POSISP); write report.md, report.json and PNGs to ``out_dir``; return the JSON data."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, (name, x) in enumerate(inputs):
        for j, (ck, isp) in enumerate(isps):
            t0 = time.perf_counter()
            c = compare_chain(FixedPOSISP(isp, cfg), isp, x, border_diff=True, keep_errors=True)
            stem = f"case{i}_{j}"
            c["pngs"] = _pngs(out, stem, f"{name} | {ck}", c)
            c = {"input": name, "checkpoint": ck, **{k: v for k, v in c.items() if not k.startswith("_")}}
            c["seconds"] = time.perf_counter() - t0
            cases.append(c)
            if progress:
                progress(f"[taisp report --model posisp] {name} / {ck}: {100 * c['within_1lsb_8bit']:.4f}% within +-1 LSB, "
                         f"max {c['max_abs_lsb']:.0f} ({c['seconds']:.1f} s)")
    data = {"model": "posisp", "config": str(cfg.source), "config_name": cfg.name, "cases": cases,
            "min_within_1lsb_8bit": min(c["within_1lsb_8bit"] for c in cases),
            "max_abs_lsb_8bit": max(c["max_abs_lsb"] for c in cases)}
    (out / "report.json").write_text(json.dumps(data, indent=2))
    (out / "report.md").write_text(format_markdown(cases, cfg))
    return data


__all__ = ["format_markdown", "run_report"]
