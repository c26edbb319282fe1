// TA-ISP core: the streaming block. AXI4-Stream linear RGB in (raw frontend.x per
// component), AXI4-Stream 8-bit RGB out, one pixel per clock; AXI4-Lite control.
//
// Stream contract (design note section 2): tuser[0] marks a frame's first pixel (SOF),
// tlast each line's last pixel (EOL); components packed as AMD/Xilinx video IP does (UG934):
// G in the low bits, then B, then R, each component in its own field, tdata padded to bytes.
// The frame size is programmed (WIDTH/HEIGHT, applied on COMMIT) and checked against the
// stream: a short or long line or a missing/early SOF sets a sticky ERROR bit, the frame is
// completed with zero pixels (so the output keeps its framing) and its statistics are
// dropped, and input beats are discarded until the next SOF.
//
// Frame-level parameters come from the previous good frame (alpha from its sums of x, the
// gate from its sums of xg, w from its sums of the logits), computed by taisp_params while
// the block waits between frames; after reset, RESTART or with no good frame yet the
// programmed defaults are used. The input stalls (tready low) until they are ready.
// After a frame's last pixel the block pushes FL*(W + 1) flush pixels through the windows
// (FL = K5/2 + K/2 of the HSA and mask-head kernels: 3W + 3), then waits for the pipeline to
// drain and the parameter engine to finish. Tensor sizes (weights per branch and mask head,
// regions, kernels) come from taisp_regmap.vh, the table latency from isp_defs.vh.
//
// The top wires one module per job: taisp_stream (stream control: frame state machine, line
// checks, SOF/EOL, flush, COMMIT/RESTART sequencing), taisp_regs (AXI4-Lite register file:
// CTRL/STATUS/ERROR, frame size and defaults as written and in use, read-back), taisp_weights
// (shadow and active weight memories), taisp_stats (frame statistics into their entries,
// FRAMES/BAD_FRAMES, saturation counters), the pixel pipeline taisp_glc -> taisp_hsa ->
// taisp_rgfc, and the parameter engine taisp_params. The pipeline's streams keep their names
// here (g_*, h_*, r_*: the plain testbench probes g_xg, h_xs and r_index).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"

// stream widths: three components, padded to whole bytes
`define TAISP_S_TDATA_W (((3 * `TAISP_FRONTEND_X_W) + 7) / 8 * 8)
`define TAISP_M_TDATA_W (((3 * `TAISP_RGFC_OUT_W) + 7) / 8 * 8)

module taisp_core #
(
    // Largest frame width (line buffer depth); 2 .. 65535
    parameter MAX_W = 2048,
    // Largest frame height (HEIGHT above it is ignored on COMMIT); 1 .. 65535. With MAX_W it
    // sets the width of the size counters and of the exact frame sums (MAX_W * MAX_H pixels);
    // 4095 keeps the 12-bit counters of MAX_W <= 4095 (1080p; 4K UHD: MAX_W 3840, MAX_H 2160)
    parameter MAX_H = 4095,
    // Frame width after reset
    parameter INIT_WIDTH = 64,
    // Frame height after reset
    parameter INIT_HEIGHT = 48,
    // Folder of the generated memories (tab_<name>.hex, weights.hex)
    parameter MEM_DIR = ".",
    // AXI4-Lite address width
    parameter AXIL_ADDR_W = 15,
    // Mask-head regions whose products come from LUT-RAM tables instead of DSP multipliers
    // (taisp_rgfc): 0 .. TAISP_N_REGIONS; the same results, another resource balance
    parameter MH_LUT_REGIONS = 0
)
(
    input  wire                         clk,
    input  wire                         rst,

    input  wire [`TAISP_S_TDATA_W-1:0]  s_axis_tdata,
    input  wire                         s_axis_tvalid,
    output wire                         s_axis_tready,
    input  wire                         s_axis_tlast,
    input  wire [0:0]                   s_axis_tuser,

    output wire [`TAISP_M_TDATA_W-1:0]  m_axis_tdata,
    output wire                         m_axis_tvalid,
    input  wire                         m_axis_tready,
    output wire                         m_axis_tlast,
    output wire [0:0]                   m_axis_tuser,

    input  wire [AXIL_ADDR_W-1:0]       s_axil_awaddr,
    input  wire [2:0]                   s_axil_awprot,
    input  wire                         s_axil_awvalid,
    output wire                         s_axil_awready,
    input  wire [31:0]                  s_axil_wdata,
    input  wire [3:0]                   s_axil_wstrb,
    input  wire                         s_axil_wvalid,
    output wire                         s_axil_wready,
    output wire [1:0]                   s_axil_bresp,
    output wire                         s_axil_bvalid,
    input  wire                         s_axil_bready,
    input  wire [AXIL_ADDR_W-1:0]       s_axil_araddr,
    input  wire [2:0]                   s_axil_arprot,
    input  wire                         s_axil_arvalid,
    output wire                         s_axil_arready,
    output wire [31:0]                  s_axil_rdata,
    output wire [1:0]                   s_axil_rresp,
    output wire                         s_axil_rvalid,
    input  wire                         s_axil_rready
);

