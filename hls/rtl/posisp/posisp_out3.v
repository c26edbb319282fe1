// POS-ISP: the last stage of a pointwise filter: three exact values (the three components of a
// pixel, in the stream's lane order), optionally clamped to [0, 1], requantized into chain.x
// (isp_rq with the generated POSISP_RQ_CHAIN_X_PARAMS) and registered with the pixel's
// saturation count: sat_in (the count of the filter's earlier requantizations of this pixel)
// plus one per component that saturated here.
//
// One ce-gated register stage (latency 1).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_out3 #
(
    // Width of each exact input value (two's complement: zero-extend unsigned values)
    parameter IN_W = 40,
    // Fractional bits of the exact inputs
    parameter IN_F = 20,
    // Clamp the exact value to [0, 1.0] (raw [0, 2^IN_F]) before the requantization
    parameter CLAMP = 0
)
(
    input  wire                            clk,
    input  wire                            ce,
    input  wire [3*IN_W-1:0]               in,
    input  wire [3:0]                      sat_in,
    output reg  [3*`POSISP_CHAIN_X_W-1:0]  y,
    output reg  [3:0]                      sat
);

// width of a chain.x value
localparam XW = `POSISP_CHAIN_X_W;

initial begin
    if (CLAMP != 0 && IN_W < IN_F + 2) begin
        $error("posisp_out3: clamping to 1.0 needs IN_W %0d >= IN_F %0d + 2", IN_W, IN_F);
        $finish;
    end
end

// raw 1.0 at the input's scale (used when CLAMP)
localparam [IN_W-1:0] ONE_IN = {{(IN_W-1){1'b0}}, 1'b1} << (CLAMP != 0 ? IN_F : 0);

wire [3*XW-1:0] q;
wire [2:0] ovf;

genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire [IN_W-1:0] v = in[l*IN_W +: IN_W];
        wire neg = v[IN_W-1];
        wire [IN_W-1:0] vc = CLAMP == 0 ? v : neg ? {IN_W{1'b0}} : ($signed(v) > $signed(ONE_IN)) ? ONE_IN : v;
        isp_rq #(.IN_W(IN_W), .IN_F(IN_F), `POSISP_RQ_CHAIN_X_PARAMS) u_rq (
            .in(vc), .out(q[l*XW +: XW]), .ovf(ovf[l])
        );
    end
endgenerate

always @(posedge clk) begin
    if (ce) begin
        y <= q;
        sat <= sat_in + {3'd0, ovf[0]} + {3'd0, ovf[1]} + {3'd0, ovf[2]};
    end
end

endmodule

`resetall
