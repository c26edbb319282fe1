"""The POS-ISP camera block (``posisp_camera``: the shared front end ``isp_frontend`` ahead of a
generated chain, one AXI4-Lite map; ``taisp gen --model posisp --frontend``): Bayer samples of
real RAW crops in, bit-exact on every output beat against the fixed-point front end
(:func:`fixedpoint.frontend.frontend`) followed by the POS-ISP fixed-point model.

* ``run_frames``: per demosaic (bilinear, bin2) and idle x backpressure pair, a sequence of
  frames, each a centred crop of another RAW file of ../shared/data/raw/ (its own Bayer pattern,
  black level and gains: the front-end registers rewritten and committed between frames), the
  chain with the programmed defaults; every output beat, the saturation counters, FRAMES,
  ERROR. ``previous``: frame k's thumbnail read back (THUMB_READY, THUMB_FRAME, sampled cells or
  every cell against the model's sums), the float parameter agent on it, the driver's
  registers and tables written and committed, frame k + 1 checked with them (the model
  :class:`fixedpoint.posisp.model.FixedPOSISP` in ``previous`` mode).
* ``run_robustness``: broken Bayer streams (short line, long line, missing SOF, early SOF) set
  ERROR.BAYER_*, the broken frame comes out completed with zero samples (bit-exact) and the
  chain counts it in BAD_FRAMES; the next frames bit-exact; a COMMIT with a size bin2 cannot take
  (odd) or whose demosaiced size is under the chain's smallest frame sets ERROR.FE_SIZE and the
  settings in use stay; RESTART returns the front end and the size to their reset values.
* ``run_throughput``: bilinear, no stalls, 4 frames back to back without COMMITs (bit-exact):
  the latency and the steady-state frame period against the cost table's formulas
  (:func:`sim.posisp.cost.camera_latency`, :func:`sim.posisp.cost.camera_overhead`).

Default run (CI): Verilator, one build of a short chain without denoise (exposure -> sharpen ->
gamma: a pointwise filter, a window filter, a per-frame table), both tests in one simulator run.
``TAISP_FULL_MATRIX=1``: Icarus too, and the frozen checkpoint's order without denoise with
64 x 64 frames in ``previous`` mode (every thumbnail cell read back).
"""
from __future__ import annotations

import dataclasses
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import cocotb

from fixedpoint.posisp import regmap
from golden.raw import read_raw
from sim.posisp.camera import CameraChainTB, camera_input, camera_out_size, frontend_writes, run_camera
from sim.posisp.model import chain_frame
from sim.posisp.testbench import INIT_HEIGHT, INIT_WIDTH
from sim.taisp.camera import crop_raw
from sim.tblib import CROSSED_PATTERNS, compare_frames
from sim.tblib.bayer import broken_mosaic, check_broken_streams

RAW_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "raw"
G = regmap.THUMB_SIZE


def _case(test: str) -> dict:
    """This cocotb test's case (``TAISP_TB_CASE``; by test name when one run holds several)."""
    case = json.loads(os.environ.get("TAISP_TB_CASE", "{}"))
    return {**case.get(test, {}), "order": case["order"]}


def _raws(names: list[str], w: int, h: int) -> list:
    return [crop_raw(read_raw(RAW_DIR / n), w, h) for n in names]


def _err(*names: str) -> int:
    return regmap.pack_fields("ERROR", **{n: 1 for n in names})


