"""The POS-ISP hardware cost table beside TA-ISP's core: Yosys estimates (``synth_xilinx``, AMD
7-series) of every POS-ISP filter block in ``hls/rtl/posisp``, of generated chain tops (the chain,
optionally the camera top) and of ``taisp_core`` (default and compact configs), all by one script
at one MAX_W: LUT, FF, DSP48E1, block-RAM bits, LUT-RAM cells, shift-register LUTs (SRL16E), the
logic depth (``ltp -noff`` after deleting the mapped flip-flops and block RAMs: cells from a
register, block-RAM output or port to a register; a DSP48E1 counts as one cell whatever its
internal registers), the latency in clocks (first input beat to first output beat, no stalls)
and the frame overhead (clocks per frame beyond W*H, frames back to back, no stalls), as
formulas in the frame width W and at ``--frame-width``.

    .venv/bin/python -m sim.posisp.cost --out out/posisp-cost --max-width 1920 --composed --taisp \
        --chain golden/posisp/checkpoints/posisp_frozen.pth        # every row (chain composed)
    .venv/bin/python -m sim.posisp.cost --table --out out/posisp-cost     # the table of runs already made
    .venv/bin/python -m sim.posisp.cost --chain tone,exposure,wb --camera --tops   # a chain and its camera top only
    .venv/bin/python -m sim.posisp.cost --out out/posisp-cost --max-width 1920 --composed --camera --tops \
        --chain golden/posisp/checkpoints/posisp_frozen.pth golden/posisp/checkpoints/posisp_joint.pth

Each block is synthesized into ``<out>/<top>/`` (TA-ISP: ``<out>/taisp_core-<config>/``; a chain
``<out>/chains/<name>/<top>/``, its name the checkpoint's stem or the filters joined by ``-``;
``yosys.log``, ``synth.ys``, ``stat.txt``, ``ltp.txt``, ``summary.json``); the table is printed
as Markdown and written as ``cost.md``, ``cost.json`` and a bar chart ``cost.png``. A failed or
timed-out block gets a row saying so. Line buffers scale with ``--max-width``; the logic does not.

The modules of :data:`KEEP_HIERARCHY` (denoise's squares, column sums and offsets' back ends:
four derived modules for their 827 instances) keep their hierarchy through ``synth_xilinx`` and
are flattened into the top after mapping (``--flat``: everything flattened first, as for the
other blocks), so that Yosys maps each of them once: a flattened ``synth_xilinx`` of denoise ran
out of the WebAssembly Yosys's memory in ABC9. ``stat`` and ``ltp`` run on the flattened netlist
either way. A chain row is composed (``--composed``): the chain's glue with its filters as black
boxes, plus the filter rows.
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


#: Clocks from the cycle a pointwise filter takes an input beat to the cycle its output beat is on
#: m_axis, with no stalls: each filter's pipeline depth (its LAT localparam, the table stages
#: ISP_TABLE_LATENCY of isp_defs.vh), measured on every filter's first frame by
#: sim/tb/posisp/test_posisp_filters.py. Taken from the RTL header when first read.
def pointwise_latency() -> dict[str, int]:
    """Latency in clocks of each pointwise filter (no stalls)."""
    from sim.runner import rtl_define

    tl = rtl_define("ISP_TABLE_LATENCY")
    return {"exposure": 2, "gamma": tl, "ccm": 3, "tone": 3, "contrast": tl + 4, "saturation": 11, "wnb": 4,
            "wb": 2}


#: Clocks per frame a window filter's intake is closed with no stalls (posisp_wstream's flush:
#: R W + R + FLUSH_X pushes with tready low, R the window radius: sharpen R 1, denoise R 7 and
#: FLUSH_X 2): (a, b) of a W + b. A pointwise filter takes the next frame's first beat on the clock
#: after the last one (0).
WINDOW_FLUSH = {"sharpen": (1, 1), "denoise": (7, 9)}
#: Register stages of a generated chain outside its filters: posisp_stream's output register,
#: posisp_in and posisp_out (one each; their headers).
CHAIN_STAGES = 3


def filter_latency(name: str, width: int) -> int:
    """Clocks from a filter's first input beat to its first output beat (no stalls) at frame
    width ``width``."""
    return window_latency(name, width) if name in WINDOW_LATENCY else pointwise_latency()[name]


def filter_overhead(name: str, width: int) -> int:
    """Clocks per frame beyond W*H that a filter takes with frames back to back and no stalls."""
    a, b = WINDOW_FLUSH.get(name, (0, 0))
    return a * width + b


def chain_latency(order, width: int) -> int:
    """A generated chain's latency (no stalls): its stages outside the filters plus the filters'
    latencies (derived from the measured per-filter figures, not measured on the chain)."""
    return CHAIN_STAGES + sum(filter_latency(f, width) for f in order)


def chain_overhead(order, width: int, commit: bool = False) -> int:
    """Clocks per frame beyond W*H of a generated chain, frames back to back with no stalls
    (derived): the filters share one ce (no FIFOs between them), so each window filter's flush
    stalls the whole chain once per frame. With a COMMIT every frame (previous mode)
    posisp_stream holds the next frame's SOF until the chain is empty: latency + 1 (the apply
    clock)."""
    if commit:
        return chain_latency(order, width) + 1
    return sum(filter_overhead(f, width) for f in order)


def camera_latency(order, width: int) -> int:
    """A generated camera top's latency (bilinear, no stalls): a frame's first Bayer sample to its
    first output beat. The shared front end's (its window lag W + 1 and its pipeline,
    ``sim.taisp.camera.BILINEAR_FRONTEND_CONST`` in all beyond W) ahead of the chain's
    (:func:`chain_latency`); measured by sim/tb/posisp/test_posisp_camera.py."""
    from sim.taisp.camera import BILINEAR_FRONTEND_CONST

    return width + BILINEAR_FRONTEND_CONST + chain_latency(order, width)


def camera_overhead(order, width: int) -> int:
    """Clocks per frame beyond W*H of a generated camera top (bilinear), frames back to back with
    no stalls and no COMMITs: the larger of the front end's own, W + 8 (its window flush W + 1
    and its 7 stages: W + ``BILINEAR_FRONTEND_CONST``), and the chain's (:func:`chain_overhead`):
    the front end takes the next frame's samples while the chain flushes. Measured by
    sim/tb/posisp/test_posisp_camera.py (a chain of pointwise filters, one with sharpen, one with
    denoise)."""
    from sim.taisp.camera import BILINEAR_FRONTEND_CONST

    return max(width + BILINEAR_FRONTEND_CONST, chain_overhead(order, width))


def _camera_overhead_formula(order) -> str:
    """:func:`camera_overhead` as a formula in W: the front end's term or the chain's, whichever
    is the larger from 8 pixels a line (the smallest frame the chain takes) to 4096."""
    from sim.taisp.camera import BILINEAR_FRONTEND_CONST

    fe, ch = (1, BILINEAR_FRONTEND_CONST), _coeffs(chain_overhead, order)
    at = [(fe[0] * w + fe[1], ch[0] * w + ch[1]) for w in (8, 4096)]
    if all(c >= f for f, c in at):
        return _formula(*ch)
    if all(f >= c for f, c in at):
        return _formula(*fe)
    return f"max({_formula(*fe)}, {_formula(*ch)})"


def taisp_timing() -> tuple[str, str]:
    """TA-ISP core's latency and frame overhead (formulas in W, the constants of
    sim/taisp/testbench.py)."""
    from sim.taisp.testbench import FRAME_OVERHEAD_CONST, LATENCY_CONST

    return f"3 W + {LATENCY_CONST}", f"3 W + {FRAME_OVERHEAD_CONST}"


def taisp_figures(width: int) -> tuple[int, int]:
    """TA-ISP core's latency and frame overhead in clocks at frame width ``width``."""
    from sim.taisp.testbench import FRAME_OVERHEAD_CONST, LATENCY_CONST

    return 3 * width + LATENCY_CONST, 3 * width + FRAME_OVERHEAD_CONST


