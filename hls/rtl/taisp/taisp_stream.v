// TA-ISP core: stream control. The frame state machine of taisp_core: it takes a frame's
// pixels from the input stream (SOF on tuser[0], EOL on tlast) into the pipeline, checks each
// line against the frame size in use (a short or long line, a missing SOF, an early SOF set
// an ERROR bit; the broken frame is completed with zero pixels, its statistics are dropped
// and input is discarded up to the next SOF), pushes FL*(W + 1) flush pixels through the
// windows after a frame's last pixel (FL = K5/2 + K/2 of the HSA and mask-head kernels:
// 3W + 3), waits for the pipeline to drain, starts the parameter engine, and runs COMMIT
// (weight copy, then the new size and defaults) and RESTART between frames.
//
// States: COMMIT (copy the weights, one word a cycle; apply on the last) -> PARAMS (run the
// parameter engine; take a pending COMMIT or RESTART) -> WAIT_SOF (input ready) -> RUN (the
// frame's pixels) / FILL (zero pixels after a broken line) -> FLUSH -> DRAIN (frame out) ->
// PARAMS. The push outputs, tready and the event outputs (acknowledgements, apply, frame end,
// ERROR bits) are decoded from the state registers and the stream handshake of the same cycle;
// the state itself is registered, synchronous reset.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_regmap.vh"

module taisp_stream #
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

    // frame size in use (the register file's active size)
    input  wire [CW-1:0] width,
    input  wire [CW-1:0] height,

    // CTRL requests (register file) and their acknowledgements (clear the request)
    input  wire          commit_req,
    input  wire          restart_req,
    output wire          commit_ack,
    output wire          restart_ack,
    // COMMIT: copy the shadow weights while copy is high (copy_last: the last word this
    // cycle); apply: take the written frame size and defaults (with the last word)
    output wire          copy,
    input  wire          copy_last,
    output wire          apply,

    // the push into the pipeline: a pixel (or a fill/flush pixel), the frame's first, a pixel
    // of the input (not a fill or flush push: its data is the input beat, it counts in the sums)
    output reg           push,
    output reg           push_sof,
    output reg           push_real,
    // the last beat of a frame leaves the output
    input  wire          out_frame_end,

    // the parameter engine: start pulse, compute the defaults, busy
    output reg           eng_start,
    output reg           eng_defaults,
    input  wire          eng_busy,

    // a frame has left the block (DRAIN done): good (its statistics are kept) or broken
    output wire          frame_good,
    output wire          frame_bad_end,
    // ERROR bits to set this cycle (in place, TAISP_ERROR_* fields)
    output reg  [31:0]   err_set,

    // STATUS: a frame is streaming; the next frame's parameters are ready (input open);
    // the next frame uses the defaults (no good frame since reset or RESTART)
    output wire          in_frame,
    output wire          ready,
    output wire          defaults
);

// flush pushes after a frame, per line plus one: the lag of the HSA window's centre
// (K5/2 lines and pixels) plus that of the mask head's window (K/2)
localparam FL = `TAISP_HSA_K5 / 2 + `TAISP_RGFC_K / 2;
// width of the flush counter: holds FL * (2^CW) - 1
localparam FLW = CW + $clog2(FL + 1);
// width of the count of frames between the input and the output
localparam IFW = 8;

localparam [2:0] ST_COMMIT = 3'd0, ST_PARAMS = 3'd1, ST_WAIT_SOF = 3'd2, ST_RUN = 3'd3,
                 ST_FILL = 3'd4, ST_FLUSH = 3'd5, ST_DRAIN = 3'd6;

reg [2:0] state;
reg [CW-1:0] col, row;
reg [FLW-1:0] flush_cnt;
reg frame_bad, resync, stats_valid, eng_started;
reg [IFW-1:0] in_flight;

assign s_axis_tready = ce && (state == ST_WAIT_SOF ? !(commit_req || restart_req)
                                                   : state == ST_RUN && !(s_axis_tvalid && in_sof));
wire beat = s_axis_tvalid && s_axis_tready;
wire last_col = col == width - 1'b1;
wire last_row = row == height - 1'b1;
// a line that ends early (tlast before the last column) or late (no tlast at the last column)
wire short_line = s_axis_tlast && !last_col;
wire long_line = !s_axis_tlast && last_col;

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

