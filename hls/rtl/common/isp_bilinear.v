// ISP front end: bilinear demosaic of a Bayer mosaic, one pixel per push. The Verilog twin of
// the bilinear branch of fixedpoint.frontend.demosaic: a 3x3 window over two line buffers,
// mirrored at the frame borders without repeating the edge pixel (pixel -1 = pixel 1, row -1
// = row 1, pixel W = pixel W-2: the CFA phase is kept), then per pixel its own sample, the
// horizontal or vertical pair mean, the 4-neighbour (cross) mean or the diagonal mean, as the
// CFA position asks; the means are requantizations into frontend.avg (isp_rq).
//
// Samples arrive as pushes in raster order (in_push with ce), in_sof on a frame's first; after
// W + 1 pushes every push emits the pixel W + 1 pushes back (the caller pushes W + 1 flush
// samples after the frame). Window registers update with the push; two more stages (sums,
// then requantization and selection) to the registered output.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_bilinear #
(
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame size and position counters
    parameter CW = 12,
    // Width of a sample and of an output component (frontend.x, unsigned)
    parameter X_W = 17,
    // Fractional bits of a sample
    parameter X_F = 16,
    // Fractional bits of a mean (frontend.avg; its width is X_W)
    parameter AVG_F = 16,
    // Rounding mode of the means (isp_rq codes)
    parameter AVG_RND = 2,
    // Overflow mode of the means (isp_rq codes)
    parameter AVG_OVF = 0,
    // Colour (R 0, G 1, B 2) of 2x2 position p of CFA code k at bits 2*(4k + p)
    parameter [31:0] CFA_CELLS = 32'h49611694
)
(
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 ce,

    // frame size in use (at least 2 x 2) and CFA code
    input  wire [CW-1:0]        width,
    input  wire [CW-1:0]        height,
    input  wire [1:0]           cfa,

    input  wire                 in_push,
    input  wire                 in_sof,
    input  wire [X_W-1:0]       in_x,

    output reg                  out_push,
    // first pixel of the frame
    output reg                  out_sof,
    // last pixel of a line
    output reg                  out_eol,
    // last pixel of the frame
    output reg                  out_last,
    // component c (R 0, G 1, B 2) at bits c*X_W
    output reg  [3*X_W-1:0]     out_rgb
);

// address width of the line buffers
localparam LAW = $clog2(MAX_W);

initial begin
    if (MAX_W < 2 || MAX_W >= (1 << CW)) begin
        $error("isp_bilinear: MAX_W = %0d must be in 2 .. 2^CW - 1", MAX_W);
        $finish;
    end
end

// ------------------------------------------------------------------ line buffers
// the two lines above the incoming sample, one RAM word per column: {line r-2, line r-1}
reg [2*X_W-1:0] lbuf [0:MAX_W-1];
reg [2*X_W-1:0] lrd;