def _formula(a: int, b: int) -> str:
    return str(b) if a == 0 else f"{'' if a == 1 else f'{a} '}W + {b}"


def _with_value(formula: str, value: int) -> str:
    return f"{value:,}" if formula == str(value) else f"{formula} = {value:,}"


def _coeffs(fn, *args) -> tuple[int, int]:
    """(a, b) of a figure linear in the width: fn(..., W) = a W + b."""
    b = fn(*args, 0)
    return fn(*args, 1) - b, b


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


def chain_name(spec: str) -> str:
    """A chain's folder name under ``<out>/chains``: the checkpoint's stem, or the filter names
    joined by ``-``."""
    return Path(spec).stem if Path(spec).is_file() else "-".join(f.strip() for f in spec.split(","))


def chain_gen(spec: str, out: Path, frontend: bool = False) -> tuple[Path, list[str]]:
    """Write the chain top for ``spec`` (a checkpoint path, or filter names separated by commas)
    with its generated files into ``out``; return the folder and the order."""
    from fixedpoint.posisp.chaingen import chain_order, write_chain
    from fixedpoint.posisp.schema import load_posisp_config

    order = chain_order(checkpoint=spec) if Path(spec).is_file() else chain_order(order=spec)
    write_chain(load_posisp_config(), out, order, frontend=frontend)
    return out, order


