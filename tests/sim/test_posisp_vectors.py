"""POS-ISP vector sets (``taisp vectors --model posisp``) and their replay through a generated
chain by the plain Verilog testbench (sim/posisp/hdl/posisp_vectors_tb.v).

* A set is written, checked (SHA-256 of every file) and a corrupted file is found.
* Every real RAW file of ``../shared/data/raw`` cropped (64 x 64, the thumbnail's smallest frame),
  one frame each, as one ``previous``-mode sequence: the plain testbench applies the driver's writes
  between frames and compares every output beat, with random stalls on both streams. Default run:
  the frozen checkpoint's order without denoise on Icarus; TAISP_FULL_MATRIX=1: the whole frozen
  chain on both simulators, the thumbnail window read back after each frame.
* A camera set (``--top camera``: Bayer samples into ``posisp_camera``, the shared front end ahead
  of the chain): two RAW files of different Bayer patterns as one previous-mode sequence (the
  front-end registers rewritten between the frames), replayed with stalls on Icarus.
* One full 1080p frame (the colorchecker RAW) through the whole frozen chain on Verilator: opt-in
  (TAISP_FULL_MATRIX=1 or TAISP_1080P=1; minutes).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from fixedpoint.posisp.schema import load_posisp_config
from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint
from sim.posisp.vector_replay import run_posisp_plain_tb
from sim.posisp.vectors import check_posisp_vector_set, write_posisp_vector_set
from sim.vector_format import VectorSetError
from sim.vector_inputs import raw_frames, scene_frames

FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
RUN_1080P = FULL or os.environ.get("TAISP_1080P", "") not in ("", "0")
FROZEN = CHECKPOINT_DIR / "posisp_frozen.pth"
CROP = (64, 64)


@pytest.fixture(scope="module")
def cfg():
    return load_posisp_config()


@pytest.fixture(scope="module")
def isp():
    return load_posisp_checkpoint(FROZEN)


def _nodenoise(isp) -> list[str]:
    return [o for o in isp.sequence() if o != "denoise"]


def test_posisp_set_check(tmp_path: Path, cfg, isp):
    """A set is written and checked; its manifest names the chain; a changed file is found."""
    d = tmp_path / "vec"
    order = ["exposure", "gamma", "wb"]
    m = write_posisp_vector_set(d, scene_frames(2, cfg, CROP), isp, cfg, order=order, checkpoint=FROZEN)
    assert m["order"] == order and m["frames"]["beats"] == 2 * 64 * 64
    assert (d / "gen" / "posisp_chain.v").is_file() and "posisp_gamma" in (d / "gen" / "posisp_chain.v").read_text()
    # frame 0: WIDTH, HEIGHT, COMMIT; frame 1: every parameter register and table word, COMMIT
    from fixedpoint.posisp import regmap

    n_tab = sum(cfg.table(t).entries.size for t in regmap.TABLE_BASES)
    assert m["registers"]["frame_writes"]["count"] == 3 + len(regmap.PARAM_REGISTERS) + n_tab + 1
    assert check_posisp_vector_set(d)["schema"] == "posisp-vectors"
    f = d / "stream_out.hex"
    lines = f.read_text().splitlines()
    lines[-1] = lines[-1][:-1] + ("0" if lines[-1][-1] != "0" else "1")
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(VectorSetError, match="stream_out.hex"):
        check_posisp_vector_set(d)


def test_posisp_cli(tmp_path: Path, capsys):
    """``taisp vectors --model posisp`` writes and checks a set; a too small crop is one line."""
    from taisp_cli.main import main

    d = tmp_path / "v"
    assert main(["vectors", "--model", "posisp", "--order", "wb,exposure", "--frames", "1", "--crop", "64x64",
                 "--out", str(d)]) == 0
    assert main(["vectors", "--model", "posisp", "--check", str(d)]) == 0
    assert "chain wb -> exposure" in capsys.readouterr().out
    assert main(["vectors", "--model", "posisp", "--frames", "1", "--crop", "32x32", "--out", str(tmp_path / "w")]) != 0
    assert "smaller than the chain's 64x64" in capsys.readouterr().err


def test_posisp_camera_set(tmp_path: Path, shared_raw_dir: Path, capsys):
    """``taisp vectors --model posisp --top camera``: a camera set of two RAW crops (RGGB, then
    BGGR: the front-end registers are written again before frame 1, with the driver's output),
    checked, then replayed through ``posisp_camera`` by the plain testbench on Icarus with 20%
    stalls both ways: PASS, every output beat. A Bayer crop whose output is under the thumbnail's
    64 x 64 is one line naming WIDTH."""
    from fixedpoint.posisp import regmap
    from taisp_cli.main import main

    d = tmp_path / "cam"
    raws = [str(shared_raw_dir / n) for n in ("rose_768x512_14bit_rggb.raw", "colorchecker_1920x1080_12bit_bggr.raw")]
    assert main(["vectors", "--model", "posisp", "--top", "camera", "--order", "exposure,gamma", "--frames", "1",
                 "--crop", "64x64", *raws, "--out", str(d)]) == 0
    assert "Bayer 64x64 in, posisp_camera" in capsys.readouterr().out
    m = check_posisp_vector_set(d)
    assert m["top"] == "camera" and m["frames"]["bayer"]["beats"] == 2 * 64 * 64
    assert [f["cfa"] for f in m["frontend"]["frames"]] == ["RGGB", "BGGR"]
    fw = (d / "frame_writes.hex").read_text()
    assert f"00000001{regmap.address('FE_CONFIG'):08x}" in fw, "frame 1's front-end writes"
    assert (d / "gen" / "posisp_camera.v").is_file()
    res = run_posisp_plain_tb(d, stall_in=20, stall_out=20)
    assert res.passed, f"{res.result_line}\n{res.first_mismatch}\n{res.log[-3000:]}"
    assert f"{2 * 64 * 64} output beats" in res.result_line
    assert main(["vectors", "--model", "posisp", "--top", "camera", "--demosaic", "bin2", "--frames", "1",
                 "--crop", "64x64", raws[0], "--out", str(tmp_path / "small")]) != 0
    assert "WIDTH x HEIGHT 64x64 (bin2) gives the chain 32x32" in capsys.readouterr().err


@pytest.mark.parametrize("simulator", ["icarus", "verilator"] if FULL else ["icarus"])
def test_posisp_plain_tb_every_raw(tmp_path: Path, cfg, isp, shared_raw_dir: Path, raw_manifest, simulator):
    """Every real RAW file cropped, one previous-mode sequence (the driver's writes between
    frames), stalls on both streams: PASS from the plain testbench; full matrix: the thumbnail
    window read back after each frame too (24,576 AXI4-Lite reads a frame)."""
    frames = [f for e in raw_manifest for f in raw_frames(shared_raw_dir / e["file"], 1, cfg, CROP)]
    assert len(frames) == len(raw_manifest) >= 5
    order = isp.sequence() if FULL else _nodenoise(isp)
    d = tmp_path / "raw"
    write_posisp_vector_set(d, frames, isp, cfg, order=order, checkpoint=FROZEN)
    res = run_posisp_plain_tb(d, stall_in=20, stall_out=20, thumb=FULL, simulator=simulator)
    assert res.passed, f"{res.result_line}\n{res.first_mismatch}\n{res.log[-3000:]}"
    sums = len(frames) * 3 * 64 * 64 if FULL else 0
    assert f"{len(frames) * 64 * 64} output beats, {sums} thumbnail sums" in res.result_line


@pytest.mark.skipif(not RUN_1080P, reason="opt-in: TAISP_1080P=1 or TAISP_FULL_MATRIX=1 (minutes on Verilator)")
def test_posisp_1080p_verilator(tmp_path: Path, cfg, isp, shared_raw_dir: Path):
    """One full 1920 x 1080 frame (the colorchecker RAW) through the whole frozen chain on Verilator,
    every beat and the thumbnail window compared; the figures go to ``run_1080p.json`` in the set."""
    import time

    d = tmp_path / "p1080"
    t0 = time.perf_counter()
    frames = raw_frames(shared_raw_dir / "colorchecker_1920x1080_12bit_bggr.raw", 1, cfg, (1920, 1080))
    write_posisp_vector_set(d, frames, isp, cfg, checkpoint=FROZEN)
    t1 = time.perf_counter()
    res = run_posisp_plain_tb(d, thumb=True, simulator="verilator", timeout_s=7200)
    assert res.passed, f"{res.result_line}\n{res.first_mismatch}"
    (d / "run_1080p.json").write_text(json.dumps({"model_s": t1 - t0, "sim_s": res.seconds, "result": res.result_line}))
    print(f"1080p: model and set {t1 - t0:.1f} s, simulation {res.seconds:.1f} s: {res.result_line}")
