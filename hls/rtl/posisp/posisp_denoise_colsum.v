// POS-ISP denoise: one offset's column sum, C = sum_{u} (Y_a(u) - Y_b(u))^2 over the KP rows of
// the patch (posisp_denoise: the window's centre column against the column of offset o), and
// the KP squares (the offsets (dy, 0), dy < 0, reuse those of (-dy, 0)). Exact: KP squares of
// 2 FY + 1 bits in 2 FY + clog2(KP + 1) bits. Combinational, KP posisp_denoise_sq. A module of
// its own so that synthesis maps it once (sim/posisp/cost.py keeps its hierarchy until after
// mapping) for the 116 offsets of the default config that have all KP squares.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module posisp_denoise_colsum #
(
    // Width of the luma (denoise.y, unsigned)
    parameter YW = 21,
    // Fractional bits of the luma: values at most 1.0 = 2^FY
    parameter FY = 20,
    // Rows of the patch (2 x patch radius + 1)
    parameter KP = 5
)
(
    // the KP rows' luma, row 0 low: the centre column and the offset's column
    input  wire [KP*YW-1:0]                ya,
    input  wire [KP*YW-1:0]                yb,
    // the squares, row 0 low
    output wire [KP*(2*FY+1)-1:0]          sq,
    // their sum
    output wire [2*FY+$clog2(KP+1)-1:0]    c
);

// a square, the sum
localparam QW = 2 * FY + 1;
localparam CSW = 2 * FY + $clog2(KP + 1);

initial begin
    if (KP < 1) begin
        $error("posisp_denoise_colsum: KP = %0d rows", KP);
        $finish;
    end
end

wire [(KP+1)*CSW-1:0] ps;
assign ps[0 +: CSW] = {CSW{1'b0}};
genvar gu;
generate
for (gu = 0; gu < KP; gu = gu + 1) begin : g_u
    posisp_denoise_sq #(.YW(YW), .FY(FY)) u_sq (
        .ya(ya[gu*YW +: YW]), .yb(yb[gu*YW +: YW]), .sq(sq[gu*QW +: QW])
    );
    assign ps[(gu+1)*CSW +: CSW] = ps[gu*CSW +: CSW] + {{(CSW-QW){1'b0}}, sq[gu*QW +: QW]};
end
endgenerate
assign c = ps[KP*CSW +: CSW];

endmodule

`resetall