def _yosys_script(read: str, top: str, family: str, stat: str, ltp: str, keep: tuple[str, ...] = ()) -> str:
    """The synthesis script after the ``read`` lines: ``synth_xilinx -flatten``, ``stat`` and the
    combinational depth (``ltp -noff`` with the mapped flip-flops and block RAMs cut). With
    ``keep`` (module-name patterns) those modules keep their hierarchy through ``synth_xilinx``
    (each distinct module is optimized and mapped once, however many instances it has) and are
    flattened into the top only after mapping, so ``stat`` and ``ltp`` see the whole netlist."""
    lines = [read.rstrip("\n")]
    if keep:
        lines.append(f"setattr -mod -set keep_hierarchy 1 {' '.join(keep)}")
    lines.append(f"synth_xilinx -family {family} -top {top} -flatten")
    if keep:
        lines += ["setattr -mod -unset keep_hierarchy *", "flatten", f"hierarchy -top {top}"]
    lines += [f"tee -o {stat} stat",
              # the mapped flip-flops (FD*) and block RAMs are not Yosys's internal FF types, so
              # ltp -noff would run through them: cut them first (a DSP48E1 counts as one cell)
              "delete t:FD* t:RAMB36E1 t:RAMB18E1",
              f"tee -q -o {ltp} ltp -noff"]
    return "\n".join(lines) + "\n"


def _run(sb, script: str, top: str, out: Path, label: str, timeout: float | None) -> float:
    """Run ``script`` in the sandbox ``sb`` (log ``out/yosys.log``), printing Yosys's pass as it
    goes; kill it after ``timeout`` seconds; return the seconds taken."""
    log = out / "yosys.log"
    (out / "synth.ys").write_text(f"# paths as Yosys sees them: run in {sb.cwd} with YOWASP_MOUNT={sb.mount_env()}\n"
                                  + script)
    t0 = time.time()
    print(f"[cost] {label}: yosys synth_xilinx; log in {log}", flush=True)
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
            print(f"[cost] {label} {time.time() - t0:7.0f} s  {step}", flush=True)
            last = step
    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
    check(proc.returncode, output, log, sb)
    return time.time() - t0


