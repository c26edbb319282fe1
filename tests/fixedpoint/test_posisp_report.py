"""``taisp report --model posisp`` on small crops: the files are written, every filter of the
chain has its figures, and the figures obey what the formats imply."""
from __future__ import annotations

import json

import numpy as np

from fixedpoint.posisp.accuracy import TARGET_WITHIN_1LSB
from fixedpoint.posisp.schema import load_posisp_config
from taisp_cli.main import main

CROP = 24


def test_report_posisp_scene_and_raw(tmp_path, shared_raw_dir):
    raw = shared_raw_dir / "rose_768x512_14bit_rggb.raw"
    out = tmp_path / "rep"
    assert main(["report", "--model", "posisp", str(raw), "--demosaic", "bin2", "--crop", str(CROP),
                 "--out", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert data["model"] == "posisp" and len(data["cases"]) == 2  # one RAW x both checkpoints
    md = (out / "report.md").read_text()
    lsb_ratio = 2.0 ** -load_posisp_config()["chain.x"].fmt.frac * 255  # chain.x LSB in output LSB
    for c in data["cases"]:
        assert c["size"] == f"{CROP}x{CROP}" and c["input"].endswith("rose_768x512_14bit_rggb.raw")
        assert list(c["stages"]) == c["order"] and len(c["order"]) >= 5  # every filter, checkpoint order
        for name, e in c["stages"].items():
            assert f"| {name} |" in md
            assert 0 <= e["mean_lsb"] <= e["rms_lsb"] <= e["max_lsb"]
            assert np.isclose(e["max_out_lsb"], e["max_lsb"] * lsb_ratio)
            assert np.isclose(e["rms_out_lsb"], e["rms_lsb"] * lsb_ratio)
            assert 0 <= e["within_1lsb"] <= 1 and e["sqnr_db"] > 40
        o = c["out_8bit"]
        assert o["max_lsb"] == c["max_abs_lsb"] and o["max_lsb"] == int(o["max_lsb"])  # 8-bit integers on both sides
        assert c["within_1lsb_8bit"] >= TARGET_WITHIN_1LSB and o["max_lsb"] <= 255
        b = c["mirror_vs_circular_8bit"]  # both shipped orders hold denoise: the border figure is there
        assert 0 <= b["within_1lsb_8bit"] <= 1 and b["max_abs_lsb"] >= 0
        for png in c["pngs"]:
            assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (out / png).stat().st_size > 5000
    assert "mirror` vs `circular`" in md and "Saturation/wrap counts" in md


def test_report_posisp_default_scene(tmp_path, capsys):
    out = tmp_path / "rep"
    assert main(["report", "--model", "posisp", "--crop", "16", "--checkpoint",
                 "golden/posisp/checkpoints/posisp_joint.pth", "--out", str(out)]) == 0
    data = json.loads((out / "report.json").read_text())
    assert [c["input"] for c in data["cases"]] == ["scene:normal", "scene:dark"]
    # on the scene the joint checkpoint's driver saturates requantizations into chain.x (counted)
    assert sum(sum(c["driver_overflows"].values()) for c in data["cases"]) > 0
    assert "lowest share within +-1 LSB" in capsys.readouterr().out
