"""Training POS-ISP on the built-in task with the published rule (design note section 4), and
its evaluation (the library behind ``taisp train --model posisp``).

One step on a batch (x, target):

* the sequence agent samples one order per frame at temperature
  ``T = floor + amp * exp(-ln 2 * step / half_life)`` (published: 0.2, 2.3, 3000); the parameter
  agent predicts the 27 parameters from x; each frame goes through its own chain (frames with
  the same order are batched together);
* the downstream model (a :class:`golden.task.SegNet`) sees the 8-bit image of the input and of
  the output (:func:`golden.train.quantize8_ste`, as for TA-ISP and the baseline), and the
  terminal reward per frame is ``r = clip(L(input), 0, 1) - clip(L(output), 0, 1) - penalty``
  with ``L`` the frame's mean cross-entropy and
  ``penalty = 10 (100 max(0, 0.01 - m) + max(0, m - 0.9))``, m the mean of the chain's output;
* the parameter agent minimises ``-mean(r)`` through the differentiable filters (Adam, lr 1e-4),
  the sequence agent minimises ``mean(sum log p(chosen tokens) * (-r))`` (REINFORCE, Adam, lr 1e-5).

Modes: ``frozen`` (published: the downstream model is fixed, here the shipped front-end baseline
segmenter) and ``joint`` (the segmenter is trained at the same time under its task loss on the
POS-ISP output, as TA-ISP's was; ``L(input)`` is then taken with the segmenter in eval mode).
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..task import BANDS, EpochLoader, SegNet, TaskData, evaluate, make_dataset
from ..train import JointModel, quantize8_ste, seed_everything
from ..taisp import CHECKPOINT_DIR as TAISP_CHECKPOINT_DIR
from .checkpoint import load_posisp_state_dict, save_posisp_checkpoint
from .filters import FILTER_NAMES, PARAM_RANGES, PARAM_SLICES, mapped
from .model import POSISP

#: The frozen downstream model of the default mode: the segmenter trained on the plain front end.
BASELINE_TASK_CHECKPOINT: Path = TAISP_CHECKPOINT_DIR / "baseline_frontend_task.pth"
MODES = ("frozen", "joint")


@dataclass
class PosispTrainConfig:
    """Settings of :func:`train_posisp`; the defaults are the published ones where it has any."""

    steps: int = 3000
    mode: str = "frozen"
    lr_params: float = 1e-4  # published
    lr_sequence: float = 1e-5  # published
    lr_downstream: float = 2e-3  # joint mode (TA-ISP's)
    temp_floor: float = 0.2  # published T = 0.2 + 2.3 exp(-ln2 step / 3000)
    temp_amp: float = 2.3
    temp_half_life: float = 3000.0
    penalty_weight: float = 10.0
    penalty_low: float = 0.01
    penalty_high: float = 0.9
    downstream_init: str = "baseline"  # joint mode: "baseline" (the shipped segmenter) or "scratch"
    seed: int = 0
    log_every: int = 50

    def temperature(self, step: int) -> float:
        return self.temp_floor + self.temp_amp * math.exp(-math.log(2.0) * step / self.temp_half_life)


@dataclass
class PosispHistory:
    """Per-step records of a run."""

    loss: list[float] = field(default_factory=list)  # -mean(r): the parameter agent's loss
    reward: list[float] = field(default_factory=list)  # mean(r)
    seq_loss: list[float] = field(default_factory=list)  # REINFORCE surrogate
    task_in: list[float] = field(default_factory=list)  # mean L(input)
    task_out: list[float] = field(default_factory=list)  # mean L(output)
    penalty: list[float] = field(default_factory=list)
    temperature: list[float] = field(default_factory=list)
    greedy: list[tuple[int, list[str]]] = field(default_factory=list)  # (step, argmax order)
    seconds: float = 0.0

    @staticmethod
    def smooth(v: list[float], window: int = 50) -> list[float]:
        out, acc = [], 0.0
        for i, a in enumerate(v):
            acc += a
            if i >= window:
                acc -= v[i - window]
            out.append(acc / min(i + 1, window))
        return out


def per_frame_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean pixel cross-entropy per frame, (B,)."""
    return F.cross_entropy(pred, target, reduction="none").mean(dim=(1, 2))


