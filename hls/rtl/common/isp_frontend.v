// ISP front end: the streaming Bayer front end, sensor samples in, linear RGB out. The Verilog
// twin of fixedpoint.frontend (normalize, then the bilinear or bin2 demosaic), bit for bit.
//
// Input: AXI4-Stream, one Bayer sample (DN, DN_W bits, zero-extended to whole bytes) per
// beat, SOF on tuser[0], EOL on tlast. Output: AXI4-Stream RGB in the format of frontend.x,
// packed as AMD/Xilinx video IP does (UG934: G in the low bits, then B, then R, padded to
// whole bytes), SOF on tuser[0], EOL on tlast; full backpressure (the pipeline moves when the
// output can). bilinear: W x H pixels out, one per clock, W + 1 flush pushes after a frame;
// bin2: W/2 x H/2 pixels out, one per two input samples of every odd line.
//
// Settings (frame size, CFA code, demosaic, black level and gain per 2x2 position) are the
// owner's, held stable between frames: the owner raises hold and waits for idle before it
// changes them. A broken input frame (short or long line, early SOF: isp_bayer_stream) is
// completed with zero samples and its last output beat leaves without tlast (a long line to a
// TA-ISP core downstream, which then drops the frame's statistics as for its own stream errors).
//
// Modules: isp_bayer_stream (stream control, line checks, flush) -> isp_bayer_norm (black,
// gain, frontend.x) -> isp_bilinear / isp_bin2 -> output register.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_frontend #
(
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame size and position counters
    parameter CW = 12,
    // Bits of a Bayer sample (DN)
    parameter DN_W = 16,
    // Width of a gain (frontend.gain, unsigned)
    parameter GAIN_W = 33,
    // Fractional bits of a gain
    parameter GAIN_F = 40,
    // Width of frontend.x (unsigned)
    parameter X_W = 17,
    // Fractional bits of frontend.x
    parameter X_F = 16,
    // Rounding mode into frontend.x (isp_rq codes)
    parameter X_RND = 2,
    // Overflow mode into frontend.x (isp_rq codes)
    parameter X_OVF = 0,
    // Width of frontend.avg (must equal X_W: the means share the output stream)
    parameter AVG_W = 17,
    // Fractional bits of frontend.avg (must equal X_F)
    parameter AVG_F = 16,
    // Rounding mode into frontend.avg (isp_rq codes)
    parameter AVG_RND = 2,
    // Overflow mode into frontend.avg (isp_rq codes)
    parameter AVG_OVF = 0,
    // Colour (R 0, G 1, B 2) of 2x2 position p of CFA code k at bits 2*(4k + p)
    parameter [31:0] CFA_CELLS = 32'h49611694
)
(
    input  wire                  clk,
    input  wire                  rst,

    input  wire [(DN_W+7)/8*8-1:0] s_axis_tdata,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire [0:0]            s_axis_tuser,

    output reg  [(3*X_W+7)/8*8-1:0] m_axis_tdata,
    output reg                   m_axis_tvalid,
    input  wire                  m_axis_tready,
    output reg                   m_axis_tlast,
    output reg  [0:0]            m_axis_tuser,

    // settings: Bayer frame size, CFA code, demosaic (1: bin2), black level and gain per
    // 2x2 position (position p at bits p*DN_W / p*GAIN_W)
    input  wire [CW-1:0]         width,
    input  wire [CW-1:0]         height,
    input  wire [1:0]            cfa,
    input  wire                  bin2,
    input  wire [4*DN_W-1:0]     black,
    input  wire [4*GAIN_W-1:0]   gain,

    // take no new frame; between frames (the settings may change while hold and idle)
    input  wire                  hold,
    output wire                  idle,
    // input errors this cycle: {early SOF, missing SOF, long line, short line}
    output wire [3:0]            err_set
);

// output stream width: the three components, padded to whole bytes
localparam MW = (3 * X_W + 7) / 8 * 8;

initial begin
    if (AVG_W != X_W || AVG_F != X_F) begin
        $error("isp_frontend: frontend.avg (%0d, %0d) must have the format of frontend.x (%0d, %0d)",
               AVG_W, AVG_F, X_W, X_F);
        $finish;
    end
end