def _summary(top: str, out: Path, family: str, max_width: int, seconds: float) -> dict:
    stat, ltp = out / "stat.txt", out / "ltp.txt"
    if not stat.is_file():
        raise YosysError(f"{top}: yosys finished but wrote no {stat}; log {out / 'yosys.log'}")
    # black boxes (the chain's filters in a glue run) are listed as cells of their module's name:
    # "$paramod\\posisp_denoise\\CW=..." would end the cell list for parse_stat, so drop them
    text = "\n".join(ln for ln in stat.read_text().splitlines() if not re.match(r"^\s+\d+\s+\$paramod", ln))
    s = summarize(parse_stat(text))
    return {"top": top, "target": f"AMD {family} (yosys synth_xilinx)", "max_width": max_width,
            "luts": s["luts"], "flip_flops": s["flip_flops"], "dsp48e1": s["dsp48e1"], "bram_bits": s["bram_bits"],
            "lutram_cells": s["lutram_cells"], "srl_cells": s["srl16"], "carry4": s["carry4"],
            "logic_depth": parse_ltp(ltp.read_text()) if ltp.is_file() else None,
            "seconds": round(seconds, 1), "cells": s["cells"]}


def synth(top: str, out: Path, max_width: int = 256, family: str = "xc7", timeout: float | None = None,
          gen: Path | None = None, keep: tuple[str, ...] | None = None) -> dict:
    """Synthesize one block into ``out`` (run in the generated folder ``gen``, POS-ISP's default
    one unless given, so MEM_DIR "." finds the tables; a ``posisp_chain.v`` or ``posisp_camera.v``
    there is read too) and return its summary; raise :class:`YosysError` (one line) on failure.
    ``keep``: modules synthesized once each and flattened after mapping (default
    :data:`KEEP_HIERARCHY`; ``()``: everything flattened before synthesis)."""
    gen = Path(os.path.abspath(gen)) if gen is not None else posisp_generated_dir()
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    keep = KEEP_HIERARCHY if keep is None else tuple(keep)
    sb = YosysSandbox(gen)
    files = model_rtl("posisp") + sorted(gen.glob("posisp_chain.v")) + sorted(gen.glob("posisp_camera.v"))
    top_src = next(f for f in files if f.name == f"{top}.v")
    srcs = " ".join(sb.path(p) for p in files)
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    for f in (out / "stat.txt", out / "ltp.txt"):
        f.unlink(missing_ok=True)
    read = (f"read_verilog -defer -I{sb.path(gen)} {incs} {srcs}\n"
            f"hierarchy -top {top} {_params(top_src, max_width)}\n")
    script = _yosys_script(read, top, family, sb.path(out / "stat.txt"), sb.path(out / "ltp.txt"), keep)
    seconds = _run(sb, script, top, out, f"{top} (MAX_W {max_width})", timeout)
    summary = _summary(top, out, family, max_width, seconds)
    summary["keep_hierarchy"] = list(keep)
    summary["latency"] = _latency_text(top)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def synth_glue(out: Path, gen: Path, order, max_width: int = 256, family: str = "xc7",
               timeout: float | None = None, top: str = "posisp_chain") -> dict:
    """Synthesize a generated chain top (``top``: ``posisp_chain``, or ``posisp_camera``, the front
    end ahead of the chain) with its filters as black boxes (``posisp_stream``, ``posisp_in``,
    ``posisp_out``, ``posisp_thumb``, ``posisp_regs``, the wiring and, for the camera, the shared
    front end): the part of a chain that is not in the filter rows, for the composed rows
    (:func:`composed_chain`). The summary's ``top`` is ``<top>_glue``."""
    gen = Path(os.path.abspath(gen))
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    sb = YosysSandbox(gen)
    files = model_rtl("posisp") + [gen / "posisp_chain.v"] + ([gen / "posisp_camera.v"] if top == "posisp_camera" else [])
    srcs = " ".join(sb.path(p) for p in files)
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    for f in (out / "stat.txt", out / "ltp.txt"):
        f.unlink(missing_ok=True)
    boxes = " ".join(f"*posisp_{f}*" for f in sorted(set(order)))
    read = (f"read_verilog -defer -I{sb.path(gen)} {incs} {srcs}\n"
            f"hierarchy -top {top} -chparam MAX_W {max_width}\n"
            + (f"blackbox {boxes}\n" if boxes else ""))
    script = _yosys_script(read, top, family, sb.path(out / "stat.txt"), sb.path(out / "ltp.txt"))
    seconds = _run(sb, script, top, out, f"{top} glue (MAX_W {max_width})", timeout)
    summary = _summary(f"{top}_glue", out, family, max_width, seconds)
    summary["order"] = list(order)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def composed_chain(glue: dict, rows: dict[str, dict]) -> dict:
    """A chain's row composed of its glue (:func:`synth_glue`) and its filters' rows (``rows``:
    top -> summary, each synthesized alone at the same MAX_W): LUT, FF, DSP48E1, block-RAM bits and
    LUT-RAM and SRL16E cells add up (no optimization across the filters' ports); the logic depth is the
    largest of the parts, a lower bound (a path through a filter's unregistered input logic or
    the tready chain across filters is not seen)."""
    order = glue["order"]
    parts = [glue] + [rows[f"posisp_{f}"] for f in order]
    keys = ("luts", "flip_flops", "dsp48e1", "bram_bits", "lutram_cells", "srl_cells", "carry4")
    r = {k: sum(p[k] for p in parts) for k in keys}
    return {"top": glue["top"].removesuffix("_glue"), "chain": glue.get("chain"), "composed": True, "order": order,
            "max_width": glue["max_width"],
            "target": glue["target"], **r, "logic_depth": max(p["logic_depth"] or 0 for p in parts),
            "seconds": round(sum(p["seconds"] for p in parts), 1)}