// ------------------------------------------------------------------ derived sizes
// frame size and position counters: hold MAX_W and MAX_H
localparam MAX_DIM = MAX_W > MAX_H ? MAX_W : MAX_H;
localparam CW = $clog2(MAX_DIM + 1);
// pixels of the largest frame (64-bit arithmetic), and the width of a pixel count: frame sums
// of fewer than 2^CNT_W pixels are exact
localparam [63:0] MAX_PIX = 64'd1 * MAX_W * MAX_H;
localparam CNT_W = $clog2(MAX_PIX + 64'd1);
// model sizes (taisp_regmap.vh): regions, the width of a count of regions
localparam NREG = `TAISP_N_REGIONS;
localparam PCW = $clog2(NREG + 1);
localparam XW = `TAISP_FRONTEND_X_W;
localparam OW = `TAISP_RGFC_OUT_W;
localparam WGT = `TAISP_WGT_W;
localparam NW = `TAISP_NWEIGHTS;
localparam WADDR_W = $clog2(NW);
// words of the 3x3 and 5x5 branches (weights then bias) and of the mask head (weights then biases)
localparam NWB3 = `TAISP_WLEN_C3 + `TAISP_WLEN_C3B;
localparam NWB5 = `TAISP_WLEN_C5 + `TAISP_WLEN_C5B;
localparam NWM = `TAISP_WLEN_WM + `TAISP_WLEN_BM;
localparam SXW = XW + CNT_W;
localparam SQW = 2 * XW + CNT_W;
localparam SGW = `TAISP_GLC_XG_W + CNT_W;
localparam SLW = `TAISP_RGFC_LOGITS_W + CNT_W;

initial begin
    // ACTIVE_SIZE packs height and width into 16 bits each
    if (MAX_W < 2 || MAX_W > 65535 || MAX_H < 1 || MAX_H > 65535 || CW > `TAISP_ACTIVE_SIZE_WIDTH_W) begin
        $error("taisp_core: MAX_W %0d / MAX_H %0d out of range 2..65535 / 1..65535", MAX_W, MAX_H);
        $finish;
    end
    if (INIT_WIDTH < 2 || INIT_WIDTH > MAX_W || INIT_HEIGHT < 1 || INIT_HEIGHT > MAX_H) begin
        $error("taisp_core: initial frame size %0dx%0d out of range", INIT_WIDTH, INIT_HEIGHT);
        $finish;
    end
    // the stream carries three components
    if (`TAISP_N_CHANNELS != 3) begin
        $error("taisp_core: %0d channels not supported", `TAISP_N_CHANNELS);
        $finish;
    end
end

// the pipeline moves when the output can: registered output or its taker ready
wire ce = !m_axis_tvalid || m_axis_tready;

