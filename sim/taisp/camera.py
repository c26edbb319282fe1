"""The TA-ISP camera block (``taisp_camera``: the shared front end + the core) in the benches:
its bit-exact model and its cocotb bench.

:class:`CameraModel` is the fixed-point camera: :func:`fixedpoint.frontend.normalize_mosaic`
and :func:`fixedpoint.frontend.demosaic` (what the front-end registers hold: Bayer pattern,
demosaic, black level and gain per 2x2 position), then :class:`FixedTAISP` in ``previous`` mode.
A broken Bayer frame (short or long line, early SOF) is completed with zero samples and its
statistics are dropped, as the block does. :class:`CameraTB` programs the block by register
name and streams Bayer samples, one per beat.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from fixedpoint.config import QuantConfig
from fixedpoint.frontend import demosaic, gains as raw_gains, normalize_mosaic
from fixedpoint.taisp import regmap
from fixedpoint.taisp.model import FixedTAISP
from golden.raw import RawImage
from golden.scene import synthetic_raw

from ..tblib.bayer import broken_mosaic  # noqa: F401 (the benches import it from here)
from .pipeline import FRAME_OVERHEAD_CONST, LATENCY_CONST
from .testbench import INIT_HEIGHT, INIT_WIDTH, MAX_W, CoreTB

#: Bits of a Bayer sample the camera is built with in the regressions (its DN_W parameter).
DN_W = 16
#: Camera frame period with no stalls, steady state (the front end fills its line buffers with
#: the next frame while the core finishes the last): bilinear W*H + 3*W + this, the core's own
#: period (hls/README.md); bin2 W*H + W/2 + this (W, H: the Bayer size; W >= 8), one cycle less.
#: Derived from the core's (sim/taisp/pipeline.py); measured by ``test_camera_throughput``.
BILINEAR_PERIOD_CONST = FRAME_OVERHEAD_CONST
BIN2_PERIOD_CONST = FRAME_OVERHEAD_CONST - 1
#: The front end's own pipeline, first Bayer sample to the core's input beat beyond its window
#: lag: bilinear W + 1 and 7 stages (4*W in all with the core's 3*W); bin2 10 cycles (7*W in all).
BILINEAR_FRONTEND_CONST = 8
BIN2_FRONTEND_CONST = 10
#: First output beat after the first Bayer sample of a frame entering the idle block: bilinear
#: 4*W + this (the front end's window lag W + 1 and pipeline, the core's 3W + LATENCY_CONST); bin2
#: 7*W + this (frames of at least 8 Bayer lines: the core's windows look 3 output lines + 3 pixels
#: ahead, and an output line takes two Bayer lines).
BILINEAR_LATENCY_CONST = LATENCY_CONST + BILINEAR_FRONTEND_CONST
BIN2_LATENCY_CONST = LATENCY_CONST + BIN2_FRONTEND_CONST


@dataclass
class FrontendSettings:
    """What the front-end registers hold: Bayer pattern, demosaic, black level (DN) and raw
    ``frontend.gain`` per 2x2 position (row-major)."""

    cfa: str
    demosaic: str
    black: list[int]
    gain: list[int]

    @classmethod
    def of_raw(cls, raw: RawImage, cfg: QuantConfig, demosaic: str) -> "FrontendSettings":
        return cls(raw.cfa, demosaic, [int(round(b)) for b in raw.black], raw_gains(raw, cfg))

    def writes(self) -> list[tuple[int, int]]:
        return regmap.frontend_writes(self.cfa, self.demosaic, self.black, self.gain)

    def to_json(self) -> dict:
        return {"cfa": self.cfa, "demosaic": self.demosaic, "black": list(self.black), "gain": list(self.gain)}


def out_size(width: int, height: int, demosaic: str) -> tuple[int, int]:
    """The size the core gets for a Bayer frame of ``width`` x ``height``."""
    return (width // 2, height // 2) if demosaic == "bin2" else (width, height)


@dataclass
class CameraModel:
    """The camera block's fixed-point model: front end with the registers' settings, then the
    core in ``previous`` statistics mode (from reset)."""

    core: FixedTAISP
    fe: FrontendSettings
    cfg: QuantConfig = field(init=False)

    def __post_init__(self) -> None:
        self.cfg = self.core.cfg

    def frontend(self, mosaic: np.ndarray) -> np.ndarray:
        m = normalize_mosaic(mosaic, self.fe.black, self.fe.gain, self.cfg)
        return demosaic(m, self.fe.cfa, self.fe.demosaic, self.cfg)

    def frame(self, mosaic: np.ndarray, bad: bool = False, taps: bool = False):
        """One Bayer frame through the model; ``bad``: a frame the block found broken (already
        zero-filled by :func:`broken_mosaic`): its output is computed, its statistics dropped."""
        prev = self.core._prev
        res = self.core.frame(self.frontend(mosaic), "previous", taps=taps)
        if bad:
            self.core._prev = prev
        return res


def scene_mosaic(width: int, height: int, cfa: str, seed: int, exposure: str = "normal", bits: int = 12,
                 black: int = 64) -> RawImage:
    """A Bayer frame of the built-in scene (any size, odd included)."""
    return synthetic_raw(height=height, width=width, cfa=cfa, exposure=exposure, bits=bits, black=black, seed=seed)


def crop_raw(raw: RawImage, width: int, height: int) -> RawImage:
    """The centred crop of a RAW frame at even offsets (the CFA phase and black order kept)."""
    h, w = raw.mosaic.shape
    if width > w or height > h:
        raise ValueError(f"{raw.source}: crop {width}x{height} larger than {w}x{h}")
    y0, x0 = ((h - height) // 2) & ~1, ((w - width) // 2) & ~1
    return RawImage(np.ascontiguousarray(raw.mosaic[y0:y0 + height, x0:x0 + width]), raw.cfa, raw.black, raw.white,
                    raw.bits, f"{raw.source} [crop {width}x{height}+{x0}+{y0}]", raw.camera)


class CameraTB(CoreTB):
    """``taisp_camera``: the core bench with Bayer samples in (one per beat: ``StreamTB.send_bayer``)
    and the front-end registers."""

    async def configure_camera(self, width: int, height: int, fe: FrontendSettings, isp=None,
                               restart: bool = True) -> None:
        """Program the Bayer frame size, the front end (and a weight set), COMMIT (+ RESTART),
        wait ready; check the sizes and the front end in use."""
        await self.write("WIDTH", width)
        await self.write("HEIGHT", height)
        for addr, data in fe.writes():
            await self.axil.write_dword(addr, data)
        if isp is not None:
            await self.program_weights(isp)
        await self.ctrl(*(("COMMIT", "RESTART") if restart else ("COMMIT",)))
        await self.wait_ready()
        ow, oh = out_size(width, height, fe.demosaic)
        assert await self.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=ow, HEIGHT=oh)
        assert await self.read("FE_ACTIVE") == regmap.pack_fields(
            "FE_ACTIVE", CFA=regmap.unpack_fields("FE_CONFIG", fe.writes()[0][1])["CFA"],
            DEMOSAIC=regmap.DEMOSAIC_CODES[fe.demosaic])

    def state(self) -> str:
        extra: dict = dict(self.handshakes())
        for n in ("state", "col", "row", "in_flight", "flush_cnt"):
            try:
                extra[f"core_{n}"] = int(getattr(self.dut.u_core.u_stream, n).value)
            except (AttributeError, ValueError):
                pass
        for n in ("state", "col", "row", "flush_cnt"):
            try:
                extra[f"fe_{n}"] = int(getattr(self.dut.u_frontend.u_stream, n).value)
            except (AttributeError, ValueError):
                pass
        try:
            extra["regs_state"] = int(self.dut.u_regs.state.value)
            extra["commit_pend"] = int(self.dut.u_regs.commit_pend.value)
        except (AttributeError, ValueError):
            pass
        return ", ".join(f"{k}={v}" for k, v in extra.items())


def run_camera(simulator: str, test_module: str, testcase, case: dict, gen=None, max_w: int = MAX_W,
               verilator_opt: str | None = None):
    """Build ``taisp_camera`` for ``simulator`` and run the cocotb test(s) ``testcase`` of
    ``test_module`` with ``case`` (JSON in ``TAISP_TB_CASE``). Returns the results XML."""
    import pytest

    from ..runner import generated_dir, model_rtl, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = gen or generated_dir()
    return run_cocotb(simulator, "taisp_camera", test_module, sources=model_rtl("taisp"), gen=gen,
                      parameters={"MEM_DIR": f'"{gen}"', "MAX_W": max_w, "INIT_WIDTH": INIT_WIDTH,
                                  "INIT_HEIGHT": INIT_HEIGHT, "DN_W": DN_W}, testcase=testcase,
                      extra_env={"TAISP_TB_CASE": json.dumps(case), **case.get("env", {})},
                      verilator_opt=verilator_opt, public_depth=3)
