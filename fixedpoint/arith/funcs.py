"""Float64 reference functions that the function tables approximate.

Each entry names the function, its float64 implementation (NumPy, vectorised,
real input values in, real values out) and its domain: ``"all"`` or
``"positive"`` (x > 0; the tables for those map raw input 0 to a fixed
out-of-domain value, see :mod:`fixedpoint.arith.tables`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), overflow-free in both directions."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)) (torch's softplus with beta = 1)."""
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


def log2(x: np.ndarray) -> np.ndarray:
    """Base-2 logarithm; -inf at 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log2(np.asarray(x, dtype=np.float64))


def exp2(x: np.ndarray) -> np.ndarray:
    """2 ** x."""
    return np.exp2(np.asarray(x, dtype=np.float64))


def reciprocal(x: np.ndarray) -> np.ndarray:
    """1 / x; +inf at 0."""
    with np.errstate(divide="ignore"):
        return 1.0 / np.asarray(x, dtype=np.float64)


def contrast_gain(x: np.ndarray) -> np.ndarray:
    """POS-ISP contrast's gain of the luma L: (0.5 - 0.5 cos(pi L)) / (L + 1e-6), L clamped to [0, 1]."""
    L = np.clip(np.asarray(x, dtype=np.float64), 0.0, 1.0)
    return (0.5 - 0.5 * np.cos(np.pi * L)) / (L + 1e-6)


def identity(x: np.ndarray) -> np.ndarray:
    """x itself: the placeholder contents of a per-frame table (whose entries a driver writes)."""
    return np.asarray(x, dtype=np.float64)


@dataclass(frozen=True)
class FunctionSpec:
    """A tabulated function: float64 implementation and domain."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    domain: str  # "all" or "positive"


FUNCTIONS: dict[str, FunctionSpec] = {
    "sigmoid": FunctionSpec("sigmoid", sigmoid, "all"),
    "softplus": FunctionSpec("softplus", softplus, "all"),
    "log2": FunctionSpec("log2", log2, "positive"),
    "exp2": FunctionSpec("exp2", exp2, "all"),
    "reciprocal": FunctionSpec("reciprocal", reciprocal, "positive"),
    "contrast_gain": FunctionSpec("contrast_gain", contrast_gain, "all"),
    "identity": FunctionSpec("identity", identity, "all"),
}


def get_function(name: str) -> FunctionSpec:
    if not isinstance(name, str):
        raise TypeError(f"function name must be a str, got {type(name).__name__}")
    try:
        return FUNCTIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown table function {name!r}: expected one of {', '.join(FUNCTIONS)}"
        ) from None
