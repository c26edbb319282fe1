// POS-ISP exposure: y = rq(x * EXPOSURE_GAIN, Fx + Fg, chain.x) on every component
// (fixedpoint/README.md, "POS-ISP" 1; fixedpoint.posisp.filters.exposure). AXI4-Stream in and
// out, one pixel per clock, full backpressure; latency 2 (posisp_gain3).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_exposure
(
    input  wire                               clk,
    input  wire                               rst,
    // EXPOSURE_GAIN: raw exposure.gain (2^ev)
    input  wire [`POSISP_EXPOSURE_GAIN_W-1:0] exposure_gain,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0]     s_axis_tdata,
    input  wire                               s_axis_tvalid,
    output wire                               s_axis_tready,
    input  wire                               s_axis_tlast,
    input  wire                               s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0]     m_axis_tdata,
    output wire                               m_axis_tvalid,
    input  wire                               m_axis_tready,
    output wire                               m_axis_tlast,
    output wire                               m_axis_tuser,
    // requantizations of the beat on m_axis that saturated
    output wire [3:0]                         m_axis_sat
);

initial begin
    if (`POSISP_EXPOSURE_GAIN_S != 0) begin
        $error("posisp_exposure: exposure.gain must be unsigned");
        $finish;
    end
end

posisp_gain3 #(.GW(`POSISP_EXPOSURE_GAIN_W), .GF(`POSISP_EXPOSURE_GAIN_F)) u_gain (
    .clk(clk), .rst(rst), .gain({3{exposure_gain}}),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser), .m_axis_sat(m_axis_sat)
);

endmodule

`resetall
