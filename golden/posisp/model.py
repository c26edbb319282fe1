"""POSISP: the float reference model (design note sections 1 to 4), 583,702 parameters.

Input: linear, demosaiced RGB, a float tensor (N, 3, H, W). ``model(x)`` runs the filters in the
sequence agent's order with the parameter agent's 27 parameters predicted from ``x`` itself,
as published inference does: no clamp between filters beyond each filter's own, and no final
clamp (the detector then sees the output clamped to [0, 1]). The state-dict keys are the
published ``agent_model`` ones (:data:`golden.posisp.agents.PUBLISHED_SHAPES`).
"""
from __future__ import annotations

import torch
from torch import nn

from .agents import NUM_PARAMETERS, PUBLISHED_SHAPES, ParamAgent, SequenceAgent
from .filters import DENOISE_BORDERS, FILTER_NAMES, apply_filter


class POSISP(nn.Module):
    """Sequence agent (``action_agent``) + parameter agent (``param_net``) + the ten filters.

    Args:
        denoise_border: ``circular`` (published, default) or ``mirror`` (what the streaming
            hardware computes).
    """

    def __init__(self, denoise_border: str = "circular") -> None:
        super().__init__()
        if denoise_border not in DENOISE_BORDERS:
            raise ValueError(f"denoise_border must be one of {DENOISE_BORDERS}, got {denoise_border!r}")
        self.denoise_border = denoise_border
        self.action_agent = SequenceAgent()
        self.param_net = ParamAgent()
        self._order: list[int] | None = None  # cached greedy order (invalidated on training/loading)

    # -- the API used from outside the project -------------------------------------------------
    def order(self) -> list[int]:
        """The filter indices in the order applied (argmax of the sequence agent; image-independent)."""
        if self.training or self._order is None:
            self._order = self.action_agent.greedy()
        return list(self._order)

    def sequence(self) -> list[str]:
        """The filter names in the order applied."""
        return [FILTER_NAMES[i] for i in self.order()]

    def predict_params(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 27) raw parameters in (0, 1), published layout (the note's table order)."""
        return self.param_net(x)

    def run_chain(self, x: torch.Tensor, params: torch.Tensor, order: list[int] | None = None,
                  taps: bool = False):
        """Apply the filters of ``order`` (default: the agent's) with raw ``params`` (N, 27)."""
        order = self.order() if order is None else order
        y = x
        outs = []
        for i in order:
            y = apply_filter(FILTER_NAMES[i], y, params, denoise_border=self.denoise_border)
            outs.append((FILTER_NAMES[i], y))
        return (y, outs) if taps else y

    def forward(self, x: torch.Tensor, mask_mode: str | None = None, generator: torch.Generator | None = None,
                taps: bool = False):
        """The chain's output (no final clamp). ``mask_mode`` and ``generator`` are accepted and
        ignored, so the model drops into :class:`golden.train.JointModel` like TA-ISP."""
        params = self.predict_params(x)
        if taps:
            y, outs = self.run_chain(x, params, taps=True)
            return y, {"params": params, "sequence": self.sequence(), "stages": outs}
        return self.run_chain(x, params)

    def train(self, mode: bool = True) -> "POSISP":
        self._order = None
        return super().train(mode)

    def _load_from_state_dict(self, *args, **kwargs):  # noqa: D401 - invalidate the cached order
        self._order = None
        return super()._load_from_state_dict(*args, **kwargs)


def detector_input(y: torch.Tensor) -> torch.Tensor:
    """What the detector sees from published inference: the output clamped to [0, 1]."""
    return torch.clamp(y, 0.0, 1.0)


__all__ = ["NUM_PARAMETERS", "POSISP", "PUBLISHED_SHAPES", "detector_input"]