@cocotb.test(timeout_time=3600, timeout_unit="sec")
async def run_frames(dut):
    from fixedpoint.posisp.driver import default_output, drive
    from fixedpoint.posisp.model import FixedPOSISP

    c = _case("run_frames")
    tb = CameraChainTB(dut)
    cfg = tb.cfg
    order = c["order"]
    previous = c.get("previous", False)
    model = None
    if previous:
        from golden.posisp import load_posisp_checkpoint

        model = FixedPOSISP(load_posisp_checkpoint(c["checkpoint"]), cfg, order=order)
    await tb.reset()
    frames_done = 0
    w, h = c["crop"]
    raws = _raws(c["files"], w, h)
    for di, dm in enumerate(c["demosaics"]):
        ow, oh = camera_out_size(w, h, dm)
        assert not previous or (ow >= G and oh >= G), "previous mode needs the thumbnail: frames of 64 x 64 or more"
        for pi, (idle, bp) in enumerate(c.get("patterns", CROSSED_PATTERNS)):
            # each sequence from the programmed defaults (previous mode: written again with the first
            # frame's front-end settings), counters cleared
            tb.set_patterns(False, False)
            drv = None
            if model is not None:
                if frames_done:
                    drv = default_output(cfg)
                model.reset()
            await tb.ctrl("CLEAR_COUNTERS")
            tb.set_patterns(idle, bp, seed=10 * di + pi)
            sat = Counter()
            for k in range(c["frames"]):
                raw = raws[(pi + k) % len(raws)]
                label = f"{order} {dm} idle={idle} bp={bp} {w}x{h} Bayer -> {ow}x{oh} frame {k} ({raw.source})"
                # this frame's front-end settings (its file's pattern, black level, gains) and, in
                # previous mode, the driver's output (registers and tables): one COMMIT (each COMMIT
                # swaps the per-frame table banks: the tables go with the COMMIT that applies them)
                writes = frontend_writes(raw, cfg, dm)
                if drv is not None:
                    writes += regmap.register_writes(drv, cfg)
                await tb.configure_camera(w, h, writes, dm)
                x = camera_input(raw, cfg, dm)
                if model is not None:
                    res = model.frame(x, "previous")
                    want, ovf = res.out, res.overflows
                else:
                    want, ovf = chain_frame(x, order, cfg)
                sat.update({n: v for n, v in ovf.items() if n in regmap.SAT_ENTRIES})
                send = cocotb.start_soon(tb.send_bayer(raw.mosaic))
                got = await tb.recv(ow, oh)
                await send
                compare_frames(got, want, label)
                frames_done += 1
                if ow >= G and oh >= G:
                    sums = await tb.check_thumb(x, frames_done, label, full=c.get("full_thumb", False))
                    if model is not None:
                        drv = drive(model.params_from_thumbnail(sums, oh, ow), cfg)
            for e in regmap.SAT_ENTRIES:
                got_s = await tb.read(f"SAT:{e}")
                assert got_s == sat.get(e, 0), f"{order} {dm}: saturation counter {e} RTL {got_s}, model {sat.get(e, 0)}"
    assert await tb.read("FRAMES") == frames_done
    assert await tb.read("BAD_FRAMES") == 0 and await tb.read("ERROR") == 0


