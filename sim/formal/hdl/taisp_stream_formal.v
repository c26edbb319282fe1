// Formal harness of taisp_stream (the stream control of taisp_core; sim/formal), with every
// input free but for: reset in the first cycle; the input master holds a beat until taken;
// the pipeline's clock enable ce is free (any backpressure); the parameter engine behaves as
// one (busy rises the cycle after eng_start and falls after any number of cycles; it never
// rises without a start); copy_last comes only during copy; out_frame_end comes only for a
// frame in flight. Frame size: any constant WIDTH x HEIGHT (>= 2 x 1) of CW bits.
// Asserted:
//   P4 input never taken (tvalid && tready) while the parameter engine is busy, nor while
//      the engine has been started and has not finished (the documented stall: tready stays
//      low from the end of a frame until the parameters are ready);
//   P5 tready only when ce (the pipeline moves): a beat taken is pushed the same cycle;
//   P6 a beat taken is pushed exactly once: every beat taken in a frame, and a SOF beat
//      between frames, is pushed (push with push_real) in the cycle it is taken, other beats
//      between frames are dropped (the documented resynchronisation), and nothing real is
//      pushed without a beat;
//   P7 the engine is started only when idle.

`default_nettype none

module taisp_stream_formal #
(
    // counter width of the frame size
    parameter CW = 3
)
(
    input  wire          clk,
    input  wire          rst,
    input  wire          ce,
    input  wire          s_axis_tvalid,
    input  wire          s_axis_tlast,
    input  wire          in_sof,
    input  wire          commit_req,
    input  wire          restart_req,
    input  wire          copy_last_any,
    input  wire          out_frame_end_any,
    input  wire          eng_finish
);

(* anyconst *) wire [CW-1:0] width;
(* anyconst *) wire [CW-1:0] height;

wire s_axis_tready, commit_ack, restart_ack, copy, apply, push, push_sof, push_real;
wire eng_start, eng_defaults, frame_good, frame_bad_end, in_frame, ready, defaults;
wire [31:0] err_set;
reg eng_busy = 1'b0;
wire copy_last = copy && copy_last_any;

taisp_stream #(.CW(CW)) dut (
    .clk(clk), .rst(rst), .ce(ce),
    .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast), .in_sof(in_sof),
    .width(width), .height(height),
    .commit_req(commit_req), .restart_req(restart_req), .commit_ack(commit_ack), .restart_ack(restart_ack),
    .copy(copy), .copy_last(copy_last), .apply(apply),
    .push(push), .push_sof(push_sof), .push_real(push_real), .out_frame_end(out_frame_end_any && in_frame),
    .eng_start(eng_start), .eng_defaults(eng_defaults), .eng_busy(eng_busy),
    .frame_good(frame_good), .frame_bad_end(frame_bad_end), .err_set(err_set),
    .in_frame(in_frame), .ready(ready), .defaults(defaults)
);

// the parameter engine: busy from the cycle after a start until eng_finish
always @(posedge clk) begin
    if (rst) eng_busy <= 1'b0;
    else if (!eng_busy && eng_start) eng_busy <= 1'b1;
    else if (eng_busy && eng_finish) eng_busy <= 1'b0;
end

`ifdef FORMAL
reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) begin
    if (!f_past) assume(rst);
    assume(width >= 2 && height >= 1);
end
always @(posedge clk)
    if (f_past && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
        assume(s_axis_tvalid && $stable(s_axis_tlast) && $stable(in_sof));

wire beat = s_axis_tvalid && s_axis_tready;
always @(*) begin
    if (f_past && !rst) begin
        assert(!(beat && eng_busy));                        // P4
        assert(!(beat && eng_start));                       // P4: nor in the start cycle
        assert(!s_axis_tready || ce);                       // P5
        assert(!(beat && in_frame) || (push && push_real)); // P6: in a frame every beat taken is pushed
        assert(!(beat && !in_frame) || (push == in_sof));   // P6: between frames only a SOF starts one
        assert(!(push && push_real) || beat);               // P6: no real push without a beat
        assert(!(eng_start && eng_busy));                   // P7
    end
end

always @(posedge clk) if (f_past && !rst) cover(frame_good);
`endif

endmodule

`default_nettype wire
