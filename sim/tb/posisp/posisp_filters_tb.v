// Test wrapper: the eight pointwise POS-ISP filters side by side behind one stream port, so that
// one build per simulator serves the whole bench (sim/tb/posisp/test_posisp_filters.py). sel
// picks the filter that gets the input stream and drives the output (the others see no beats);
// every filter's registers are inputs here under their own names; the per-frame table port
// reaches the selected filter's table (gamma, contrast). m_axis_tuser carries {m_axis_sat, SOF}
// so that the stream sink records each beat's saturation count.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_filters_tb #
(
    // Folder of the generated tables
    parameter MEM_DIR = "."
)
(
    input  wire                           clk,
    input  wire                           rst,
    // the filter under test: exposure 0, gamma 1, ccm 2, tone 3, contrast 4, saturation 5, wnb 6, wb 7
    input  wire [2:0]                     sel,
    input  wire [`POSISP_EXPOSURE_GAIN_W-1:0] exposure_gain,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m0,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m1,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m2,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m3,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m4,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m5,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m6,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m7,
    input  wire [`POSISP_CCM_M_W-1:0] ccm_m8,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope0,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope1,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope2,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope3,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope4,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope5,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope6,
    input  wire [`POSISP_TONE_SLOPE_W-1:0] tone_slope7,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset0,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset1,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset2,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset3,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset4,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset5,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset6,
    input  wire [`POSISP_TONE_OFFSET_W-1:0] tone_offset7,
    input  wire [`POSISP_SATURATION_A_W-1:0] sat_a,
    input  wire [`POSISP_WNB_A_W-1:0] wnb_a,
    input  wire [`POSISP_WB_GAIN_W-1:0] wb_gain0,
    input  wire [`POSISP_WB_GAIN_W-1:0] wb_gain1,
    input  wire [`POSISP_WB_GAIN_W-1:0] wb_gain2,
    input  wire                           tab_bank,
    input  wire                           tab_en,
    input  wire                           tab_we,
    input  wire [11:0]                    tab_addr,
    input  wire [31:0]                    tab_wdata,
    output wire [31:0]                    tab_rdata,
    input  wire [3*`POSISP_CHAIN_X_W-1:0] s_axis_tdata,
    input  wire                           s_axis_tvalid,
    output wire                           s_axis_tready,
    input  wire                           s_axis_tlast,
    input  wire                           s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0] m_axis_tdata,
    output wire                           m_axis_tvalid,
    input  wire                           m_axis_tready,
    output wire                           m_axis_tlast,
    output wire [4:0]                     m_axis_tuser
);

