"""The fast cocotb path: a vector set replayed through ``taisp_core`` (or ``taisp_camera``) with
the streams driven and checked in HDL (``sim/taisp/hdl/taisp_fast_tb.v``) and Python acting once
per frame (``sim/tb/taisp/test_taisp_fast.py``: registers, the parameter read-back, the HDL
checker's counters).

    res = run_fast(vec_dir, "verilator", stall_in=0.2, stall_out=0.2, seed=3)
    assert res.passed and res.beats_checked == res.beats_expected

The beat-level bench (:class:`sim.taisp.testbench.CoreTB`, cocotbext-axi source and sink) stays
for small directed tests; this path is for vector sets of full-size frames. Stall
probabilities are fractions (0 .. 255/256, quantised to 1/256: the HDL's LFSR compares 8 bits).
"""
from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HARNESS = REPO / "sim" / "taisp" / "hdl" / "taisp_fast_tb.v"
TOPLEVEL = "taisp_fast_tb"
TEST_MODULE = "sim.tb.taisp.test_taisp_fast"


@dataclass
class FastResult:
    """What the fast path measured: beats compared by the HDL checker (and how many the set
    holds), mismatching beats, the first mismatch (None, or beat index with the RTL and expected
    ``{eol, sof, tdata}`` words), PARAM words compared, cycles simulated, and the seconds of the
    cocotb test (``sim_seconds``, build excluded), of the whole call (``wall_seconds``) and the
    CPU seconds of the simulator process during the test (``cpu_seconds``: what a loaded,
    shared machine does not distort)."""

    passed: bool
    simulator: str
    frames: int
    beats_expected: int
    beats_checked: int
    mismatches: int
    first_mismatch: dict | None
    param_words: int
    cycles: int
    sim_seconds: float
    wall_seconds: float
    cpu_seconds: float = 0.0

    @property
    def pixels_per_second(self) -> float:
        return self.beats_checked / self.sim_seconds if self.sim_seconds > 0 else 0.0

    def to_json(self) -> dict:
        return {**asdict(self), "pixels_per_second": self.pixels_per_second}


@dataclass
class SetControl:
    """What Python needs of a vector set on the fast path (the streams stay in HDL): sizes,
    the write list, the between-frame writes (camera sets) and the parameter blocks."""

    frames: int
    width: int
    height: int
    writes: list[tuple[int, int]]
    frame_writes: list[tuple[int, int, int]]
    params: list[list[int]]

    def writes_before(self, k: int) -> list[tuple[int, int]]:
        return [(a, v) for f, a, v in self.frame_writes if f == k]


def set_control(vector_dir: str | Path) -> SetControl:
    """Read :class:`SetControl` of a vector set (its manifest, write lists and params.hex)."""
    from ..vector_format import read_hex

    d = Path(vector_dir)
    m = json.loads((d / "manifest.json").read_text())
    f = m["frames"]

    def words(name: str, n: int) -> list[tuple[int, ...]]:
        raw = (d / name).read_bytes()
        return [tuple(int.from_bytes(raw[i + 4 * j:i + 4 * j + 4], "little") for j in range(n))
                for i in range(0, len(raw), 4 * n)]
    writes = [(a, v) for a, v in words(m["registers"]["write_list"]["bin"], 2)]
    fw = m["registers"].get("frame_writes")
    fwrites = [(k, a, v) for k, a, v in words(fw["bin"], 3)] if m.get("top") == "camera" and fw else []
    n = int(m["params"]["words_per_block"])
    pw = read_hex(d / m["params"]["hex"])
    return SetControl(int(f["count"]), int(f["width"]), int(f["height"]), writes, fwrites,
                      [pw[i:i + n] for i in range(0, len(pw), n)])


def harness_parameters(vector_dir: str | Path, max_w: int | None = None) -> dict[str, object]:
    """The HDL harness's parameters for a vector set: its files, top, stream widths and sizes,
    and a line-buffer depth that holds the set's width (:func:`replay_max_w`)."""
    from .vector_replay import replay_max_w

    v = Path(vector_dir).resolve()
    m = json.loads((v / "manifest.json").read_text())
    f, si, so = m["frames"], m["stream"]["input"], m["stream"]["output"]
    camera = m.get("top", "core") == "camera"
    iw, ih = (f["bayer"]["width"], f["bayer"]["height"]) if camera else (f["width"], f["height"])
    p: dict[str, object] = {
        "MEM_DIR": f'"{v / "gen"}"', "IN_FILE": f'"{v / si["hex"]}"', "OUT_FILE": f'"{v / so["hex"]}"',
        "CAMERA": int(camera), "MAX_W": max_w if max_w is not None else replay_max_w(int(iw)),
        "S_W": int(si["tdata_bits"]), "M_W": int(so["tdata_bits"]), "FRAMES": int(f["count"]),
        "IN_FRAME": int(iw) * int(ih), "OUT_FRAME": int(f["width"]) * int(f["height"])}
    if camera:
        p["DN_W"] = int(si["sample_bits"])
    return p


def run_fast(vector_dir: str | Path, simulator: str = "verilator", *, stall_in: float = 0.0, stall_out: float = 0.0,
             seed: int = 1, frames: int | None = None, check_params: bool = True, max_w: int | None = None,
             expect_fail: bool = False, program_weights: bool = True) -> FastResult:
    """Build the harness for a vector set (cached per set and simulator) and replay the set with
    the fast cocotb path; returns the HDL checker's counts. ``expect_fail``: a mismatch is
    reported in the result instead of failing the cocotb test (for tests of the checker).
    ``program_weights`` False: skip the write list's weight words (the block's build-time
    weights, the set's ``gen/weights.hex``, are the same words; saves thousands of AXI4-Lite
    writes in short tests)."""
    from ..runner import model_rtl, run_cocotb

    v = Path(vector_dir).resolve()
    params = harness_parameters(v, max_w)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as td:
        out = Path(td) / "fast.json"
        case = {"stall_in": stall_in, "stall_out": stall_out, "seed": seed, "frames": frames,
                "check_params": check_params, "expect_fail": expect_fail, "program_weights": program_weights}
        run_cocotb(simulator, TOPLEVEL, TEST_MODULE, sources=[HARNESS, *model_rtl("taisp")], gen=v / "gen",
                   parameters=params, build_name=f"taisp_fast_{v.name}", testcase="fast_replay",
                   verilator_opt="-O2", public_depth=1,
                   extra_env={"TAISP_VECTOR_DIR": str(v), "TAISP_TB_CASE": json.dumps(case),
                              "TAISP_TB_RESULT": str(out)})
        r = json.loads(out.read_text())
    return FastResult(r["mismatches"] == 0 and r["beats_checked"] == r["beats_expected"], simulator, r["frames"],
                      r["beats_expected"], r["beats_checked"], r["mismatches"], r["first_mismatch"], r["param_words"],
                      r["cycles"], r["seconds"], time.perf_counter() - t0, r.get("cpu_seconds", 0.0))


def stall_level(p: float) -> int:
    """A stall probability (fraction) as the harness's 8-bit threshold (``p * 256``, at most 255)."""
    if not 0.0 <= p < 1.0:
        raise ValueError(f"stall probability must be in [0, 1), got {p}")
    return min(255, int(round(p * 256)))


__all__ = ["FastResult", "HARNESS", "SetControl", "harness_parameters", "run_fast", "set_control", "stall_level"]
