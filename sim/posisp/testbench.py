"""The bench of a generated POS-ISP chain (``posisp_chain``, :mod:`fixedpoint.posisp.chaingen`):
:class:`ChainTB` programs it by register name (the generated register map), streams frames of
``frontend.x`` as UG934 beats, receives ``chain.out`` frames with a hang timeout that reports the
stream control's state, reads the thumbnail window back; :func:`run_chain` builds a chain of an
order and runs one cocotb test on it.
"""
from __future__ import annotations

import json
import os
from typing import Any, Sequence

import numpy as np

from cocotb.triggers import ClockCycles

from fixedpoint.config import QuantConfig
from fixedpoint.posisp import regmap
from fixedpoint.posisp.schema import load_posisp_config

from ..tblib import StreamTB

#: Clock period of the chain benches (ns); cycle counts do not depend on it.
CLOCK_NS = 4
#: The chain's build in the regressions: line buffers, largest height, frame size after reset.
MAX_W, MAX_H = 1920, 1080
INIT_WIDTH, INIT_HEIGHT = 64, 64


class ChainTB(StreamTB):
    """Clock, reset, AXI4-Stream source/sink (one lane per pixel) and AXI4-Lite master of
    ``posisp_chain``, with register access by name (:func:`fixedpoint.posisp.regmap.address`)."""

    def __init__(self, dut, cfg: QuantConfig | None = None) -> None:
        super().__init__(dut, CLOCK_NS)
        self.cfg = cfg if cfg is not None else load_posisp_config()
        self.xw = self.cfg["frontend.x"].fmt.width
        self.ow = self.cfg["chain.out"].fmt.width

    async def read(self, name: str) -> int:
        return await self.read_reg(regmap.address(name))

    async def write(self, name: str, value: int) -> None:
        await self.write_reg(regmap.address(name), value)

    async def ctrl(self, *fields: str) -> None:
        """Write CTRL with the named bits set (``"COMMIT"``, ``"RESTART"``, ``"CLEAR_COUNTERS"``)."""
        await self.write("CTRL", regmap.pack_fields("CTRL", **{f: 1 for f in fields}))

    async def wait_applied(self, timeout_cycles: int = 200_000) -> None:
        """Poll STATUS until no COMMIT or RESTART waits."""
        pending = regmap.field("STATUS", "COMMIT_PENDING").mask

        async def poll():
            while (await self.read("STATUS")) & pending:
                await ClockCycles(self.dut.clk, 10)
        await self.within(poll(), timeout_cycles, "the COMMIT's apply", self.state)

    async def configure(self, width: int, height: int, restart: bool = False) -> None:
        """Program the frame size, COMMIT (and RESTART: the default parameters), wait until it applies."""
        await self.write("WIDTH", width)
        await self.write("HEIGHT", height)
        await self.ctrl("COMMIT")
        await self.wait_applied()
        if restart:  # a RESTART returns the size to the reset value: commit the size after it
            await self.ctrl("RESTART")
            await self.wait_applied()
            await self.write("WIDTH", width)
            await self.write("HEIGHT", height)
            await self.ctrl("COMMIT")
            await self.wait_applied()
        assert await self.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=width, HEIGHT=height)

    async def program(self, drv) -> None:
        """Write one frame's driver output (parameters, then every table) and COMMIT."""
        for addr, data in regmap.register_writes(drv, self.cfg):
            await self.axil.write_dword(addr, data)
        await self.axil.write_dword(*regmap.commit_write())

    async def send(self, x: np.ndarray) -> None:
        await self.send_frame(x, self.xw)

    def state(self) -> str:
        """The handshakes and the stream control's state (``u_stream``), for a hang report."""
        sig: dict[str, Any] = dict(self.handshakes())
        for n in ("state", "col", "row", "in_flight", "out_row"):
            try:
                sig[n] = int(getattr(self.dut.u_stream, n).value)
            except (AttributeError, ValueError):
                pass
        return ", ".join(f"{k}={v}" for k, v in sig.items())

    async def recv(self, width: int, height: int, timeout_cycles: int | None = None) -> np.ndarray:
        """One (3, H, W) output frame; fails with the block's state after ``timeout_cycles``
        (default 40 cycles a pixel plus 20 lines of pipeline)."""
        limit = timeout_cycles or 40 * width * (height + 20) + 20000
        return await self.within(self.recv_frame(width, height, self.ow), limit,
                                 f"a complete {width}x{height} output frame", self.state)

    async def check_thumb(self, x: np.ndarray, frames: int, label: str, full: bool) -> np.ndarray:
        """THUMB_READY, THUMB_FRAME == ``frames`` and the window's sums against the model's for the
        chain input ``x`` (every cell, or the corners and a diagonal); returns the sums read (the
        model's where only some cells were read: they matched)."""
        from .model import thumb_sums

        g = regmap.THUMB_SIZE
        ready = regmap.field("STATUS", "THUMB_READY").mask

        async def poll():
            while not ((await self.read("STATUS")) & ready and await self.read("THUMB_FRAME") == frames):
                await ClockCycles(self.dut.clk, 10)
        await self.within(poll(), 20000, f"{label}: THUMB_READY with THUMB_FRAME {frames}", self.state)
        want = thumb_sums(x, self.cfg)
        cells = None if full else sorted({(0, 0), (0, g - 1), (g - 1, 0), (g - 1, g - 1), *((k, k) for k in range(0, g, 9))})
        got = await self.read_thumb(cells)
        mask = got >= 0
        bad = np.argwhere((got != want) & mask)
        assert bad.size == 0, (f"{label}: thumbnail sum (c, i, j) {tuple(bad[0])} RTL {got[tuple(bad[0])]}, "
                               f"model {want[tuple(bad[0])]}")
        assert int(mask.sum()) == 3 * (g * g if full else len(cells))
        return got if full else want

    async def read_thumb(self, cells: Sequence[tuple[int, int]] | None = None) -> np.ndarray:
        """The thumbnail window: (3, 64, 64) sums (``cells``: only those (i, j), the rest -1)."""
        g = regmap.THUMB_SIZE
        out = np.full((3, g, g), -1, dtype=np.int64)
        for c in range(3):
            for i, j in (cells if cells is not None else [(i, j) for i in range(g) for j in range(g)]):
                a = regmap.address(f"THUMB:{c}:{i}:{j}")
                lo = await self.read_reg(a)
                hi = await self.read_reg(a + 4)
                out[c, i, j] = lo | (hi << 32)
        return out


