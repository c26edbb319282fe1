"""The POS-ISP hardware cost table: Yosys estimates (``synth_xilinx``, AMD 7-series) of every
POS-ISP filter block in ``hls/rtl/posisp`` and of a chain top where one exists: LUT, FF,
DSP48E1, block-RAM bits, the combinational depth (``ltp -noff`` after deleting the mapped
flip-flops and block RAMs: cells from a register, block-RAM output or port to a register; a
DSP48E1 counts as one cell whatever its internal registers), LUT-RAM cells and the latency in clocks (window filters: first input beat to first
output beat with no stalls, checked by their cocotb bench; pointwise filters: not listed here).

    .venv/bin/python -m sim.posisp.cost --out out/posisp-cost [--max-width 256] [--tops posisp_sharpen ...]
    .venv/bin/python -m sim.posisp.cost --table --out out/posisp-cost     # the table of runs already made
    .venv/bin/python -m sim.posisp.cost --chain golden/posisp/checkpoints/posisp_frozen.pth --tops   # a chain
    .venv/bin/python -m sim.posisp.cost --chain tone,exposure,wb --tops        # a chain in a given order

Each block is synthesized alone into ``<out>/<top>/`` (``yosys.log``, ``stat.txt``, ``ltp.txt``,
``summary.json``); the table is printed as Markdown and written as ``cost.md`` and ``cost.json``.
A failed or timed-out block gets a row saying so. Line buffers scale with ``--max-width`` (the
figures say which); the logic does not.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from sim.runner import RTL_INCLUDE_DIRS, RTL_MODEL_DIRS, model_rtl, posisp_generated_dir
from sim.synth import _current_step, parse_stat, summarize
from sim.yowasp import YosysError, YosysSandbox, check

#: Filter blocks in the published order; a chain top, where generated, after them.
FILTERS = ("exposure", "gamma", "ccm", "sharpen", "denoise", "tone", "contrast", "saturation", "wnb", "wb")
#: Latency of each window filter's block in clocks from a frame's first input beat to its first
#: output beat with no stalls (W = frame width), measured by sim/tb/posisp/test_posisp_window_filters.py.
#: Both take one pixel per clock (W clocks per line): with no stalls a frame's W*H output beats
#: come on consecutive clocks (:func:`window_frame_clocks`).
WINDOW_LATENCY = {"sharpen": (1, 6), "denoise": (7, 21)}


def window_latency(name: str, width: int) -> int | None:
    """Clocks from the first input beat to the first output beat (no stalls) of a window filter
    at frame width ``width``: ``a W + b`` with (a, b) of :data:`WINDOW_LATENCY`."""
    if name not in WINDOW_LATENCY:
        return None
    a, b = WINDOW_LATENCY[name]
    return a * width + b


def window_frame_clocks(name: str, width: int, height: int) -> int | None:
    """Clocks from a frame's first input beat to the clock after its last output beat (no
    stalls) of a window filter: ``W*H + latency`` (one output beat per clock)."""
    lat = window_latency(name, width)
    return None if lat is None else width * height + lat


def available_tops() -> list[str]:
    """The POS-ISP blocks present in hls/rtl/posisp: the ten filters (those written so far) and
    ``posisp_chain`` where a generated chain top is there."""
    d = RTL_MODEL_DIRS["posisp"]
    tops = [f"posisp_{f}" for f in FILTERS if (d / f"posisp_{f}.v").is_file()]
    return tops + [t for t in ("posisp_chain",) if (d / f"{t}.v").is_file()]


def parse_ltp(text: str) -> int | None:
    """Length of the longest topological path of a Yosys ``ltp`` report."""
    m = re.search(r"Longest topological path in \S+ \(length=(\d+)\)", text)
    return int(m.group(1)) if m else None


def _params(src: Path, max_width: int) -> str:
    """MAX_W where the block has line buffers."""
    return f"-chparam MAX_W {max_width}" if re.search(r"\bparameter\s+MAX_W\b", src.read_text()) else ""


def chain_gen(spec: str, out: Path) -> tuple[Path, list[str]]:
    """Write the chain top for ``spec`` (a checkpoint path, or filter names separated by commas)
    with its generated files into ``out``; return the folder and the order."""
    from fixedpoint.posisp.chaingen import chain_order, write_chain
    from fixedpoint.posisp.schema import load_posisp_config

    order = chain_order(checkpoint=spec) if Path(spec).is_file() else chain_order(order=spec)
    write_chain(load_posisp_config(), out, order)
    return out, order


def synth(top: str, out: Path, max_width: int = 256, family: str = "xc7", timeout: float | None = None,
          gen: Path | None = None) -> dict:
    """Synthesize one block into ``out`` (run in the generated folder ``gen``, POS-ISP's default
    one unless given, so MEM_DIR "." finds the tables; a ``posisp_chain.v`` there is read too) and
    return its summary; raise :class:`YosysError` (one line) on failure."""
    gen = Path(os.path.abspath(gen)) if gen is not None else posisp_generated_dir()
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    sb = YosysSandbox(gen)
    files = model_rtl("posisp") + sorted(gen.glob("posisp_chain.v"))
    top_src = next(f for f in files if f.name == f"{top}.v")
    srcs = " ".join(sb.path(p) for p in files)
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    log, stat, ltp = out / "yosys.log", out / "stat.txt", out / "ltp.txt"
    for f in (stat, ltp):
        f.unlink(missing_ok=True)
    script = (f"# paths as Yosys sees them: run in {gen} with YOWASP_MOUNT={sb.mount_env()}\n"
              f"read_verilog -defer -I{sb.path(gen)} {incs} {srcs}\n"
              f"hierarchy -top {top} {_params(top_src, max_width)}\n"
              f"synth_xilinx -family {family} -top {top} -flatten\n"
              f"tee -o {sb.path(stat)} stat\n"
              # the mapped flip-flops (FD*) and block RAMs are not Yosys's internal FF types, so
              # ltp -noff would run through them: cut them first (a DSP48E1 counts as one cell)
              f"delete t:FD* t:RAMB36E1 t:RAMB18E1\n"
              f"tee -q -o {sb.path(ltp)} ltp -noff\n")
    (out / "synth.ys").write_text(script)
    t0 = time.time()
    print(f"[cost] {top}: yosys synth_xilinx (MAX_W {max_width}); log in {log}", flush=True)
    proc = sb.popen(["-q", "-l", sb.path(log), "-s", sb.path(out / "synth.ys")], stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT)
    last = ""
    while proc.poll() is None:
        time.sleep(5)
        if timeout is not None and time.time() - t0 > timeout:
            proc.kill()
            proc.wait()
            raise YosysError(f"{top}: yosys did not finish within {timeout:.0f} s (last: {_current_step(log)}); log {log}")
        step = _current_step(log)
        if step and step != last:
            print(f"[cost] {top} {time.time() - t0:7.0f} s  {step}", flush=True)
            last = step
    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    check(proc.returncode, output, log, sb)
    if not stat.is_file():
        raise YosysError(f"{top}: yosys finished but wrote no {stat}; log {log}")
    s = summarize(parse_stat(stat.read_text()))
    summary = {"top": top, "target": f"AMD {family} (yosys synth_xilinx)", "max_width": max_width,
               "luts": s["luts"], "flip_flops": s["flip_flops"], "dsp48e1": s["dsp48e1"], "bram_bits": s["bram_bits"],
               "lutram_cells": s["lutram_cells"], "carry4": s["carry4"],
               "logic_depth": parse_ltp(ltp.read_text()) if ltp.is_file() else None,
               "latency": _latency_text(top), "seconds": round(time.time() - t0, 1), "cells": s["cells"]}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def _latency_text(top: str) -> str:
    name = top.removeprefix("posisp_")
    if name in WINDOW_LATENCY:
        a, b = WINDOW_LATENCY[name]
        return f"{a} W + {b}" if a != 1 else f"W + {b}"
    return ""


def collect(out: Path) -> list[dict]:
    """The summaries under ``out`` (one folder per block), in the table's order, failures included."""
    rows = []
    for top in [f"posisp_{f}" for f in FILTERS] + ["posisp_chain"]:
        d = out / top
        if (d / "summary.json").is_file():
            rows.append(json.loads((d / "summary.json").read_text()))
        elif (d / "error.txt").is_file():
            rows.append({"top": top, "error": (d / "error.txt").read_text().strip()})
    return rows


