"""The ``taisp`` command line: the main job, info, scene, and error exits."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from golden.taisp.checkpoint import save_checkpoint
from golden.taisp.model import TAISP
from taisp_cli.main import main

REPO = Path(__file__).resolve().parents[1]


def test_run_default_scene_small(tmp_path: Path):
    out = tmp_path / "run"
    assert main(["run", "--scene-size", "192x108", "--out", str(out)]) == 0
    for f in ("input_preview.png", "output.png", "stages.png", "report.txt", "summary.json"):
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    s = json.loads((out / "summary.json").read_text())
    assert s["model"]["parameters"] == 3297 and s["model"]["mask_mode"] == "hard"
    assert s["frontend"]["width"] == 192 and s["input"]["cfa"] == "RGGB"
    assert sum(s["taps"]["region_share"]) == pytest.approx(1.0)
    assert set(s["mask_modes_vs_hard"]) == {"gumbel", "expected", "soft"}
    assert "TA-ISP run report" in (out / "report.txt").read_text()


def test_run_is_deterministic(tmp_path: Path):
    for name in ("a", "b"):
        assert main(["run", "--scene-size", "64x48", "--mask-mode", "gumbel", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a" / "output.png").read_bytes() == (tmp_path / "b" / "output.png").read_bytes()


def test_run_real_file_with_checkpoint(tmp_path: Path, shared_raw_dir: Path):
    torch.manual_seed(1)
    ckpt = tmp_path / "isp.pth"
    save_checkpoint(TAISP(weight_range=(5, 9)), ckpt)
    out = tmp_path / "rose"
    rc = main(["run", str(shared_raw_dir / "rose_768x512_14bit_rggb.raw"), "--demosaic", "bin2",
               "--checkpoint", str(ckpt), "--out", str(out)])
    assert rc == 0
    s = json.loads((out / "summary.json").read_text())
    assert s["input"]["bits"] == 14 and s["frontend"]["width"] == 384
    assert s["model"]["weight_range"] == [5.0, 9.0] and "isp.pth" in s["model"]["weights"]


def test_scene_then_info_then_run(tmp_path: Path, capsys):
    dng = tmp_path / "scene.dng"
    assert main(["scene", str(dng), "--size", "96x64", "--cfa", "GBRG", "--bits", "14"]) == 0
    capsys.readouterr()
    assert main(["info", str(dng)]) == 0
    meta = json.loads(capsys.readouterr().out)
    assert meta["cfa"] == "GBRG" and meta["bits"] == 14 and meta["width"] == 96
    assert main(["run", str(dng), "--out", str(tmp_path / "r")]) == 0


def test_errors_exit_2_with_a_clear_message(tmp_path: Path, capsys):
    bad = tmp_path / "short.raw"
    bad.write_bytes(b"\0" * 100)
    assert main(["run", str(bad), "--width", "16", "--height", "16", "--bits", "12", "--cfa", "RGGB"]) == 2
    err = capsys.readouterr().err
    assert "taisp run: error:" in err and "short.raw: truncated" in err
    assert main(["run", "--scene-size", "32x32", "--checkpoint", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "not a PyTorch checkpoint" in capsys.readouterr().err
    assert main(["info", str(tmp_path / "nothing.dng")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_console_script_entry_point(tmp_path: Path):
    r = subprocess.run([sys.executable, "-m", "taisp_cli", "run", "--scene-size", "32x24", "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=REPO, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "[taisp run] wrote" in r.stdout


def test_golden_benchmark_script_runs(tmp_path: Path):
    """The benchmark stays runnable (a tiny size; its figures are not asserted)."""
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_golden.py"), "--sizes", "64x48", "--runs", "1",
                        "--device", "cpu", "--modes", "hard"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "64x48" in r.stdout and "fps" in r.stdout and "x baseline" in r.stdout


def test_run_includes_the_fixed_point_comparison(tmp_path: Path):
    out = tmp_path / "fx"
    assert main(["run", "--scene-size", "128x96", "--exposure", "dark", "--mask-mode", "gumbel", "--out", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert s["fixed_point"]["within_1lsb_8bit"] >= 0.995 and s["fixed_point"]["region_agreement"] >= 0.99
    assert "fixed point (default config" in (out / "report.txt").read_text()


def test_fixedpoint_model_benchmark_script_runs():
    """The fixed-point model benchmark stays runnable (a tiny size; its figures are not asserted)."""
    r = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_fixedpoint_model.py"), "--size", "64x48",
                        "--runs", "1"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Mpixel/s" in r.stdout and "x golden" in r.stdout


def test_report_reads_a_headerless_8bit_dump(tmp_path: Path, capsys):
    """``taisp report`` takes the same RAW options as run, info and vectors (one shared group)."""
    from golden.scene import synthetic_raw
    from taisp_cli.main import HEADERLESS_OPTIONS, build_parser

    img = synthetic_raw(height=48, width=64, cfa="GRBG", bits=8, black=16, seed=3)
    dump = tmp_path / "frame8.raw"
    img.mosaic.astype("u1").tofile(dump)
    assert dump.stat().st_size == 64 * 48
    out = tmp_path / "report"
    opts = ["--width", "64", "--height", "48", "--bits", "8", "--dtype", "u1", "--cfa", "GRBG", "--black", "16",
            "--white", "255"]
    ck = str(REPO / "golden" / "taisp" / "checkpoints" / "taisp_w1-4.pth")
    assert main(["report", str(dump), *opts, "--checkpoint", ck, "--out", str(out)]) == 0
    assert "[taisp report]" in capsys.readouterr().out
    data = json.loads((out / "report.json").read_text())
    assert (out / "report.md").is_file() and list(out.glob("*.png"))
    assert "frame8.raw" in json.dumps(data)
    # the same group in every subcommand that reads RAW files
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for cmd in ("run", "info", "report", "vectors"):
        dests = {a.dest for a in sub.choices[cmd]._actions}
        assert set(HEADERLESS_OPTIONS) <= dests, cmd


@pytest.mark.parametrize("bad", [["--dtype", "u3"], ["--bits", "20"], ["--width", "-4"], ["--cfa", "RGBW"]])
def test_report_bad_raw_option_is_one_line(tmp_path: Path, bad):
    dump = tmp_path / "f.raw"
    dump.write_bytes(bytes(64 * 48))
    r = subprocess.run([sys.executable, "-m", "taisp_cli", "report", str(dump), "--width", "64", "--height", "48",
                        "--bits", "8", "--dtype", "u1", "--cfa", "RGGB", *bad, "--out", str(tmp_path / "o")],
                       capture_output=True, text=True, cwd=REPO, timeout=300)
    assert r.returncode == 2
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("taisp report: error: ") and bad[0] in err, err
    assert not (tmp_path / "o").exists()


def test_raw_options_without_raw_file_are_an_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["report", "--width", "64", "--bits", "8"])
    assert e.value.code == 2
    assert "no RAW file is given" in capsys.readouterr().err
