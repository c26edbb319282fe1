"""The POS-ISP cost table (``python -m sim.posisp.cost``) without Yosys: latency and frame overhead
of every row (filters measured by their benches, chains derived, TA-ISP from its bench's
constants), the synthesis script (kept hierarchy flattened after mapping), the table from
summaries. The synthesis itself takes minutes to an hour and is run by hand (README, "Resources").
"""
from __future__ import annotations

import json
from pathlib import Path

from sim.posisp import cost
from sim.taisp.camera import BILINEAR_FRONTEND_CONST as FE
from sim.taisp.testbench import FRAME_OVERHEAD_CONST, LATENCY_CONST

FROZEN = ["tone", "exposure", "contrast", "denoise", "sharpen", "wb", "gamma", "saturation", "wnb"]


def test_every_filter_has_latency_and_overhead():
    pw = cost.pointwise_latency()
    assert set(pw) | set(cost.WINDOW_LATENCY) == set(cost.FILTERS)
    for f in cost.FILTERS:
        assert cost.filter_latency(f, 1920) > 0
        if f in pw:  # a pointwise filter takes the next frame on the clock after the last beat
            assert cost.filter_overhead(f, 1920) == 0
    assert cost.filter_latency("denoise", 1920) == 7 * 1920 + 21
    assert cost.filter_overhead("denoise", 1920) == 7 * 1920 + 9
    assert cost.filter_overhead("sharpen", 64) == 65


def test_chain_is_the_sum_of_its_filters():
    w = 1920
    assert cost.chain_latency(FROZEN, w) == cost.CHAIN_STAGES + sum(cost.filter_latency(f, w) for f in FROZEN)
    assert cost.chain_overhead(FROZEN, w) == (7 * w + 9) + (w + 1)
    assert cost.chain_overhead(FROZEN, w, commit=True) == cost.chain_latency(FROZEN, w) + 1
    assert cost.chain_latency([], w) == cost.CHAIN_STAGES


def test_taisp_timing_follows_its_bench():
    assert cost.taisp_figures(1920) == (3 * 1920 + LATENCY_CONST, 3 * 1920 + FRAME_OVERHEAD_CONST)
    assert cost.taisp_timing() == (f"3 W + {LATENCY_CONST}", f"3 W + {FRAME_OVERHEAD_CONST}")


def test_script_flattens_kept_modules_after_mapping():
    s = cost._yosys_script("read_verilog x.v\n", "posisp_denoise", "xc7", "stat.txt", "ltp.txt", cost.KEEP_HIERARCHY)
    lines = s.splitlines()
    keep = lines.index("setattr -mod -set keep_hierarchy 1 " + " ".join(cost.KEEP_HIERARCHY))
    syn = lines.index("synth_xilinx -family xc7 -top posisp_denoise -flatten")
    flat = lines.index("flatten")
    assert keep < syn < flat < lines.index("tee -o stat.txt stat") < lines.index("tee -q -o ltp.txt ltp -noff")
    assert "flatten" not in cost._yosys_script("read_verilog x.v\n", "t", "xc7", "s", "l").splitlines()


def _summary(top: str, **kw) -> dict:
    return {"top": top, "target": "AMD xc7 (yosys synth_xilinx)", "max_width": 1920, "luts": 10, "flip_flops": 20,
            "dsp48e1": 3, "bram_bits": 36864, "lutram_cells": 0, "carry4": 1, "logic_depth": 7, "seconds": 1.0,
            "cells": {"SRL16E": 2}, **kw}


def test_table_rows(tmp_path: Path):
    for d, s in (("posisp_denoise", _summary("posisp_denoise")),
                 ("chains/posisp_frozen/posisp_chain", _summary("posisp_chain", order=FROZEN, chain="posisp_frozen")),
                 ("taisp_core-compact", _summary("taisp_core", config="fixedpoint/taisp/configs/compact.toml"))):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "summary.json").write_text(json.dumps(s))
    (tmp_path / "posisp_gamma").mkdir()
    (tmp_path / "posisp_gamma" / "error.txt").write_text("posisp_gamma: yosys did not finish within 5 s\n")
    rows = cost.collect(tmp_path, 1920)
    assert [r["top"] for r in rows] == ["posisp_gamma", "posisp_denoise", "posisp_chain", "taisp_core"]
    dn, ch, ta = rows[1:]
    assert dn["latency"] == 7 * 1920 + 21 and dn["latency_formula"] == "7 W + 21"
    assert ch["latency"] == cost.chain_latency(FROZEN, 1920) and ch["frame_overhead"] == 8 * 1920 + 10
    assert ta["frame_overhead"] == 3 * 1920 + FRAME_OVERHEAD_CONST
    md = cost.markdown(rows, 1920)
    assert "| posisp_gamma | not synthesized: posisp_gamma: yosys did not finish" in md
    assert f"| TA-ISP taisp_core (compact) | 10 | 20 | 3 | 36,864 | 0 | 2 | 7 | 3 W + {LATENCY_CONST} = " in md
    assert "posisp_chain posisp_frozen (9 filters: tone -> exposure" in md


def test_cli_table_only(tmp_path: Path, capsys):
    (tmp_path / "posisp_wb").mkdir()
    (tmp_path / "posisp_wb" / "summary.json").write_text(json.dumps(_summary("posisp_wb")))
    assert cost.main(["--table", "--out", str(tmp_path), "--frame-width", "64"]) == 0
    out = capsys.readouterr().out
    assert "| posisp_wb | 10 | 20 | 3 | 36,864 | 0 | 2 | 7 | 2 | 0 | 1920 |" in out
    assert json.loads((tmp_path / "cost.json").read_text())[0]["latency"] == 2


