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

/* verilator lint_off UNUSEDSIGNAL */
wire [(L+1)*N*NW-1:0] node;
/* verilator lint_on UNUSEDSIGNAL */

genvar gl, gi;
generate
for (gi = 0; gi < N; gi = gi + 1) begin : g_leaf
    localparam [IXW-1:0] IX = gi;
    assign node[gi*NW +: NW] = {in[gi*W +: W], IX};
end
for (gl = 1; gl <= L; gl = gl + 1) begin : g_lvl
    localparam integer NP = (N + (1 << (gl - 1)) - 1) >> (gl - 1);
    localparam integer NL = (NP + 1) / 2;
    for (gi = 0; gi < N; gi = gi + 1) begin : g_node
        if (gi < NL) begin : g_used
            wire [NW-1:0] a = node[((gl-1)*N + 2*gi)*NW +: NW];
            wire [NW-1:0] s;
            if (2*gi + 1 < NP) begin : g_pair
                wire [NW-1:0] b = node[((gl-1)*N + 2*gi + 1)*NW +: NW];
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
                assign node[(gl*N + gi)*NW +: NW] = r;
            end else begin : g_wire
                assign node[(gl*N + gi)*NW +: NW] = s;
            end
        end else begin : g_unused
            assign node[(gl*N + gi)*NW +: NW] = {NW{1'b0}};
        end
    end
end
endgenerate

assign out = node[L*N*NW +: IXW];

endmodule

`resetall
