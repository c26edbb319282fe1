// ISP front end: bin2 demosaic, one output pixel per 2x2 cell (half width and height). The
// Verilog twin of the bin2 branch of fixedpoint.frontend.demosaic: R and B are the cell's own
// samples, G the mean of its two green samples as a requantization into frontend.avg (isp_rq).
// The frame size must be even (the owner refuses odd sizes).
//
// Samples arrive as pushes in raster order (in_push with ce), in_sof on a frame's first. Even
// lines go into a line buffer; on odd lines the cell is complete at each odd column, and a
// pixel leaves two stages later: one output per two pushes of every second line.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_bin2 #
(
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame size and position counters
    parameter CW = 12,
    // Width of a sample and of an output component (frontend.x, unsigned)
    parameter X_W = 17,
    // Fractional bits of a sample
    parameter X_F = 16,
    // Fractional bits of the green mean (frontend.avg; its width is X_W)
    parameter AVG_F = 16,
    // Rounding mode of the green mean (isp_rq codes)
    parameter AVG_RND = 2,
    // Overflow mode of the green mean (isp_rq codes)
    parameter AVG_OVF = 0,
    // Colour (R 0, G 1, B 2) of 2x2 position p of CFA code k at bits 2*(4k + p)
    parameter [31:0] CFA_CELLS = 32'h49611694
)
(
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 ce,

    // Bayer frame size in use (even) and CFA code
    input  wire [CW-1:0]        width,
    input  wire [CW-1:0]        height,
    input  wire [1:0]           cfa,

    input  wire                 in_push,
    input  wire                 in_sof,
    input  wire [X_W-1:0]       in_x,

    output reg                  out_push,
    // first pixel of the frame
    output reg                  out_sof,
    // last pixel of an output line
    output reg                  out_eol,
    // last pixel of the frame
    output reg                  out_last,
    // component c (R 0, G 1, B 2) at bits c*X_W
    output reg  [3*X_W-1:0]     out_rgb
);

// address width of the line buffer
localparam LAW = $clog2(MAX_W);

initial begin
    if (MAX_W < 2 || MAX_W >= (1 << CW)) begin
        $error("isp_bin2: MAX_W = %0d must be in 2 .. 2^CW - 1", MAX_W);
        $finish;
    end
end

// ------------------------------------------------------------------ positions, line buffer
reg [CW-1:0] col, row;
wire push = ce & in_push;
wire [CW-1:0] col_cur = (push & in_sof) ? {CW{1'b0}} : col;
wire [CW-1:0] row_cur = (push & in_sof) ? {CW{1'b0}} : row;
wire eol_in = col_cur == width - 1'b1;
wire [CW-1:0] col_nxt = push ? (eol_in ? {CW{1'b0}} : col_cur + 1'b1) : col;

// the even line above, one sample per column
reg [X_W-1:0] lbuf [0:MAX_W-1];
reg [X_W-1:0] lrd;
always @(posedge clk) begin
    lrd <= lbuf[col_nxt[LAW-1:0]];
    if (push && !row_cur[0]) begin
        lbuf[col_cur[LAW-1:0]] <= in_x;
    end
end

always @(posedge clk) begin
    if (push) begin
        col <= col_nxt;
        row <= eol_in ? row_cur + 1'b1 : row_cur;
    end
    if (rst) begin
        col <= {CW{1'b0}};
        row <= {CW{1'b0}};
    end
end

// ------------------------------------------------------------------ stage 1: the cell
// the left column of the cell (top, bottom) while the right one arrives
reg [X_W-1:0] tl, bl;
reg s1_push, s1_sof, s1_eol, s1_last;
// cell samples by 2x2 position: {p3, p2, p1, p0}
reg [4*X_W-1:0] s1_cell;
always @(posedge clk) begin
    if (push && row_cur[0] && !col_cur[0]) begin
        tl <= lrd;
        bl <= in_x;
    end
    if (rst) begin
        s1_push <= 1'b0;
    end else if (ce) begin
        s1_push <= in_push && row_cur[0] && col_cur[0];
    end
    if (ce) begin
        s1_sof <= row_cur == 1 && col_cur == 1;
        s1_eol <= eol_in;
        s1_last <= eol_in && row_cur == height - 1'b1;
        s1_cell <= {in_x, bl, lrd, tl};
    end
end

// ------------------------------------------------------------------ stage 2: colours
reg [X_W-1:0] r_v, b_v;
reg [X_W:0] g_sum;
integer p;
always @* begin
    r_v = {X_W{1'b0}};
    b_v = {X_W{1'b0}};
    g_sum = {(X_W+1){1'b0}};
    for (p = 0; p < 4; p = p + 1) begin
        case (CFA_CELLS[2*(4*cfa + p) +: 2])
            2'd0: r_v = s1_cell[p*X_W +: X_W];
            2'd2: b_v = s1_cell[p*X_W +: X_W];
            default: g_sum = g_sum + {1'b0, s1_cell[p*X_W +: X_W]};
        endcase
    end
end

wire [X_W-1:0] g_mean;
/* verilator lint_off UNUSEDSIGNAL */
wire g_ovf;
/* verilator lint_on UNUSEDSIGNAL */
isp_rq #(.IN_W(X_W + 2), .IN_F(X_F + 1), .OUT_W(X_W), .OUT_F(AVG_F), .OUT_S(0), .RND(AVG_RND), .OVF(AVG_OVF)) u_g (
    .in({1'b0, g_sum}), .out(g_mean), .ovf(g_ovf));

always @(posedge clk) begin
    if (rst) begin
        out_push <= 1'b0;
    end else if (ce) begin
        out_push <= s1_push;
    end
    if (ce) begin
        out_sof <= s1_sof;
        out_eol <= s1_eol;
        out_last <= s1_last;
        out_rgb <= {b_v, g_mean, r_v};
    end
end

endmodule

`resetall
