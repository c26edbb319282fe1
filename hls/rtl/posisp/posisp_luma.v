// POS-ISP: the luma of a pixel, Y = rq(K_R * R + K_G * G + K_B * B, Fx + KF, OUT), the shared
// datapath of contrast (LUM weights, the sum clamped to 1: contrast.L), wnb (LUM weights, not
// clamped: wnb.lum) and denoise (BT.601 weights of the components clamped to 1: denoise.y).
// Instantiate with the output entry's generated parameter list, e.g.
//   posisp_luma #(.K_R(`POSISP_LUM_R), ..., `POSISP_RQ_CONTRAST_L_PARAMS) u (...);
// Two ce-gated register stages (products; sum, clamp and requantization): latency 2.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_luma #
(
    // Width and fractional bits of the weights (unsigned)
    parameter KW = 17,
    parameter KF = 16,
    // The weights of R, G and B (raw)
    parameter [KW-1:0] K_R = 0,
    parameter [KW-1:0] K_G = 0,
    parameter [KW-1:0] K_B = 0,
    // Clamp each component to chain.x's 1.0 before weighting (denoise)
    parameter CLAMP_IN = 0,
    // Clamp the weighted sum to 1.0 before the requantization (contrast)
    parameter CLAMP_SUM = 0,
    // Output entry (isp_rq's output parameters)
    parameter OUT_W = 17,
    parameter OUT_F = 16,
    parameter OUT_S = 0,
    parameter RND = 2,
    parameter OVF = 0
)
(
    input  wire                           clk,
    input  wire                           ce,
    // a pixel: 3 x chain.x, UG934 lanes (G low, then B, then R)
    input  wire [3*`POSISP_CHAIN_X_W-1:0] x,
    output reg  [OUT_W-1:0]               y,
    // the requantization saturated (registered with y)
    output reg                            ovf
);

// chain.x
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
// a product, the sum (unsigned) and the value handed to the requantizer (a sign bit more)
localparam PW = XW + KW;
localparam SW = PW + 2;
localparam EW = SW + 1;
localparam [SW-1:0] ONE_S = {{(SW-1){1'b0}}, 1'b1} << (XF + KF);

// stage 1: the products, lanes G, B, R
wire [3*KW-1:0] k = {K_R, K_B, K_G};
reg [3*PW-1:0] p;
genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire [XW-1:0] xl = x[l*XW +: XW];
        wire [PW-1:0] xe = {{KW{1'b0}}, (CLAMP_IN != 0 && xl > ONE_X) ? ONE_X : xl};
        wire [PW-1:0] ke = {{XW{1'b0}}, k[l*KW +: KW]};
        always @(posedge clk) begin
            if (ce) begin
                p[l*PW +: PW] <= xe * ke;
            end
        end
    end
endgenerate

// stage 2: sum, clamp, requantize
wire [SW-1:0] s = {2'b00, p[0 +: PW]} + {2'b00, p[PW +: PW]} + {2'b00, p[2*PW +: PW]};
wire [SW-1:0] sc = (CLAMP_SUM != 0 && s > ONE_S) ? ONE_S : s;
wire [OUT_W-1:0] q;
wire q_ovf;
isp_rq #(.IN_W(EW), .IN_F(XF + KF), .OUT_W(OUT_W), .OUT_F(OUT_F), .OUT_S(OUT_S), .RND(RND), .OVF(OVF)) u_rq (
    .in({1'b0, sc}), .out(q), .ovf(q_ovf)
);
always @(posedge clk) begin
    if (ce) begin
        y <= q;
        ovf <= q_ovf;
    end
end

endmodule

`resetall
