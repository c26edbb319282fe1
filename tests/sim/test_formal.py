"""Formal proofs (sim/formal, SymbiYosys + Boolector): the AXI4-Lite slave's properties by
k-induction, the stream control's by BMC, and two deliberately broken variants that the proofs
must catch: an AXI4-Lite slave that drops its write response before it is accepted, and
(slow) taisp_core with its pipeline ignoring backpressure (tdata changes while tvalid &&
!tready). The whole set: ``python -m sim.formal`` (sim/README.md)."""
from __future__ import annotations

import dataclasses
import os

import pytest

from sim import formal

TIMEOUT_S = 1200


def test_axil_proof_closes_by_induction():
    r = formal.run_task(formal.TASKS["axil"], timeout=TIMEOUT_S)
    assert r.status == "PASS", r.log_tail
    assert r.induction is True


def test_stream_control_bmc():
    """The stream-control properties to depth 24 here (``python -m sim.formal stream``: 40)."""
    r = formal.run_task(dataclasses.replace(formal.TASKS["stream"], depth=24), timeout=TIMEOUT_S)
    assert r.status == "PASS", r.log_tail


def test_broken_axil_is_caught(tmp_path, monkeypatch):
    """isp_axil with bvalid cleared every cycle (a response dropped before bready): the proof fails
    with a counterexample on the 'held until accepted' assertion."""
    src = formal.RTL_COMMON / "isp_axil.v"
    text = src.read_text()
    old = "    end else if (s_axil_bvalid && s_axil_bready) begin"
    assert old in text
    bad = tmp_path / "isp_axil.v"
    bad.write_text(text.replace(old, "    end else if (s_axil_bvalid) begin  // BROKEN: ignores bready"))
    t = formal.TASKS["axil"]
    t = dataclasses.replace(t, files=(str(bad),) + tuple(f for f in t.files if not f.endswith("/isp_axil.v")),
                            name="axil_broken_test", mode="bmc", depth=8)
    r = formal.run_task(t, timeout=TIMEOUT_S)
    assert r.status == "FAIL", r.log_tail
    assert r.trace is not None and r.failed_assertion is not None


@pytest.mark.slow
def test_broken_core_is_caught():
    """taisp_core with ``ce = 1``: the BMC of the core harness fails (an output beat changes
    while not taken) within its depth; the unbroken core passes the same proof (``core`` task,
    run by ``python -m sim.formal``)."""
    r = formal.run_task(formal.TASKS["core"], broken=True, timeout=TIMEOUT_S)
    assert r.status == "FAIL", r.log_tail
    assert r.trace is not None


@pytest.mark.skipif(os.environ.get("TAISP_FULL_MATRIX", "") in ("", "0"), reason="the core proofs: TAISP_FULL_MATRIX=1")
@pytest.mark.parametrize("task", ["core", "core_cover", "core_any", "core_axil"])
def test_core_proofs(task):
    r = formal.run_task(formal.TASKS[task], timeout=3600)
    assert r.status == "PASS", r.log_tail