localparam XW = `POSISP_CHAIN_X_W;
localparam NF = 8;

wire [NF-1:0] o_ready, o_valid, o_last, o_user;
wire [NF*3*XW-1:0] o_data;
wire [NF*4-1:0] o_sat;
wire [31:0] rd_gamma, rd_contrast;

posisp_exposure u_exposure (
    .clk(clk), .rst(rst),
    .exposure_gain(exposure_gain),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd0), .s_axis_tready(o_ready[0]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[0*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[0]), .m_axis_tready(m_axis_tready && sel == 3'd0),
    .m_axis_tlast(o_last[0]), .m_axis_tuser(o_user[0]), .m_axis_sat(o_sat[0*4 +: 4])
);

posisp_gamma #(.MEM_DIR(MEM_DIR)) u_gamma (
    .clk(clk), .rst(rst),
    .tab_bank(tab_bank), .tab_en(tab_en && sel == 3'd1), .tab_we(tab_we),
    .tab_addr(tab_addr[$clog2(`POSISP_TAB_GAMMA_N)-1:0]), .tab_wdata(tab_wdata), .tab_rdata(rd_gamma),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd1), .s_axis_tready(o_ready[1]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[1*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[1]), .m_axis_tready(m_axis_tready && sel == 3'd1),
    .m_axis_tlast(o_last[1]), .m_axis_tuser(o_user[1]), .m_axis_sat(o_sat[1*4 +: 4])
);

posisp_ccm u_ccm (
    .clk(clk), .rst(rst),
    .ccm_m0(ccm_m0),
    .ccm_m1(ccm_m1),
    .ccm_m2(ccm_m2),
    .ccm_m3(ccm_m3),
    .ccm_m4(ccm_m4),
    .ccm_m5(ccm_m5),
    .ccm_m6(ccm_m6),
    .ccm_m7(ccm_m7),
    .ccm_m8(ccm_m8),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd2), .s_axis_tready(o_ready[2]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[2*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[2]), .m_axis_tready(m_axis_tready && sel == 3'd2),
    .m_axis_tlast(o_last[2]), .m_axis_tuser(o_user[2]), .m_axis_sat(o_sat[2*4 +: 4])
);

posisp_tone u_tone (
    .clk(clk), .rst(rst),
    .tone_slope0(tone_slope0),
    .tone_slope1(tone_slope1),
    .tone_slope2(tone_slope2),
    .tone_slope3(tone_slope3),
    .tone_slope4(tone_slope4),
    .tone_slope5(tone_slope5),
    .tone_slope6(tone_slope6),
    .tone_slope7(tone_slope7),
    .tone_offset0(tone_offset0),
    .tone_offset1(tone_offset1),
    .tone_offset2(tone_offset2),
    .tone_offset3(tone_offset3),
    .tone_offset4(tone_offset4),
    .tone_offset5(tone_offset5),
    .tone_offset6(tone_offset6),
    .tone_offset7(tone_offset7),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd3), .s_axis_tready(o_ready[3]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[3*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[3]), .m_axis_tready(m_axis_tready && sel == 3'd3),
    .m_axis_tlast(o_last[3]), .m_axis_tuser(o_user[3]), .m_axis_sat(o_sat[3*4 +: 4])
);

posisp_contrast #(.MEM_DIR(MEM_DIR)) u_contrast (
    .clk(clk), .rst(rst),
    .tab_bank(tab_bank), .tab_en(tab_en && sel == 3'd4), .tab_we(tab_we),
    .tab_addr(tab_addr[$clog2(`POSISP_TAB_CONTRAST_N)-1:0]), .tab_wdata(tab_wdata), .tab_rdata(rd_contrast),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd4), .s_axis_tready(o_ready[4]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[4*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[4]), .m_axis_tready(m_axis_tready && sel == 3'd4),
    .m_axis_tlast(o_last[4]), .m_axis_tuser(o_user[4]), .m_axis_sat(o_sat[4*4 +: 4])
);

posisp_saturation #(.MEM_DIR(MEM_DIR)) u_saturation (
    .clk(clk), .rst(rst),
    .sat_a(sat_a),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd5), .s_axis_tready(o_ready[5]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[5*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[5]), .m_axis_tready(m_axis_tready && sel == 3'd5),
    .m_axis_tlast(o_last[5]), .m_axis_tuser(o_user[5]), .m_axis_sat(o_sat[5*4 +: 4])
);

posisp_wnb u_wnb (
    .clk(clk), .rst(rst),
    .wnb_a(wnb_a),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd6), .s_axis_tready(o_ready[6]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[6*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[6]), .m_axis_tready(m_axis_tready && sel == 3'd6),
    .m_axis_tlast(o_last[6]), .m_axis_tuser(o_user[6]), .m_axis_sat(o_sat[6*4 +: 4])
);

posisp_wb u_wb (
    .clk(clk), .rst(rst),
    .wb_gain0(wb_gain0),
    .wb_gain1(wb_gain1),
    .wb_gain2(wb_gain2),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid && sel == 3'd7), .s_axis_tready(o_ready[7]),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(o_data[7*3*XW +: 3*XW]), .m_axis_tvalid(o_valid[7]), .m_axis_tready(m_axis_tready && sel == 3'd7),
    .m_axis_tlast(o_last[7]), .m_axis_tuser(o_user[7]), .m_axis_sat(o_sat[7*4 +: 4])
);

assign s_axis_tready = o_ready[sel];
assign m_axis_tdata = o_data[sel*3*XW +: 3*XW];
assign m_axis_tvalid = o_valid[sel];
assign m_axis_tlast = o_last[sel];
assign m_axis_tuser = {o_sat[sel*4 +: 4], o_user[sel]};
assign tab_rdata = sel == 3'd1 ? rd_gamma : rd_contrast;
// the table address's high bits reach no table of these sizes
wire unused_ok = |tab_addr;

endmodule

`resetall
