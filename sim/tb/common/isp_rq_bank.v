// Test wrapper: isp_rq in all 28 rounding x overflow modes for one pair of formats.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_rq_bank #
(
    // Input width
    parameter IN_W = 40,
    // Input fractional bits
    parameter IN_F = 28,
    // Output width
    parameter OUT_W = 16,
    // Output fractional bits
    parameter OUT_F = 10,
    // Output signed
    parameter OUT_S = 1
)
(
    input  wire [IN_W-1:0]     in_v,
    output wire [28*OUT_W-1:0] out_v,
    output wire [27:0]         ovf_v
);

genvar r, o;
generate
for (r = 0; r < 7; r = r + 1) begin : g_rnd
    for (o = 0; o < 4; o = o + 1) begin : g_ovf
        isp_rq #(.IN_W(IN_W), .IN_F(IN_F), .OUT_W(OUT_W), .OUT_F(OUT_F), .OUT_S(OUT_S), .RND(r), .OVF(o))
        u_rq (.in(in_v), .out(out_v[(r*4+o)*OUT_W +: OUT_W]), .ovf(ovf_v[r*4+o]));
    end
end
endgenerate

endmodule

`resetall
