// Line buffers and a K x K window generator with zero or mirror padding (TA-ISP, POS-ISP).
//
// Pixels arrive as pushes in raster order (in_push with ce); in_sof marks a frame's first
// push. After LAG = R*W + R pushes (R = (K-1)/2) every push emits one window, centred on
// the raster position LAG pushes back; the frame's own W*H pixels are followed by virtual
// pushes (the caller flushes), whose windows have centres in rows >= H (out_inframe low).
// BORDER 0 (zero): window elements outside the frame are zero (TA-ISP's zero padding), whatever
// the line buffers hold (stale lines of the previous frame are never cleared, only masked).
// BORDER 1 (mirror): an element outside the frame is the pixel at the mirrored index
// m(i) = -i (i < 0), 2 (N - 1) - i (i >= N), reflection without repeating the edge (POS-ISP's
// denoise, fixedpoint/README.md); it needs width, height >= R + 1 (every index reflects once),
// and the mirrored pixel always lies inside the current window (a mux per row and per column
// of the window, no extra storage).
// An auxiliary channel (AW bits per pixel) is delayed to the window centre.
// Output registers update one ce cycle after the push.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_window #
(
    // Window size (odd, >= 3)
    parameter K = 5,
    // Bits per pixel of the windowed data
    parameter DW = 50,
    // Bits per pixel of the auxiliary data delayed to the window centre (>= 1)
    parameter AW = 1,
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame width/height and position counters
    parameter CW = 12,
    // Border: 0 zero padding, 1 mirror (frames of at least R + 1 rows and columns)
    parameter BORDER = 0
)
(
    input  wire                 clk,
    input  wire                 rst,
    input  wire                 ce,

    // frame size in use (width >= 2)
    input  wire [CW-1:0]        width,
    input  wire [CW-1:0]        height,

    input  wire                 in_push,
    input  wire                 in_sof,
    input  wire [DW-1:0]        in_data,
    input  wire [AW-1:0]        in_aux,

    output reg                  out_push,
    // first window of the frame (centre (0, 0))
    output reg                  out_sof,
    // centre inside the frame (row < height)
    output reg                  out_inframe,
    // centre in the last column
    output reg                  out_eol,
    // centre is the frame's last pixel
    output reg                  out_last,
    // element (i, j) at bits ((i*K + j)*DW) holds pixel (row + i - R, col + j - R)
    output reg  [K*K*DW-1:0]    out_win,
    output reg  [AW-1:0]        out_aux
);

// window radius
localparam R = (K - 1) / 2;
// address width of the line buffers
localparam LAW = $clog2(MAX_W);

initial begin
    if (K < 3 || K % 2 != 1) begin
        $error("isp_window: K = %0d must be odd and >= 3", K);
        $finish;
    end
    if (BORDER != 0 && BORDER != 1) begin
        $error("isp_window: BORDER = %0d must be 0 (zero) or 1 (mirror)", BORDER);
        $finish;
    end
    if (MAX_W < 2 || MAX_W >= (1 << CW)) begin
        $error("isp_window: MAX_W = %0d must be in 2 .. 2^CW - 1", MAX_W);
        $finish;
    end
end

// ------------------------------------------------------------------ line buffers
// lines 1 .. K-1 above the incoming pixel, one RAM word per column
reg [(K-1)*DW-1:0] lbuf [0:MAX_W-1];
reg [R*AW-1:0]     abuf [0:MAX_W-1];
reg [(K-1)*DW-1:0] lrd;
reg [R*AW-1:0]     ard;

