"""The HLS C++ block (hls/cpp/) in C simulation, built with g++ against the hls4ml ap_types from a
vector set's own gen/ headers, replays vector sets (`taisp vectors`, sim/taisp/vectors.py) bit-exactly:
every register read-back, parameter block, stage tap (x, xg, A, xs, region index, y, out) and
output beat, over multi-frame sequences in `previous` mode, on the built-in scene and on two
real RAW files, with the shipped weights, another checkpoint and an untrained weight set, and
with a quantization config of other word lengths (whose set's gen/ builds another C++ model).

One build per config (cached in build/hls_csim/ across sessions as well).
"""
from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.arith import FxFormat
from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
from fixedpoint.config import QuantConfig, load_config
from fixedpoint.taisp import DEFAULT_CONFIG, regmap
from golden.taisp.checkpoint import load_checkpoint
from sim.taisp import csim
from golden.taisp import CHECKPOINT_DIR as CHECKPOINTS
from golden.taisp.weight_sets import spread_isp
from sim.vector_inputs import raw_frames, scene_frames
from sim.taisp.vectors import read_hex, write_vector_set

SIZE = (32, 24)  # width, height of the test frames (centred crops)
N_FRAMES = 4     # previous mode: defaults, then alpha, the gate and w from the statistics
W5_9 = CHECKPOINTS / "taisp_w5-9.pth"
RAWS = ("rose_768x512_14bit_rggb.raw", "colorchecker_1920x1080_12bit_bggr.raw")
ALL_CHECKED = ["registers", "params", "x", "xg", "A", "xs", "index", "y", "out", "stream_out"]