// ------------------------------------------------------------------ register file
wire commit_req, restart_req, clear_req, commit_ack, restart_ack, apply;
wire [31:0] err_set;
wire st_in_frame, st_ready, st_defaults;
wire [CW-1:0] width, height;
wire [3*`TAISP_GLC_ALPHA_W-1:0] def_alpha;
wire [`TAISP_HSA_GATE_W-1:0] def_gate0;
wire wt_wr;
wire [WADDR_W-1:0] wt_widx, wt_ridx;
wire [WGT-1:0] wt_wdata, wt_rdata;
wire [31:0] frames, bad_frames, sat_rdata;
wire [$clog2(`TAISP_NSAT)-1:0] sat_ridx;
wire [3*`TAISP_GLC_ALPHA_W-1:0] alpha;
wire [2*`TAISP_HSA_GATE_W-1:0] gate;
wire [NREG*`TAISP_RGFC_W_W-1:0] wv;
wire [NREG*`TAISP_RGFC_INV_W_W-1:0] inv_w;

taisp_regs #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT),
             .AXIL_ADDR_W(AXIL_ADDR_W), .WADDR_W(WADDR_W)) u_regs (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .commit_req(commit_req), .restart_req(restart_req), .clear_req(clear_req),
    .commit_ack(commit_ack), .restart_ack(restart_ack), .apply(apply), .err_set(err_set),
    .st_in_frame(st_in_frame), .st_ready(st_ready), .st_defaults(st_defaults),
    .width(width), .height(height), .def_alpha(def_alpha), .def_gate0(def_gate0),
    .wt_wr(wt_wr), .wt_widx(wt_widx), .wt_wdata(wt_wdata), .wt_ridx(wt_ridx), .wt_rdata(wt_rdata),
    .frames(frames), .bad_frames(bad_frames), .sat_ridx(sat_ridx), .sat_rdata(sat_rdata),
    .alpha(alpha), .gate(gate), .w(wv), .inv_w(inv_w)
);

// ------------------------------------------------------------------ stream control
wire copy, copy_last;
wire push, push_sof, push_real;
wire eng_start, eng_defaults, eng_busy;
wire frame_good, frame_bad_end;
wire r_valid, r_sof, r_eol, r_last;
wire out_frame_end = m_axis_tvalid && m_axis_tready && r_last;

taisp_stream #(.CW(CW)) u_stream (
    .clk(clk), .rst(rst), .ce(ce),
    .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast),
    .in_sof(s_axis_tuser[0]),
    .width(width), .height(height),
    .commit_req(commit_req), .restart_req(restart_req), .commit_ack(commit_ack), .restart_ack(restart_ack),
    .copy(copy), .copy_last(copy_last), .apply(apply),
    .push(push), .push_sof(push_sof), .push_real(push_real), .out_frame_end(out_frame_end),
    .eng_start(eng_start), .eng_defaults(eng_defaults), .eng_busy(eng_busy),
    .frame_good(frame_good), .frame_bad_end(frame_bad_end), .err_set(err_set),
    .in_frame(st_in_frame), .ready(st_ready), .defaults(st_defaults)
);

// the pushed pixel: the input beat (UG934: G in the low bits, then B, then R; internally R, G,
// B), zero for fill and flush pushes
wire [3*XW-1:0] push_x = push_real ? {s_axis_tdata[XW +: XW], s_axis_tdata[0 +: XW], s_axis_tdata[2*XW +: XW]}
                                   : {3*XW{1'b0}};

// ------------------------------------------------------------------ weights
wire [NWB3*WGT-1:0] wb3;
wire [NWB5*WGT-1:0] wb5;
wire [NWM*WGT-1:0] wmh;
wire [WADDR_W-1:0] eng_addr;
wire [WGT-1:0] eng_data;

taisp_weights #(.MEM_DIR(MEM_DIR), .WADDR_W(WADDR_W)) u_weights (
    .clk(clk), .rst(rst),
    .wr(wt_wr), .widx(wt_widx), .wdata(wt_wdata), .ridx(wt_ridx), .rdata(wt_rdata),
    .copy(copy), .copy_last(copy_last),
    .eng_addr(eng_addr), .eng_data(eng_data),
    .wb3(wb3), .wb5(wb5), .wm(wmh)
);

// ------------------------------------------------------------------ pipeline
wire g_push, g_sof, g_real;
wire [3*`TAISP_GLC_XG_W-1:0] g_xg;
wire [1:0] ovf_xg;
wire [3*SXW-1:0] sum_x;
wire [3*SQW-1:0] sum_xx;
taisp_glc #(.CNT_W(CNT_W)) u_glc (
    .clk(clk), .rst(rst), .ce(ce),
    .in_push(push), .in_sof(push_sof), .in_real(push_real), .in_x(push_x),
    .alpha_next(alpha),
    .out_push(g_push), .out_sof(g_sof), .out_real(g_real), .out_xg(g_xg), .out_ovf_xg(ovf_xg),
    .sum_x(sum_x), .sum_xx(sum_xx)
);

wire h_push, h_sof, h_inframe, h_eol, h_last;
wire [3*`TAISP_HSA_XS_W-1:0] h_xs;
wire [3*`TAISP_HSA_XM_W-1:0] h_xm;
wire [3*SGW-1:0] sum_xg;
wire [1:0] ovf_pool, ovf_hacc, ovf_z, ovf_xs;
wire ovf_a;
taisp_hsa #(.MAX_W(MAX_W), .CW(CW), .CNT_W(CNT_W), .MEM_DIR(MEM_DIR)) u_hsa (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .in_push(g_push), .in_sof(g_sof), .in_real(g_real), .in_xg(g_xg),
    .gate_next(gate), .wb3(wb3), .wb5(wb5),
    .out_push(h_push), .out_sof(h_sof), .out_inframe(h_inframe), .out_eol(h_eol), .out_last(h_last),
    .out_xs(h_xs), .out_xm(h_xm), .sum_xg(sum_xg),
    .ovf_pool(ovf_pool), .ovf_acc(ovf_hacc), .ovf_z(ovf_z), .ovf_a(ovf_a), .ovf_xs(ovf_xs)
);