def test_composed_chain_adds_the_filters_to_the_glue(tmp_path: Path):
    order = ["wb", "sharpen"]
    glue = _summary("posisp_chain_glue", order=order, luts=100, logic_depth=30, chain="wb-sharpen")
    for d, s in (("posisp_sharpen", _summary("posisp_sharpen", logic_depth=40)), ("posisp_wb", _summary("posisp_wb")),
                 ("chains/wb-sharpen/posisp_chain_glue", glue)):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "summary.json").write_text(json.dumps(s))
    row = cost.collect(tmp_path, 64)[-1]
    assert row["top"] == "posisp_chain" and row["composed"] and row["order"] == order
    assert (row["luts"], row["flip_flops"], row["dsp48e1"], row["bram_bits"]) == (120, 60, 9, 3 * 36864)
    assert row["logic_depth"] == 40 and row["latency"] == cost.chain_latency(order, 64)
    assert "posisp_chain wb-sharpen (2 filters: composed, glue + filter rows: wb -> sharpen)" in cost.markdown([row], 64)
    (tmp_path / "posisp_wb" / "summary.json").unlink()
    assert cost.collect(tmp_path, 64)[-1] == {"top": "posisp_chain", "chain": "wb-sharpen",
                                              "error": "composed row: no filter row of wb"}


def test_composed_camera_row_beside_the_chain(tmp_path: Path):
    """``--camera --composed``: the camera's glue (front end, stream control, thumbnail, registers)
    plus the same filter rows gives the camera row; its timing: the front end's ahead of the chain's."""
    order = ["wb"]
    for d, s in (("posisp_wb", _summary("posisp_wb")),
                 ("chains/wb/posisp_chain_glue", _summary("posisp_chain_glue", order=order, luts=100, chain="wb")),
                 ("chains/wb/posisp_camera_glue", _summary("posisp_camera_glue", order=order, luts=700, flip_flops=900,
                                                           logic_depth=50, chain="wb"))):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "summary.json").write_text(json.dumps(s))
    rows = cost.collect(tmp_path, 64)
    assert [r["top"] for r in rows] == ["posisp_wb", "posisp_chain", "posisp_camera"]
    cam = rows[-1]
    assert cam["composed"] and (cam["luts"], cam["flip_flops"], cam["logic_depth"]) == (710, 920, 50)
    assert cam["srl_cells"] == 4  # the glue's and the filter's, from their cell counts
    assert cam["latency"] == cost.camera_latency(order, 64) == 64 + FE + cost.chain_latency(order, 64)
    assert cam["frame_overhead"] == 64 + FE and cam["frame_overhead_formula"] == f"W + {FE}"  # the front end's
    assert "posisp_camera wb (1 filter: composed, glue + filter rows: wb)" in cost.markdown(rows, 64)


def test_camera_timing_is_the_front_end_and_the_chain():
    """Latency: the front end's W + FE (sim/taisp/camera.py BILINEAR_FRONTEND_CONST) ahead of the
    chain's; overhead: the larger of the front end's W + FE and the chain's flushes (measured by
    sim/tb/posisp/test_posisp_camera.py)."""
    w = 1920
    assert cost.camera_latency(FROZEN, w) == w + FE + cost.chain_latency(FROZEN, w)
    assert cost.camera_overhead(FROZEN, w) == cost.chain_overhead(FROZEN, w) == 8 * w + 10
    assert cost.camera_overhead(["exposure", "sharpen"], w) == w + FE  # sharpen's W + 1 hides behind it
    assert cost._camera_overhead_formula(FROZEN) == "8 W + 10"
    assert cost._camera_overhead_formula(["wb"]) == f"W + {FE}"


def test_one_row_per_chain(tmp_path: Path):
    """``--chain A B``: each chain in its own folder (named by checkpoint stem or order), a row each."""
    assert cost.chain_name("golden/posisp/checkpoints/posisp_joint.pth") == "posisp_joint"
    assert cost.chain_name("tone, wb") == "tone-wb"
    for name, order in (("posisp_frozen", FROZEN), ("tone-wb", ["tone", "wb"])):
        d = tmp_path / "chains" / name / "posisp_chain"
        d.mkdir(parents=True)
        (d / "summary.json").write_text(json.dumps(_summary("posisp_chain", order=order, chain=name)))
    rows = cost.collect(tmp_path, 64)
    assert [(r["top"], r["chain"], r["latency"]) for r in rows] == [
        ("posisp_chain", "posisp_frozen", cost.chain_latency(FROZEN, 64)),
        ("posisp_chain", "tone-wb", cost.chain_latency(["tone", "wb"], 64))]


def test_keep_patterns_match_the_derived_modules(tmp_path: Path):
    """The kept modules have parameters, so ``hierarchy`` renames them ($paramod$<hash>\\name): the
    patterns must still match, or everything is flattened (the first 1920 run of denoise was)."""
    from sim.runner import RTL_MODEL_DIRS
    from sim.yowasp import YosysSandbox

    sb = YosysSandbox(tmp_path)
    d = RTL_MODEL_DIRS["posisp"]
    srcs = " ".join(sb.path(d / f"posisp_denoise_{m}.v") for m in ("sq", "colsum"))
    (tmp_path / "k.ys").write_text(
        f"read_verilog -defer {srcs}\nhierarchy -top posisp_denoise_colsum -chparam YW 8 -chparam FY 6\n"
        f"setattr -mod -set keep_hierarchy 1 {' '.join(cost.KEEP_HIERARCHY)}\nproc\nflatten\n"
        "select -assert-count 5 t:*posisp_denoise_sq\n")
    proc = sb.popen(["-q", "-s", sb.path(tmp_path / "k.ys")], stdout=-1, stderr=-2)
    out = proc.communicate(timeout=120)[0].decode(errors="replace")
    assert proc.returncode == 0, out[-2000:]