def synth_taisp(config: str, out: Path, max_width: int = 256, family: str = "xc7",
                timeout: float | None = None) -> dict:
    """Synthesize TA-ISP's core (``taisp_core``, the headers of ``config``) by the same script as the
    POS-ISP blocks (:func:`_yosys_script`, flattened), for the rows beside them."""
    from sim.runner import generated_dir
    from sim.synth import read_script

    gen = generated_dir(config)
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    sb = YosysSandbox(gen)
    for f in (out / "stat.txt", out / "ltp.txt"):
        f.unlink(missing_ok=True)
    script = _yosys_script(read_script(sb, gen, "taisp_core", max_width, config), "taisp_core", family,
                           sb.path(out / "stat.txt"), sb.path(out / "ltp.txt"))
    seconds = _run(sb, script, "taisp_core", out, f"taisp_core {Path(config).name} (MAX_W {max_width})", timeout)
    summary = _summary("taisp_core", out, family, max_width, seconds)
    summary["config"] = str(config)
    summary["latency"], summary["frame_overhead"] = taisp_timing()
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def _latency_text(top: str) -> str:
    name = top.removeprefix("posisp_")
    if name in FILTERS:
        return _formula(*_coeffs(filter_latency, name))
    return ""


#: Modules synthesized once each and flattened into their top only after mapping (the denoise
#: leaves: 590 squares in 116 column sums and 10 single squares; 121 offsets' back ends, each
#: with its box sum, weight-table copy and weighted pixel): Yosys module-name patterns, a leading
#: ``*`` for the names ``hierarchy`` gives modules with parameters
#: (``$paramod$<hash>\posisp_denoise_sq``).
KEEP_HIERARCHY = ("*posisp_denoise_sq", "*posisp_denoise_colsum", "*posisp_denoise_off")
#: TA-ISP rows: folder name under --out -> config
TAISP_CONFIGS = {"default": "fixedpoint/taisp/configs/default.toml", "compact": "fixedpoint/taisp/configs/compact.toml"}


