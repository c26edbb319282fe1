"""Loading and saving POS-ISP checkpoints.

Accepted layouts (loaded with ``weights_only=True``, tensors mapped to the CPU whatever device
they were saved from):

* the published one: ``{'iter': int, 'agent_model': state_dict}`` with exactly the keys of
  :data:`golden.posisp.agents.PUBLISHED_SHAPES`;
* the project's own (:func:`save_posisp_checkpoint`): the same plus a ``posisp_meta`` entry;
* a task checkpoint of :mod:`golden.posisp.training` (``state_dict`` with ``isp.`` and
  ``downstream.`` keys), or a bare state dict of the 32 tensors.

Every problem raises :class:`golden.taisp.checkpoint.CheckpointError` (a ``ValueError``) with a
one-line message naming the file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import torch

from ..taisp.checkpoint import CheckpointError, _load_object
from .agents import PUBLISHED_SHAPES
from .model import POSISP

META_KEY = "posisp_meta"


def _state_of(obj: Any, where: str) -> tuple[Mapping[str, Any], str]:
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{where}: a POS-ISP checkpoint must be a dict ({{'iter', 'agent_model'}}), "
                              f"got {type(obj).__name__}")
    if "agent_model" in obj:
        sd = obj["agent_model"]
        if not isinstance(sd, Mapping):
            raise CheckpointError(f"{where}: 'agent_model' is a {type(sd).__name__}, not a state dict")
        return sd, ""
    if isinstance(obj.get("state_dict"), Mapping):
        inner = obj["state_dict"]
        if any(isinstance(k, str) and k.startswith("isp.action_agent.") for k in inner):
            return inner, "isp."
        return inner, ""
    if any(isinstance(k, str) and (k.startswith("action_agent.") or k.startswith("param_net.")) for k in obj):
        return obj, ""
    raise CheckpointError(f"{where}: not a POS-ISP checkpoint (no 'agent_model' entry and no "
                          f"action_agent./param_net. keys; top-level keys: {', '.join(map(str, list(obj)[:6]))})")


def load_posisp_state_dict(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read and check a checkpoint; return the 32 tensors (float32, CPU) and the meta entry (or {})."""
    p = Path(path)
    obj = _load_object(p, trusted=False)
    state, prefix = _state_of(obj, str(p))
    keys = {k[len(prefix):] for k in state if isinstance(k, str) and k.startswith(prefix)}
    if prefix:
        keys = {k for k in keys if k.startswith(("action_agent.", "param_net."))}
    missing = [k for k in PUBLISHED_SHAPES if k not in keys]
    if missing:
        raise CheckpointError(f"{p}: missing POS-ISP keys: {', '.join(missing[:6])}"
                              + (f" ... ({len(missing)} in all)" if len(missing) > 6 else ""))
    extra = sorted(k for k in keys if k not in PUBLISHED_SHAPES)
    if extra:
        raise CheckpointError(f"{p}: unexpected keys in the POS-ISP state dict: {', '.join(extra[:6])}"
                              + (" ..." if len(extra) > 6 else ""))
    sd: dict[str, torch.Tensor] = {}
    for name, shape in PUBLISHED_SHAPES.items():
        t = state[prefix + name]
        if not isinstance(t, torch.Tensor):
            raise CheckpointError(f"{p}: {name} is a {type(t).__name__}, not a tensor")
        if tuple(t.shape) != shape:
            raise CheckpointError(f"{p}: {name} has shape {tuple(t.shape)}, expected {shape}")
        if not t.is_floating_point():
            raise CheckpointError(f"{p}: {name} has dtype {t.dtype}, expected a floating-point tensor")
        bad = int((~torch.isfinite(t)).sum())
        if bad:
            raise CheckpointError(f"{p}: {name} holds {bad} NaN/Inf value(s)")
        sd[name] = t.detach().to("cpu", torch.float32).clone()
    meta = obj.get(META_KEY) if isinstance(obj, Mapping) else None
    if not isinstance(meta, Mapping):
        meta = obj.get("meta") if isinstance(obj, Mapping) and isinstance(obj.get("meta"), Mapping) else {}
    info = dict(meta)
    if isinstance(obj, Mapping) and "iter" in obj:
        info["iter"] = obj["iter"]
    return sd, info


def load_posisp_checkpoint(path: str | os.PathLike, denoise_border: str = "circular") -> POSISP:
    """Build a :class:`POSISP` (eval mode) from a published or project checkpoint."""
    sd, meta = load_posisp_state_dict(path)
    model = POSISP(denoise_border=denoise_border)
    model.load_state_dict(sd, strict=True)
    model.eval()
    model.checkpoint_meta = meta  # type: ignore[attr-defined]
    return model


def save_posisp_checkpoint(model: POSISP, path: str | os.PathLike, iteration: int = 0, **meta: Any) -> None:
    """Write the published layout ``{'iter', 'agent_model'}`` plus ``posisp_meta`` (the order, extras)."""
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    torch.save({"iter": int(iteration), "agent_model": state,
                META_KEY: {"sequence": model.sequence(), **meta}}, Path(path))


__all__ = ["CheckpointError", "META_KEY", "load_posisp_checkpoint", "load_posisp_state_dict", "save_posisp_checkpoint"]
