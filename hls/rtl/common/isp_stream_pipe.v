// The stream control of a pointwise block: an AXI4-Stream in, one out, one pixel per clock,
// full backpressure, around a datapath of LAT register stages that all advance on ce.
//
// House convention (taisp_core, isp_frontend): ce = !m_axis_tvalid || m_axis_tready (the
// pipeline moves whenever its last stage is empty or drained), s_axis_tready = ce. The beat's
// valid bit and its side band (tlast, tuser, ...) travel in an isp_delay of LAT stages beside
// the datapath, so m_axis_tvalid / m_side are registered and line up with the datapath's
// last register stage. Bubbles move through the pipeline like beats.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_stream_pipe #
(
    // Register stages of the datapath between s_axis and m_axis (>= 1)
    parameter LAT = 1,
    // Bits of side band carried with each beat (e.g. {tlast, tuser})
    parameter SIDE_W = 2
)
(
    input  wire              clk,
    input  wire              rst,
    input  wire              s_axis_tvalid,
    output wire              s_axis_tready,
    input  wire [SIDE_W-1:0] s_side,
    output wire              m_axis_tvalid,
    input  wire              m_axis_tready,
    output wire [SIDE_W-1:0] m_side,
    // the datapath's clock enable
    output wire              ce
);

initial begin
    if (LAT < 1) begin
        $error("isp_stream_pipe: LAT = %0d must be >= 1", LAT);
        $finish;
    end
end

assign ce = !m_axis_tvalid || m_axis_tready;
assign s_axis_tready = ce;

isp_delay #(.DW(1), .N(LAT), .RESET(1)) u_valid (
    .clk(clk), .rst(rst), .ce(ce), .in(s_axis_tvalid), .out(m_axis_tvalid)
);

isp_delay #(.DW(SIDE_W), .N(LAT), .RESET(0)) u_side (
    .clk(clk), .rst(rst), .ce(ce), .in(s_side), .out(m_side)
);

endmodule

`resetall