def markdown(rows: list[dict]) -> str:
    """The cost table in Markdown."""
    lines = ["| block | LUT | FF | DSP48E1 | BRAM bits | LUT-RAM cells | comb. depth (cells) | latency (clocks) | MAX_W | Yosys s |",
             "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['top']} | not synthesized: {r['error']} | | | | | | | | |")
            continue
        name = r["top"] + (f" ({' -> '.join(r['order'])})" if r.get("order") else "")
        lines.append(f"| {name} | {r['luts']} | {r['flip_flops']} | {r['dsp48e1']} | {r['bram_bits']} | {r['lutram_cells']} | "
                     f"{r['logic_depth'] if r['logic_depth'] is not None else '-'} | {r['latency'] or '-'} | "
                     f"{r['max_width']} | {r['seconds']} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.posisp.cost", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/posisp-cost", help="folder of the runs (one sub-folder per block)")
    ap.add_argument("--max-width", type=int, default=256, help="line-buffer length of the window filters")
    ap.add_argument("--family", default="xc7")
    ap.add_argument("--tops", nargs="*", help=f"blocks to synthesize (none named: only --chain; default: all present: {', '.join(available_tops())})")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per block before giving up")
    ap.add_argument("--table", action="store_true", help="only print the table of the runs already in --out")
    ap.add_argument("--chain", help="also synthesize a chain top: a checkpoint file or filter names separated by commas")
    a = ap.parse_args(argv)
    out = Path(a.out)
    if a.chain and not a.table:
        try:
            gen, order = chain_gen(a.chain, out / "posisp_chain" / "gen")
        except (ValueError, OSError) as exc:
            print(f"error: --chain {a.chain}: {exc}", file=sys.stderr)
            return 2
        (out / "posisp_chain" / "error.txt").unlink(missing_ok=True)
        try:
            s = synth("posisp_chain", out / "posisp_chain", a.max_width, a.family, a.timeout, gen)
            s["order"] = order
            (out / "posisp_chain" / "summary.json").write_text(json.dumps(s, indent=2))
        except YosysError as exc:
            print(f"error: {exc}", file=sys.stderr)
            (out / "posisp_chain" / "error.txt").write_text(f"{' -> '.join(order)}: {exc}\n")
    if not a.table and (a.tops is None or a.tops):
        tops = a.tops or available_tops()
        bad = [t for t in tops if t not in available_tops()]
        if bad:
            print(f"error: no POS-ISP block {', '.join(bad)} in {RTL_MODEL_DIRS['posisp']}", file=sys.stderr)
            return 2
        for top in tops:
            (out / top).mkdir(parents=True, exist_ok=True)
            (out / top / "error.txt").unlink(missing_ok=True)
            try:
                synth(top, out / top, a.max_width, a.family, a.timeout)
            except YosysError as exc:
                print(f"error: {exc}", file=sys.stderr)
                (out / top / "error.txt").write_text(str(exc) + "\n")
    rows = collect(out)
    md = markdown(rows)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cost.md").write_text(md)
    (out / "cost.json").write_text(json.dumps([{k: v for k, v in r.items() if k != "cells"} for r in rows], indent=2))
    print(md, end="")
    print(json.dumps([{k: v for k, v in r.items() if k != "cells"} for r in rows]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
