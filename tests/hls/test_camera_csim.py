"""C simulation of the HLS C++ camera block (taisp_camera: the shared front end + taisp_core)
with g++, bit-exact against the fixed-point camera model on every output beat (data, SOF, EOL)
and on the parameters each frame used: the four Bayer patterns x both demosaics x odd and even
sizes, every real RAW file of ../shared/data/raw/ (cropped) as one multi-frame stream, broken
Bayer streams and the bin2 size check. ``TAISP_FULL_MATRIX=1``: larger frames and crops."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.config import load_config
from fixedpoint.taisp import regmap
from fixedpoint.taisp.model import FixedTAISP
from golden.cfa import BAYER_PATTERNS
from golden.raw import read_raw
from golden.taisp.weight_sets import weight_set
from sim.taisp import camera_csim as cc
from sim.taisp.camera import CameraModel, FrontendSettings, broken_mosaic, crop_raw, out_size, scene_mosaic
from sim.ug934 import pack_ug934

RAW_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "raw"
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
CFG = load_config()
ERR = {n: regmap.field_value("ERROR", n) for f in regmap.FIELDS["ERROR"] for n in [f.name]}


def _model(fe):
    return CameraModel(FixedTAISP(weight_set("w1-4"), CFG), fe)


def _call(fe: FrontendSettings, w: int, h: int, beats, model: CameraModel, ctrl: int = 0, error_clear: int = 0):
    regs = dict(fe.writes())
    d = model.core.defaults
    return cc.Call(w, h, regs[regmap.address("FE_CONFIG")], list(fe.black), list(fe.gain), beats, ctrl, error_clear,
                   int(d["gate"][0]), [int(a) for a in d["alpha"]])


def _params_words(model: CameraModel) -> list[int]:
    nxt = model.core.next_params()
    out = []
    for name, entry, n in regmap.PARAM_LAYOUT:
        mask = (1 << CFG[entry].fmt.width) - 1
        out += [int(v) & mask for v in nxt[name][:n]]
    return out


def _expect(model: CameraModel, mosaic, w, h, bad=False):
    """(params the frame uses, expected output beats)."""
    params = _params_words(model)
    res = model.frame(mosaic, bad=bad)
    ow, oh = out_size(w, h, model.fe.demosaic)
    data = pack_ug934(res.out, CFG["rgfc.out"].fmt.width)
    beats = [(int(data[r, c]), int(r == 0 and c == 0), int(c == ow - 1)) for r in range(oh) for c in range(ow)]
    return params, beats


def _check(results, expected, label):
    assert len(results) == len(expected), f"{label}: {len(results)} calls, expected {len(expected)}"
    for k, (got, (params, beats)) in enumerate(zip(results, expected)):
        if beats is not None:
            assert len(got.beats) == len(beats), f"{label} call {k}: {len(got.beats)} beats, expected {len(beats)}"
            for i, (g, e) in enumerate(zip(got.beats, beats)):
                assert g == e, f"{label} call {k} beat {i}: C++ {g}, model {e}"
        if params is not None:
            assert got.params == params, f"{label} call {k}: parameters C++ {got.params}, model {params}"


SIZES = {"bilinear": [[7, 5], [8, 6]] + ([[21, 13], [32, 24]] if FULL else []),
         "bin2": [[10, 6], [8, 4]] + ([[22, 14], [32, 24]] if FULL else [])}


@pytest.mark.parametrize("demosaic", ["bilinear", "bin2"])
@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_camera_csim_matrix(cfa, demosaic):
    """Each size: 3 frames (normal, dark, bright) from RESTART, output and parameters bit-exact."""
    calls, expected = [], []
    for si, (w, h) in enumerate(SIZES[demosaic]):
        raws = [scene_mosaic(w, h, cfa, seed=100 * si + k, exposure=("normal", "dark", "bright")[k]) for k in range(3)]
        fe = FrontendSettings.of_raw(raws[0], CFG, demosaic)
        model = _model(fe)
        for k, r in enumerate(raws):
            calls.append(_call(fe, w, h, cc.bayer_beats(r.mosaic), model, ctrl=regmap.field_value("CTRL", "RESTART") if k == 0 else 0))
            expected.append(_expect(model, r.mosaic, w, h))
    res = cc.run(calls)
    _check(res, expected, f"{cfa} {demosaic}")
    assert all(r.error == 0 for r in res), [r.error for r in res]


@pytest.mark.parametrize("demosaic", ["bilinear", "bin2"])
def test_camera_csim_raw_files(demosaic):
    """Every real RAW file, centre-cropped (32x24; full: 128x96), 3 frames each, one stream:
    the statistics carry over from file to file."""
    files = [f["file"] for f in json.loads((RAW_DIR / "MANIFEST.json").read_text())["files"]]
    w, h = (128, 96) if FULL else (32, 24)
    calls, expected, model = [], [], None
    for fi, name in enumerate(files):
        raw = crop_raw(read_raw(RAW_DIR / name), w, h)
        fe = FrontendSettings.of_raw(raw, CFG, demosaic)
        model = _model(fe) if model is None else CameraModel(model.core, fe)
        for k in range(3):
            calls.append(_call(fe, w, h, cc.bayer_beats(raw.mosaic), model,
                               ctrl=regmap.field_value("CTRL", "RESTART") if fi == k == 0 else 0))
            expected.append(_expect(model, raw.mosaic, w, h))
    _check(cc.run(calls), expected, f"RAW files {demosaic}")


def test_camera_csim_robustness():
    """Short and long Bayer lines, a missing and an early SOF: ERROR bits, the broken frame
    completed with zeros and its statistics dropped (bit-exact), the next frames bit-exact;
    bin2 with an odd size refused (ERROR.FE_SIZE, no stream read)."""
    w, h = 8, 6
    raws = [scene_mosaic(w, h, "GBRG", seed=60 + k, exposure=("normal", "dark", "bright")[k % 3]) for k in range(4)]
    ms = [r.mosaic for r in raws]
    fe = FrontendSettings.of_raw(raws[0], CFG, "bilinear")
    model = _model(fe)
    calls, expected = [], []

    def add(beats, exp, **kw):
        calls.append(_call(fe, w, h, beats, model, **kw))
        expected.append(exp)

    add(cc.bayer_beats(ms[0]), _expect(model, ms[0], w, h), ctrl=regmap.field_value("CTRL", "RESTART"))
    short = cc.bayer_beats(ms[1])
    del short[3 * w - 1]  # line 2 one sample short
    short[3 * w - 2] = (short[3 * w - 2][0], 0, 1)
    add(short, _expect(model, broken_mosaic(ms[1], 2, w - 1), w, h, bad=True))
    add(cc.bayer_beats(ms[2]), _expect(model, ms[2], w, h))
    long_ = cc.bayer_beats(ms[3])
    long_.insert(2 * w, (5, 0, 1))  # line 1 one sample long
    long_[2 * w - 1] = (long_[2 * w - 1][0], 0, 0)
    add(long_, _expect(model, broken_mosaic(ms[3], 2, 0), w, h, bad=True))
    add(cc.bayer_beats(ms[0]), _expect(model, ms[0], w, h))
    nosof = cc.bayer_beats(ms[1])
    nosof[0] = (nosof[0][0], 0, nosof[0][2])
    add(nosof + cc.bayer_beats(ms[1]), _expect(model, ms[1], w, h))  # the frame without SOF dropped
    cut = cc.bayer_beats(ms[2])[:2 * w]  # two lines, then the next frame's SOF
    add(cut + cc.bayer_beats(ms[3]), _expect(model, broken_mosaic(ms[2], 2, 0), w, h, bad=True))
    add([], _expect(model, ms[3], w, h))
    bad_fe = FrontendSettings(fe.cfa, "bin2", fe.black, fe.gain)
    calls.append(_call(bad_fe, 9, 6, [], model))
    expected.append((None, []))
    add(cc.bayer_beats(ms[0]), _expect(model, ms[0], w, h), error_clear=0xFFFFFFFF)
    res = cc.run(calls)
    _check(res, expected, "robustness")
    errs = [r.error for r in res]
    assert errs[1] & ERR["BAYER_SHORT_LINE"] and errs[1] & ERR["LONG_LINE"], errs
    assert errs[3] & ERR["BAYER_LONG_LINE"], errs
    assert errs[5] & ERR["BAYER_MISSING_SOF"], errs
    assert errs[6] & ERR["BAYER_EARLY_SOF"], errs
    assert errs[8] & ERR["FE_SIZE"], errs
    assert errs[9] == 0, errs
    assert res[7].bad_frames == 3, [r.bad_frames for r in res]