def timing(row: dict, width: int) -> dict:
    """Latency and frame overhead of a row (formula in W and clocks at frame width ``width``):
    measured per filter by the benches, derived for a chain (:func:`chain_latency`,
    :func:`chain_overhead`), TA-ISP's from its bench constants."""
    top = row["top"]
    if top == "taisp_core":
        lat, ovh = taisp_figures(width)
        lf, of = taisp_timing()
        return {"latency": lat, "latency_formula": lf, "frame_overhead": ovh, "frame_overhead_formula": of,
                "timing_source": "measured (sim/taisp/testbench.py constants)"}
    name = top.removeprefix("posisp_")
    if name in FILTERS:
        return {"latency": filter_latency(name, width), "latency_formula": _formula(*_coeffs(filter_latency, name)),
                "frame_overhead": filter_overhead(name, width),
                "frame_overhead_formula": _formula(*_coeffs(filter_overhead, name)),
                "timing_source": "latency measured by the bench; overhead from posisp_wstream's flush"}
    if top == "posisp_chain" and row.get("order") is not None:
        order = row["order"]
        return {"latency": chain_latency(order, width), "latency_formula": _formula(*_coeffs(chain_latency, order)),
                "frame_overhead": chain_overhead(order, width),
                "frame_overhead_formula": _formula(*_coeffs(chain_overhead, order)),
                "frame_overhead_commit": chain_overhead(order, width, commit=True),
                "timing_source": "derived: sum over the filters (+ 3 chain stages)"}
    if top == "posisp_camera" and row.get("order") is not None:
        order = row["order"]
        return {"latency": camera_latency(order, width), "latency_formula": _formula(*_coeffs(camera_latency, order)),
                "frame_overhead": camera_overhead(order, width),
                "frame_overhead_formula": _camera_overhead_formula(order),
                "timing_source": "derived (bilinear): the front end's and the chain's, measured on short chains"}
    return {"latency": None, "latency_formula": "", "frame_overhead": None, "frame_overhead_formula": "",
            "timing_source": "not derived"}


def _row_dirs(out: Path) -> list[Path]:
    dirs = [out / f"posisp_{f}" for f in FILTERS]
    for c in sorted(p for p in (out / "chains").glob("*") if p.is_dir()):
        dirs += [c / t for t in ("posisp_chain", "posisp_chain_glue", "posisp_camera", "posisp_camera_glue")]
    return dirs + [out / f"taisp_core-{c}" for c in TAISP_CONFIGS]


def collect(out: Path, width: int = 1920) -> list[dict]:
    """The summaries under ``out`` (one folder per block), in the table's order, failures included,
    with latency and frame overhead at frame width ``width``."""
    rows = []
    done: dict[str, dict] = {}
    for d in _row_dirs(out):
        if (d / "summary.json").is_file():
            r = json.loads((d / "summary.json").read_text())
            # shift-register LUTs (summaries written before the column: from the cell counts)
            r.setdefault("srl_cells", sum(n for c, n in r.get("cells", {}).items() if re.fullmatch(r"SRLC?16E", c)))
            done[r["top"]] = r
            if r["top"] in ("posisp_chain_glue", "posisp_camera_glue"):
                missing = [f for f in r["order"] if f"posisp_{f}" not in done]
                if missing:
                    rows.append({"top": r["top"].removesuffix("_glue"), "chain": r.get("chain"),
                                 "error": f"composed row: no filter row of {', '.join(missing)}"})
                    continue
                r = composed_chain(r, done)
            rows.append({**r, **timing(r, width)})
        elif (d / "error.txt").is_file():
            r = {"top": d.name, "error": (d / "error.txt").read_text().strip()}
            if d.name.removeprefix("posisp_") in FILTERS:  # its timing does not need Yosys
                r.update(timing(r, width))
            rows.append(r)
    return rows


