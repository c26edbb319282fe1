"""``taisp regress`` (sim/taisp/regress.py, taisp_cli/regress.py): the plan over the real RAW
files, the summary, resuming from leg results, and one tiny leg run through a local Dask
cluster. The full run is a documented command (sim/README.md); ``--quick`` runs with
TAISP_FULL_MATRIX=1."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sim.taisp import regress as rg
from taisp_cli.main import main


def test_plan_full(shared_raw_dir: Path):
    raws = rg.raw_files(shared_raw_dir)
    assert len(raws) >= 4
    legs = rg.plan(raws)
    sets = {lg.set.name: lg.set for lg in legs}
    # every input at full size (the block takes at most 4094 even pixels), grouped by size
    sizes = {s.size for s in sets.values()}
    assert (1920, 1080) in sizes and (768, 512) in sizes and (4094, 2176) in sizes
    s1080 = next(s for s in sets.values() if s.size == (1920, 1080) and s.top == "core" and s.config == "default")
    assert "scene" in s1080.inputs and len(s1080.inputs) == 1 + sum(1 for r in raws if "1920x1080" in r.name)
    # both configs and tops; Verilator under each full stall pattern, C simulation, Icarus on crops
    assert {(s.config, s.top) for s in sets.values()} == {(c, t) for c in rg.CONFIGS for t in rg.TOPS}
    sims = {(lg.simulator, lg.stall) for lg in legs}
    assert sims == {("verilator", s) for s in rg.FULL_STALLS} | {("csim", "none")} | {("icarus", s) for s in rg.ICARUS_STALLS}
    icarus = [lg for lg in legs if lg.simulator == "icarus"]
    assert all(lg.set.size == rg.CROP for lg in icarus)
    # one Icarus leg per (config, top), every input in its crop set, the stall patterns in turn
    assert sorted((lg.set.config, lg.set.top) for lg in icarus) == sorted((c, t) for c in rg.CONFIGS for t in rg.TOPS)
    assert all(len(lg.set.inputs) == len(raws) + 1 for lg in icarus)
    assert [lg.stall for lg in icarus] == [rg.ICARUS_STALLS[i % len(rg.ICARUS_STALLS)] for i in range(len(icarus))]
    assert len({lg.name for lg in legs}) == len(legs)


def test_plan_quick_and_errors(shared_raw_dir: Path):
    legs = rg.plan(rg.raw_files(shared_raw_dir), quick=True)
    assert {lg.set.size for lg in legs if lg.simulator != "icarus"} == {rg.QUICK_CROP}
    assert {lg.set.size for lg in legs if lg.simulator == "icarus"} == {rg.QUICK_ICARUS_CROP}
    assert all(len(lg.set.inputs) == 2 for lg in legs)  # one RAW file and the scene
    with pytest.raises(ValueError, match="nothing to regress"):
        rg.plan([], scene=False)
    with pytest.raises(FileNotFoundError, match="no such folder"):
        rg.raw_files(shared_raw_dir / "nope")


def _result(name: str, sim: str, beats: int, secs: float, passed: bool = True) -> dict:
    return {"name": name, "set": "s", "config": "default", "top": "core", "simulator": sim, "stall": "none",
            "size": [8, 4], "frames": 1, "passed": passed, "beats_checked": beats, "mismatches": 0 if passed else 2,
            "seconds": secs, "error": None if passed else "first mismatch", "detail": {},
            "pixels_per_second": beats / secs}


def test_summary_and_resume(tmp_path: Path):
    """Legs with results are not run again (no cluster is started); the summary covers them."""
    legs = rg.plan([], quick=True, configs=("default",), tops=("core",), simulators=("icarus", "csim"))
    (tmp_path / "legs").mkdir()
    for i, lg in enumerate(legs):
        (tmp_path / "legs" / f"{lg.name}.json").write_text(json.dumps(_result(lg.name, lg.simulator, 1000 * (i + 1), 2.0)))
    s = rg.run_regress(legs, tmp_path, progress=False, command="taisp regress --quick")
    assert s["legs"] == len(legs) == 2 and s["failed"] == 0
    assert s["beats_checked"] == 3000 and s["mismatches"] == 0
    assert s["per_simulator"]["csim"]["pixels_per_second"] == pytest.approx(s["per_simulator"]["csim"]["beats_checked"] / 2.0)
    md = (tmp_path / "summary.md").read_text()
    assert "# taisp regress: PASS" in md and "3,000 output beats" in md and "taisp regress --quick" in md
    assert json.loads((tmp_path / "summary.json").read_text())["legs"] == 2


def test_one_leg_through_dask(tmp_path: Path):
    """A tiny scene set, written and replayed (the HLS C++'s C simulation: the Icarus fast path
    is tested in tests/sim/test_fastpath.py) as Dask tasks of a one-worker local cluster; then
    resumed without running anything."""
    spec = rg.SetSpec("default-core-16x8", ("scene",), (16, 8), "default", "core", 2)
    leg = rg.Leg("default-core-16x8-csim", spec, "csim", "none")
    s = rg.run_regress([leg], tmp_path, workers=1, progress=False)
    r = s["results"][0]
    assert r["passed"], r
    assert r["beats_checked"] == 2 * 16 * 8 and s["mismatches"] == 0
    assert (tmp_path / "sets" / spec.name / ".complete").exists()
    mtime = (tmp_path / "legs" / f"{leg.name}.json").stat().st_mtime
    s2 = rg.run_regress([leg], tmp_path, progress=False)
    assert s2["beats_checked"] == s["beats_checked"]
    assert (tmp_path / "legs" / f"{leg.name}.json").stat().st_mtime == mtime


def test_cli_plan(shared_raw_dir: Path, capsys):
    assert main(["regress", str(shared_raw_dir), "--plan", "--configs", "default", "--tops", "core"]) == 0
    out = capsys.readouterr().out
    assert "default-core-1920x1080-verilator-both20" in out and "vector sets" in out
    assert main(["regress", str(shared_raw_dir), "--plan", "--tops", "nope"]) == 2
    assert "--tops: unknown nope" in capsys.readouterr().err


@pytest.mark.skipif(os.environ.get("TAISP_FULL_MATRIX", "") in ("", "0"), reason="the CI-sized regress: TAISP_FULL_MATRIX=1")
def test_cli_quick(tmp_path: Path, capsys):
    assert main(["regress", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["failed"] == 0 and s["beats_checked"] > 0 and s["mismatches"] == 0