def brightness_penalty(out: torch.Tensor, cfg: PosispTrainConfig) -> torch.Tensor:
    m = out.mean(dim=(1, 2, 3))
    return cfg.penalty_weight * (100.0 * torch.relu(cfg.penalty_low - m) + torch.relu(m - cfg.penalty_high))


def run_sequences(model: POSISP, x: torch.Tensor, params: torch.Tensor, seqs: list[list[int]]) -> torch.Tensor:
    """Each frame through its own order; frames sharing an order are batched. Differentiable."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, s in enumerate(seqs):
        groups.setdefault(tuple(s), []).append(i)
    outs, index = [], []
    for seq, idx in groups.items():
        t = torch.tensor(idx, dtype=torch.long)
        outs.append(model.run_chain(x[t], params[t], order=list(seq)))
        index += idx
    y = torch.cat(outs, dim=0)
    inv = torch.empty(len(index), dtype=torch.long)
    inv[torch.tensor(index)] = torch.arange(len(index))
    return y[inv]


def posisp_step(model: POSISP, downstream: nn.Module, x: torch.Tensor, target: torch.Tensor,
                cfg: PosispTrainConfig, step: int, generator: torch.Generator | None = None
                ) -> dict[str, Any]:
    """Losses of one step (not yet backpropagated): ``loss_params``, ``loss_seq``, ``loss_down`` and scalars."""
    temp = cfg.temperature(step)
    was_training = downstream.training
    with torch.no_grad():
        downstream.eval()
        l_in = per_frame_loss(downstream(quantize8_ste(x)), target)
        downstream.train(was_training)
    seqs, logp = model.action_agent.sample(x.shape[0], temp, generator)
    params = model.predict_params(x)
    out = run_sequences(model, x, params, seqs)
    l_out = per_frame_loss(downstream(quantize8_ste(out)), target)
    pen = brightness_penalty(out, cfg)
    r = torch.clamp(l_in, 0.0, 1.0) - torch.clamp(l_out, 0.0, 1.0) - pen
    return {
        "loss_params": -r.mean(), "loss_seq": (logp * (-r.detach())).mean(), "loss_down": l_out.mean(),
        "reward": float(r.detach().mean()), "task_in": float(l_in.mean()),
        "task_out": float(l_out.detach().mean()), "penalty": float(pen.detach().mean()), "temperature": temp, "seqs": seqs,
    }


def load_baseline_segmenter(path: str | Path = BASELINE_TASK_CHECKPOINT, width: int | None = None) -> SegNet:
    """The segmenter of a task checkpoint (default: the shipped front-end baseline), eval mode."""
    obj = torch.load(Path(path), map_location="cpu", weights_only=True)
    sd = {k[len("downstream."):]: v for k, v in obj["state_dict"].items() if k.startswith("downstream.")}
    w = width or int(obj.get("meta", {}).get("settings", {}).get("segnet_width", 8))
    net = SegNet(width=w)
    net.load_state_dict(sd)
    net.eval()
    return net


def train_posisp(model: POSISP, downstream: nn.Module, loader, cfg: PosispTrainConfig = PosispTrainConfig(),
                 progress: Callable[[str], None] | None = print) -> PosispHistory:
    """Train ``model`` (and ``downstream`` in ``joint`` mode) with the published rule; deterministic for a seed."""
    if cfg.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {cfg.mode!r}")
    seed_everything(cfg.seed)
    joint = cfg.mode == "joint"
    opt_p = torch.optim.Adam(model.param_net.parameters(), lr=cfg.lr_params)
    opt_s = torch.optim.Adam(model.action_agent.parameters(), lr=cfg.lr_sequence)
    p_params = list(model.param_net.parameters())
    s_params = list(model.action_agent.parameters())
    d_params = list(downstream.parameters())
    opt_d = torch.optim.Adam(d_params, lr=cfg.lr_downstream) if joint else None
    sched_d = torch.optim.lr_scheduler.LambdaLR(
        opt_d, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, cfg.steps) / cfg.steps))) if joint else None
    for p in d_params:
        p.requires_grad_(joint)
    downstream.train(joint)
    model.train()
    gen = torch.Generator().manual_seed(cfg.seed)
    hist = PosispHistory()
    t0 = time.perf_counter()
    step = 0
    while step < cfg.steps:
        n_batches = 0
        for x, target in loader:
            n_batches += 1
            res = posisp_step(model, downstream, x, target, cfg, step, gen)
            if not math.isfinite(float(res["loss_params"].detach())):
                raise FloatingPointError(f"training diverged at step {step}: loss {float(res['loss_params'])}")
            if res["loss_params"].requires_grad:
                g_p = torch.autograd.grad(res["loss_params"], p_params, retain_graph=True, allow_unused=True)
            else:  # every frame drew the empty order: the parameters played no part
                g_p = None
            g_s = torch.autograd.grad(res["loss_seq"], s_params, retain_graph=joint, allow_unused=True)
            g_d = torch.autograd.grad(res["loss_down"], d_params, allow_unused=True) if joint else None
            for ps, gs in ((p_params, g_p), (s_params, g_s), (d_params, g_d)):
                if gs is None:
                    continue
                for p, g in zip(ps, gs):
                    p.grad = None if g is None else g
            opt_p.step()
            opt_s.step()
            if joint:
                opt_d.step()
                sched_d.step()
            hist.loss.append(float(res["loss_params"].detach()))
            hist.seq_loss.append(float(res["loss_seq"].detach()))
            for k in ("reward", "task_in", "task_out", "penalty", "temperature"):
                getattr(hist, k).append(res[k])
            step += 1
            if step % cfg.log_every == 0 or step == cfg.steps:
                order = [FILTER_NAMES[i] for i in model.action_agent.greedy()]
                hist.greedy.append((step, order))
                if progress:
                    el = time.perf_counter() - t0
                    progress(f"step {step}/{cfg.steps}  loss {np.mean(hist.loss[-cfg.log_every:]):.4f}  reward "
                             f"{np.mean(hist.reward[-cfg.log_every:]):.4f}  L_out {np.mean(hist.task_out[-cfg.log_every:]):.4f}"
                             f"  T {res['temperature']:.3f}  order {','.join(order) or '(none)'}  "
                             f"{el:.0f} s elapsed, ~{el / step * (cfg.steps - step):.0f} s left")
            if step >= cfg.steps:
                break
        if n_batches == 0:
            raise ValueError("the training loader yielded no batches")
    hist.seconds = time.perf_counter() - t0
    for p in d_params:
        p.requires_grad_(True)
    model.eval()
    downstream.eval()
    return hist


# -- the built-in task: training runs, cards, evaluation -----------------------------------------

def _log(msg: str) -> None:
    print(f"[taisp train --model posisp] {msg}", flush=True)


def param_statistics(model: POSISP, data: TaskData, batch_size: int = 100) -> list[dict[str, Any]]:
    """The 27 parameters over a data set: raw (0, 1) and mapped into each filter's range."""
    with torch.no_grad():
        p = torch.cat([model.predict_params(data.x[i:i + batch_size]) for i in range(0, len(data), batch_size)])
    rows = []
    for name in FILTER_NAMES:
        sl = PARAM_SLICES[name]
        for j in range(sl.start, sl.stop):
            raw = p[:, j]
            m = mapped(name, raw)
            rows.append({"index": j, "filter": name, "k": j - sl.start, "range": list(PARAM_RANGES[name]),
                         "raw_mean": float(raw.mean()), "mapped_mean": float(m.mean()), "mapped_std": float(m.std()),
                         "mapped_min": float(m.min()), "mapped_max": float(m.max())})
    return rows