// the pipeline moves when the output can: registered output or its taker ready
wire ce = !m_axis_tvalid || m_axis_tready;

// ------------------------------------------------------------------ stream control
wire push, push_sof, push_real, frame_bad;
wire [1:0] push_pos;
reg out_last;
wire out_frame_end = m_axis_tvalid && m_axis_tready && out_last;

isp_bayer_stream #(.CW(CW)) u_stream (
    .clk(clk), .rst(rst), .ce(ce),
    .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready), .s_axis_tlast(s_axis_tlast),
    .in_sof(s_axis_tuser[0]), .width(width), .height(height), .bin2(bin2), .hold(hold),
    .push(push), .push_sof(push_sof), .push_real(push_real), .push_pos(push_pos),
    .out_frame_end(out_frame_end), .frame_bad(frame_bad), .idle(idle), .err_set(err_set)
);

// ------------------------------------------------------------------ normalisation
wire n_push, n_sof;
wire [X_W-1:0] n_x;
isp_bayer_norm #(.DN_W(DN_W), .GAIN_W(GAIN_W), .GAIN_F(GAIN_F), .X_W(X_W), .X_F(X_F), .X_RND(X_RND),
                 .X_OVF(X_OVF)) u_norm (
    .clk(clk), .rst(rst), .ce(ce), .black(black), .gain(gain),
    .in_push(push), .in_sof(push_sof), .in_pos(push_pos),
    .in_dn(push_real ? s_axis_tdata[DN_W-1:0] : {DN_W{1'b0}}),
    .out_push(n_push), .out_sof(n_sof), .out_x(n_x)
);

// ------------------------------------------------------------------ demosaic
wire bl_push, bl_sof, bl_eol, bl_last;
wire [3*X_W-1:0] bl_rgb;
isp_bilinear #(.MAX_W(MAX_W), .CW(CW), .X_W(X_W), .X_F(X_F), .AVG_F(AVG_F), .AVG_RND(AVG_RND),
               .AVG_OVF(AVG_OVF), .CFA_CELLS(CFA_CELLS)) u_bilinear (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height), .cfa(cfa),
    .in_push(n_push && !bin2), .in_sof(n_sof), .in_x(n_x),
    .out_push(bl_push), .out_sof(bl_sof), .out_eol(bl_eol), .out_last(bl_last), .out_rgb(bl_rgb)
);

wire b2_push, b2_sof, b2_eol, b2_last;
wire [3*X_W-1:0] b2_rgb;
isp_bin2 #(.MAX_W(MAX_W), .CW(CW), .X_W(X_W), .X_F(X_F), .AVG_F(AVG_F), .AVG_RND(AVG_RND),
           .AVG_OVF(AVG_OVF), .CFA_CELLS(CFA_CELLS)) u_bin2 (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height), .cfa(cfa),
    .in_push(n_push && bin2), .in_sof(n_sof), .in_x(n_x),
    .out_push(b2_push), .out_sof(b2_sof), .out_eol(b2_eol), .out_last(b2_last), .out_rgb(b2_rgb)
);

// ------------------------------------------------------------------ output register
wire d_push = bin2 ? b2_push : bl_push;
wire d_sof = bin2 ? b2_sof : bl_sof;
wire d_eol = bin2 ? b2_eol : bl_eol;
wire d_last = bin2 ? b2_last : bl_last;
wire [3*X_W-1:0] d_rgb = bin2 ? b2_rgb : bl_rgb;

always @(posedge clk) begin
    if (ce) begin
        m_axis_tvalid <= d_push;
        // UG934: G low, then B, then R
        m_axis_tdata <= {{(MW - 3*X_W){1'b0}}, d_rgb[0 +: X_W], d_rgb[2*X_W +: X_W], d_rgb[X_W +: X_W]};
        m_axis_tuser <= d_sof;
        // a broken frame's last beat leaves without EOL
        m_axis_tlast <= d_eol && !(d_last && frame_bad);
        out_last <= d_last;
    end
    if (rst) begin
        m_axis_tvalid <= 1'b0;
    end
end

// bits the front end does not use: the padding of the input stream
/* verilator lint_off UNUSEDSIGNAL */
wire unused_ok = |s_axis_tdata;
/* verilator lint_on UNUSEDSIGNAL */

endmodule

`resetall
