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
    parameter AXIL_ADDR_W = 15
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
// model sizes (taisp_regmap.vh): regions, the width of a region index and of a count of regions
localparam NREG = `TAISP_N_REGIONS;
localparam PCW = $clog2(NREG + 1);
// width of a saturation counter's increment per cycle: up to NREG (the logits), 3 elsewhere
localparam INC_W = PCW;
// flush pushes after a frame, per line plus one: the lag of the HSA window's centre
// (K5/2 lines and pixels) plus that of the mask head's window (K/2)
localparam FL = `TAISP_HSA_K5 / 2 + `TAISP_RGFC_K / 2;
// width of the flush counter: holds FL * (MAX_DIM + 1) - 1
localparam FLW = CW + $clog2(FL + 1);
// the largest frame size as counter values
localparam [CW-1:0] MAX_W_C = MAX_W[CW-1:0];
localparam [CW-1:0] MAX_H_C = MAX_H[CW-1:0];
localparam XW = `TAISP_FRONTEND_X_W;
localparam OW = `TAISP_RGFC_OUT_W;
localparam WGT = `TAISP_WGT_W;
localparam NW = `TAISP_NWEIGHTS;
localparam WADDR_W = $clog2(NW);
// the weights the pixel path reads in parallel: branch convolutions to the mask head
localparam CONV_LO = `TAISP_WOFF_C3;
localparam CONV_N = `TAISP_WOFF_W3 - `TAISP_WOFF_C3;
localparam O_C5 = `TAISP_WOFF_C5 - CONV_LO;
localparam O_WM = `TAISP_WOFF_WM - CONV_LO;
// words of the 3x3 and 5x5 branches (weights then bias) and of the mask head (weights then biases)
localparam NWB3 = `TAISP_WLEN_C3 + `TAISP_WLEN_C3B;
localparam NWB5 = `TAISP_WLEN_C5 + `TAISP_WLEN_C5B;
localparam NWM = `TAISP_WLEN_WM + `TAISP_WLEN_BM;
localparam SXW = XW + CNT_W;
localparam SQW = 2 * XW + CNT_W;
localparam SGW = `TAISP_GLC_XG_W + CNT_W;
localparam SLW = `TAISP_RGFC_LOGITS_W + CNT_W;
localparam NSAT = `TAISP_NSAT;

initial begin
    // ACTIVE_SIZE packs height and width into 16 bits each
    if (MAX_W < 2 || MAX_W > 65535 || MAX_H < 1 || MAX_H > 65535 || CW > 16) begin
        $error("taisp_core: MAX_W %0d / MAX_H %0d out of range 2..65535 / 1..65535", MAX_W, MAX_H);
        $finish;
    end
    if (INIT_WIDTH < 2 || INIT_WIDTH > MAX_W || INIT_HEIGHT < 1 || INIT_HEIGHT > MAX_H) begin
        $error("taisp_core: initial frame size %0dx%0d out of range", INIT_WIDTH, INIT_HEIGHT);
        $finish;
    end
    // the pixel path reads each branch (weights then bias) and the mask head (weights then
    // biases) as one contiguous run of the weight image between C3 and W3
    if (`TAISP_WOFF_C3B != `TAISP_WOFF_C3 + `TAISP_WLEN_C3 || `TAISP_WOFF_C5B != `TAISP_WOFF_C5 + `TAISP_WLEN_C5
        || `TAISP_WOFF_BM != `TAISP_WOFF_WM + `TAISP_WLEN_WM || O_C5 < NWB3 || O_WM < O_C5 + NWB5
        || CONV_N < O_WM + NWM) begin
        $error("taisp_core: unexpected weight layout in taisp_regmap.vh");
        $finish;
    end
    // the stream carries three components; a counter increment (INC_W bits) also carries a
    // 3-bit count of saturated frame sums, so INC_W >= 4 (8 or more regions)
    if (`TAISP_N_CHANNELS != 3 || INC_W < 4) begin
        $error("taisp_core: %0d channels or %0d regions not supported", `TAISP_N_CHANNELS, NREG);
        $finish;
    end
    if (WGT > 32 || (1 << AXIL_ADDR_W) < `TAISP_WEIGHT_BASE + 4 * NW) begin
        $error("taisp_core: weights wider than 32 bits or AXIL_ADDR_W too small");
        $finish;
    end
end

// ------------------------------------------------------------------ AXI4-Lite register bus
wire reg_wr, reg_rd;
wire [AXIL_ADDR_W-1:0] reg_waddr, reg_raddr;
wire [31:0] reg_wdata;
wire [3:0] reg_wstrb;
reg [31:0] reg_rdata;

isp_axil #(.ADDR_W(AXIL_ADDR_W), .RD_LAT(2)) u_axil (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .reg_wr(reg_wr), .reg_waddr(reg_waddr), .reg_wdata(reg_wdata), .reg_wstrb(reg_wstrb),
    .reg_rd(reg_rd), .reg_raddr(reg_raddr), .reg_rdata(reg_rdata)
);

// bits the register file does not use: byte strobes (32-bit writes only), the read strobe
// (reads have no side effects), the padding of the input stream, the engine's done pulse
// (the state machine waits on busy) and the logit sums' done pulse (it waits on the output)
/* verilator lint_off UNUSEDSIGNAL */
wire unused_ok = reg_rd | (|reg_wstrb) | (|reg_wdata) | (|s_axis_tdata) | eng_done | sums_done
                 | (|w_widx) | (|r_widx) | h_inframe | h_eol | h_last | (|r_index);
/* verilator lint_on UNUSEDSIGNAL */

// ------------------------------------------------------------------ weights
// shadow: what software wrote (and reads back); active: what the block uses (copied on COMMIT)
reg [WGT-1:0] shadow [0:NW-1];
reg [WGT-1:0] active [0:NW-1];
reg [WGT-1:0] convw [0:CONV_N-1];
initial begin
    $readmemh({MEM_DIR, "/weights.hex"}, shadow);
    $readmemh({MEM_DIR, "/weights.hex"}, active);
end

wire w_is_weight = reg_waddr >= `TAISP_WEIGHT_BASE && reg_waddr < `TAISP_WEIGHT_BASE + 4 * NW;
wire [AXIL_ADDR_W-1:0] w_widx = (reg_waddr - `TAISP_WEIGHT_BASE) >> 2;
wire r_is_weight = reg_raddr >= `TAISP_WEIGHT_BASE && reg_raddr < `TAISP_WEIGHT_BASE + 4 * NW;
wire [AXIL_ADDR_W-1:0] r_widx = (reg_raddr - `TAISP_WEIGHT_BASE) >> 2;
reg [WGT-1:0] shadow_rd, copy_rd;
reg [WADDR_W-1:0] copy_idx;
reg [WADDR_W-1:0] copy_idx_d;
reg copy_we;
wire [WADDR_W-1:0] eng_addr;
reg [WGT-1:0] eng_data;

always @(posedge clk) begin
    if (reg_wr && w_is_weight) begin
        shadow[w_widx[WADDR_W-1:0]] <= reg_wdata[WGT-1:0];
    end
    shadow_rd <= shadow[r_is_weight ? r_widx[WADDR_W-1:0] : {WADDR_W{1'b0}}];
    copy_rd <= shadow[copy_idx];
    if (copy_we) begin
        active[copy_idx_d] <= copy_rd;
        if (copy_idx_d >= CONV_LO && copy_idx_d < CONV_LO + CONV_N) begin
            convw[copy_idx_d - CONV_LO] <= copy_rd;
        end
    end
    eng_data <= active[eng_addr];
end

wire [NWB3*WGT-1:0] wb3;
wire [NWB5*WGT-1:0] wb5;
wire [NWM*WGT-1:0] wmh;
genvar gi;
generate
for (gi = 0; gi < NWB3; gi = gi + 1) begin : g_wb3
    assign wb3[gi*WGT +: WGT] = convw[gi];
end
for (gi = 0; gi < NWB5; gi = gi + 1) begin : g_wb5
    assign wb5[gi*WGT +: WGT] = convw[O_C5 + gi];
end
for (gi = 0; gi < NWM; gi = gi + 1) begin : g_wm
    assign wmh[gi*WGT +: WGT] = convw[O_WM + gi];
end
endgenerate

// ------------------------------------------------------------------ control registers
reg [CW-1:0] width, height, shadow_w, shadow_h;
reg [3*`TAISP_GLC_ALPHA_W-1:0] def_alpha, shadow_def_alpha;
reg [`TAISP_HSA_GATE_W-1:0] def_gate0, shadow_def_gate0;
reg commit_req, restart_req, clear_req;
reg [3:0] err;
reg [31:0] frames, bad_frames;
reg [31:0] sat [0:NSAT-1];

localparam [`TAISP_HSA_GATE_W-1:0] GATE_HALF = `TAISP_HSA_GATE_ONE >> 1;

// ------------------------------------------------------------------ stream state machine
localparam [2:0] ST_COMMIT = 3'd0, ST_PARAMS = 3'd1, ST_WAIT_SOF = 3'd2, ST_RUN = 3'd3,
                 ST_FILL = 3'd4, ST_FLUSH = 3'd5, ST_DRAIN = 3'd6;
reg [2:0] state;
reg [CW-1:0] col, row;
reg [FLW-1:0] flush_cnt;
reg frame_bad, resync, stats_valid, eng_started;
reg [7:0] in_flight;
wire ce = !m_axis_tvalid || m_axis_tready;

wire eng_busy, eng_done;
wire in_sof = s_axis_tuser[0];
assign s_axis_tready = ce && (state == ST_WAIT_SOF ? !(commit_req || restart_req)
                                                   : state == ST_RUN && !(s_axis_tvalid && in_sof));
wire beat = s_axis_tvalid && s_axis_tready;
wire last_col = col == width - 1'b1;
wire last_row = row == height - 1'b1;

// the push into the pipeline
reg push, push_sof, push_real;
reg [3*XW-1:0] push_x;
always @* begin
    push = 1'b0;
    push_sof = 1'b0;
    push_real = 1'b0;
    push_x = {3*XW{1'b0}};
    case (state)
        ST_WAIT_SOF: begin
            push = beat && in_sof;
            push_sof = 1'b1;
            push_real = 1'b1;
        end
        ST_RUN: begin
            push = beat;
            push_real = 1'b1;
        end
        ST_FILL, ST_FLUSH: push = ce;
        default: push = 1'b0;
    endcase
    // UG934: G in the low bits, then B, then R; internally R, G, B
    if (state == ST_WAIT_SOF || state == ST_RUN) begin
        push_x = {s_axis_tdata[XW +: XW], s_axis_tdata[0 +: XW], s_axis_tdata[2*XW +: XW]};
    end
end

// ------------------------------------------------------------------ pipeline
wire [3*`TAISP_GLC_ALPHA_W-1:0] alpha;
wire [2*`TAISP_HSA_GATE_W-1:0] gate;
wire [NREG*`TAISP_RGFC_W_W-1:0] wv;
wire [NREG*`TAISP_RGFC_INV_W_W-1:0] inv_w;

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
wire [3*SGW-1:0] sum_xg;
wire [1:0] ovf_pool, ovf_hacc, ovf_z, ovf_xs;
wire ovf_a;
taisp_hsa #(.MAX_W(MAX_W), .CW(CW), .CNT_W(CNT_W), .MEM_DIR(MEM_DIR)) u_hsa (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .in_push(g_push), .in_sof(g_sof), .in_real(g_real), .in_xg(g_xg),
    .gate_next(gate), .wb3(wb3), .wb5(wb5),
    .out_push(h_push), .out_sof(h_sof), .out_inframe(h_inframe), .out_eol(h_eol), .out_last(h_last),
    .out_xs(h_xs), .sum_xg(sum_xg),
    .ovf_pool(ovf_pool), .ovf_acc(ovf_hacc), .ovf_z(ovf_z), .ovf_a(ovf_a), .ovf_xs(ovf_xs)
);

wire r_valid, r_sof, r_eol, r_last;
wire [3*OW-1:0] r_rgb;
wire [$clog2(NREG)-1:0] r_index;
wire [NREG*SLW-1:0] sum_lg;
wire sums_done;
wire [PCW-1:0] ovf_racc, ovf_lg;
wire [1:0] ovf_e, ovf_out;
taisp_rgfc #(.MAX_W(MAX_W), .CW(CW), .CNT_W(CNT_W), .MEM_DIR(MEM_DIR)) u_rgfc (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .in_push(h_push), .in_sof(h_sof), .in_xs(h_xs),
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

// ------------------------------------------------------------------ frame statistics into their entries
wire [3*`TAISP_GLC_SUM_W-1:0] q_sum_x;
wire [3*`TAISP_GLC_SUMSQ_W-1:0] q_sum_xx;
wire [3*`TAISP_HSA_DSUM_W-1:0] q_sum_xg;
wire [NREG*`TAISP_RGFC_LSUM_W-1:0] q_sum_lg;
wire [2:0] o_sx, o_sxx, o_sxg;
wire [NREG-1:0] o_slg;
generate
for (gi = 0; gi < 3; gi = gi + 1) begin : g_sums
    isp_rq #(.IN_W(SXW + 1), .IN_F(`TAISP_FRONTEND_X_F), .OUT_W(`TAISP_GLC_SUM_W), .OUT_F(`TAISP_GLC_SUM_F),
               .OUT_S(`TAISP_GLC_SUM_S), .RND(`TAISP_GLC_SUM_RND), .OVF(`TAISP_GLC_SUM_OVF))
    u_sx (.in({1'b0, sum_x[gi*SXW +: SXW]}), .out(q_sum_x[gi*`TAISP_GLC_SUM_W +: `TAISP_GLC_SUM_W]), .ovf(o_sx[gi]));
    isp_rq #(.IN_W(SQW + 1), .IN_F(2 * `TAISP_FRONTEND_X_F), .OUT_W(`TAISP_GLC_SUMSQ_W), .OUT_F(`TAISP_GLC_SUMSQ_F),
               .OUT_S(`TAISP_GLC_SUMSQ_S), .RND(`TAISP_GLC_SUMSQ_RND), .OVF(`TAISP_GLC_SUMSQ_OVF))
    u_sxx (.in({1'b0, sum_xx[gi*SQW +: SQW]}), .out(q_sum_xx[gi*`TAISP_GLC_SUMSQ_W +: `TAISP_GLC_SUMSQ_W]), .ovf(o_sxx[gi]));
    isp_rq #(.IN_W(SGW + 1), .IN_F(`TAISP_GLC_XG_F), .OUT_W(`TAISP_HSA_DSUM_W), .OUT_F(`TAISP_HSA_DSUM_F),
               .OUT_S(`TAISP_HSA_DSUM_S), .RND(`TAISP_HSA_DSUM_RND), .OVF(`TAISP_HSA_DSUM_OVF))
    u_sxg (.in({1'b0, sum_xg[gi*SGW +: SGW]}), .out(q_sum_xg[gi*`TAISP_HSA_DSUM_W +: `TAISP_HSA_DSUM_W]), .ovf(o_sxg[gi]));
end
for (gi = 0; gi < NREG; gi = gi + 1) begin : g_lsums
    isp_rq #(.IN_W(SLW), .IN_F(`TAISP_RGFC_LOGITS_F), .OUT_W(`TAISP_RGFC_LSUM_W), .OUT_F(`TAISP_RGFC_LSUM_F),
               .OUT_S(`TAISP_RGFC_LSUM_S), .RND(`TAISP_RGFC_LSUM_RND), .OVF(`TAISP_RGFC_LSUM_OVF))
    u_slg (.in(sum_lg[gi*SLW +: SLW]), .out(q_sum_lg[gi*`TAISP_RGFC_LSUM_W +: `TAISP_RGFC_LSUM_W]), .ovf(o_slg[gi]));
end
endgenerate

// the last good frame's statistics (kept for COMMIT's recomputation)
reg [3*`TAISP_GLC_SUM_W-1:0] st_sum_x;
reg [3*`TAISP_GLC_SUMSQ_W-1:0] st_sum_xx;
reg [3*`TAISP_HSA_DSUM_W-1:0] st_sum_xg;
reg [NREG*`TAISP_RGFC_LSUM_W-1:0] st_sum_lg;
reg [CNT_W-1:0] st_n;
reg eng_start, eng_defaults;

taisp_params #(.MEM_DIR(MEM_DIR), .WADDR_W(WADDR_W), .NPIX_W(CNT_W)) u_params (
    .clk(clk), .rst(rst), .start(eng_start), .use_defaults(eng_defaults), .n_pix(st_n),
    .x_sum(st_sum_x), .x_sumsq(st_sum_xx), .xg_sum(st_sum_xg), .logit_sum(st_sum_lg),
    .def_alpha(def_alpha), .def_gate0(def_gate0),
    .wt_addr(eng_addr), .wt_data(eng_data),
    .busy(eng_busy), .done(eng_done),
    .alpha(alpha), .gate(gate), .w(wv), .inv_w(inv_w)
);

// ------------------------------------------------------------------ saturation counters
// the stage outputs hold their counts while ce is low: add them once, after a ce cycle
reg ce_d;
reg [INC_W-1:0] sat_inc [0:NSAT-1];
reg [2:0] stats_ovf [0:3];
reg stats_latched;
always @* begin
    sat_inc[`TAISP_SAT_GLC_XG] = {{(INC_W-2){1'b0}}, ovf_xg};
    sat_inc[`TAISP_SAT_HSA_POOL] = {{(INC_W-2){1'b0}}, ovf_pool};
    sat_inc[`TAISP_SAT_HSA_ACC] = {{(INC_W-2){1'b0}}, ovf_hacc};
    sat_inc[`TAISP_SAT_HSA_Z] = {{(INC_W-2){1'b0}}, ovf_z};
    sat_inc[`TAISP_SAT_HSA_A] = {{(INC_W-1){1'b0}}, ovf_a};
    sat_inc[`TAISP_SAT_HSA_XS] = {{(INC_W-2){1'b0}}, ovf_xs};
    sat_inc[`TAISP_SAT_RGFC_ACC] = ovf_racc;
    sat_inc[`TAISP_SAT_RGFC_LOGITS] = ovf_lg;
    sat_inc[`TAISP_SAT_RGFC_E] = {{(INC_W-2){1'b0}}, ovf_e};
    sat_inc[`TAISP_SAT_RGFC_OUT] = {{(INC_W-2){1'b0}}, ovf_out};
    sat_inc[`TAISP_SAT_GLC_SUM] = {INC_W{1'b0}};
    sat_inc[`TAISP_SAT_GLC_SUMSQ] = {INC_W{1'b0}};
    sat_inc[`TAISP_SAT_HSA_DSUM] = {INC_W{1'b0}};
    sat_inc[`TAISP_SAT_RGFC_LSUM] = {INC_W{1'b0}};
    if (!ce_d) begin
        sat_inc[`TAISP_SAT_GLC_XG] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_HSA_POOL] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_HSA_ACC] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_HSA_Z] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_HSA_A] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_HSA_XS] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_RGFC_ACC] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_RGFC_LOGITS] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_RGFC_E] = {INC_W{1'b0}};
        sat_inc[`TAISP_SAT_RGFC_OUT] = {INC_W{1'b0}};
    end
    if (stats_latched) begin
        sat_inc[`TAISP_SAT_GLC_SUM] = {{(INC_W-3){1'b0}}, stats_ovf[0]};
        sat_inc[`TAISP_SAT_GLC_SUMSQ] = {{(INC_W-3){1'b0}}, stats_ovf[1]};
        sat_inc[`TAISP_SAT_HSA_DSUM] = {{(INC_W-3){1'b0}}, stats_ovf[2]};
        sat_inc[`TAISP_SAT_RGFC_LSUM] = {{(INC_W-3){1'b0}}, stats_ovf[3]};
    end
end

function [2:0] sat3;
    input [PCW-1:0] v;
    begin
        sat3 = v > {{(PCW-3){1'b0}}, 3'd7} ? 3'd7 : v[2:0];
    end
endfunction

function [2:0] pop3;
    input [2:0] v;
    begin
        pop3 = {2'd0, v[0]} + {2'd0, v[1]} + {2'd0, v[2]};
    end
endfunction

`include "isp_popcount.vh"

// ------------------------------------------------------------------ control
wire out_frame_end = m_axis_tvalid && m_axis_tready && r_last;
wire in_frame_start = push && push_sof && ce;
integer si;

always @(posedge clk) begin
    ce_d <= ce;
    eng_start <= 1'b0;
    copy_we <= 1'b0;
    stats_latched <= 1'b0;

    // saturation counters
    for (si = 0; si < NSAT; si = si + 1) begin
        if (clear_req) begin
            sat[si] <= 32'd0;
        end else if ({1'b0, sat[si]} + {{(33-INC_W){1'b0}}, sat_inc[si]} > 33'hFFFFFFFF) begin
            sat[si] <= 32'hFFFFFFFF;
        end else begin
            sat[si] <= sat[si] + {{(32-INC_W){1'b0}}, sat_inc[si]};
        end
    end
    clear_req <= 1'b0;

    // frames between the input and the output
    case ({in_frame_start, out_frame_end})
        2'b10: in_flight <= in_flight + 1'b1;
        2'b01: in_flight <= in_flight - 1'b1;
        default: in_flight <= in_flight;
    endcase

    // register writes
    if (reg_wr) begin
        case (reg_waddr)
            `TAISP_REG_CTRL: begin
                if (reg_wdata[0]) commit_req <= 1'b1;
                if (reg_wdata[1]) restart_req <= 1'b1;
                if (reg_wdata[2]) clear_req <= 1'b1;
            end
            `TAISP_REG_ERROR: err <= err & ~reg_wdata[3:0];
            `TAISP_REG_WIDTH: shadow_w <= reg_wdata[CW-1:0];
            `TAISP_REG_HEIGHT: shadow_h <= reg_wdata[CW-1:0];
            `TAISP_REG_DEF_GATE0: shadow_def_gate0 <= reg_wdata[`TAISP_HSA_GATE_W-1:0];
            `TAISP_REG_DEF_ALPHA0: shadow_def_alpha[0 +: `TAISP_GLC_ALPHA_W] <= reg_wdata[`TAISP_GLC_ALPHA_W-1:0];
            `TAISP_REG_DEF_ALPHA1: shadow_def_alpha[`TAISP_GLC_ALPHA_W +: `TAISP_GLC_ALPHA_W] <= reg_wdata[`TAISP_GLC_ALPHA_W-1:0];
            `TAISP_REG_DEF_ALPHA2: shadow_def_alpha[2*`TAISP_GLC_ALPHA_W +: `TAISP_GLC_ALPHA_W] <= reg_wdata[`TAISP_GLC_ALPHA_W-1:0];
            default: ;
        endcase
    end

    case (state)
        ST_COMMIT: begin
            // copy the shadow weights, one word per cycle (read, then write)
            copy_we <= 1'b1;
            copy_idx_d <= copy_idx;
            if (copy_idx == NW - 1) begin
                // a bound is constant (always met) when it is the counters' largest value
                /* verilator lint_off CMPCONST */
                width <= (shadow_w >= 2 && shadow_w <= MAX_W_C) ? shadow_w : width;
                height <= (shadow_h >= 1 && shadow_h <= MAX_H_C) ? shadow_h : height;
                /* verilator lint_on CMPCONST */
                def_alpha <= shadow_def_alpha;
                def_gate0 <= shadow_def_gate0;
                state <= ST_PARAMS;
                eng_started <= 1'b0;
            end else begin
                copy_idx <= copy_idx + 1'b1;
            end
        end
        ST_PARAMS: begin
            if (!eng_started) begin
                // after a commit: recompute from the kept statistics (or the defaults)
                eng_start <= 1'b1;
                eng_defaults <= !stats_valid;
                eng_started <= 1'b1;
            end else if (!eng_busy && !eng_start) begin
                if (commit_req && in_flight == 0) begin
                    commit_req <= 1'b0;
                    copy_idx <= {WADDR_W{1'b0}};
                    state <= ST_COMMIT;
                end else if (restart_req) begin
                    restart_req <= 1'b0;
                    stats_valid <= 1'b0;
                    eng_started <= 1'b0;
                end else if (!commit_req) begin
                    state <= ST_WAIT_SOF;
                end
            end
        end
        ST_WAIT_SOF: begin
            if (commit_req || restart_req) begin
                state <= ST_PARAMS;
            end else if (beat) begin
                if (in_sof) begin
                    resync <= 1'b0;
                    frame_bad <= 1'b0;
                    if (s_axis_tlast && width != 1) begin
                        err[0] <= 1'b1;
                        frame_bad <= 1'b1;
                        state <= ST_FILL;
                    end else begin
                        state <= ST_RUN;
                    end
                    col <= 1;
                    row <= 0;
                end else if (!resync) begin
                    err[2] <= 1'b1;
                end
            end
        end
        ST_RUN: begin
            if (s_axis_tvalid && in_sof && ce) begin
                // SOF inside a frame: the frame is cut short
                err[3] <= 1'b1;
                frame_bad <= 1'b1;
                state <= ST_FILL;
            end else if (beat) begin
                if (s_axis_tlast && !last_col) begin
                    err[0] <= 1'b1;
                    frame_bad <= 1'b1;
                    resync <= 1'b1;
                end else if (!s_axis_tlast && last_col) begin
                    err[1] <= 1'b1;
                    frame_bad <= 1'b1;
                    resync <= 1'b1;
                end
                if (last_col && last_row) begin
                    state <= ST_FLUSH;
                    flush_cnt <= 0;
                end else if ((s_axis_tlast && !last_col) || (!s_axis_tlast && last_col)) begin
                    state <= ST_FILL;
                end
                col <= last_col ? {CW{1'b0}} : col + 1'b1;
                row <= last_col ? row + 1'b1 : row;
            end
        end
        ST_FILL: begin
            if (ce) begin
                col <= last_col ? {CW{1'b0}} : col + 1'b1;
                row <= last_col ? row + 1'b1 : row;
                if (last_col && last_row) begin
                    state <= ST_FLUSH;
                    flush_cnt <= 0;
                end
            end
        end
        ST_FLUSH: begin
            if (ce) begin
                flush_cnt <= flush_cnt + 1'b1;
                if (flush_cnt == FL * width + FL - 1) begin
                    state <= ST_DRAIN;
                end
            end
        end
        ST_DRAIN: begin
            if (in_flight == 0) begin
                if (!frame_bad) begin
                    frames <= frames + 1'b1;
                    st_sum_x <= q_sum_x;
                    st_sum_xx <= q_sum_xx;
                    st_sum_xg <= q_sum_xg;
                    st_sum_lg <= q_sum_lg;
                    st_n <= width * height;
                    stats_valid <= 1'b1;
                    stats_latched <= 1'b1;
                    stats_ovf[0] <= pop3(o_sx);
                    stats_ovf[1] <= pop3(o_sxx);
                    stats_ovf[2] <= pop3(o_sxg);
                    stats_ovf[3] <= sat3(isp_popcount(o_slg));
                    eng_started <= 1'b0;
                end else begin
                    bad_frames <= bad_frames + 1'b1;
                    eng_started <= 1'b1;
                end
                state <= ST_PARAMS;
            end
        end
        default: state <= ST_PARAMS;
    endcase

    if (rst) begin
        state <= ST_COMMIT;
        copy_idx <= {WADDR_W{1'b0}};
        stats_valid <= 1'b0;
        eng_started <= 1'b0;
        eng_defaults <= 1'b1;
        commit_req <= 1'b0;
        restart_req <= 1'b0;
        clear_req <= 1'b1;
        err <= 4'd0;
        frames <= 32'd0;
        bad_frames <= 32'd0;
        in_flight <= 8'd0;
        resync <= 1'b0;
        frame_bad <= 1'b0;
        col <= {CW{1'b0}};
        row <= {CW{1'b0}};
        flush_cnt <= 0;
        ce_d <= 1'b0;
    end
end

// register values after reset (software may rewrite them; they apply on COMMIT)
initial begin
    width = INIT_WIDTH[CW-1:0];
    height = INIT_HEIGHT[CW-1:0];
    shadow_w = INIT_WIDTH[CW-1:0];
    shadow_h = INIT_HEIGHT[CW-1:0];
    def_gate0 = GATE_HALF;
    shadow_def_gate0 = GATE_HALF;
    def_alpha = {3{`TAISP_GLC_ALPHA_ONE}};
    shadow_def_alpha = {3{`TAISP_GLC_ALPHA_ONE}};
end

// ------------------------------------------------------------------ register reads (2 cycles)
reg [31:0] rd_q;
reg rd_weight;
always @(posedge clk) begin
    rd_weight <= r_is_weight;
    rd_q <= 32'd0;
    if (reg_raddr >= `TAISP_SAT_BASE && reg_raddr < `TAISP_SAT_BASE + 4 * NSAT) begin
        rd_q <= sat[(reg_raddr - `TAISP_SAT_BASE) >> 2];
    end else if (reg_raddr >= `TAISP_PARAM_BASE && reg_raddr < `TAISP_PARAM_BASE + 4 * `TAISP_NPARAM) begin
        rd_q <= param_word((reg_raddr - `TAISP_PARAM_BASE) >> 2);
    end else begin
        case (reg_raddr)
            `TAISP_REG_ID: rd_q <= `TAISP_ID;
            `TAISP_REG_VERSION: rd_q <= `TAISP_REGMAP_VERSION;
            `TAISP_REG_MAX_WIDTH: rd_q <= MAX_W;
            `TAISP_REG_STATUS: rd_q <= {28'd0, !stats_valid, commit_req,
                                        state == ST_WAIT_SOF && !eng_busy && !commit_req && !restart_req,
                                        state == ST_RUN || state == ST_FILL || state == ST_FLUSH || state == ST_DRAIN};
            `TAISP_REG_ERROR: rd_q <= {28'd0, err};
            `TAISP_REG_FRAMES: rd_q <= frames;
            `TAISP_REG_BAD_FRAMES: rd_q <= bad_frames;
            `TAISP_REG_WIDTH: rd_q <= {{(32-CW){1'b0}}, shadow_w};
            `TAISP_REG_HEIGHT: rd_q <= {{(32-CW){1'b0}}, shadow_h};
            `TAISP_REG_ACTIVE_SIZE: rd_q <= ({{(32-CW){1'b0}}, height} << 16) | {{(32-CW){1'b0}}, width};
            `TAISP_REG_DEF_GATE0: rd_q <= {{(32-`TAISP_HSA_GATE_W){1'b0}}, shadow_def_gate0};
            `TAISP_REG_DEF_ALPHA0: rd_q <= {{(32-`TAISP_GLC_ALPHA_W){1'b0}}, shadow_def_alpha[0 +: `TAISP_GLC_ALPHA_W]};
            `TAISP_REG_DEF_ALPHA1: rd_q <= {{(32-`TAISP_GLC_ALPHA_W){1'b0}}, shadow_def_alpha[`TAISP_GLC_ALPHA_W +: `TAISP_GLC_ALPHA_W]};
            `TAISP_REG_DEF_ALPHA2: rd_q <= {{(32-`TAISP_GLC_ALPHA_W){1'b0}}, shadow_def_alpha[2*`TAISP_GLC_ALPHA_W +: `TAISP_GLC_ALPHA_W]};
            default: rd_q <= 32'd0;
        endcase
    end
end

always @* begin
    // weights read back sign-extended from the word width
    reg_rdata = rd_weight ? {{(32-WGT){shadow_rd[WGT-1]}}, shadow_rd} : rd_q;
end

// parameter read-back: alpha, gate, w, inv_w (raw, zero-extended; TAISP_PARAM_* offsets)
function [31:0] param_word;
    input [AXIL_ADDR_W-1:0] i;
    begin
        param_word = 32'd0;
        if (i < `TAISP_PARAM_GATE) begin
            param_word[`TAISP_GLC_ALPHA_W-1:0] = alpha[i*`TAISP_GLC_ALPHA_W +: `TAISP_GLC_ALPHA_W];
        end else if (i < `TAISP_PARAM_W) begin
            param_word[`TAISP_HSA_GATE_W-1:0] = gate[(i - `TAISP_PARAM_GATE)*`TAISP_HSA_GATE_W +: `TAISP_HSA_GATE_W];
        end else if (i < `TAISP_PARAM_INV_W) begin
            param_word[`TAISP_RGFC_W_W-1:0] = wv[(i - `TAISP_PARAM_W)*`TAISP_RGFC_W_W +: `TAISP_RGFC_W_W];
        end else begin
            param_word[`TAISP_RGFC_INV_W_W-1:0] = inv_w[(i - `TAISP_PARAM_INV_W)*`TAISP_RGFC_INV_W_W +: `TAISP_RGFC_INV_W_W];
        end
    end
endfunction

endmodule

`resetall
