"""Bench bases: :class:`ClockedTB` (clock, synchronous reset, cycle counter) and
:class:`StreamTB` (plus an AXI4-Stream source and sink, one lane per pixel, and an AXI4-Lite
master, with the stall generators of :mod:`sim.tblib.patterns`).

The DUT's ports follow the project's conventions: ``clk``, ``rst`` (active high, synchronous),
``s_axis_*``/``m_axis_*`` (``tuser[0]`` = start of frame, ``tlast`` = end of line) and ``s_axil_*``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, with_timeout
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamSink, AxiStreamSource

from .patterns import backpressure_pattern, idle_pattern


class ClockedTB:
    """A clock on ``dut.clk`` (period ``clock_ns``), a reset task and a cycle counter."""

    def __init__(self, dut, clock_ns: float) -> None:
        self.dut = dut
        self.clock_ns = clock_ns
        self.cycle = 0
        cocotb.start_soon(Clock(dut.clk, clock_ns, unit="ns").start())
        cocotb.start_soon(self._count())

    async def _count(self) -> None:
        while True:
            await RisingEdge(self.dut.clk)
            self.cycle += 1

    async def reset(self, cycles: int = 5, after: int = 2) -> None:
        """Hold ``rst`` high for ``cycles`` clocks, then wait ``after`` clocks."""
        self.dut.rst.value = 1
        await ClockCycles(self.dut.clk, cycles)
        self.dut.rst.value = 0
        await ClockCycles(self.dut.clk, after)


class StreamTB(ClockedTB):
    """:class:`ClockedTB` plus ``source`` (s_axis), ``sink`` (m_axis) and ``axil`` (s_axil)."""

    def __init__(self, dut, clock_ns: float, axil: bool = True) -> None:
        super().__init__(dut, clock_ns)
        for name in ("s_axis", "m_axis", "s_axil"):
            logging.getLogger(f"cocotb.{dut._name}.{name}").setLevel(logging.WARNING)
        self.source = AxiStreamSource(AxiStreamBus.from_prefix(dut, "s_axis"), dut.clk, dut.rst, byte_lanes=1)
        self.sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "m_axis"), dut.clk, dut.rst, byte_lanes=1)
        self.axil = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, dut.rst) if axil else None

    def watch_frame_starts(self) -> tuple[list[int], list[int]]:
        """Start recording the cycle (:attr:`cycle`) of every start-of-frame beat taken on s_axis
        and handed on m_axis (``tuser`` high on a handshake): returns the two lists, appended to
        for the rest of the test (clear them between measurements). For latency and frame-period
        checks: a frame's latency is ``firsts[i] - starts[i]``, the period ``starts[i+1] - starts[i]``."""
        starts: list[int] = []
        firsts: list[int] = []
        dut = self.dut

        async def watch() -> None:
            while True:
                await RisingEdge(dut.clk)
                if dut.s_axis_tvalid.value and dut.s_axis_tready.value and dut.s_axis_tuser.value:
                    starts.append(self.cycle)
                if dut.m_axis_tvalid.value and dut.m_axis_tready.value and dut.m_axis_tuser.value:
                    firsts.append(self.cycle)

        cocotb.start_soon(watch())
        return starts, firsts

    def set_patterns(self, idle: bool | Iterator[bool] | None, backpressure: bool | Iterator[bool] | None,
                     seed: int = 0) -> None:
        """Stall the source (idle) and the sink (backpressure): True for the default generators
        (seeded from ``seed``), a generator of your own, or False/None for none."""
        idle_gen = idle_pattern(seed + 1) if idle is True else (idle or None)
        bp_gen = backpressure_pattern(seed + 2) if backpressure is True else (backpressure or None)
        for end, gen in ((self.source, idle_gen), (self.sink, bp_gen)):
            end.set_pause_generator(gen)
            # cocotbext-axi leaves ``pause`` at the generator's last value when a generator is
            # removed: clear it, or the stream stays paused for good
            if gen is None:
                end.pause = False

    async def read_reg(self, addr: int) -> int:
        return await self.axil.read_dword(addr)

    async def write_reg(self, addr: int, value: int) -> None:
        await self.axil.write_dword(addr, value & 0xFFFFFFFF)

    @staticmethod
    def frame_beats(x, comp_bits: int) -> list:
        """(3, H, W) RGB raw components -> one AXI4-Stream packet per line (UG934 beats, tlast on
        the line's last pixel), SOF (tuser) on the frame's first pixel."""
        from cocotbext.axi import AxiStreamFrame

        from ..ug934 import pack_ug934

        b = pack_ug934(x, comp_bits)
        h, w = b.shape
        return [AxiStreamFrame(tdata=[int(v) for v in b[r]], tuser=[1 if (r == 0 and c == 0) else 0 for c in range(w)])
                for r in range(h)]

    @staticmethod
    def bayer_beats(mosaic) -> list:
        """(H, W) Bayer samples -> one AXI4-Stream packet per line (one sample per beat, tlast on
        the line's last sample), SOF (tuser) on the frame's first sample (a camera block's input)."""
        from cocotbext.axi import AxiStreamFrame

        h, w = mosaic.shape
        return [AxiStreamFrame(tdata=[int(v) for v in mosaic[r]], tuser=[1 if (r == 0 and c == 0) else 0 for c in range(w)])
                for r in range(h)]

    async def send_bayer(self, mosaic) -> None:
        """Queue a Bayer frame on the source (:meth:`bayer_beats`)."""
        for f in self.bayer_beats(mosaic):
            await self.source.send(f)

    async def send_frame(self, x, comp_bits: int) -> None:
        """Queue a (3, H, W) frame on the source (:meth:`frame_beats`)."""
        for f in self.frame_beats(x, comp_bits):
            await self.source.send(f)

    async def recv_frame(self, width: int, height: int, comp_bits: int):
        """One ``width`` x ``height`` frame from the sink as (3, H, W) int64, each line checked
        for its length and SOF only on the first pixel."""
        import numpy as np

        from ..ug934 import unpack_ug934

        rows = []
        for r in range(height):
            f = await self.sink.recv()
            data = list(f.tdata)
            user = f.tuser if isinstance(f.tuser, list) else [f.tuser] * len(data)
            assert len(data) == width, f"output line {r} has {len(data)} beats, expected {width}"
            want_user = [1 if (r == 0 and c == 0) else 0 for c in range(width)]
            assert [int(u or 0) for u in user] == want_user, f"output line {r}: tuser {user}"
            rows.append(data)
        return unpack_ug934(np.array(rows, dtype=object), comp_bits)

    def handshakes(self) -> dict[str, object]:
        """The stream handshake signals now (for hang reports)."""
        d = self.dut
        return {n: getattr(d, n).value for n in ("s_axis_tvalid", "s_axis_tready", "m_axis_tvalid", "m_axis_tready")}

    async def within(self, coro, cycles: int, what: str, state=None):
        """Await ``coro``; fail after ``cycles`` clocks naming ``what`` and the block's state
        (``state()``, default the handshakes) instead of hanging."""
        try:
            return await with_timeout(coro, cycles * self.clock_ns, "ns")
        except cocotb.triggers.SimTimeoutError:
            st = state() if state is not None else ", ".join(f"{k}={v}" for k, v in self.handshakes().items())
            raise AssertionError(f"{what} not within {cycles} cycles: {st}") from None