@cocotb.test(timeout_time=1800, timeout_unit="sec")
async def run_robustness(dut):
    c = _case("run_robustness")
    order = c["order"]
    tb = CameraChainTB(dut)
    cfg = tb.cfg
    await tb.reset()
    # after reset: the Bayer size and the chain's, bilinear, pattern code 0
    assert await tb.read("WIDTH") == INIT_WIDTH and await tb.read("HEIGHT") == INIT_HEIGHT
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=INIT_WIDTH, HEIGHT=INIT_HEIGHT)
    assert await tb.read("FE_ACTIVE") == 0
    w, h = c["size"]
    raw = _raws([c["file"]], w, h)[0]
    writes = frontend_writes(raw, cfg, "bilinear")
    await tb.configure_camera(w, h, writes, "bilinear")
    # the front-end registers read back as written
    for addr, data in writes:
        assert await tb.read_reg(addr) == data, f"front-end register {addr:#x} read back"
    rng = np.random.default_rng(7)
    ms = [np.clip(raw.mosaic.astype(np.int64) + rng.integers(-40, 41, raw.mosaic.shape), 0, raw.white).astype(np.uint16)
          for _ in range(4)]
    ms[0] = raw.mosaic

    def want(m) -> np.ndarray:
        return chain_frame(camera_input(dataclasses.replace(raw, mosaic=m), cfg, "bilinear"), order, cfg)[0]

    async def good(k, label):
        send = cocotb.start_soon(tb.send_bayer(ms[k]))
        compare_frames(await tb.recv(w, h), want(ms[k]), label)
        await send

    async def broken(packets, filled, label):
        for f in packets:
            await tb.source.send(f)
        compare_frames(await tb.recv(w, h), want(filled), label)

    await good(0, "before errors")
    bad0 = await tb.read("BAD_FRAMES")
    # short line (line 2), long line (line 1; the rest discarded up to the next SOF), missing SOF
    # (the frame dropped); each followed by a good frame
    await check_broken_streams(tb, ms[1:4], broken, good, _err)
    pk = tb.bayer_beats(ms[0])
    for f in pk[:2]:
        await tb.source.send(f)
    send = cocotb.start_soon(tb.send_bayer(ms[0]))
    compare_frames(await tb.recv(w, h), want(broken_mosaic(ms[0], 2, 0)), "the frame cut by an early Bayer SOF")
    compare_frames(await tb.recv(w, h), want(ms[0]), "the frame after an early Bayer SOF")
    await send
    assert (await tb.read("ERROR")) & _err("BAYER_EARLY_SOF"), "early Bayer SOF not flagged"
    # the chain counted the three broken frames the front end passed on (their last beat without EOL)
    assert await tb.read("BAD_FRAMES") == bad0 + 3
    err = regmap.unpack_fields("ERROR", await tb.read("ERROR"))
    assert err["LONG_LINE"] == 1 and err["SIZE"] == 0, err
    await tb.write("ERROR", 0xFFFFFFFF)
    assert await tb.read("ERROR") == 0, "ERROR is write-1-to-clear (the camera's bits and the chain's)"
    # sizes the camera refuses: bin2 with an odd width, bin2 whose output is under the chain's
    # smallest frame; ERROR.FE_SIZE, the settings in use stay, frames still bit-exact
    size = regmap.pack_fields("ACTIVE_SIZE", WIDTH=w, HEIGHT=h)
    bin2_writes = frontend_writes(raw, cfg, "bin2")
    for bw, bh in ((w + 1, h), (2 * regmap.MIN_SIZE - 2, 2 * regmap.MIN_SIZE)):
        with pytest.raises(ValueError, match="WIDTH"):
            camera_out_size(bw, bh, "bin2")
        await tb.commit_camera(bw, bh, bin2_writes)
        assert await tb.read("ERROR") == _err("FE_SIZE"), f"bin2 {bw}x{bh} not refused"
        assert await tb.read("ACTIVE_SIZE") == size, f"size in use after a refused {bw}x{bh}"
        assert regmap.unpack_fields("FE_ACTIVE", await tb.read("FE_ACTIVE"))["DEMOSAIC"] == 0
        await tb.write("ERROR", _err("FE_SIZE"))
        await good(1, f"after a refused bin2 {bw}x{bh}")
    # RESTART: the front end and the Bayer size back to their reset values, with the chain's size
    await tb.ctrl("RESTART")
    await tb.wait_applied()
    assert await tb.read("WIDTH") == INIT_WIDTH and await tb.read("HEIGHT") == INIT_HEIGHT
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=INIT_WIDTH, HEIGHT=INIT_HEIGHT)
    assert await tb.read("FE_ACTIVE") == 0 and await tb.read("FE_CONFIG") == 0
    assert await tb.read("FE_BLACK0") == 0
    # and a frame after it, programmed again
    await tb.configure_camera(w, h, writes, "bilinear")
    await good(2, "after RESTART")
    assert await tb.read("ERROR") == 0


# ---------------------------------------------------------------------------- pytest
SIMS = ["icarus", "verilator"]
#: the full matrix (opt-in): TAISP_FULL_MATRIX=1 .venv/bin/python -m pytest -q sim/tb/posisp/test_posisp_camera.py
FULL = os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0")
#: the default run's chain: a pointwise filter, a window filter (line buffers, frame size) and a
#: per-frame table (MEM_DIR), no denoise (minutes of simulation)
SHORT_ORDER = ["exposure", "sharpen", "gamma"]


