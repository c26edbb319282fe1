// TA-ISP core: statistics and counters. The exact frame sums of the pipeline stages are
// requantized into their config entries (glc.sum, glc.sumsq, hsa.dsum, rgfc.lsum) and, at
// the end of a good frame, kept with the frame's pixel count for the parameter engine (the
// next frame's alpha, gate and w; COMMIT recomputes from them). The frame counters FRAMES and
// BAD_FRAMES, and the saturation counters (one per counted config entry, TAISP_SAT_* of
// taisp_regmap.vh): each adds the values saturated or wrapped into its entry, saturating at
// 2^32 - 1; CLEAR_COUNTERS (clear) and reset set them to 0. The pixel-path counts come from
// the stages' outputs, which hold while ce is low: they are added once, in the cycle after a
// ce cycle. The frame-sum counts are added when a good frame's statistics are kept.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"

module taisp_stats #
(
    // Width of the frame size
    parameter CW = 12,
    // Width of a pixel count: frame sums of fewer than 2^CNT_W pixels are exact
    parameter CNT_W = 24
)
(
    input  wire                         clk,
    input  wire                         rst,
    // the pipeline's clock enable
    input  wire                         ce,

    // values saturated into the pixel path's entries by the pixels at the stage outputs:
    // glc.xg, hsa.pool, hsa.acc, hsa.z, hsa.A, hsa.xs, rgfc.acc, rgfc.logits, rgfc.e, rgfc.out
    input  wire [1:0]                   ovf_xg,
    input  wire [1:0]                   ovf_pool,
    input  wire [1:0]                   ovf_hacc,
    input  wire [1:0]                   ovf_z,
    input  wire                         ovf_a,
    input  wire [1:0]                   ovf_xs,
    input  wire [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_racc,
    input  wire [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_lg,
    input  wire [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_e,
    input  wire [$clog2(`TAISP_N_REGIONS+1)-1:0] ovf_out,

    // exact frame sums of the stages: x and x^2 (taisp_glc), xg (taisp_hsa), the logits
    // (taisp_rgfc, signed)
    input  wire [3*(`TAISP_FRONTEND_X_W+CNT_W)-1:0]   sum_x,
    input  wire [3*(2*`TAISP_FRONTEND_X_W+CNT_W)-1:0] sum_xx,
    input  wire [3*(`TAISP_GLC_XG_W+CNT_W)-1:0]       sum_xg,
    input  wire [`TAISP_N_REGIONS*(`TAISP_RGFC_LOGITS_W+CNT_W)-1:0] sum_lg,

    // a frame has left the block: good (keep its statistics) or broken; the frame size in use
    input  wire                         frame_good,
    input  wire                         frame_bad,
    input  wire [CW-1:0]                width,
    input  wire [CW-1:0]                height,
    // clear the saturation counters (CTRL.CLEAR_COUNTERS)
    input  wire                         clear,

    // the last good frame's statistics in their entries, and its pixel count
    output reg  [3*`TAISP_GLC_SUM_W-1:0]   st_sum_x,
    output reg  [3*`TAISP_GLC_SUMSQ_W-1:0] st_sum_xx,
    output reg  [3*`TAISP_HSA_DSUM_W-1:0]  st_sum_xg,
    output reg  [`TAISP_N_REGIONS*`TAISP_RGFC_LSUM_W-1:0] st_sum_lg,
    output reg  [CNT_W-1:0]             st_n,

    // FRAMES, BAD_FRAMES
    output reg  [31:0]                  frames,
    output reg  [31:0]                  bad_frames,
    // saturation counter read port: counter sat_ridx, one cycle later
    input  wire [$clog2(`TAISP_NSAT)-1:0] sat_ridx,
    output reg  [31:0]                  sat_rdata
);

localparam XW = `TAISP_FRONTEND_X_W;
localparam NREG = `TAISP_N_REGIONS;
localparam PCW = $clog2(NREG + 1);
localparam SXW = XW + CNT_W;
localparam SQW = 2 * XW + CNT_W;
localparam SGW = `TAISP_GLC_XG_W + CNT_W;
localparam SLW = `TAISP_RGFC_LOGITS_W + CNT_W;
localparam NSAT = `TAISP_NSAT;
// width of a saturation counter's increment per cycle: up to NREG (the logits), 3 elsewhere
localparam INC_W = PCW;
// width of a frame-sum count added to a counter (counts above its largest value saturate)
localparam FSW = 3;
// the frame sums whose saturations are counted, in the order of stats_ovf
localparam FS_SUM = 0, FS_SUMSQ = 1, FS_DSUM = 2, FS_LSUM = 3, NFS = 4;

initial begin
    // a counter increment (INC_W bits) also carries a FSW-bit count of saturated frame sums
    if (INC_W < FSW + 1) begin
        $error("taisp_stats: %0d regions not supported (8 or more)", NREG);
        $finish;
    end
end

// ------------------------------------------------------------------ frame sums into their entries
wire [3*`TAISP_GLC_SUM_W-1:0] q_sum_x;
wire [3*`TAISP_GLC_SUMSQ_W-1:0] q_sum_xx;
wire [3*`TAISP_HSA_DSUM_W-1:0] q_sum_xg;
wire [NREG*`TAISP_RGFC_LSUM_W-1:0] q_sum_lg;
wire [2:0] o_sx, o_sxx, o_sxg;
wire [NREG-1:0] o_slg;
genvar gi;
generate
for (gi = 0; gi < 3; gi = gi + 1) begin : g_sums
    isp_rq #(.IN_W(SXW + 1), .IN_F(`TAISP_FRONTEND_X_F), `TAISP_RQ_GLC_SUM_PARAMS)
    u_sx (.in({1'b0, sum_x[gi*SXW +: SXW]}), .out(q_sum_x[gi*`TAISP_GLC_SUM_W +: `TAISP_GLC_SUM_W]), .ovf(o_sx[gi]));
    isp_rq #(.IN_W(SQW + 1), .IN_F(2 * `TAISP_FRONTEND_X_F), `TAISP_RQ_GLC_SUMSQ_PARAMS)
    u_sxx (.in({1'b0, sum_xx[gi*SQW +: SQW]}), .out(q_sum_xx[gi*`TAISP_GLC_SUMSQ_W +: `TAISP_GLC_SUMSQ_W]), .ovf(o_sxx[gi]));
    isp_rq #(.IN_W(SGW + 1), .IN_F(`TAISP_GLC_XG_F), `TAISP_RQ_HSA_DSUM_PARAMS)
    u_sxg (.in({1'b0, sum_xg[gi*SGW +: SGW]}), .out(q_sum_xg[gi*`TAISP_HSA_DSUM_W +: `TAISP_HSA_DSUM_W]), .ovf(o_sxg[gi]));
end
for (gi = 0; gi < NREG; gi = gi + 1) begin : g_lsums
    isp_rq #(.IN_W(SLW), .IN_F(`TAISP_RGFC_LOGITS_F), `TAISP_RQ_RGFC_LSUM_PARAMS)
    u_slg (.in(sum_lg[gi*SLW +: SLW]), .out(q_sum_lg[gi*`TAISP_RGFC_LSUM_W +: `TAISP_RGFC_LSUM_W]), .ovf(o_slg[gi]));
end
endgenerate

// the number of ones among up to NREG flags (isp_popcount.vh: POPCNT_N flags, POPCNT_W bits)
localparam POPCNT_N = NREG;
localparam POPCNT_W = PCW;
`include "isp_popcount.vh"

