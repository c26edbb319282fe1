// Dot product of N weights that change rarely and N streaming unsigned inputs, from LUT-RAM
// tables instead of multipliers, plus a term c: c + sum over j of w[j] * x[j], exact, pipelined.
//
// Each weight has a table of w * d for every value d of a DG_W-bit digit. The table reads are
// summed digit by digit first, S_i = sum over j of tab_j[digit i of x_j] (isp_addtree, terms of
// TW bits, sums of TW + log2(N), instead of a product's W_W + X_W + 1), then c and the S_i
// weighted by 2^(DG_W * i) are added (a second isp_addtree): the same integer as c plus the N
// products (integer addition is associative). The trees' two-input adders stay carry-chain
// adders (one LUT a bit), where synthesis turned one sum of N whole products into a carry-save
// tree of full adders (two LUTs a bit). Measured, one TA-ISP mask-head region and the whole
// block: benchmarks/issue16/mh_region.v, docs/issues/ISSUE16_NOTE.md.
//
// The tables are rewritten all the time, one entry a cycle at tab_d (a free-running count
// shared by every table), from a running sum w * tab_d: after w changes, the tables hold the
// new products within 2 * 2^DG_W cycles. The caller changes w only while no product is used.
// The table reads are asynchronous (LUT-RAM) and go straight into the first adder level;
// x and c to s: isp_dot_lutram_latency(N, DG_W, X_W, LPR) ce cycles (isp_dot_lutram.vh). No
// reset of the data path (the caller's side band carries the valid bits).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_dot_lutram #
(
    // Number of products (>= 2)
    parameter N = 27,
    // Width of a weight (signed)
    parameter W_W = 14,
    // Width of an input (unsigned), at least DG_W
    parameter X_W = 14,
    // Bits of a digit of x (a table has 2^DG_W entries)
    parameter DG_W = 5,
    // Width of c and s (signed): at least the width of c + the sum, which wraps in it
    parameter S_W = W_W + X_W + $clog2(N) + 2,
    // Adder levels between pipeline registers (isp_addtree)
    parameter LPR = 2,
    // 1: c is delayed alongside the digit sums (any c each cycle); 0: no delay line, c must be
    // held while its products are in the pipeline, as w is (a bias that changes with the weights)
    parameter C_DELAY = 1
)
(
    input  wire            clk,
    input  wire            rst,
    input  wire            ce,
    // the table entry rewritten this cycle (shared count, 0 .. 2^DG_W - 1, 0 after reset)
    input  wire [DG_W-1:0] tab_d,
    // the weights (signed), weight j at [j*W_W +: W_W]
    input  wire [N*W_W-1:0] w,
    // the inputs (unsigned), input j at [j*X_W +: X_W]
    input  wire [N*X_W-1:0] x,
    // the term added (signed)
    input  wire [S_W-1:0]  c,
    // c + sum over j of w[j] * x[j] (signed, modulo 2^S_W), isp_dot_lutram_latency ce cycles after x and c
    output wire [S_W-1:0]  s
);

// (Verilator -Wall takes these functions for the same ones of an enclosing taisp_rgfc, which
// includes them too, when this module sits in a generate block there: VARHIDDEN, off here)
/* verilator lint_off VARHIDDEN */
`include "isp_addtree.vh"
`include "isp_dot_lutram.vh"
/* verilator lint_on VARHIDDEN */

// digits of x; an entry w * d (d < 2^DG_W) fits W_W + DG_W signed bits; a digit sum adds log2(N)
localparam NDIG = (X_W + DG_W - 1) / DG_W;
localparam TW = W_W + DG_W;
localparam DW = TW + $clog2(N);
// latency of the digit sums (c waits as long in a delay line); then c and the weighted digit
// sums are added: isp_dot_lutram_latency (isp_dot_lutram.vh) in all
localparam LAT_D = isp_addtree_latency(N, LPR, 0);

initial begin
    if (N < 2 || X_W < DG_W || DG_W < 1 || S_W < DW || (C_DELAY != 0 && C_DELAY != 1)) begin
        $error("isp_dot_lutram: N %0d must be >= 2, X_W %0d at least DG_W %0d (>= 1), S_W %0d at least %0d, C_DELAY %0d 0 or 1",
               N, X_W, DG_W, S_W, DW, C_DELAY);
        $finish;
    end
end

// the N tables, each its own memory (one write port: LUT-RAM): table j holds w[j] * d at d,
// tab_acc runs through w[j] * tab_d; g_tab[j].g_dig[i].e is table j read at digit i of x[j]
genvar gj, gi;
generate
for (gj = 0; gj < N; gj = gj + 1) begin : g_tab
    wire [NDIG*DG_W-1:0] xd = {{(NDIG*DG_W-X_W){1'b0}}, x[gj*X_W +: X_W]};
    reg [TW-1:0] tab_acc;
    reg [TW-1:0] tab [0:(1<<DG_W)-1];
    always @(posedge clk) begin
        if (rst || tab_d == {DG_W{1'b1}}) begin
            tab_acc <= {TW{1'b0}};
        end else begin
            tab_acc <= tab_acc + {{DG_W{w[gj*W_W + W_W - 1]}}, w[gj*W_W +: W_W]};
        end
        tab[tab_d] <= tab_acc;
    end
    for (gi = 0; gi < NDIG; gi = gi + 1) begin : g_dig
        wire [TW-1:0] e = tab[xd[gi*DG_W +: DG_W]];
    end
end
endgenerate

// the digit sums S_i (each digit's terms its own vector: a simulator re-evaluates every reader
// of a vector when any slice of it changes), and c delayed alongside them
wire [(NDIG+1)*S_W-1:0] wsum;
generate
for (gi = 0; gi < NDIG; gi = gi + 1) begin : g_sum
    wire [N*DW-1:0] terms;
    for (gj = 0; gj < N; gj = gj + 1) begin : g_term
        assign terms[gj*DW +: DW] = {{(DW-TW){g_tab[gj].g_dig[gi].e[TW-1]}}, g_tab[gj].g_dig[gi].e};
    end
    wire [DW-1:0] d;
    isp_addtree #(.N(N), .W(DW), .LPR(LPR), .IN_REG(0), .IN_W(TW)) u_tree (.clk(clk), .ce(ce), .in(terms), .out(d));
    wire [S_W-1:0] dx = {{(S_W-DW){d[DW-1]}}, d};
    assign wsum[gi*S_W +: S_W] = dx << (gi*DG_W);
end
endgenerate
generate
if (C_DELAY != 0) begin : g_c_delay
    isp_delay #(.DW(S_W), .N(LAT_D), .RESET(0)) u_c (.clk(clk), .rst(rst), .ce(ce), .in(c), .out(wsum[NDIG*S_W +: S_W]));
end else begin : g_c_held
    assign wsum[NDIG*S_W +: S_W] = c;
end
endgenerate

// c + sum of S_i * 2^(DG_W * i)
isp_addtree #(.N(NDIG + 1), .W(S_W), .LPR(LPR), .IN_REG(0)) u_comb (
    .clk(clk), .ce(ce), .in(wsum), .out(s));

endmodule

`resetall
