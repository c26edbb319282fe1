// TA-ISP: a pipelined balanced adder tree: the sum of N two's complement terms of W bits
// (the caller sign-extends them to the exact width of the sum: the result is taken modulo
// 2^W, so it is exact when W holds it). Level l adds the ceil(N / 2^(l-1)) sums of level
// l - 1 in pairs (an odd one passes on); a register follows every LPR levels and the last
// level, and with IN_REG the terms are registered first (a multiplier's output register).
// Latency isp_addtree_latency(N, LPR, IN_REG) ce cycles (isp_addtree.vh); no reset (data
// only: the caller's side band carries the valid bits).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_addtree #
(
    // Number of terms (>= 1)
    parameter N = 4,
    // Width of each term and of the sum
    parameter W = 16,
    // Adder levels between pipeline registers (>= 1)
    parameter LPR = 2,
    // Register the terms before the first level (0 or 1)
    parameter IN_REG = 1
)
(
    input  wire          clk,
    input  wire          ce,
    input  wire [N*W-1:0] in,
    output wire [W-1:0]  out
);

`include "isp_addtree.vh"

// adder levels
localparam L = isp_addtree_levels(N);

initial begin
    if (N < 1 || W < 1 || LPR < 1 || (IN_REG != 0 && IN_REG != 1)) begin
        $error("isp_addtree: N %0d, W %0d, LPR %0d, IN_REG %0d out of range (N, W, LPR >= 1; IN_REG 0 or 1)",
               N, W, LPR, IN_REG);
        $finish;
    end
end

// the nodes of every level, N slots of W bits a level (level l uses the first ceil(N / 2^l))
/* verilator lint_off UNUSEDSIGNAL */
wire [(L+1)*N*W-1:0] node;
/* verilator lint_on UNUSEDSIGNAL */

generate
if (IN_REG != 0) begin : g_in_reg
    reg [N*W-1:0] in_r;
    always @(posedge clk) begin
        if (ce) begin
            in_r <= in;
        end
    end
    assign node[0 +: N*W] = in_r;
end else begin : g_in_wire
    assign node[0 +: N*W] = in;
end
endgenerate

genvar gl, gi;
generate
for (gl = 1; gl <= L; gl = gl + 1) begin : g_lvl
    // sums of the level above, and of this one
    localparam integer NP = (N + (1 << (gl - 1)) - 1) >> (gl - 1);
    localparam integer NL = (NP + 1) / 2;
    for (gi = 0; gi < N; gi = gi + 1) begin : g_node
        if (gi < NL) begin : g_used
            wire [W-1:0] a = node[((gl-1)*N + 2*gi)*W +: W];
            wire [W-1:0] s;
            if (2*gi + 1 < NP) begin : g_pair
                assign s = a + node[((gl-1)*N + 2*gi + 1)*W +: W];
            end else begin : g_pass
                assign s = a;
            end
            if (gl % LPR == 0 || gl == L) begin : g_reg
                reg [W-1:0] r;
                always @(posedge clk) begin
                    if (ce) begin
                        r <= s;
                    end
                end
                assign node[(gl*N + gi)*W +: W] = r;
            end else begin : g_wire
                assign node[(gl*N + gi)*W +: W] = s;
            end
        end else begin : g_unused
            assign node[(gl*N + gi)*W +: W] = {W{1'b0}};
        end
    end
end
endgenerate

assign out = node[L*N*W +: W];

endmodule

`resetall
