"""The generated POS-ISP chain: ``posisp_chain.v`` instantiating the streaming filters in a
checkpoint's order (``taisp gen --model posisp --checkpoint C``), with the stream control
(``posisp_stream``), the thumbnail accumulator (``posisp_thumb``) and the register file
(``posisp_regs``), and the headers the register file needs (``posisp_params.vh``).

    write_chain(load_posisp_config(), "build/gen_posisp", order=checkpoint_order(C))

The chain (hls/rtl/posisp, the filter interface of the issue-21 contract)::

    s_axis (3 x frontend.x) -> posisp_stream (frame checks, whole frames) -> posisp_in
    (rq into chain.x) -> filter 0 -> ... -> filter n-1 -> posisp_out (min(y, 1) * 255 into
    chain.out) -> m_axis (3 x chain.out)

with posisp_thumb watching the stream control's output (the chain's input, frontend.x) and
posisp_regs holding the per-frame registers (one port per register of
:data:`fixedpoint.posisp.driver.FILTER_REGISTERS`, a slice of the register file's parameter
bus) and the per-frame tables' software ports (gamma, contrast, denoise). Any subset of the ten
filters in any order is a valid chain; no filter is a pass-through through the requantizers.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

from ..config import QuantConfig
from . import codegen, regmap
from .driver import FILTER_REGISTERS, FILTER_TABLES, REGISTER_ENTRIES, default_output

#: Filters with a 2-D window (frame size ports, CW and MAX_W parameters).
WINDOW_FILTERS: tuple[str, ...] = ("sharpen", "denoise")
FILTERS: tuple[str, ...] = tuple(regmap.FILTER_CODES)
#: The folder of the filters' RTL (posisp_<name>.v, the issue-21 filter interface).
RTL_DIR = Path(__file__).resolve().parents[2] / "hls" / "rtl" / "posisp"
_PARAM_RE = re.compile(r"\bparameter\s+(?:integer\s+)?([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT_RE = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)


def filter_parameters(name: str, rtl_dir: Path = RTL_DIR) -> set[str]:
    """The parameters filter ``name``'s module declares (``CW``, ``MAX_W``, ``MEM_DIR``): the
    generator passes those (ValueError naming the file when the filter's RTL is missing)."""
    f = rtl_dir / f"posisp_{name}.v"
    if not f.is_file():
        raise ValueError(f"{f}: no RTL for POS-ISP filter {name!r}")
    text = _COMMENT_RE.sub("", f.read_text(errors="replace"))
    head = text[text.find(f"module posisp_{name}"):]
    head = head[:head.find(");") + 2]
    return set(_PARAM_RE.findall(head))


def checkpoint_order(checkpoint: str | os.PathLike) -> list[str]:
    """The filter order of a POS-ISP checkpoint (its sequence agent's greedy order, as
    :meth:`golden.posisp.model.POSISP.sequence` applies it)."""
    from golden.posisp import load_posisp_checkpoint

    return load_posisp_checkpoint(checkpoint).sequence()


def chain_order(checkpoint: str | os.PathLike | None = None, order: str | None = None) -> list[str]:
    """The chain's order from a comma-separated list of filter names (``order``; empty: no
    filter) or else a checkpoint (default: the shipped ``posisp_frozen.pth``)."""
    if order is not None:
        return check_order([o.strip() for o in order.split(",") if o.strip()])
    if checkpoint is None:
        from golden.posisp import DEFAULT_CHECKPOINT

        checkpoint = DEFAULT_CHECKPOINT
    return check_order(checkpoint_order(checkpoint))


def check_order(order: Sequence[str]) -> list[str]:
    """The order as a list, each name a POS-ISP filter at most once (ValueError otherwise)."""
    order = list(order)
    bad = [o for o in order if o not in FILTERS]
    if bad or len(set(order)) != len(order):
        raise ValueError(f"a POS-ISP chain holds each of {', '.join(FILTERS)} at most once, got {order}")
    return order


def param_layout(cfg: QuantConfig) -> list[tuple[str, int, int, bool]]:
    """(register, lowest bit on the parameter bus, width, signed) of every parameter register in
    register-map order; the widths are the config entries' (``REGISTER_ENTRIES``)."""
    out, lo = [], 0
    for r in regmap.PARAM_REGISTERS:
        f = cfg[REGISTER_ENTRIES[r]].fmt
        out.append((r, lo, f.width, f.signed))
        lo += f.width
    return out


def params_header(cfg: QuantConfig) -> str:
    """``posisp_params.vh``: the parameter bus of ``posisp_regs`` (every register at its entry's
    width, register-map order) and its reset values (the driver's output for DEFAULT_P)."""
    lay = param_layout(cfg)
    total = sum(w for _, _, w, _ in lay)
    dflt = default_output(cfg).regs
    n = len(lay)
    lines = [f"// Generated from {cfg.source} ({cfg.name}) by fixedpoint/posisp/chaingen.py: do not edit.",
             "`ifndef POSISP_PARAMS_VH", "`define POSISP_PARAMS_VH", "",
             f"`define POSISP_PARAM_BITS {total}  // bits of the parameter bus"]
    for r, lo, w, s in lay:
        lines.append(f"`define POSISP_P_{r}_LO {lo}  // {r}: bits {lo + w - 1}:{lo}, raw {REGISTER_ENTRIES[r]}"
                     f" ({'signed' if s else 'unsigned'})")
    lo_list = "".join(f"16'd{lo}" + ("" if i == 0 else ", ") for i, (_, lo, _, _) in reversed(list(enumerate(lay))))
    w_list = "".join(f"8'd{w}" + ("" if i == 0 else ", ") for i, (_, _, w, _) in reversed(list(enumerate(lay))))
    s_list = "".join("1" if s else "0" for _, _, _, s in reversed(lay))
    lines.append(f"`define POSISP_PARAM_LO_LIST {{{lo_list}}}  // register i: [16 i +: 16]")
    lines.append(f"`define POSISP_PARAM_W_LIST {{{w_list}}}  // register i: [8 i +: 8]")
    lines.append(f"`define POSISP_PARAM_S_LIST {n}'b{s_list}  // register i: bit i, signed")
    dv = 0
    for r, lo, w, _ in lay:
        dv |= (int(dflt[r]) & ((1 << w) - 1)) << lo
    lines.append(f"`define POSISP_PARAM_DEFAULTS {total}'h{dv:x}  // reset values (driver output of DEFAULT_P)")
    lines += ["", "`endif", ""]
    return "\n".join(lines)


#: The AXI4-Lite slave ports of the generated tops (all but the last, ``s_axil_rready``).
_AXIL_PORTS: tuple[str, ...] = tuple(
    f"    {d:<6} wire {w:<24}s_axil_{n}," for d, w, n in (
        ("input", "[AXIL_ADDR_W-1:0]", "awaddr"), ("input", "[2:0]", "awprot"), ("input", "", "awvalid"),
        ("output", "", "awready"), ("input", "[31:0]", "wdata"), ("input", "[3:0]", "wstrb"), ("input", "", "wvalid"),
        ("output", "", "wready"), ("output", "[1:0]", "bresp"), ("output", "", "bvalid"), ("input", "", "bready"),
        ("input", "[AXIL_ADDR_W-1:0]", "araddr"), ("input", "[2:0]", "arprot"), ("input", "", "arvalid"),
        ("output", "", "arready"), ("output", "[31:0]", "rdata"), ("output", "[1:0]", "rresp"),
        ("output", "", "rvalid")))


#: The connection of an instance's AXI4-Lite slave to the top's (the same names).
_AXIL_CONNECT: tuple[str, ...] = (
    "    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),",
    "    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),",
    "    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),",
    "    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),",
    "    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),",
    "    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),",
    "    .s_axil_rready(s_axil_rready),",
)


def _filter_instance(name: str, k: int, src: str, dst: str, declared: set[str]) -> list[str]:
    """Verilog of filter ``name`` in chain slot ``k`` from stream ``src`` into ``dst`` (``declared``:
    the module's parameters)."""
    params = [f".{p}({p})" for p in ("CW", "MAX_W", "MEM_DIR") if p in declared]
    ports = [".clk(clk)", ".rst(rst)"]
    if name in WINDOW_FILTERS:
        ports += [".width(width)", ".height(height)"]
    for r in FILTER_REGISTERS[name]:
        ports.append(f".{r.lower()}(param[`POSISP_P_{r}_LO +: `POSISP_{REGISTER_ENTRIES[r].replace('.', '_').upper()}_W])")
    for t in FILTER_TABLES.get(name, ()):
        T = t.upper()
        ports += [".tab_bank(tab_bank)", f".tab_en(tab_en[{_TABLE_INDEX[t]}])",
                  ".tab_we(tab_we)", f".tab_addr(tab_addr[$clog2(`POSISP_TAB_{T}_N)-1:0])", ".tab_wdata(tab_wdata)",
                  f".tab_rdata(tab_rdata_{t})"]
    ports += [f".s_axis_tdata({src}_tdata)", f".s_axis_tvalid({src}_tvalid)", f".s_axis_tready({src}_tready)",
              f".s_axis_tlast({src}_tlast)", f".s_axis_tuser({src}_tuser)",
              f".m_axis_tdata({dst}_tdata)", f".m_axis_tvalid({dst}_tvalid)", f".m_axis_tready({dst}_tready)",
              f".m_axis_tlast({dst}_tlast)", f".m_axis_tuser({dst}_tuser)", f".m_axis_sat({dst}_sat)"]
    head = f"posisp_{name} " + (f"#({', '.join(params)}) " if params else "") + f"u{k}_{name} ("
    return [head] + [f"    {p}," for p in ports[:-1]] + [f"    {ports[-1]}", ");", ""]


#: Index of each per-frame table in the register file's table ports.
_TABLE_INDEX: dict[str, int] = {t: i for i, t in enumerate(regmap.TABLE_BASES)}


def chain_verilog(order: Sequence[str]) -> str:
    """``posisp_chain.v``: the chain top for ``order`` (filter names, any subset, each once)."""
    order = check_order(order)
    n = len(order)
    declared = {name: filter_parameters(name) for name in order}
    L: list[str] = [
        "// Generated by fixedpoint/posisp/chaingen.py (taisp gen --model posisp): do not edit.",
        f"// POS-ISP chain: {' -> '.join(order) if order else '(no filter: the requantizers only)'}.",
        "// Input: AXI4-Stream RGB pixels of frontend.x (UG934 order: G low, then B, then R), SOF on",
        "// tuser[0], EOL on tlast; output: RGB of chain.out. posisp_stream checks the frames and",
        "// regenerates SOF/EOL, posisp_in requantizes into chain.x, the filters run in the order above,",
        "// posisp_out brings min(y, 1) * 255 into chain.out; posisp_thumb sums the chain's input into",
        "// the 64x64 thumbnail; posisp_regs holds the AXI4-Lite map (posisp_regmap.vh).",
        "",
        "`resetall",
        "`timescale 1ns / 1ps",
        "`default_nettype none",
        "",
        '`include "posisp_config.vh"',
        '`include "posisp_regmap.vh"',
        '`include "posisp_params.vh"',
        "",
        "module posisp_chain #",
        "(",
        "    // Largest frame width (line buffers, MAX_WIDTH)",
        "    parameter MAX_W = 1920,",
        "    // Largest frame height",
        "    parameter MAX_H = 1080,",
        "    // Width of the frame size (holds MAX_W and MAX_H)",
        "    parameter CW = 12,",
        "    // Frame size after reset",
        "    parameter INIT_WIDTH = 64,",
        "    parameter INIT_HEIGHT = 64,",
        "    // Folder of the generated tables tab_*.hex",
        *(['    parameter MEM_DIR = ".",'] if any("MEM_DIR" in d for d in declared.values()) else
          ["    /* verilator lint_off UNUSEDPARAM */", '    parameter MEM_DIR = ".",  // (no filter of this chain reads one)',
           "    /* verilator lint_on UNUSEDPARAM */"]),
        "    // AXI4-Lite address width (holds the thumbnail window)",
        "    parameter AXIL_ADDR_W = 18",
        ")",
        "(",
        "    input  wire                         clk,",
        "    input  wire                         rst,",
        "",
        *_AXIL_PORTS,
        "    input  wire                         s_axil_rready,",
        "",
        "    input  wire [3*`POSISP_FRONTEND_X_W-1:0] s_axis_tdata,",
        "    input  wire                         s_axis_tvalid,",
        "    output wire                         s_axis_tready,",
        "    input  wire                         s_axis_tlast,",
        "    input  wire                         s_axis_tuser,",
        "",
        "    output wire [3*`POSISP_CHAIN_OUT_W-1:0] m_axis_tdata,",
        "    output wire                         m_axis_tvalid,",
        "    input  wire                         m_axis_tready,",
        "    output wire                         m_axis_tlast,",
        "    output wire                         m_axis_tuser",
        ");",
        "",
        "localparam FXW = `POSISP_FRONTEND_X_W;",
        "localparam XW = `POSISP_CHAIN_X_W;",
        "localparam NSAT = `POSISP_NSAT;",
        "",
        "wire [CW-1:0] width, height;",
        "wire [`POSISP_PARAM_BITS-1:0] param;",
        "wire apply_req, apply, frame_good, frame_bad, in_frame;",
        "wire [31:0] err_set;",
        "wire tab_bank, tab_we;",
        "wire [2:0] tab_en;",
        "wire [11:0] tab_addr;",
        "wire [31:0] tab_wdata;",
        "wire [NSAT*4-1:0] sat_add;",
        "wire thumb_rd_en, thumb_done, thumb_size_err;",
        "wire [11:0] thumb_rd_addr;",
        "wire [3*`POSISP_THUMB_SUM_W-1:0] thumb_rd_data;",
        "",
        "// the stream control's output (frontend.x) and the chain's streams (chain.x)",
        "wire [3*FXW-1:0] st_tdata;",
        "wire st_tvalid, st_tready, st_tlast, st_tuser;",
    ]
    for k in range(n + 1):
        L.append(f"wire [3*XW-1:0] c{k}_tdata;")
        L.append(f"wire c{k}_tvalid, c{k}_tready, c{k}_tlast, c{k}_tuser;")
        if k > 0:
            L.append(f"wire [3:0] c{k}_sat;")
    for t in regmap.TABLE_BASES:
        L.append(f"wire [31:0] tab_rdata_{t};")
    L += [
        "",
        "posisp_stream #(.DW(3*FXW), .CW(CW)) u_stream (",
        "    .clk(clk), .rst(rst),",
        "    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),",
        "    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),",
        "    .m_axis_tdata(st_tdata), .m_axis_tvalid(st_tvalid), .m_axis_tready(st_tready),",
        "    .m_axis_tlast(st_tlast), .m_axis_tuser(st_tuser),",
        "    .out_beat(m_axis_tvalid && m_axis_tready), .out_last(m_axis_tlast), .out_sof(m_axis_tuser),",
        "    .width(width), .height(height), .apply_req(apply_req), .apply(apply),",
        "    .frame_good(frame_good), .frame_bad(frame_bad), .err_set(err_set), .in_frame(in_frame)",
        ");",
        "",
        "// the chain's input into chain.x",
        "posisp_in u_in (",
        "    .clk(clk), .rst(rst),",
        "    .s_axis_tdata(st_tdata), .s_axis_tvalid(st_tvalid), .s_axis_tready(st_tready),",
        "    .s_axis_tlast(st_tlast), .s_axis_tuser(st_tuser),",
        "    .m_axis_tdata(c0_tdata), .m_axis_tvalid(c0_tvalid), .m_axis_tready(c0_tready),",
        "    .m_axis_tlast(c0_tlast), .m_axis_tuser(c0_tuser)",
        ");",
        "",
        "posisp_thumb #(.PIX_W(FXW), .CW(CW), .MAX_W(MAX_W), .MAX_H(MAX_H), .GRID(`POSISP_THUMB_SIZE),",
        "               .SUM_W(`POSISP_THUMB_SUM_W)) u_thumb (",
        "    .clk(clk), .rst(rst),",
        "    .mon_tdata(st_tdata), .mon_tvalid(st_tvalid), .mon_tready(st_tready), .mon_tlast(st_tlast),",
        "    .mon_tuser(st_tuser), .width(width), .height(height),",
        "    .rd_en(thumb_rd_en), .rd_addr(thumb_rd_addr), .rd_data(thumb_rd_data), .done(thumb_done),",
        "    .size_err(thumb_size_err)",
        ");",
        "",
    ]
    for k, name in enumerate(order):
        L += _filter_instance(name, k, f"c{k}", f"c{k + 1}", declared[name])
    L += [
        "// the output into chain.out",
        "posisp_out u_out (",
        "    .clk(clk), .rst(rst),",
        f"    .s_axis_tdata(c{n}_tdata), .s_axis_tvalid(c{n}_tvalid), .s_axis_tready(c{n}_tready),",
        f"    .s_axis_tlast(c{n}_tlast), .s_axis_tuser(c{n}_tuser),",
        "    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),",
        "    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser)",
        ");",
        "",
        "// saturation counts per filter (its code's counter), of the beats that leave it",
    ]
    sat_terms = {}
    for k, name in enumerate(order):
        sat_terms[regmap.FILTER_CODES[name]] = f"(c{k + 1}_tvalid && c{k + 1}_tready) ? c{k + 1}_sat : 4'd0"
    for i, e in enumerate(regmap.SAT_ENTRIES):
        L.append(f"assign sat_add[{i * 4} +: 4] = {sat_terms.get(i, '4' + chr(39) + 'd0')};  // {e}")
    for t in regmap.TABLE_BASES:
        if t not in [tt for o in order for tt in FILTER_TABLES.get(o, ())]:
            L.append(f"assign tab_rdata_{t} = 32'd0;  // {t}: no such filter in this chain")
    L += [
        "",
        "posisp_regs #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT),",
        "              .AXIL_ADDR_W(AXIL_ADDR_W), .SUM_W(`POSISP_THUMB_SUM_W)) u_regs (",
        "    .clk(clk), .rst(rst),",
        *_AXIL_CONNECT,
        "    .apply_req(apply_req), .apply(apply), .frame_good(frame_good), .frame_bad(frame_bad),",
        "    .err_set(err_set), .in_frame(in_frame), .width(width), .height(height), .param(param),",
        "    .tab_bank(tab_bank), .tab_en(tab_en), .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata),",
        "    .tab_rdata({" + ", ".join(f"tab_rdata_{t}" for t in reversed(list(regmap.TABLE_BASES))) + "}),",
        "    .sat_add(sat_add),",
        "    .thumb_rd_en(thumb_rd_en), .thumb_rd_addr(thumb_rd_addr), .thumb_rd_data(thumb_rd_data),",
        "    .thumb_done(thumb_done)",
        ");",
        "",
    ]
    unused = ["tab_bank", "tab_we", "(|tab_en)", "(|tab_addr)", "(|tab_wdata)", "(|param)",
              "thumb_size_err"]
    L += ["// register-file outputs no filter of this chain reads; the thumbnail's size flag (below",
          "// 64 x 64 the thumbnail window does not hold the model's sums)",
          "/* verilator lint_off UNUSEDSIGNAL */",
          f"wire unused_ok = {' | '.join(unused)};",
          "/* verilator lint_on UNUSEDSIGNAL */",
          "", "endmodule", "", "`resetall", ""]
    return "\n".join(L)


#: isp_camera_regs' parameters from POS-ISP's register map (posisp_regmap.vh): parameter -> define.
_CAMERA_REGS_MAP: tuple[tuple[str, str], ...] = (
    *((f"REG_{r}", f"REG_{r}") for r in ("CTRL", "STATUS", "ERROR", "WIDTH", "HEIGHT", "FE_CONFIG", "FE_BLACK0",
                                         "FE_GAIN0_LO", "FE_GAIN0_HI", "FE_ACTIVE")),
    ("CTRL_COMMIT", "CTRL_COMMIT"), ("CTRL_RESTART", "CTRL_RESTART"),
    *((f, f) for f in ("FE_CONFIG_CFA", "FE_CONFIG_DEMOSAIC", "FE_ACTIVE_CFA", "FE_ACTIVE_DEMOSAIC")),
    *((f"ERROR_{e}", f"ERROR_{e}") for e in ("BAYER_SHORT_LINE", "BAYER_LONG_LINE", "BAYER_MISSING_SOF",
                                             "BAYER_EARLY_SOF", "FE_SIZE")),
    ("STATUS_IN_FRAME_MASK", "STATUS_IN_FRAME_MASK"), ("STATUS_COMMIT_PENDING_MASK", "STATUS_COMMIT_PENDING_MASK"),
    ("MIN_OUT_W", "MIN_SIZE"), ("MIN_OUT_H", "MIN_SIZE"),
)


def camera_verilog(order: Sequence[str]) -> str:
    """``posisp_camera.v``: the camera top of a chain of ``order`` (``taisp gen --model posisp
    --frontend``): the shared front end ``isp_frontend`` (black level and gain per 2x2 CFA
    position, bilinear or bin2 demosaic into frontend.x) ahead of the generated ``posisp_chain``,
    behind one AXI4-Lite map held by the shared ``isp_camera_regs`` (the front-end registers and the
    Bayer frame size; every other register bridged to the chain's ``posisp_regs``)."""
    order = check_order(order)
    regs_params = ", ".join(f".{p}(`POSISP_{d})" for p, d in _CAMERA_REGS_MAP)
    return "\n".join([
        "// Generated by fixedpoint/posisp/chaingen.py (taisp gen --model posisp --frontend): do not edit.",
        "// POS-ISP camera block: sensor RAW in, POS-ISP out. The shared streaming front end (isp_frontend:",
        "// black level and gain per 2x2 CFA position, bilinear or bin2 demosaic, into frontend.x) ahead of",
        f"// the generated chain posisp_chain ({' -> '.join(order) if order else 'no filter'}), behind one",
        "// AXI4-Lite map (posisp_regmap.vh): the shared isp_camera_regs holds the front-end registers",
        "// (FE_*) and the Bayer frame size, and bridges every other register to the chain's.",
        "//",
        "// Input: AXI4-Stream Bayer samples, one per beat (DN in the low DN_W bits of a whole number of",
        "// bytes), SOF on tuser[0], EOL on tlast. Output: the chain's (RGB of chain.out, UG934 order).",
        "// WIDTH and HEIGHT are the Bayer frame size; on COMMIT the camera programs the chain with the",
        "// size the front end delivers (bin2: half). A COMMIT with a size the demosaic cannot take, or",
        "// whose demosaiced size is under the chain's smallest frame (POSISP_MIN_SIZE), sets ERROR.FE_SIZE",
        "// and leaves the settings in use unchanged. RESTART also returns the front end and the Bayer",
        "// size to their reset values (the chain's RESTART returns its size to INIT_WIDTH x INIT_HEIGHT).",
        "//",
        "// Errors: the front end's input checks (short or long Bayer line, missing or early SOF) set",
        "// ERROR.BAYER_*; the broken frame is completed with zero samples and reaches the chain with its",
        "// last beat without EOL, so the chain counts it in BAD_FRAMES (and sets ERROR.LONG_LINE).",
        "",
        "`resetall",
        "`timescale 1ns / 1ps",
        "`default_nettype none",
        "",
        '`include "posisp_config.vh"',
        '`include "posisp_regmap.vh"',
        "",
        "module posisp_camera #",
        "(",
        "    // Largest frame width (line buffers of the front end and the chain)",
        "    parameter MAX_W = 1920,",
        "    // Largest frame height",
        "    parameter MAX_H = 1080,",
        "    // Bayer frame width after reset (bilinear: also the chain's)",
        "    parameter INIT_WIDTH = 64,",
        "    // Bayer frame height after reset",
        "    parameter INIT_HEIGHT = 64,",
        "    // Bits of a Bayer sample (DN); 1 .. 32",
        "    parameter DN_W = 16,",
        "    // Folder of the generated tables tab_*.hex",
        '    parameter MEM_DIR = ".",',
        "    // AXI4-Lite address width (holds the thumbnail window)",
        "    parameter AXIL_ADDR_W = 18",
        ")",
        "(",
        "    input  wire                         clk,",
        "    input  wire                         rst,",
        "",
        "    input  wire [(DN_W+7)/8*8-1:0]      s_axis_tdata,",
        "    input  wire                         s_axis_tvalid,",
        "    output wire                         s_axis_tready,",
        "    input  wire                         s_axis_tlast,",
        "    input  wire [0:0]                   s_axis_tuser,",
        "",
        "    output wire [3*`POSISP_CHAIN_OUT_W-1:0] m_axis_tdata,",
        "    output wire                         m_axis_tvalid,",
        "    input  wire                         m_axis_tready,",
        "    output wire                         m_axis_tlast,",
        "    output wire [0:0]                   m_axis_tuser,",
        "",
        *_AXIL_PORTS,
        "    input  wire                         s_axil_rready",
        ");",
        "",
        "// frame size counters: hold MAX_W and MAX_H",
        "localparam MAX_DIM = MAX_W > MAX_H ? MAX_W : MAX_H;",
        "localparam CW = $clog2(MAX_DIM + 1);",
        "localparam GW = `POSISP_FRONTEND_GAIN_W;",
        "localparam FXW = `POSISP_FRONTEND_X_W;",
        "// the front end's output: the three components padded to whole bytes",
        "localparam XPW = (3 * FXW + 7) / 8 * 8;",
        "",
        "initial begin",
        "    if (MAX_W < 8 || MAX_W > 65535 || MAX_H < 8 || MAX_H > 65535) begin",
        '        $error("posisp_camera: MAX_W %0d / MAX_H %0d out of range 8..65535", MAX_W, MAX_H);',
        "        $finish;",
        "    end",
        "    if (`POSISP_FRONTEND_GAIN_S != 0 || `POSISP_FRONTEND_X_S != 0 || `POSISP_FRONTEND_AVG_S != 0) begin",
        '        $error("posisp_camera: frontend.gain, frontend.x and frontend.avg must be unsigned");',
        "        $finish;",
        "    end",
        "end",
        "",
        "// ------------------------------------------------------------------ registers",
        "wire [AXIL_ADDR_W-1:0] c_awaddr, c_araddr;",
        "wire [2:0] c_awprot, c_arprot;",
        "wire c_awvalid, c_awready, c_wvalid, c_wready, c_bvalid, c_bready, c_arvalid, c_arready, c_rvalid, c_rready;",
        "wire [31:0] c_wdata, c_rdata;",
        "wire [3:0] c_wstrb;",
        "wire [1:0] c_bresp, c_rresp;",
        "wire [CW-1:0] fe_width, fe_height;",
        "wire [1:0] fe_cfa;",
        "wire fe_bin2, fe_hold, fe_idle;",
        "wire [4*DN_W-1:0] fe_black;",
        "wire [4*GW-1:0] fe_gain;",
        "wire [3:0] fe_err;",
        "",
        "// POS-ISP has no STATUS.READY (STATUS_READY_MASK 0); RESTART returns the front end to its reset values",
        "isp_camera_regs #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT),",
        "                  .RESTART_FE(1), .DN_W(DN_W), .GAIN_W(GW), .GAIN_F(`POSISP_FRONTEND_GAIN_F),",
        "                  .AXIL_ADDR_W(AXIL_ADDR_W), .STATUS_READY_MASK(32'd0),",
        f"                  {regs_params}) u_regs (",
        "    .clk(clk), .rst(rst),",
        *_AXIL_CONNECT,
        "    .m_axil_awaddr(c_awaddr), .m_axil_awprot(c_awprot), .m_axil_awvalid(c_awvalid), .m_axil_awready(c_awready),",
        "    .m_axil_wdata(c_wdata), .m_axil_wstrb(c_wstrb), .m_axil_wvalid(c_wvalid), .m_axil_wready(c_wready),",
        "    .m_axil_bresp(c_bresp), .m_axil_bvalid(c_bvalid), .m_axil_bready(c_bready),",
        "    .m_axil_araddr(c_araddr), .m_axil_arprot(c_arprot), .m_axil_arvalid(c_arvalid), .m_axil_arready(c_arready),",
        "    .m_axil_rdata(c_rdata), .m_axil_rresp(c_rresp), .m_axil_rvalid(c_rvalid), .m_axil_rready(c_rready),",
        "    .fe_width(fe_width), .fe_height(fe_height), .fe_cfa(fe_cfa), .fe_bin2(fe_bin2), .fe_black(fe_black),",
        "    .fe_gain(fe_gain), .fe_hold(fe_hold), .fe_idle(fe_idle), .fe_err(fe_err)",
        ");",
        "",
        "// ------------------------------------------------------------------ front end",
        "wire [XPW-1:0] x_tdata;",
        "wire x_tvalid, x_tready, x_tlast;",
        "wire [0:0] x_tuser;",
        "",
        "isp_frontend #(.MAX_W(MAX_W), .CW(CW), .DN_W(DN_W), .GAIN_W(GW), .GAIN_F(`POSISP_FRONTEND_GAIN_F),",
        "               .X_W(FXW), .X_F(`POSISP_FRONTEND_X_F), .X_RND(`POSISP_FRONTEND_X_RND),",
        "               .X_OVF(`POSISP_FRONTEND_X_OVF), .AVG_W(`POSISP_FRONTEND_AVG_W), .AVG_F(`POSISP_FRONTEND_AVG_F),",
        "               .AVG_RND(`POSISP_FRONTEND_AVG_RND), .AVG_OVF(`POSISP_FRONTEND_AVG_OVF),",
        "               .CFA_CELLS(`POSISP_CFA_CELLS)) u_frontend (",
        "    .clk(clk), .rst(rst),",
        "    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),",
        "    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),",
        "    .m_axis_tdata(x_tdata), .m_axis_tvalid(x_tvalid), .m_axis_tready(x_tready), .m_axis_tlast(x_tlast),",
        "    .m_axis_tuser(x_tuser),",
        "    .width(fe_width), .height(fe_height), .cfa(fe_cfa), .bin2(fe_bin2), .black(fe_black), .gain(fe_gain),",
        "    .hold(fe_hold), .idle(fe_idle), .err_set(fe_err)",
        ");",
        "",
        "// ------------------------------------------------------------------ chain",
        "posisp_chain #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT),",
        "               .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W)) u_chain (",
        "    .clk(clk), .rst(rst),",
        "    .s_axil_awaddr(c_awaddr), .s_axil_awprot(c_awprot), .s_axil_awvalid(c_awvalid), .s_axil_awready(c_awready),",
        "    .s_axil_wdata(c_wdata), .s_axil_wstrb(c_wstrb), .s_axil_wvalid(c_wvalid), .s_axil_wready(c_wready),",
        "    .s_axil_bresp(c_bresp), .s_axil_bvalid(c_bvalid), .s_axil_bready(c_bready),",
        "    .s_axil_araddr(c_araddr), .s_axil_arprot(c_arprot), .s_axil_arvalid(c_arvalid), .s_axil_arready(c_arready),",
        "    .s_axil_rdata(c_rdata), .s_axil_rresp(c_rresp), .s_axil_rvalid(c_rvalid), .s_axil_rready(c_rready),",
        "    .s_axis_tdata(x_tdata[3*FXW-1:0]), .s_axis_tvalid(x_tvalid), .s_axis_tready(x_tready),",
        "    .s_axis_tlast(x_tlast), .s_axis_tuser(x_tuser[0]),",
        "    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),",
        "    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser[0])",
        ");",
        "",
        "// the padding bits of the front end's output (zero)",
        "generate",
        "    if (XPW > 3 * FXW) begin : g_pad",
        "        /* verilator lint_off UNUSEDSIGNAL */",
        "        wire unused_pad = |x_tdata[XPW-1:3*FXW];",
        "        /* verilator lint_on UNUSEDSIGNAL */",
        "    end",
        "endgenerate",
        "",
        "endmodule",
        "",
        "`resetall",
        "",
    ])


def write_chain(cfg: QuantConfig, out_dir: str | os.PathLike, order: Sequence[str], frontend: bool = False) -> list[Path]:
    """Write ``posisp_chain.v`` for ``order`` with every generated file it needs
    (:func:`fixedpoint.posisp.codegen.write_all` with that order, ``posisp_params.vh``); returns the paths.
    ``frontend``: also ``posisp_camera.v`` (:func:`camera_verilog`), the camera top with the
    shared front end ahead of the chain (it also needs hls/rtl/common's ``isp_frontend`` and
    ``isp_camera_regs``)."""
    order = check_order(order)
    out = Path(out_dir)
    paths = codegen.write_all(cfg, out, order)
    files = [("posisp_params.vh", params_header(cfg)), ("posisp_chain.v", chain_verilog(order))]
    if frontend:
        files.append(("posisp_camera.v", camera_verilog(order)))
    for fname, text in files:
        p = out / fname
        p.write_text(text)
        paths.append(p)
    return paths


__all__ = ["FILTERS", "RTL_DIR", "WINDOW_FILTERS", "camera_verilog", "chain_order", "chain_verilog", "check_order",
           "checkpoint_order", "filter_parameters", "param_layout", "params_header", "write_chain"]
