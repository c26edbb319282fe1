"""The POS-ISP camera block (``posisp_camera``, ``taisp gen --model posisp --frontend``: the
shared front end ``isp_frontend`` ahead of a generated chain, one AXI4-Lite map) in the benches.

:class:`CameraChainTB` is the chain bench (:class:`sim.posisp.testbench.ChainTB`: registers by
name, output frames, thumbnail window) with Bayer samples in, one per beat, and the front-end
registers; :func:`camera_out_size` is the size the chain gets for a Bayer frame (ValueError
naming the register for a size the camera refuses); :func:`camera_input` is what the chain's
model takes: the fixed-point front end (:func:`fixedpoint.frontend.frontend`) of a RAW frame with
the settings the registers hold (:func:`frontend_writes`); :func:`run_camera` builds the camera
of a chain order and runs cocotb tests on it. RAW crops: :func:`sim.taisp.camera.crop_raw`.
"""
from __future__ import annotations

import json
from typing import Sequence

import numpy as np

from fixedpoint.config import QuantConfig
from fixedpoint.frontend import frontend as fixed_frontend, gains as raw_gains
from fixedpoint.posisp import regmap
from golden.raw import RawImage

from .testbench import INIT_HEIGHT, INIT_WIDTH, MAX_H, MAX_W, ChainTB

#: Bits of a Bayer sample the camera is built with in the benches (its DN_W parameter).
DN_W = 16


def camera_out_size(width: int, height: int, demosaic: str, max_w: int = MAX_W, max_h: int = MAX_H) -> tuple[int, int]:
    """The chain's frame size for a Bayer frame in the benches' build
    (:func:`fixedpoint.posisp.regmap.camera_frame_size`: ValueError naming WIDTH or HEIGHT for a
    size the camera refuses)."""
    return regmap.camera_frame_size(width, height, demosaic, max_w, max_h)


def frontend_writes(raw: RawImage, cfg: QuantConfig, demosaic: str) -> list[tuple[int, int]]:
    """The front-end register writes for a RAW frame: its Bayer pattern, ``demosaic``, its black
    levels (rounded) and :func:`fixedpoint.frontend.gains` (what :func:`camera_input` computes with)."""
    return regmap.frontend_writes(raw.cfa, demosaic, [int(round(b)) for b in raw.black], raw_gains(raw, cfg))


def camera_input(raw: RawImage, cfg: QuantConfig, demosaic: str) -> np.ndarray:
    """The chain's input for a RAW frame: (3, H, W) raw ``frontend.x`` of the fixed-point front end."""
    return fixed_frontend(raw, cfg, demosaic)


class CameraChainTB(ChainTB):
    """``posisp_camera``: the chain bench with Bayer samples in (one per beat, SOF on the first,
    tlast on each line's last: ``StreamTB.send_bayer``) and the front-end registers."""

    async def commit_camera(self, width: int, height: int, writes: list[tuple[int, int]]) -> None:
        """Bayer frame size, ``writes`` (front end, and registers or tables), COMMIT; wait until
        applied (or refused)."""
        await self.write("WIDTH", width)
        await self.write("HEIGHT", height)
        for addr, data in writes:
            await self.axil.write_dword(addr, data)
        await self.ctrl("COMMIT")
        await self.wait_applied()

    async def configure_camera(self, width: int, height: int, writes: list[tuple[int, int]], demosaic: str) -> None:
        """:meth:`commit_camera`, then check the chain's size in use (the demosaiced size) and FE_ACTIVE."""
        ow, oh = camera_out_size(width, height, demosaic)
        await self.commit_camera(width, height, writes)
        assert await self.read("ACTIVE_SIZE") == regmap.pack_fields("ACTIVE_SIZE", WIDTH=ow, HEIGHT=oh)
        cfg_word = dict(writes)[regmap.address("FE_CONFIG")]
        assert await self.read("FE_ACTIVE") == cfg_word, "FE_ACTIVE after COMMIT"

    def state(self) -> str:
        sig = dict(self.handshakes())
        for pre, path in (("chain", ("u_chain", "u_stream")), ("fe", ("u_frontend", "u_stream"))):
            for n in ("state", "col", "row", "in_flight"):
                try:
                    h = self.dut
                    for p in path:
                        h = getattr(h, p)
                    sig[f"{pre}_{n}"] = int(getattr(h, n).value)
                except (AttributeError, ValueError):
                    pass
        for n in ("state", "commit_pend"):
            try:
                sig[f"regs_{n}"] = int(getattr(self.dut.u_regs, n).value)
            except (AttributeError, ValueError):
                pass
        return ", ".join(f"{k}={v}" for k, v in sig.items())


def run_camera(simulator: str, test_module: str, testcase: str | Sequence[str], case: dict, order: Sequence[str],
               config: str | None = None, max_w: int = MAX_W, max_h: int = MAX_H, verilator_opt: str | None = "-O1"):
    """Build ``posisp_camera`` of a chain of ``order`` (the POS-ISP generated folder of the config
    and order) for ``simulator`` and run the cocotb test(s) ``testcase`` of ``test_module`` with
    ``case`` (JSON in ``TAISP_TB_CASE``, the order added). Returns the results XML."""
    import pytest

    from ..runner import model_rtl, posisp_generated_dir, run_cocotb, simulator_available

    if not simulator_available(simulator):
        pytest.fail(f"{simulator} is not installed (run scripts/setup.sh)")
    gen = posisp_generated_dir(config, list(order))
    return run_cocotb(simulator, "posisp_camera", test_module,
                      sources=[gen / "posisp_camera.v", gen / "posisp_chain.v", *model_rtl("posisp")], gen=gen,
                      parameters={"MEM_DIR": f'"{gen}"', "MAX_W": max_w, "MAX_H": max_h, "INIT_WIDTH": INIT_WIDTH,
                                  "INIT_HEIGHT": INIT_HEIGHT, "DN_W": DN_W},
                      build_name=f"posisp_camera-{len(list(order))}", testcase=testcase,
                      extra_env={"TAISP_TB_CASE": json.dumps({**case, "order": list(order)})},
                      verilator_opt=verilator_opt, public_depth=2)


__all__ = ["CameraChainTB", "DN_W", "camera_input", "camera_out_size", "frontend_writes", "run_camera"]
