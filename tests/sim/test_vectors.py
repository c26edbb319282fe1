"""Test vector sets (``taisp vectors``): contents and hashes, the hash/schema check, and replay
through taisp_core (core sets) and taisp_camera (camera sets: Bayer samples in) with the plain
Verilog testbench (Icarus) and with cocotb (Icarus).

Two small sets are generated once per module: the built-in scene (16x12, 3 frames at
exposures normal, dark, bright) and two real RAW files from ``../shared/data/raw/`` (rose and
colorchecker, 16x12 centred crops, 2 frames each: one 4-frame sequence); camera sets of the
same two files (16x12 Bayer crops, bilinear and bin2).
"""
from __future__ import annotations

import os

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.taisp import regmap
from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
from fixedpoint.config import load_config
from fixedpoint.taisp.model import FixedTAISP
from golden.taisp.checkpoint import load_checkpoint
from sim.runner import BUILD_DIR
from sim.ug934 import unpack_ug934
from sim.vector_inputs import raw_bayer_frames, raw_frames, scene_frames
from sim.taisp.vector_replay import build_plain_tb, run_plain_tb, vvp_command
from sim.taisp.vectors import (
    SCHEMA_VERSION,
    VectorSetError,
    check_vector_set,
    load_vector_set,
    read_hex,
    split_beat,
    write_camera_vector_set,
    write_vector_set,
)
from taisp_cli.main import main

RAWS = ("rose_768x512_14bit_rggb.raw", "colorchecker_1920x1080_12bit_bggr.raw")
SIZE = (16, 12)


@pytest.fixture(scope="module")
def cfg():
    return load_config()


@pytest.fixture(scope="module")
def isp():
    return load_checkpoint(DEFAULT_CHECKPOINT)


#: The sets are rewritten at a fixed place on every run, so that the cocotb build of
#: taisp_core with a set's gen/ (named by its path and contents) is reused between runs.
SETS_DIR = BUILD_DIR / "test-vectors"


