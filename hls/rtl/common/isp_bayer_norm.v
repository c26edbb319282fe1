// ISP front end: normalisation of Bayer samples. The Verilog twin of
// fixedpoint.frontend.normalize: x = min(rq(max(DN - black[pos], 0) * gain[pos]), 1.0), with
// black level and gain per 2x2 CFA position (row-major: {row[0], col[0]}), the requantization
// into frontend.x with its rounding and overflow modes (isp_rq) and the clamp at 1.0.
// Three stages (subtract, multiply, requantize and clamp), moving with ce; the push flags
// travel with the data.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_bayer_norm #
(
    // Bits of a Bayer sample (DN)
    parameter DN_W = 16,
    // Width of a gain (frontend.gain, unsigned)
    parameter GAIN_W = 33,
    // Fractional bits of a gain
    parameter GAIN_F = 40,
    // Width of the output (frontend.x, unsigned)
    parameter X_W = 17,
    // Fractional bits of the output
    parameter X_F = 16,
    // Rounding mode of the requantization into frontend.x (isp_rq codes)
    parameter X_RND = 2,
    // Overflow mode of the requantization into frontend.x (isp_rq codes)
    parameter X_OVF = 0
)
(
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  ce,

    // black level and gain per 2x2 position (position p at bits p*DN_W / p*GAIN_W)
    input  wire [4*DN_W-1:0]     black,
    input  wire [4*GAIN_W-1:0]   gain,

    input  wire                  in_push,
    input  wire                  in_sof,
    input  wire [1:0]            in_pos,
    input  wire [DN_W-1:0]       in_dn,

    output reg                   out_push,
    output reg                   out_sof,
    output reg  [X_W-1:0]        out_x
);

// width of the exact product DN * gain
localparam PW = DN_W + GAIN_W;
// raw 1.0 of the output format, saturated to its largest value (fixedpoint.common.one)
localparam [X_W:0] ONE_FULL = {{X_W{1'b0}}, 1'b1} << X_F;
localparam [X_W-1:0] X_MAX = {X_W{1'b1}};
localparam [X_W-1:0] X_ONE = (X_F >= X_W) ? X_MAX : ONE_FULL[X_W-1:0];

initial begin
    if (DN_W < 1 || DN_W > 32 || GAIN_W < 1 || GAIN_W > 64 || X_W < 2 || X_F < 0 || X_F > X_W) begin
        $error("isp_bayer_norm: formats out of range (DN_W %0d, GAIN_W %0d, X_W %0d, X_F %0d)", DN_W, GAIN_W, X_W, X_F);
        $finish;
    end
end

// stage 1: the black level off, at least zero
reg              s1_push, s1_sof;
reg [DN_W-1:0]   s1_d;
reg [GAIN_W-1:0] s1_g;
wire [DN_W-1:0]  blk = black[in_pos*DN_W +: DN_W];
// stage 2: the exact product
reg              s2_push, s2_sof;
reg [PW-1:0]     s2_p;

wire [X_W-1:0] rq_x;
/* verilator lint_off UNUSEDSIGNAL */
wire rq_ovf;
/* verilator lint_on UNUSEDSIGNAL */
isp_rq #(.IN_W(PW + 1), .IN_F(GAIN_F), .OUT_W(X_W), .OUT_F(X_F), .OUT_S(0), .RND(X_RND), .OVF(X_OVF)) u_rq (
    .in({1'b0, s2_p}), .out(rq_x), .ovf(rq_ovf)
);

always @(posedge clk) begin
    if (ce) begin
        s1_push <= in_push;
        s1_sof <= in_sof;
        s1_d <= in_dn > blk ? in_dn - blk : {DN_W{1'b0}};
        s1_g <= gain[in_pos*GAIN_W +: GAIN_W];
        s2_push <= s1_push;
        s2_sof <= s1_sof;
        s2_p <= {{GAIN_W{1'b0}}, s1_d} * {{DN_W{1'b0}}, s1_g};
        out_push <= s2_push;
        out_sof <= s2_sof;
        out_x <= rq_x > X_ONE ? X_ONE : rq_x;
    end
    if (rst) begin
        s1_push <= 1'b0;
        s2_push <= 1'b0;
        out_push <= 1'b0;
    end
end

endmodule

`resetall
