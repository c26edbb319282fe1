"""Expected values of the generated POS-ISP chain (``posisp_chain``) for its benches.

The chain's input and output stages and the thumbnail are computed here from the shared
fixed-point library (``fixedpoint.common.rq`` with the config's entries: chain input
``rq(frontend.x, Ffe, chain.x)``, output ``rq(min(y, 1) * 255, Fx, chain.out)``, fixedpoint/README.md
section POS-ISP; the thumbnail's exact adaptive-pooling sums). The filters between them come
from the fixed-point chain model of ``fixedpoint.posisp`` (milestone "posisp M2" of issue 20);
until it is on the branch, :func:`chain_output` takes the empty chain only and names the missing
model otherwise.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from fixedpoint.common import rq
from fixedpoint.config import QuantConfig


def chain_input(x_fe: np.ndarray, cfg: QuantConfig) -> np.ndarray:
    """(3, H, W) raw ``frontend.x`` -> raw ``chain.x`` (the chain's input requantization)."""
    return rq(np.asarray(x_fe, dtype=np.int64), cfg["frontend.x"].fmt.frac, cfg["chain.x"], "chain.x")


def chain_out(y: np.ndarray, cfg: QuantConfig) -> np.ndarray:
    """Raw ``chain.x`` -> raw ``chain.out``: ``rq(min(y, 1) * 255, Fx, chain.out)``."""
    fx = cfg["chain.x"].fmt
    one = 1 << fx.frac
    return rq(np.minimum(np.asarray(y, dtype=np.int64), one) * 255, fx.frac, cfg["chain.out"], "chain.out")


def chain_output(x_fe: np.ndarray, order: Sequence[str], cfg: QuantConfig) -> np.ndarray:
    """The chain's output (3, H, W) raw ``chain.out`` for an input frame of raw ``frontend.x``."""
    if list(order):
        raise NotImplementedError("the fixed-point POS-ISP chain model (fixedpoint.posisp, issue 20 'posisp M2') "
                                  f"is not on this branch: only the empty chain is modelled, not {list(order)}")
    return chain_out(chain_input(x_fe, cfg), cfg)


def adaptive_bins(n: int, grid: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive pooling bins of an axis of ``n`` samples: (first, last) index of each of ``grid`` cells."""
    return [((i * n) // grid, -(-((i + 1) * n) // grid) - 1) for i in range(grid)]


def thumb_sums(x_fe: np.ndarray, grid: int = 64) -> np.ndarray:
    """Exact (3, grid, grid) per-cell sums of a (3, H, W) raw frame over PyTorch's adaptive bins."""
    x = np.asarray(x_fe, dtype=np.int64)
    _, h, w = x.shape
    # cumulative sums with a zero row/column: a cell's sum from four corners
    c = np.zeros((3, h + 1, w + 1), dtype=np.int64)
    c[:, 1:, 1:] = x.cumsum(1).cumsum(2)
    rb, cb = adaptive_bins(h, grid), adaptive_bins(w, grid)
    out = np.zeros((3, grid, grid), dtype=np.int64)
    for i, (r0, r1) in enumerate(rb):
        for j, (c0, c1) in enumerate(cb):
            out[:, i, j] = c[:, r1 + 1, c1 + 1] - c[:, r0, c1 + 1] - c[:, r1 + 1, c0] + c[:, r0, c0]
    return out


def random_frames(n: int, width: int, height: int, cfg: QuantConfig, seed: int = 0, over: float = 0.25) -> list[np.ndarray]:
    """``n`` frames (3, H, W) of raw ``frontend.x``: uniform values below 1.0, a share ``over``
    of the pixels above it (up to the format's largest value: the chain's clamps and saturation)."""
    rng = np.random.default_rng(seed)
    f = cfg["frontend.x"].fmt
    one, top = 1 << f.frac, (1 << f.width) - 1
    out = []
    for _ in range(n):
        x = rng.integers(0, one, size=(3, height, width), dtype=np.int64)
        hi = rng.random((3, height, width)) < over
        x[hi] = rng.integers(one, top + 1, size=int(hi.sum()), dtype=np.int64)
        out.append(x)
    return out





def thumb_image(sums: np.ndarray, height: int, width: int, cfg: QuantConfig) -> np.ndarray:
    """The parameter agent's 64x64 input (float64, (3, 64, 64)): each cell's sum divided by its
    pixel count, in units of 1.0 of ``frontend.x`` (what software computes from the window)."""
    g = sums.shape[-1]
    rn = np.array([r1 - r0 + 1 for r0, r1 in adaptive_bins(height, g)], dtype=np.float64)
    cn = np.array([c1 - c0 + 1 for c0, c1 in adaptive_bins(width, g)], dtype=np.float64)
    return sums.astype(np.float64) / (rn[:, None] * cn[None, :]) / float(1 << cfg["frontend.x"].fmt.frac)


def agent_driver_output(sums: np.ndarray, height: int, width: int, isp, cfg: QuantConfig):
    """``previous`` mode's software step: the float parameter agent of ``isp`` (a golden POSISP)
    on the thumbnail, its 27 outputs quantized into ``driver.p``, the driver's output for them."""
    import torch

    from fixedpoint.posisp.driver import drive, quantize_params

    img = torch.from_numpy(thumb_image(sums, height, width, cfg)).float()[None]
    with torch.no_grad():
        p = isp.predict_params(img)[0].double().numpy()
    return drive(quantize_params(p, cfg), cfg)
__all__ = ["adaptive_bins", "agent_driver_output", "chain_input", "chain_out", "chain_output", "random_frames", "thumb_image",
           "thumb_sums"]