def evaluate_posisp(joint: JointModel, val: TaskData, seed: int = 0) -> dict[str, dict[str, float]]:
    """Validation mIoU (all frames and per band) under the model's own (argmax) order."""
    return {"posisp": evaluate(joint, val, None, seed=seed)}


def _curves_png(path: Path, hist: PosispHistory) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 3.6))
    sm = PosispHistory.smooth
    axes[0].plot(hist.loss, alpha=0.25, label="-mean(r) (parameter agent loss)")
    axes[0].plot(sm(hist.loss), label="running mean (50)")
    axes[0].set_title("loss")
    axes[1].plot(sm(hist.reward), label="mean reward r")
    axes[1].plot(sm(hist.task_in), label="L(input)")
    axes[1].plot(sm(hist.task_out), label="L(output)")
    axes[1].plot(sm(hist.penalty), label="brightness penalty")
    axes[1].set_title("reward and task loss (running mean 50)")
    axes[2].plot(hist.temperature, label="temperature")
    axes[2].plot(sm(hist.seq_loss), label="REINFORCE surrogate (mean 50)")
    axes[2].set_title("sequence agent")
    for ax in axes:
        ax.set_xlabel("step")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _card_md(card: dict[str, Any]) -> str:
    bands = ["all", *BANDS]
    lines = [f"# {card['name']}", "", card["description"], "",
             f"- command: `{card['command']}`", f"- seed: {card['seed']}",
             f"- data: {json.dumps(card['data'])}", f"- training: {json.dumps(card['training'])}",
             f"- training time: {card['train_seconds']:.0f} s on {card['host']}",
             f"- final loss (-mean r, last 50 steps): {card['final_loss']:.4f}; final mean reward {card['final_reward']:.4f}",
             "", "## Learned order", "", " -> ".join(card["sequence"]) or "(no filter)", "",
             "Argmax order during training: " + "; ".join(f"{s}: {','.join(o) or '-'}" for s, o in card["order_history"]),
             "", "## Validation mIoU", "", "| model | " + " | ".join(bands) + " |", "|---" * (len(bands) + 1) + "|"]
    for mode, r in card["metrics"].items():
        lines.append(f"| {mode} | " + " | ".join(f"{r[b]:.4f}" for b in bands) + " |")
    lines += ["", "## Parameter statistics (validation set, mapped into each filter's range)", "",
              "| # | filter | k | range | raw mean | mean | std | min | max |", "|---|---|---|---|---|---|---|---|---|"]
    for r in card["param_stats"]:
        lines.append(f"| {r['index']} | {r['filter']} | {r['k']} | [{r['range'][0]:.4g}, {r['range'][1]:.4g}] | "
                     f"{r['raw_mean']:.4f} | {r['mapped_mean']:.4f} | {r['mapped_std']:.4f} | {r['mapped_min']:.4f} | {r['mapped_max']:.4f} |")
    lines += ["", f"Curves: `{card['name']}_curves.png` (loss, reward and task losses, temperature).",
              f"Exposure bands (scale of a white reflector to full scale): {json.dumps({k: list(v) for k, v in BANDS.items()})}.", ""]
    return "\n".join(lines)