@pytest.fixture(scope="module")
def scene_set(cfg, isp) -> Path:
    d = SETS_DIR / "scene"
    write_vector_set(d, scene_frames(3, cfg, SIZE), isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    return d


@pytest.fixture(scope="module")
def raw_set(cfg, isp, shared_raw_dir) -> Path:
    d = SETS_DIR / "raw"
    frames = [f for name in RAWS for f in raw_frames(shared_raw_dir / name, 2, cfg, SIZE)]
    write_vector_set(d, frames, isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    return d


#: the full matrix (opt-in): TAISP_FULL_MATRIX=1 adds the bilinear camera set and the cocotb replays of
#: the scene and RAW sets (the default run replays the camera set through cocotb, and the scene and
#: RAW sets through the plain testbench and the fast cocotb path)
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")


@pytest.fixture(scope="module", params=["bilinear", "bin2"] if FULL else ["bin2"])
def camera_set(request, cfg, isp, shared_raw_dir) -> Path:
    """A camera set (top camera): the two RAW files' Bayer samples, 16x12 centred crops, 2 frames
    each (the second file's front-end settings written between frames 1 and 2)."""
    d = SETS_DIR / f"camera-{request.param}"
    frames = [f for name in RAWS for f in raw_bayer_frames(shared_raw_dir / name, 2, cfg, SIZE, request.param)]
    write_camera_vector_set(d, frames, isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    return d


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# ---------------------------------------------------------------------------- contents
def test_scene_set_contents(scene_set: Path, cfg, isp):
    """Manifest, streams, taps and parameters agree with each other and with the model."""
    m = check_vector_set(scene_set)
    assert m["schema_version"] == SCHEMA_VERSION and m["statistics_mode"] == "previous"
    assert m["frames"]["count"] == 3 and (m["frames"]["width"], m["frames"]["height"]) == SIZE
    assert [s["exposure"] for s in m["frames"]["sources"]] == ["normal", "dark", "bright"]
    assert m["stream"]["packing"] == "UG934" and m["stream"]["input"]["components_lsb_first"] == ["G", "B", "R"]
    assert m["stream"]["input"]["sof_bit"] == m["stream"]["input"]["tdata_bits"]
    assert m["config"]["sha256"] and m["weights"]["checkpoint"] == DEFAULT_CHECKPOINT.name
    assert m["formats"]["glc.xg"]["format"] == str(cfg["glc.xg"].fmt)
    for rel in ("stream_in.hex", "stream_out.bin", "taps/xs.npy", "taps/index.hex", "params.json", "axil_writes.hex",
                "taisp_vectors.h", "vectors.vh", "gen/weights.hex", "gen/taisp_config.vh", "config.toml"):
        assert rel in m["files"], rel

    vs = load_vector_set(scene_set)
    n, w, h = 3, *SIZE
    assert len(vs.beats_in) == len(vs.beats_out) == n * w * h
    assert read_hex(scene_set / "stream_out.hex") == vs.beats_out  # hex and binary hold the same beats
    # flags: SOF on each frame's first pixel, EOL on each line's last
    sof = [split_beat(b, vs.fmt_in)[1] for b in vs.beats_in]
    eol = [split_beat(b, vs.fmt_in)[2] for b in vs.beats_in]
    assert [i for i, s in enumerate(sof) if s] == [k * w * h for k in range(n)]
    assert [i for i, e in enumerate(eol) if e] == [i for i in range(n * w * h) if i % w == w - 1]

    # the streams and taps are the model's, in previous mode from reset
    x = np.load(scene_set / "taps" / "x.npy")
    out = np.load(scene_set / "taps" / "out.npy")
    model = FixedTAISP(isp, cfg)
    for k in range(n):
        tdata = np.array([split_beat(b, vs.fmt_in)[0] for b in vs.frame_beats(vs.beats_in, k)], dtype=object)
        assert np.array_equal(unpack_ug934(tdata.reshape(h, w), vs.fmt_in.comp_bits), x[k])
        odata = np.array([split_beat(b, vs.fmt_out)[0] for b in vs.frame_beats(vs.beats_out, k)], dtype=object)
        res = model.frame(x[k], "previous", taps=True)
        assert np.array_equal(unpack_ug934(odata.reshape(h, w), vs.fmt_out.comp_bits), res.out)
        assert np.array_equal(out[k], res.out)
        assert np.array_equal(np.load(scene_set / "taps" / "xs.npy")[k], res.taps["xs"])
        assert np.array_equal(np.load(scene_set / "taps" / "index.npy")[k], res.taps["index"])
    xg_hex = np.array(read_hex(scene_set / "taps" / "xg.hex")).reshape(n, h, w, 3)
    assert np.array_equal(np.moveaxis(xg_hex, -1, 1), np.load(scene_set / "taps" / "xg.npy"))

    # parameters: block 0 is the defaults, block k+1 what frame k's statistics give
    fresh = FixedTAISP(isp, cfg)
    p = json.loads((scene_set / "params.json").read_text())
    assert len(p["frames"]) == n + 1 and vs.params.shape == (n + 1, 37)
    assert p["frames"][0]["alpha"]["raw"] == [int(v) for v in fresh.defaults["alpha"]]
    assert list(vs.params[0][21:]) == [int(v) for v in fresh.defaults["inv_w"]]
    assert list(vs.params[n][5:21]) == [int(v) for v in model.next_params()["w"]]

    # register image: size first, COMMIT | RESTART last, the weight image in between
    assert vs.writes[0] == (regmap.address("WIDTH"), w) and vs.writes[1] == (regmap.address("HEIGHT"), h)
    assert vs.writes[-1] == (regmap.address("CTRL"), regmap.field_value("CTRL", "COMMIT", "RESTART"))
    assert sum(1 for a, _ in vs.writes if a >= regmap.WEIGHT_BASE) == regmap.n_weights()
    vh = (scene_set / "vectors.vh").read_text()
    assert f"`define TAISP_VEC_NBEATS {n * w * h}" in vh and f"`define TAISP_VEC_NWRITES {len(vs.writes)}" in vh
    hdr = (scene_set / "taisp_vectors.h").read_text()
    assert "taisp_vec_writes[TAISP_VEC_NWRITES][2]" in hdr and f"#define TAISP_REG_CTRL 0x{regmap.address('CTRL'):04x}u" in hdr
    for reg, fields in regmap.FIELDS.items():  # the register map's bit fields, named as in taisp_regmap.h
        for fd in fields:
            assert f"#define TAISP_{reg}_{fd.name} {fd.lsb}u" in hdr and f"#define TAISP_{reg}_{fd.name}_MASK 0x{fd.mask:08x}u" in hdr


def test_raw_set_sources(raw_set: Path, raw_manifest):
    """Frames from two real RAW files: the sources are named with the files' SHA-256."""
    m = check_vector_set(raw_set)
    src = m["frames"]["sources"]
    assert [s["file"] for s in src] == [RAWS[0], RAWS[0], RAWS[1], RAWS[1]]
    sha = {e["file"]: e["sha256"] for e in raw_manifest}
    assert all(s["sha256"] == sha[s["file"]] for s in src)
    assert src[0]["crop"]["from_width"] == 768 and src[2]["crop"]["x0"] == (1920 - SIZE[0]) // 2


def test_write_is_deterministic(scene_set: Path, tmp_path: Path, cfg, isp):
    d = tmp_path / "again"
    m = write_vector_set(d, scene_frames(3, cfg, SIZE), isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    assert m["files"] == json.loads((scene_set / "manifest.json").read_text())["files"]


# ---------------------------------------------------------------------------- the check
def test_check_catches_flipped_byte(scene_set: Path, tmp_path: Path, capsys):
    d = _copy(scene_set, tmp_path / "flipped")
    p = d / "stream_out.bin"
    data = bytearray(p.read_bytes())
    data[100] ^= 0x01
    p.write_bytes(bytes(data))
    with pytest.raises(VectorSetError, match=r"stream_out\.bin: SHA-256 mismatch"):
        check_vector_set(d)
    assert main(["vectors", "--check", str(d)]) == 2
    assert "stream_out.bin: SHA-256 mismatch" in capsys.readouterr().err
    assert main(["vectors", "--check", str(scene_set)]) == 0


def test_check_refuses_newer_schema_and_broken_sets(scene_set: Path, tmp_path: Path, cfg, isp):
    d = _copy(scene_set, tmp_path / "newer")
    m = json.loads((d / "manifest.json").read_text())
    m["schema_version"] = SCHEMA_VERSION + 1
    (d / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(VectorSetError, match=f"schema version {SCHEMA_VERSION + 1} is newer than this tool reads"):
        check_vector_set(d)
    (d / "manifest.json").write_text("{ not json")
    with pytest.raises(VectorSetError, match="not valid JSON"):
        check_vector_set(d)
    d2 = _copy(scene_set, tmp_path / "missing")
    (d2 / "taps" / "y.hex").unlink()
    with pytest.raises(VectorSetError, match=r"taps/y\.hex listed in the manifest is missing"):
        check_vector_set(d2)
    with pytest.raises(VectorSetError, match="no manifest.json"):
        check_vector_set(tmp_path)
    with pytest.raises(VectorSetError, match="not empty and holds no vector set"):
        write_vector_set(tmp_path, scene_frames(1, cfg, (4, 2)), isp, cfg)


def test_camera_set_contents(camera_set: Path, cfg, capsys):
    """Manifest (top camera, Bayer size, schema 2), Bayer beats = the cropped mosaics, the
    front-end writes (first file in the write list, second between frames), --check."""
    m = check_vector_set(camera_set)
    vs = load_vector_set(camera_set)
    dm = m["frontend"]["demosaic"]
    assert m["schema_version"] == SCHEMA_VERSION == 2 and m["top"] == "camera" and vs.top == "camera"
    assert (vs.in_width, vs.in_height) == SIZE and m["frames"]["bayer"]["beats"] == 4 * SIZE[0] * SIZE[1]
    assert (vs.width, vs.height) == ((SIZE[0] // 2, SIZE[1] // 2) if dm == "bin2" else SIZE)
    assert len(vs.beats_in) == 4 * SIZE[0] * SIZE[1] and len(vs.beats_out) == 4 * vs.width * vs.height
    b0 = vs.frame_beats(vs.beats_in, 0)
    assert (b0[0] >> vs.fmt_in.sof_bit) & 1 and (b0[SIZE[0] - 1] >> vs.fmt_in.eol_bit) & 1
    regs = dict(vs.writes)
    per = m["frontend"]["per_frame"]
    assert regs[regmap.address("WIDTH")] == SIZE[0] and regs[regmap.address("HEIGHT")] == SIZE[1]
    assert regmap.unpack_fields("FE_CONFIG", regs[regmap.address("FE_CONFIG")])["DEMOSAIC"] == regmap.DEMOSAIC_CODES[dm]
    assert [regs[regmap.address(f"FE_BLACK{p}")] for p in range(4)] == per[0]["black"]
    assert vs.writes[-1] == (regmap.address("CTRL"), regmap.field_value("CTRL", "COMMIT", "RESTART"))
    # the second file (BGGR) is programmed before frame 2, COMMIT without RESTART
    assert {f for f, _, _ in vs.frame_writes} == {2} and per[2]["cfa"] == "BGGR"
    assert vs.writes_before(2)[-1] == (regmap.address("CTRL"), regmap.field_value("CTRL", "COMMIT"))
    assert "`define TAISP_VEC_CAMERA 1" in (camera_set / "vectors.vh").read_text()
    assert main(["vectors", "--check", str(camera_set)]) == 0
    assert "top camera" in capsys.readouterr().out


def test_cli_writes_a_set(tmp_path: Path, shared_raw_dir: Path, capsys):
    out = tmp_path / "cli-camera"  # RAW input: a camera set by default (the crop is the Bayer size)
    assert main(["vectors", str(shared_raw_dir / RAWS[0]), "--frames", "1", "--crop", "8x4", "--demosaic", "bin2",
                 "--out", str(out)]) == 0
    m = check_vector_set(out)
    assert m["top"] == "camera" and m["frames"]["bayer"]["width"] == 8 and m["frames"]["width"] == 4
    assert main(["vectors", "--frames", "1", "--crop", "8x6", "--top", "camera", "--out", str(tmp_path / "sc")]) == 0
    assert check_vector_set(tmp_path / "sc")["top"] == "camera"
    assert check_vector_set(SETS_DIR / "scene")["top"] == "core"  # the built-in scene: core unless --top camera
    out = tmp_path / "cli"
    rc = main(["vectors", str(shared_raw_dir / RAWS[0]), "--frames", "1", "--crop", "8x4", "--demosaic", "bin2",
               "--top", "core", "--out", str(out)])
    assert rc == 0
    m = check_vector_set(out)
    assert m["frames"]["sources"][0]["crop"]["from_width"] == 384 and m["frames"]["width"] == 8
    capsys.readouterr()
    assert main(["vectors", "--crop", "9999x4", "--out", str(tmp_path / "big")]) == 2
    assert "--crop: frame size 9999x4 is outside what taisp_core takes" in capsys.readouterr().err
    assert main(["vectors", str(shared_raw_dir / RAWS[0]), "--crop", "800x4", "--top", "core",
                 "--out", str(tmp_path / "big")]) == 2
    assert "crop 800x4 is larger than the front end's 768x512 output" in capsys.readouterr().err


# ---------------------------------------------------------------------------- plain Verilog testbench (Icarus)
def test_plain_tb_scene(scene_set: Path, tmp_path: Path):
    """Programmed over AXI4-Lite (weights included), random stalls on both streams, parameters
    read back between frames: bit-exact."""
    res = run_plain_tb(scene_set, stall_in=25, stall_out=25, seed=3, build_dir=tmp_path)
    assert res.passed, res.log[-4000:]
    assert "frames=3 size=16x12 beats=576" in res.result_line and "probed=576,576,576" in res.result_line


@pytest.mark.skipif(not FULL, reason="the RAW set through the plain testbench: TAISP_FULL_MATRIX=1")
def test_plain_tb_raw(raw_set: Path, tmp_path: Path):
    """Build-time weights, frames back to back (the block stalls its input while its parameter
    engine runs): bit-exact."""
    res = run_plain_tb(raw_set, program_weights=False, check_params=False, build_dir=tmp_path)
    assert res.passed, res.log[-4000:]
    assert "frames=4 size=16x12 beats=768" in res.result_line


def test_plain_tb_camera(camera_set: Path, tmp_path: Path):
    """A camera set (Bayer samples in, front end reprogrammed between the files), random stalls,
    parameters read back: bit-exact through taisp_camera in the plain testbench."""
    res = run_plain_tb(camera_set, stall_in=20, stall_out=20, seed=5, build_dir=tmp_path)
    assert res.passed, res.log[-4000:]
    n = load_vector_set(camera_set)
    assert f"frames=4 size={n.width}x{n.height} beats={4 * n.width * n.height}" in res.result_line
    assert "camera set: taisp_camera, Bayer frames 16x12" in res.log


def _set_hex(path: Path, index: int, fn) -> None:
    """Change value ``index`` of a hex file (comment lines skipped)."""
    lines = path.read_text().split("\n")
    data = [i for i, ln in enumerate(lines) if ln and not ln.startswith("//")]
    i = data[index]
    lines[i] = f"{fn(int(lines[i], 16)):0{len(lines[i])}x}"
    path.write_text("\n".join(lines))


def test_plain_tb_names_first_mismatch(scene_set: Path, tmp_path: Path):
    """A corrupted expected value (frame 0, line 3, pixel 5, G) fails and is named, with the stage."""
    d = _copy(scene_set, tmp_path / "bad_out")
    w = SIZE[0]
    _set_hex(d / "stream_out.hex", 3 * w + 5, lambda v: v ^ 0x01)  # G is in the low bits
    res = run_plain_tb(d, frames=1, program_weights=False, max_errors=1, build_dir=tmp_path / "b1")
    assert not res.passed and "FAIL" in res.result_line
    assert res.first_mismatch is not None
    assert "frame 0, line 3, pixel 5, channel G" in res.first_mismatch
    assert "rgfc power curve/output" in res.first_mismatch  # xg, xs and the region index matched
    assert "expected taps at this pixel" in res.log


@pytest.mark.skipif(not FULL, reason="the build without stage probes: TAISP_FULL_MATRIX=1")
def test_plain_tb_without_probes(scene_set: Path, tmp_path: Path):
    """Built with TAISP_TB_NO_PROBES (as for a netlist): only the output is compared."""
    d = _copy(scene_set, tmp_path / "bad_out")
    _set_hex(d / "stream_out.hex", 2 * SIZE[0] + 1, lambda v: v ^ (1 << 16))  # frame 0, line 2, pixel 1, R
    res = run_plain_tb(d, frames=1, program_weights=False, check_params=False, probes=False, build_dir=tmp_path / "b")
    assert not res.passed
    assert "frame 0, line 2, pixel 1, channel R, stage unknown (stage probes off)" in res.result_line


@pytest.mark.skipif(not FULL, reason="a disagreeing xs tap: TAISP_FULL_MATRIX=1")
def test_plain_tb_locates_stage(scene_set: Path, tmp_path: Path):
    """An xs tap that disagrees with the block: the internal probe names the HSA stage."""
    d = _copy(scene_set, tmp_path / "bad_xs")
    _set_hex(d / "taps" / "xs.hex", 3 * (2 * SIZE[0] + 7) + 2, lambda v: v + 1)  # frame 0, line 2, pixel 7, B
    res = run_plain_tb(d, frames=1, program_weights=False, check_params=False, build_dir=tmp_path / "b2")
    assert not res.passed
    assert "stage hsa (A or xs; xg matched)" in res.result_line
    assert "hsa xs: 1 difference(s) in 192 pixel(s); first at frame 0, line 2, pixel 7, channel B" in res.log


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="the plain testbench on Verilator: TAISP_FULL_MATRIX=1")
def test_plain_tb_verilator(scene_set: Path, tmp_path: Path):
    """The same testbench built by Verilator (--binary --timing), whose scheduler resumes
    edge-triggered processes differently: it passes the same, and fails the same on a bad file."""
    res = run_plain_tb(scene_set, stall_in=25, stall_out=25, seed=3, build_dir=tmp_path, simulator="verilator")
    assert res.passed, res.log[-4000:]
    assert "probed=576,576,576" in res.result_line
    # the same executable on a copy with a corrupted expected value (the sizes are the same)
    d = _copy(scene_set, tmp_path / "bad_out")
    _set_hex(d / "stream_out.hex", 1 * SIZE[0] * SIZE[1] + 3 * SIZE[0] + 5, lambda v: v ^ 0x01)
    exe = build_plain_tb(scene_set, build_dir=tmp_path, simulator="verilator")
    log = subprocess.run(vvp_command(exe, d, program_weights=False), capture_output=True, text=True, timeout=300,
                         check=False).stdout
    assert "FIRST_MISMATCH output beat 245: frame 1, line 3, pixel 5, channel G" in log


# ---------------------------------------------------------------------------- cocotb (Icarus)
@pytest.mark.skipif(not FULL, reason="the cocotb replay of the scene set: TAISP_FULL_MATRIX=1")
def test_cocotb_replay_scene(scene_set: Path):
    from sim.tb.taisp.test_taisp_vectors_replay import run_cocotb_replay

    run_cocotb_replay(scene_set, {"idle": True, "backpressure": True, "seed": 1})


@pytest.mark.skipif(not FULL, reason="the cocotb replay of a camera set: TAISP_FULL_MATRIX=1")
def test_cocotb_replay_camera(shared_raw_dir: Path, cfg, isp):
    """A bin2 camera set of the two files (one frame each, the front end reprogrammed between
    them) through cocotb (taisp_camera, idle + backpressure); kept to two frames for time."""
    from sim.tb.taisp.test_taisp_vectors_replay import run_cocotb_replay

    d = SETS_DIR / "camera-cocotb"
    frames = [f for name in RAWS for f in raw_bayer_frames(shared_raw_dir / name, 1, cfg, SIZE, "bin2")]
    write_camera_vector_set(d, frames, isp, cfg, checkpoint=DEFAULT_CHECKPOINT)
    run_cocotb_replay(d, {"idle": True, "backpressure": True, "seed": 1})


@pytest.mark.skipif(not FULL, reason="the cocotb replay of the RAW set: TAISP_FULL_MATRIX=1")
def test_cocotb_replay_raw(raw_set: Path):
    from sim.tb.taisp.test_taisp_vectors_replay import run_cocotb_replay

    run_cocotb_replay(raw_set)


@pytest.mark.skipif(not FULL, reason="the Zynq-7020 build: TAISP_FULL_MATRIX=1")
def test_cocotb_replay_compact_zynq7020(isp, shared_raw_dir: Path):
    """compact.toml built for a Zynq-7020 (12 of the 16 mask-head regions on LUT-RAM tables:
    ``ZYNQ7020_PARAMS`` of sim/tb/taisp/test_taisp_core.py): a set of the two real RAW files
    (16x12 crops, one frame each, the shipped w1-4 weights) replayed through cocotb (Icarus) with
    idle cycles and backpressure, bit-exact on every beat and parameter block."""
    from fixedpoint.taisp import DEFAULT_CONFIG
    from sim.tb.taisp.test_taisp_core import ZYNQ7020_PARAMS
    from sim.tb.taisp.test_taisp_vectors_replay import run_cocotb_replay

    compact = load_config(DEFAULT_CONFIG.with_name("compact.toml"))
    d = SETS_DIR / "compact-zynq7020"
    frames = [f for name in RAWS for f in raw_frames(shared_raw_dir / name, 1, compact, SIZE)]
    write_vector_set(d, frames, isp, compact, checkpoint=DEFAULT_CHECKPOINT)
    run_cocotb_replay(d, {"idle": True, "backpressure": True, "seed": 3}, rtl_params=ZYNQ7020_PARAMS)
