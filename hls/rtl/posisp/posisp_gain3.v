// POS-ISP: a gain per component, y_k = rq(x_k * g_k, Fx + GF, chain.x): the datapath of
// exposure (one gain on all three) and wb (one gain per component). A pointwise stream block
// (isp_stream_pipe): products, then requantization (posisp_out3); latency 2.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_gain3 #
(
    // Width of a gain (unsigned)
    parameter GW = 18,
    // Fractional bits of a gain
    parameter GF = 14
)
(
    input  wire                           clk,
    input  wire                           rst,
    // the gains in the stream's lane order (lane 0: G, 1: B, 2: R)
    input  wire [3*GW-1:0]                gain,
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
    output wire [3:0]                     m_axis_sat
);

// width and fractional bits of chain.x
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
// width of a product x * g (unsigned) and of the exact value handed to the requantizer
localparam PW = XW + GW;
localparam EW = PW + 1;
// pipeline depth: products, requantization
localparam LAT = 2;

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

// stage 1: the products (operands zero-extended to the product's width)
reg [3*EW-1:0] p;
genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire [PW-1:0] xe = {{GW{1'b0}}, s_axis_tdata[l*XW +: XW]};
        wire [PW-1:0] ge = {{XW{1'b0}}, gain[l*GW +: GW]};
        always @(posedge clk) begin
            if (ce) begin
                p[l*EW +: EW] <= {1'b0, xe * ge};
            end
        end
    end
endgenerate

// stage 2: requantization into chain.x
posisp_out3 #(.IN_W(EW), .IN_F(XF + GF), .CLAMP(0)) u_out (
    .clk(clk), .ce(ce), .in(p), .sat_in(4'd0), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
