"""Loading and saving TA-ISP checkpoints.

Accepted layouts:

* a bare state dict with exactly the published keys (:data:`golden.taisp.model.PUBLISHED_SHAPES`);
* a whole detector/segmenter checkpoint: a dict with a ``state_dict`` entry (mmdetection,
  mmsegmentation, Lightning) or a ``model`` entry (YOLOX, torchvision references), or a
  bare state dict of the whole network, with the ISP's keys under any prefix such as
  ``backbone.TAISP.`` or ``module.isp.``. The prefix is found automatically.

Checkpoints written by :func:`save_checkpoint` are bare state dicts plus a ``taisp_meta``
entry (weight range, number of masks, tau) that :func:`load_checkpoint` uses.

Every problem raises :class:`CheckpointError` (a ``ValueError``) naming the file.
"""
from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import torch

from .model import DEFAULT_WEIGHT_RANGE, PUBLISHED_SHAPES, TAISP

META_KEY = "taisp_meta"
_ANCHOR = "gain_mlp.0.weight"


class CheckpointError(ValueError):
    """A file that is not a usable TA-ISP checkpoint; the message names the file and the problem."""


@dataclass
class CheckpointInfo:
    """Where the ISP's parameters were found in a checkpoint."""

    path: str
    container: str  # "state_dict", "model" or "bare"
    prefix: str  # prefix of the ISP's keys, "" for a bare ISP state dict
    meta: dict[str, Any]


def _load_object(path: Path, trusted: bool) -> Any:
    if not path.is_file():
        raise CheckpointError(f"{path}: no such file")
    try:
        return torch.load(path, map_location="cpu", weights_only=not trusted)
    except pickle.UnpicklingError as exc:
        if not trusted and "Unsupported global" in str(exc):
            raise CheckpointError(
                f"{path}: the checkpoint holds Python objects that a safe load refuses; "
                "if you trust the file, load it with trusted=True (CLI: --trust-checkpoint)"
            ) from None
        raise CheckpointError(f"{path}: not a PyTorch checkpoint ({exc})") from None
    except Exception as exc:  # torch.load fails in many ways on arbitrary bytes (IndexError, KeyError, ...)
        raise CheckpointError(f"{path}: not a PyTorch checkpoint or truncated ({type(exc).__name__}: {exc})") from None


def _select_container(obj: Any, where: str) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(obj, Mapping):
        raise CheckpointError(f"{where}: a checkpoint must be a dict (state dict or a dict holding one), got {type(obj).__name__}")
    for key in ("state_dict", "model"):
        inner = obj.get(key)
        if isinstance(inner, torch.nn.Module):  # a pickled whole model (trusted loads only)
            return key, inner.state_dict()
        if isinstance(inner, Mapping) and any(isinstance(v, torch.Tensor) for v in inner.values()):
            return key, inner
    return "bare", obj


def find_prefix(state: Mapping[str, Any], where: str = "checkpoint", prefix: str | None = None) -> str:
    """Find the prefix of the ISP's keys in ``state``; check that all 16 keys are there and nothing else under it."""
    keys = [k for k in state.keys() if isinstance(k, str)]
    if prefix is None:
        candidates = sorted({k[: -len(_ANCHOR)] for k in keys if k.endswith(_ANCHOR)})
        candidates = [c for c in candidates if c == "" or c.endswith(".")]
        if not candidates:
            raise CheckpointError(f"{where}: no TA-ISP parameters found (no key ending in {_ANCHOR!r})")
        complete = [c for c in candidates if all(c + n in state for n in PUBLISHED_SHAPES)]
        if len(complete) > 1:
            raise CheckpointError(
                f"{where}: several TA-ISP parameter sets found under prefixes {complete}; pass prefix= to choose one"
            )
        prefix = complete[0] if complete else candidates[0]
    missing = [n for n in PUBLISHED_SHAPES if prefix + n not in state]
    if missing:
        raise CheckpointError(f"{where}: missing TA-ISP keys under prefix {prefix!r}: {', '.join(missing)}")
    published = {prefix + n for n in PUBLISHED_SHAPES}
    extra = [k for k in keys if k.startswith(prefix) and k not in published and not (prefix == "" and k == META_KEY)]
    if prefix == "":
        extra = [k for k in extra if isinstance(state[k], torch.Tensor)]
    if extra:
        raise CheckpointError(f"{where}: unexpected keys under prefix {prefix!r}: {', '.join(sorted(extra)[:8])}"
                              + (" ..." if len(extra) > 8 else ""))
    return prefix


