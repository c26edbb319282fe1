"""The word-length search (fixedpoint/wordlength/, fixedpoint/taisp/wordlength.py), the cost model
(fixedpoint/taisp/cost.py) and the shipped compact config (fixedpoint/taisp/configs/compact.toml).

Small corpora throughout: the search's own runs are in README.md / docs/issues/ISSUE15_NOTE.md.
"""
from __future__ import annotations

import json
import tomllib

import pytest

from fixedpoint.config import QuantConfig, load_config
from fixedpoint.taisp import DEFAULT_CONFIG
from fixedpoint.taisp import cost as costmod
from fixedpoint.taisp.wordlength import (Evaluator, Frame, default_corpus, held_out_corpus, integer_bits, knobs_for,
                                         load_data, profile_ranges, range_analysis, weight_headroom)
from fixedpoint.wordlength import EvalPool, Target, apply_knobs, config_hash, dump_toml, knob_value, meets, search, worst_case

COMPACT = DEFAULT_CONFIG.with_name("compact.toml")
TINY = [Frame("scene", "tiny-dark", exposure="dark", seed=0, size=(48, 32)),
        Frame("scene", "tiny-normal", exposure="normal", seed=1, size=(48, 32), cfa="GRBG", bits=14)]
#: a few pixel-path knobs (the search's machinery, not its full run)
PIXEL_KNOBS = ("glc.xg", "hsa.pool", "hsa.xs", "hsa.xm", "rgfc.wm", "tables.exp2.size")


@pytest.fixture(scope="module")
def isps():
    from golden.taisp.weight_sets import weight_set

    return [weight_set("w1-4")]


@pytest.fixture(scope="module")
def start(isps):
    d = load_data()
    d0, _ = integer_bits(d, isps, QuantConfig(d))
    return d0


def _cost(d):
    return costmod.estimate(QuantConfig(d, "t"))["score"]


def _knobs(start):
    return [k for k in knobs_for(start) if k.name in PIXEL_KNOBS]


def test_search_meets_target_on_tiny_corpus(start, tmp_path):
    """The search returns a cheaper config that meets the target on every frame, re-verified by a
    fresh evaluation (not the cached one)."""
    ev = Evaluator(TINY, ("w1-4",))
    t = Target()
    with EvalPool(ev, tmp_path, workers=0, progress=False) as pool:
        res = search(pool, start, _knobs(start), _cost, t, log=lambda s: None)
    assert res["cost"] < _cost(start)
    assert meets(res["result"], t)
    fresh = Evaluator(TINY, ("w1-4",))(res["data"])
    assert meets(fresh, t) and worst_case(fresh) == worst_case(res["result"])
    assert any(knob_value(res["data"], k) < knob_value(start, k) for k in _knobs(start))
    QuantConfig(tomllib.loads(dump_toml(res["data"])), "roundtrip")  # written TOML is a valid config


def test_cache_is_reused(start, tmp_path):
    ev = Evaluator(TINY[:1], ("w1-4",))
    ks = _knobs(start)
    datas = [apply_knobs(start, {ks[0]: knob_value(start, ks[0]) - i}) for i in range(3)]
    with EvalPool(ev, tmp_path, workers=0, progress=False) as pool:
        first = pool.map(datas)
        assert pool.evaluations == 3 and pool.cache_hits == 0
    with EvalPool(ev, tmp_path, workers=0, progress=False) as pool:
        again = pool.map(datas + datas[:1])
        assert pool.evaluations == 0 and pool.cache_hits == 3
    assert again[:3] == first and again[3] == first[0]
    assert sorted(p.stem for p in (tmp_path / ev.namespace).glob("*.json")) == sorted(config_hash(d) for d in datas)


def test_same_result_with_one_or_two_dask_workers(start, tmp_path):
    """The search's outcome does not depend on the worker count (Dask local clusters, fresh caches)."""
    ev = Evaluator(TINY[:1], ("w1-4",))
    ks = [k for k in _knobs(start) if k.name in ("hsa.xm", "rgfc.wm", "hsa.xs")]
    out = []
    for n in (1, 2):
        with EvalPool(ev, tmp_path / f"w{n}", workers=n, progress=False) as pool:
            out.append(search(pool, start, ks, _cost, Target(), log=lambda s: None))
    assert out[0]["hash"] == out[1]["hash"] and out[0]["history"] == out[1]["history"]
    assert out[0]["alone_min"] == out[1]["alone_min"]


def test_range_analysis_bounds_profiled_values(isps, start):
    """Integer bits from intervals: no tap of the model leaves its interval on real data, and no
    entry of the range-analysed config saturates there."""
    cfg = QuantConfig(start, "ra")
    iv = range_analysis(isps, cfg)
    prof = profile_ranges(isps, cfg, TINY)
    checked = 0
    for k, (lo, hi) in prof.items():
        if k in iv:
            a, b = iv[k]
            assert a - 1e-9 <= lo and hi <= b + 1e-9, (k, (lo, hi), (a, b))
            checked += 1
    assert checked >= 15
    res = Evaluator(TINY, ("w1-4",))(start)
    assert not {k: v for k, v in res["overflows"].items() if v and k != "glc.xg"}  # xg saturates by design (clamp at 1)


