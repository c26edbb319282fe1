// POS-ISP: the chain's output stage. Brings each component of an RGB beat of chain.x into the
// output format chain.out (fixedpoint/README.md, POS-ISP: out = rq(min(y, 1) * 255, Fx,
// chain.out), the float model's 8-bit image). One register stage, ce = !m_axis_tvalid ||
// m_axis_tready; formats from posisp_config.vh.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_out
(
    input  wire                             clk,
    input  wire                             rst,

    input  wire [3*`POSISP_CHAIN_X_W-1:0]   s_axis_tdata,
    input  wire                             s_axis_tvalid,
    output wire                             s_axis_tready,
    input  wire                             s_axis_tlast,
    input  wire                             s_axis_tuser,

    output reg  [3*`POSISP_CHAIN_OUT_W-1:0] m_axis_tdata,
    output reg                              m_axis_tvalid,
    input  wire                             m_axis_tready,
    output reg                              m_axis_tlast,
    output reg                              m_axis_tuser
);

localparam XW = `POSISP_CHAIN_X_W;
localparam OW = `POSISP_CHAIN_OUT_W;
// 1.0 in chain.x (the clamp)
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
// the scale of the float model's 8-bit image (the spec's 255)
localparam [7:0] SCALE = 8'd255;

wire ce = !m_axis_tvalid || m_axis_tready;
assign s_axis_tready = ce;

wire [3*OW-1:0] y;
/* verilator lint_off UNUSEDSIGNAL */
wire [2:0] ovf;  // at most 255 in chain.out: never set
/* verilator lint_on UNUSEDSIGNAL */

genvar k;
generate
    for (k = 0; k < 3; k = k + 1) begin : g_rq
        wire [XW-1:0] c = s_axis_tdata[k*XW +: XW] > ONE_X ? ONE_X : s_axis_tdata[k*XW +: XW];
        wire [XW+8:0] v = {9'd0, c} * {{(XW+1){1'b0}}, SCALE};
        isp_rq #(.IN_W(XW + 9), .IN_F(`POSISP_CHAIN_X_F), `POSISP_RQ_CHAIN_OUT_PARAMS) u_rq (
            .in(v), .out(y[k*OW +: OW]), .ovf(ovf[k]));
    end
endgenerate

always @(posedge clk) begin
    if (ce) begin
        m_axis_tvalid <= s_axis_tvalid;
        m_axis_tdata <= y;
        m_axis_tlast <= s_axis_tlast;
        m_axis_tuser <= s_axis_tuser;
    end
    if (rst) begin
        m_axis_tvalid <= 1'b0;
    end
end

endmodule

`resetall
