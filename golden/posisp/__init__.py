"""POS-ISP (CVPR 2026 Findings) in float: the ten filters (``filters``), the sequence and
parameter agents (``agents``), the model (``model``), checkpoints (``checkpoint``), training on
the built-in task (``training``) and the shipped checkpoints (``checkpoints/``).

The API used from outside the project::

    from golden.posisp import load_posisp_checkpoint, apply_filter
    model = load_posisp_checkpoint("posisp.pth")   # published {'iter', 'agent_model'} or ours
    model.sequence()        # ['exposure', 'gamma', ...] in the order applied
    model.predict_params(x) # (N, 27) raw parameters in (0, 1)
    model(x)                # the chain's output, no final clamp
    apply_filter("tone", x, p)

Shared pieces (front end, built-in task, training loop) live one level up in :mod:`golden`.
"""
from __future__ import annotations

from pathlib import Path

from .agents import NUM_PARAMETERS, PUBLISHED_SHAPES, ParamAgent, SequenceAgent
from .checkpoint import CheckpointError, load_posisp_checkpoint, save_posisp_checkpoint
from .filters import FILTER_NAMES, FILTER_NPARAMS, NUM_PARAMS, PARAM_RANGES, PARAM_SLICES, apply_filter
from .model import POSISP

#: The folder of the shipped POS-ISP checkpoints (each with its card ``.md``/``.json``).
CHECKPOINT_DIR: Path = Path(__file__).resolve().parent / "checkpoints"
#: The checkpoint ``taisp run --model posisp`` uses unless told otherwise.
DEFAULT_CHECKPOINT: Path = CHECKPOINT_DIR / "posisp_frozen.pth"

__all__ = [
    "CHECKPOINT_DIR", "CheckpointError", "DEFAULT_CHECKPOINT", "FILTER_NAMES", "FILTER_NPARAMS", "NUM_PARAMETERS",
    "NUM_PARAMS", "PARAM_RANGES", "PARAM_SLICES", "POSISP", "PUBLISHED_SHAPES", "ParamAgent", "SequenceAgent",
    "apply_filter", "load_posisp_checkpoint", "save_posisp_checkpoint",
]
