"""``taisp run``: the main job. RAW in (a file or the built-in scene), front end, golden TA-ISP,
the fixed-point model against it, then a text report, a JSON summary and PNGs in the output folder.

It grows with the project: later stages (fixed point, RTL) add their sections here.
"""
from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from golden.taisp.checkpoint import load_checkpoint
from golden.frontend import frontend_torch
from golden.taisp.model import TAISP, detector_input
from golden.raw import RawImage, read_raw
from golden.taisp.rgfc import MASK_MODES
from golden.scene import linear_to_srgb, synthetic_raw


@dataclass
class RunOptions:
    """What ``taisp run`` does; defaults give the built-in job."""

    raw_path: str | None = None
    headerless: dict[str, Any] = field(default_factory=dict)
    scene_size: tuple[int, int] = (1920, 1080)  # width, height
    scene_cfa: str = "RGGB"
    scene_exposure: str = "normal"
    seed: int = 0
    demosaic: str = "bilinear"
    checkpoint: str | None = None  # None: the shipped trained checkpoint (DEFAULT_CHECKPOINT)
    random_init: bool = False  # untrained weights instead of a checkpoint
    trust_checkpoint: bool = False
    weight_range: tuple[float, float] | None = None
    mask_mode: str = "hard"
    out_dir: str = "out/run"


def _log(msg: str) -> None:
    print(f"[taisp run] {msg}", flush=True)


def _load_input(opt: RunOptions) -> RawImage:
    if opt.raw_path:
        return read_raw(opt.raw_path, **opt.headerless)
    w, h = opt.scene_size
    return synthetic_raw(height=h, width=w, cfa=opt.scene_cfa, exposure=opt.scene_exposure, seed=opt.seed)


from golden.taisp import DEFAULT_CHECKPOINT  # noqa: E402  (trained on the built-in task, w range [1, 4])


def _model(opt: RunOptions) -> tuple[TAISP, str]:
    if not opt.random_init:
        path = opt.checkpoint or DEFAULT_CHECKPOINT
        m = load_checkpoint(path, weight_range=opt.weight_range, trusted=opt.trust_checkpoint)
        return m, f"checkpoint {path} (prefix {m.checkpoint_info.prefix!r})"  # type: ignore[attr-defined]
    torch.manual_seed(opt.seed)
    m = TAISP(weight_range=opt.weight_range or (1.0, 3.0))
    m.eval()
    return m, f"untrained: PyTorch default initialisation, torch.manual_seed({opt.seed})"


def _fixed_point(raw: RawImage, model: TAISP, demosaic: str, golden8: np.ndarray, golden_index: np.ndarray) -> dict[str, Any]:
    """The fixed-point model (default config, ``same`` statistics) on the same RAW, against golden ``hard``."""
    from fixedpoint.config import load_config
    from fixedpoint.frontend import frontend as fixed_frontend
    from fixedpoint.taisp.model import FixedTAISP

    cfg = load_config()
    from fixedpoint.metrics import output_agreement

    res = FixedTAISP(model, cfg).frame(fixed_frontend(raw, cfg, demosaic), "same")
    agree = output_agreement(res.out, golden8, res.taps["index"], golden_index)
    return {"config": cfg.source, "within_1lsb_8bit": agree["within_1lsb_8bit"], "max_abs_lsb": agree["max_abs_lsb"],
            "region_agreement": agree["region_agreement"], "saturations": res.overflows}


def _to_u8(img: np.ndarray) -> np.ndarray:
    return np.round(np.clip(img, 0.0, 1.0) * 255.0).astype(np.uint8)