def check_state_dict(state: Mapping[str, torch.Tensor], where: str = "state dict") -> None:
    """Check the 16 published tensors: shapes and finiteness."""
    for name, shape in PUBLISHED_SHAPES.items():
        t = state[name]
        if not isinstance(t, torch.Tensor):
            raise CheckpointError(f"{where}: {name} is a {type(t).__name__}, not a tensor")
        if tuple(t.shape) != shape:
            raise CheckpointError(f"{where}: {name} has shape {tuple(t.shape)}, expected {shape}")
        if not t.is_floating_point():
            raise CheckpointError(f"{where}: {name} has dtype {t.dtype}, expected a floating-point tensor")
        bad = (~torch.isfinite(t)).sum().item()
        if bad:
            raise CheckpointError(f"{where}: {name} holds {bad} NaN/Inf value(s)")


def load_isp_state_dict(
    path: str | os.PathLike, prefix: str | None = None, trusted: bool = False
) -> tuple[dict[str, torch.Tensor], CheckpointInfo]:
    """Read a checkpoint file and return the ISP's 16 tensors under the published names, and where they were."""
    p = Path(path)
    obj = _load_object(p, trusted)
    container, state = _select_container(obj, str(p))
    found = find_prefix(state, str(p), prefix)
    sd = {n: state[found + n] for n in PUBLISHED_SHAPES}
    check_state_dict(sd, str(p))
    meta_src = obj.get(META_KEY) if isinstance(obj, Mapping) else None
    meta = dict(meta_src) if isinstance(meta_src, Mapping) else {}
    return {k: v.detach().to(torch.float32).clone() for k, v in sd.items()}, CheckpointInfo(str(p), container, found, meta)


def load_checkpoint(
    path: str | os.PathLike,
    weight_range: Sequence[float] | None = None,
    tau: float | None = None,
    mask_mode: str = "gumbel",
    prefix: str | None = None,
    trusted: bool = False,
) -> TAISP:
    """Build a :class:`TAISP` from a checkpoint file (any layout in this module's docstring).

    ``weight_range`` and ``tau`` are not stored in published checkpoints: they default to the
    values in a ``taisp_meta`` entry if present, else the published class defaults; the
    argument wins. The returned model is in eval mode and has ``checkpoint_info`` set.
    """
    sd, info = load_isp_state_dict(path, prefix=prefix, trusted=trusted)
    wr = weight_range if weight_range is not None else info.meta.get("weight_range", DEFAULT_WEIGHT_RANGE)
    t = tau if tau is not None else float(info.meta.get("tau", 0.1))
    try:
        model = TAISP(weight_range=tuple(wr), tau=t, mask_mode=mask_mode)
    except ValueError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    model.load_state_dict(sd, strict=True)
    model.eval()
    model.checkpoint_info = info  # type: ignore[attr-defined]
    return model


def save_checkpoint(model: TAISP, path: str | os.PathLike, **meta: Any) -> None:
    """Write the model as a bare published-layout state dict plus ``taisp_meta`` (weight range, tau, extras)."""
    state: dict[str, Any] = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    state[META_KEY] = {"weight_range": list(model.weight_range), "tau": model.tau, "num_masks": model.num_masks, **meta}
    torch.save(state, Path(path))


__all__ = [
    "CheckpointError",
    "CheckpointInfo",
    "check_state_dict",
    "find_prefix",
    "load_checkpoint",
    "load_isp_state_dict",
    "save_checkpoint",
]
