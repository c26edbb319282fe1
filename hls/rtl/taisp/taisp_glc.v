// TA-ISP GLC stage: xg = clamp(alpha_c * x_c, 1e-6, 1) per channel, and the frame
// statistics GLC needs for the next frame's alpha: exact sums of x and x^2 per channel.
// The twin of fixedpoint/taisp/glc.py. Channels in the order R, G, B (element 0 in the low bits).
// alpha is taken from alpha_next at the frame's first push and held for the frame.
// Latency 4 ce cycles (TAISP_GLC_LATENCY of taisp_pipe.vh): the products' register (alpha * x
// and x^2), the requantization's rounding (isp_rq_pipe), its saturation, the clamp.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_pipe.vh"

module taisp_glc #
(
    // Width of the exact frame sums: sums of fewer than 2^CNT_W pixels are exact
    parameter CNT_W = 24
)
(
    input  wire                          clk,
    input  wire                          rst,
    input  wire                          ce,

    input  wire                          in_push,
    input  wire                          in_sof,
    // a pixel of the frame (not a flush or fill push): counted in the statistics
    input  wire                          in_real,
    input  wire [3*`TAISP_FRONTEND_X_W-1:0] in_x,

    input  wire [3*`TAISP_GLC_ALPHA_W-1:0]  alpha_next,

    output reg                           out_push,
    output reg                           out_sof,
    output reg                           out_real,
    output reg  [3*`TAISP_GLC_XG_W-1:0]  out_xg,
    // number of channels saturated into glc.xg by the pixel now at the output (0..3)
    output reg  [1:0]                    out_ovf_xg,

    // exact frame sums since the last in_sof (raw with the frac of frontend.x and 2x that)
    output reg  [3*(`TAISP_FRONTEND_X_W+CNT_W)-1:0]   sum_x,
    output reg  [3*(2*`TAISP_FRONTEND_X_W+CNT_W)-1:0] sum_xx
);

localparam XW = `TAISP_FRONTEND_X_W;
localparam AW = `TAISP_GLC_ALPHA_W;
localparam GW = `TAISP_GLC_XG_W;
// exact sum widths
localparam SW = XW + CNT_W;
localparam QW = 2 * XW + CNT_W;
// the product alpha * x (unsigned) and its exact signed width
localparam PW = XW + AW + 1;
// in_push to out_push: the products' register, the rounding's register (isp_rq_pipe), the
// saturation's register, the output register (clamp)
localparam LAT = 4;

initial begin
    if (`TAISP_FRONTEND_X_S != 0 || `TAISP_GLC_ALPHA_S != 0 || `TAISP_GLC_XG_S != 0) begin
        $error("taisp_glc: frontend.x, glc.alpha and glc.xg must be unsigned formats");
        $finish;
    end
    if (LAT != `TAISP_GLC_LATENCY) begin
        $error("taisp_glc: pipeline depth %0d differs from TAISP_GLC_LATENCY %0d (taisp_pipe.vh)", LAT, `TAISP_GLC_LATENCY);
        $finish;
    end
end

reg [3*AW-1:0] alpha_cur;
wire [3*AW-1:0] alpha = in_sof ? alpha_next : alpha_cur;

// ------------------------------------------------------------------ g1: the products (registered)
reg g1_push, g1_sof, g1_real;
reg [3*(XW+AW)-1:0] g1_p;
reg [3*2*XW-1:0] g1_sq;
integer k;
always @(posedge clk) begin
    if (rst) begin
        g1_push <= 1'b0;
    end else if (ce) begin
        g1_push <= in_push;
    end
    if (ce) begin
        g1_sof <= in_sof;
        g1_real <= in_real;
        for (k = 0; k < 3; k = k + 1) begin
            g1_p[k*(XW+AW) +: XW+AW] <= in_x[k*XW +: XW] * alpha[k*AW +: AW];
            g1_sq[k*2*XW +: 2*XW] <= in_x[k*XW +: XW] * in_x[k*XW +: XW];
        end
        if (in_push) begin
            if (in_sof) begin
                alpha_cur <= alpha_next;
            end
            for (k = 0; k < 3; k = k + 1) begin
                sum_x[k*SW +: SW] <= (in_sof ? {SW{1'b0}} : sum_x[k*SW +: SW])
                                     + (in_real ? {{(SW-XW){1'b0}}, in_x[k*XW +: XW]} : {SW{1'b0}});
            end
        end
    end
end

// ------------------------------------------------------------------ g2: requantize (rounding | saturation)
wire [3*GW-1:0] xg_rq;
wire [2:0] ovf;
genvar c;
generate
for (c = 0; c < 3; c = c + 1) begin : g_ch
    wire [PW-1:0] prod = {1'b0, g1_p[c*(XW+AW) +: XW+AW]};
    isp_rq_pipe #(.IN_W(PW), .IN_F(`TAISP_FRONTEND_X_F + `TAISP_GLC_ALPHA_F), `TAISP_RQ_GLC_XG_PARAMS)
    u_rq (.clk(clk), .ce(ce), .in(prod), .out(xg_rq[c*GW +: GW]), .ovf(ovf[c]));
end
endgenerate

reg g2_push, g2_sof, g2_real;
always @(posedge clk) begin
    if (rst) begin
        g2_push <= 1'b0;
    end else if (ce) begin
        g2_push <= g1_push;
    end
    if (ce) begin
        g2_sof <= g1_sof;
        g2_real <= g1_real;
    end
end

// ------------------------------------------------------------------ g3: the saturated values (registered)
reg g3_push, g3_sof, g3_real;
reg [3*GW-1:0] g3_xg;
reg [2:0] g3_ovf;
always @(posedge clk) begin
    if (rst) begin
        g3_push <= 1'b0;
    end else if (ce) begin
        g3_push <= g2_push;
    end
    if (ce) begin
        g3_sof <= g2_sof;
        g3_real <= g2_real;
        g3_xg <= xg_rq;
        g3_ovf <= ovf;
    end
end

// the number of channels saturated (isp_popcount.vh: POPCNT_N flags, POPCNT_W bits)
localparam POPCNT_N = 3;
localparam POPCNT_W = 2;
`include "isp_popcount.vh"

// (its own loop variable: Yosys treats one integer shared by two clocked blocks as two drivers)
integer kg;
always @(posedge clk) begin
    if (rst) begin
        out_push <= 1'b0;
    end else if (ce) begin
        out_push <= g3_push;
    end
    if (ce) begin
        out_sof <= g3_sof;
        out_real <= g3_real;
        out_ovf_xg <= g3_push && g3_real ? isp_popcount(g3_ovf) : 2'd0;
        for (kg = 0; kg < 3; kg = kg + 1) begin
            // clamp(., 1e-6, 1)
            if (g3_xg[kg*GW +: GW] < `TAISP_GLC_XG_EPS) begin
                out_xg[kg*GW +: GW] <= `TAISP_GLC_XG_EPS;
            end else if (g3_xg[kg*GW +: GW] > `TAISP_GLC_XG_ONE) begin
                out_xg[kg*GW +: GW] <= `TAISP_GLC_XG_ONE;
            end else begin
                out_xg[kg*GW +: GW] <= g3_xg[kg*GW +: GW];
            end
        end
        if (g1_push) begin
            for (kg = 0; kg < 3; kg = kg + 1) begin
                sum_xx[kg*QW +: QW] <= (g1_sof ? {QW{1'b0}} : sum_xx[kg*QW +: QW])
                                      + (g1_real ? {{(QW-2*XW){1'b0}}, g1_sq[kg*2*XW +: 2*XW]} : {QW{1'b0}});
            end
        end
    end
end

endmodule

`resetall