def test_weight_headroom_holds_the_sets(isps, start):
    h = weight_headroom(isps, start)
    assert set(h) >= {"glc.w1", "rgfc.wm", "hsa.wb5"}
    for k, v in h.items():
        assert v["headroom"] >= 1.0, (k, v)


def test_cost_model_monotonic_in_widths():
    """One more fractional bit never lowers the predicted DSP, FF, block RAM or score; LUTs may
    drop only where a product moves from fabric into a DSP or a table from LUT-RAM into block RAM.
    (Table sizes are a real trade-off, not monotonic: a larger uniform table leaves fewer bits
    to interpolate, so a narrower interpolation product.)"""
    data = load_data()
    for k in [k for k in knobs_for(data) if k.kind == "frac"]:
        v = knob_value(data, k)
        lo = max(k.lo, v - 4)
        prev = None
        for x in range(lo, v + 1):
            try:
                e = costmod.estimate(QuantConfig(apply_knobs(data, {k: x}), "m"))
            except ValueError:
                continue
            if prev is not None:
                for key in ("dsp48e1", "flip_flops", "bram18", "score"):
                    assert e[key] >= prev[key], (k.name, x, key, e[key], prev[key])
                if e["dsp48e1"] == prev["dsp48e1"] and e["bram18"] == prev["bram18"]:
                    assert e["luts"] >= prev["luts"], (k.name, x)
            prev = e


def test_dsp_tiling():
    assert costmod.dsp_tiles(25, 18) == 1 and costmod.dsp_tiles(18, 25) == 1
    assert costmod.dsp_tiles(26, 16) == 2 and costmod.dsp_tiles(26, 19) == 2
    assert costmod.dsp_tiles(49, 18) == 2 and costmod.dsp_tiles(50, 36) == 6
    assert costmod.dsp_tiles(4, 4) == 0  # an 8-bit product goes to LUTs


#: stated tolerance of the calibrated model against Yosys on its calibration runs
TOLERANCE = {"dsp48e1": 0.03, "luts": 0.15, "flip_flops": 0.15, "bram18": 0.20}


def test_cost_model_matches_yosys_calibration_runs():
    """Predicted against the stored Yosys synth_xilinx results (fixedpoint/taisp/cost_calibration.json)
    of three configs spanning the range (default, compact, the narrowest Pareto point t6; MAX_W
    2048), within the stated tolerance."""
    cal = costmod.load_calibration()
    assert len(cal["points"]) >= 3
    assert {p["config"] for p in cal["points"]} >= {"default", "compact", "t6"}
    for row in costmod.compare(cal["points"], cal):
        for key, tol in TOLERANCE.items():
            assert abs(row[key]["error"]) <= tol, (row["config"], key, row[key])


def test_compact_meets_target_on_held_out_files_with_both_checkpoints(shared_raw_dir):
    """compact.toml on centre crops of the held-out real RAW files (the full files are in the note),
    both shipped checkpoints, every frame."""
    frames = held_out_corpus(shared_raw_dir, max_side=192)
    assert len(frames) == 3
    res = Evaluator(frames, ("w1-4", "w5-9"))(tomllib.loads(COMPACT.read_text()))
    assert meets(res, Target()), worst_case(res)


def test_compact_is_cheaper_and_documented():
    text = COMPACT.read_text()
    assert "taisp wordlength" in text and "held-out" in text.lower()
    c, d = costmod.estimate(load_config(COMPACT)), costmod.estimate(load_config())
    assert c["dsp48e1"] < d["dsp48e1"] and c["luts"] < d["luts"]
    json.dumps(c)


def test_cli_writes_front_configs_and_cache(tmp_path, capsys):
    """`taisp wordlength` on the tiny corpus (in-process): the Pareto files, one config per point
    (loadable), the default config among the points; a rerun computes nothing (cache)."""
    from taisp_cli.main import main

    args = ["wordlength", "--tiny", "--weight-sets", "w1-4", "--workers", "0", "--no-held-out", "--no-progress",
            "--out", str(tmp_path / "wl")]
    assert main(args) == 0
    out = capsys.readouterr().out
    pts = json.loads((tmp_path / "wl" / "pareto.json").read_text())
    assert [p["name"] for p in pts] == ["default", "t1"] and (tmp_path / "wl" / "pareto.png").stat().st_size > 1000
    assert "| default |" in (tmp_path / "wl" / "pareto.md").read_text()
    assert load_config(tmp_path / "wl" / "configs" / "t1.toml").name == "t1"
    assert pts[1]["worst"]["within_1lsb"] >= 0.995 and pts[1]["cost"]["luts"] < pts[0]["cost"]["luts"]
    assert "evaluations" in out
    assert main(args) == 0
    assert json.loads((tmp_path / "wl" / "search.json").read_text())["evaluations"] == 0


def test_cli_bad_start_config_is_one_line(tmp_path, capsys):
    from taisp_cli.main import main

    bad = tmp_path / "bad.toml"
    bad.write_text("schema = 1\n")
    assert main(["wordlength", "--tiny", "--workers", "0", "--config", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("taisp wordlength: error:") and len(err.strip().splitlines()) == 1
