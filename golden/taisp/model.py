"""TAISP: the float reference model (design note section 1), 3,297 parameters.

Input: linear, demosaiced RGB in [0, 1], a float tensor (B, 3, H, W). Output: (B, 3, H, W)
in [1e-6, 1]. The parameter names and shapes are the published ones, so a published
checkpoint's state dict loads with no renaming (see :mod:`golden.taisp.checkpoint`).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from . import glc as glc_stage
from . import rgfc as rgfc_stage
from .hsa import HSA
from .rgfc import MASK_MODES

#: The published parameter names and shapes (design note section 1).
PUBLISHED_SHAPES: dict[str, tuple[int, ...]] = {
    "gain_mlp.0.weight": (64, 6),
    "gain_mlp.0.bias": (64,),
    "gain_mlp.2.weight": (3, 64),
    "gain_mlp.2.bias": (3,),
    "attn.branch_convs.0.weight": (1, 2, 3, 3),
    "attn.branch_convs.0.bias": (1,),
    "attn.branch_convs.1.weight": (1, 2, 5, 5),
    "attn.branch_convs.1.bias": (1,),
    "attn.gate_proj.weight": (2, 3, 1, 1),
    "attn.gate_proj.bias": (2,),
    "mask_head.weight": (16, 3, 3, 3),
    "mask_head.bias": (16,),
    "weight_mlp.0.weight": (64, 16),
    "weight_mlp.0.bias": (64,),
    "weight_mlp.2.weight": (16, 64),
    "weight_mlp.2.bias": (16,),
}

#: Published weight ranges per trained task (design note), and the class default.
PUBLISHED_WEIGHT_RANGES: dict[str, tuple[float, float]] = {
    "pascalraw_r50": (1.0, 4.0),
    "pascalraw_r18": (2.0, 4.0),
    "lod": (2.0, 4.0),
    "ade20k": (1.0, 3.0),
    "rod": (5.0, 9.0),
}
DEFAULT_WEIGHT_RANGE: tuple[float, float] = (1.0, 3.0)

#: Names of the taps returned by ``TAISP.forward(..., taps=True)``.
TAP_NAMES: tuple[str, ...] = (
    "stats", "alpha", "xg", "pooled", "m3", "m5", "d", "gate", "A", "xs",
    "logits", "index", "masks", "p", "w", "out",
)


class TAISP(nn.Module):
    """The TA-ISP module: GLC -> HSA -> RGFC.

    Args:
        weight_range: (w_min, w_max) of the region exponents; per trained task, not learned.
        num_masks: number of regions K (16 in every published model).
        tau: Gumbel-softmax temperature of the ``gumbel`` and ``soft`` modes.
        mask_mode: default mask mode of :meth:`forward` (``gumbel`` is the published behaviour).
        hidden: width of the two MLPs (64 published).
    """

    def __init__(
        self,
        weight_range: Sequence[float] = DEFAULT_WEIGHT_RANGE,
        num_masks: int = 16,
        tau: float = 0.1,
        mask_mode: str = "gumbel",
        hidden: int = 64,
    ) -> None:
        super().__init__()
        w_min, w_max = (float(v) for v in weight_range)
        if not (math.isfinite(w_min) and math.isfinite(w_max) and 0 < w_min <= w_max):
            raise ValueError(f"weight_range must satisfy 0 < w_min <= w_max, got {tuple(weight_range)}")
        if not (isinstance(num_masks, int) and num_masks >= 1):
            raise ValueError(f"num_masks must be a positive integer, got {num_masks!r}")
        if not (math.isfinite(tau) and tau > 0):
            raise ValueError(f"tau must be a positive number, got {tau!r}")
        if mask_mode not in MASK_MODES:
            raise ValueError(f"unknown mask mode {mask_mode!r}; choose one of {', '.join(MASK_MODES)}")
        self.weight_range = (w_min, w_max)
        self.num_masks = num_masks
        self.tau = float(tau)
        self.mask_mode = mask_mode
        self.gain_mlp = nn.Sequential(nn.Linear(6, hidden), nn.ReLU(), nn.Linear(hidden, 3))
        self.attn = HSA()
        self.mask_head = nn.Conv2d(3, num_masks, kernel_size=3, padding=1, bias=True)
        self.weight_mlp = nn.Sequential(nn.Linear(num_masks, hidden), nn.ReLU(), nn.Linear(hidden, num_masks))

    def extra_repr(self) -> str:
        return f"weight_range={self.weight_range}, num_masks={self.num_masks}, tau={self.tau}, mask_mode={self.mask_mode!r}"

    def num_parameters(self) -> int:
        """Number of learned scalars (3,297 for the published configuration)."""
        return sum(p.numel() for p in self.parameters())

    def forward(
        self,
        x: torch.Tensor,
        mask_mode: str | None = None,
        taps: bool = False,
        generator: torch.Generator | None = None,
        tau: float | None = None,
    ) -> torch.Tensor | tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Run TA-ISP on linear RGB.

        Args:
            x: (B, 3, H, W) float tensor, linear RGB in [0, 1].
            mask_mode: ``gumbel``, ``expected``, ``soft`` or ``hard``; default the module's.
            taps: also return every intermediate (see :data:`TAP_NAMES`).
            generator: torch.Generator for the ``gumbel`` noise (seeded, reproducible runs);
                None uses torch's global generator, as the published code does.
            tau: temperature override for this call.

        Returns:
            out (B, 3, H, W), or (out, taps) where taps maps each name in :data:`TAP_NAMES`
            to a tensor: stats (B,6), alpha (B,3), xg (B,3,H,W), pooled (B,2,H,W), m3 and m5
            (B,1,H,W), d (B,3), gate (B,2), A (B,1,H,W), xs (B,3,H,W), logits (B,K,H,W),
            index (B,H,W) int64, masks (B,K,H,W), p (B,K), w (B,K), out (B,3,H,W).
        """
        mode = self.mask_mode if mask_mode is None else mask_mode
        if mode not in MASK_MODES:
            raise ValueError(f"unknown mask mode {mode!r}; choose one of {', '.join(MASK_MODES)}")
        t = self.tau if tau is None else float(tau)
        if not (math.isfinite(t) and t > 0):
            raise ValueError(f"tau must be a positive number, got {tau!r}")
        if not isinstance(x, torch.Tensor) or x.ndim != 4 or x.shape[1] != 3:
            raise ValueError(f"TAISP input must be a (B, 3, H, W) tensor, got shape {tuple(getattr(x, 'shape', ()))}")
        if not x.is_floating_point():
            raise ValueError(f"TAISP input must be a floating-point tensor in [0, 1], got {x.dtype}")

        stats, alpha, xg = glc_stage.glc(x, self.gain_mlp)
        h = self.attn(xg)
        xs = h["xs"]
        logits = self.mask_head(xs)
        p = logits.mean(dim=(2, 3))
        w = rgfc_stage.region_weights(p, self.weight_mlp, *self.weight_range)
        index = rgfc_stage.region_index(logits)
        masks = None
        if mode == "hard":
            out = rgfc_stage.modulate_hard(xs, index, w)
        else:
            masks = rgfc_stage.region_masks(logits, mode, t, generator)
            out = rgfc_stage.modulate(xs, masks, w)
        if not taps:
            return out
        if masks is None:
            masks = rgfc_stage.region_masks(logits, mode, t, generator, index=index)
        tapped = {"stats": stats, "alpha": alpha, "xg": xg, **h, "logits": logits,
                  "index": index, "masks": masks, "p": p, "w": w, "out": out}
        return out, {name: tapped[name] for name in TAP_NAMES}


def detector_input(out: torch.Tensor, round_to_int: bool = False) -> torch.Tensor:
    """What the downstream detector receives: ``clamp(out, 1e-6, 1) * 255``, optionally rounded."""
    y = torch.clamp(out, glc_stage.EPS, 1.0) * 255.0
    return torch.round(y) if round_to_int else y


__all__ = ["DEFAULT_WEIGHT_RANGE", "PUBLISHED_SHAPES", "PUBLISHED_WEIGHT_RANGES", "TAP_NAMES", "TAISP", "detector_input"]
