"""The HLS C++ block (hls/cpp/) in C simulation, built with g++ against the hls4ml ap_types, is
bit-exact with the fixed-point model: every output beat, every stage tap (xg, A, xs, region
index, y) and the per-frame parameters, over multi-frame sequences in `previous` mode, on the
built-in scene and on two real RAW files, with several weight sets and with a quantization
config of other word lengths (which regenerates the C++ header).

One build per config per session (cached in build/hls_csim/ across sessions as well).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import tomllib

from fixedpoint.arith import FxFormat
from fixedpoint.config import DEFAULT_CONFIG, QuantConfig, load_config
from fixedpoint.frontend import frontend as fixed_frontend
from fixedpoint.model import FixedTAISP
from golden.raw import read_raw
from sim import csim
from sim.stimulus import frames as scene_frames
from sim.stimulus import weight_set

SIZE = (32, 24)  # width, height of the test frames
N_FRAMES = 4     # previous mode: defaults, then alpha, the gate and w from the statistics


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


@pytest.fixture(scope="session")
def default_build() -> csim.Build:
    return csim.build(load_config())


@pytest.fixture(scope="session")
def variant_build() -> csim.Build:
    return csim.build(variant_config())


@pytest.fixture(scope="session")
def raw_inputs(shared_raw_dir: Path) -> dict[str, np.ndarray]:
    """Two real RAW files through the fixed-point front end (`taisp report`'s path)."""
    cfg = load_config()
    return {"rose": fixed_frontend(read_raw(shared_raw_dir / "rose_768x512_14bit_rggb.raw"), cfg, "bilinear"),
            "colorchecker": fixed_frontend(read_raw(shared_raw_dir / "colorchecker_1920x1080_12bit_bggr.raw"),
                                           cfg, "bin2")}


def crops(x: np.ndarray, n: int, seed: int) -> list[np.ndarray]:
    """``n`` frames of SIZE cut from (3, H, W) at seeded positions (a camera panning over the scene)."""
    w, h = SIZE
    rng = np.random.default_rng(seed)
    ys = rng.integers(0, x.shape[1] - h, size=n)
    xs = rng.integers(0, x.shape[2] - w, size=n)
    return [np.ascontiguousarray(x[:, y:y + h, c:c + w]) for y, c in zip(ys, xs)]


def simulate(build: csim.Build, frames, weights: str, cfg, out: Path) -> csim.CsimResult:
    csim.write_vectors(out, frames, weight_set(weights), cfg, meta={"weight_set": weights})
    return csim.run(build.exe, out)


def assert_pass(r: csim.CsimResult, n: int) -> None:
    assert r.passed, f"C simulation differs from the fixed-point model: {r.mismatch}\n{r.stdout[-2000:]}{r.stderr[-2000:]}"
    assert len(r.frame_seconds) == n
    assert r.checked == ["params", "xg", "A", "xs", "index", "y", "out"]
    assert "WARNING" not in r.stdout + r.stderr


def test_build_has_no_warnings_in_our_files(default_build):
    """g++ -Wall -Wextra (-Wno-unknown-pragmas for #pragma HLS): no diagnostic in hls/cpp or the
    generated headers (the ap_types headers' own flow warnings are theirs)."""
    assert "-Wall" in csim.CXXFLAGS and "-Wextra" in csim.CXXFLAGS
    assert default_build.own_diagnostics == []
    assert default_build.exe.is_file()


@pytest.mark.parametrize("weights,seed", [("w1-4", 0), ("spread", 1), ("w5-9", 2)])
def test_scene_sequence_bit_exact(default_build, tmp_path, weights, seed):
    cfg = load_config()
    fr = scene_frames(cfg, *SIZE, N_FRAMES, seed=seed)
    assert_pass(simulate(default_build, fr, weights, cfg, tmp_path / "v"), N_FRAMES)


@pytest.mark.parametrize("name,weights,seed", [("rose", "w1-4", 0), ("colorchecker", "w5-9", 1),
                                               ("rose", "spread", 2)])
def test_raw_sequence_bit_exact(default_build, raw_inputs, tmp_path, name, weights, seed):
    cfg = load_config()
    fr = crops(raw_inputs[name], N_FRAMES, seed)
    assert_pass(simulate(default_build, fr, weights, cfg, tmp_path / "v"), N_FRAMES)


def test_repeated_frame_converges(default_build, tmp_path):
    """The same frame five times: the C simulation follows the model's one-frame delay exactly
    (the 4th and 5th outputs are the same-frame result)."""
    cfg = load_config()
    x = scene_frames(cfg, *SIZE, 1, seed=3)[0]
    assert_pass(simulate(default_build, [x] * 5, "w1-4", cfg, tmp_path / "v"), 5)
    params = [ln for ln in (tmp_path / "v" / "params.hex").read_text().splitlines() if not ln.startswith("//")]
    assert params[3] == params[4] and params[0] != params[3]


def test_mismatches_are_located(default_build, tmp_path):
    """A changed tap value, output beat or parameter is reported by frame, line, pixel and stage."""
    cfg = load_config()
    out = tmp_path / "v"
    csim.write_vectors(out, scene_frames(cfg, *SIZE, 3, seed=0), weight_set("w1-4"), cfg)
    w, h = SIZE

    def corrupt(fname: str, index: int, col: int = 0) -> str:
        p = out / fname
        lines = p.read_text().splitlines()
        data = [i for i, ln in enumerate(lines) if not ln.startswith("//")]
        words = lines[data[index]].split()
        words[col] = f"{int(words[col], 16) ^ 1:0{len(words[col])}x}"
        old = p.read_text()
        lines[data[index]] = " ".join(words)
        p.write_text("\n".join(lines) + "\n")
        return old

    # frame 2, line 5, pixel 7, component B of xs: the hsa stage
    old = corrupt("taps/xs.hex", 2 * w * h + 5 * w + 7, col=2)
    r = csim.run(default_build.exe, out)
    assert not r.passed and r.returncode == 1
    assert r.mismatch == {"frame": "2", "line": "5", "pixel": "7", "stage": "hsa", "tap": "xs", "comp": "2",
                          "expected": r.mismatch["expected"], "got": r.mismatch["got"]}
    (out / "taps/xs.hex").write_text(old)
    # frame 1, line 0, pixel 3 of the output stream only
    old = corrupt("expected.hex", w * h + 3)
    r = csim.run(default_build.exe, out)
    assert (r.mismatch["frame"], r.mismatch["line"], r.mismatch["pixel"], r.mismatch["tap"]) == ("1", "0", "3", "out")
    (out / "expected.hex").write_text(old)
    # frame 1's w[0]
    old = corrupt("params.hex", 1, col=5)
    r = csim.run(default_build.exe, out)
    assert (r.mismatch["frame"], r.mismatch["stage"], r.mismatch["tap"], r.mismatch["comp"]) == ("1", "params", "w", "0")
    (out / "params.hex").write_text(old)
    assert csim.run(default_build.exe, out).passed


@pytest.mark.parametrize("fault,errors,good", [
    ("short_line", [0, 1, 1], [0, 2]),   # line 3 of frame 1 ends 5 pixels early (ERROR bit0)
    ("long_line", [0, 2, 2], [0, 2]),    # line 3 of frame 1 runs 2 pixels long (bit1)
    ("early_sof", [0, 8, 8], [0, 2]),    # frame 1 stops after 2 lines: frame 2's SOF arrives inside it (bit3)
    ("missing_sof", [0, 0, 4], [0, 1, 2]),  # 2 beats without SOF between frames 1 and 2 (bit2)
])
def test_stream_errors_resynchronise(default_build, tmp_path, fault, errors, good):
    """A broken frame sets its sticky ERROR bit, keeps the output framing, and its statistics are
    dropped: the frames after it equal the model run on the good frames only."""
    cfg = load_config()
    w, h = SIZE
    n = w * h
    fr = scene_frames(cfg, w, h, 3, seed=5)
    fx = FixedTAISP(weight_set("w1-4"), cfg)
    res = fx.sequence([fr[i] for i in good])
    results = res if len(good) == 3 else [res[0], res[1], res[1]]  # frame 1 uses frame 0's statistics too
    out = tmp_path / "v"
    m = csim.write_vectors(out, fr, fx, cfg, results=results)
    lines = (out / "input.hex").read_text().splitlines()
    eol = 1 << (m["in_data_bits"] + 1)
    f1 = lines[n:2 * n]

    def flag(line: str, on: bool) -> str:
        v = int(line, 16)
        return f"{(v | eol) if on else (v & ~eol):0{len(line)}x}"

    if fault == "short_line":
        cut = 4 * w - 5
        f1 = f1[:cut - 1] + [flag(f1[cut - 1], True)] + f1[4 * w:]
    elif fault == "long_line":
        f1 = f1[:4 * w - 1] + [flag(f1[4 * w - 1], False), f1[4 * w - 2], f1[4 * w - 1]] + f1[4 * w:]
    elif fault == "early_sof":
        f1 = f1[:2 * w]
    else:
        f1 = f1 + [f1[5], f1[6]]
    (out / "input.hex").write_text("\n".join(lines[:n] + f1 + lines[2 * n:]) + "\n")
    m.update(errors=errors, frames_unchecked=[] if fault == "missing_sof" else [1])
    (out / "manifest.json").write_text(json.dumps(m))
    assert_pass(csim.run(default_build.exe, out), 3)
    # without the fault the sequence differs (the check above is not vacuous)
    if fault != "missing_sof":
        m.update(errors=[0, 0, 0])
        (out / "manifest.json").write_text(json.dumps(m))
        r = csim.run(default_build.exe, out)
        assert not r.passed and r.mismatch["frame"] == "1" and r.mismatch["tap"] == "error"


def test_other_word_lengths_regenerate_and_match(default_build, variant_build, tmp_path):
    """A config with other word lengths regenerates the C++ header (other types, other stream
    width) and the C simulation still matches the model bit for bit."""
    cfg = variant_config()
    assert variant_build.exe != default_build.exe
    assert variant_build.own_diagnostics == []
    hdr = (variant_build.gen_dir / "taisp_config.h").read_text()
    assert re.search(r"typedef ap_ufixed<12,4,AP_TRN,AP_SAT> glc_alpha_t;", hdr)
    assert re.search(r"typedef ap_ufixed<15,1,AP_RND,AP_SAT> frontend_x_t;", hdr)
    assert re.search(r"typedef ap_fixed<22,6,AP_RND_INF,AP_SAT> rgfc_logits_t;", hdr)
    fr = scene_frames(cfg, *SIZE, N_FRAMES, seed=4)
    m = csim.write_vectors(tmp_path / "v", fr, weight_set("spread"), cfg)
    assert m["in_data_bits"] == 48
    assert_pass(csim.run(variant_build.exe, tmp_path / "v"), N_FRAMES)
    # the default build refuses the variant's vector set (another stream width)
    r = csim.run(default_build.exe, tmp_path / "v")
    assert r.returncode == 2 and "data bits" in r.stderr