// ------------------------------------------------------------------ events
// PARAMS with the engine idle: a COMMIT waits for the frames in flight, then a RESTART
wire params_idle = state == ST_PARAMS && eng_started && !eng_busy && !eng_start;
assign commit_ack = params_idle && commit_req && in_flight == 0;
assign restart_ack = params_idle && !(commit_req && in_flight == 0) && restart_req;
assign copy = state == ST_COMMIT;
assign apply = copy && copy_last;
wire drained = state == ST_DRAIN && in_flight == 0;
assign frame_good = drained && !frame_bad;
assign frame_bad_end = drained && frame_bad;

always @* begin
    err_set = 32'd0;
    if (state == ST_WAIT_SOF && beat) begin
        if (in_sof) begin
            err_set[`TAISP_ERROR_SHORT_LINE] = s_axis_tlast && width != 1;
        end else begin
            err_set[`TAISP_ERROR_MISSING_SOF] = !resync;
        end
    end
    if (state == ST_RUN) begin
        if (s_axis_tvalid && in_sof && ce) begin
            err_set[`TAISP_ERROR_EARLY_SOF] = 1'b1;
        end else if (beat) begin
            err_set[`TAISP_ERROR_SHORT_LINE] = short_line;
            err_set[`TAISP_ERROR_LONG_LINE] = long_line;
        end
    end
end

assign in_frame = state == ST_RUN || state == ST_FILL || state == ST_FLUSH || state == ST_DRAIN;
assign ready = state == ST_WAIT_SOF && !eng_busy && !commit_req && !restart_req;
assign defaults = !stats_valid;

// ------------------------------------------------------------------ state machine
wire in_frame_start = push && push_sof && ce;

always @(posedge clk) begin
    eng_start <= 1'b0;

    // frames between the input and the output
    case ({in_frame_start, out_frame_end})
        2'b10: in_flight <= in_flight + 1'b1;
        2'b01: in_flight <= in_flight - 1'b1;
        default: in_flight <= in_flight;
    endcase

    case (state)
        ST_COMMIT: begin
            // the weight copy (taisp_weights) runs while copy is high
            if (copy_last) begin
                state <= ST_PARAMS;
                eng_started <= 1'b0;
            end
        end
        ST_PARAMS: begin
            if (!eng_started) begin
                // after a commit: recompute from the kept statistics (or the defaults)
                eng_start <= 1'b1;
                eng_defaults <= !stats_valid;
                eng_started <= 1'b1;
            end else if (commit_ack) begin
                state <= ST_COMMIT;
            end else if (restart_ack) begin
                stats_valid <= 1'b0;
                eng_started <= 1'b0;
            end else if (params_idle && !commit_req) begin
                state <= ST_WAIT_SOF;
            end
        end
        ST_WAIT_SOF: begin
            if (commit_req || restart_req) begin
                state <= ST_PARAMS;
            end else if (beat && in_sof) begin
                resync <= 1'b0;
                frame_bad <= 1'b0;
                if (s_axis_tlast && width != 1) begin
                    frame_bad <= 1'b1;
                    state <= ST_FILL;
                end else begin
                    state <= ST_RUN;
                end
                col <= 1;
                row <= 0;
            end
        end
        ST_RUN: begin
            if (s_axis_tvalid && in_sof && ce) begin
                // SOF inside a frame: the frame is cut short
                frame_bad <= 1'b1;
                state <= ST_FILL;
            end else if (beat) begin
                if (short_line || long_line) begin
                    frame_bad <= 1'b1;
                    resync <= 1'b1;
                end
                if (last_col && last_row) begin
                    state <= ST_FLUSH;
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
                    state <= ST_FLUSH;
                    flush_cnt <= 0;
                end
            end
        end
        ST_FLUSH: begin
            if (ce) begin
                flush_cnt <= flush_cnt + 1'b1;
                if (flush_cnt == FL * width + FL - 1) begin
                    state <= ST_DRAIN;
                end
            end
        end
        ST_DRAIN: begin
            if (drained) begin
                if (!frame_bad) begin
                    stats_valid <= 1'b1;
                    eng_started <= 1'b0;
                end else begin
                    eng_started <= 1'b1;
                end
                state <= ST_PARAMS;
            end
        end
        default: state <= ST_PARAMS;
    endcase

    if (rst) begin
        state <= ST_COMMIT;
        stats_valid <= 1'b0;
        eng_start <= 1'b0;
        eng_started <= 1'b0;
        eng_defaults <= 1'b1;
        in_flight <= {IFW{1'b0}};
        resync <= 1'b0;
        frame_bad <= 1'b0;
        col <= {CW{1'b0}};
        row <= {CW{1'b0}};
        flush_cnt <= {FLW{1'b0}};
    end
end

endmodule

`resetall
