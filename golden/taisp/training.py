"""Task-aware training of TA-ISP on the built-in task, and its evaluation (the library behind
``taisp train`` and ``taisp evaluate``).

:func:`train_task` trains TA-ISP jointly with :class:`golden.task.SegNet` under the segmentation
loss only, then writes into ``--out``:

* ``taisp_w{lo}-{hi}.pth``: the ISP alone, published key layout plus ``taisp_meta`` (13 KB);
* ``taisp_w{lo}-{hi}_task.pth``: the whole task model, ISP under ``isp.``, segmenter under
  ``downstream.``, in a ``state_dict`` entry (mmdetection-like; ``load_checkpoint`` finds the ISP);
* ``taisp_w{lo}-{hi}.md`` / ``.json``: the card (command, seed, data, metrics, parameter statistics);
* ``taisp_w{lo}-{hi}_loss.png``: the training loss curve.

With ``--baseline`` it trains the same segmenter on the plain front end instead
(``baseline_frontend_task.pth`` and its card). :func:`evaluate_checkpoints` reports the task
metric of a task checkpoint in every mask mode, next to the plain front-end baseline.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..task import BANDS, EXPOSURE_RANGE, EpochLoader, SegNet, TaskData, evaluate, make_dataset, segmentation_loss
from ..train import JointModel, TrainConfig, train_joint
from .checkpoint import load_isp_state_dict, save_checkpoint
from .model import TAISP
from .rgfc import MASK_MODES


@dataclass
class TaskSettings:
    """Data and model settings of the built-in task (recorded in every card)."""

    image_size: int = 48
    train_samples: int = 4000
    val_samples: int = 600
    data_seed: int = 0
    val_seed: int = 1
    batch_size: int = 16
    segnet_width: int = 8
    exposure_range: tuple[float, float] = EXPOSURE_RANGE


def _log(msg: str) -> None:
    print(f"[taisp train] {msg}", flush=True)


def build_data(s: TaskSettings, progress: bool = True) -> tuple[TaskData, TaskData]:
    """The training and validation sets of the task (deterministic)."""
    t0 = time.perf_counter()
    train = make_dataset(s.train_samples, s.image_size, s.data_seed, s.exposure_range, progress=progress)
    val = make_dataset(s.val_samples, s.image_size, s.val_seed + 10_000, s.exposure_range)
    if progress:
        _log(f"data: {len(train)} training and {len(val)} validation frames of {s.image_size}x{s.image_size} "
             f"in {time.perf_counter() - t0:.1f} s")
    return train, val


def build_joint(weight_range: tuple[float, float] | None, s: TaskSettings) -> JointModel:
    """A fresh joint model: TA-ISP (or None for the baseline) + SegNet."""
    isp = TAISP(weight_range=weight_range) if weight_range is not None else None
    return JointModel(isp, SegNet(width=s.segnet_width))


def evaluate_all(joint: JointModel, val: TaskData, seed: int = 0) -> dict[str, dict[str, float]]:
    """mIoU per mask mode (or ``frontend`` for the baseline), each over all frames and per band."""
    if joint.isp is None:
        return {"frontend": evaluate(joint, val, None, seed=seed)}
    if not isinstance(joint.isp, TAISP):  # POS-ISP: one order and one set of parameters, no mask modes
        return {"posisp": evaluate(joint, val, None, seed=seed)}
    return {mode: evaluate(joint, val, mode, seed=seed) for mode in MASK_MODES}


def param_stats(isp: TAISP) -> dict[str, dict[str, float]]:
    return {k: {"mean": float(v.mean()), "std": float(v.std()) if v.numel() > 1 else 0.0,
                "min": float(v.min()), "max": float(v.max())} for k, v in isp.state_dict().items()}


def _stem(weight_range: tuple[float, float] | None) -> str:
    if weight_range is None:
        return "baseline_frontend"
    lo, hi = weight_range
    return f"taisp_w{lo:g}-{hi:g}"


def _card_md(card: dict[str, Any]) -> str:
    m = card["metrics"]
    bands = ["all", *BANDS]
    lines = [f"# {card['name']}", "", card["description"], "",
             f"- command: `{card['command']}`", f"- seed: {card['seed']}",
             f"- data: {json.dumps(card['data'])}", f"- training: {json.dumps(card['training'])}",
             f"- training time: {card['train_seconds']:.0f} s on {card['host']}", "",
             "## Validation mIoU", "", "| mode | " + " | ".join(bands) + " |", "|---" * (len(bands) + 1) + "|"]
    for mode, r in m.items():
        lines.append(f"| {mode} | " + " | ".join(f"{r[b]:.4f}" for b in bands) + " |")
    if card.get("parameter_stats"):
        lines += ["", "## Parameter statistics", "", "| tensor | mean | std | min | max |", "|---|---|---|---|---|"]
        for k, st in card["parameter_stats"].items():
            lines.append(f"| `{k}` | {st['mean']:.4f} | {st['std']:.4f} | {st['min']:.4f} | {st['max']:.4f} |")
    lines += ["", f"Exposure bands (scale of a white reflector to full scale): {json.dumps({k: list(v) for k, v in BANDS.items()})}.", ""]
    return "\n".join(lines)


def _loss_png(path: Path, hist) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(hist.losses, alpha=0.3, label="loss")
    ax.plot(hist.smoothed(), label="running mean (50)")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def train_task(weight_range: tuple[float, float] | None, steps: int, seed: int, out: Path,
               settings: TaskSettings = TaskSettings(), command: str | None = None,
               data: tuple[TaskData, TaskData] | None = None) -> dict[str, Any]:
    """Train one model of the built-in task, evaluate it, and write its checkpoints and card."""
    out.mkdir(parents=True, exist_ok=True)
    train, val = data if data is not None else build_data(settings)
    torch.manual_seed(seed)
    joint = build_joint(weight_range, settings)
    cfg = TrainConfig(steps=steps, seed=seed)
    what = "plain front end (baseline)" if weight_range is None else f"TA-ISP, w range {list(weight_range)}"
    _log(f"training {what} + SegNet for {steps} steps, seed {seed}")
    hist = train_joint(joint, segmentation_loss, EpochLoader(train, settings.batch_size, seed), cfg, progress=_log)
    metrics = evaluate_all(joint, val, seed)
    stem = _stem(weight_range)
    card: dict[str, Any] = {
        "name": stem,
        "description": ("TA-ISP trained jointly with a small U-Net segmenter on the built-in synthetic RAW task, "
                        "task loss (cross-entropy) only." if weight_range is not None else
                        "Baseline: the same segmenter trained on the plain front end (bilinear demosaic only, 8-bit)."),
        "command": command or "taisp train " + ("--baseline" if weight_range is None else f"--weight-range {weight_range[0]:g} {weight_range[1]:g}")
                   + f" --steps {steps} --seed {seed}",
        "seed": seed,
        "data": {**asdict(settings), "cfa": "random of RGGB/BGGR/GRBG/GBRG", "bits": 12, "black": 64, "noise": "Poisson + read 2 DN",
                 "demosaic": "bilinear", "downstream_input": "round(clamp(out,1e-6,1)*255)/255"},
        "training": {**asdict(cfg), "optimizer": "Adam, cosine decay"},
        "train_seconds": hist.seconds,
        "final_loss": float(np.mean(hist.losses[-50:])),
        "host": f"{torch.get_num_threads()} CPU threads, torch {torch.__version__}",
        "metrics": metrics,
        "parameter_stats": param_stats(joint.isp) if joint.isp is not None else {},
    }
    task_path = out / f"{stem}_task.pth"
    torch.save({"state_dict": joint.state_dict(), "meta": {"card": stem, "settings": asdict(settings),
                "weight_range": None if weight_range is None else list(weight_range)}}, task_path)
    files = [task_path.name]
    if joint.isp is not None:
        save_checkpoint(joint.isp, out / f"{stem}.pth", card=stem, task="built-in synthetic segmentation")
        files.append(f"{stem}.pth")
    (out / f"{stem}.json").write_text(json.dumps(card, indent=2))
    (out / f"{stem}.md").write_text(_card_md(card))
    _loss_png(out / f"{stem}_loss.png", hist)
    files += [f"{stem}.json", f"{stem}.md", f"{stem}_loss.png"]
    _log(f"{stem}: val mIoU " + ", ".join(f"{k} {v['all']:.4f} (dark {v['dark']:.4f})" for k, v in metrics.items()))
    _log(f"wrote {', '.join(files)} to {out}/")
    return card


def load_task_model(path: str | Path, settings: TaskSettings | None = None) -> tuple[JointModel, dict[str, Any]]:
    """Load a task checkpoint written by :func:`train_task` (or by :func:`golden.posisp.training.train_posisp_task`)."""
    p = Path(path)
    obj = torch.load(p, map_location="cpu", weights_only=True)
    meta = obj.get("meta", {})
    if meta.get("model") == "posisp":
        from ..posisp.training import load_posisp_task_model

        return load_posisp_task_model(p, settings)
    s = TaskSettings(**{k: (tuple(v) if k == "exposure_range" else v) for k, v in meta.get("settings", {}).items()}) \
        if settings is None else settings
    wr = meta.get("weight_range")
    joint = build_joint(tuple(wr) if wr else None, s)
    if wr:
        sd, _ = load_isp_state_dict(p)  # checks the ISP part like any published checkpoint
        joint.isp.load_state_dict(sd)
    joint.downstream.load_state_dict({k[len("downstream."):]: v for k, v in obj["state_dict"].items() if k.startswith("downstream.")})
    joint.eval()
    return joint, {**meta, "settings": s}


def evaluate_checkpoints(paths: list[str | Path], seed: int = 0) -> dict[str, dict[str, dict[str, float]]]:
    """Evaluate task checkpoints on the validation set of their own settings; returns {name: {mode: {band: mIoU}}}."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    cache: dict[tuple, TaskData] = {}
    for p in paths:
        joint, meta = load_task_model(p)
        s: TaskSettings = meta["settings"]
        key = (s.val_samples, s.image_size, s.val_seed, tuple(s.exposure_range))
        if key not in cache:
            cache[key] = make_dataset(s.val_samples, s.image_size, s.val_seed + 10_000, s.exposure_range)
        results[Path(p).name] = evaluate_all(joint, cache[key], seed)
    return results


def format_eval(results: dict[str, dict[str, dict[str, float]]]) -> str:
    bands = ["all", *BANDS]
    lines = [f"{'checkpoint':34s} {'mode':9s} " + " ".join(f"{b:>8s}" for b in bands)]
    for name, modes in results.items():
        for mode, r in modes.items():
            lines.append(f"{name:34s} {mode:9s} " + " ".join(f"{r[b]:8.4f}" for b in bands))
    return "\n".join(lines)