@cocotb.test(timeout_time=600, timeout_unit="sec")
async def run_throughput(dut):
    """Latency (a frame's first Bayer sample to its first output beat, the block idle) and the
    steady-state frame period with no stalls, bilinear, frames back to back without COMMITs:
    against :func:`sim.posisp.cost.camera_latency` and :func:`sim.posisp.cost.camera_overhead`."""
    from sim.posisp.cost import camera_latency, camera_overhead

    c = _case("run_throughput")
    order = c["order"]
    tb = CameraChainTB(dut)
    await tb.reset()
    starts, firsts = tb.watch_frame_starts()
    results = []
    for w, h in c["sizes"]:
        raws = _raws(c["files"], w, h)
        await tb.configure_camera(w, h, frontend_writes(raws[0], tb.cfg, "bilinear"), "bilinear")
        tb.set_patterns(False, False)
        starts.clear()
        firsts.clear()
        n = 4
        want, _ = chain_frame(camera_input(raws[0], tb.cfg, "bilinear"), order, tb.cfg)

        async def send_all():
            for _ in range(n):
                await tb.send_bayer(raws[0].mosaic)
        send = cocotb.start_soon(send_all())
        for k in range(n):
            compare_frames(await tb.recv(w, h), want, f"{order} throughput {w}x{h} frame {k}")
        await send
        period = [b - a for a, b in zip(starts, starts[1:])][1:]
        latency = firsts[0] - starts[0]
        results.append({"size": [w, h], "latency": latency, "periods": period,
                        "latency_formula": camera_latency(order, w), "overhead_formula": camera_overhead(order, w)})
        dut._log.info("camera throughput: %s", results[-1])
    out = os.environ.get("TAISP_TB_RESULT")
    if out:
        Path(out).write_text(json.dumps(results))
    for r in results:
        w, h = r["size"]
        assert r["latency"] == r["latency_formula"], f"{w}x{h}: latency {r['latency']}, formula {r['latency_formula']}"
        assert set(r["periods"]) == {w * h + r["overhead_formula"]}, \
            f"{w}x{h}: periods {r['periods']}, formula W*H + {r['overhead_formula']}"


def _raw_files() -> list[str]:
    manifest = json.loads((RAW_DIR / "MANIFEST.json").read_text())
    return [f["file"] for f in manifest["files"]]


def _frames_case(crop=(32, 24), frames: int = 2) -> dict:
    return {"files": _raw_files(), "crop": list(crop), "demosaics": ["bilinear", "bin2"], "frames": frames,
            "patterns": CROSSED_PATTERNS}


def _robust_case() -> dict:
    return {"file": _raw_files()[1], "size": [16, 12]}


def _run(simulator: str, tests, case: dict, order: list[str]):
    return run_camera(simulator, "sim.tb.posisp.test_posisp_camera", tests, case, order)


@pytest.mark.parametrize("simulator", SIMS if FULL else ["verilator"])
def test_camera_short_chain(simulator):
    """The camera with a short chain: RAW crops 32x24 (bin2: 16x12 into the chain), both
    demosaics x idle/backpressure crossed x 2 frames of different files, bit-exact; broken Bayer
    streams, refused sizes, RESTART."""
    _run(simulator, ["run_frames", "run_robustness"],
         {"run_frames": _frames_case(), "run_robustness": _robust_case()}, SHORT_ORDER)


#: Chains of the camera's timing check: the front end's overhead the larger (short), the only one
#: (pointwise), the chain's the larger (denoise: its own Verilator build, opt-in)
THROUGHPUT_ORDERS = {"short": SHORT_ORDER, "pointwise": ["exposure", "gamma"], "denoise": ["denoise"]}


@pytest.mark.parametrize("name", list(THROUGHPUT_ORDERS) if FULL else ["short"])
def test_camera_throughput_verilator(name):
    """Latency and frame period of the camera (bilinear, no stalls, frames back to back),
    Verilator (the short chain: the build of test_camera_short_chain), against the cost table's
    formulas (sim/posisp/cost.py camera_latency, camera_overhead)."""
    _run("verilator", ["run_throughput"],
         {"run_throughput": {"files": _raw_files()[:1], "sizes": [[16, 12], [24, 16]]}}, THROUGHPUT_ORDERS[name])


@pytest.mark.parametrize("simulator", SIMS if FULL else [])
def test_camera_frozen_previous(simulator):
    """The frozen checkpoint's order without denoise, 64x64 Bayer (bilinear) and 128x128 (bin2),
    2 frames in ``previous`` mode, every thumbnail cell read back (opt-in: TAISP_FULL_MATRIX=1)."""
    from golden.posisp import CHECKPOINT_DIR
    from sim.tb.posisp.test_posisp_chain import chain_orders

    order = chain_orders()["frozen_nodenoise"]
    for dm, crop in (("bilinear", (64, 64)), ("bin2", (128, 128))):
        _run(simulator, ["run_frames"], {"run_frames": {**_frames_case(crop), "demosaics": [dm], "previous": True,
                                                        "full_thumb": True, "patterns": [[False, False], [True, True]],
                                                        "checkpoint": str(CHECKPOINT_DIR / "posisp_frozen.pth")}},
             order)
