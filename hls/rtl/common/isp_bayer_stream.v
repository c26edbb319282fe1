// ISP front end: stream control of the Bayer input. Takes a frame's samples from the input
// stream (SOF on tuser[0], EOL on tlast) as pushes into the front end's pipeline, checks each
// line against the frame size in use, and after the frame's last sample pushes the flush
// samples the demosaic window needs (bilinear: W + 1, the lag of its 3x3 window's centre;
// bin2: none), then waits until the frame's last output beat has left (DRAIN).
//
// Errors are handled as in the TA-ISP core's stream control: a short line (EOL early), a long
// line (no EOL at the last sample), an early SOF (inside a frame) complete the frame with zero
// samples (the output keeps its framing) and mark it broken (frame_bad, held until the next
// frame starts); samples are discarded until the next SOF, and samples while waiting for a
// SOF are dropped (MISSING_SOF, once per broken stretch). err_set pulses one bit per error.
// hold keeps the block between frames (no SOF taken): the owner applies new settings then.
//
// States: WAIT_SOF (input ready unless hold) -> RUN (the frame's samples) / FILL (zero samples
// after a broken line) -> FLUSH (bilinear) -> DRAIN -> WAIT_SOF. Synchronous reset.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_bayer_stream #
(
    // Width of the frame size and position counters
    parameter CW = 12
)
(
    input  wire          clk,
    input  wire          rst,
    // the pipeline's clock enable (the output can move)
    input  wire          ce,

    // input stream: handshake, EOL and SOF (tuser[0])
    input  wire          s_axis_tvalid,
    output wire          s_axis_tready,
    input  wire          s_axis_tlast,
    input  wire          in_sof,

    // Bayer frame size in use (width >= 2, height >= 2), demosaic (1: bin2, no flush)
    input  wire [CW-1:0] width,
    input  wire [CW-1:0] height,
    input  wire          bin2,
    // stay between frames (take no SOF)
    input  wire          hold,

    // the push into the pipeline: a sample, a fill or a flush push; the frame's first; a sample
    // of the input (its data is the input beat; fill and flush pushes carry zero)
    output reg           push,
    output reg           push_sof,
    output reg           push_real,
    // 2x2 CFA position of the pushed sample: {row[0], col[0]}
    output wire [1:0]    push_pos,
    // the frame's last output beat leaves the block
    input  wire          out_frame_end,

    // the frame (the one in the pipeline) is broken: set at the error, kept until the next SOF
    output reg           frame_bad,
    // between frames (WAIT_SOF): nothing of a frame in the pipeline
    output wire          idle,
    // errors this cycle: {early SOF, missing SOF, long line, short line}
    output reg  [3:0]    err_set
);

// width of the flush counter: holds 2^CW
localparam FLW = CW + 1;

localparam [2:0] ST_WAIT_SOF = 3'd0, ST_RUN = 3'd1, ST_FILL = 3'd2, ST_FLUSH = 3'd3, ST_DRAIN = 3'd4;

reg [2:0] state;
reg [CW-1:0] col, row;
reg [FLW-1:0] flush_cnt;
reg resync;

assign s_axis_tready = ce && (state == ST_WAIT_SOF ? !hold : state == ST_RUN && !(s_axis_tvalid && in_sof));
wire beat = s_axis_tvalid && s_axis_tready;
wire last_col = col == width - 1'b1;
wire last_row = row == height - 1'b1;
wire short_line = s_axis_tlast && !last_col;
wire long_line = !s_axis_tlast && last_col;
// after the frame's last push: flush (bilinear) or drain (bin2)
wire [2:0] st_end = bin2 ? ST_DRAIN : ST_FLUSH;

assign push_pos = state == ST_WAIT_SOF ? 2'b00 : {row[0], col[0]};
assign idle = state == ST_WAIT_SOF;

always @* begin
    push = 1'b0;
    push_sof = 1'b0;
    push_real = 1'b0;
    case (state)
        ST_WAIT_SOF: begin
            push = beat && in_sof;
            push_sof = 1'b1;
            push_real = 1'b1;
        end
        ST_RUN: begin
            push = beat;
            push_real = 1'b1;
        end
        ST_FILL, ST_FLUSH: push = ce;
        default: push = 1'b0;
    endcase
end

always @* begin
    err_set = 4'd0;
    if (state == ST_WAIT_SOF && beat) begin
        if (in_sof) begin
            err_set[0] = s_axis_tlast;
        end else begin
            err_set[2] = !resync;
        end
    end
    if (state == ST_RUN) begin
        if (s_axis_tvalid && in_sof && ce) begin
            err_set[3] = 1'b1;
        end else if (beat) begin
            err_set[0] = short_line;
            err_set[1] = long_line;
        end
    end
end

always @(posedge clk) begin
    case (state)
        ST_WAIT_SOF: begin
            if (beat && in_sof) begin
                resync <= 1'b0;
                frame_bad <= s_axis_tlast;
                state <= s_axis_tlast ? ST_FILL : ST_RUN;
                col <= 1;
                row <= 0;
            end
        end
        ST_RUN: begin
            if (s_axis_tvalid && in_sof && ce) begin
                // SOF inside a frame: the frame is cut short (the SOF beat starts the next)
                frame_bad <= 1'b1;
                state <= ST_FILL;
            end else if (beat) begin
                if (short_line || long_line) begin
                    frame_bad <= 1'b1;
                    resync <= 1'b1;
                end
                if (last_col && last_row) begin
                    state <= st_end;
                    flush_cnt <= 0;
                end else if (short_line || long_line) begin
                    state <= ST_FILL;
                end
                col <= last_col ? {CW{1'b0}} : col + 1'b1;
                row <= last_col ? row + 1'b1 : row;
            end
        end
        ST_FILL: begin
            if (ce) begin
                col <= last_col ? {CW{1'b0}} : col + 1'b1;
                row <= last_col ? row + 1'b1 : row;
                if (last_col && last_row) begin
                    state <= st_end;
                    flush_cnt <= 0;
                end
            end
        end
        ST_FLUSH: begin
            if (ce) begin
                flush_cnt <= flush_cnt + 1'b1;
                if (flush_cnt == {1'b0, width}) begin
                    state <= ST_DRAIN;
                end
            end
        end
        ST_DRAIN: begin
            if (out_frame_end) begin
                state <= ST_WAIT_SOF;
            end
        end
        default: state <= ST_WAIT_SOF;
    endcase

    if (rst) begin
        state <= ST_WAIT_SOF;
        resync <= 1'b0;
        frame_bad <= 1'b0;
        col <= {CW{1'b0}};
        row <= {CW{1'b0}};
        flush_cnt <= {FLW{1'b0}};
    end
end

endmodule

`resetall
