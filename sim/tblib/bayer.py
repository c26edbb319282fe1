"""Broken Bayer streams for the camera benches (``taisp_camera``, ``posisp_camera``): the packets
of a short line, a long line and a missing SOF, and the mosaic a camera's front end completes
after such an error (zero samples from the error on), which the expected values are computed from.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from cocotbext.axi import AxiStreamFrame

from .stream import StreamTB


def broken_mosaic(mosaic: np.ndarray, line: int, valid: int) -> np.ndarray:
    """The mosaic the block completes after an error: samples of line ``line`` from ``valid`` on,
    and every later line, are zero."""
    m = np.array(mosaic, dtype=np.int64)
    m[line, valid:] = 0
    m[line + 1:, :] = 0
    return m


class BrokenStream(NamedTuple):
    """A broken Bayer frame: what it is, its packets, the zero-completed mosaic the block
    processes (None: the block drops it), the camera ERROR field it sets."""

    label: str
    packets: list
    filled: np.ndarray | None
    error: str


def broken_bayer_streams(mosaics) -> list[BrokenStream]:
    """Three broken frames from ``mosaics[0..2]`` (at least 3 lines each): line 2 one sample short,
    line 1 one sample long (the frame ends there: the rest is discarded up to the next SOF), a
    frame without SOF (dropped)."""
    pk = StreamTB.bayer_beats(mosaics[0])
    w = mosaics[0].shape[1]
    short = pk[:2] + [AxiStreamFrame(tdata=pk[2].tdata[:-1], tuser=pk[2].tuser[:-1])] + pk[3:]
    pk = StreamTB.bayer_beats(mosaics[1])
    long_ = pk[:1] + [AxiStreamFrame(tdata=pk[1].tdata + [7], tuser=pk[1].tuser + [0])] + pk[2:]
    pk = StreamTB.bayer_beats(mosaics[2])
    nosof = [AxiStreamFrame(tdata=pk[0].tdata, tuser=[0] * w)] + pk[1:]
    return [BrokenStream("short Bayer line", short, broken_mosaic(mosaics[0], 2, w - 1), "BAYER_SHORT_LINE"),
            BrokenStream("long Bayer line", long_, broken_mosaic(mosaics[1], 2, 0), "BAYER_LONG_LINE"),
            BrokenStream("missing Bayer SOF", nosof, None, "BAYER_MISSING_SOF")]


async def check_broken_streams(tb, mosaics, broken, good, error_mask) -> None:
    """Stream :func:`broken_bayer_streams` of ``mosaics[0..2]`` into a camera (``tb``: a
    :class:`StreamTB` with register reads by name, ``await tb.read("ERROR")``): ``await broken(packets,
    filled, label)`` sends a broken frame and checks the output of its zero-completed mosaic; a
    dropped frame is sent and waited for; then ``ERROR`` must have the stream's bit
    (``error_mask(field)``) and ``await good(k, label)`` checks good frame k (1, 2, 3) after it."""
    from cocotb.triggers import ClockCycles

    for k, b in enumerate(broken_bayer_streams(mosaics), start=1):
        if b.filled is None:
            for f in b.packets:
                await tb.source.send(f)
            await tb.source.wait()
            await ClockCycles(tb.dut.clk, 50)
        else:
            await broken(b.packets, b.filled, b.label)
        assert (await tb.read("ERROR")) & error_mask(b.error), f"{b.label} not flagged"
        await good(k, f"after a {b.label}")


__all__ = ["BrokenStream", "broken_bayer_streams", "broken_mosaic", "check_broken_streams"]
