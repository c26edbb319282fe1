"""The fixed-point TA-ISP (work in progress for issue 5): config validation, agreement with the
golden model, and the previous-frame statistics mode converging to the same-frame oracle."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sim.taisp.stimulus import spread_isp

from fixedpoint.config import ConfigError, load_config
from fixedpoint.taisp import DEFAULT_CONFIG
from fixedpoint.frontend import frontend as fixed_frontend
from fixedpoint.taisp.model import FixedTAISP
from golden.taisp.checkpoint import load_checkpoint
from golden.taisp.model import TAISP
from golden.scene import synthetic_raw
from golden.taisp import CHECKPOINT_DIR


@pytest.fixture(scope="module")
def cfg():
    return load_config()


def _isps():
    return [load_checkpoint(CHECKPOINT_DIR / "taisp_w1-4.pth"), load_checkpoint(CHECKPOINT_DIR / "taisp_w5-9.pth"), spread_isp()]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_previous_mode_reaches_same_mode_on_the_fourth_frame(cfg, which):
    isp = _isps()[which]
    fx = FixedTAISP(isp, cfg)
    x = fixed_frontend(synthetic_raw(40, 56, exposure="dark", seed=3), cfg, "bilinear")
    same = fx.frame(x, "same", taps=True)
    seq = fx.sequence([x] * 5, "previous", taps=True)
    assert not np.array_equal(seq[0].out, same.out)  # defaults differ from the frame's own parameters
    for k in range(3, 5):
        assert np.array_equal(seq[k].out, same.out), f"frame {k + 1}"
        for name in ("xg", "A", "xs", "logits", "index", "y"):
            assert np.array_equal(seq[k].taps[name], same.taps[name]), (k, name)
    # each parameter becomes right exactly when the design note says: alpha from frame 2,
    # the gate from frame 3, w from frame 4
    assert np.array_equal(seq[1].params["glc.alpha"], same.params["glc.alpha"])
    assert np.array_equal(seq[2].params["hsa.gate"], same.params["hsa.gate"])
    assert np.array_equal(seq[3].params["rgfc.inv_w"], same.params["rgfc.inv_w"])


@pytest.mark.parametrize("which", [0, 1, 2])
def test_same_mode_agrees_with_golden_hard(cfg, which):
    """On the fixed front end's own input: >= 99.5% of 8-bit values within 1 LSB, regions >= 99%."""
    isp = _isps()[which]
    fx = FixedTAISP(isp, cfg)
    for exposure in ("dark", "normal", "bright"):
        x = fixed_frontend(synthetic_raw(96, 128, exposure=exposure, seed=1), cfg, "bilinear")
        r = fx.frame(x, "same")
        with torch.no_grad():
            y, taps = isp(torch.from_numpy(np.ldexp(x.astype(np.float64), -cfg["frontend.x"].fmt.frac)).float()[None],
                          mask_mode="hard", taps=True)
        g8 = torch.round(torch.clamp(y, 1e-6, 1) * 255)[0].numpy()
        d = np.abs(r.out - g8)
        assert (d <= 1).mean() >= 0.995, exposure
        assert (r.taps["index"] == taps["index"][0].numpy()).mean() >= 0.99, exposure


def test_fixed_front_end_within_one_lsb_of_float(cfg):
    from golden.frontend import frontend as float_frontend

    for cfa in ("RGGB", "BGGR", "GRBG", "GBRG"):
        raw = synthetic_raw(32, 48, cfa=cfa, seed=2)
        for method in ("bin2", "bilinear"):
            a = np.ldexp(fixed_frontend(raw, cfg, method).astype(np.float64), -cfg["frontend.x"].fmt.frac)
            b = float_frontend(raw, method, np.float64)
            assert np.abs(a - b).max() <= 2.0 ** -cfg["frontend.x"].fmt.frac


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "q.toml"
    p.write_text(text)
    return p


def _edited(edit) -> dict:
    import copy
    import tomllib

    data = copy.deepcopy(tomllib.loads(DEFAULT_CONFIG.read_text()))
    edit(data)
    return data


def test_config_errors(tmp_path: Path, cfg):
    from fixedpoint.config import QuantConfig

    xg = cfg["glc.xg"].fmt
    with pytest.raises(ConfigError, match=r"\[glc.bogus\] unknown entry"):
        QuantConfig(_edited(lambda d: d["glc"].update(bogus={"fmt": "s8.4"})), "t")
    with pytest.raises(ConfigError, match=r"\[glc.alpha\] missing entry"):
        QuantConfig(_edited(lambda d: d["glc"].pop("alpha")), "t")
    for bad in (f"u0.{xg.frac}", f"u65.{xg.frac}"):
        with pytest.raises(ConfigError, match=rf"\[glc.xg\] impossible format '{bad}'"):
            QuantConfig(_edited(lambda d: d["glc"].update(xg={"fmt": bad})), "t")
    with pytest.raises(ConfigError, match=r"\[glc.xg.rounding\]"):
        QuantConfig(_edited(lambda d: d["glc"].update(xg={"fmt": str(xg), "rounding": "nearest"})), "t")
    narrower = f"u{cfg['hsa.xs'].fmt.width - 1}.{cfg['hsa.xs'].fmt.frac}"
    with pytest.raises(ConfigError, match=rf"\[tables.log2.in_fmt\] is {narrower} but \[hsa.xs\] is {cfg['hsa.xs'].fmt}"):
        QuantConfig(_edited(lambda d: d["tables"]["log2"].update(in_fmt=narrower)), "t")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "schema = = 1"))
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")


