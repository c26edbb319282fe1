"""The bit-accurate fixed-point TA-ISP: stages ``glc``, ``hsa``, ``rgfc`` and the parameter
engine ``params``, in the two statistics modes of the design note (section 2):

* ``previous`` (what the hardware does): frame N is processed with alpha, the gate and w
  computed from the statistics gathered while frame N-1 streamed (each statistic where its
  stage computes it: sums of x in GLC, sums of xg in HSA, sums of the logits in RGFC);
  the first frame after reset uses the programmed defaults;
* ``same`` (model-only oracle): every parameter from the frame's own statistics.

Input: (3, H, W) raw values of ``frontend.x`` (see :mod:`fixedpoint.frontend`).
Output: (3, H, W) 8-bit values (int64 raw of ``rgfc.out``), with integer taps of every stage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np

from golden.taisp.model import TAISP

from . import glc, hsa, params, rgfc
from ..common import RunContext
from ..config import QuantConfig, load_config


@dataclass
class FrameStats:
    """What the block gathers while a frame streams, for the next frame's parameters."""

    n: int
    x_sum: np.ndarray
    x_sumsq: np.ndarray
    xg_sum: np.ndarray
    logit_sum: np.ndarray


@dataclass
class FrameResult:
    """One frame's output, taps (raw integers) and statistics."""

    out: np.ndarray
    taps: dict[str, np.ndarray]
    stats: FrameStats
    params: dict[str, np.ndarray]
    overflows: dict[str, int] = field(default_factory=dict)


class FixedTAISP:
    """The fixed-point model of one TA-ISP checkpoint under one quantization config."""

    def __init__(self, isp: TAISP, cfg: QuantConfig | None = None, parallel: bool | None = None) -> None:
        """``parallel``: Numba's multi-threaded kernels (None: for large frames only); same integers either way."""
        self.cfg = cfg if cfg is not None else load_config()
        self.parallel = parallel
        self.weights = params.quantize_weights(isp, self.cfg)
        self.defaults = params.default_params(self.weights, self.cfg)
        self.reset()

    def reset(self) -> None:
        """Back to the programmed defaults (as after a hardware reset)."""
        self._prev: FrameStats | None = None
        self._prev_alpha = self.defaults["alpha"]
        self._prev_gate = self.defaults["gate"]

    # -- the parameter engine on a frame's statistics -----------------------------------------
    def _alpha(self, st: FrameStats | None, run: RunContext) -> dict[str, np.ndarray]:
        if st is None:
            return {"alpha": self.defaults["alpha"]}
        return params.glc_params(st.x_sum, st.x_sumsq, st.n, self.weights, self.cfg, run)

    def _gate(self, st: FrameStats | None, run: RunContext) -> dict[str, np.ndarray]:
        if st is None:
            return {"gate": self.defaults["gate"]}
        return params.hsa_gate(st.xg_sum, st.n, self.weights, self.cfg, run)

    def _w(self, st: FrameStats | None, run: RunContext) -> dict[str, np.ndarray]:
        if st is None:
            return {"w": self.defaults["w"], "inv_w": self.defaults["inv_w"]}
        return params.rgfc_params(st.logit_sum, st.n, self.weights, self.cfg, run)

    def next_params(self) -> dict[str, np.ndarray]:
        """The parameters the next frame will use in ``previous`` mode (what the hardware's
        parameter read-back shows between frames): alpha, gate, w and inv_w, raw."""
        run = RunContext(parallel=self.parallel)
        return {"alpha": self._alpha(self._prev, run)["alpha"], "gate": self._gate(self._prev, run)["gate"],
                **{k: v for k, v in self._w(self._prev, run).items() if k in ("w", "inv_w")}}

    def keep_statistics_from(self, other: "FixedTAISP") -> None:
        """Continue ``other``'s sequence with this model's weights (a weight update between frames)."""
        self._prev = other._prev

    # -- frames ----------------------------------------------------------------------------------
    def frame(self, x: np.ndarray, mode: str = "previous", taps: bool = False) -> FrameResult:
        """Process one frame (3, H, W) raw ``frontend.x``; in ``previous`` mode the state advances.

        ``taps=False``: the fused engine (:mod:`fixedpoint.taisp.fused`), taps only ``x``, ``index``, ``out``;
        ``taps=True``: this stage-wise path with the integer taps of every stage. Same integers.
        """
        if mode not in ("previous", "same"):
            raise ValueError(f"statistics mode must be 'previous' or 'same', got {mode!r}")
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[0] != 3 or not np.issubdtype(x.dtype, np.integer):
            raise ValueError(f"fixed-point input must be integer raw values of shape (3, H, W), got {x.dtype} {x.shape}")
        if not taps:
            from .fused import fused_frame

            return fused_frame(self, x, mode)
        cfg, fw, run = self.cfg, self.weights, RunContext(parallel=self.parallel)
        n = int(x.shape[1] * x.shape[2])
        x = x.astype(np.int64)
        x_sum, x_sumsq = glc.stats(x, cfg, run)
        if mode == "same":
            pa = params.glc_params(x_sum, x_sumsq, n, fw, cfg, run)
        else:
            pa = self._alpha(self._prev, run)
        xg = glc.apply_gain(x, pa["alpha"], cfg, run)
        xg_sum = hsa.xg_sums(xg, cfg, run)
        pg = params.hsa_gate(xg_sum, n, fw, cfg, run) if mode == "same" else self._gate(self._prev, run)
        h = hsa.attention(xg, pg["gate"], fw, cfg, run)
        lg = rgfc.logits(h["xm"], fw, cfg, run)
        lsum = rgfc.logit_sums(lg, cfg, run)
        pw = params.rgfc_params(lsum, n, fw, cfg, run) if mode == "same" else self._w(self._prev, run)
        index = rgfc.region_index(lg)
        pw_out = rgfc.power(h["xs"], index, pw["inv_w"], cfg, run)
        st = FrameStats(n, x_sum, x_sumsq, xg_sum, lsum)
        if mode == "previous":
            self._prev = st
        taps = {"x": x, "xg": xg, **h, "logits": lg, "index": index, **pw_out}
        prm = {**{f"glc.{k}": v for k, v in pa.items()}, **{f"hsa.{k}": v for k, v in pg.items()},
               **{f"rgfc.{k}": v for k, v in pw.items()}}
        return FrameResult(pw_out["out"], taps, st, prm, run.overflow_counts())

    def sequence(self, frames: Iterable[np.ndarray], mode: str = "previous", taps: bool = False) -> list[FrameResult]:
        """Process frames in order from reset (``taps`` as in :meth:`frame`)."""
        self.reset()
        return [self.frame(f, mode, taps) for f in frames]

    def taps_float(self, result: FrameResult) -> dict[str, np.ndarray]:
        """A frame's taps as real values (``index`` stays an integer map)."""
        return {k: (v if k == "index" else self.to_float(k, v)) for k, v in result.taps.items()}

    def to_float(self, name: str, raw: np.ndarray) -> np.ndarray:
        """A tap's raw integers as real values (its config entry's scale)."""
        fmt = {"x": "frontend.x", "xg": "glc.xg", "pooled": "hsa.pool", "m3": "hsa.m", "m5": "hsa.m", "A": "hsa.A",
               "xs": "hsa.xs", "xm": "hsa.xm", "logits": "rgfc.logits", "log2": "rgfc.log2", "e": "rgfc.e", "y": "rgfc.y",
               "out": "rgfc.out"}[name]
        return np.ldexp(np.asarray(raw, dtype=np.float64), -self.cfg[fmt].fmt.frac)
