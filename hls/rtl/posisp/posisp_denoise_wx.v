// POS-ISP denoise: one offset's weighted pixel, p_k = w x_k for the three components (the terms
// of num_k = sum_o w_o x_k(p + o), posisp_denoise), exact in WW + XW bits. Combinational. A
// module of its own so that synthesis maps it once (sim/posisp/cost.py keeps its hierarchy until
// after mapping) for the 121 offsets of the default config.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module posisp_denoise_wx #
(
    // Width of the weight (denoise.w, unsigned)
    parameter WW = 17,
    // Width of a component (chain.x, unsigned)
    parameter XW = 32
)
(
    input  wire [WW-1:0]          w,
    // the three components, component 0 low
    input  wire [3*XW-1:0]        x,
    output wire [3*(WW+XW)-1:0]   p
);

genvar g;
generate
for (g = 0; g < 3; g = g + 1) begin : g_c
    assign p[g*(WW+XW) +: WW+XW] = {{XW{1'b0}}, w} * {{WW{1'b0}}, x[g*XW +: XW]};
end
endgenerate

endmodule

`resetall
