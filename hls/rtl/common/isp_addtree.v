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
    parameter IN_REG = 1,
    // Significant width of the terms (two's complement, sign-extended to W; at most W): a sum of
    // level l needs only IN_W + l bits, so its adder is that wide and its result sign-extended
    // (synthesis cannot see that from W-bit unsigned adds: fewer LUTs)
    parameter IN_W = W
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
    if (N < 1 || W < 1 || LPR < 1 || (IN_REG != 0 && IN_REG != 1) || IN_W < 1 || IN_W > W) begin
        $error("isp_addtree: N %0d, W %0d, LPR %0d, IN_REG %0d, IN_W %0d out of range (N, W, LPR >= 1; IN_REG 0 or 1; IN_W 1 .. W)",
               N, W, LPR, IN_REG, IN_W);
        $finish;
    end
end

// level gl of the tree holds ceil(N / 2^gl) nodes, each its own wire g_lvl[gl].g_node[gi].v
// (one wire a node, not one vector for the tree: a simulator re-evaluates every reader of a
// vector when any slice of it changes); level 0 is the terms, registered with IN_REG
genvar gl, gi;
generate
for (gl = 0; gl <= L; gl = gl + 1) begin : g_lvl
    // nodes of the level above (for gl > 0), and of this one
    localparam integer NP = isp_addtree_nodes(N, gl > 0 ? gl - 1 : 0);
    localparam integer NL = isp_addtree_nodes(N, gl);
    for (gi = 0; gi < NL; gi = gi + 1) begin : g_node
        // (a pair of the next level reads only its IN_W + level low bits: the rest are sign copies)
        /* verilator lint_off UNUSEDSIGNAL */
        wire [W-1:0] v;
        /* verilator lint_on UNUSEDSIGNAL */
        wire [W-1:0] s;
        if (gl == 0) begin : g_term
            assign s = in[gi*W +: W];
        end else if (2*gi + 1 < NP) begin : g_pair
            // the level's significant width: the sum of up to 2^gl terms of IN_W bits
            localparam integer WL = (IN_W + gl < W) ? IN_W + gl : W;
            wire [WL-1:0] sl = g_lvl[gl-1].g_node[2*gi].v[WL-1:0] + g_lvl[gl-1].g_node[2*gi+1].v[WL-1:0];
            if (WL < W) begin : g_ext
                assign s = {{(W-WL){sl[WL-1]}}, sl};
            end else begin : g_full
                assign s = sl;
            end
        end else begin : g_pass
            assign s = g_lvl[gl-1].g_node[2*gi].v;
        end
        if ((gl == 0 && IN_REG != 0) || (gl > 0 && (gl % LPR == 0 || gl == L))) begin : g_reg
            reg [W-1:0] r;
            always @(posedge clk) begin
                if (ce) begin
                    r <= s;
                end
            end
            assign v = r;
        end else begin : g_wire
            assign v = s;
        end
    end
end
endgenerate

assign out = g_lvl[L].g_node[0].v;

endmodule

`resetall
