// TA-ISP RGFC stage: the mask logits, one per region (3x3 convolution of xm, the mask head's own
// copy of xs, over a zero-padded window; xs of the centre pixel rides along as the window's aux),
// the hard region k* = argmax (ties to the lowest index), y = xs^(1/w_k*) =
// exp2(log2(xs) * inv_w[k*]) through the log2 and exp2 tables, out = round(clamp(y) * 255);
// and the exact frame sums of each logit the next frame's w needs.
// The twin of fixedpoint/taisp/rgfc.py. inv_w is taken from inv_w_next when the frame's first
// pixel reaches the power stage. The caller follows the frame with W + 1 (and more) flush
// pushes; only windows centred inside the frame come out (out_valid). The region count, the
// kernel size and the mask-head weight counts come from taisp_regmap.vh (TAISP_N_REGIONS,
// TAISP_RGFC_K, TAISP_WLEN_WM/BM).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"
`include "isp_defs.vh"
`include "taisp_pipe.vh"

module taisp_rgfc #
(
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame size and position counters
    parameter CW = 12,
    // Sums of fewer than 2^CNT_W pixels are exact
    parameter CNT_W = 24,
    // Folder of the generated table memories
    parameter MEM_DIR = ".",
    // Regions (the highest-numbered ones) whose mask-head products come from LUT-RAM tables of
    // w * d (every 5-bit digit d of xm) instead of multipliers: 0 (all in DSPs) .. TAISP_N_REGIONS.
    // The same products, bit for bit; a table is refreshed from its weight every 32 cycles, so
    // weights written while frames stream take effect within 64 cycles (COMMIT and reset copy
    // them between frames, ahead of the parameter engine)
    parameter MH_LUT_REGIONS = 0
)
(
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          ce,
    input  wire [CW-1:0]                 width,
    input  wire [CW-1:0]                 height,

    input  wire                          in_push,
    input  wire                          in_sof,
    input  wire [3*`TAISP_HSA_XS_W-1:0]  in_xs,
    input  wire [3*`TAISP_HSA_XM_W-1:0]  in_xm,

    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0] inv_w_next,
    // mask head: TAISP_WLEN_WM weights (region, channel, row, column) then TAISP_WLEN_BM biases
    input  wire [(`TAISP_WLEN_WM+`TAISP_WLEN_BM)*`TAISP_WGT_W-1:0] wm,

    output wire                          out_valid,
    output wire                          out_sof,
    output wire                          out_eol,
    output wire                          out_last,
    // R, G, B (element 0 in the low bits)
    output reg  [3*`TAISP_RGFC_OUT_W-1:0] out_rgb,
    // the region index of the pixel at the output
    output wire [$clog2(`TAISP_N_REGIONS)-1:0] out_index,

    // exact frame sums of each logit (signed) since the frame's first window
    output reg  [`TAISP_N_REGIONS*(`TAISP_RGFC_LOGITS_W+CNT_W)-1:0] sum_logits,
    // pulse: the frame's last logits have been added
    output reg                           sums_done,
    // values saturated this cycle: acc, logits (of NREG regions), e, out (of 3 channels)
    output reg  [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_acc,
    output reg  [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_logits,
    output reg  [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_e,
    output reg  [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_out
);

`include "isp_addtree.vh"
`include "isp_dot_lutram.vh"

localparam XSW = `TAISP_HSA_XS_W;
localparam XMW = `TAISP_HSA_XM_W;
localparam WGT = `TAISP_WGT_W;
localparam WMW = `TAISP_RGFC_WM_W;
localparam LGW = `TAISP_RGFC_LOGITS_W;
localparam LSW = LGW + CNT_W;
localparam ACW = `TAISP_RGFC_ACC_W;
localparam IVW = `TAISP_RGFC_INV_W_W;
localparam L2W = `TAISP_RGFC_LOG2_W;
localparam EW = `TAISP_RGFC_E_W;
localparam YW = `TAISP_RGFC_Y_W;
localparam OW = `TAISP_RGFC_OUT_W;
// regions, the width of a region index and of a count of regions
localparam NREG = `TAISP_N_REGIONS;
localparam IXW = $clog2(NREG);
localparam PCW = $clog2(NREG + 1);
// mask head: input channels (the three of xs), kernel size, weights per region
localparam NCH = `TAISP_N_CHANNELS;
localparam K = `TAISP_RGFC_K;
localparam WPR = `TAISP_WLEN_WM / NREG;
// exact logit sums: WPR products and the bias, a margin bit
localparam CVW = XMW + WMW + 1 + $clog2(WPR + 1) + 1;
// one mask-head product wm * xm (signed wm, unsigned xm): exact
localparam PW = XMW + WMW + 1;
// LUT-RAM products (isp_dot_lutram): digits of DGW bits of xm; the first region on tables
localparam DGW = 5;
localparam LUT_FIRST = NREG - MH_LUT_REGIONS;
// log2 * inv_w, y * 255
localparam EXW = L2W + IVW + 2;
localparam YXW = YW + 10;
// latency of a table (pipelined as TAISP_TABLE_PIPE says)
localparam TL = `TAISP_TABLE_PIPE ? `ISP_TABLE_LATENCY_PIPE : `ISP_TABLE_LATENCY;
// pipeline (ce cycles from the window's output): the per-region sums' adder trees (products
// registered, a register every LPR levels: S_T), acc (+1), logits (+1), the argmax tournament
// (S_IX), the e product (+1: S_EP), e (+1), the exp2 table, the out product (+1: S_OP), out (+1);
// the log2 table, started with the window, is delayed to S_IX
localparam LPR = `TAISP_TREE_LPR;
localparam S_T = isp_addtree_latency(WPR + 1, LPR, 1);
// a region on LUT-RAM tables (isp_dot_lutram) takes as long (checked below)
localparam S_T_LUT = isp_dot_lutram_latency(WPR, DGW, XMW, LPR);
localparam S_ACC = S_T + 1;
localparam S_LG = S_ACC + 1;
localparam S_IX = S_LG + isp_addtree_latency(NREG, LPR, 0);
localparam S_EP = S_IX + 1;
localparam S_OP = S_EP + 1 + TL + 1;
localparam S_OUT = S_OP + 1;
// in_push to out_valid: the window's output register, S_OUT
localparam LAT = 1 + S_OUT;

initial begin
    if (MH_LUT_REGIONS > 0 && S_T_LUT != S_T) begin
        $error("taisp_rgfc: MH_LUT_REGIONS: a region on tables takes %0d cycles, on multipliers %0d (TAISP_TREE_LPR %0d; 2 or 3 make them equal)",
               S_T_LUT, S_T, LPR);
        $finish;
    end
    if (`TAISP_HSA_XS_S || `TAISP_HSA_XM_S || `TAISP_RGFC_INV_W_S || `TAISP_RGFC_Y_S) begin
        $error("taisp_rgfc: xs, xm, inv_w and y must be unsigned formats");
        $finish;
    end
    if (WMW > WGT) begin
        $error("taisp_rgfc: mask-head weights wider than a weight word");
        $finish;
    end
    if (MH_LUT_REGIONS < 0 || MH_LUT_REGIONS > NREG || (MH_LUT_REGIONS > 0 && XMW < DGW)) begin
        $error("taisp_rgfc: MH_LUT_REGIONS %0d is not 0 .. %0d (LUT-RAM products need xm of %0d bits or more)",
               MH_LUT_REGIONS, NREG, DGW);
        $finish;
    end
    if (LAT != `TAISP_RGFC_LATENCY) begin
        $error("taisp_rgfc: pipeline depth %0d differs from TAISP_RGFC_LATENCY %0d (taisp_pipe.vh)", LAT, `TAISP_RGFC_LATENCY);
        $finish;
    end
    if (NREG < 2 || S_IX < TL) begin
        $error("taisp_rgfc: %0d regions (>= 2), or the log2 table (%0d) longer than the logit path (%0d)", NREG, TL, S_IX);
        $finish;
    end
    // (the saturation counts of the 3 channels are counted as NREG flags: NREG >= 3)
    if (NREG < NCH || NCH != 3 || K % 2 != 1 || `TAISP_WLEN_WM != NREG * NCH * K * K || `TAISP_WLEN_BM != NREG) begin
        $error("taisp_rgfc: mask head (%0d + %0d weights) is not %0d regions x 3 channels x %0dx%0d and a bias each",
               `TAISP_WLEN_WM, `TAISP_WLEN_BM, NREG, K, K);
        $finish;
    end
end

// ------------------------------------------------------------------ K x K window of xm, xs at its centre
wire w_push, w_sof, w_inframe, w_eol, w_last;
wire [K*K*3*XMW-1:0] win;
wire [3*XSW-1:0] xs_c;
isp_window #(.K(K), .DW(3*XMW), .AW(3*XSW), .MAX_W(MAX_W), .CW(CW))
u_win (.clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
       .in_push(in_push), .in_sof(in_sof), .in_data(in_xm), .in_aux(in_xs),
       .out_push(w_push), .out_sof(w_sof), .out_inframe(w_inframe), .out_eol(w_eol), .out_last(w_last),
       .out_win(win), .out_aux(xs_c));

// side band along the pipeline: a window centred inside the frame (push & inframe), the
// frame's first pixel, a line's last pixel, the frame's last pixel (bit positions SB_*), at the
// stages that use it (S_* from the window's output)
localparam SB_VALID = 3, SB_SOF = 2, SB_EOL = 1, SB_LAST = 0, SB_W = 4;
wire [SB_W-1:0] sb_w;
assign sb_w[SB_VALID] = w_push & w_inframe;
assign sb_w[SB_SOF] = w_sof;
assign sb_w[SB_EOL] = w_eol;
assign sb_w[SB_LAST] = w_last;
wire [SB_W-1:0] sb_t, sb_acc, sb_ix, sb_ep, sb_op, sb_out;
isp_delay #(.DW(SB_W), .N(S_T), .RESET(1)) u_sb_t (.clk(clk), .rst(rst), .ce(ce), .in(sb_w), .out(sb_t));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_acc (.clk(clk), .rst(rst), .ce(ce), .in(sb_t), .out(sb_acc));
isp_delay #(.DW(SB_W), .N(S_IX - S_ACC), .RESET(1)) u_sb_ix (.clk(clk), .rst(rst), .ce(ce), .in(sb_acc), .out(sb_ix));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_ep (.clk(clk), .rst(rst), .ce(ce), .in(sb_ix), .out(sb_ep));
isp_delay #(.DW(SB_W), .N(S_OP - S_EP), .RESET(1)) u_sb_op (.clk(clk), .rst(rst), .ce(ce), .in(sb_ep), .out(sb_op));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_out (.clk(clk), .rst(rst), .ce(ce), .in(sb_op), .out(sb_out));
/* verilator lint_off UNUSEDSIGNAL */
wire [6:0] unused_sb = {sb_t[SB_SOF], sb_t[SB_EOL], sb_t[SB_LAST], sb_ix[SB_EOL], sb_ix[SB_LAST],
                        sb_ep[SB_EOL], sb_ep[SB_LAST]};
wire [5:0] unused_sb2 = {sb_ep[SB_SOF], sb_op[SB_SOF], sb_op[SB_EOL], sb_op[SB_LAST], sb_acc[SB_EOL], 1'b0};
/* verilator lint_on UNUSEDSIGNAL */

// ------------------------------------------------------------------ t: logits, exact
// the products wm * xm of every region and tap (region o, tap j = channel, row, column), and
// each region's sum: its WPR products (registered) and its bias (scaled to the products' scale)
// by a pipelined balanced adder tree; a region on LUT-RAM tables (MH_LUT_REGIONS) by
// isp_dot_lutram, the same integer as long after. (Each region's terms are its own vector: one
// vector of every product would make a simulator re-evaluate all 432 readers whenever one
// product changes.)
// LUT-RAM tables: the entry refreshed this cycle (all tables together)
reg [DGW-1:0] tab_d;
always @(posedge clk) begin
    if (rst) begin
        tab_d <= {DGW{1'b0}};
    end else begin
        tab_d <= tab_d + 1'b1;
    end
end
wire [NREG*CVW-1:0] conv;
genvar go, gj;
generate
for (go = 0; go < NREG; go = go + 1) begin : g_reg
    wire signed [CVW-1:0] bias_x = {{(CVW-WMW){wm[(`TAISP_WLEN_WM + go)*WGT + WMW - 1]}},
                                    wm[(`TAISP_WLEN_WM + go)*WGT +: WMW]};
    wire signed [CVW-1:0] bias = bias_x <<< `TAISP_HSA_XM_F;
    if (go >= LUT_FIRST) begin : g_lut
        // on tables: the region's weights and inputs into isp_dot_lutram (the same integer)
        wire [WPR*WMW-1:0] wr;
        wire [WPR*XMW-1:0] xr;
        for (gj = 0; gj < WPR; gj = gj + 1) begin : g_tap
            // tap gj = c*K*K + dy*K + dx reads channel c of window position (dy, dx)
            assign wr[gj*WMW +: WMW] = wm[(go*WPR + gj)*WGT +: WMW];
            assign xr[gj*XMW +: XMW] = win[(gj % (K*K))*3*XMW + (gj / (K*K))*XMW +: XMW];
        end
        // the bias changes with the weights, between frames only: no delay line (C_DELAY 0)
        isp_dot_lutram #(.N(WPR), .W_W(WMW), .X_W(XMW), .DG_W(DGW), .S_W(CVW), .LPR(LPR), .C_DELAY(0)) u_dot (
            .clk(clk), .rst(rst), .ce(ce), .tab_d(tab_d), .w(wr), .x(xr), .c(bias), .s(conv[go*CVW +: CVW]));
    end else begin : g_dsp
        wire [(WPR+1)*CVW-1:0] terms;
        assign terms[WPR*CVW +: CVW] = bias;
        for (gj = 0; gj < WPR; gj = gj + 1) begin : g_tap
            // tap gj = c*K*K + dy*K + dx reads channel c of window position (dy, dx)
            wire signed [WMW-1:0] wj = wm[(go*WPR + gj)*WGT +: WMW];
            wire [XMW-1:0] xj = win[(gj % (K*K))*3*XMW + (gj / (K*K))*XMW +: XMW];
            wire [PW-1:0] p = $signed(wj) * $signed({1'b0, xj});
            assign terms[gj*CVW +: CVW] = {{(CVW-PW){p[PW-1]}}, p};
        end
        // terms of at most PW bits: the products, and the bias (WMW + XM_F <= WMW + XMW bits: xm is unsigned)
        isp_addtree #(.N(WPR + 1), .W(CVW), .LPR(LPR), .IN_REG(1), .IN_W(PW)) u_tree (
            .clk(clk), .ce(ce), .in(terms), .out(conv[go*CVW +: CVW]));
    end
end
endgenerate

// ------------------------------------------------------------------ acc: into rgfc.acc
wire [NREG*ACW-1:0] acc;
wire [NREG-1:0] oacc, olg;
genvar g;
generate
for (g = 0; g < NREG; g = g + 1) begin : g_acc
    isp_rq #(.IN_W(CVW), .IN_F(`TAISP_HSA_XM_F + `TAISP_RGFC_WM_F), `TAISP_RQ_RGFC_ACC_PARAMS)
    u_rq_acc (.in(conv[g*CVW +: CVW]), .out(acc[g*ACW +: ACW]), .ovf(oacc[g]));
end
endgenerate

// the number of ones among up to NREG flags (isp_popcount.vh: POPCNT_N flags, POPCNT_W bits)
localparam POPCNT_N = NREG;
localparam POPCNT_W = PCW;
`include "isp_popcount.vh"

reg [NREG*ACW-1:0] r_acc;
always @(posedge clk) begin
    if (ce) begin
        r_acc <= acc;
        ovf_acc <= sb_t[SB_VALID] ? isp_popcount(oacc) : {PCW{1'b0}};
    end
end

// ------------------------------------------------------------------ lg: rgfc.logits, their sums
wire [NREG*LGW-1:0] lg;
generate
for (g = 0; g < NREG; g = g + 1) begin : g_lg
    wire [ACW-1:0] a = r_acc[g*ACW +: ACW];
    isp_rq #(.IN_W(ACW + 1), .IN_F(`TAISP_RGFC_ACC_F), `TAISP_RQ_RGFC_LOGITS_PARAMS)
    u_rq_lg (.in({(`TAISP_RGFC_ACC_S != 0) & a[ACW-1], a}), .out(lg[g*LGW +: LGW]), .ovf(olg[g]));
end
endgenerate

reg [NREG*LGW-1:0] r2_lg;
integer k;
always @(posedge clk) begin
    if (rst) begin
        sums_done <= 1'b0;
    end else if (ce) begin
        sums_done <= sb_acc[SB_VALID] & sb_acc[SB_LAST];
    end
    if (ce) begin
        r2_lg <= lg;
        ovf_logits <= sb_acc[SB_VALID] ? isp_popcount(olg) : {PCW{1'b0}};
        if (sb_acc[SB_VALID]) begin
            for (k = 0; k < NREG; k = k + 1) begin
                sum_logits[k*LSW +: LSW] <= (sb_acc[SB_SOF] ? {LSW{1'b0}} : sum_logits[k*LSW +: LSW])
                    + {{(LSW-LGW){(`TAISP_RGFC_LOGITS_S != 0) & lg[k*LGW + LGW - 1]}}, lg[k*LGW +: LGW]};
            end
        end
    end
end

// ------------------------------------------------------------------ ix: argmax, ties to the lowest index
// the logits as exact two's complement values (sign- or zero-extended by their format)
wire [NREG*(LGW+1)-1:0] lg_x;
generate
for (g = 0; g < NREG; g = g + 1) begin : g_lgx
    assign lg_x[g*(LGW+1) +: LGW+1] = {(`TAISP_RGFC_LOGITS_S != 0) & r2_lg[g*LGW + LGW - 1], r2_lg[g*LGW +: LGW]};
end
endgenerate
wire [IXW-1:0] r3_idx;
isp_argmax #(.N(NREG), .W(LGW + 1), .LPR(LPR), .IXW(IXW)) u_argmax (.clk(clk), .ce(ce), .in(lg_x), .out(r3_idx));

// log2 of the centre pixel, started with the window, delayed to the index (S_IX)
wire [3*L2W-1:0] l2_t, l2;
generate
for (g = 0; g < 3; g = g + 1) begin : g_log2
    isp_table #(`TAISP_TAB_LOG2_PARAMS, .INIT_FILE({MEM_DIR, "/tab_log2.hex"}), .PIPE(`TAISP_TABLE_PIPE))
    u_log2 (.clk(clk), .ce(ce), .in(xs_c[g*XSW +: XSW]), .out(l2_t[g*L2W +: L2W]));
end
if (S_IX > TL) begin : g_l2_al
    isp_delay #(.DW(3*L2W), .N(S_IX - TL)) u_l2 (.clk(clk), .rst(rst), .ce(ce), .in(l2_t), .out(l2));
end else begin : g_l2_al_none
    assign l2 = l2_t;
end
endgenerate

// ------------------------------------------------------------------ ep: log2(xs) * inv_w[k*] (registered)
reg [NREG*IVW-1:0] inv_w_cur;
wire [NREG*IVW-1:0] inv_w = sb_ix[SB_SOF] ? inv_w_next : inv_w_cur;
wire [IVW-1:0] iw = inv_w[r3_idx*IVW +: IVW];
reg [3*EXW-1:0] r_ep;
integer ke;
always @(posedge clk) begin
    if (ce) begin
        for (ke = 0; ke < 3; ke = ke + 1) begin
            r_ep[ke*EXW +: EXW] <= $signed(l2[ke*L2W +: L2W]) * $signed({1'b0, iw});
        end
        if (sb_ix[SB_VALID] && sb_ix[SB_SOF]) begin
            inv_w_cur <= inv_w_next;
        end
    end
end

// ------------------------------------------------------------------ e: into rgfc.e
wire [3*EW-1:0] e_rq;
wire [2:0] oe;
generate
for (g = 0; g < 3; g = g + 1) begin : g_e
    isp_rq #(.IN_W(EXW), .IN_F(`TAISP_RGFC_LOG2_F + `TAISP_RGFC_INV_W_F), `TAISP_RQ_RGFC_E_PARAMS)
    u_rq_e (.in(r_ep[g*EXW +: EXW]), .out(e_rq[g*EW +: EW]), .ovf(oe[g]));
end
endgenerate

reg [3*EW-1:0] r4_e;
always @(posedge clk) begin
    if (ce) begin
        r4_e <= e_rq;
        ovf_e <= sb_ep[SB_VALID] ? isp_popcount({{(NREG-3){1'b0}}, oe}) : {PCW{1'b0}};
    end
end

// ------------------------------------------------------------------ exp2
wire [3*YW-1:0] y;
generate
for (g = 0; g < 3; g = g + 1) begin : g_exp2
    isp_table #(`TAISP_TAB_EXP2_PARAMS, .INIT_FILE({MEM_DIR, "/tab_exp2.hex"}), .PIPE(`TAISP_TABLE_PIPE))
    u_exp2 (.clk(clk), .ce(ce), .in(r4_e[g*EW +: EW]), .out(y[g*YW +: YW]));
end
endgenerate

// ------------------------------------------------------------------ op: clamp(y, 1e-6, 1) * 255 (registered)
reg [3*(YXW-1)-1:0] r_op;
generate
for (g = 0; g < 3; g = g + 1) begin : g_op
    wire [YW-1:0] yc = y[g*YW +: YW] < `TAISP_RGFC_Y_EPS ? `TAISP_RGFC_Y_EPS :
                       y[g*YW +: YW] > `TAISP_RGFC_Y_ONE ? `TAISP_RGFC_Y_ONE : y[g*YW +: YW];
    always @(posedge clk) begin
        if (ce) begin
            r_op[g*(YXW-1) +: YXW-1] <= yc * 9'd255;
        end
    end
end
endgenerate

// ------------------------------------------------------------------ out = round(clamp(y) * 255)
wire [3*OW-1:0] o_rq;
wire [2:0] oo;
generate
for (g = 0; g < 3; g = g + 1) begin : g_out
    isp_rq #(.IN_W(YXW), .IN_F(`TAISP_RGFC_Y_F), `TAISP_RQ_RGFC_OUT_PARAMS)
    u_rq_out (.in({1'b0, r_op[g*(YXW-1) +: YXW-1]}), .out(o_rq[g*OW +: OW]), .ovf(oo[g]));
end
endgenerate

// the region index travels with the pixel from the argmax to the output
wire [IXW-1:0] idx_out;
isp_delay #(.DW(IXW), .N(S_OUT - S_IX)) u_idx (.clk(clk), .rst(rst), .ce(ce), .in(r3_idx), .out(idx_out));
assign out_index = idx_out;

always @(posedge clk) begin
    if (ce) begin
        out_rgb <= o_rq;
        ovf_out <= sb_op[SB_VALID] ? isp_popcount({{(NREG-3){1'b0}}, oo}) : {PCW{1'b0}};
    end
end

assign out_valid = sb_out[SB_VALID];
assign out_sof = sb_out[SB_SOF];
assign out_eol = sb_out[SB_EOL];
assign out_last = sb_out[SB_LAST];

endmodule

`resetall
