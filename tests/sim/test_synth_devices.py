"""The device table and the report helpers of ``sim.synth`` / ``sim.pnr`` (no synthesis here:
``tests/sim/test_pnr.py`` runs the ECP5 flow on a small block)."""
import subprocess
import sys

import pytest

from sim.devices import DEVICES, device, format_table, utilisation
from sim.pnr import PnrError, check_fits, critical_path, shell_verilog, stage_of
from sim.synth import parse_sta

from sim.runner import REPO


def test_device_capacities_from_the_datasheets():
    z = device("XC7Z020")
    assert (z.luts, z.flip_flops, z.dsp, z.bram, z.family) == (53_200, 106_400, 220, 140, "xc7")
    assert (DEVICES["xc7z010"].luts, DEVICES["xc7z010"].dsp, DEVICES["xc7z010"].bram) == (17_600, 80, 60)
    assert (DEVICES["xc7a35t"].luts, DEVICES["xc7a35t"].dsp, DEVICES["xc7a35t"].bram) == (20_800, 90, 50)
    assert (DEVICES["xc7a100t"].luts, DEVICES["xc7a100t"].dsp, DEVICES["xc7a100t"].bram) == (63_400, 240, 135)
    k = device("k26")
    assert (k.luts, k.flip_flops, k.dsp, k.bram, k.uram, k.family) == (117_120, 234_240, 1_248, 144, 64, "xcup")
    e = device("lfe5u-85f")
    assert (e.luts, e.dsp, e.bram, e.bram_kind) == (83_640, 156, 208, "EBR18")
    for d in DEVICES.values():  # one flip-flop per LUT on ECP5, two per LUT6 on AMD
        assert d.flip_flops == d.luts * (1 if d.family == "ecp5" else 2), d.name


def test_unknown_device_is_one_line():
    with pytest.raises(ValueError, match="unknown device 'xc7z999'.*xc7z020"):
        device("xc7z999")


def test_utilisation_counts_ramb18_as_half():
    rows = utilisation({"luts": 11_603, "flip_flops": 16_048, "dsp": 536, "bram36": 22, "bram18": 7}, device("xc7z020"))
    by = {r["resource"]: r for r in rows}
    assert by["BRAM (RAMB36)"]["used"] == 25.5 and by["BRAM (RAMB36)"]["fits"]
    assert by["DSP"]["percent"] == round(100 * 536 / 220, 1) and not by["DSP"]["fits"]
    assert by["LUT"]["fits"] and by["FF"]["fits"]
    table = format_table(rows, device("xc7z020"))
    assert "NO" in table.splitlines()[4] and "536" in table
    with pytest.raises(PnrError, match=r"DSP 536 of 220"):
        check_fits("taisp_core", rows, device("xc7z020"))


STA = """
4. Executing STA pass (static timing analysis).
Latest arrival time in 'taisp_glc' is 3977:
    3977 $abc$1$lut (LUT6.I1->O)
           $n1
    3300 $abc$2$lut (LUT2.I0->O)
           $n2
    3097 $mul$x (DSP48E1.B->P)
           $n3
     407 $abc$3 (LUT3.I0->O)
           $n4
       0 $iopadmap$in_sof (IBUF.I->O)
       0   \\in_sof (<primary input>)
"""


def test_parse_sta_critical_path():
    d = parse_sta(STA)
    assert d["logic_ns"] == 3.977 and d["luts"] == 3 and d["dsp"] == 1 and d["carry4"] == 0
    assert d["path"] == ["IBUF", "LUT3", "DSP48E1", "LUT2", "LUT6"]
    assert parse_sta("no report")["logic_ns"] is None


def test_shell_connects_every_port():
    v = shell_verilog("m", [("clk", "input", 1), ("a", "input", 3), ("b", "input", 2), ("y", "output", 4)], {"MAX_W": 8})
    assert "reg [4:0] sh" in v and "reg [3:0] ob" in v and "so <= xr1[0]" in v
    assert "m #(.MAX_W(8)) dut (.clk(clk), .a(sh[2:0]), .b(sh[4:3]), .y(ow[3:0]));" in v


def test_critical_path_stages():
    rep = {"critical_paths": [{"path": [
        {"type": "clk-to-q", "from": {"cell": "sh_TRELLIS_FF_1", "port": "CLK"}, "to": {"cell": "sh_TRELLIS_FF_1", "port": "Q"}, "delay": 0.5},
        {"type": "routing", "from": {}, "to": {}, "delay": 1.0},
        {"type": "logic", "from": {"cell": "dut.u_rgfc.x_LUT4", "port": "A"}, "to": {"cell": "dut.u_rgfc.x_LUT4", "port": "Z"}, "delay": 0.25},
    ]}]}
    steps = critical_path(rep)
    assert [s["stage"] for s in steps] == ["shell", "rgfc"]
    assert steps[1]["routing_before_ns"] == 1.0 and steps[1]["delay_ns"] == 0.25
    assert stage_of("dut.u_hsa.u_win.mem") == "hsa" and stage_of("dut.foo") == "module"


@pytest.mark.parametrize("module,args", [("sim.synth", ["--device", "nosuch"]), ("sim.pnr", ["--device", "xc7z020"])])
def test_cli_errors_are_one_line(module, args, tmp_path):
    res = subprocess.run([sys.executable, "-m", module, "--out", str(tmp_path / "o"), *args], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and err.startswith(f"{module}: error:"), err
