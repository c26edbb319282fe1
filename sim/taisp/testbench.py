"""The TA-ISP core bench (cocotb side) and the runner call that builds and runs it: shared by
``sim/tb/taisp/test_taisp_core.py``, ``test_taisp_vectors_replay.py`` and
``benchmarks/bench_sim.py``.

:class:`CoreTB` programs ``taisp_core`` by register name (the generated register map), streams
frames as UG934 beats and receives them with a hang timeout that reports the block's state.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

import cocotb
from cocotb.triggers import ClockCycles
from cocotbext.axi import AxiStreamFrame

from fixedpoint.config import QuantConfig, load_config
from fixedpoint.taisp import regmap
from fixedpoint.taisp.model import FixedTAISP
from fixedpoint.taisp.params import quantize_weights

from ..tblib import StreamTB, compare_frames
from . import pipeline

#: Clock period of the core benches (ns); the cycle counts do not depend on it.
CLOCK_NS = 4
#: The line-buffer depth the core is built with in the regressions (pixels).
MAX_W = 2048
#: The frame size after reset the core is built with (its INIT_WIDTH, INIT_HEIGHT parameters).
INIT_WIDTH, INIT_HEIGHT = 64, 48
#: Frame period with no stalls is W*H + 3*W + this (cycles): 3 flush pushes, the pipeline's
#: drain and hand-over, the parameter-engine cycles; and the first output beat of a frame 3*W +
#: LATENCY_CONST cycles after its first input beat (window look-ahead 2W+2 and W+1, the pixel
#: pipeline's depth). Both derived from the RTL's pipeline depths (sim/taisp/pipeline.py,
#: hls/rtl/taisp/taisp_pipe.vh; hls/README.md, "Throughput").
FRAME_OVERHEAD_CONST = pipeline.FRAME_OVERHEAD_CONST
LATENCY_CONST = pipeline.LATENCY_CONST


class CoreTB(StreamTB):
    """Clock, reset, AXI4-Stream source/sink (one lane per pixel) and AXI4-Lite master of
    ``taisp_core``, with register access by name."""

    def __init__(self, dut, cfg: QuantConfig | None = None) -> None:
        super().__init__(dut, CLOCK_NS)
        self.cfg = cfg if cfg is not None else load_config()
        self.xw = self.cfg["frontend.x"].fmt.width
        self.ow = self.cfg["rgfc.out"].fmt.width

    async def reset(self, cycles: int = 5, after: int = 2) -> None:
        await super().reset(cycles, after)
        await self.wait_ready()

    async def read(self, name: str) -> int:
        return await self.read_reg(regmap.address(name))

    async def write(self, name: str, value: int) -> None:
        await self.write_reg(regmap.address(name), value)

    async def ctrl(self, *fields: str) -> None:
        """Write CTRL with the named bits set (``"COMMIT"``, ``"RESTART"``, ...)."""
        await self.write("CTRL", regmap.field_value("CTRL", *fields))

    async def wait_ready(self, timeout_cycles: int = 500_000) -> None:
        """Poll STATUS until the parameter engine reports ready."""
        ready = regmap.field_value("STATUS", "READY")

        async def poll():
            while not (await self.read("STATUS")) & ready:
                await ClockCycles(self.dut.clk, 20)
        await self.within(poll(), timeout_cycles, "STATUS.READY", self.state)

    async def program_weights(self, isp) -> None:
        """Write a weight set (a golden TAISP) into the shadow weight memories."""
        for addr, data in regmap.register_writes(quantize_weights(isp, self.cfg), self.cfg):
            await self.axil.write_dword(addr, data)

    async def configure(self, width: int, height: int, isp=None) -> None:
        """Program the frame size (and a weight set), commit, forget statistics, wait ready."""
        await self.write("WIDTH", width)
        await self.write("HEIGHT", height)
        if isp is not None:
            await self.program_weights(isp)
        await self.ctrl("COMMIT", "RESTART")
        await ClockCycles(self.dut.clk, 4)
        await self.wait_ready()
        assert await self.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=width, HEIGHT=height)

    def beats(self, x: np.ndarray) -> list[AxiStreamFrame]:
        """One AXI4-Stream packet per line (tlast on its last pixel), SOF on the first pixel."""
        return self.frame_beats(x, self.xw)

    async def send(self, x: np.ndarray) -> None:
        await self.send_frame(x, self.xw)

    def state(self) -> str:
        """The block's handshakes and frame state machine (the stream control ``u_stream`` of
        ``taisp_core``), for a hang report."""
        sig: dict[str, Any] = dict(self.handshakes())
        for n in ("state", "col", "row", "in_flight", "flush_cnt"):
            try:
                sig[n] = int(getattr(self.dut.u_stream, n).value)
            except (AttributeError, ValueError):
                pass
        return ", ".join(f"{k}={v}" for k, v in sig.items())

    async def recv(self, width: int, height: int, timeout_cycles: int | None = None) -> np.ndarray:
        """One frame from the sink; fails (with the block's state) if it takes longer than
        ``timeout_cycles`` (default: 40 cycles a pixel plus the parameter engine's time)."""
        limit = timeout_cycles or 40 * width * (height + 3) + 20000
        return await self.within(self._recv(width, height), limit, f"a complete {width}x{height} output frame",
                                 self.state)

    async def _recv(self, width: int, height: int) -> np.ndarray:
        return await self.recv_frame(width, height, self.ow)

    async def check_params(self, model: FixedTAISP, label: str) -> None:
        """Every word of the parameter read-back equals what the model computed for the next frame."""
        nxt = model.next_params()
        for name, n in regmap.PARAM_FIELDS:
            for i in range(n):
                got = await self.read(f"PARAM:{name}:{i}")
                want = int(nxt[name][i]) & 0xFFFFFFFF
                assert got == want, f"{label}: PARAM {name}[{i}] RTL {got:#x}, model {want:#x}"


async def check_sequence(tb: CoreTB, model: FixedTAISP, xs: list[np.ndarray], label: str) -> None:
    """Stream the frames, compare every output beat and every parameter word the block computed."""
    h, w = xs[0].shape[1:]
    for k, x in enumerate(xs):
        res = model.frame(x, "previous")
        send = cocotb.start_soon(tb.send(x))
        got = await tb.recv(w, h)
        await send
        compare_frames(got, res.out, f"{label} frame {k} ({w}x{h})")
        await tb.wait_ready()
        await tb.check_params(model, f"{label} after frame {k}")


def run_core(simulator: str, test_module: str, testcase: str, case: dict, gen=None, max_w: int = MAX_W,
             rtl_params: dict | None = None):
    """Build ``taisp_core`` (shared primitives + TA-ISP RTL) for ``simulator`` and run one cocotb
    test of ``test_module`` with ``case`` (JSON in ``TAISP_TB_CASE``); ``rtl_params``: more
    parameters of the top (``MH_LUT_REGIONS``...). The benches touch the top's ports and the
    stream control's state (``u_stream``, the hang report), so a Verilator build makes only the
    top two levels visible (``public_depth`` 2). Returns the results XML."""
    import pytest

    from ..runner import generated_dir, model_rtl, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = gen or generated_dir()
    return run_cocotb(simulator, "taisp_core", test_module, sources=model_rtl("taisp"), gen=gen,
                      parameters={"MEM_DIR": f'"{gen}"', "MAX_W": max_w, "INIT_WIDTH": INIT_WIDTH,
                                  "INIT_HEIGHT": INIT_HEIGHT, **(rtl_params or {})}, testcase=testcase,
                      extra_env={"TAISP_TB_CASE": json.dumps(case), **case.get("env", {})}, public_depth=2)
