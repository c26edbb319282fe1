"""cocotb replay of a vector set (``taisp vectors``) through taisp_core, or taisp_camera for a
camera set (manifest ``top``: Bayer samples in, the between-frame writes applied): the same files the plain
Verilog testbench reads (the write list, the input and expected output streams, the parameter
blocks), streamed with the core bench of ``sim/taisp/testbench.py``; every output beat (data,
SOF, line length) and the PARAM read-back between frames are compared.

The set's folder comes from ``TAISP_VECTOR_DIR``; ``TAISP_TB_CASE`` (JSON) may set ``idle``,
``backpressure`` and ``seed``. The pytest functions that build and run this are in
``tests/sim/test_vectors.py`` (``run_cocotb_replay`` below).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import cocotb
from cocotb.triggers import ClockCycles, with_timeout
from cocotbext.axi import AxiStreamFrame

from fixedpoint.taisp import regmap
from sim.taisp.testbench import CLOCK_NS, CoreTB as TB
from sim.taisp.vectors import VectorSet, load_vector_set, split_beat

PARAM_NAMES = [f"{n}[{i}]" for n, _, cnt in regmap.PARAM_LAYOUT for i in range(cnt)]


def _split_in(b: int, vs: VectorSet) -> tuple[int, int, int, None]:
    """An input beat -> (tdata, sof, eol, _) for either kind of set (core: UG934 RGB; camera: a Bayer sample)."""
    f = vs.fmt_in
    return b & ((1 << f.tdata_bits) - 1), (b >> f.sof_bit) & 1, (b >> f.eol_bit) & 1, None


def line_packets(vs: VectorSet, k: int) -> list[AxiStreamFrame]:
    """Frame k of the input stream as one AXI4-Stream packet per line (tuser = SOF); the set's
    EOL flags must sit on each line's last pixel (tlast)."""
    beats = vs.frame_beats(vs.beats_in, k)
    out = []
    w = vs.in_width
    for r in range(vs.in_height):
        row = [_split_in(b, vs) for b in beats[r * w:(r + 1) * w]]
        assert [e for _, _, e, _ in row] == [0] * (w - 1) + [1], f"frame {k} line {r}: EOL flags not at the line end"
        out.append(AxiStreamFrame(tdata=[t for t, _, _, _ in row], tuser=[s for _, s, _, _ in row]))
    return out


async def check_params(tb: TB, vs: VectorSet, k: int) -> None:
    for j, want in enumerate(vs.params[k]):
        got = await tb.axil.read_dword(regmap.PARAM_BASE + 4 * j)
        assert got == int(want), f"parameters for frame {k}: {PARAM_NAMES[j]} RTL {got}, expected {int(want)} (parameter engine)"


async def recv_frame(tb: TB, vs: VectorSet, k: int) -> None:
    """Receive frame k and compare every beat with the expected stream."""
    want = vs.frame_beats(vs.beats_out, k)
    w, h = vs.width, vs.height
    for r in range(h):
        f = await tb.sink.recv()
        data = list(f.tdata)
        user = f.tuser if isinstance(f.tuser, list) else [f.tuser] * len(data)
        assert len(data) == w, f"frame {k} line {r}: {len(data)} beats in the packet (tlast), expected {w}"
        for c, (t, u) in enumerate(zip(data, user)):
            got = int(t) | (int(u or 0) << vs.fmt_out.sof_bit) | (int(c == w - 1) << vs.fmt_out.eol_bit)
            exp = want[r * w + c]
            if got != exp:
                _, gs, _, grgb = split_beat(got, vs.fmt_out)
                _, es, _, ergb = split_beat(exp, vs.fmt_out)
                ch = next((n for n, a, b in zip("RGB", grgb, ergb) if a != b), "flags")
                raise AssertionError(f"first mismatch: frame {k}, line {r}, pixel {c}, channel {ch}: RTL R,G,B {grgb} "
                                     f"sof {gs}; expected {ergb} sof {es}")


@cocotb.test(timeout_time=3600, timeout_unit="sec")
async def replay_vector_set(dut):
    """Program the block from the set's write list and replay every frame, bit-exact."""
    case = json.loads(os.environ.get("TAISP_TB_CASE", "{}"))
    vs = load_vector_set(os.environ["TAISP_VECTOR_DIR"])
    tb = TB(dut)
    await tb.reset()
    assert await tb.read("ID") == regmap.ID_VALUE
    for addr, data in vs.writes:
        await tb.axil.write_dword(addr, data)
    await ClockCycles(dut.clk, 4)
    await tb.wait_ready()
    assert await tb.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=vs.width, HEIGHT=vs.height)
    tb.set_patterns(bool(case.get("idle")), bool(case.get("backpressure")), int(case.get("seed", 0)))
    limit = 40 * vs.in_width * (vs.in_height + 4) + 20000
    for k in range(vs.frames):
        fw = vs.writes_before(k)
        if fw:  # camera sets: a new front-end setting between frames (CTRL = COMMIT, no RESTART)
            for addr, data in fw:
                await tb.axil.write_dword(addr, data)
            await ClockCycles(dut.clk, 4)
        await tb.wait_ready()
        await check_params(tb, vs, k)
        send = cocotb.start_soon(_send(tb, line_packets(vs, k)))
        await with_timeout(recv_frame(tb, vs, k), limit * CLOCK_NS, "ns")
        await send
        dut._log.info("frame %d of %d: %d beats bit-exact", k + 1, vs.frames, vs.width * vs.height)
    await tb.wait_ready()
    await check_params(tb, vs, vs.frames)
    tb.set_patterns(False, False)
    assert await tb.read("ERROR") == 0
    assert await tb.read("FRAMES") == vs.frames


async def _send(tb: TB, packets: list[AxiStreamFrame]) -> None:
    for p in packets:
        await tb.source.send(p)


def run_cocotb_replay(vector_dir: str | Path, case: dict | None = None, simulator: str = "icarus",
                      rtl_params: dict | None = None):
    """Build the set's top (manifest ``top``: taisp_core, or taisp_camera with the set's DN_W)
    with the vector set's own generated files (``gen/`` as include folder and ``MEM_DIR``) and a
    line-buffer depth that holds the set's width (``replay_max_w``), and run
    :func:`replay_vector_set` on it; ``rtl_params``: more parameters of the top (``MH_LUT_REGIONS``)."""
    from sim.runner import model_rtl, run_cocotb
    from sim.taisp.vector_replay import replay_max_w

    v = Path(vector_dir).resolve()
    m = json.loads((v / "manifest.json").read_text())
    srcs = model_rtl("taisp")
    top = "taisp_camera" if m.get("top", "core") == "camera" else "taisp_core"
    width = int(m["frames"].get("bayer", m["frames"])["width"])
    params = {"MEM_DIR": f'"{v / "gen"}"', "MAX_W": replay_max_w(width)}
    if top == "taisp_camera":
        params["DN_W"] = int(m["stream"]["input"]["sample_bits"])
    params.update(rtl_params or {})
    return run_cocotb(simulator, top, "sim.tb.taisp.test_taisp_vectors_replay", sources=srcs, gen=v / "gen",
                      parameters=params,
                      testcase="replay_vector_set",
                      build_name=f"{top}_vectors",
                      extra_env={"TAISP_VECTOR_DIR": str(v), "TAISP_TB_CASE": json.dumps(case or {})})
