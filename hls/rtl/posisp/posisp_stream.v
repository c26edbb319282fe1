// POS-ISP: stream control of the generated chain (posisp_chain). Takes a frame's pixels from
// the input stream (SOF on tuser[0], EOL on tlast), checks each line against the frame size in
// use and hands them on as the chain's input stream with SOF and EOL regenerated from its own
// counters, so the filters always see whole frames of width x height beats. A short or long
// line, a missing SOF or an SOF inside a frame sets an ERROR bit (POSISP_ERROR_* fields); the
// broken frame is completed with zero pixels (the window filters need every beat) and counted
// in BAD_FRAMES, and input is discarded up to the next SOF. Between frames, once the last
// frame has left the chain (the output's last beat), a pending COMMIT or RESTART is applied
// (apply pulse) with the input held; then the next SOF is taken.
//
// States: IDLE (between frames: input open, non-SOF beats dropped) -> RUN (the frame's pixels)
// / FILL (zero pixels after a broken line) -> IDLE. The frame count in flight (input frames
// started minus output frames ended) tells when the chain is empty. The output is one register
// stage (m_axis_*, with the pixel as it came: the chain's input requantization follows it);
// a frame's start, end (good or broken) and the ERROR bits are pulses decoded from the state
// and the handshake of the same cycle. Synchronous reset.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_regmap.vh"

module posisp_stream #
(
    // Width of one pixel beat (the three components, packed)
    parameter DW = 51,
    // Width of the frame size and position counters
    parameter CW = 12
)
(
    input  wire          clk,
    input  wire          rst,

    // input stream
    input  wire [DW-1:0] s_axis_tdata,
    input  wire          s_axis_tvalid,
    output wire          s_axis_tready,
    input  wire          s_axis_tlast,
    input  wire          s_axis_tuser,

    // the chain's input: whole frames, SOF and EOL from the counters
    output reg  [DW-1:0] m_axis_tdata,
    output reg           m_axis_tvalid,
    input  wire          m_axis_tready,
    output reg           m_axis_tlast,
    output reg           m_axis_tuser,

    // the chain's output beats (the end of a frame leaving the chain): handshake, EOL, SOF
    input  wire          out_beat,
    input  wire          out_last,
    input  wire          out_sof,

    // frame size in use (the register file's active size)
    input  wire [CW-1:0] width,
    input  wire [CW-1:0] height,

    // a COMMIT or RESTART waits (register file): hold the input, apply between frames
    input  wire          apply_req,
    output wire          apply,

    // a frame's last beat entered the chain: good or broken
    output wire          frame_good,
    output wire          frame_bad,
    // ERROR bits to set this cycle (in place, POSISP_ERROR_* fields)
    output reg  [31:0]   err_set,
    // STATUS.IN_FRAME: a frame is in the chain
    output wire          in_frame
);

// width of the count of frames between the input and the output
localparam IFW = 8;

localparam [1:0] ST_IDLE = 2'd0, ST_RUN = 2'd1, ST_FILL = 2'd2;

reg [1:0] state;
reg [CW-1:0] col, row, out_row;
reg bad, resync;
reg [IFW-1:0] in_flight;

// the output register moves
wire ce = !m_axis_tvalid || m_axis_tready;
assign s_axis_tready = ce && (state == ST_IDLE ? !apply_req : state == ST_RUN && !(s_axis_tvalid && s_axis_tuser));
wire beat = s_axis_tvalid && s_axis_tready;
wire last_col = col == width - 1'b1;
wire last_row = row == height - 1'b1;
wire early_sof = state == ST_RUN && s_axis_tvalid && s_axis_tuser && ce;

// pushes into the output register: a frame's first pixel, its pixels, fill pixels
wire push_first = state == ST_IDLE && beat && s_axis_tuser;
wire push = push_first || (state == ST_RUN && beat) || (state == ST_FILL && ce);
// the position of the pushed pixel (the first one is column 0, row 0)
wire p_last_col = push_first ? width == 1 : last_col;
wire p_last_row = push_first ? height == 1 : last_row;
wire push_end = push && p_last_col && p_last_row;
// the pushed pixel makes the frame broken: a short or long line (the first line too)
wire p_broken = (push_first || state == ST_RUN) && (s_axis_tlast != p_last_col);
wire out_end = out_beat && out_last && (out_sof ? height == 1 : out_row == height - 1'b1);

assign apply = state == ST_IDLE && apply_req && in_flight == 0 && !out_end;
assign frame_good = push_end && !(state == ST_FILL || (state == ST_RUN && bad) || p_broken);
assign frame_bad = push_end && !frame_good;
assign in_frame = state != ST_IDLE || in_flight != 0;

always @* begin
    err_set = 32'd0;
    if (state == ST_IDLE && beat && !s_axis_tuser) begin
        err_set[`POSISP_ERROR_MISSING_SOF] = !resync;
    end
    if (early_sof) begin
        err_set[`POSISP_ERROR_EARLY_SOF] = 1'b1;
    end else if (push && state != ST_FILL) begin
        err_set[`POSISP_ERROR_SHORT_LINE] = s_axis_tlast && !p_last_col;
        err_set[`POSISP_ERROR_LONG_LINE] = !s_axis_tlast && p_last_col;
    end
end

always @(posedge clk) begin
    // the output register
    if (ce) begin
        m_axis_tvalid <= push;
        if (push) begin
            m_axis_tdata <= state == ST_FILL ? {DW{1'b0}} : s_axis_tdata;
            m_axis_tlast <= p_last_col;
            m_axis_tuser <= push_first;
        end
    end

    // frames between the input and the output
    case ({push_first && ce, out_end})
        2'b10: in_flight <= in_flight + 1'b1;
        2'b01: in_flight <= in_flight - 1'b1;
        default: in_flight <= in_flight;
    endcase
    if (out_beat) begin
        out_row <= out_sof ? {{(CW-1){1'b0}}, out_last} : out_last ? out_row + 1'b1 : out_row;
    end

    if (push) begin
        col <= p_last_col ? {CW{1'b0}} : (push_first ? {{(CW-1){1'b0}}, 1'b1} : col + 1'b1);
        row <= push_first ? {{(CW-1){1'b0}}, p_last_col} : p_last_col ? row + 1'b1 : row;
    end

    case (state)
        ST_IDLE: begin
            if (push_first) begin
                resync <= 1'b0;
                bad <= p_broken;
                state <= push_end ? ST_IDLE : p_broken ? ST_FILL : ST_RUN;
            end
        end
        ST_RUN: begin
            if (early_sof) begin
                // SOF inside a frame: the frame is cut short (completed with zeros)
                bad <= 1'b1;
                state <= ST_FILL;
            end else if (beat) begin
                if (p_broken) begin
                    bad <= 1'b1;
                    resync <= 1'b1;
                end
                state <= push_end ? ST_IDLE : p_broken ? ST_FILL : ST_RUN;
            end
        end
        ST_FILL: begin
            if (push_end) begin
                state <= ST_IDLE;
            end
        end
        default: state <= ST_IDLE;
    endcase

    if (rst) begin
        state <= ST_IDLE;
        m_axis_tvalid <= 1'b0;
        in_flight <= {IFW{1'b0}};
        out_row <= {CW{1'b0}};
        col <= {CW{1'b0}};
        row <= {CW{1'b0}};
        bad <= 1'b0;
        resync <= 1'b0;
    end
end

endmodule

`resetall
