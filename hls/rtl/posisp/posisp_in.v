// POS-ISP: the chain's input stage. Requantizes each component of an RGB beat of frontend.x
// (the front end's output format) into chain.x, the one format between the filters
// (fixedpoint/README.md, POS-ISP: x = rq(frontend.x, Ffe, chain.x)). One register stage,
// ce = !m_axis_tvalid || m_axis_tready; formats from posisp_config.vh.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_in
(
    input  wire                             clk,
    input  wire                             rst,

    input  wire [3*`POSISP_FRONTEND_X_W-1:0] s_axis_tdata,
    input  wire                             s_axis_tvalid,
    output wire                             s_axis_tready,
    input  wire                             s_axis_tlast,
    input  wire                             s_axis_tuser,

    output reg  [3*`POSISP_CHAIN_X_W-1:0]   m_axis_tdata,
    output reg                              m_axis_tvalid,
    input  wire                             m_axis_tready,
    output reg                              m_axis_tlast,
    output reg                              m_axis_tuser
);

localparam FXW = `POSISP_FRONTEND_X_W;
localparam XW = `POSISP_CHAIN_X_W;

wire ce = !m_axis_tvalid || m_axis_tready;
assign s_axis_tready = ce;

wire [3*XW-1:0] x;
/* verilator lint_off UNUSEDSIGNAL */
wire [2:0] ovf;  // an unsigned value into a format with more integer bits: never set
/* verilator lint_on UNUSEDSIGNAL */

genvar k;
generate
    for (k = 0; k < 3; k = k + 1) begin : g_rq
        isp_rq #(.IN_W(FXW + 1), .IN_F(`POSISP_FRONTEND_X_F), `POSISP_RQ_CHAIN_X_PARAMS) u_rq (
            .in({1'b0, s_axis_tdata[k*FXW +: FXW]}), .out(x[k*XW +: XW]), .ovf(ovf[k]));
    end
endgenerate

always @(posedge clk) begin
    if (ce) begin
        m_axis_tvalid <= s_axis_tvalid;
        m_axis_tdata <= x;
        m_axis_tlast <= s_axis_tlast;
        m_axis_tuser <= s_axis_tuser;
    end
    if (rst) begin
        m_axis_tvalid <= 1'b0;
    end
end

endmodule

`resetall
