// POS-ISP colour correction: A_i = sum_j CCM_M{3i+j} * x_j (signed, exact), clamped to [0, 1],
// y_i = rq(A_i, Fx + Fm, chain.x) (fixedpoint/README.md, "POS-ISP" 3; fixedpoint.posisp.filters.ccm).
// Channels i, j: 0 R, 1 G, 2 B. AXI4-Stream in and out, one pixel per clock, full backpressure;
// latency 3 (products, sums, clamp and requantization).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_ccm
(
    input  wire                           clk,
    input  wire                           rst,
    // CCM_M0..8: raw ccm.m (two's complement), row-major: M{3i+j} weighs input j into output i
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m0,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m1,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m2,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m3,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m4,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m5,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m6,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m7,
    input  wire [`POSISP_CCM_M_W-1:0]     ccm_m8,
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

// chain.x and ccm.m
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam MW = `POSISP_CCM_M_W;
localparam MF = `POSISP_CCM_M_F;
// a product m * x (signed) and a sum of three
localparam PW = XW + MW + 1;
localparam SW = PW + 2;
// pipeline depth: products, sums, clamp and requantization
localparam LAT = 3;

initial begin
    if (`POSISP_CCM_M_S != 1) begin
        $error("posisp_ccm: ccm.m must be signed");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

// the matrix, row-major, and the input per channel (R, G, B: lanes 2, 0, 1)
wire [9*MW-1:0] m = {ccm_m8, ccm_m7, ccm_m6, ccm_m5, ccm_m4, ccm_m3, ccm_m2, ccm_m1, ccm_m0};
wire [3*XW-1:0] x = {s_axis_tdata[1*XW +: XW], s_axis_tdata[0*XW +: XW], s_axis_tdata[2*XW +: XW]};

// stage 1: the nine products; stage 2: the three sums (rows in channel order R, G, B)
reg [9*PW-1:0] p;
reg [3*SW-1:0] a;
genvar i, j;
generate
    for (i = 0; i < 3; i = i + 1) begin : g_row
        for (j = 0; j < 3; j = j + 1) begin : g_col
            wire signed [PW-1:0] xe = $signed({{(PW-XW){1'b0}}, x[j*XW +: XW]});
            wire signed [PW-1:0] me = $signed({{(PW-MW){m[(3*i+j)*MW+MW-1]}}, m[(3*i+j)*MW +: MW]});
            wire signed [PW-1:0] pr = xe * me;
            always @(posedge clk) begin
                if (ce) begin
                    p[(3*i+j)*PW +: PW] <= pr;
                end
            end
        end
        wire signed [SW-1:0] s = $signed({{2{p[(3*i)*PW+PW-1]}}, p[(3*i)*PW +: PW]})
                               + $signed({{2{p[(3*i+1)*PW+PW-1]}}, p[(3*i+1)*PW +: PW]})
                               + $signed({{2{p[(3*i+2)*PW+PW-1]}}, p[(3*i+2)*PW +: PW]});
        always @(posedge clk) begin
            if (ce) begin
                a[i*SW +: SW] <= s;
            end
        end
    end
endgenerate

// stage 3: clamp to [0, 1] and requantize, lanes G, B, R
posisp_out3 #(.IN_W(SW), .IN_F(XF + MF), .CLAMP(1)) u_out (
    .clk(clk), .ce(ce), .in({a[0*SW +: SW], a[2*SW +: SW], a[1*SW +: SW]}), .sat_in(4'd0),
    .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
