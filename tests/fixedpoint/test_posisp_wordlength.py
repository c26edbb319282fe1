"""The word-length search on the POS-ISP config: the knobs carry their table sides, the tied
entries follow, the evaluator's figures, and one search (one knob, a short range, one descent
round) through the shared search and ``taisp wordlength --model posisp``."""
from __future__ import annotations

import json
import tomllib

from fixedpoint.posisp.wordlength import Evaluator, cost, follow, knobs_for, load_data, validate
from fixedpoint.wordlength import apply_knobs, get_fmt, meets, worst_case, Target
from taisp_cli.main import main


def test_knobs_follow_and_cost():
    d = load_data()
    ks = {k.name: k for k in knobs_for(d)}
    assert "chain.x" not in ks and "denoise.d" not in ks and "frontend.x" not in ks
    assert ks["contrast.L"].keys == ("contrast.L", "frame_tables.contrast.in_fmt", "tables.contrast_g.in_fmt")
    e = follow(apply_knobs(d, {ks["denoise.y"]: 12, ks["denoise.w"]: 10}))
    assert get_fmt(e, "denoise.d").frac == 24 and get_fmt(e, "frame_tables.denoise.in_fmt").frac == 24
    assert get_fmt(e, "denoise.den").frac == 10 and get_fmt(e, "tables.den_recip.in_fmt").frac == 10
    validate(e)
    assert cost(e) == cost(d) - 8 - 16 - 6 - 6  # y, d (2 x 8), w, den


def test_one_search_step(tmp_path):
    ev = Evaluator(frames=(("dark", 16),), checkpoints=("joint",))
    d = load_data()
    r0 = ev(d)
    assert worst_case(r0)["frames"] == 1 and meets(r0, Target(0.995, 2.0, 0.0))
    k = {k.name: k for k in knobs_for(d)}["denoise.y"]
    assert worst_case(ev(apply_knobs(d, {k: 2})))["within_1lsb"] < worst_case(r0)["within_1lsb"]  # 2 bits hurt
    out = tmp_path / "wl"
    assert main(["wordlength", "--model", "posisp", "--tiny", "--knobs", "tone.slope", "--max-rounds", "1",
                 "--max-lsb", "2", "--no-progress", "--out", str(out)]) == 0
    s = json.loads((out / "search.json").read_text())
    assert s["evaluations"] > 1 and s["cost"] <= s["start_cost"] and s["worst"]["within_1lsb"] >= 0.995
    found = tomllib.loads((out / "posisp_search.toml").read_text())
    validate(found)
    assert get_fmt(found, "tone.slope").frac == s["values"]["tone.slope"] <= 16
