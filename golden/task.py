"""The built-in downstream task: semantic segmentation of synthetic RAW scenes, on the CPU in minutes.

Each sample is a random layout of objects of four classes (disc, square, triangle, bar; class
0 is the background) in random colours on a smoothly shaded background, passed through the
simulated sensor of :mod:`golden.scene` at a random exposure, log-uniform from very dark to
over-exposed, with shot and read noise, in a random one of the four Bayer patterns, then
through the ``bilinear`` front end. The downstream model (:class:`SegNet`, a small U-Net) sees
the 8-bit image, so in dark frames a plain front end leaves it only a few codes to work with:
that is where a good ISP matters. The metric is the mean intersection-over-union (mIoU) over
the five classes, reported over all frames and per exposure band.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .cfa import BAYER_PATTERNS
from .frontend import demosaic_torch, normalize
from .scene import sensor_raw, srgb_to_linear
from .train import JointModel

CLASSES: tuple[str, ...] = ("background", "disc", "square", "triangle", "bar")
NUM_CLASSES = len(CLASSES)

#: Exposure range (scale of radiance to full scale) sampled log-uniformly.
EXPOSURE_RANGE: tuple[float, float] = (0.004, 3.0)

#: Exposure bands of the report: dark frames are below 0.02 of full scale for a white reflector.
BANDS: dict[str, tuple[float, float]] = {"dark": (0.0, 0.02), "mid": (0.02, 1.0), "bright": (1.0, math.inf)}


def task_scene(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One scene: linear RGB (3, size, size) float64 in [0, 1] and labels (size, size) int64 in 0..4."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    base = srgb_to_linear(rng.uniform(0.1, 0.8, 3))
    gx, gy = rng.uniform(-0.5, 0.5, 2)
    shade = 1.0 + gx * (xx / size - 0.5) + gy * (yy / size - 0.5)
    img = base[:, None, None] * shade[None]
    img = img * (1.0 + 0.08 * rng.standard_normal((1, size, size)))  # fine background texture
    labels = np.zeros((size, size), dtype=np.int64)
    for _ in range(int(rng.integers(2, 6))):
        cls = int(rng.integers(1, NUM_CLASSES))
        r = rng.uniform(0.09, 0.2) * size
        cx, cy = rng.uniform(0.1, 0.9, 2) * size
        th = rng.uniform(0, np.pi)
        dx, dy = xx - cx, yy - cy
        u, v = dx * np.cos(th) + dy * np.sin(th), -dx * np.sin(th) + dy * np.cos(th)
        if cls == 1:
            m = dx**2 + dy**2 < r**2
        elif cls == 2:
            m = (np.abs(u) < 0.8 * r) & (np.abs(v) < 0.8 * r)
        elif cls == 3:
            m = np.ones_like(u, dtype=bool)
            for k in range(3):  # equilateral triangle, circumradius r: three half-planes
                a = th + 2 * np.pi * k / 3
                m &= dx * np.cos(a) + dy * np.sin(a) < 0.5 * r
        else:
            m = (np.abs(u) < 1.3 * r) & (np.abs(v) < 0.3 * r)
        colour = srgb_to_linear(rng.uniform(0.05, 1.0, 3))
        img[:, m] = colour[:, None]
        labels[m] = cls
    return np.clip(img, 0.0, 1.0), labels


@dataclass
class TaskData:
    """A fixed set of task samples.

    Attributes:
        x: (N, 3, S, S) float32 tensor, front-end output (linear RGB in [0, 1]).
        y: (N, S, S) int64 tensor, class labels.
        exposure: (N,) float64 array, exposure scale of each frame.
        cfa: the Bayer pattern of each frame.
    """

    x: torch.Tensor
    y: torch.Tensor
    exposure: np.ndarray
    cfa: list[str]

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def subset(self, mask: np.ndarray) -> "TaskData":
        idx = np.flatnonzero(mask)
        t = torch.from_numpy(idx)
        return TaskData(self.x[t], self.y[t], self.exposure[idx], [self.cfa[i] for i in idx])

    def batches(self, batch_size: int, shuffle: bool, seed: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(x, y) batches; a new seeded permutation per pass when ``shuffle``."""
        order = np.random.default_rng(seed).permutation(len(self)) if shuffle else np.arange(len(self))
        for i in range(0, len(self), batch_size):
            t = torch.from_numpy(order[i:i + batch_size])
            yield self.x[t], self.y[t]


class EpochLoader:
    """An iterable over shuffled batches that reshuffles (seeded) on every pass."""

    def __init__(self, data: TaskData, batch_size: int, seed: int) -> None:
        self.data, self.batch_size, self.seed, self.epoch = data, batch_size, seed, 0

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        self.epoch += 1
        return self.data.batches(self.batch_size, True, self.seed * 1000 + self.epoch)


