"""``taisp run --model posisp``: RAW in (a file or the built-in scene), front end, golden POS-ISP,
then a text report (the order, the 27 parameters in their ranges, the denoise border difference),
a JSON summary and PNGs (the chain filter by filter, the output) in the output folder.
"""
from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from golden.frontend import frontend_torch
from golden.posisp import DEFAULT_CHECKPOINT, POSISP, load_posisp_checkpoint
from golden.posisp.filters import FILTER_NAMES, PARAM_MEANING, PARAM_RANGES, PARAM_SLICES, mapped
from golden.posisp.model import detector_input
from golden.scene import linear_to_srgb

from .run import RunOptions, _load_input, _to_u8


def _log(msg: str) -> None:
    print(f"[taisp run --model posisp] {msg}", flush=True)


def _model(opt: RunOptions, border: str) -> tuple[POSISP, str]:
    if not opt.random_init:
        path = opt.checkpoint or DEFAULT_CHECKPOINT
        return load_posisp_checkpoint(path, denoise_border=border), f"checkpoint {path}"
    torch.manual_seed(opt.seed)
    m = POSISP(denoise_border=border)
    m.eval()
    return m, f"untrained: PyTorch default initialisation, torch.manual_seed({opt.seed})"


def _chain_png(path: Path, x: torch.Tensor, stages: list[tuple[str, torch.Tensor]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("input (front end, linear, clamped)", x)] + [(f"{i + 1}. after {n}", y) for i, (n, y) in enumerate(stages)]
    cols = min(4, len(panels))
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 2.8 * rows + 0.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, (title, img) in zip(axes.flat, panels):
        a = img[0].numpy().transpose(1, 2, 0)
        ax.imshow(np.clip(a, 0, 1))
        ax.set_title(f"{title}\nmax {a.max():.3f}, mean {a.mean():.3f}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def params_table(p: torch.Tensor) -> list[dict[str, Any]]:
    """The 27 raw parameters of one frame and their values mapped into each filter's range."""
    rows = []
    for name in FILTER_NAMES:
        sl = PARAM_SLICES[name]
        for j in range(sl.start, sl.stop):
            raw = p[j]
            rows.append({"index": j, "filter": name, "k": j - sl.start, "raw": float(raw),
                         "value": float(mapped(name, raw)), "range": list(PARAM_RANGES[name]),
                         "meaning": PARAM_MEANING[name]})
    return rows


def run_posisp(opt: RunOptions, denoise_border: str = "circular") -> dict[str, Any]:
    out = Path(opt.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    raw = _load_input(opt)
    timings["read_s"] = time.perf_counter() - t0
    _log(f"input: {raw.source} ({raw.width}x{raw.height}, {raw.bits}-bit {raw.cfa})")
    t0 = time.perf_counter()
    x = frontend_torch(raw, opt.demosaic)
    timings["frontend_s"] = time.perf_counter() - t0
    model, desc = _model(opt, denoise_border)
    order = model.sequence()
    _log(f"model: {desc}; order {' -> '.join(order) or '(no filter)'}; denoise border {denoise_border}")
    with torch.no_grad():
        t0 = time.perf_counter()
        y, taps = model(x, taps=True)
        timings["model_s"] = time.perf_counter() - t0
        p = taps["params"][0]
        border_diff = None
        if "denoise" in order:  # the published circular border against the streaming mirror border
            other = "mirror" if denoise_border == "circular" else "circular"
            model.denoise_border = other
            y2 = model.run_chain(x, taps["params"])
            model.denoise_border = denoise_border
            d = (torch.round(detector_input(y) * 255) - torch.round(detector_input(y2) * 255)).abs()
            border_diff = {"other": other, "max_abs_lsb": float(d.max()), "mean_abs_lsb": float(d.mean()),
                           "share_differing": float((d > 0).float().mean())}
    y8 = _to_u8(detector_input(y)[0].numpy()).transpose(1, 2, 0)
    rgb_in = x[0].numpy()
    preview = linear_to_srgb(rgb_in / max(float(np.percentile(rgb_in, 99.5)), 1e-6))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.imsave(out / "input_preview.png", _to_u8(preview.transpose(1, 2, 0)))
    plt.imsave(out / "output.png", y8)
    stages = taps["stages"]
    if x.shape[2] * x.shape[3] > 640 * 360:  # the chain figure at a viewable size
        step = max(1, int(np.ceil(max(x.shape[2] / 360, x.shape[3] / 640))))
        xs, stages = x[..., ::step, ::step], [(n, s[..., ::step, ::step]) for n, s in stages]
    else:
        xs = x
    _chain_png(out / "chain.png", xs, stages)
    summary: dict[str, Any] = {
        "input": raw.metadata(),
        "frontend": {"demosaic": opt.demosaic, "width": int(x.shape[3]), "height": int(x.shape[2]),
                     "mean_rgb": [float(v) for v in x[0].mean(dim=(1, 2))]},
        "model": {"name": "posisp", "weights": desc, "parameters": sum(q.numel() for q in model.parameters()),
                  "denoise_border": denoise_border},
        "sequence": order,
        "params": params_table(p),
        "stages": [{"filter": n, "min": float(s.min()), "mean": float(s.mean()), "max": float(s.max())} for n, s in taps["stages"]],
        "denoise_border_difference": border_diff,
        "output": {"mean_rgb_8bit": [float(v) for v in y8.reshape(-1, 3).mean(axis=0)], "max": float(y.max())},
        "timings": timings,
        "host": {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads()},
        "files": ["input_preview.png", "output.png", "chain.png", "report.txt", "summary.json"],
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "report.txt").write_text(format_report(summary))
    _log(f"wrote {', '.join(summary['files'])} to {out}/")
    return summary


def format_report(s: dict[str, Any]) -> str:
    i, f, m = s["input"], s["frontend"], s["model"]
    lines = [
        "POS-ISP run report", "==================",
        f"input      : {i['source']}",
        f"             {i['width']}x{i['height']} {i['bits']}-bit {i['cfa']}, black {i['black']}, white {i['white']:.0f}",
        f"front end  : {f['demosaic']} -> {f['width']}x{f['height']}, mean linear RGB "
        + "[" + ", ".join(f"{v:.4f}" for v in f["mean_rgb"]) + "]",
        f"model      : {m['parameters']} parameters, denoise border {m['denoise_border']}",
        f"weights    : {m['weights']}",
        "", "order      : " + (" -> ".join(s["sequence"]) or "(no filter: output = input)"), "",
        "parameters (27, published layout; raw in (0,1), value mapped into the filter's range):",
        f"  {'#':>2s} {'filter':10s} {'k':>1s} {'raw':>8s} {'value':>10s}   range            meaning",
    ]
    used = set(s["sequence"])
    for r in s["params"]:
        lines.append(f"  {r['index']:2d} {r['filter']:10s} {r['k']:1d} {r['raw']:8.4f} {r['value']:10.4f}   "
                     f"[{r['range'][0]:7.4g}, {r['range'][1]:6.4g}]  {r['meaning']}" + ("" if r["filter"] in used else "  (not in the chain)"))
    lines += ["", "chain (values after each filter; no clamp between filters beyond each filter's own):"]
    for st in s["stages"]:
        lines.append(f"  {st['filter']:10s} min {st['min']:8.4f}  mean {st['mean']:8.4f}  max {st['max']:8.4f}")
    bd = s["denoise_border_difference"]
    if bd:
        lines += ["", f"denoise border {m['denoise_border']} vs {bd['other']} (8-bit detector input): max {bd['max_abs_lsb']:.0f} LSB, "
                  f"mean {bd['mean_abs_lsb']:.4f} LSB, {100 * bd['share_differing']:.3f}% of values differ"]
    lines += ["", "output mean (8-bit) [" + ", ".join(f"{v:.2f}" for v in s["output"]["mean_rgb_8bit"]) + f"], max before the detector clamp {s['output']['max']:.4f}",
              "", "time: read {read_s:.2f} s, front end {frontend_s:.2f} s, model {model_s:.2f} s".format(**s["timings"]), ""]
    return "\n".join(lines)
