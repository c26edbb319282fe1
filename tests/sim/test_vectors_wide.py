"""Vector sets wider than the block's default line buffers (MAX_W 2048): ``taisp vectors`` warns
when it writes one, and the replay builds the block with a MAX_W that holds the set."""
from __future__ import annotations

import os
from pathlib import Path

from sim.taisp.vector_replay import block_max_w, iverilog_command, replay_max_w, set_width, verilator_command
from taisp_cli.main import main

WIDE = 2176  # > 2048, a multiple of 64
#: the replay's simulator: Verilator by default (Icarus takes about 8 minutes for the 2176-wide
#: block), both with TAISP_FULL_MATRIX=1
REPLAY_SIMS = ["verilator", "icarus"] if os.environ.get("TAISP_FULL_MATRIX", "") not in ("", "0") else ["verilator"]


def test_replay_max_w():
    assert block_max_w() == 2048  # the RTL default (hls/rtl/taisp/taisp_core.v), as documented
    assert replay_max_w(64) == 2048 and replay_max_w(2048) == 2048 and replay_max_w(WIDE) == WIDE


def test_wide_set_warns_at_generation_and_replays_bit_exact(tmp_path: Path, capsys):
    vec = tmp_path / "vec"
    assert main(["vectors", "--crop", f"{WIDE}x2", "--frames", "2", "--out", str(vec)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("taisp vectors: warning: ") and f"{WIDE} pixels wide" in err[0] \
        and "MAX_W 2048" in err[0], err
    assert set_width(vec) == WIDE
    assert f"-Ptaisp_vectors_tb.MAX_W={WIDE}" in iverilog_command(vec, tmp_path / "tb.vvp")
    assert f"-GMAX_W={WIDE}" in verilator_command(vec, tmp_path / "obj")
    # the plain Verilog testbench, as `taisp vectors --replay` runs it
    for sim in REPLAY_SIMS:
        assert main(["vectors", "--replay", str(vec), "--simulator", sim]) == 0
        out = capsys.readouterr().out
        assert f"TAISP_VECTORS RESULT: PASS frames=2 size={WIDE}x2" in out, (sim, out)


def test_narrow_set_does_not_warn(tmp_path: Path, capsys):
    assert main(["vectors", "--crop", "2048x2", "--frames", "1", "--out", str(tmp_path / "v")]) == 0
    assert capsys.readouterr().err == ""
