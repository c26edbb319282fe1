// TA-ISP: isp_rq in two pipeline stages, for a faster clock: the rounding into OUT_F
// fractional bits (exact, in a wide two's complement word), a register, then the saturation
// (or wrap) into OUT_W bits. The same results as isp_rq one ce cycle later: both stages are
// isp_rq instances (the first rounds into a format too wide to overflow, with WRAP, so it
// has no compare; the second changes no scale, so it only saturates). out and ovf are
// combinational from the register (the caller registers them).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_rq_pipe #
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
    input  wire             clk,
    input  wire             ce,
    input  wire [IN_W-1:0]  in,
    output wire [OUT_W-1:0] out,
    // the value saturated or wrapped (counted by the status counters)
    output wire             ovf
);

// the rounded value at OUT_F fractional bits: the IN_W-bit input shifted right by D bits (at
// least one bit left) or left by -D bits, a bit for the rounding carry and a sign bit
localparam D = IN_F - OUT_F;
localparam KEEP = D >= 0 ? (IN_W - D > 1 ? IN_W - D : 1) : IN_W - D;
localparam MW = KEEP + 2;

wire [MW-1:0] rounded;
/* verilator lint_off UNUSEDSIGNAL */
wire never_wraps;
/* verilator lint_on UNUSEDSIGNAL */
isp_rq #(.IN_W(IN_W), .IN_F(IN_F), .OUT_W(MW), .OUT_F(OUT_F), .OUT_S(1), .RND(RND), .OVF(3))
u_round (.in(in), .out(rounded), .ovf(never_wraps));

reg [MW-1:0] rounded_r;
always @(posedge clk) begin
    if (ce) begin
        rounded_r <= rounded;
    end
end

isp_rq #(.IN_W(MW), .IN_F(OUT_F), .OUT_W(OUT_W), .OUT_F(OUT_F), .OUT_S(OUT_S), .RND(RND), .OVF(OVF))
u_sat (.in(rounded_r), .out(out), .ovf(ovf));

endmodule

`resetall
