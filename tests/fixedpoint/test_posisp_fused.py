"""The fast path of the fixed-point POS-ISP (``RunContext(parallel=True)``: row-parallel kernels,
denoise's offsets in one fused pass, :mod:`fixedpoint.posisp.fused`) against the reference path
(single-threaded kernels, one denoise kernel call per offset), bit for bit: every filter alone on
random and range-end parameters, odd, tiny and non-square frames, the default and the every-mode
config, the overflow counts, and the whole chain in the orders of the shipped and random
checkpoints (together all ten filters)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from fixedpoint.common import RunContext
from fixedpoint.posisp.accuracy import range_end_params
from fixedpoint.posisp.driver import drive, quantize_params
from fixedpoint.posisp.filters import apply_filter, chain_input, output8
from fixedpoint.posisp.model import FixedPOSISP, run_chain
from fixedpoint.posisp.schema import load_posisp_config
from fixedpoint.posisp.variants import every_mode_config
from golden.posisp import CHECKPOINT_DIR, POSISP, load_posisp_checkpoint
from golden.posisp.filters import FILTER_NAMES

SIZES = ((8, 8), (9, 13), (17, 10))  # (H, W): the smallest denoise frame, odd, tall


def _x(seed: int, h: int, w: int, hi: int) -> np.ndarray:
    """Raw chain.x values up to ``hi`` (values above 1.0 included), with flat and black patches."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, hi, size=(3, h, w), endpoint=True).astype(np.int64)
    x[:, :3, :3] = hi // 3
    x[:, -1, -2:] = 0
    return x


def _both(name, x, drv, cfg):
    runs = RunContext(parallel=False), RunContext(parallel=True)
    ref, fast = (apply_filter(name, x, drv, cfg, r) for r in runs)
    return ref, fast, runs


@pytest.mark.parametrize("which", ["default", "every_mode"])
def test_every_filter_fast_equals_reference(which):
    cfg = load_posisp_config() if which == "default" else every_mode_config()
    one, top = 1 << cfg["chain.x"].fmt.frac, (1 << cfg["chain.x"].fmt.width) - 1
    rng = np.random.default_rng(7)
    psets = [p for _, p in range_end_params()[:2]] + [rng.random(27) for _ in range(2)]
    n_over = 0
    for i, p in enumerate(psets):
        drv = drive(quantize_params(p, cfg), cfg)
        for h, w in SIZES:
            x = _x(i * 10 + h, h, w, top if i % 2 else one)  # the whole format on odd sets
            for name in FILTER_NAMES:
                ref, fast, runs = _both(name, x, drv, cfg)
                assert np.array_equal(ref, fast), (which, name, i, h, w)
                assert runs[0].overflow_counts() == runs[1].overflow_counts(), (which, name)
                n_over += sum(runs[0].overflow_counts().values())
            r0, r1 = RunContext(parallel=False), RunContext(parallel=True)
            assert np.array_equal(output8(x, cfg, r0), output8(x, cfg, r1))
            assert r0.overflow_counts() == r1.overflow_counts()
    assert n_over > 0  # the comparison covered saturating requantizations


@pytest.mark.parametrize("bands", [1, 3, 40])
def test_denoise_any_band_split(bands, monkeypatch):
    """The fused denoise's band split (one band, uneven bands, more bands than rows)."""
    from fixedpoint.posisp import fused

    cfg = load_posisp_config()
    monkeypatch.setattr(fused, "band_count", lambda h: bands)
    drv = drive(quantize_params(np.random.default_rng(5).random(27), cfg), cfg)
    x = _x(bands, 19, 12, 1 << cfg["chain.x"].fmt.frac)
    ref, fast, runs = _both("denoise", x, drv, cfg)
    assert np.array_equal(ref, fast)


def test_chains_fast_equals_reference():
    cfg = load_posisp_config()
    isps = [load_posisp_checkpoint(CHECKPOINT_DIR / f"posisp_{n}.pth") for n in ("frozen", "joint")]
    torch.manual_seed(3)
    isps.append(POSISP())
    seen = set()
    for i, isp in enumerate(isps):
        fx = FixedPOSISP(isp, cfg)
        x_fe = np.random.default_rng(i).integers(0, 1 << 16, size=(3, 23, 31), endpoint=True)
        res = fx.frame(x_fe, "same")
        run = RunContext(parallel=True)
        y, outs = run_chain(chain_input(x_fe, cfg), res.drv, cfg, fx.order, run)
        for name, out in outs:
            assert np.array_equal(out, res.taps[name]), name
        assert np.array_equal(output8(y, cfg, run), res.out)
        seen.update(fx.order)
    assert seen == set(FILTER_NAMES)