def _n(v) -> str:
    return "-" if v is None else f"{v:,}"


def _label(r: dict) -> str:
    if r["top"] == "taisp_core":
        return f"TA-ISP taisp_core ({Path(r.get('config', '')).stem})"
    if r.get("order") is not None:
        how = ": composed, glue + filter rows" if r.get("composed") else ""
        n = len(r["order"])
        name = f" {r['chain']}" if r.get("chain") else ""
        return f"{r['top']}{name} ({n} filter{'' if n == 1 else 's'}{how}: {' -> '.join(r['order'])})"
    return r["top"]


def markdown(rows: list[dict], width: int = 1920) -> str:
    """The cost table in Markdown (latency and frame overhead at frame width ``width``)."""
    lines = [f"| block | LUT | FF | DSP48E1 | BRAM bits | LUT-RAM cells | SRL16E | logic depth (cells) | "
             f"latency (clocks; W = {width}) | frame overhead (clocks beyond W*H; W = {width}) | MAX_W | Yosys s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|"]
    for r in rows:
        lat = _with_value(r["latency_formula"], r["latency"]) if r.get("latency") is not None else "-"
        ovh = _with_value(r["frame_overhead_formula"], r["frame_overhead"]) if r.get("frame_overhead") is not None else "-"
        if "error" in r:
            name = f"{r['top']} {r['chain']}" if r.get("chain") else r["top"]
            lines.append(f"| {name} | not synthesized: {r['error']} | | | | | | | {lat} | {ovh} | | |")
            continue
        if r.get("frame_overhead_commit") is not None:
            ovh += f" (a COMMIT every frame: {_n(r['frame_overhead_commit'])})"
        lines.append(f"| {_label(r)} | {_n(r['luts'])} | {_n(r['flip_flops'])} | {_n(r['dsp48e1'])} | {_n(r['bram_bits'])} | "
                     f"{_n(r['lutram_cells'])} | {_n(r.get('srl_cells'))} | {_n(r['logic_depth'])} | {lat} | {ovh} | "
                     f"{r['max_width']} | {r['seconds']} |")
    return "\n".join(lines) + "\n"


