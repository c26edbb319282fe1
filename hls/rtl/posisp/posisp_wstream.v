// POS-ISP: the input side of a window filter (sharpen, denoise): accepts a frame's W*H beats from
// the first beat with SOF (beats before it are dropped), then pushes R*W + R flush pixels (no
// input taken: s_axis_tready low) so that the window (isp_window, radius R) emits the frame's last
// windows; then waits for the next SOF. The frame size is taken at SOF and held for the frame and
// its flush (the register file may change width/height at the frame boundary).
//
// Optional hold slots: after every push of column HOLD_COL in a push row >= R (the push that
// completes a window centred in column 0, HOLD_COL = R), no push for HOLD_N clock-enabled cycles
// (the window stays put, so the filter can take several clocks on a row's first window).
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
    // Column of the pushes followed by hold slots
    parameter HOLD_COL = 0,
    // Hold slots after such a push (0: none)
    parameter HOLD_N = 0
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

// width of the hold counter
localparam HW = HOLD_N > 0 ? $clog2(HOLD_N + 1) : 1;
localparam [1:0] ST_IDLE = 2'd0, ST_FRAME = 2'd1, ST_FLUSH = 2'd2;

initial begin
    if (R < 1 || HOLD_N < 0 || HOLD_COL < 0) begin
        $error("posisp_wstream: R = %0d must be >= 1, HOLD_N, HOLD_COL >= 0", R);
        $finish;
    end
end

reg [1:0] state;
reg [CW-1:0] pcol, prow;
reg [HW-1:0] hold;
wire held = hold != {HW{1'b0}};

assign s_axis_tready = ce && !held && state != ST_FLUSH;
wire beat = s_axis_tvalid && s_axis_tready;
wire start = beat && s_axis_tuser && state == ST_IDLE;
assign push_sof = start;
assign push = state == ST_IDLE ? start :
              state == ST_FRAME ? beat : (ce && !held);

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
        hold <= {HW{1'b0}};
        fw <= {CW{1'b0}};
        fh <= {CW{1'b0}};
    end else begin
        if (start) begin
            fw <= width;
            fh <= height;
        end
        if (ce && held) begin
            hold <= hold - 1'b1;
        end
        if (push) begin
            pcol <= eol_now ? {CW{1'b0}} : col_now + 1'b1;
            prow <= eol_now ? row_now + 1'b1 : row_now;
            if (HOLD_N > 0 && col_now == HOLD_COL[CW-1:0] && row_now >= R[CW-1:0]) begin
                hold <= HOLD_N[HW-1:0];
            end
            case (state)
                ST_IDLE:  state <= frame_end ? ST_FLUSH : ST_FRAME;
                ST_FRAME: state <= frame_end ? ST_FLUSH : ST_FRAME;
                default:  state <= flush_end ? ST_IDLE : ST_FLUSH;
            endcase
        end
    end
end

endmodule

`resetall
