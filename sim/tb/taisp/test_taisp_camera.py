"""taisp_camera (the shared streaming front end + the TA-ISP core): Bayer samples in, bit-exact
with the fixed-point camera model (front end, then FixedTAISP in ``previous`` mode) on every
output beat of multi-frame sequences, and the parameters read back after each frame: the four
Bayer patterns x both demosaics x odd and even sizes x idle/backpressure, the real RAW files
of ../shared/data/raw/ (cropped), broken Bayer streams, the bin2 size check, throughput.

Default run (CI, kept to a few minutes): Verilator carries the matrix (each (pattern, demosaic,
size) once, the idle/backpressure pairs rotating through them, one frame each in one stream with
the statistics carried), the broken streams, throughput and the RAW files at 8x6; Icarus one small
smoke stream per demosaic. ``TAISP_FULL_MATRIX=1``: everything on both simulators, every pair
for every combination, 3 frames (see the table at the pytest section).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import cocotb
from cocotb.triggers import ClockCycles

from fixedpoint.taisp import regmap
from fixedpoint.taisp.model import FixedTAISP
from golden.cfa import BAYER_PATTERNS
from golden.raw import read_raw
from sim.taisp.camera import (BILINEAR_LATENCY_CONST, BILINEAR_PERIOD_CONST, BIN2_LATENCY_CONST, BIN2_PERIOD_CONST,
                              CameraModel, CameraTB as TB, FrontendSettings, broken_mosaic, crop_raw, out_size,
                              run_camera, scene_mosaic)
from sim.taisp.stimulus import weight_set
from sim.tblib import CROSSED_PATTERNS as PATTERNS, compare_frames as compare
from sim.tblib.bayer import check_broken_streams

RAW_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "raw"
EXPOSURES = ("normal", "dark", "bright")


def _case(test: str) -> dict:
    """This cocotb test's case: ``TAISP_TB_CASE`` (JSON), or its entry by test name when one
    simulator run holds several tests (the default Verilator run)."""
    case = json.loads(os.environ.get("TAISP_TB_CASE", "{}"))
    return case.get(test, case)


def _err(*names: str) -> int:
    return regmap.field_value("ERROR", *names)


async def check_camera_sequence(tb: TB, model: CameraModel, mosaics: list[np.ndarray], label: str) -> None:
    """Stream Bayer frames; compare every output beat and the parameters computed after each."""
    h, w = mosaics[0].shape
    ow, oh = out_size(w, h, model.fe.demosaic)
    for k, m in enumerate(mosaics):
        res = model.frame(m)
        send = cocotb.start_soon(tb.send_bayer(m))
        got = await tb.recv(ow, oh)
        await send
        compare(got, res.out, f"{label} frame {k} ({w}x{h} Bayer -> {ow}x{oh})")
        await tb.wait_ready()
        await tb.check_params(model.core, f"{label} after frame {k}")


@cocotb.test(timeout_time=3600, timeout_unit="sec")
async def run_frames(dut):
    """Bayer pattern x demosaic x size x idle/backpressure, multi-frame, bit-exact.

    ``carry`` (the default run): one stream for every combination, RESTART only before the
    first, so each frame is processed with the statistics of the frame before it (another
    pattern, demosaic and size); otherwise every (combination, idle/backpressure pair) starts
    from RESTART and streams ``frames`` frames."""
    case = _case("run_frames")
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    isp = weight_set("w1-4")
    n = case.get("frames", 2)
    carry = case.get("carry", False)
    core = None
    for ci, c in enumerate(case["combos"]):
        w, h = c["size"]
        raws = [scene_mosaic(w, h, c["cfa"], seed=10 * ci + k, exposure=EXPOSURES[(ci + k) % 3]) for k in range(n)]
        fe = FrontendSettings.of_raw(raws[0], cfg, c["demosaic"])
        await tb.configure_camera(w, h, fe, restart=not carry or ci == 0)
        for idle, bp in c["patterns"]:
            if not carry:
                await tb.ctrl("RESTART")
                await ClockCycles(dut.clk, 4)
                await tb.wait_ready()
            if core is None or not carry:
                core = FixedTAISP(isp, cfg)
            dut._log.info("%s %s %dx%d idle=%s bp=%s (cycle %d)", c["cfa"], c["demosaic"], w, h, idle, bp, tb.cycle)
            tb.set_patterns(idle, bp, seed=ci)
            model = CameraModel(core, fe)
            await check_camera_sequence(tb, model, [r.mosaic for r in raws],
                                        f"{c['cfa']} {c['demosaic']} {w}x{h} idle={idle} bp={bp}")
            tb.set_patterns(False, False)
    assert await tb.read("ERROR") == 0
    assert await tb.read("BAD_FRAMES") == 0


@cocotb.test(timeout_time=3600, timeout_unit="sec")
async def run_raw_files(dut):
    """Every real RAW file, centre-cropped, streamed as Bayer samples: multi-frame sequences
    (the still repeated) in one stream, the statistics carried from file to file."""
    case = _case("run_raw_files")
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    isp = weight_set("w1-4")
    w, h = case["crop"]
    model = None
    for fi, name in enumerate(case["files"]):
        raw = crop_raw(read_raw(RAW_DIR / name), w, h)
        fe = FrontendSettings.of_raw(raw, cfg, case["demosaic"])
        # the first file from the defaults (RESTART), the next ones keep the statistics
        await tb.configure_camera(w, h, fe, restart=fi == 0)
        core = model.core if model is not None else FixedTAISP(isp, cfg)
        model = CameraModel(core, fe)
        dut._log.info("%s: %s %s black %s gain %s", name, raw.cfa, case["demosaic"], fe.black, fe.gain)
        tb.set_patterns(fi % 2 == 1, fi % 2 == 1, seed=fi)
        await check_camera_sequence(tb, model, [raw.mosaic] * case.get("frames", 2), name)
        tb.set_patterns(False, False)
    assert await tb.read("ERROR") == 0


@cocotb.test(timeout_time=3600, timeout_unit="sec")
async def run_robustness(dut):
    """Broken Bayer streams (short line, long line, missing SOF, early SOF): ERROR.BAYER_* set,
    the broken frame completed with zeros (bit-exact) and its statistics dropped, no hang, the
    next frames bit-exact; bin2 with an odd size refused (ERROR.FE_SIZE, settings kept)."""
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    isp = weight_set("w1-4")
    w, h = 8, 6
    raws = [scene_mosaic(w, h, "GRBG", seed=40 + k, exposure=EXPOSURES[k % 3]) for k in range(4)]
    ms = [r.mosaic for r in raws]
    fe = FrontendSettings.of_raw(raws[0], cfg, "bilinear")
    await tb.configure_camera(w, h, fe)
    model = CameraModel(FixedTAISP(isp, cfg), fe)

    async def good(k, label):
        res = model.frame(ms[k % 4])
        send = cocotb.start_soon(tb.send_bayer(ms[k % 4]))
        compare(await tb.recv(w, h), res.out, label)
        await send
        await tb.wait_ready()
        await tb.check_params(model.core, label)

    async def broken(packets, filled, label):
        """Send broken packets; the output is the model of the zero-filled frame, statistics dropped."""
        res = model.frame(filled, bad=True)
        for f in packets:
            await tb.source.send(f)
        compare(await tb.recv(w, h), res.out, label)
        await tb.wait_ready()
        await tb.check_params(model.core, label)

    await good(0, "before errors")
    bad0 = await tb.read("BAD_FRAMES")
    # short line (line 2), long line (line 1; the rest discarded up to the next SOF), missing SOF
    # (the frame dropped); each followed by a good frame
    await check_broken_streams(tb, ms[1:4], broken, good, _err)
    # -- early SOF: a frame cut after two lines, then a complete one
    pk = tb.bayer_beats(ms[0])
    res_cut = model.frame(broken_mosaic(ms[0], 2, 0), bad=True)
    for f in pk[:2]:
        await tb.source.send(f)
    res = model.frame(ms[0])
    send = cocotb.start_soon(tb.send_bayer(ms[0]))
    compare(await tb.recv(w, h), res_cut.out, "the frame cut by an early Bayer SOF")
    compare(await tb.recv(w, h), res.out, "the frame after an early Bayer SOF")
    await send
    await tb.wait_ready()
    await tb.check_params(model.core, "after an early Bayer SOF")
    assert (await tb.read("ERROR")) & _err("BAYER_EARLY_SOF"), "early Bayer SOF not flagged"
    # the core counted the three broken frames the front end passed on (their last beat without EOL)
    assert await tb.read("BAD_FRAMES") == bad0 + 3
    everything = _err("SHORT_LINE", "LONG_LINE", "MISSING_SOF", "EARLY_SOF", "BAYER_SHORT_LINE", "BAYER_LONG_LINE",
                      "BAYER_MISSING_SOF", "BAYER_EARLY_SOF", "FE_SIZE")
    await tb.write("ERROR", everything)
    assert await tb.read("ERROR") == 0
    # -- bin2 with an odd size: refused, the settings in use stay (bilinear 8x6), frames still bit-exact
    bad_fe = FrontendSettings(fe.cfa, "bin2", fe.black, fe.gain)
    await tb.write("WIDTH", 9)
    await tb.write("HEIGHT", 6)
    for addr, data in bad_fe.writes():
        await tb.axil.write_dword(addr, data)
    await tb.ctrl("COMMIT")
    await tb.wait_ready()
    assert (await tb.read("ERROR")) & _err("FE_SIZE"), "odd size with bin2 not refused"
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=w, HEIGHT=h)
    assert regmap.unpack_fields("FE_ACTIVE", await tb.read("FE_ACTIVE"))["DEMOSAIC"] == regmap.DEMOSAIC_CODES["bilinear"]
    await good(1, "after a refused COMMIT")
    # -- a valid bin2 COMMIT then applies: 8x6 Bayer -> 4x3
    await tb.write("WIDTH", w)
    await tb.write("ERROR", everything)
    await tb.ctrl("COMMIT")
    await tb.wait_ready()
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=w // 2, HEIGHT=h // 2)
    model.fe = bad_fe
    res = model.frame(ms[2])
    send = cocotb.start_soon(tb.send_bayer(ms[2]))
    compare(await tb.recv(w // 2, h // 2), res.out, "bin2 after the refused COMMIT")
    await send
    assert await tb.read("ERROR") == 0


@cocotb.test(timeout_time=600, timeout_unit="sec")
async def run_throughput(dut):
    """Cycles per frame with no stalls and the latency from a frame's first Bayer sample to its
    first output beat, per demosaic and size; the documented constants."""
    case = _case("run_throughput")
    tb = TB(dut)
    await tb.reset()
    cfg = tb.cfg
    starts, firsts = tb.watch_frame_starts()
    results = []
    for dm, (w, h) in case["sizes"]:
        raws = [scene_mosaic(w, h, "RGGB", seed=70 + k) for k in range(4)]
        fe = FrontendSettings.of_raw(raws[0], cfg, dm)
        await tb.configure_camera(w, h, fe)
        ow, oh = out_size(w, h, dm)
        starts.clear()
        firsts.clear()

        async def send_all():
            for r in raws:
                await tb.send_bayer(r.mosaic)
        send = cocotb.start_soon(send_all())
        for _ in raws:
            await tb.recv(ow, oh)
        await send
        # the front end takes the second frame's first samples while the core still works on the
        # first (its line buffers fill ahead), so the steady-state period shows from the second
        # frame on; the latency is the first frame's (the block idle and ready)
        period = [b - a for a, b in zip(starts, starts[1:])][1:]
        latency = firsts[0] - starts[0]
        assert len(set(period)) == 1, f"{dm} {w}x{h}: periods {period}"
        period = period[0]
        if dm == "bilinear":
            pc, lc = period - w * h - 3 * w, latency - 4 * w
        else:
            pc, lc = period - w * h - ow, latency - 7 * w
        results.append({"demosaic": dm, "width": w, "height": h, "cycles_per_frame": period,
                        "overhead_cycles": period - w * h, "period_const": pc, "latency_cycles": latency,
                        "latency_const": lc})
        dut._log.info("throughput: %s", results[-1])
    out = os.environ.get("TAISP_TB_RESULT")
    if out:
        with open(out, "w") as f:
            json.dump(results, f)
    for r in results:
        want_p, want_l = ((BILINEAR_PERIOD_CONST, BILINEAR_LATENCY_CONST) if r["demosaic"] == "bilinear"
                          else (BIN2_PERIOD_CONST, BIN2_LATENCY_CONST))
        assert r["period_const"] == want_p and r["latency_const"] == want_l, f"not the documented constants: {r}"


# ---------------------------------------------------------------------------- pytest
# Which runs where (sim/README.md, "The camera block"):
#   default (CI, ~2-3 minutes single-process):
#     Verilator (one simulator run, model built with -O1): the matrix (4 Bayer patterns x 2
#                demosaics x odd/even sizes, idle/backpressure rotating, one frame each in one
#                stream with the statistics carried from frame to frame), broken streams + the
#                bin2 size check, throughput (one size per demosaic), every RAW file at 8x6
#                (bilinear, 2 frames each, one stream);
#     Icarus:    one small smoke stream per demosaic (RGGB bilinear 7x5, GBRG bin2 8x4, stalls on).
#   TAISP_FULL_MATRIX=1: everything on both simulators: every idle/backpressure pair for every
#     combination from RESTART, 3 frames; RAW files at 32x24 with both demosaics, 3 frames;
#     throughput at 4 sizes.
#   The C simulation (tests/hls/test_camera_csim.py) runs its full matrix by default.
SIMS = ["icarus", "verilator"]
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
#: Bayer sizes: odd and even (bilinear); for bin2 even Bayer sizes whose output is odd and even
SIZES = {"bilinear": [[7, 5], [8, 6]], "bin2": [[10, 6], [8, 4]]}
#: the Icarus smoke stream of the default run: one small case per demosaic, stalls on
SMOKE = [{"cfa": "RGGB", "demosaic": "bilinear", "size": [7, 5], "patterns": [[True, True]]},
         {"cfa": "GBRG", "demosaic": "bin2", "size": [8, 4], "patterns": [[True, False]]}]


def _combos(demosaics=("bilinear", "bin2")) -> list[dict]:
    out, i = [], 0
    for cfa in BAYER_PATTERNS:
        for dm in demosaics:
            for size in SIZES[dm]:
                pats = PATTERNS if FULL else [PATTERNS[i % len(PATTERNS)]]
                out.append({"cfa": cfa, "demosaic": dm, "size": size, "patterns": pats})
                i += 1
    return out


def _raw_files() -> list[str]:
    manifest = json.loads((RAW_DIR / "MANIFEST.json").read_text())
    return [f["file"] for f in manifest["files"]]


def _raw_case() -> dict:
    return {"files": _raw_files(), "crop": [8, 6], "demosaic": "bilinear", "frames": 2}


THROUGHPUT_SIZES = [["bilinear", [7, 3]], ["bin2", [16, 10]]]


def run_camera_tests(simulator: str, tests: list[str], case: dict):
    """The camera bench (Verilator: ``-O1``, half the build time of ``-Os`` at the same speed)."""
    return run_camera(simulator, "sim.tb.taisp.test_taisp_camera", tests[0] if len(tests) == 1 else tests, case,
                      verilator_opt="-O1")


if not FULL:
    def test_camera_verilator():
        """Verilator, one simulator run: the matrix (4 Bayer patterns x both demosaics x odd and
        even sizes, idle/backpressure rotating, one frame each in one stream, each frame with the
        previous one's statistics), broken Bayer streams + the bin2 size check, throughput (one
        size per demosaic), every RAW file at 8x6 (bilinear, 2 frames each, one stream)."""
        run_camera_tests("verilator", ["run_frames", "run_robustness", "run_throughput", "run_raw_files"],
                         {"run_frames": {"combos": _combos(), "frames": 1, "carry": True},
                          "run_throughput": {"sizes": THROUGHPUT_SIZES}, "run_raw_files": _raw_case()})

    def test_camera_smoke_icarus():
        """Icarus: one small Bayer stream per demosaic (stalls on, statistics carried), bit-exact."""
        run_camera_tests("icarus", ["run_frames"], {"combos": SMOKE, "frames": 1, "carry": True})
else:
    @pytest.mark.parametrize("simulator", SIMS)
    @pytest.mark.parametrize("demosaic", ["bilinear", "bin2"])
    def test_camera_frames(simulator, demosaic):
        """4 Bayer patterns x odd and even sizes x every idle/backpressure pair, 3 frames each from RESTART."""
        run_camera_tests(simulator, ["run_frames"], {"combos": _combos((demosaic,)), "frames": 3})

    @pytest.mark.parametrize("simulator", SIMS)
    @pytest.mark.parametrize("demosaic", ["bilinear", "bin2"])
    def test_camera_raw_files(simulator, demosaic):
        """Every real RAW file of ../shared/data/raw/ (MANIFEST.json), cropped 32x24, 3 frames each, one stream."""
        run_camera_tests(simulator, ["run_raw_files"], {**_raw_case(), "crop": [32, 24], "demosaic": demosaic,
                                                        "frames": 3})

    @pytest.mark.parametrize("simulator", SIMS)
    def test_camera_robustness(simulator):
        """Broken Bayer streams and the bin2 size check."""
        run_camera_tests(simulator, ["run_robustness"], {})

    @pytest.mark.parametrize("simulator", SIMS)
    def test_camera_throughput(simulator):
        """Frame period and latency with no stalls: the documented constants, two sizes per demosaic."""
        run_camera_tests(simulator, ["run_throughput"],
                         {"sizes": [["bilinear", [32, 4]], ["bilinear", [7, 3]], ["bin2", [16, 10]], ["bin2", [24, 8]]]})