reg [CW-1:0] col;
wire push = ce & in_push;
wire [CW-1:0] col_cur = (push & in_sof) ? {CW{1'b0}} : col;
wire [CW-1:0] col_nxt = push ? ((col_cur == width - 1'b1) ? {CW{1'b0}} : col_cur + 1'b1) : col;

// the words written by a push: each line moves one level up
wire [R*AW-1:0] awr;
generate
if (R > 1) begin : g_aux_chain
    assign awr = {ard[(R-1)*AW-1:0], in_aux};
end else begin : g_aux_one
    assign awr = in_aux;
end
endgenerate

always @(posedge clk) begin
    // read-ahead of the column of the next push (never the column being written)
    lrd <= lbuf[col_nxt[LAW-1:0]];
    ard <= abuf[col_nxt[LAW-1:0]];
    if (push) begin
        lbuf[col_cur[LAW-1:0]] <= {lrd[(K-2)*DW-1:0], in_data};
        abuf[col_cur[LAW-1:0]] <= awr;
    end
end

// ------------------------------------------------------------------ window registers
// win[(i*K + j)*DW]: row level i (0 = incoming row), column slot j (K-1 = newest)
reg [K*K*DW-1:0] win;
reg [K*AW-1:0]   awin;
wire [K*DW-1:0] new_col = {lrd, in_data};
integer i, j;
always @(posedge clk) begin
    if (push) begin
        for (i = 0; i < K; i = i + 1) begin
            for (j = 0; j < K - 1; j = j + 1) begin
                win[(i*K + j)*DW +: DW] <= win[(i*K + j + 1)*DW +: DW];
            end
            win[(i*K + K - 1)*DW +: DW] <= new_col[i*DW +: DW];
        end
        for (j = 0; j < K - 1; j = j + 1) begin
            awin[j*AW +: AW] <= awin[(j+1)*AW +: AW];
        end
        awin[(K-1)*AW +: AW] <= ard[(R-1)*AW +: AW];
    end
end

// ------------------------------------------------------------------ positions
// pushes since the frame's first one, up to the lag; then the centre position
reg [2*CW:0] cnt;
reg [CW-1:0] crow, ccol;
reg          started;
// R in the counter's width
/* verilator lint_off WIDTHTRUNC */
localparam [2*CW:0] RL = R;
/* verilator lint_on WIDTHTRUNC */
wire [2*CW:0] lag = RL * {{(CW+1){1'b0}}, width} + RL;
reg          wpush, wsof;

always @(posedge clk) begin
    if (rst) begin
        col <= {CW{1'b0}};
        cnt <= {(2*CW+1){1'b0}};
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
                cnt <= {{(2*CW){1'b0}}, 1'b1};
                started <= 1'b0;
            end else if (cnt < lag) begin
                cnt <= cnt + 1'b1;
            end
            // the centre reached by this push
            if ((in_sof ? {{(2*CW){1'b0}}, 1'b1} : cnt + 1'b1) > lag) begin
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

// ------------------------------------------------------------------ bordered output
always @(posedge clk) begin
    if (rst) begin
        out_push <= 1'b0;
    end else if (ce) begin
        out_push <= wpush;
    end
    if (ce) begin
        out_sof <= wsof;
        out_inframe <= crow < height;
        out_eol <= ccol == width - 1'b1;
        out_last <= (crow == height - 1'b1) && (ccol == width - 1'b1);
        out_aux <= awin[R*AW +: AW];
    end
end

generate
if (BORDER == 0) begin : g_zero
    // element offset d - R from the centre: inside the frame when 0 <= pos + d - R < size
    reg [K-1:0] row_ok, col_ok;
    integer d;
    always @* begin
        for (d = 0; d < K; d = d + 1) begin
            row_ok[d] = ({1'b0, crow} + d[CW:0] >= R[CW:0]) && ({1'b0, crow} + d[CW:0] < {1'b0, height} + R[CW:0]);
            col_ok[d] = ({1'b0, ccol} + d[CW:0] >= R[CW:0]) && ({1'b0, ccol} + d[CW:0] < {1'b0, width} + R[CW:0]);
        end
    end

    integer a, b;
    always @(posedge clk) begin
        if (ce) begin
            // element (a, b) = pixel (crow + a - R, ccol + b - R) = level K-1-a, slot b
            for (a = 0; a < K; a = a + 1) begin
                for (b = 0; b < K; b = b + 1) begin
                    out_win[(a*K + b)*DW +: DW] <= (row_ok[a] && col_ok[b]) ? win[((K-1-a)*K + b)*DW +: DW] : {DW{1'b0}};
                end
            end
        end
    end
end else begin : g_mirror
    // distance of the centre from the last row / column (frames of >= R + 1 lines: no wrap)
    wire [CW-1:0] rlast = height - 1'b1 - crow;
    wire [CW-1:0] clast = width - 1'b1 - ccol;
    // rows (a*K*DW +: K*DW): the K slots of window row a after the row reflection (element row a' of the
    // window for a row index that reflects: a' = 2R - a - 2 crow at the top (crow < R - a),
    // 2R - a + 2 t at the bottom (t = H - 1 - crow < a - R)); the candidates are constants
    reg [K*K*DW-1:0] rows;
    integer ra, rt;
    always @* begin
        for (ra = 0; ra < K; ra = ra + 1) begin
            rows[ra*K*DW +: K*DW] = win[(K-1-ra)*K*DW +: K*DW];
            for (rt = 0; rt < R; rt = rt + 1) begin
                if (ra < R && rt < R - ra && crow == rt[CW-1:0]) begin
                    rows[ra*K*DW +: K*DW] = win[(K-1-(2*R - ra - 2*rt))*K*DW +: K*DW];
                end
                if (ra > R && rt < ra - R && rlast == rt[CW-1:0]) begin
                    rows[ra*K*DW +: K*DW] = win[(K-1-(2*R - ra + 2*rt))*K*DW +: K*DW];
                end
            end
        end
    end

    // the same reflection of the columns, element (a, b) from slot b' of row a of rows
    reg [K*K*DW-1:0] mwin;
    integer a, b, t;
    always @* begin
        for (a = 0; a < K; a = a + 1) begin
            for (b = 0; b < K; b = b + 1) begin
                mwin[(a*K + b)*DW +: DW] = rows[(a*K + b)*DW +: DW];
                for (t = 0; t < R; t = t + 1) begin
                    if (b < R && t < R - b && ccol == t[CW-1:0]) begin
                        mwin[(a*K + b)*DW +: DW] = rows[(a*K + 2*R - b - 2*t)*DW +: DW];
                    end
                    if (b > R && t < b - R && clast == t[CW-1:0]) begin
                        mwin[(a*K + b)*DW +: DW] = rows[(a*K + 2*R - b + 2*t)*DW +: DW];
                    end
                end
            end
        end
    end

    always @(posedge clk) begin
        if (ce) begin
            out_win <= mwin;
        end
    end
end
endgenerate

endmodule

`resetall