wire [3*OW-1:0] r_rgb;
wire [$clog2(NREG)-1:0] r_index;
wire [NREG*SLW-1:0] sum_lg;
wire sums_done;
wire [PCW-1:0] ovf_racc, ovf_lg, ovf_e, ovf_out;
taisp_rgfc #(.MAX_W(MAX_W), .CW(CW), .CNT_W(CNT_W), .MEM_DIR(MEM_DIR), .MH_LUT_REGIONS(MH_LUT_REGIONS)) u_rgfc (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .in_push(h_push), .in_sof(h_sof), .in_xs(h_xs), .in_xm(h_xm),
    .inv_w_next(inv_w), .wm(wmh),
    .out_valid(r_valid), .out_sof(r_sof), .out_eol(r_eol), .out_last(r_last), .out_rgb(r_rgb), .out_index(r_index),
    .sum_logits(sum_lg), .sums_done(sums_done),
    .ovf_acc(ovf_racc), .ovf_logits(ovf_lg), .ovf_e(ovf_e), .ovf_out(ovf_out)
);

// UG934 output: G low, then B, then R
assign m_axis_tdata = {{(`TAISP_M_TDATA_W - 3*OW){1'b0}}, r_rgb[0 +: OW], r_rgb[2*OW +: OW], r_rgb[OW +: OW]};
assign m_axis_tvalid = r_valid;
assign m_axis_tlast = r_eol;
assign m_axis_tuser = r_sof;

// ------------------------------------------------------------------ statistics and counters
wire [3*`TAISP_GLC_SUM_W-1:0] st_sum_x;
wire [3*`TAISP_GLC_SUMSQ_W-1:0] st_sum_xx;
wire [3*`TAISP_HSA_DSUM_W-1:0] st_sum_xg;
wire [NREG*`TAISP_RGFC_LSUM_W-1:0] st_sum_lg;
wire [CNT_W-1:0] st_n;

taisp_stats #(.CW(CW), .CNT_W(CNT_W)) u_stats (
    .clk(clk), .rst(rst), .ce(ce),
    .ovf_xg(ovf_xg), .ovf_pool(ovf_pool), .ovf_hacc(ovf_hacc), .ovf_z(ovf_z), .ovf_a(ovf_a), .ovf_xs(ovf_xs),
    .ovf_racc(ovf_racc), .ovf_lg(ovf_lg), .ovf_e(ovf_e), .ovf_out(ovf_out),
    .sum_x(sum_x), .sum_xx(sum_xx), .sum_xg(sum_xg), .sum_lg(sum_lg),
    .frame_good(frame_good), .frame_bad(frame_bad_end), .width(width), .height(height), .clear(clear_req),
    .st_sum_x(st_sum_x), .st_sum_xx(st_sum_xx), .st_sum_xg(st_sum_xg), .st_sum_lg(st_sum_lg), .st_n(st_n),
    .frames(frames), .bad_frames(bad_frames), .sat_ridx(sat_ridx), .sat_rdata(sat_rdata)
);

// ------------------------------------------------------------------ parameter engine
wire eng_done;
taisp_params #(.MEM_DIR(MEM_DIR), .WADDR_W(WADDR_W), .NPIX_W(CNT_W)) u_params (
    .clk(clk), .rst(rst), .start(eng_start), .use_defaults(eng_defaults), .n_pix(st_n),
    .x_sum(st_sum_x), .x_sumsq(st_sum_xx), .xg_sum(st_sum_xg), .logit_sum(st_sum_lg),
    .def_alpha(def_alpha), .def_gate0(def_gate0),
    .wt_addr(eng_addr), .wt_data(eng_data),
    .busy(eng_busy), .done(eng_done),
    .alpha(alpha), .gate(gate), .w(wv), .inv_w(inv_w)
);

// bits the top does not use: the padding of the input stream, the engine's done pulse (the
// stream control waits on busy), the logit sums' done pulse (it waits on the output), the
// HSA output's frame flags (the mask head's window makes its own) and the region index (a
// debug stream: the plain testbench probes it)
/* verilator lint_off UNUSEDSIGNAL */
wire unused_ok = (|s_axis_tdata) | eng_done | sums_done | h_inframe | h_eol | h_last | (|r_index);
/* verilator lint_on UNUSEDSIGNAL */

endmodule

`undef TAISP_S_TDATA_W
`undef TAISP_M_TDATA_W

`resetall
