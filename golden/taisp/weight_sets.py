"""The named TA-ISP weight sets the regressions, vector sets and reports use:

* ``w1-4``, ``w5-9``: the shipped trained checkpoints (``checkpoints/taisp_w*.pth``);
* ``spread``: untrained weights scaled up so that many regions and both HSA branches are used
  (the trained sets send almost every pixel to one region, which would leave the mask head,
  the argmax and most power curves untested).
"""
from __future__ import annotations

import torch

from . import CHECKPOINT_DIR
from .checkpoint import load_checkpoint
from .model import TAISP

#: The names :func:`weight_set` accepts.
WEIGHT_SETS = ("w1-4", "w5-9", "spread")


def spread_isp(seed: int = 0) -> TAISP:
    """Untrained weights (``torch.manual_seed(seed)``, w range [1, 4]) with the mask head x2 and
    the weight MLP's output layer x3, so that the region choice and the 16 w values spread."""
    torch.manual_seed(seed)
    m = TAISP(weight_range=(1, 4)).eval()
    with torch.no_grad():
        m.mask_head.weight.mul_(2.0)
        m.weight_mlp[2].weight.mul_(3.0)
    return m


def weight_set(name: str, seed: int = 0) -> TAISP:
    """A weight set by name (:data:`WEIGHT_SETS`); ``seed`` applies to ``spread``."""
    if name == "spread":
        return spread_isp(seed)
    if name in ("w1-4", "w5-9"):
        return load_checkpoint(CHECKPOINT_DIR / f"taisp_{name}.pth")
    raise ValueError(f"unknown weight set {name!r} (one of {', '.join(WEIGHT_SETS)})")