// a count of saturated frame sums, saturated to FSW bits
function [FSW-1:0] sat_fs;
    input [PCW-1:0] v;
    begin
        sat_fs = v > {{(PCW-FSW){1'b0}}, {FSW{1'b1}}} ? {FSW{1'b1}} : v[FSW-1:0];
    end
endfunction

// ------------------------------------------------------------------ the last good frame
reg [FSW-1:0] stats_ovf [0:NFS-1];
reg stats_latched;
always @(posedge clk) begin
    stats_latched <= 1'b0;
    if (frame_good) begin
        frames <= frames + 1'b1;
        st_sum_x <= q_sum_x;
        st_sum_xx <= q_sum_xx;
        st_sum_xg <= q_sum_xg;
        st_sum_lg <= q_sum_lg;
        st_n <= width * height;
        stats_latched <= 1'b1;
        stats_ovf[FS_SUM] <= sat_fs(isp_popcount({{(NREG-3){1'b0}}, o_sx}));
        stats_ovf[FS_SUMSQ] <= sat_fs(isp_popcount({{(NREG-3){1'b0}}, o_sxx}));
        stats_ovf[FS_DSUM] <= sat_fs(isp_popcount({{(NREG-3){1'b0}}, o_sxg}));
        stats_ovf[FS_LSUM] <= sat_fs(isp_popcount(o_slg));
    end
    if (frame_bad) begin
        bad_frames <= bad_frames + 1'b1;
    end
    if (rst) begin
        stats_latched <= 1'b0;
        frames <= 32'd0;
        bad_frames <= 32'd0;
    end
end

// ------------------------------------------------------------------ saturation counters
reg ce_d;
reg [INC_W-1:0] sat_inc [0:NSAT-1];
reg [31:0] sat [0:NSAT-1];
always @* begin
    sat_inc[`TAISP_SAT_GLC_XG] = {{(INC_W-2){1'b0}}, ovf_xg};
    sat_inc[`TAISP_SAT_HSA_POOL] = {{(INC_W-2){1'b0}}, ovf_pool};
    sat_inc[`TAISP_SAT_HSA_ACC] = {{(INC_W-2){1'b0}}, ovf_hacc};
    sat_inc[`TAISP_SAT_HSA_Z] = {{(INC_W-2){1'b0}}, ovf_z};
    sat_inc[`TAISP_SAT_HSA_A] = {{(INC_W-1){1'b0}}, ovf_a};
    sat_inc[`TAISP_SAT_HSA_XS] = {{(INC_W-2){1'b0}}, ovf_xs};
    sat_inc[`TAISP_SAT_RGFC_ACC] = ovf_racc;
    sat_inc[`TAISP_SAT_RGFC_LOGITS] = ovf_lg;
    sat_inc[`TAISP_SAT_RGFC_E] = ovf_e;
    sat_inc[`TAISP_SAT_RGFC_OUT] = ovf_out;
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
        sat_inc[`TAISP_SAT_GLC_SUM] = {{(INC_W-FSW){1'b0}}, stats_ovf[FS_SUM]};
        sat_inc[`TAISP_SAT_GLC_SUMSQ] = {{(INC_W-FSW){1'b0}}, stats_ovf[FS_SUMSQ]};
        sat_inc[`TAISP_SAT_HSA_DSUM] = {{(INC_W-FSW){1'b0}}, stats_ovf[FS_DSUM]};
        sat_inc[`TAISP_SAT_RGFC_LSUM] = {{(INC_W-FSW){1'b0}}, stats_ovf[FS_LSUM]};
    end
end

integer si;
always @(posedge clk) begin
    ce_d <= ce;
    for (si = 0; si < NSAT; si = si + 1) begin
        if (clear || rst) begin
            sat[si] <= 32'd0;
        end else if ({1'b0, sat[si]} + {{(33-INC_W){1'b0}}, sat_inc[si]} > 33'hFFFFFFFF) begin
            sat[si] <= 32'hFFFFFFFF;
        end else begin
            sat[si] <= sat[si] + {{(32-INC_W){1'b0}}, sat_inc[si]};
        end
    end
    sat_rdata <= sat[sat_ridx];
    if (rst) begin
        ce_d <= 1'b0;
    end
end

endmodule

`resetall