def case() -> dict[str, Any]:
    """The test case the pytest side passed (``TAISP_TB_CASE``, JSON)."""
    return json.loads(os.environ.get("TAISP_TB_CASE", "{}"))


def run_chain(simulator: str, test_module: str, testcase: str, case: dict, order: Sequence[str],
              config: str | None = None, max_w: int = MAX_W, max_h: int = MAX_H, verilator_opt: str | None = None):
    """Build ``posisp_chain`` of ``order`` (generated into the POS-ISP generated folder of the
    config and order) for ``simulator`` and run one cocotb test of ``test_module`` with
    ``case`` (JSON in ``TAISP_TB_CASE``, the order added). Returns the results XML."""
    import pytest

    from ..runner import model_rtl, posisp_generated_dir, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = posisp_generated_dir(config, list(order))
    cw = max(max_w, max_h).bit_length()
    return run_cocotb(simulator, "posisp_chain", test_module, sources=[gen / "posisp_chain.v", *model_rtl("posisp")],
                      gen=gen, parameters={"MEM_DIR": f'"{gen}"', "MAX_W": max_w, "MAX_H": max_h, "CW": cw,
                                           "INIT_WIDTH": INIT_WIDTH, "INIT_HEIGHT": INIT_HEIGHT},
                      build_name=f"posisp_chain-{len(list(order))}", testcase=testcase,
                      extra_env={"TAISP_TB_CASE": json.dumps({**case, "order": list(order)})},
                      verilator_opt=verilator_opt, public_depth=2)


__all__ = ["CLOCK_NS", "ChainTB", "INIT_HEIGHT", "INIT_WIDTH", "MAX_H", "MAX_W", "case", "run_chain"]