def _save_pngs(out: Path, x: torch.Tensor, taps: dict[str, torch.Tensor], y8: np.ndarray, k: int) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rgb_in = x[0].numpy()
    preview = linear_to_srgb(rgb_in / max(float(np.percentile(rgb_in, 99.5)), 1e-6))
    files = []
    plt.imsave(out / "input_preview.png", _to_u8(preview.transpose(1, 2, 0)))
    plt.imsave(out / "output.png", y8.transpose(1, 2, 0))
    files += ["input_preview.png", "output.png"]

    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    panels = [
        ("front end (linear, normalised, sRGB preview)", preview.transpose(1, 2, 0), None),
        ("xg = GLC output (display gamma)", linear_to_srgb(taps["xg"][0].numpy()).transpose(1, 2, 0), None),
        ("A = HSA attention map", taps["A"][0, 0].numpy(), "viridis"),
        ("region index argmax L", taps["index"][0].numpy(), "tab20"),
        ("out (TA-ISP output)", taps["out"][0].numpy().transpose(1, 2, 0), None),
        ("histogram of out (8-bit)", None, None),
    ]
    for ax, (title, img, cmap) in zip(axes.flat, panels):
        ax.set_title(title, fontsize=10)
        if img is None:
            for c, col in enumerate("rgb"):
                ax.hist(y8[c].ravel(), bins=256, range=(0, 256), color=col, alpha=0.5, histtype="stepfilled")
            ax.set_xlabel("8-bit value")
            continue
        if cmap == "tab20":
            im = ax.imshow(img, cmap=cmap, vmin=-0.5, vmax=k - 0.5, interpolation="nearest")
            fig.colorbar(im, ax=ax, fraction=0.03)
        elif cmap:
            im = ax.imshow(img, cmap=cmap, vmin=0, vmax=1)
            fig.colorbar(im, ax=ax, fraction=0.03)
        else:
            ax.imshow(np.clip(img, 0, 1))
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(out / "stages.png", dpi=90)
    plt.close(fig)
    files.append("stages.png")
    return files


def run(opt: RunOptions) -> dict[str, Any]:
    """Run the main job; returns the summary also written to ``summary.json``."""
    if opt.mask_mode not in MASK_MODES:
        raise ValueError(f"unknown mask mode {opt.mask_mode!r}; choose one of {', '.join(MASK_MODES)}")
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
    _log(f"front end: {opt.demosaic} -> {x.shape[3]}x{x.shape[2]} linear RGB")

    model, weights_desc = _model(opt)
    _log(f"model: {weights_desc}; mask mode {opt.mask_mode}")
    gen = torch.Generator().manual_seed(opt.seed)
    with torch.no_grad():
        t0 = time.perf_counter()
        y, taps = model(x, mask_mode=opt.mask_mode, taps=True, generator=gen)
        timings["model_s"] = time.perf_counter() - t0
        _log(f"model done in {timings['model_s']:.2f} s; comparing mask modes")
        modes = {}
        y8_ref = detector_input(y, round_to_int=True)
        for mode in MASK_MODES:
            if mode == opt.mask_mode:
                continue
            ym = model(x, mask_mode=mode, generator=torch.Generator().manual_seed(opt.seed))
            d = (detector_input(ym, round_to_int=True) - y8_ref).abs()
            modes[mode] = {"max_abs_lsb": float(d.max()), "mean_abs_lsb": float(d.mean())}

    t0 = time.perf_counter()
    with torch.no_grad():
        hard8 = y8_ref if opt.mask_mode == "hard" else detector_input(model(x, mask_mode="hard"), round_to_int=True)
    fixed = _fixed_point(raw, model, opt.demosaic, hard8[0].numpy(), taps["index"][0].numpy())
    timings["fixed_point_s"] = time.perf_counter() - t0
    _log(f"fixed point: {100 * fixed['within_1lsb_8bit']:.4f}% of 8-bit values within +-1 LSB of golden hard, "
         f"regions {100 * fixed['region_agreement']:.4f}%")
    y8 = detector_input(y, round_to_int=True)[0].numpy().astype(np.uint8)
    k = model.num_masks
    counts = np.bincount(taps["index"][0].numpy().ravel(), minlength=k)
    summary: dict[str, Any] = {
        "input": raw.metadata(),
        "frontend": {"demosaic": opt.demosaic, "width": int(x.shape[3]), "height": int(x.shape[2]),
                     "mean_rgb": [float(v) for v in x[0].mean(dim=(1, 2))]},
        "model": {"weights": weights_desc, "parameters": model.num_parameters(), "weight_range": list(model.weight_range),
                  "tau": model.tau, "mask_mode": opt.mask_mode},
        "taps": {
            "stats": [float(v) for v in taps["stats"][0]],
            "alpha": [float(v) for v in taps["alpha"][0]],
            "gate": [float(v) for v in taps["gate"][0]],
            "A": {"min": float(taps["A"].min()), "mean": float(taps["A"].mean()), "max": float(taps["A"].max())},
            "p": [float(v) for v in taps["p"][0]],
            "w": [float(v) for v in taps["w"][0]],
            "region_share": [float(c) / counts.sum() for c in counts],
        },
        "output": {"mean_rgb_8bit": [float(v) for v in y8.reshape(3, -1).mean(axis=1)]},
        "mask_modes_vs_" + opt.mask_mode: modes,
        "fixed_point": fixed,
        "timings": timings,
        "host": {"python": platform.python_version(), "torch": torch.__version__, "threads": torch.get_num_threads()},
    }
    files = _save_pngs(out, x, taps, y8, k)
    summary["files"] = files + ["report.txt", "summary.json"]
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "report.txt").write_text(format_report(summary))
    _log(f"wrote {', '.join(summary['files'])} to {out}/")
    return summary


