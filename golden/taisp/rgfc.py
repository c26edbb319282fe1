"""RGFC, region-guided modulation (design note section 1).

``L = conv3x3(xs)`` (3 -> K logits); ``masks`` over the K regions in one of four modes;
``p_k = mean(L_k)``; ``w = w_min + (w_max - w_min) sigmoid(W4 relu(W3 p + b3) + b4)``;
``y_k = clamp(xs^(1/w_k), 1e-6, 1)``; ``out = sum_k masks_k y_k``.

Mask modes:

* ``gumbel`` (published): ``softmax((L + G) / tau)`` with fresh Gumbel noise ``G``, sampled
  exactly as ``torch.nn.functional.gumbel_softmax`` samples it (``-log(Exp(1))``), optionally
  from a seeded ``torch.Generator``;
* ``expected``: ``softmax(L)``, the probability of each region under the Gumbel-max choice;
* ``soft``: ``softmax(L / tau)`` without noise;
* ``hard``: one-hot of ``argmax_k L_k``, ties to the lowest k (what the hardware computes).
"""
from __future__ import annotations

import torch
from torch import nn

from .glc import EPS

MASK_MODES: tuple[str, ...] = ("gumbel", "expected", "soft", "hard")


def region_index(logits: torch.Tensor) -> torch.Tensor:
    """Region choice (B, H, W) int64: argmax over dim 1 of logits (B, K, H, W), ties to the lowest index.

    ``torch.max(dim)`` returns the first maximal index (documented); it is several times
    faster than ``torch.argmax`` over a non-innermost dimension.
    """
    return logits.max(dim=1).indices


def region_masks(
    logits: torch.Tensor,
    mode: str,
    tau: float,
    generator: torch.Generator | None = None,
    index: torch.Tensor | None = None,
) -> torch.Tensor:
    """Region masks (B, K, H, W) from logits (B, K, H, W); each pixel's masks sum to 1.

    ``index`` (``hard`` only) is a precomputed :func:`region_index` of the logits.
    """
    if mode == "gumbel":
        gumbels = -torch.empty_like(logits).exponential_(generator=generator).log()
        return torch.softmax((logits + gumbels) / tau, dim=1)
    if mode == "expected":
        return torch.softmax(logits, dim=1)
    if mode == "soft":
        return torch.softmax(logits / tau, dim=1)
    if mode == "hard":
        idx = region_index(logits) if index is None else index
        return torch.zeros_like(logits).scatter_(1, idx.unsqueeze(1), 1.0)
    raise ValueError(f"unknown mask mode {mode!r}; choose one of {', '.join(MASK_MODES)}")


def region_weights(p: torch.Tensor, weight_mlp: nn.Module, w_min: float, w_max: float) -> torch.Tensor:
    """Per-region exponents w (B, K) in [w_min, w_max] from the mean logits p (B, K)."""
    return w_min + (w_max - w_min) * torch.sigmoid(weight_mlp(p))


def modulate(xs: torch.Tensor, masks: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``out = sum_k masks_k * clamp(xs^(1/w_k), 1e-6, 1)``: xs (B,3,H,W), masks (B,K,H,W), w (B,K) -> (B,3,H,W).

    Accumulates region by region, so the (B, K, 3, H, W) stack of all y_k is never held in memory.
    """
    inv_w = 1.0 / w
    out = torch.zeros_like(xs)
    for k in range(masks.shape[1]):
        y_k = torch.clamp(xs.pow(inv_w[:, k, None, None, None]), EPS, 1.0)
        out = out + masks[:, k : k + 1] * y_k
    return out


def modulate_hard(xs: torch.Tensor, index: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """``out = clamp(xs^(1/w_{k*}), 1e-6, 1)`` with k* = index (B, H, W): the ``hard`` mode of :func:`modulate`.

    Equal bit for bit to ``modulate(xs, one_hot(index), w)`` (adding exact zeros changes no
    bit), with one power per value instead of K.
    """
    inv_w = (1.0 / w).gather(1, index.flatten(1)).view(index.shape)  # (B, H, W)
    return torch.clamp(xs.pow(inv_w.unsqueeze(1)), EPS, 1.0)
