// Product of a weight that changes rarely and a streaming unsigned input, from LUT-RAM instead
// of a multiplier: a table of w * d for every value d of a DG_W-bit digit, one read a digit of x,
// the reads weighted by 2^(DG_W * i) and added. The same integer as w * x, bit for bit.
//
// The table is rewritten all the time, one entry a cycle at tab_d (a free-running count shared
// by every table), from a running sum w * tab_d: after w changes, the table holds the new
// products within 2 * 2^DG_W cycles. The caller changes w only while no product is used (TA-ISP:
// weights change between frames). Combinational from x to p (asynchronous table reads).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_mul_lutram #
(
    // Width of the weight (signed)
    parameter W_W = 14,
    // Width of the input (unsigned), at least DG_W
    parameter X_W = 14,
    // Bits of a digit of x (the table has 2^DG_W entries)
    parameter DG_W = 5
)
(
    input  wire                 clk,
    input  wire                 rst,
    // the table entry rewritten this cycle (shared count, 0 .. 2^DG_W - 1, 0 after reset)
    input  wire [DG_W-1:0]      tab_d,
    // the weight (signed)
    input  wire [W_W-1:0]       w,
    // the input (unsigned)
    input  wire [X_W-1:0]       x,
    // w * x (signed, exact)
    output wire [W_W+X_W:0]     p
);

// digits of x, width of an entry w * d (d < 2^DG_W: signed), of the product
localparam NDIG = (X_W + DG_W - 1) / DG_W;
localparam TW = W_W + DG_W + 1;
localparam PW = W_W + X_W + 1;

initial begin
    if (X_W < DG_W || DG_W < 1) begin
        $error("isp_mul_lutram: X_W %0d must be at least DG_W %0d (>= 1)", X_W, DG_W);
        $finish;
    end
end

// tab[d] = w * d; tab_acc runs through w * tab_d (0 at d = 0)
reg [TW-1:0] tab_acc;
reg [TW-1:0] tab [0:(1<<DG_W)-1];
always @(posedge clk) begin
    if (rst || tab_d == {DG_W{1'b1}}) begin
        tab_acc <= {TW{1'b0}};
    end else begin
        tab_acc <= tab_acc + {{(TW-W_W){w[W_W-1]}}, w};
    end
    tab[tab_d] <= tab_acc;
end

// w * x = sum over digits i of tab[digit i] * 2^(DG_W * i); the sums wrap in PW bits (the product fits)
wire [NDIG*DG_W-1:0] xd = {{(NDIG*DG_W-X_W){1'b0}}, x};
wire [NDIG*PW-1:0] part;
genvar gi;
generate
for (gi = 0; gi < NDIG; gi = gi + 1) begin : g_dig
    wire [TW-1:0] e = tab[xd[gi*DG_W +: DG_W]];
    wire [PW-1:0] es = {{(PW-TW){e[TW-1]}}, e} << (gi*DG_W);
    if (gi == 0) begin : g_lo
        assign part[0 +: PW] = es;
    end else begin : g_hi
        assign part[gi*PW +: PW] = part[(gi-1)*PW +: PW] + es;
    end
end
endgenerate
assign p = part[(NDIG-1)*PW +: PW];

endmodule

`resetall
