// TA-ISP: requantize an exact two's complement value into a config entry's format.
//
// The Verilog twin of fixedpoint.common.rq / fixedpoint.arith requantize: the value
// in * 2^-IN_F is rounded into OUT_F fractional bits with rounding mode RND (codes of
// fixedpoint.arith.Rounding; the increment is isp_round_inc of isp_round.vh) and then brought into OUT_W bits with overflow mode OVF
// (codes of fixedpoint.arith.Overflow). Combinational; the widths and modes come from
// the generated taisp_config.vh defines at the instantiation.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_rq #
(
    // Width of the exact input (always two's complement: zero-extend unsigned values)
    parameter IN_W = 32,
    // Fractional bits of the input
    parameter IN_F = 16,
    // Width of the output format
    parameter OUT_W = 16,
    // Fractional bits of the output format
    parameter OUT_F = 8,
    // Output format is signed (1) or unsigned (0)
    parameter OUT_S = 0,
    // Rounding: TRN 0, TRN_ZERO 1, RND 2, RND_ZERO 3, RND_MIN_INF 4, RND_INF 5, RND_CONV 6
    parameter RND = 2,
    // Overflow: SAT 0, SAT_ZERO 1, SAT_SYM 2, WRAP 3
    parameter OVF = 0
)
(
    input  wire [IN_W-1:0]  in,
    output wire [OUT_W-1:0] out,
    // the value saturated or wrapped (counted by the status counters)
    output wire             ovf
);

// the rounding increment (isp_round_inc), shared with isp_table
`include "isp_round.vh"

// bits dropped (D > 0) or added (D < 0) by the change of scale
localparam D = IN_F - OUT_F;
localparam SH = D < 0 ? -D : 0;
localparam DD = D > 0 ? D : 1;
// width of the sign-extended input: keeps every dropped bit and a sign bit
localparam EW = (IN_W > DD ? IN_W : DD + 1) + 1;
// width of the rounded (or shifted) exact value
localparam TW = EW + SH + 1;
// width of the comparisons against the output range
localparam CW = (TW > OUT_W + 1 ? TW : OUT_W + 1) + 1;

initial begin
    if (IN_W < 1 || IN_W > 256) begin
        $error("isp_rq: IN_W %0d out of range 1..256", IN_W);
        $finish;
    end
    if (OUT_W < 2 || OUT_W > 64) begin
        $error("isp_rq: OUT_W %0d out of range 2..64", OUT_W);
        $finish;
    end
    if (RND < 0 || RND > 6 || OVF < 0 || OVF > 3) begin
        $error("isp_rq: unknown rounding %0d or overflow %0d mode", RND, OVF);
        $finish;
    end
end

wire signed [EW-1:0] ext = {{(EW-IN_W){in[IN_W-1]}}, in};
wire signed [TW-1:0] t;

generate
if (D > 0) begin : g_round
    wire signed [EW-1:0] fl = ext >>> D;
    wire [DD-1:0] rem = ext[DD-1:0];
    wire [DD-1:0] half = {1'b1, {(DD-1){1'b0}}};
    wire neg = ext[EW-1];
    wire nz = |rem;
    // constant (never greater) when a single bit is dropped
    /* verilator lint_off CMPCONST */
    wire gt = rem > half;
    /* verilator lint_on CMPCONST */
    wire eq = rem == half;
    wire inc = isp_round_inc(RND, neg, nz, gt, eq, fl[0]);
    assign t = {{(TW-EW){fl[EW-1]}}, fl} + {{(TW-1){1'b0}}, inc};
end else begin : g_shift
    // D <= 0: exact left shift
    wire signed [TW-1:0] wide = {{(TW-EW){ext[EW-1]}}, ext};
    assign t = wide <<< SH;
end
endgenerate

// output range: [LO, HI] raw; LO_EFF is where an underflow saturates to (-HI for SAT_SYM)
wire signed [CW-1:0] tc = {{(CW-TW){t[TW-1]}}, t};
wire signed [CW-1:0] hi = OUT_S ? $signed({{(CW-OUT_W+1){1'b0}}, {(OUT_W-1){1'b1}}})
                                : $signed({{(CW-OUT_W){1'b0}}, {OUT_W{1'b1}}});
wire signed [CW-1:0] lo = OUT_S ? $signed({{(CW-OUT_W+1){1'b1}}, {(OUT_W-1){1'b0}}})
                                : $signed({CW{1'b0}});
wire signed [CW-1:0] lo_eff = (OVF == 2 && OUT_S) ? -hi : lo;
wire over = tc > hi;
wire under = tc < ((OVF == 3) ? lo : lo_eff);

assign ovf = over | under;
assign out = (OVF == 3) ? tc[OUT_W-1:0] :
             (OVF == 1) ? ((over | under) ? {OUT_W{1'b0}} : tc[OUT_W-1:0]) :
             over ? hi[OUT_W-1:0] : under ? lo_eff[OUT_W-1:0] : tc[OUT_W-1:0];

endmodule


`resetall
