"""Helpers shared by the fixed-point stages: requantizing exact integer values into a config
entry, the clamp constants, exact rounded division, and overflow bookkeeping.

Every stage works on int64 raw values (value = raw * 2**-frac). Products and sums of raw
values are exact in int64 (the stages check their bounds); the only places where bits are
dropped are the explicit requantizations into config entries, each with its own rounding and
overflow mode.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .arith import FxFormat, requantize
from .config import Q

#: The float model's lower clamp, clamp(v, 1e-6, 1).
EPS = 1e-6


@dataclass
class RunContext:
    """One run of the model: its execution option and its bookkeeping.

    Attributes:
        parallel: Numba's multi-threaded kernels: None for large arrays only, True/False
            always/never. The integers computed do not depend on it.
        counts: values saturated or wrapped per config entry (for the report).
    """

    parallel: bool | None = None
    counts: Counter = field(default_factory=Counter)

    def count_overflow(self, key: str, n: int) -> None:
        if n:
            self.counts[key] += int(n)

    def overflow_counts(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


def rq(raw: np.ndarray | int, src_frac: int, q: Q, key: str, run: RunContext | None = None) -> np.ndarray:
    """Requantize exact int64 values with ``src_frac`` fractional bits into entry ``q``."""
    arr = np.asarray(raw, dtype=np.int64)
    res = requantize(arr, FxFormat(True, 64, src_frac), q.fmt, q.rounding, q.overflow,
                     parallel=None if run is None else run.parallel)
    if run is not None:
        run.count_overflow(key, res.n_overflow)
    return res.raw


def table(cfg, name: str, raw: np.ndarray, run: RunContext | None = None) -> np.ndarray:
    """Evaluate the config's function table ``name`` on raw inputs (the run's parallel option)."""
    return cfg.table(name).evaluate(raw, parallel=None if run is None else run.parallel)


def one(fmt: FxFormat) -> int:
    """Raw value of 1.0 in ``fmt`` (saturated to the format's maximum)."""
    return min(1 << fmt.frac, fmt.max_raw) if fmt.frac >= 0 else min(1, fmt.max_raw)


def eps_raw(fmt: FxFormat) -> int:
    """Raw value of the 1e-6 clamp floor in ``fmt``: round(1e-6 * 2**frac), at least 1 LSB.

    The floor is kept as a deliberate constant rather than dropped: it is what makes
    log2 finite and the power curve of a black pixel equal the float model's (1e-6)^(1/w).
    """
    return max(1, int(round(EPS * 2.0**fmt.frac)))


def third_raw(fmt: FxFormat) -> int:
    """Raw value of the constant 1/3 (the channel mean's divisor) in ``fmt``: round(2**frac / 3)."""
    return int(round(2.0**fmt.frac / 3.0))


def clamp_eps_one(raw: np.ndarray, fmt: FxFormat) -> np.ndarray:
    """``clamp(v, 1e-6, 1)`` on raw values of ``fmt``."""
    return np.clip(raw, eps_raw(fmt), one(fmt))


def div_round(num: int, den: int) -> int:
    """Exactly specified integer division: ``floor(num / den + 1/2)`` (round half up), den > 0.

    Python integers, exact for any size: what a sequential divider in the parameter engine computes.
    """
    if den <= 0:
        raise ValueError(f"division by a non-positive pixel count {den}")
    return (2 * int(num) + int(den)) // (2 * int(den))


def frame_mean(sums: np.ndarray, src_frac: int, dst_frac: int, n: int) -> np.ndarray:
    """``div_round(sum / n)`` of each frame sum (raw with ``src_frac`` bits), with ``dst_frac`` bits."""
    up, down = max(dst_frac - src_frac, 0), max(src_frac - dst_frac, 0)
    return np.array([div_round(int(s) << up, int(n) << down) for s in sums], dtype=np.int64)


def channel_sums(values: np.ndarray, src_frac: int, q: Q, key: str, run: RunContext | None = None) -> np.ndarray:
    """Exact per-channel frame sums of (C, H, W) raw values, brought into entry ``q`` (the accumulator)."""
    s = values.reshape(values.shape[0], -1).sum(axis=1, dtype=np.int64)
    return rq(s, src_frac, q, key, run)


def quantize_param(values: np.ndarray, q: Q, key: str) -> np.ndarray:
    """Quantize float weights into entry ``q``; weights that do not fit are an error, not a silent clip."""
    from .arith import quantize

    v = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{key}: weights hold NaN/Inf")
    res = quantize(v, q.fmt, q.rounding, "SAT")
    if res.n_overflow:
        raise ValueError(f"{key}: {res.n_overflow} weight(s) outside the range of {q.fmt} "
                         f"(max |w| = {np.abs(v).max():.4g}); widen the format in the quantization config")
    return res.raw
