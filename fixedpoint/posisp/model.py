"""The bit-accurate fixed-point POS-ISP: the thumbnail accumulator, the chain of filters in the
checkpoint's order, and the two statistics modes of TA-ISP's model:

* ``previous`` (what the hardware does): frame N's parameters come from the 64x64 thumbnail of
  frame N-1 (the float parameter agent runs in software during blanking, its 27 outputs are
  quantized into ``driver.p`` and driven); after reset the driver output of ``DEFAULT_P``;
* ``same`` (model-only oracle): every frame's parameters from its own thumbnail.

Input: (3, H, W) raw ``frontend.x`` (:func:`fixedpoint.frontend.frontend`). Output: (3, H, W)
8-bit values (raw ``chain.out``), with every filter's output as integer taps.

    fx = FixedPOSISP(load_posisp_checkpoint(path))
    res = fx.frame(x_fe)                     # res.out, res.taps["tone"], res.drv.regs, res.p_raw
    y, taps = run_chain(x, drv, cfg, order)  # the chain alone on raw chain.x with given registers
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np

from golden.posisp.filters import FILTER_NAMES

from ..common import RunContext
from ..config import QuantConfig
from . import filters as F
from .driver import DriverOutput, default_output, drive, quantize_params
from .regmap import THUMB_SIZE
from .schema import load_posisp_config


# -- the thumbnail accumulator --------------------------------------------------------------------
def adaptive_bins(n: int, k: int = THUMB_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """PyTorch's adaptive pooling bins: cell i covers [floor(i n / k), ceil((i + 1) n / k))."""
    i = np.arange(k, dtype=np.int64)
    return (i * n) // k, -((-(i + 1) * n) // k)


def thumbnail_sums(x_fe: np.ndarray, cfg: QuantConfig, run: RunContext | None = None) -> np.ndarray:
    """(3, 64, 64) exact sums of raw ``frontend.x`` over the adaptive bins, in ``thumb.sum``
    (what the block accumulates while the frame streams; a pixel adds into up to 2 x 2 cells)."""
    from ..common import rq

    x = np.asarray(x_fe, dtype=np.int64)
    _, h, w = x.shape
    r0, r1 = adaptive_bins(h)
    c0, c1 = adaptive_bins(w)
    ii = np.zeros((3, h + 1, w + 1), dtype=np.int64)
    ii[:, 1:, 1:] = x.cumsum(axis=1).cumsum(axis=2)
    s = (ii[:, r1][:, :, c1] - ii[:, r0][:, :, c1] - ii[:, r1][:, :, c0] + ii[:, r0][:, :, c0])
    return rq(s, cfg["frontend.x"].fmt.frac, cfg["thumb.sum"], "thumb", run)


def thumbnail_counts(h: int, w: int) -> np.ndarray:
    """(64, 64) pixels per thumbnail cell."""
    r0, r1 = adaptive_bins(h)
    c0, c1 = adaptive_bins(w)
    return np.outer(r1 - r0, c1 - c0)


def thumbnail_image(sums: np.ndarray, h: int, w: int, cfg: QuantConfig) -> np.ndarray:
    """The parameter agent's input: the area averages in float64 (software's division)."""
    return np.asarray(sums, dtype=np.float64) / thumbnail_counts(h, w) / 2.0**cfg["thumb.sum"].fmt.frac


# -- the chain ------------------------------------------------------------------------------------
def check_order(order: Sequence) -> list[str]:
    """Filter names of an order (names or indices), each at most once (ValueError otherwise)."""
    names = [FILTER_NAMES[o] if not isinstance(o, str) else o for o in order]
    bad = [n for n in names if n not in FILTER_NAMES]
    if bad or len(set(names)) != len(names) or len(names) > len(FILTER_NAMES):
        raise ValueError(f"a POS-ISP order holds each of the ten filters at most once, got {list(order)}")
    return names


def run_chain(x: np.ndarray, drv: DriverOutput, cfg: QuantConfig, order: Sequence,
              run: RunContext | None = None) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
    """The filters of ``order`` on raw ``chain.x`` (3, H, W) with one frame's driver output:
    ``(y, [(name, output), ...])``, every filter's output kept (the taps)."""
    y = np.asarray(x, dtype=np.int64)
    outs = []
    for name in check_order(order):
        y = F.apply_filter(name, y, drv, cfg, run)
        outs.append((name, y))
    return y, outs


