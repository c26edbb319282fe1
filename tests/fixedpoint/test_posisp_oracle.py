"""The fixed-point POS-ISP against its independent plain-Python oracle
(``tests/fixedpoint/oracle/posisp_oracle.py``), bit for bit: the driver's registers and tables,
every filter's output over the orders of the shipped and of random checkpoints, the thumbnail
sums, the 8-bit output, and the config using every rounding and overflow mode."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import torch

from fixedpoint.posisp.driver import drive, quantize_params
from fixedpoint.posisp.filters import apply_filter, output8
from fixedpoint.posisp.model import FixedPOSISP, thumbnail_sums
from fixedpoint.posisp.schema import load_posisp_config
from fixedpoint.posisp.variants import every_mode_config
from golden.posisp import CHECKPOINT_DIR, POSISP, load_posisp_checkpoint
from golden.posisp.filters import FILTER_NAMES

_spec = importlib.util.spec_from_file_location("posisp_oracle", Path(__file__).parent / "oracle" / "posisp_oracle.py")
oracle_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(oracle_mod)

H, W = 9, 11  # denoise's mirror border needs 8x8; small keeps the Python oracle quick


def _frame(seed: int, scale: float = 1.0) -> np.ndarray:
    """Raw frontend.x (u17.16): noise, a grey patch, a saturated patch, black pixels."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 1 << 16, size=(3, H, W), endpoint=True)
    x = np.minimum((x * scale).astype(np.int64), 1 << 16)
    x[:, 0:3, 0:3] = 19661          # grey 0.3
    x[:, 6:9, 8:11] = 1 << 16       # white
    x[:, 0, 8:11] = 0               # black
    x[1, 4, 4] = x[0, 4, 4]         # a tie of the maximum
    return x


def _as_list(a: np.ndarray):
    return a.tolist()


def _checkpoints():
    yield "frozen", load_posisp_checkpoint(CHECKPOINT_DIR / "posisp_frozen.pth")
    yield "joint", load_posisp_checkpoint(CHECKPOINT_DIR / "posisp_joint.pth")
    for seed in (1, 2, 3):
        torch.manual_seed(seed)
        yield f"random{seed}", POSISP()


@pytest.fixture(scope="module")
def cfg():
    return load_posisp_config()


@pytest.fixture(scope="module")
def models():
    return list(_checkpoints())


def _check_driver(orc, p_raw, drv):
    regs, tabs = orc.drive(list(p_raw))
    assert regs == drv.regs
    for name, ent in tabs.items():
        assert ent == drv.tables[name].tolist(), name


def test_checkpoint_chains_bit_exact(cfg, models):
    """Every filter's output of every checkpoint's order (shipped and random), the driver of its
    parameters and the 8-bit output, against the oracle; the orders cover all ten filters."""
    seen = set()
    for i, (label, isp) in enumerate(models):
        fx = FixedPOSISP(isp, cfg)
        x = _frame(i, scale=0.3 if i % 2 else 1.0)
        res = fx.frame(x, "same")
        orc = oracle_mod.Oracle(cfg)
        _check_driver(orc, res.p_raw, res.drv)
        regs, tabs = orc.drive(list(res.p_raw))
        prev = _as_list(res.taps["x"])
        assert res.taps["x"].tolist() == (x << (cfg["chain.x"].fmt.frac - 16)).tolist()
        for name in fx.order:
            want = orc.apply(name, prev, regs, tabs)
            assert res.taps[name].tolist() == want, f"{label}: {name}"
            prev = want
            seen.add(name)
        assert res.out.tolist() == orc.output8(prev), label
    assert seen == set(FILTER_NAMES), f"orders miss {set(FILTER_NAMES) - seen}"


@pytest.mark.parametrize("variant", ["default", "every_mode"])
def test_every_filter_random_parameters(cfg, variant):
    """Each filter alone on random inputs (values up to 3.0, so the integer bits are used) with
    random and range-end parameters; the every-mode config exercises all rounding/overflow modes
    (and overflows: counted by both)."""
    c = cfg if variant == "default" else every_mode_config()
    rng = np.random.default_rng(7)
    orc = oracle_mod.Oracle(c)
    events = 0
    for trial, p in enumerate([rng.random(27), np.zeros(27), np.ones(27), rng.random(27)]):
        p_raw = quantize_params(p, c)
        drv = drive(p_raw, c)
        _check_driver(orc, p_raw, drv)
        regs, tabs = orc.drive(list(p_raw))
        hi = (3 if variant == "default" else 40) << c["chain.x"].fmt.frac  # 40 x 11.3 overflows u28.20
        x = rng.integers(0, hi, size=(3, H, W))
        x[:, 0:3, 0:3] = 5 << (c["chain.x"].fmt.frac - 4)
        x[:, 5, :] = 0
        for name in FILTER_NAMES:
            from fixedpoint.common import RunContext
            run = RunContext()
            orc.events = {}
            y = apply_filter(name, x, drv, c, run)
            assert y.tolist() == orc.apply(name, _as_list(x), regs, tabs), f"{variant} trial {trial}: {name}"
            assert run.counts.get(name, 0) == orc.events.get(name, 0), f"{variant}: {name} overflow count"
            events += run.counts.get(name, 0)
        assert output8(x, c).tolist() == orc.output8(_as_list(x))
    if variant == "every_mode":
        assert events > 0  # the narrow chain format overflows somewhere


def test_thumbnail_sums(cfg):
    """64x64 adaptive-bin sums (overlapping bins: 70 and 90 are not multiples of 64), exact."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 1 << 16, size=(3, 70, 90), endpoint=True)
    assert thumbnail_sums(x, cfg).tolist() == oracle_mod.Oracle(cfg).thumbnail(x.tolist())
    t = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(x / 65536.0)[None], 64)[0].numpy()
    from fixedpoint.posisp.model import thumbnail_image
    assert np.abs(thumbnail_image(thumbnail_sums(x, cfg), 70, 90, cfg) - t).max() < 1e-12


def test_previous_mode(cfg, models):
    """``previous``: the first frame after reset runs on the defaults, the next on the first
    frame's thumbnail; fed one frame repeatedly, the 2nd output equals the ``same`` output."""
    isp = models[0][1]
    fx = FixedPOSISP(isp, cfg)
    x = _frame(11)
    same = fx.frame(x, "same")
    seq = fx.sequence([x, x, x], "previous")
    assert seq[0].drv.regs == fx.defaults.regs
    assert seq[1].p_raw == same.p_raw and seq[2].p_raw == same.p_raw
    assert np.array_equal(seq[1].out, same.out) and np.array_equal(seq[2].out, same.out)
    fx.reset()
    first = fx.frame(x, "previous")
    assert first.p_raw == fx.defaults.p