def bar_chart(rows: list[dict], path: Path) -> bool:
    """A PNG of LUT, FF, DSP48E1 and BRAM bits per row (log scale); False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    ok = [r for r in rows if "error" not in r]
    if not ok:
        return False
    names = [_label(r).split(" (")[0] if r["top"] != "taisp_core" else _label(r) for r in ok]
    keys = (("luts", "LUT"), ("flip_flops", "FF"), ("dsp48e1", "DSP48E1"), ("bram_bits", "BRAM kbit"))
    fig, axes = plt.subplots(1, len(keys), figsize=(16, 0.35 * len(ok) + 1.5), sharey=True)
    for ax, (k, title) in zip(axes, keys):
        vals = [max((r[k] or 0) / (1024 if k == "bram_bits" else 1), 0.5) for r in ok]
        ax.barh(range(len(ok)), vals, color=["tab:orange" if r["top"] == "taisp_core" else
                                             "tab:blue" if r["top"] in ("posisp_chain", "posisp_camera") else "tab:gray"
                                             for r in ok])
        ax.set_xscale("log")
        ax.set_title(title)
    axes[0].set_yticks(range(len(ok)))
    axes[0].set_yticklabels(names, fontsize=8)
    axes[0].invert_yaxis()
    fig.suptitle(f"POS-ISP blocks and chains beside TA-ISP's core (Yosys synth_xilinx, MAX_W {ok[0]['max_width']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def _attempt(out: Path, fn, *args, **kw) -> dict | None:
    """Run one synthesis into ``out``: a failure is written to ``out/error.txt`` and reported."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "error.txt").unlink(missing_ok=True)
    try:
        return fn(*args, **kw)
    except YosysError as exc:
        print(f"error: {exc}", file=sys.stderr)
        (out / "error.txt").write_text(str(exc) + "\n")
        return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.posisp.cost", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/posisp-cost", help="folder of the runs (one sub-folder per block)")
    ap.add_argument("--max-width", type=int, default=256, help="line-buffer length of the window filters and TA-ISP")
    ap.add_argument("--frame-width", type=int, default=1920, help="frame width W of the latency and overhead figures")
    ap.add_argument("--family", default="xc7")
    ap.add_argument("--tops", nargs="*", help=f"blocks to synthesize (none named: only --chain/--taisp; default: all present: {', '.join(available_tops())})")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per block before giving up")
    ap.add_argument("--table", action="store_true", help="only print the table of the runs already in --out")
    ap.add_argument("--chain", nargs="+", default=[],
                    help="also synthesize chain tops: checkpoint files or filter names separated by commas (a row each)")
    ap.add_argument("--camera", action="store_true", help="with --chain: also the camera top (front end + the chain)")
    ap.add_argument("--composed", action="store_true",
                    help="with --chain: synthesize only the chain's (and --camera's) glue, filters as black boxes, and "
                         "compose the rows from the filter rows")
    ap.add_argument("--taisp", nargs="*", choices=sorted(TAISP_CONFIGS), help="also TA-ISP's core with these configs (none named: all)")
    ap.add_argument("--flat", action="store_true", help="flatten everything before synthesis (no kept hierarchy)")
    ap.add_argument("--gen", help="POS-ISP generated folder of the blocks (default: the default config's)")
    a = ap.parse_args(argv)
    out = Path(a.out)
    keep = () if a.flat else None
    for spec in [] if a.table else a.chain:
        cdir = out / "chains" / chain_name(spec)
        try:
            gen, order = chain_gen(spec, cdir / "gen", frontend=a.camera)
        except (ValueError, OSError) as exc:
            print(f"error: --chain {spec}: {exc}", file=sys.stderr)
            return 2
        chain_tops = ("posisp_chain",) + (("posisp_camera",) if a.camera else ())
        done = [(f"{top}_glue", _attempt(cdir / f"{top}_glue", synth_glue, cdir / f"{top}_glue", gen, order, a.max_width,
                                         a.family, a.timeout, top)) for top in (chain_tops if a.composed else ())]
        done += [(top, _attempt(cdir / top, synth, top, cdir / top, a.max_width, a.family, a.timeout, gen, keep))
                 for top in (() if a.composed else chain_tops)]
        for folder, s in done:
            if s is not None:
                s.update(order=order, chain=chain_name(spec))
                (cdir / folder / "summary.json").write_text(json.dumps(s, indent=2))
    if not a.table and (a.tops is None or a.tops):
        tops = a.tops or available_tops()
        bad = [t for t in tops if t not in available_tops()]
        if bad:
            print(f"error: no POS-ISP block {', '.join(bad)} in {RTL_MODEL_DIRS['posisp']}", file=sys.stderr)
            return 2
        for top in tops:
            _attempt(out / top, synth, top, out / top, a.max_width, a.family, a.timeout, a.gen, keep)
    if not a.table and a.taisp is not None:
        for name in a.taisp or sorted(TAISP_CONFIGS):
            d = out / f"taisp_core-{name}"
            _attempt(d, synth_taisp, TAISP_CONFIGS[name], d, a.max_width, a.family, a.timeout)
    rows = collect(out, a.frame_width)
    md = markdown(rows, a.frame_width)
    out.mkdir(parents=True, exist_ok=True)
    (out / "cost.md").write_text(md)
    (out / "cost.json").write_text(json.dumps([{k: v for k, v in r.items() if k != "cells"} for r in rows], indent=2))
    if bar_chart(rows, out / "cost.png"):
        print(f"[cost] chart: {out / 'cost.png'}")
    print(md, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