def test_weights_outside_their_format_are_refused(cfg):
    isp = spread_isp()
    with torch.no_grad():
        isp.gain_mlp[0].weight[0, 0] = 100.0
    with pytest.raises(ValueError, match=r"glc.w1 \(gain_mlp.0.weight\): 1 weight\(s\) outside the range of s16.12"):
        FixedTAISP(isp, cfg)


def test_report_writes_figures_and_meets_the_bounds(tmp_path: Path, cfg):
    import json

    from fixedpoint.taisp.report import run_report

    raws = [synthetic_raw(72, 96, exposure=e, seed=4) for e in ("dark", "bright")]
    data = run_report(raws, _isps()[:2], cfg, tmp_path, progress=None)
    assert (tmp_path / "report.md").is_file() and (tmp_path / "report.json").is_file()
    assert json.loads((tmp_path / "report.json").read_text())["cases"][0]["png"] == "case0_0_error.png"
    assert all((tmp_path / c["png"]).is_file() for c in data["cases"])
    assert (tmp_path / "case0_0_stages.png").is_file()
    assert data["min_within_1lsb_8bit"] >= 0.995 and data["min_region_agreement"] >= 0.99
    c = data["cases"][0]
    assert set(c["stages"]) >= {"frontend.x", "glc.xg", "hsa.A", "hsa.xs", "rgfc.logits", "rgfc.y", "rgfc.out (8-bit)"}
    assert set(c["golden_modes_8bit"]) == {"hard vs expected", "hard vs gumbel", "expected vs gumbel"}
    assert c["stages"]["frontend.x"]["max_lsb"] <= 1.0
    assert c["stages"]["hsa.xs"]["max_out_lsb"] < 1.0 and "max_out_lsb" not in c["stages"]["rgfc.logits"]


def test_parallel_option_gives_the_same_integers(cfg):
    isp = spread_isp(1)
    x = fixed_frontend(synthetic_raw(300, 260, exposure="dark", seed=5), cfg, "bin2")
    a = FixedTAISP(isp, cfg, parallel=True).frame(x, "same", taps=True)
    b = FixedTAISP(isp, cfg, parallel=False).frame(x, "same", taps=True)
    for k in a.taps:
        assert np.array_equal(a.taps[k], b.taps[k]), k
    assert a.overflows == b.overflows
    floats = FixedTAISP(isp, cfg).taps_float(a)
    assert floats["xs"].dtype == np.float64 and floats["xs"].max() <= 1.0 and floats["index"].dtype == np.int64


def test_sweep_measures_what_narrower_words_cost(cfg):
    """The word-length sweep behind the default config: too few fractional bits in the pixel path show."""
    import copy
    import tomllib

    from fixedpoint.config import QuantConfig
    from fixedpoint.taisp.sweep import _pixel, measure
    from golden.frontend import frontend_torch

    raws = [synthetic_raw(48, 64, exposure="dark", seed=6)]
    isps = _isps()[1:2]
    with torch.no_grad():
        y, taps = isps[0](frontend_torch(raws[0], "bilinear"), mask_mode="hard", taps=True)
    golden = {(0, 0): (torch.round(torch.clamp(y, 1e-6, 1) * 255)[0].numpy(), taps["index"][0].numpy())}
    base = tomllib.loads(DEFAULT_CONFIG.read_text())
    good = measure(QuantConfig(copy.deepcopy(base), "default"), raws, isps, golden)
    narrow = copy.deepcopy(base)
    _pixel(12)(narrow)
    bad = measure(QuantConfig(narrow, "pixel frac 12"), raws, isps, golden)
    assert good["within_1lsb"] >= 0.995 and good["max_lsb"] <= 1
    assert bad["within_1lsb"] < 0.95 and bad["max_lsb"] > 5


@pytest.mark.slow
def test_every_real_file_meets_the_bounds(cfg, shared_raw_dir, raw_manifest):
    """Default config, both shipped checkpoints, every file of ../shared/data/raw, full pipeline from RAW
    (float front end + golden hard vs fixed front end + fixed point, same-frame statistics):
    >= 99.5% of 8-bit values within +-1 LSB and >= 99% region agreement."""
    from golden.frontend import frontend_torch
    from golden.raw import read_raw

    isps = _isps()[:2]
    for entry in raw_manifest:
        raw = read_raw(shared_raw_dir / entry["file"])
        x = fixed_frontend(raw, cfg, "bilinear")
        xf = frontend_torch(raw, "bilinear")
        for isp in isps:
            r = FixedTAISP(isp, cfg).frame(x, "same")
            with torch.no_grad():
                y, taps = isp(xf, mask_mode="hard", taps=True)
            d = np.abs(r.out - torch.round(torch.clamp(y, 1e-6, 1) * 255)[0].numpy())
            assert (d <= 1).mean() >= 0.995, (entry["file"], isp.weight_range)
            assert (r.taps["index"] == taps["index"][0].numpy()).mean() >= 0.99, (entry["file"], isp.weight_range)