def variant_config() -> QuantConfig:
    """The default config with other word lengths and modes in the input, pixel path and
    parameter path (the input stream gets narrower: 3 x 15 bits in a 48-bit tdata)."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    data["name"] = "hls-variant"
    data["frontend"]["x"] = {"fmt": "u15.14"}
    data["frontend"]["avg"] = {"fmt": "u15.14"}
    data["glc"]["alpha"] = {"fmt": str(FxFormat(False, 12, 8)), "rounding": "TRN"}
    data["glc"]["xg"] = {"fmt": "u23.22"}
    data["hsa"]["pool"] = {"fmt": "u22.21", "rounding": "RND_CONV"}
    data["hsa"]["A"] = {"fmt": "u15.14", "rounding": "RND_ZERO"}
    data["hsa"]["acc"] = {"fmt": "s50.34", "rounding": "TRN"}
    data["rgfc"]["logits"] = {"fmt": "s22.16", "rounding": "RND_INF"}
    data["rgfc"]["lsum"] = {"fmt": "s52.16"}
    data["rgfc"]["p"] = {"fmt": "s22.16"}
    return QuantConfig(data, "hls variant of default.toml")


#: weight sets: name -> (checkpoint file or None, loader)
WEIGHTS = {"w1-4": DEFAULT_CHECKPOINT, "w5-9": W5_9, "spread": None}


def isp_of(weights: str):
    ck = WEIGHTS[weights]
    return (load_checkpoint(ck) if ck else spread_isp(0)), ck


def write_set(out: Path, frames, weights: str, cfg) -> Path:
    isp, ck = isp_of(weights)
    write_vector_set(out, frames, isp, cfg, checkpoint=ck)
    return out


def assert_pass(r: csim.CsimResult, n: int) -> None:
    assert r.passed, f"C simulation differs from the fixed-point model: {r.summary()}\n{r.stdout[-3000:]}{r.stderr[-2000:]}"
    assert len(r.frame_seconds) == n
    assert r.checked == ALL_CHECKED
    assert f"param_blocks={n + 1}" in r.stdout  # block N (after the last frame) too
    assert "WARNING" not in r.stdout + r.stderr


@pytest.fixture(scope="module")
def cfg():
    return load_config()


@pytest.fixture(scope="module")
def scene_set(cfg, tmp_path_factory) -> Path:
    """4 frames of the built-in scene (exposures normal, dark, bright, normal), shipped weights."""
    return write_set(tmp_path_factory.mktemp("vec") / "scene", scene_frames(N_FRAMES, cfg, SIZE), "w1-4", cfg)


@pytest.fixture(scope="module")
def default_build(scene_set) -> csim.Build:
    return csim.build(scene_set / "gen")


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# ---------------------------------------------------------------------------- build
def test_build_has_no_warnings_in_our_files(default_build, scene_set):
    """g++ -Wall -Wextra (-Wno-unknown-pragmas for #pragma HLS): no diagnostic in hls/cpp or the
    generated headers (the ap_types headers' own flow warnings are theirs); the build compiles
    the vector set's own gen/ headers."""
    assert "-Wall" in csim.CXXFLAGS and "-Wextra" in csim.CXXFLAGS
    assert default_build.own_diagnostics == []
    assert default_build.exe.is_file()
    for name in ("taisp_config.h", "taisp_regmap.h", "tab_sigmoid.h"):
        assert (default_build.gen_dir / name).read_bytes() == (scene_set / "gen" / name).read_bytes()


# ---------------------------------------------------------------------------- bit-exact replays
@pytest.mark.parametrize("weights,seed", [("w1-4", 0), ("w5-9", 1), ("spread", 2)])
def test_scene_set_bit_exact(default_build, cfg, tmp_path, weights, seed):
    """Built-in scene sequences with the shipped weights, the w5-9 checkpoint and an untrained
    set: the same config builds once (the weights come from the write list, not the headers)."""
    vec = write_set(tmp_path / "v", scene_frames(N_FRAMES, cfg, SIZE, seed=seed), weights, cfg)
    r = csim.run_csim(vec)
    assert r.build.exe == default_build.exe and r.build.cached
    assert_pass(r, N_FRAMES)


@pytest.mark.parametrize("weights", ["w1-4", "w5-9"])
def test_raw_set_bit_exact(default_build, cfg, shared_raw_dir, tmp_path, weights):
    """Two real RAW files through the fixed-point front end (rose bilinear, colorchecker bin2),
    centred 32x24 crops, as one 7-frame sequence (rose x 4, then colorchecker x 3: the statistics
    carry over). The repeated rose frame converges as the model does (block 3 == block 4)."""
    frames = raw_frames(shared_raw_dir / RAWS[0], 4, cfg, SIZE) \
        + raw_frames(shared_raw_dir / RAWS[1], 3, cfg, SIZE, demosaic="bin2")
    vec = write_set(tmp_path / "v", frames, weights, cfg)
    m = json.loads((vec / "manifest.json").read_text())
    assert [s["file"] for s in m["frames"]["sources"]] == [RAWS[0]] * 4 + [RAWS[1]] * 3
    assert_pass(csim.run(default_build.exe, vec), 7)
    blocks = np.array(read_hex(vec / "params.hex")).reshape(8, 37)
    assert (blocks[3] == blocks[4]).all() and not (blocks[0] == blocks[3]).all()


def test_compact_config_bit_exact(shared_raw_dir, tmp_path):
    """compact.toml (the word-length search's cheapest config for the default target): its own
    C++ build, a built-in scene sequence with the spread weights and a real RAW sequence (rose)
    with the w5-9 checkpoint, bit-exact on every tap and beat."""
    cfg = load_config(DEFAULT_CONFIG.with_name("compact.toml"))
    vec = write_set(tmp_path / "scene", scene_frames(N_FRAMES, cfg, SIZE, seed=3), "spread", cfg)
    r = csim.run_csim(vec)
    assert r.build.own_diagnostics == []
    assert_pass(r, N_FRAMES)
    vec = write_set(tmp_path / "raw", raw_frames(shared_raw_dir / RAWS[0], 3, cfg, SIZE), "w5-9", cfg)
    assert_pass(csim.run(r.build.exe, vec), 3)


def test_binary_files_and_frame_limit(default_build, scene_set):
    """The .bin streams and write list replay the same; --frames N stops after N frames (and
    checks parameter block N)."""
    assert_pass(csim.run(default_build.exe, scene_set, binary=True), N_FRAMES)
    r = csim.run(default_build.exe, scene_set, frames=2)
    assert r.passed and len(r.frame_seconds) == 2 and "param_blocks=3" in r.stdout
    r = csim.run(default_build.exe, scene_set, taps=False)
    assert r.passed and r.checked == ["registers", "params", "stream_out"]


def test_other_word_lengths_regenerate_and_match(default_build, tmp_path):
    """A config with other word lengths: its vector set's gen/ holds other types, another stream
    width and other tables, the C simulation builds from it and matches bit for bit; the default
    build refuses that set."""
    cfg = variant_config()
    vec = write_set(tmp_path / "v", scene_frames(N_FRAMES, cfg, SIZE, seed=4), "spread", cfg)
    hdr = (vec / "gen" / "taisp_config.h").read_text()
    assert re.search(r"typedef ap_ufixed<12,4,AP_TRN,AP_SAT> glc_alpha_t;", hdr)
    assert re.search(r"typedef ap_ufixed<15,1,AP_RND,AP_SAT> frontend_x_t;", hdr)
    assert re.search(r"typedef ap_fixed<22,6,AP_RND_INF,AP_SAT> rgfc_logits_t;", hdr)
    m = json.loads((vec / "manifest.json").read_text())
    assert m["stream"]["input"]["tdata_bits"] == 48 and m["taps"]["xg"]["bits"] == 23
    r = csim.run_csim(vec)
    assert r.build.exe != default_build.exe and r.build.own_diagnostics == []
    assert_pass(r, N_FRAMES)
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and "another config" in r.stderr


# ---------------------------------------------------------------------------- mismatch reports
def _flip(path: Path, index: int, bit: int = 1) -> bytes:
    """Flip `bit` of data line `index` of a hex file; returns the old contents."""
    old = path.read_bytes()
    lines = old.decode().splitlines()
    data = [i for i, ln in enumerate(lines) if not ln.startswith("//")]
    ln = lines[data[index]]
    lines[data[index]] = f"{int(ln, 16) ^ bit:0{len(ln)}x}"
    path.write_text("\n".join(lines) + "\n")
    return old


def test_mismatches_are_located(default_build, scene_set, tmp_path):
    """A changed value in a copy of a set is reported at its frame, line, pixel and stage (the
    earliest stage in pipeline order at its first differing pixel)."""
    vec = _copy(scene_set, tmp_path / "v")
    w, h = SIZE
    n = w * h

    def located(rel: str, index: int, bit: int = 1, **kw) -> dict[str, str]:
        old = _flip(vec / rel, index, bit)
        r = csim.run(default_build.exe, vec, **kw)
        (vec / rel).write_bytes(old)
        assert not r.passed and r.returncode == 1 and "RESULT FAIL" in r.stdout, r.stdout[-2000:] + r.stderr
        return r.mismatch

    def pix(f, y, x, c=0, nc=3):
        return ((f * h + y) * w + x) * nc + c

    m = located("taps/xs.hex", pix(2, 5, 7, 2))  # frame 2, line 5, pixel 7, channel B of xs
    assert {k: m[k] for k in ("frame", "line", "pixel", "stage", "tap", "comp", "channel")} == \
        {"frame": "2", "line": "5", "pixel": "7", "stage": "hsa", "tap": "xs", "comp": "2", "channel": "B"}
    cases = [  # file, data line, (frame, line, pixel, stage, tap)
        ("taps/xg.hex", pix(0, 0, 0, 0), ("0", "0", "0", "glc", "xg")),
        ("taps/A.hex", pix(3, 23, 31, 0, 1), ("3", "23", "31", "hsa", "A")),
        ("taps/index.hex", pix(1, 10, 4, 0, 1), ("1", "10", "4", "rgfc", "index")),
        ("taps/y.hex", pix(2, 0, 31, 1), ("2", "0", "31", "rgfc", "y")),
        ("taps/out.hex", pix(1, 2, 9, 1), ("1", "2", "9", "rgfc", "out")),
        ("taps/x.hex", pix(3, 12, 16, 0), ("3", "12", "16", "input", "x")),
        ("stream_in.hex", 2 * n + 1 * w + 0, ("2", "1", "0", "input", "x")),  # the block gets other input
        ("stream_out.hex", n + 3, ("1", "0", "3", "output", "stream_out")),  # the beat only (the out tap agrees)
    ]
    for rel, index, want in cases:
        m = located(rel, index)
        assert (m["frame"], m["line"], m["pixel"], m["stage"], m["tap"]) == want, (rel, m)
    # EOL flag removed from the last beat of frame 0's line 4 (bit 25 of {eol, sof, tdata[23:0]})
    m = located("stream_out.hex", 5 * w - 1, bit=1 << 25)
    assert (m["frame"], m["line"], m["pixel"], m["stage"], m["tap"]) == ("0", "4", "31", "output", "stream_out")
    assert not m["expected"].endswith("+eol") and m["got"].endswith("+eol")  # the block keeps its framing
    # parameters: frame 1's w[0] (block 1, word 5); the block after the last frame (block 4, inv_w[15])
    m = located("params.hex", 37 + 5)
    assert (m["frame"], m["stage"], m["tap"], m["comp"]) == ("1", "params", "w", "0")
    m = located("params.hex", 4 * 37 + 36)
    assert (m["frame"], m["stage"], m["tap"], m["comp"]) == ("4", "params", "inv_w", "15")
    # the binary stream is read with --bin (and only then)
    p = vec / "stream_out.bin"
    old = p.read_bytes()
    data = bytearray(old)
    data[4 * (2 * n + 7 * w + 5)] ^= 0x10  # frame 2, line 7, pixel 5: G's bit 4
    p.write_bytes(bytes(data))
    r = csim.run(default_build.exe, vec, binary=True)
    assert (r.mismatch["frame"], r.mismatch["line"], r.mismatch["pixel"], r.mismatch["stage"]) == ("2", "7", "5", "output")
    assert csim.run(default_build.exe, vec).passed
    p.write_bytes(old)
    assert csim.run(default_build.exe, vec, binary=True).passed


def test_broken_sets_are_refused(default_build, scene_set, tmp_path):
    """A newer schema, a missing file, a short stream or an unknown register write: exit 2 with
    a message naming the problem (no comparison is attempted)."""
    vec = _copy(scene_set, tmp_path / "v")
    mp = vec / "manifest.json"
    m = json.loads(mp.read_text())
    newer = m["schema_version"] + 1
    mp.write_text(json.dumps({**m, "schema_version": newer}))
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and f"schema version {newer} is newer" in r.stderr
    mp.write_text(json.dumps({**m, "top": "camera"}))  # the core testbench refuses a camera set by name
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and "a camera vector set" in r.stderr
    mp.write_text(json.dumps(m))
    (vec / "taps" / "y.hex").rename(vec / "y.hex")
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and "taps/y.hex" in r.stderr
    (vec / "y.hex").rename(vec / "taps" / "y.hex")
    lines = (vec / "stream_out.hex").read_text().splitlines()
    (vec / "stream_out.hex").write_text("\n".join(lines[:-1]) + "\n")
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and "beats" in r.stderr
    shutil.copyfile(scene_set / "stream_out.hex", vec / "stream_out.hex")
    with open(vec / "axil_writes.hex", "a") as f:
        f.write("0000000c00000001\n")
    mp.write_text(json.dumps({**m, "registers": {**m["registers"], "write_list": {
        **m["registers"]["write_list"], "count": m["registers"]["write_list"]["count"] + 1}}}))
    r = csim.run(default_build.exe, vec)
    assert r.returncode == 2 and "address 0xc is not a writable register" in r.stderr
    assert csim.main([str(tmp_path / "nothing")]) == 2


# ---------------------------------------------------------------------------- stream faults
@pytest.mark.parametrize("fault,error_field,calls", [
    ("short_line", "SHORT_LINE", 5),    # extra call: frame 2's copy, line 3 ends 5 pixels early
    ("long_line", "LONG_LINE", 5),      # line 3 runs 2 pixels long
    ("early_sof", "EARLY_SOF", 5),      # cut after 2 lines: frame 2's SOF arrives inside it
    ("missing_sof", "MISSING_SOF", 4),  # 2 beats without SOF before frame 2, no extra call
])
def test_stream_faults_resynchronise(default_build, scene_set, fault, error_field, calls):
    """A broken frame streamed into the set's sequence sets its sticky ERROR bit, counts as a bad
    frame, keeps the output framing, and its statistics are dropped: the set's frames after it
    still match the model exactly (registers, parameters, taps, output)."""
    r = csim.run(default_build.exe, scene_set, inject=f"{fault}@2")
    assert_pass(r, N_FRAMES)
    bit = regmap.field_value("ERROR", error_field)
    assert csim.FAULTS[fault] == bit
    assert r.errors == [0, 0] + [bit] * (calls - 2)  # sticky from the broken call on
    if fault != "missing_sof":
        assert re.search(rf"^TIME call=2 injected={fault} .* frames=2 bad_frames=1$", r.stdout, re.M)


def test_extra_frame_is_detected(default_build, scene_set):
    """The control for the fault checks: a well-formed extra frame does feed the statistics, so
    the next frame's parameters differ from the set's (the checks above are not vacuous)."""
    r = csim.run(default_build.exe, scene_set, inject="extra@2")
    assert not r.passed and r.returncode == 1
    assert (r.mismatch["frame"], r.mismatch["stage"]) == ("2", "params")


# ---------------------------------------------------------------------------- command line
def test_command_line(default_build, scene_set, tmp_path, capsys):
    """`python -m sim.taisp.csim VEC` replays a set; without VEC it writes a built-in scene set first."""
    assert csim.main([str(scene_set), "--inject", "short_line@1"]) == 0
    out = capsys.readouterr().out
    assert "cached build" in out and "RESULT PASS frames=4" in out and "injected=short_line" in out
    assert csim.main(["--size", "16x12", "--frames", "3", "--out", str(tmp_path / "gen_set")]) == 0
    out = capsys.readouterr().out
    assert "RESULT PASS frames=3 pixels=576" in out
    assert json.loads((tmp_path / "gen_set" / "manifest.json").read_text())["frames"]["count"] == 3


@pytest.mark.parametrize("demosaic", ["bilinear", "bin2"])
def test_camera_set_bit_exact(cfg, shared_raw_dir, tmp_path, demosaic):
    """A camera vector set (two RAW files' Bayer samples, 16x12 crops, 2 frames each, the front
    end reprogrammed between them) through the C-simulated camera: output, parameters, registers."""
    from fixedpoint.taisp.codegen import DEFAULT_CHECKPOINT
    from golden.taisp.checkpoint import load_checkpoint
    from sim.vector_inputs import raw_bayer_frames
    from sim.taisp.vectors import write_camera_vector_set

    names = ("rose_768x512_14bit_rggb.raw", "colorchecker_1920x1080_12bit_bggr.raw")
    frames = [f for n in names for f in raw_bayer_frames(shared_raw_dir / n, 2, cfg, (16, 12), demosaic)]
    vec = tmp_path / "cam"
    write_camera_vector_set(vec, frames, load_checkpoint(DEFAULT_CHECKPOINT), cfg, checkpoint=DEFAULT_CHECKPOINT)
    r = csim.run_csim(vec)
    assert r.passed, r.summary() + r.stdout[-2000:]
    assert len(r.frame_seconds) == 4 and "stream_out" in r.checked
    # the comparison is not vacuous: one expected output value changed (frame 3, beat 5; the
    # manifest's hash updated so that the set still checks) is found and located
    from sim.vector_inputs import file_sha256

    m = json.loads((vec / "manifest.json").read_text())
    rec = m["stream"]["output"]["binary_record_bytes"]
    ow, oh = m["frames"]["width"], m["frames"]["height"]
    data = bytearray((vec / "stream_out.bin").read_bytes())
    data[(3 * ow * oh + 5) * rec] ^= 1
    (vec / "stream_out.bin").write_bytes(bytes(data))
    m["files"]["stream_out.bin"]["sha256"] = file_sha256(vec / "stream_out.bin")
    (vec / "manifest.json").write_text(json.dumps(m))
    r = csim.run_csim(vec)
    assert not r.passed and r.mismatch is not None
    assert (r.mismatch["frame"], r.mismatch["line"], r.mismatch["pixel"]) == ("3", str(5 // ow), str(5 % ow))