def _fmt(vals: list[float], nd: int = 4) -> str:
    return "[" + ", ".join(f"{v:.{nd}f}" for v in vals) + "]"


def format_report(s: dict[str, Any]) -> str:
    """The text report of a run summary."""
    i, f, m, t = s["input"], s["frontend"], s["model"], s["taps"]
    top = sorted(range(len(t["region_share"])), key=lambda k: -t["region_share"][k])[:4]
    mode_key = next(k for k in s if k.startswith("mask_modes_vs_"))
    lines = [
        "TA-ISP run report",
        "=================",
        f"input      : {i['source']}",
        f"             {i['width']}x{i['height']} {i['bits']}-bit {i['cfa']}, black {i['black']}, white {i['white']:.0f}, camera {i['camera']}",
        f"front end  : {f['demosaic']} -> {f['width']}x{f['height']}, mean linear RGB {_fmt(f['mean_rgb'])}",
        f"model      : {m['parameters']} parameters, w range {m['weight_range']}, mask mode {m['mask_mode']}",
        f"weights    : {m['weights']}",
        "",
        "GLC   stats [mu_R mu_G mu_B v_R v_G v_B] " + _fmt(t["stats"], 5),
        "      alpha " + _fmt(t["alpha"]),
        "HSA   gate  " + _fmt(t["gate"]) + f"   A min/mean/max {t['A']['min']:.4f}/{t['A']['mean']:.4f}/{t['A']['max']:.4f}",
        "RGFC  w     " + _fmt(t["w"], 3),
        "      busiest regions " + ", ".join(f"k={k}: {100 * t['region_share'][k]:.1f}%" for k in top),
        "",
        f"output mean (8-bit) {_fmt(s['output']['mean_rgb_8bit'], 2)}",
        f"other mask modes vs {m['mask_mode']} (8-bit output, LSB):",
    ]
    for mode, d in s[mode_key].items():
        lines.append(f"  {mode:9s} max {d['max_abs_lsb']:6.1f}  mean {d['mean_abs_lsb']:7.3f}")
    fx = s["fixed_point"]
    lines += ["", f"fixed point (default config, same-frame statistics) vs golden hard: "
              f"{100 * fx['within_1lsb_8bit']:.4f}% of 8-bit values within +-1 LSB (max {fx['max_abs_lsb']:.0f}), "
              f"region agreement {100 * fx['region_agreement']:.4f}%"]
    tm = s["timings"]
    lines += ["", "time: read {read_s:.2f} s, front end {frontend_s:.2f} s, model {model_s:.2f} s, "
              "fixed point {fixed_point_s:.2f} s".format(**tm), ""]
    return "\n".join(lines)
