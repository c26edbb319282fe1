"""Task-aware training of TA-ISP jointly with any downstream model, under a task loss only.

As in the paper, there is no image-reconstruction loss: the ISP learns whatever helps the
downstream task. The downstream model receives what a detector receives from the published
ISP, ``round(clamp(out, 1e-6, 1) * 255) / 255`` (the 8-bit image), with a straight-through
gradient through the rounding (:func:`quantize8_ste`).

    from golden.train import JointModel, TrainConfig, train_joint
    joint = JointModel(TAISP(weight_range=(1, 4)), my_segmenter)
    history = train_joint(joint, loss_fn, loader, TrainConfig(steps=2000, seed=0))
    save_checkpoint(joint.isp, "isp.pth")      # the published key layout

``loader`` is any iterable of ``(x, target)`` batches, x a (B, 3, H, W) linear RGB tensor in
[0, 1]; it is cycled until ``steps`` optimiser steps are done. ``loss_fn(prediction, target)``
returns a scalar tensor. Passing ``isp=None`` trains the downstream model on the plain front
end (the paper's baseline), with the same 8-bit quantisation.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np
import torch
from torch import nn

from .taisp.glc import EPS
from .taisp.model import TAISP


def quantize8_ste(v: torch.Tensor) -> torch.Tensor:
    """``round(clamp(v, 1e-6, 1) * 255) / 255`` forward; gradient of ``clamp(v, 1e-6, 1)`` backward."""
    c = torch.clamp(v, EPS, 1.0)
    return c + (torch.round(c * 255.0) / 255.0 - c).detach()


class JointModel(nn.Module):
    """ISP (or none: the plain front end) followed by a downstream model on the 8-bit image.

    Its state dict holds the ISP under ``isp.`` and the downstream model under ``downstream.``,
    so :func:`golden.taisp.checkpoint.load_checkpoint` finds the ISP in a saved joint model.
    """

    def __init__(self, isp: TAISP | None, downstream: nn.Module, quantize: bool = True) -> None:
        super().__init__()
        self.isp = isp
        self.downstream = downstream
        self.quantize = quantize

    def isp_output(self, x: torch.Tensor, mask_mode: str | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        """The image the downstream model sees, (B, 3, H, W) in [0, 1] (8-bit steps if ``quantize``)."""
        y = x if self.isp is None else self.isp(x, mask_mode=mask_mode, generator=generator)
        return quantize8_ste(y) if self.quantize else torch.clamp(y, EPS, 1.0)

    def forward(self, x: torch.Tensor, mask_mode: str | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.downstream(self.isp_output(x, mask_mode, generator))


@dataclass
class TrainConfig:
    """Settings of :func:`train_joint`."""

    steps: int = 2000
    lr_isp: float = 2e-3
    lr_downstream: float = 2e-3
    weight_decay: float = 0.0
    mask_mode: str = "gumbel"  # the published training behaviour
    grad_clip: float | None = 5.0
    seed: int = 0
    log_every: int = 100


@dataclass
class TrainHistory:
    """Loss per step and the wall time."""

    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def smoothed(self, window: int = 50) -> list[float]:
        """Running mean of the loss over ``window`` steps."""
        out, acc = [], 0.0
        for i, v in enumerate(self.losses):
            acc += v
            if i >= window:
                acc -= self.losses[i - window]
            out.append(acc / min(i + 1, window))
        return out


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU) generators."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def train_joint(
    model: JointModel,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    loader: Iterable[tuple[torch.Tensor, torch.Tensor]],
    config: TrainConfig = TrainConfig(),
    progress: Callable[[str], None] | None = print,
) -> TrainHistory:
    """Optimise the ISP and the downstream model jointly under ``loss_fn`` only.

    Deterministic for a given ``config.seed`` and loader (CPU). Returns the loss history.
    """
    seed_everything(config.seed)
    groups = [{"params": list(model.downstream.parameters()), "lr": config.lr_downstream}]
    if model.isp is not None:
        groups.append({"params": list(model.isp.parameters()), "lr": config.lr_isp})
    opt = torch.optim.Adam(groups, weight_decay=config.weight_decay)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, config.steps) / config.steps)))
    gen = torch.Generator().manual_seed(config.seed)
    model.train()
    hist = TrainHistory()
    t0 = time.perf_counter()
    step = 0
    while step < config.steps:
        n_batches = 0
        for x, target in loader:
            n_batches += 1
            pred = model(x, mask_mode=config.mask_mode, generator=gen)
            loss = loss_fn(pred, target)
            if not torch.isfinite(loss):
                raise FloatingPointError(f"training diverged at step {step}: loss {loss.item()}")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if config.grad_clip:
                nn.utils.clip_grad_norm_([p for g in groups for p in g["params"]], config.grad_clip)
            opt.step()
            sched.step()
            hist.losses.append(float(loss.item()))
            step += 1
            if progress and (step % config.log_every == 0 or step == config.steps):
                el = time.perf_counter() - t0
                progress(f"step {step}/{config.steps}  loss {hist.smoothed()[-1]:.4f}  "
                         f"{el:.0f} s elapsed, ~{el / step * (config.steps - step):.0f} s left")
            if step >= config.steps:
                break
        if n_batches == 0:
            raise ValueError("the training loader yielded no batches")
    hist.seconds = time.perf_counter() - t0
    model.eval()
    return hist


__all__ = ["JointModel", "TrainConfig", "TrainHistory", "quantize8_ste", "seed_everything", "train_joint"]
