"""The fixed-point POS-ISP against the float model (denoise ``mirror`` border): at least 99.5% of
8-bit output values within +-1 LSB, on crops of the real RAW files and the built-in scene, with
both shipped checkpoints and with parameters at the ends of every range. CI-sized (crops); the
whole check on whole frames is ``python -m fixedpoint.posisp.accuracy`` (figures in
docs/issues/ISSUE20_NOTE.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from fixedpoint.posisp.accuracy import (TARGET_WITHIN_1LSB, accuracy_sweep, centre_crop, compare_chain, range_end_params,
                                        scene_inputs, summary)
from fixedpoint.posisp.model import FixedPOSISP
from fixedpoint.posisp.schema import load_posisp_config
from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint

RAW_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"


@pytest.fixture(scope="module")
def cfg():
    return load_posisp_config()


@pytest.fixture(scope="module")
def isps():
    return [(n, load_posisp_checkpoint(CHECKPOINT_DIR / f"posisp_{n}.pth")) for n in ("frozen", "joint")]


@pytest.fixture(scope="module")
def inputs(cfg):
    from golden.raw import read_raw
    from fixedpoint.frontend import frontend

    if not (RAW_DIR / "MANIFEST.json").is_file():
        pytest.fail(f"the real RAW files are missing: {RAW_DIR}")
    real = [(f, centre_crop(frontend(read_raw(RAW_DIR / f), cfg, "bin2"), 64)) for f in
            ("rose_768x512_14bit_rggb.raw", "darkframe_1920x1080_12bit_bggr.raw", "chart_1920x1080_10bit_rggb.raw")]
    return real + scene_inputs(cfg, 48, 64, exposures=("normal", "dark"))


def test_range_end_sets():
    sets = dict(range_end_params())
    assert len(sets) == 22 and np.all(sets["all=0"] == 0) and np.all(sets["all=1"] == 1)
    assert sets["tone=1"][13:21].tolist() == [1.0] * 8 and sets["tone=1"][0] == 0.5


def test_agent_parameters(cfg, isps, inputs):
    cases = accuracy_sweep(isps, inputs, cfg, range_ends=False, progress=False)
    s = summary(cases)
    assert s["min_within_1lsb_8bit"] >= TARGET_WITHIN_1LSB, s
    # the comparison is not vacuous: the chains change the image and both sides see the same parameters
    for c in cases:
        assert np.abs(np.array(c.figures["p_fixed"]) - np.array(c.figures["p_float"])).max() < 1e-3
        assert "mirror_vs_circular_8bit" in c.figures


def test_range_ends(cfg, isps, inputs):
    """Every range end on a 32x32 crop: the rose with the frozen checkpoint's order, the dark scene
    with the joint one's (the whole matrix is ``python -m fixedpoint.posisp.accuracy``)."""
    crops = {n: centre_crop(x, 32) for n, x in inputs}
    cases = []
    for (ck, isp), name in zip(isps, ("rose_768x512_14bit_rggb.raw", "scene:dark")):
        cases += accuracy_sweep([(ck, isp)], [(name, crops[name])], cfg, crop=None, progress=False)
    cases = [c for c in cases if c.params != "agent"]
    s = summary(cases)
    assert len(cases) == 2 * 22
    assert s["min_within_1lsb_8bit"] >= TARGET_WITHIN_1LSB, s["failing"]


def test_compare_chain_detects_a_wrong_parameter(cfg, isps, inputs):
    """A fixed side run with other parameters than the float side's is far off (the check bites)."""
    name, isp = isps[0]
    fx = FixedPOSISP(isp, cfg)
    x = inputs[0][1]
    good = compare_chain(fx, isp, x, p=np.full(27, 0.5))
    fx2 = FixedPOSISP(isp, cfg, agent=lambda t: np.full(27, 0.9))
    r = fx2.frame(x, "same")
    assert good["within_1lsb_8bit"] >= TARGET_WITHIN_1LSB
    from fixedpoint.posisp.accuracy import float_chain, golden8
    y, _, _ = float_chain(isp, np.ldexp(x.astype(float), -16), np.full(27, 0.5), fx.order)
    assert np.mean(np.abs(r.out - golden8(y)) <= 1) < 0.9
