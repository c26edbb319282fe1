// POS-ISP tone curve: a piecewise-linear curve of 8 segments on [0, 1) (fixedpoint/README.md,
// "POS-ISP" 6; fixedpoint.posisp.filters.tone): x >= 1 gives 1; else with i = x >> (Fx - 3)
// (segment 0..7) and r = the low Fx - 3 bits of x,
// A = TONE_OFFSET_i * 2^(Fs + Fx - Fo) + TONE_SLOPE_i * r, y = rq(A, Fs + Fx, chain.x), on every
// component. AXI4-Stream in and out, one pixel per clock, full backpressure; latency 3 (segment
// select, multiply-add, requantization).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_tone
(
    input  wire                              clk,
    input  wire                              rst,
    // TONE_SLOPE0..7: raw tone.slope (8 t_i / sum t); TONE_OFFSET0..7: raw tone.offset (sum_(k<i) t_k / sum t)
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope0,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope1,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope2,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope3,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope4,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope5,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope6,
    input  wire [`POSISP_TONE_SLOPE_W-1:0]  tone_slope7,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset0,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset1,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset2,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset3,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset4,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset5,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset6,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset7,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0]    s_axis_tdata,
    input  wire                              s_axis_tvalid,
    output wire                              s_axis_tready,
    input  wire                              s_axis_tlast,
    input  wire                              s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0]    m_axis_tdata,
    output wire                              m_axis_tvalid,
    input  wire                              m_axis_tready,
    output wire                              m_axis_tlast,
    output wire                              m_axis_tuser,
    // requantizations of the beat on m_axis that saturated
    output wire [3:0]                        m_axis_sat
);

// chain.x, tone.slope, tone.offset
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam SLW = `POSISP_TONE_SLOPE_W;
localparam SLF = `POSISP_TONE_SLOPE_F;
localparam OFW = `POSISP_TONE_OFFSET_W;
localparam OFF = `POSISP_TONE_OFFSET_F;
// the offset's shift onto the slope's scale (Fs + Fx - Fo) and the bits of r
localparam SHO = SLF + XF - OFF;
localparam RW = XF - 3;
// the exact A (unsigned): the larger term plus a carry; one bit more for the requantizer's sign
localparam AW0 = (OFW + SHO > SLW + RW ? OFW + SHO : SLW + RW) + 1;
localparam AW = (AW0 > XW + SLF + 1 ? AW0 : XW + SLF + 1) + 1;
// chain.x's 1.0 (the output for x >= 1) and at A's scale
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
localparam [AW-1:0] ONE_A = {{(AW-XW){1'b0}}, ONE_X} << SLF;
// pipeline depth: segment select, multiply-add, requantization
localparam LAT = 3;

initial begin
    if (SHO < 0 || XF < 4 || `POSISP_TONE_SLOPE_S != 0 || `POSISP_TONE_OFFSET_S != 0) begin
        $error("posisp_tone: needs unsigned slope/offset, tone.offset's fraction <= tone.slope's + chain.x's, chain.x frac >= 4");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

wire [8*SLW-1:0] slope = {tone_slope7, tone_slope6, tone_slope5, tone_slope4, tone_slope3, tone_slope2, tone_slope1, tone_slope0};
wire [8*OFW-1:0] offset = {tone_offset7, tone_offset6, tone_offset5, tone_offset4, tone_offset3, tone_offset2, tone_offset1, tone_offset0};
reg [3*AW-1:0] a;

genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire [XW-1:0] x = s_axis_tdata[l*XW +: XW];
        wire [2:0] seg = x[XF-1:XF-3];
        // stage 1: x >= 1, the segment's slope and offset, r
        reg ge1;
        reg [SLW-1:0] sl1;
        reg [OFW-1:0] of1;
        reg [RW-1:0] r1;
        always @(posedge clk) begin
            if (ce) begin
                ge1 <= x >= ONE_X;
                sl1 <= slope[seg*SLW +: SLW];
                of1 <= offset[seg*OFW +: OFW];
                r1 <= x[RW-1:0];
            end
        end
        // stage 2: A (1.0 for x >= 1)
        wire [AW-1:0] ofe = {{(AW-OFW){1'b0}}, of1};
        wire [AW-1:0] sle = {{(AW-SLW){1'b0}}, sl1};
        wire [AW-1:0] re = {{(AW-RW){1'b0}}, r1};
        always @(posedge clk) begin
            if (ce) begin
                a[l*AW +: AW] <= ge1 ? ONE_A : (ofe << SHO) + sle * re;
            end
        end
    end
endgenerate

// stage 3: requantization
posisp_out3 #(.IN_W(AW), .IN_F(SLF + XF), .CLAMP(0)) u_out (
    .clk(clk), .ce(ce), .in(a), .sat_in(4'd0), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