def train_posisp_task(mode: str, steps: int, seed: int, out: Path, settings=None, command: str | None = None,
                      data: tuple[TaskData, TaskData] | None = None, cfg: PosispTrainConfig | None = None,
                      name: str | None = None) -> dict[str, Any]:
    """Train POS-ISP on the built-in task in ``mode``, evaluate it, write checkpoints, card and curves."""
    from ..taisp.training import TaskSettings, build_data

    settings = settings or TaskSettings()
    out.mkdir(parents=True, exist_ok=True)
    train, val = data if data is not None else build_data(settings)
    cfg = cfg or PosispTrainConfig(steps=steps, seed=seed, mode=mode)
    torch.manual_seed(seed)
    model = POSISP()
    if mode == "joint" and cfg.downstream_init == "scratch":
        downstream: nn.Module = SegNet(width=settings.segnet_width)
    else:
        downstream = load_baseline_segmenter(width=settings.segnet_width)
    _log(f"training POS-ISP ({mode} segmenter) for {steps} steps, seed {seed}, {torch.get_num_threads()} thread(s)")
    hist = train_posisp(model, downstream, EpochLoader(train, settings.batch_size, seed), cfg, progress=_log)
    joint = JointModel(model, downstream)
    metrics = evaluate_posisp(joint, val, seed)
    stem = name or f"posisp_{mode}"
    card: dict[str, Any] = {
        "name": stem,
        "model": "posisp",
        "description": ("POS-ISP trained on the built-in synthetic RAW task with the published rule (REINFORCE with "
                        "annealed temperature for the order, gradients through the filters for the parameters, "
                        "terminal reward from the task loss before/after, brightness penalty); downstream segmenter "
                        + ("frozen: the shipped front-end baseline (golden/taisp/checkpoints/baseline_frontend_task.pth)."
                           if mode == "frozen" else
                           f"trained jointly (initialised from {'the shipped front-end baseline' if cfg.downstream_init == 'baseline' else 'scratch'}).")),
        "command": command or f"taisp train --model posisp --posisp-mode {mode} --steps {steps} --seed {seed}",
        "seed": seed,
        "data": {**asdict(settings), "cfa": "random of RGGB/BGGR/GRBG/GBRG", "bits": 12, "black": 64,
                 "noise": "Poisson + read 2 DN", "demosaic": "bilinear",
                 "downstream_input": "round(clamp(out,1e-6,1)*255)/255"},
        "training": {**asdict(cfg), "optimizer": "Adam (parameter agent, sequence agent"
                     + (", segmenter with cosine decay)" if mode == "joint" else ")")},
        "train_seconds": hist.seconds,
        "final_loss": float(np.mean(hist.loss[-50:])),
        "final_reward": float(np.mean(hist.reward[-50:])),
        "host": f"{torch.get_num_threads()} CPU threads, torch {torch.__version__}",
        "sequence": model.sequence(),
        "order_history": [[s, o] for s, o in hist.greedy[:: max(1, len(hist.greedy) // 12)]] + [list(hist.greedy[-1])],
        "metrics": metrics,
        "param_stats": param_statistics(model, val),
    }
    task_path = out / f"{stem}_task.pth"
    torch.save({"state_dict": joint.state_dict(),
                "meta": {"model": "posisp", "card": stem, "mode": mode, "settings": asdict(settings)}}, task_path)
    save_posisp_checkpoint(model, out / f"{stem}.pth", iteration=steps, card=stem, mode=mode,
                           task="built-in synthetic segmentation")
    (out / f"{stem}.json").write_text(json.dumps(card, indent=2))
    (out / f"{stem}.md").write_text(_card_md(card))
    _curves_png(out / f"{stem}_curves.png", hist)
    _log(f"{stem}: order {' -> '.join(card['sequence']) or '(none)'}; val mIoU {metrics['posisp']['all']:.4f} "
         f"(dark {metrics['posisp']['dark']:.4f}); wrote {stem}.pth, {stem}_task.pth, .json, .md, _curves.png to {out}/")
    return card


def load_posisp_task_model(path: str | Path, settings=None) -> tuple[JointModel, dict[str, Any]]:
    """Load a POS-ISP task checkpoint written by :func:`train_posisp_task`."""
    from ..taisp.training import TaskSettings

    p = Path(path)
    obj = torch.load(p, map_location="cpu", weights_only=True)
    meta = obj.get("meta", {})
    s = TaskSettings(**{k: (tuple(v) if k == "exposure_range" else v) for k, v in meta.get("settings", {}).items()}) \
        if settings is None else settings
    sd, _ = load_posisp_state_dict(p)
    model = POSISP()
    model.load_state_dict(sd)
    seg = SegNet(width=s.segnet_width)
    seg.load_state_dict({k[len("downstream."):]: v for k, v in obj["state_dict"].items() if k.startswith("downstream.")})
    joint = JointModel(model, seg)
    joint.eval()
    return joint, {**meta, "settings": s}


__all__ = [
    "BASELINE_TASK_CHECKPOINT", "MODES", "PosispHistory", "PosispTrainConfig", "brightness_penalty",
    "evaluate_posisp", "load_baseline_segmenter", "load_posisp_task_model", "param_statistics",
    "per_frame_loss", "posisp_step", "run_sequences", "train_posisp", "train_posisp_task",
]
