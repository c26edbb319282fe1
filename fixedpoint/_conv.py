"""Numba kernel: exact 'same' cross-correlation of int64 raw maps with zero padding."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def conv_same_exact(x, w, bias):
    """x (C, H, W) int64, w (O, C, k, k) int64, bias (O,) int64 already at the products' scale.

    Returns (O, H, W) int64: bias + sum of w * x over the window, exact (callers bound the
    magnitudes so that no sum leaves int64). Outside the frame x is zero (zero padding).
    """
    c_in, h, wd = x.shape
    o_n, _, k, _ = w.shape
    r = k // 2
    out = np.empty((o_n, h, wd), dtype=np.int64)
    for y in prange(h):
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
    return out
