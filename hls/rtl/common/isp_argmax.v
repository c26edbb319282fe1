// TA-ISP: a pipelined argmax: the index of the largest of N two's complement values of W bits,
// ties to the lowest index (the result of a sequential scan that takes a value only when it is
// strictly greater). A tournament: level l compares the winners of level l - 1 in pairs (the
// lower-indexed one is kept unless the other is strictly greater: associative, so the same
// winner as the scan); an odd one passes on. A register follows every LPR levels and the last
// level. Latency isp_addtree_latency(N, LPR, 0) ce cycles (isp_addtree.vh: the same pairing).
// No reset (data only).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_argmax #
(
    // Number of values (>= 2)
    parameter N = 16,
    // Width of each value (two's complement)
    parameter W = 16,
    // Compare levels between pipeline registers (>= 1)
    parameter LPR = 2,
    // Width of the index output ($clog2(N))
    parameter IXW = 4
)
(
    input  wire           clk,
    input  wire           ce,
    input  wire [N*W-1:0] in,
    output wire [IXW-1:0] out
);

`include "isp_addtree.vh"

// compare levels
localparam L = isp_addtree_levels(N);
// a node: the winner's value and index
localparam NW = W + IXW;

initial begin
    if (N < 2 || W < 1 || LPR < 1 || IXW != $clog2(N)) begin
        $error("isp_argmax: N %0d (>= 2), W %0d, LPR %0d or IXW %0d (must be $clog2(N)) out of range", N, W, LPR, IXW);
        $finish;
    end
end

// level gl holds ceil(N / 2^gl) nodes {value, index}, each its own wire g_lvl[gl].g_node[gi].v
// (not one vector: a simulator re-evaluates every reader of a vector when any slice changes);
// level 0 is the values with their indexes
genvar gl, gi;
generate
for (gl = 0; gl <= L; gl = gl + 1) begin : g_lvl
    // nodes of the level above (for gl > 0), and of this one
    localparam integer NP = isp_addtree_nodes(N, gl > 0 ? gl - 1 : 0);
    localparam integer NL = isp_addtree_nodes(N, gl);
    for (gi = 0; gi < NL; gi = gi + 1) begin : g_node
        wire [NW-1:0] v;
        if (gl == 0) begin : g_leaf
            localparam [IXW-1:0] IX = gi;
            assign v = {in[gi*W +: W], IX};
        end else begin : g_cmp
            wire [NW-1:0] s;
            wire [NW-1:0] a = g_lvl[gl-1].g_node[2*gi].v;
            if (2*gi + 1 < NP) begin : g_pair
                wire [NW-1:0] b = g_lvl[gl-1].g_node[2*gi+1].v;
                assign s = $signed(b[IXW +: W]) > $signed(a[IXW +: W]) ? b : a;
            end else begin : g_pass
                assign s = a;
            end
            if (gl % LPR == 0 || gl == L) begin : g_reg
                reg [NW-1:0] r;
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
end
endgenerate

/* verilator lint_off UNUSEDSIGNAL */
wire [NW-1:0] win = g_lvl[L].g_node[0].v;
/* verilator lint_on UNUSEDSIGNAL */
assign out = win[IXW-1:0];

endmodule

`resetall
