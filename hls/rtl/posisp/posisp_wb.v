// POS-ISP white balance: y_k = rq(x_k * WB_GAIN_k, Fx + Fg, chain.x), gain 0 on R, 1 on G, 2 on B
// (fixedpoint/README.md, "POS-ISP" 10; fixedpoint.posisp.filters.wb). AXI4-Stream in and out,
// one pixel per clock, full backpressure; latency 2 (posisp_gain3).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_wb
(
    input  wire                           clk,
    input  wire                           rst,
    // WB_GAIN0..2: raw wb.gain of R, G, B (normalised gains)
    input  wire [`POSISP_WB_GAIN_W-1:0]   wb_gain0,
    input  wire [`POSISP_WB_GAIN_W-1:0]   wb_gain1,
    input  wire [`POSISP_WB_GAIN_W-1:0]   wb_gain2,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0] s_axis_tdata,
    input  wire                           s_axis_tvalid,
    output wire                           s_axis_tready,
    input  wire                           s_axis_tlast,
    input  wire                           s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0] m_axis_tdata,
    output wire                           m_axis_tvalid,
    input  wire                           m_axis_tready,
    output wire                           m_axis_tlast,
    output wire                           m_axis_tuser,
    // requantizations of the beat on m_axis that saturated
    output wire [3:0]                     m_axis_sat
);

initial begin
    if (`POSISP_WB_GAIN_S != 0) begin
        $error("posisp_wb: wb.gain must be unsigned");
        $finish;
    end
end

// lanes: 0 G, 1 B, 2 R
posisp_gain3 #(.GW(`POSISP_WB_GAIN_W), .GF(`POSISP_WB_GAIN_F)) u_gain (
    .clk(clk), .rst(rst), .gain({wb_gain0, wb_gain2, wb_gain1}),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser), .m_axis_sat(m_axis_sat)
);

endmodule

`resetall
