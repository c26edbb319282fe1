"""HSA, hierarchical spatial attention (design note section 1).

``P = [mean_c xg, max_c xg]``; ``m_k = sigmoid(conv_k(P))`` for k = 3, 5 (2->1, zero padding);
``gate = softmax(Wg d + bg)`` with ``d`` the per-channel global average of xg;
``A = clamp(gate_0 m_3 + gate_1 m_5, 0, 1)``; ``xs = clamp(xg * A, 1e-6, 1)``.
"""
from __future__ import annotations

import torch
from torch import nn

from .glc import EPS

#: Kernel sizes of the two branches, in the order of ``branch_convs``.
BRANCH_KERNELS: tuple[int, ...] = (3, 5)


class HSA(nn.Module):
    """The attention module; its parameters are the published ``attn.*`` keys."""

    def __init__(self) -> None:
        super().__init__()
        self.branch_convs = nn.ModuleList([nn.Conv2d(2, 1, k, padding=(k - 1) // 2, bias=True) for k in BRANCH_KERNELS])
        self.gate_proj = nn.Conv2d(3, 2, kernel_size=1, bias=True)

    @staticmethod
    def pool(xg: torch.Tensor) -> torch.Tensor:
        """Channel pooling (B, 3, H, W) -> (B, 2, H, W): [mean over channels, max over channels]."""
        return torch.cat([xg.mean(dim=1, keepdim=True), xg.amax(dim=1, keepdim=True)], dim=1)

    def gate(self, xg: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Branch gate: returns (d (B, 3) global channel averages of xg, gate (B, 2) softmax weights)."""
        d = xg.mean(dim=(2, 3))
        logits = self.gate_proj(d[:, :, None, None])[:, :, 0, 0]
        return d, torch.softmax(logits, dim=1)

    def forward(self, xg: torch.Tensor) -> dict[str, torch.Tensor]:
        """HSA on xg (B, 3, H, W); returns the taps ``pooled, m3, m5, d, gate, A, xs``."""
        pooled = self.pool(xg)
        m3, m5 = (torch.sigmoid(conv(pooled)) for conv in self.branch_convs)
        d, gate = self.gate(xg)
        a = torch.clamp(gate[:, 0, None, None, None] * m3 + gate[:, 1, None, None, None] * m5, 0.0, 1.0)
        xs = torch.clamp(xg * a, EPS, 1.0)
        return {"pooled": pooled, "m3": m3, "m5": m5, "d": d, "gate": gate, "A": a, "xs": xs}
