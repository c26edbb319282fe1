"""Numba kernels: exact 'same' cross-correlation of int64 raw maps with zero padding."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


def conv_same_exact(x: np.ndarray, w: np.ndarray, bias: np.ndarray, parallel: bool | None = None) -> np.ndarray:
    """x (C, H, W) int64, w (O, C, k, k) int64, bias (O,) int64 already at the products' scale.

    Returns (O, H, W) int64: bias + sum of w * x over the window, exact (callers bound the
    magnitudes so that no sum leaves int64). Outside the frame x is zero (zero padding).
    ``parallel``: rows over threads (None: for frames of 65,536 pixels or more); same integers.
    """
    if parallel is None:
        parallel = x.shape[1] * x.shape[2] >= 1 << 16
    out = np.empty((w.shape[0], x.shape[1], x.shape[2]), dtype=np.int64)
    (_conv_par if parallel else _conv_seq)(x, w, bias, out)
    return out


@njit(inline="always", cache=True)
def _row(x, w, bias, out, y):
    c_in, h, wd = x.shape
    o_n, _, k, _ = w.shape
    r = k // 2
    for o in range(o_n):
        for xx in range(wd):
            acc = bias[o]
            for c in range(c_in):
                for dy in range(k):
                    yy = y + dy - r
                    if yy < 0 or yy >= h:
                        continue
                    for dx in range(k):
                        xc = xx + dx - r
                        if xc < 0 or xc >= wd:
                            continue
                        acc += w[o, c, dy, dx] * x[c, yy, xc]
            out[o, y, xx] = acc


@njit(cache=True)
def _conv_seq(x, w, bias, out):
    for y in range(x.shape[1]):
        _row(x, w, bias, out, y)


@njit(cache=True, parallel=True)
def _conv_par(x, w, bias, out):
    for y in prange(x.shape[1]):
        _row(x, w, bias, out, y)
