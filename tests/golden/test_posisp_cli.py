"""``taisp run --model posisp``, ``taisp train --model posisp``, ``taisp evaluate`` with POS-ISP, the benchmark."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import torch

from golden.posisp import POSISP, save_posisp_checkpoint
from taisp_cli.main import main

REPO = Path(__file__).resolve().parents[2]


def _ckpt(tmp_path: Path) -> Path:
    torch.manual_seed(0)
    m = POSISP()
    with torch.no_grad():  # a known order: exposure, gamma, denoise, then the end token
        m.action_agent.decoder.weight.zero_()
        m.action_agent.decoder.bias.copy_(torch.tensor([9.0, 8, 1, 1, 7, 1, 1, 1, 1, 1, 5]))
    m.eval()
    p = tmp_path / "pos.pth"
    save_posisp_checkpoint(m, p)
    return p


def test_run_posisp_report_and_pngs(tmp_path: Path):
    out = tmp_path / "run"
    assert main(["run", "--model", "posisp", "--checkpoint", str(_ckpt(tmp_path)), "--scene-size", "96x64",
                 "--out", str(out)]) == 0
    for f in ("input_preview.png", "output.png", "chain.png", "report.txt", "summary.json"):
        assert (out / f).is_file() and (out / f).stat().st_size > 0, f
    s = json.loads((out / "summary.json").read_text())
    assert s["sequence"] == ["exposure", "gamma", "denoise"] and s["model"]["parameters"] == 583_702
    assert len(s["params"]) == 27 and [r["index"] for r in s["params"]] == list(range(27))
    for r in s["params"]:
        lo, hi = r["range"]
        assert lo <= r["value"] <= hi and 0 < r["raw"] < 1
    assert s["denoise_border_difference"]["other"] == "mirror"
    rep = (out / "report.txt").read_text()
    assert "POS-ISP run report" in rep and "exposure -> gamma -> denoise" in rep and "(not in the chain)" in rep


def test_run_posisp_bad_checkpoint_is_one_line(tmp_path: Path, capsys):
    bad = tmp_path / "bad.pth"
    torch.save({"iter": 1, "agent_model": {"action_agent.decoder.weight": torch.zeros(11, 128)}}, bad)
    assert main(["run", "--model", "posisp", "--checkpoint", str(bad), "--scene-size", "64x48", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("taisp run: error:") and "missing POS-ISP keys" in err and "\n" not in err


def test_train_posisp_from_the_command_line(tmp_path: Path):
    assert main(["train", "--model", "posisp", "--steps", "2", "--train-samples", "16", "--val-samples", "16",
                 "--out", str(tmp_path)]) == 0
    card = json.loads((tmp_path / "posisp_frozen.json").read_text())
    assert card["command"].startswith("taisp train --model posisp") and card["training"]["lr_params"] == 1e-4
    assert main(["evaluate", str(tmp_path / "posisp_frozen_task.pth"), "--json", str(tmp_path / "e.json")]) == 0
    res = json.loads((tmp_path / "e.json").read_text())["posisp_frozen_task.pth"]["posisp"]
    assert set(res) == {"all", "dark", "mid", "bright"}


def test_posisp_benchmark_script_runs(tmp_path: Path):
    r = subprocess.run([sys.executable, str(REPO / "benchmarks/bench_posisp.py"), "--size", "64x48", "--runs", "1",
                        "--checkpoint", str(_ckpt(tmp_path)), "--threads", "1"],
                       capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert "filter denoise (mirror)" in r.stdout and "TA-ISP float" in r.stdout
