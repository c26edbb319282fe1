// POS-ISP denoise: the square of one luma difference, e = (Y_a - Y_b)^2, the patch distance's
// term (posisp_denoise). Y <= 1.0 (denoise.y, FY fractional bits; the inputs are clamped before
// the luma), so |Y_a - Y_b| <= 2^FY and the square fits QW = 2 FY + 1 bits exactly.
// Combinational. A module of its own so that synthesis maps it once (sim/posisp/cost.py keeps
// its hierarchy until after mapping) for the 590 instances of the default config.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module posisp_denoise_sq #
(
    // Width of the luma (denoise.y, unsigned)
    parameter YW = 21,
    // Fractional bits of the luma: values at most 1.0 = 2^FY
    parameter FY = 20
)
(
    input  wire [YW-1:0]     ya,
    input  wire [YW-1:0]     yb,
    output wire [2*FY:0]     sq
);

initial begin
    if (FY < 1 || FY >= YW) begin
        $error("posisp_denoise_sq: FY = %0d fractional bits of a %0d-bit luma (need 1 <= FY < YW)", FY, YW);
        $finish;
    end
end

wire signed [YW:0] df = $signed({1'b0, ya}) - $signed({1'b0, yb});
// the square in 2 (YW + 1) bits (exact for any difference), its low 2 FY + 1 bits (at most 2^(2 FY))
/* verilator lint_off UNUSEDSIGNAL */
wire signed [2*YW+1:0] full = df * df;
/* verilator lint_on UNUSEDSIGNAL */
assign sq = full[2*FY:0];

endmodule

`resetall
