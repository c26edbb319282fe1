"""GLC, global luminance calibration (design note section 1).

Per-channel gain from frame statistics:
``s = [mu_R, mu_G, mu_B, v_R, v_G, v_B]`` (means and population variances over all pixels),
``alpha = softplus(W2 relu(W1 s + b1) + b2) + 1``, ``xg = clamp(alpha * x, 1e-6, 1)``.
The MLP is ``TAISP.gain_mlp`` (Linear 6->64, ReLU, Linear 64->3).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

#: Lower clamp of every published ``clamp(., 1e-6, 1)``.
EPS = 1e-6


def frame_stats(x: torch.Tensor) -> torch.Tensor:
    """Frame statistics (B, 6): per-channel mean then population variance of x (B, 3, H, W)."""
    mu = x.mean(dim=(2, 3))
    var = x.var(dim=(2, 3), unbiased=False)
    return torch.cat([mu, var], dim=1)


def gain(stats: torch.Tensor, gain_mlp: nn.Module) -> torch.Tensor:
    """Per-channel gain alpha (B, 3) >= 1 from the statistics (B, 6)."""
    return F.softplus(gain_mlp(stats)) + 1.0


def glc(x: torch.Tensor, gain_mlp: nn.Module) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Apply GLC to linear RGB x (B, 3, H, W) in [0, 1]; returns (stats (B,6), alpha (B,3), xg (B,3,H,W))."""
    stats = frame_stats(x)
    alpha = gain(stats, gain_mlp)
    xg = torch.clamp(alpha[:, :, None, None] * x, EPS, 1.0)
    return stats, alpha, xg
