// POS-ISP white-and-black (desaturation towards the luma): lum = rq(lum(x), Fx + Fl, wnb.lum)
// (posisp_luma, not clamped), E_k = (1 - WNB_A) * x_k * 2^(Flum - Fx) + WNB_A * lum,
// y_k = rq(E_k, Fa + Flum, chain.x) (fixedpoint/README.md, "POS-ISP" 9; fixedpoint.posisp.filters.wnb).
// 1 - WNB_A is taken signed, so any register value gives the model's result. AXI4-Stream in and
// out, one pixel per clock, full backpressure; latency 4 (luma 2, blend, requantization).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_wnb
(
    input  wire                           clk,
    input  wire                           rst,
    // WNB_A: raw wnb.a (the blend)
    input  wire [`POSISP_WNB_A_W-1:0]     wnb_a,
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

// chain.x, wnb.a, wnb.lum
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam AW = `POSISP_WNB_A_W;
localparam AF = `POSISP_WNB_A_F;
localparam UW = `POSISP_WNB_LUM_W;
localparam UF = `POSISP_WNB_LUM_F;
// x's shift onto lum's scale
localparam SHX = UF - XF;
// (1 - a) (signed), its product with x shifted, a * lum, and their sum (signed)
localparam BW = AW + 2;
localparam P1W = BW + XW + 1 + SHX;
localparam P2W = AW + UW + 1;
localparam EW = (P1W > P2W ? P1W : P2W) + 1;
// pipeline depth: luma (2), blend, requantization
localparam LAT = 4;

initial begin
    if (SHX < 0 || `POSISP_WNB_A_S != 0 || `POSISP_WNB_LUM_S != 0) begin
        $error("posisp_wnb: needs unsigned wnb.a and wnb.lum, wnb.lum's fraction >= chain.x's");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

// stages 1-2: lum
wire [UW-1:0] lum;
wire lum_ovf;
posisp_luma #(.KW(`POSISP_CONST_LUM_W), .KF(`POSISP_CONST_LUM_F), .K_R(`POSISP_LUM_R), .K_G(`POSISP_LUM_G),
              .K_B(`POSISP_LUM_B), .CLAMP_IN(0), .CLAMP_SUM(0), `POSISP_RQ_WNB_LUM_PARAMS) u_luma (
    .clk(clk), .ce(ce), .x(s_axis_tdata), .y(lum), .ovf(lum_ovf)
);

// the pixel beside the luma
wire [3*XW-1:0] xd;
isp_delay #(.DW(3*XW), .N(2)) u_x (.clk(clk), .rst(rst), .ce(ce), .in(s_axis_tdata), .out(xd));

// stage 3: E_k
localparam [BW-1:0] ONE_B = {{(BW-1){1'b0}}, 1'b1} << AF;
wire signed [BW-1:0] b = $signed(ONE_B) - $signed({{(BW-AW){1'b0}}, wnb_a});
wire signed [P2W-1:0] p2 = $signed({{(P2W-AW){1'b0}}, wnb_a}) * $signed({{(P2W-UW){1'b0}}, lum});
reg [3*EW-1:0] e;
reg lum_ovf3;
genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire signed [P1W-1:0] xe = $signed({{(P1W-XW){1'b0}}, xd[l*XW +: XW]});
        wire signed [P1W-1:0] be = $signed({{(P1W-BW){b[BW-1]}}, b});
        wire signed [P1W-1:0] p1 = (be * xe) <<< SHX;
        wire signed [EW-1:0] s = $signed({{(EW-P1W){p1[P1W-1]}}, p1}) + $signed({{(EW-P2W){p2[P2W-1]}}, p2});
        always @(posedge clk) begin
            if (ce) begin
                e[l*EW +: EW] <= s;
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        lum_ovf3 <= lum_ovf;
    end
end

// stage 4: requantization
posisp_out3 #(.IN_W(EW), .IN_F(AF + UF), .CLAMP(0)) u_out (
    .clk(clk), .ce(ce), .in(e), .sat_in({3'd0, lum_ovf3}), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