def make_dataset(n: int, size: int = 64, seed: int = 0, exposure_range: tuple[float, float] = EXPOSURE_RANGE,
                 progress: bool = False) -> TaskData:
    """``n`` deterministic samples (see the module docstring) of ``size`` x ``size`` pixels."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x7A5C]))
    lo, hi = np.log(exposure_range[0]), np.log(exposure_range[1])
    xs = np.empty((n, 3, size, size), dtype=np.float32)
    ys = np.empty((n, size, size), dtype=np.int64)
    exps = np.exp(rng.uniform(lo, hi, n))
    cfas = [BAYER_PATTERNS[int(i)] for i in rng.integers(0, 4, n)]
    norm = np.empty((n, 1, size, size), dtype=np.float64)
    for i in range(n):
        rgb, lab = task_scene(size, rng)
        raw = sensor_raw(rgb, cfas[i], float(exps[i]), bits=12, black=64, noise=True, rng=rng, source="task")
        norm[i, 0] = normalize(raw, np.float64)
        ys[i] = lab
        if progress and (i + 1) % 1000 == 0:
            print(f"  generated {i + 1}/{n} samples", flush=True)
    with torch.no_grad():  # the bilinear front end, batched per Bayer pattern
        for cfa in BAYER_PATTERNS:
            idx = [i for i in range(n) if cfas[i] == cfa]
            if idx:
                rgb = demosaic_torch(torch.from_numpy(norm[idx]), cfa, "bilinear", where="task data")
                xs[idx] = np.clip(rgb.numpy(), 0.0, 1.0).astype(np.float32)
    return TaskData(torch.from_numpy(xs), torch.from_numpy(ys), exps, cfas)


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class SegNet(nn.Module):
    """A small U-Net: (B, 3, H, W) 8-bit image in [0, 1] -> (B, classes, H, W) logits; H, W multiples of 4."""

    def __init__(self, num_classes: int = NUM_CLASSES, width: int = 16) -> None:
        super().__init__()
        c = width
        self.enc1, self.enc2, self.enc3 = _block(3, c), _block(c, 2 * c), _block(2 * c, 4 * c)
        self.dec2, self.dec1 = _block(6 * c, 2 * c), _block(3 * c, c)
        self.head = nn.Conv2d(c, num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e1 = self.enc1((x - 0.5) * 4.0)
        e2 = self.enc2(F.max_pool2d(e1, 2))
        e3 = self.enc3(F.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([F.interpolate(e3, scale_factor=2.0, mode="nearest"), e2], dim=1))
        d1 = self.dec1(torch.cat([F.interpolate(d2, scale_factor=2.0, mode="nearest"), e1], dim=1))
        return self.head(d1)


def confusion(pred: torch.Tensor, target: torch.Tensor, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Confusion matrix (classes x classes), rows = ground truth, from label maps of equal shape."""
    idx = (target.reshape(-1) * num_classes + pred.reshape(-1)).numpy()
    return np.bincount(idx, minlength=num_classes**2).reshape(num_classes, num_classes)


def miou(conf: np.ndarray) -> float:
    """Mean IoU over the classes present in the ground truth or the prediction."""
    tp = np.diag(conf).astype(np.float64)
    denom = conf.sum(0) + conf.sum(1) - tp
    valid = denom > 0
    return float((tp[valid] / denom[valid]).mean())


def evaluate(model: JointModel, data: TaskData, mask_mode: str | None = "hard", batch_size: int = 64,
             seed: int = 0) -> dict[str, float]:
    """mIoU over all frames and per exposure band (:data:`BANDS`); ``gumbel`` noise is seeded."""
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    confs = {name: np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64) for name in ("all", *BANDS)}
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            x, y = data.x[i:i + batch_size], data.y[i:i + batch_size]
            pred = model(x, mask_mode=mask_mode, generator=gen).argmax(dim=1)
            exps = data.exposure[i:i + batch_size]
            for j in range(x.shape[0]):
                c = confusion(pred[j], y[j])
                confs["all"] += c
                for name, (lo, hi) in BANDS.items():
                    if lo <= exps[j] < hi:
                        confs[name] += c
    return {name: miou(c) for name, c in confs.items()}


def segmentation_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Pixel-wise cross-entropy: the task loss (the only loss)."""
    return F.cross_entropy(pred, target)


__all__ = [
    "BANDS", "CLASSES", "EXPOSURE_RANGE", "EpochLoader", "NUM_CLASSES", "SegNet", "TaskData",
    "confusion", "evaluate", "make_dataset", "miou", "segmentation_loss", "task_scene",
]