reg [CW-1:0] col;
wire push = ce & in_push;
wire [CW-1:0] col_cur = (push & in_sof) ? {CW{1'b0}} : col;
wire [CW-1:0] col_nxt = push ? ((col_cur == width - 1'b1) ? {CW{1'b0}} : col_cur + 1'b1) : col;

always @(posedge clk) begin
    // read-ahead of the column of the next push (never the column being written)
    lrd <= lbuf[col_nxt[LAW-1:0]];
    if (push) begin
        lbuf[col_cur[LAW-1:0]] <= {lrd[X_W-1:0], in_x};
    end
end

// ------------------------------------------------------------------ window columns
// three columns (left, centre, right) of {top, middle, bottom} (bottom at bits 0)
reg [3*X_W-1:0] wl, wc, wr;
always @(posedge clk) begin
    if (push) begin
        wl <= wc;
        wc <= wr;
        wr <= {lrd, in_x};
    end
end

// ------------------------------------------------------------------ positions
// pushes since the frame's first one, up to the lag W + 1; then the centre position
reg [CW:0] cnt;
reg [CW-1:0] crow, ccol;
reg started, wpush, wsof;
wire [CW:0] lag = {1'b0, width} + 1'b1;
wire [CW:0] cnt_cur = in_sof ? {{CW{1'b0}}, 1'b1} : cnt + 1'b1;

always @(posedge clk) begin
    if (rst) begin
        col <= {CW{1'b0}};
        cnt <= {(CW+1){1'b0}};
        started <= 1'b0;
        wpush <= 1'b0;
        wsof <= 1'b0;
        crow <= {CW{1'b0}};
        ccol <= {CW{1'b0}};
    end else if (ce) begin
        wpush <= 1'b0;
        wsof <= 1'b0;
        if (in_push) begin
            col <= col_nxt;
            if (in_sof) begin
                cnt <= {{CW{1'b0}}, 1'b1};
                started <= 1'b0;
            end else if (cnt < lag) begin
                cnt <= cnt + 1'b1;
            end
            if (cnt_cur > lag) begin
                wpush <= 1'b1;
                if (!started || in_sof) begin
                    wsof <= 1'b1;
                    started <= 1'b1;
                    crow <= {CW{1'b0}};
                    ccol <= {CW{1'b0}};
                end else if (ccol == width - 1'b1) begin
                    ccol <= {CW{1'b0}};
                    crow <= crow + 1'b1;
                end else begin
                    ccol <= ccol + 1'b1;
                end
            end
        end
    end
end

// ------------------------------------------------------------------ stage 2: mirrored sums
wire top_edge = crow == {CW{1'b0}};
wire bot_edge = crow == height - 1'b1;
wire left_edge = ccol == {CW{1'b0}};
wire right_edge = ccol == width - 1'b1;
// columns mirrored left/right, then rows mirrored top/bottom within each column
wire [3*X_W-1:0] ml = left_edge ? wr : wl;
wire [3*X_W-1:0] mr = right_edge ? wl : wr;
wire [X_W-1:0] l_t = top_edge ? ml[0 +: X_W] : ml[2*X_W +: X_W];
wire [X_W-1:0] l_b = bot_edge ? ml[2*X_W +: X_W] : ml[0 +: X_W];
wire [X_W-1:0] r_t = top_edge ? mr[0 +: X_W] : mr[2*X_W +: X_W];
wire [X_W-1:0] r_b = bot_edge ? mr[2*X_W +: X_W] : mr[0 +: X_W];
wire [X_W-1:0] c_t = top_edge ? wc[0 +: X_W] : wc[2*X_W +: X_W];
wire [X_W-1:0] c_b = bot_edge ? wc[2*X_W +: X_W] : wc[0 +: X_W];
// colour of the centre and whether its line holds R / B samples
wire [1:0] col0 = CFA_CELLS[2*(4*cfa + {crow[0], 1'b0}) +: 2];
wire [1:0] col1 = CFA_CELLS[2*(4*cfa + {crow[0], 1'b1}) +: 2];
wire [1:0] ccolour = ccol[0] ? col1 : col0;

reg s2_push, s2_sof, s2_eol, s2_last, s2_row_r, s2_row_b;
reg [1:0] s2_colour;
reg [X_W-1:0] s2_c;
reg [X_W:0] s2_h, s2_v;
reg [X_W+1:0] s2_d;

always @(posedge clk) begin
    if (rst) begin
        s2_push <= 1'b0;
    end else if (ce) begin
        s2_push <= wpush;
    end
    if (ce) begin
        s2_sof <= wsof;
        s2_eol <= right_edge;
        s2_last <= right_edge && bot_edge;
        s2_colour <= ccolour;
        s2_row_r <= col0 == 2'd0 || col1 == 2'd0;
        s2_row_b <= col0 == 2'd2 || col1 == 2'd2;
        s2_c <= wc[X_W +: X_W];
        s2_h <= {1'b0, ml[X_W +: X_W]} + {1'b0, mr[X_W +: X_W]};
        s2_v <= {1'b0, c_t} + {1'b0, c_b};
        s2_d <= {2'b00, l_t} + {2'b00, l_b} + {2'b00, r_t} + {2'b00, r_b};
    end
end

// ------------------------------------------------------------------ stage 3: means, selection
wire [X_W-1:0] m_cross, m_diag, m_h2, m_v2;
/* verilator lint_off UNUSEDSIGNAL */
wire [3:0] ovf;
/* verilator lint_on UNUSEDSIGNAL */
isp_rq #(.IN_W(X_W + 3), .IN_F(X_F + 2), .OUT_W(X_W), .OUT_F(AVG_F), .OUT_S(0), .RND(AVG_RND), .OVF(AVG_OVF)) u_cross (
    .in({1'b0, {1'b0, s2_h} + {1'b0, s2_v}}), .out(m_cross), .ovf(ovf[0]));
isp_rq #(.IN_W(X_W + 3), .IN_F(X_F + 2), .OUT_W(X_W), .OUT_F(AVG_F), .OUT_S(0), .RND(AVG_RND), .OVF(AVG_OVF)) u_diag (
    .in({1'b0, s2_d}), .out(m_diag), .ovf(ovf[1]));
isp_rq #(.IN_W(X_W + 2), .IN_F(X_F + 1), .OUT_W(X_W), .OUT_F(AVG_F), .OUT_S(0), .RND(AVG_RND), .OVF(AVG_OVF)) u_h2 (
    .in({1'b0, s2_h}), .out(m_h2), .ovf(ovf[2]));
isp_rq #(.IN_W(X_W + 2), .IN_F(X_F + 1), .OUT_W(X_W), .OUT_F(AVG_F), .OUT_S(0), .RND(AVG_RND), .OVF(AVG_OVF)) u_v2 (
    .in({1'b0, s2_v}), .out(m_v2), .ovf(ovf[3]));

// at a G site a chroma comes from the pair on its line if that line holds it, else the vertical pair
wire [X_W-1:0] at_g_r = s2_row_r ? m_h2 : m_v2;
wire [X_W-1:0] at_g_b = s2_row_b ? m_h2 : m_v2;

always @(posedge clk) begin
    if (rst) begin
        out_push <= 1'b0;
    end else if (ce) begin
        out_push <= s2_push;
    end
    if (ce) begin
        out_sof <= s2_sof;
        out_eol <= s2_eol;
        out_last <= s2_last;
        out_rgb[0 +: X_W] <= s2_colour == 2'd0 ? s2_c : s2_colour == 2'd1 ? at_g_r : m_diag;
        out_rgb[X_W +: X_W] <= s2_colour == 2'd1 ? s2_c : m_cross;
        out_rgb[2*X_W +: X_W] <= s2_colour == 2'd2 ? s2_c : s2_colour == 2'd1 ? at_g_b : m_diag;
    end
end

endmodule

`resetall
