"""The fused engine (fixedpoint/taisp/fused.py) against the stage-wise path (``frame(..., taps=True)``):
bit for bit the same output, statistics, parameters, next-frame parameters and overflow
counts, over every CFA pattern and both demosaics, odd and tiny sizes, both statistics modes,
the shipped and spread weights, every config shipped in fixedpoint/configs/ (compact.toml
too once it exists) and the config that uses every rounding and overflow mode; the int64
window path as well as the exact float64 one; parallel, single-threaded and any band split.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.taisp import fused
from fixedpoint.config import load_config
from fixedpoint.taisp import DEFAULT_CONFIG
from fixedpoint.frontend import frontend
from fixedpoint.taisp.model import FixedTAISP
from fixedpoint.taisp.variants import write_every_mode_config
from golden.taisp.checkpoint import load_checkpoint
from golden.scene import synthetic_raw
from golden.taisp.weight_sets import spread_isp
from golden.taisp import CHECKPOINT_DIR

CONFIGS = sorted(DEFAULT_CONFIG.parent.glob("*.toml"))
STAT_FIELDS = ("n", "x_sum", "x_sumsq", "xg_sum", "logit_sum")

_ISPS: dict = {}


def isp(name: str):
    if name not in _ISPS:
        _ISPS[name] = spread_isp() if name == "spread" else load_checkpoint(CHECKPOINT_DIR / f"taisp_{name}.pth")
    return _ISPS[name]


def variant_config(tmp_path: Path):
    """The config using every rounding and overflow mode (fixedpoint.taisp.variants)."""
    return load_config(write_every_mode_config(tmp_path))


def frame_x(cfg, h: int, w: int, cfa: str = "RGGB", method: str = "bilinear", exposure="normal", seed: int = 0):
    """(3, h, w) raw frontend.x: a front-end output (at least 2x2, even for bin2) cropped to size."""
    f = 2 if method == "bin2" else 1
    hh, ww = max(h * f, 2) + (h * f) % 2, max(w * f, 2) + (w * f) % 2
    x = frontend(synthetic_raw(hh, ww, cfa=cfa, exposure=exposure, seed=seed), cfg, method)
    return np.ascontiguousarray(x[:, :h, :w])


def assert_same(a, b, what: str) -> None:
    """FrameResult a (fused) equals b (stage-wise) in everything but the taps."""
    assert a.out.dtype == b.out.dtype and a.out.shape == b.out.shape, what
    if not np.array_equal(a.out, b.out):
        bad = np.argwhere(a.out != b.out)
        raise AssertionError(f"{what}: out differs at {len(bad)} of {a.out.size} values, first {tuple(bad[0])}")
    for f in STAT_FIELDS:
        assert np.array_equal(getattr(a.stats, f), getattr(b.stats, f)), f"{what}: stats.{f}"
    assert a.params.keys() == b.params.keys(), what
    for k in a.params:
        assert np.array_equal(a.params[k], b.params[k]), f"{what}: params {k}"
    assert a.overflows == b.overflows, f"{what}: overflows {a.overflows} vs {b.overflows}"
    assert set(a.taps) == {"x", "index", "out"}, what
    for k in a.taps:
        assert a.taps[k].dtype == b.taps[k].dtype and np.array_equal(a.taps[k], b.taps[k]), f"{what}: tap {k}"


def check(cfg, isp_name: str, frames: list[np.ndarray], what: str, **kw) -> list:
    """Both statistics modes on ``frames``: each frame in ``same`` mode, then the sequence in
    ``previous`` mode (state, next_params after every frame). Returns the fused results."""
    ref = FixedTAISP(isp(isp_name), cfg)
    fx = FixedTAISP(isp(isp_name), cfg)
    got = []
    for k, x in enumerate(frames):
        a = fused.fused_frame(fx, x, "same", **kw)
        assert_same(a, ref.frame(x, "same", taps=True), f"{what} same {k}")
    for k, x in enumerate(frames):
        a = fused.fused_frame(fx, x, "previous", **kw)
        assert_same(a, ref.frame(x, "previous", taps=True), f"{what} previous {k}")
        for key, v in ref.next_params().items():
            assert np.array_equal(fx.next_params()[key], v), f"{what} next_params {key} after frame {k}"
        got.append(a)
    return got


@pytest.mark.parametrize("cfa", ["RGGB", "BGGR", "GRBG", "GBRG"])
@pytest.mark.parametrize("method", ["bilinear", "bin2"])
def test_every_cfa_and_demosaic(cfa, method):
    cfg = load_config()
    frames = [frame_x(cfg, 9, 14, cfa, method, exp, seed) for seed, exp in enumerate(("normal", "dark", "bright"))]
    check(cfg, "w1-4", frames, f"{cfa} {method}")


@pytest.mark.parametrize("size", [(2, 1), (1, 2), (3, 3), (1, 23), (23, 1), (7, 5), (33, 17), (4, 6)])
@pytest.mark.parametrize("isp_name", ["w1-4", "w5-9", "spread"])
def test_odd_and_tiny_sizes(size, isp_name):
    cfg = load_config()
    h, w = size
    frames = [frame_x(cfg, h, w, exposure=e, seed=s) for s, e in enumerate(("dark", "normal", 0.3))]
    check(cfg, isp_name, frames, f"{h}x{w} {isp_name}")


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.stem)
@pytest.mark.parametrize("isp_name", ["w1-4", "w5-9", "spread"])
def test_shipped_configs_larger_frame(config, isp_name):
    """A 64x256 frame (several bands in parallel) for every config shipped in fixedpoint/configs/."""
    cfg = load_config(config)
    frames = [frame_x(cfg, 64, 256, exposure=e, seed=s) for s, e in enumerate(("normal", "dark"))]
    check(cfg, isp_name, frames, f"{config.stem} {isp_name}", parallel=True)


@pytest.mark.parametrize("isp_name", ["w1-4", "w5-9", "spread"])
def test_every_rounding_and_overflow_mode(tmp_path, isp_name):
    cfg = variant_config(tmp_path)
    frames = [frame_x(cfg, h, w, exposure=e, seed=s) for s, (h, w, e) in
              enumerate(((10, 12, "normal"), (9, 14, "dark"), (3, 3, "bright"), (1, 7, "normal")))]
    got = check(cfg, isp_name, frames, f"variant {isp_name}")
    assert sum(r.overflows.get("rgfc.logits", 0) for r in got) > 0, "the WRAP logit format never wrapped"


@pytest.mark.skipif(os.environ.get("TAISP_FULL_MATRIX", "") in ("", "0"), reason="the int64 window path (its own Numba compilation): TAISP_FULL_MATRIX=1")
@pytest.mark.parametrize("isp_name", ["w1-4", "spread"])
def test_int64_window_path(tmp_path, isp_name):
    """The int64 windows (configs whose bound passes 2**53) give the same integers too."""
    for cfg in (load_config(), variant_config(tmp_path)):
        eng = fused.FusedEngine(FixedTAISP(isp(isp_name), cfg).weights, cfg, exact_float=False)
        assert not eng.exact_float and eng.wm.dtype == np.int64
        frames = [frame_x(cfg, h, w, exposure=e, seed=s) for s, (h, w, e) in
                  enumerate(((10, 12, "normal"), (3, 3, "dark"), (1, 5, "bright"), (40, 33, "dark")))]
        check(cfg, isp_name, frames, f"int64 {isp_name}", engine=eng)
    assert fused.FusedEngine(FixedTAISP(isp(isp_name), load_config()).weights, load_config()).exact_float


@pytest.mark.parametrize("size", [(1, 9), (3, 3), (17, 40), (70, 31)])
def test_parallel_single_thread_and_band_splits_agree(size):
    cfg = load_config()
    h, w = size
    x = frame_x(cfg, h, w, exposure="dark", seed=5)
    base = None
    for parallel in (False, True):
        for bands in (None, 1, 2, 3, h, h + 5, 4 * h + 1):  # more bands than rows: empty bands
            fx = FixedTAISP(isp("spread"), cfg)
            res = [fused.fused_frame(fx, x, m, parallel=parallel, bands=bands) for m in ("same", "previous", "previous")]
            if base is None:
                base = res
                continue
            for a, b in zip(res, base):
                assert_same(a, b, f"{size} parallel={parallel} bands={bands}")


def test_frame_default_is_fused_and_taps_true_is_stagewise():
    cfg = load_config()
    x = frame_x(cfg, 6, 7)
    fx = FixedTAISP(isp("w1-4"), cfg)
    fast, ref = fx.frame(x, "same"), fx.frame(x, "same", taps=True)
    assert set(fast.taps) == {"x", "index", "out"} and {"xg", "xs", "logits", "index", "y"} <= set(ref.taps)
    assert_same(fast, ref, "frame()")
    seq_fast = fx.sequence([x, x], "previous")
    seq_ref = fx.sequence([x, x], "previous", taps=True)
    for a, b in zip(seq_fast, seq_ref):
        assert_same(a, b, "sequence()")
    assert "index" in seq_ref[0].taps


def test_table_rounding_without_branches_matches_rshift_round():
    """The tables' interpolation rounding (branch-free) equals the general kernel, every mode."""
    from numba import njit

    from fixedpoint.arith import _kernels as K
    from fixedpoint.arith import _table_kernels as TK

    @njit
    def both(q, d, rmode, a, b):
        for i in range(q.size):
            a[i] = K.rshift_round(q[i], d[i], rmode)
            b[i] = TK.rshift_round_small(q[i], d[i], rmode)

    rng = np.random.default_rng(0)
    n = 200_000
    d = rng.integers(1, 63, n)
    q = rng.integers(-(1 << 62), 1 << 62, n) >> rng.integers(0, 62, n)
    edge = [0, 1, -1, 2, -2, 3, -3, (1 << 62) - 1, -(1 << 62)] + [(1 << k) * s for k in range(1, 28) for s in (1, -1)]
    q[:len(edge)] = edge
    # exact ties and their neighbours: m * 2**d + 2**(d-1) (+-1)
    t = slice(100, 6100)
    d[t] = rng.integers(1, 40, 6000)
    q[t] = (rng.integers(-50, 50, 6000) << d[t]) + (np.int64(1) << (d[t] - 1)) + rng.integers(-1, 2, 6000)
    for rmode in range(7):
        a, b = np.empty(n, np.int64), np.empty(n, np.int64)
        both(q, d, rmode, a, b)
        assert np.array_equal(a, b), rmode
