// POS-ISP: the input side of a window filter (sharpen, denoise): accepts a frame's W*H beats from
// the first beat with SOF (beats before it are dropped), then pushes R*W + R flush pixels (no
// input taken: s_axis_tready low) so that the window (isp_window, radius R) emits the frame's last
// windows; then waits for the next SOF. The frame size is taken at SOF and held for the frame and
// its flush (the register file may change width/height at the frame boundary).
//
// Optional extra flush pushes: FLUSH_X more after the R*W + R (their windows' centres lie
// below the frame: a filter whose output lags the window by FLUSH_X pushes emits its last
// pixels on them).
//
// Pushes happen on ce (the pipeline's clock enable: the caller's !m_axis_tvalid || m_axis_tready).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module posisp_wstream #
(
    // Width of the frame size and the position counters
    parameter CW = 12,
    // Window radius (flush R*W + R pushes)
    parameter R = 1,
    // Extra flush pushes after the R*W + R (0: none)
    parameter FLUSH_X = 0
)
(
    input  wire          clk,
    input  wire          rst,
    input  wire          ce,

    input  wire [CW-1:0] width,
    input  wire [CW-1:0] height,

    input  wire          s_axis_tvalid,
    input  wire          s_axis_tuser,
    output wire          s_axis_tready,

    // a push into the window this cycle (already qualified by ce), the frame's first
    output wire          push,
    output wire          push_sof,
    // frame size of the frame being pushed
    output reg  [CW-1:0] fw,
    output reg  [CW-1:0] fh
);

// width of the extra-flush counter
localparam XW = FLUSH_X > 0 ? $clog2(FLUSH_X + 1) : 1;
localparam [1:0] ST_IDLE = 2'd0, ST_FRAME = 2'd1, ST_FLUSH = 2'd2, ST_XTRA = 2'd3;

initial begin
    if (R < 1 || FLUSH_X < 0) begin
        $error("posisp_wstream: R = %0d must be >= 1, FLUSH_X = %0d >= 0", R, FLUSH_X);
        $finish;
    end
end

reg [1:0] state;
reg [CW-1:0] pcol, prow;
reg [XW-1:0] xcnt;

assign s_axis_tready = ce && (state == ST_IDLE || state == ST_FRAME);
wire beat = s_axis_tvalid && s_axis_tready;
wire start = beat && s_axis_tuser && state == ST_IDLE;
assign push_sof = start;
assign push = state == ST_IDLE ? start :
              state == ST_FRAME ? beat : ce;

// frame size of this push (the new one at SOF)
wire [CW-1:0] w_now = start ? width : fw;
wire [CW-1:0] h_now = start ? height : fh;
// position of this push (0, 0 at SOF; flush pushes continue below the frame)
wire [CW-1:0] col_now = start ? {CW{1'b0}} : pcol;
wire [CW-1:0] row_now = start ? {CW{1'b0}} : prow;
wire eol_now = col_now == w_now - 1'b1;
wire frame_end = eol_now && row_now == h_now - 1'b1;
// the flush ends with the push at row H + R, column R - 1 (the (H + R) W + R th push)
wire flush_end = {1'b0, row_now} == {1'b0, h_now} + R[CW:0] && col_now == R[CW-1:0] - 1'b1;

always @(posedge clk) begin
    if (rst) begin
        state <= ST_IDLE;
        pcol <= {CW{1'b0}};
        prow <= {CW{1'b0}};
        xcnt <= {XW{1'b0}};
        fw <= {CW{1'b0}};
        fh <= {CW{1'b0}};
    end else begin
        if (start) begin
            fw <= width;
            fh <= height;
        end
        if (push) begin
            pcol <= eol_now ? {CW{1'b0}} : col_now + 1'b1;
            prow <= eol_now ? row_now + 1'b1 : row_now;
            case (state)
                ST_IDLE:  state <= frame_end ? ST_FLUSH : ST_FRAME;
                ST_FRAME: state <= frame_end ? ST_FLUSH : ST_FRAME;
                ST_FLUSH: state <= flush_end ? (FLUSH_X > 0 ? ST_XTRA : ST_IDLE) : ST_FLUSH;
                default:  state <= xcnt == FLUSH_X[XW-1:0] - 1'b1 ? ST_IDLE : ST_XTRA;
            endcase
            xcnt <= state == ST_XTRA ? xcnt + 1'b1 : {XW{1'b0}};
        end
    end
end

endmodule

`resetall
