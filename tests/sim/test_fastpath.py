"""The fast cocotb path (sim/taisp/fastpath.py, sim/taisp/hdl/taisp_fast_tb.v,
sim/tb/taisp/test_taisp_fast.py): lint of the HDL harness, bit-exact replays of a scene set and a
camera set under HDL stalls on both simulators, and the HDL checker catching a flipped
expected beat at the right place."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fixedpoint.config import load_config
from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
from golden.taisp.checkpoint import load_checkpoint
from sim.runner import RTL_INCLUDE_DIRS, model_rtl, simulator_available, tool_env
from sim.taisp.fastpath import HARNESS, harness_parameters, run_fast, stall_level
from sim.taisp.vectors import write_camera_vector_set, write_vector_set
from sim.vector_inputs import scene_bayer_frames, scene_frames

#: The default run replays on Verilator; Icarus and the camera top with TAISP_FULL_MATRIX=1.
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")

SIZE = (24, 12)


@pytest.fixture(scope="module")
def cfg():
    return load_config()


@pytest.fixture(scope="module")
def scene_set(tmp_path_factory, cfg) -> Path:
    d = tmp_path_factory.mktemp("fast") / "scene"
    write_vector_set(d, scene_frames(3, cfg, SIZE), load_checkpoint(DEFAULT_CHECKPOINT), cfg, checkpoint=DEFAULT_CHECKPOINT)
    return d


@pytest.fixture(scope="module")
def camera_set(tmp_path_factory, cfg) -> Path:
    d = tmp_path_factory.mktemp("fast") / "camera"
    write_camera_vector_set(d, scene_bayer_frames(2, cfg, SIZE), load_checkpoint(DEFAULT_CHECKPOINT), cfg,
                            checkpoint=DEFAULT_CHECKPOINT)
    return d


@pytest.mark.parametrize("camera", [0, 1])
def test_harness_lint(scene_set: Path, camera_set: Path, camera: int):
    """verilator --lint-only -Wall is silent on the harness (both tops) and Icarus elaborates it."""
    if not (simulator_available("verilator") and simulator_available("icarus")):
        pytest.fail("verilator and iverilog are needed (run scripts/setup.sh)")
    tool_env()
    v = camera_set if camera else scene_set
    p = harness_parameters(v)
    inc = [f"-I{v / 'gen'}", *[f"-I{d}" for d in RTL_INCLUDE_DIRS]]
    cmd = [shutil.which("verilator") or "verilator", "--lint-only", "-Wall", *inc, "--top-module", "taisp_fast_tb",
           *[f"-G{k}={val}" for k, val in p.items()], str(HARNESS), *[str(f) for f in model_rtl("taisp")]]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    out = (r.stdout + r.stderr).strip()
    assert r.returncode == 0 and not [ln for ln in out.splitlines() if ln.startswith(("%Warning", "%Error"))], out
    cmd = ["iverilog", "-g2005", "-o", "/dev/null", *inc, "-s", "taisp_fast_tb",
           *[f"-Ptaisp_fast_tb.{k}={val}" for k, val in p.items()], str(HARNESS), *[str(f) for f in model_rtl("taisp")]]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_stall_level():
    assert stall_level(0) == 0 and stall_level(0.5) == 128 and stall_level(0.999) == 255
    with pytest.raises(ValueError, match="stall probability"):
        stall_level(1.0)


@pytest.mark.parametrize("simulator", ["icarus", "verilator"] if FULL else ["verilator"])
def test_fast_replay_scene(scene_set: Path, simulator: str):
    """Three frames bit-exact under HDL stalls on both streams; every beat checked in HDL (Icarus:
    the weights built in; Verilator: written over AXI4-Lite)."""
    r = run_fast(scene_set, simulator, stall_in=0.3, stall_out=0.3, seed=5, program_weights=simulator == "verilator")
    assert r.passed, r
    assert r.beats_checked == r.beats_expected == 3 * SIZE[0] * SIZE[1]
    assert r.mismatches == 0 and r.first_mismatch is None
    assert r.param_words == 4 * 37  # before each frame and after the last
    assert r.cycles > r.beats_checked / (0.7 * 0.7) * 0.8  # the stalls did stall


@pytest.mark.skipif(not FULL, reason="the camera top on the fast path: TAISP_FULL_MATRIX=1")
def test_fast_replay_camera(camera_set: Path):
    """A camera set (Bayer samples into taisp_camera) under heavy backpressure."""
    r = run_fast(camera_set, "icarus", stall_in=0.0, stall_out=0.6, seed=2, program_weights=False)
    assert r.passed, r
    assert r.beats_checked == r.beats_expected == 2 * SIZE[0] * SIZE[1]


def test_fast_checker_catches_a_flipped_beat(scene_set: Path, tmp_path: Path):
    """One expected beat changed (a G bit of frame 0, line 3, pixel 5), one frame replayed on Icarus
    (the default run's Icarus fast-path test): the HDL checker reports exactly that beat as the
    one mismatch, with the RTL's and the expected word."""
    d = tmp_path / "bad"
    shutil.copytree(scene_set, d)
    lines = (d / "stream_out.hex").read_text().splitlines()
    data = [i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("//")]
    k = 3 * SIZE[0] + 5
    want = int(lines[data[k]], 16)
    lines[data[k]] = f"{want ^ 0x4:0{len(lines[data[k]].strip())}x}"
    (d / "stream_out.hex").write_text("\n".join(lines) + "\n")
    r = run_fast(d, "icarus", stall_out=0.2, seed=1, frames=1, check_params=False, expect_fail=True,
                 program_weights=False)
    assert not r.passed
    assert r.mismatches == 1
    assert r.first_mismatch == {"beat": k, "got": want, "want": want ^ 0x4}
    assert r.beats_checked == r.beats_expected