@dataclass
class FrameResult:
    """One frame: the 8-bit output, the taps (``x`` = the chain input in ``chain.x``, then one per
    filter in chain order, ``out``), the frame's thumbnail sums, the raw parameters and driver
    output it was processed with, and the overflow events per filter."""

    out: np.ndarray
    taps: dict[str, np.ndarray]
    thumb: np.ndarray
    p_raw: tuple[int, ...]
    drv: DriverOutput
    overflows: dict[str, int] = field(default_factory=dict)


class FixedPOSISP:
    """The fixed-point POS-ISP of one checkpoint (its order and float parameter agent).

    Args:
        isp: a golden :class:`~golden.posisp.POSISP` (order and parameter agent), or None with
            ``order`` and ``agent`` given.
        cfg: the quantization config (default ``posisp/configs/default.toml``).
        order: filter names (default: the checkpoint's).
        agent: thumbnail (3, 64, 64) float64 -> 27 floats in [0, 1] (default: ``isp.param_net``
            in float32, as the float model runs it).
    """

    def __init__(self, isp=None, cfg: QuantConfig | None = None, order: Sequence | None = None,
                 agent: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.cfg = cfg if cfg is not None else load_posisp_config()
        if order is None:
            if isp is None:
                raise ValueError("FixedPOSISP needs a golden POSISP or an order")
            order = isp.sequence()
        self.order = check_order(order)
        if agent is None:
            if isp is None:
                raise ValueError("FixedPOSISP needs a golden POSISP or an agent")
            agent = _torch_agent(isp)
        self.agent = agent
        self.defaults = default_output(self.cfg)
        self.reset()

    def reset(self) -> None:
        """Back to the programmed defaults (as after a hardware reset)."""
        self._next = self.defaults

    def params_from_thumbnail(self, sums: np.ndarray, h: int, w: int) -> tuple[int, ...]:
        """Software's part: the float agent on the thumbnail, its outputs quantized into driver.p."""
        return quantize_params(self.agent(thumbnail_image(sums, h, w, self.cfg)), self.cfg)

    def frame(self, x_fe: np.ndarray, mode: str = "previous", p=None) -> FrameResult:
        """Process one frame of raw ``frontend.x`` (3, H, W). ``p``: 27 float parameters that
        replace the agent's (for the range-end checks; the state does not advance then)."""
        if mode not in ("previous", "same"):
            raise ValueError(f"statistics mode must be 'previous' or 'same', got {mode!r}")
        x_fe = np.asarray(x_fe)
        if x_fe.ndim != 3 or x_fe.shape[0] != 3 or not np.issubdtype(x_fe.dtype, np.integer):
            raise ValueError(f"fixed-point input must be integer raw values of shape (3, H, W), got {x_fe.dtype} {x_fe.shape}")
        cfg, run = self.cfg, RunContext(parallel=False)
        _, h, w = x_fe.shape
        sums = thumbnail_sums(x_fe, cfg, run)
        if p is not None:
            drv = drive(quantize_params(p, cfg), cfg)
        elif mode == "same":
            drv = drive(self.params_from_thumbnail(sums, h, w), cfg)
        else:
            drv = self._next
            self._next = drive(self.params_from_thumbnail(sums, h, w), cfg)
        x = F.chain_input(x_fe, cfg, run)
        y, outs = run_chain(x, drv, cfg, self.order, run)
        out = F.output8(y, cfg, run)
        taps = {"x": x, **dict(outs), "out": out}
        return FrameResult(out, taps, sums, drv.p, drv, run.overflow_counts())

    def sequence(self, frames: Iterable[np.ndarray], mode: str = "previous") -> list[FrameResult]:
        """Frames in order from reset."""
        self.reset()
        return [self.frame(f, mode) for f in frames]

    def to_float(self, name: str, raw: np.ndarray) -> np.ndarray:
        """A tap as real values (``out``: 8-bit integers as they are)."""
        if name == "out":
            return np.asarray(raw, dtype=np.float64)
        return np.ldexp(np.asarray(raw, dtype=np.float64), -self.cfg["chain.x"].fmt.frac)


def _torch_agent(isp) -> Callable[[np.ndarray], np.ndarray]:
    import torch

    def agent(thumb: np.ndarray) -> np.ndarray:
        dtype = next(isp.param_net.parameters()).dtype
        with torch.no_grad():
            t = torch.as_tensor(thumb, dtype=dtype)[None]
            return isp.predict_params(t)[0].double().numpy()

    return agent


__all__ = ["FixedPOSISP", "FrameResult", "adaptive_bins", "check_order", "run_chain", "thumbnail_counts",
           "thumbnail_image", "thumbnail_sums"]
