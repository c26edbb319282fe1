// POS-ISP gamma: y = gamma_table(x) on every component, the per-frame pow2 PWL table the driver
// writes (fixedpoint/README.md, "POS-ISP" 2; fixedpoint.posisp.filters.gamma): one isp_ftable
// with three read ports, its software port passed through. AXI4-Stream in and out, one pixel per
// clock, full backpressure; latency ISP_TABLE_LATENCY. No requantization: m_axis_sat is 0.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"
`include "posisp_config.vh"

module posisp_gamma #
(
    // Folder of the generated tab_gamma_default.hex (the table's reset entries)
    parameter MEM_DIR = "."
)
(
    input  wire                                      clk,
    input  wire                                      rst,
    // the per-frame table's software port (isp_ftable): bank the pixels read, access to the other
    input  wire                                      tab_bank,
    input  wire                                      tab_en,
    input  wire                                      tab_we,
    input  wire [$clog2(`POSISP_TAB_GAMMA_N)-1:0]    tab_addr,
    input  wire [31:0]                               tab_wdata,
    output wire [31:0]                               tab_rdata,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0]            s_axis_tdata,
    input  wire                                      s_axis_tvalid,
    output wire                                      s_axis_tready,
    input  wire                                      s_axis_tlast,
    input  wire                                      s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0]            m_axis_tdata,
    output wire                                      m_axis_tvalid,
    input  wire                                      m_axis_tready,
    output wire                                      m_axis_tlast,
    output wire                                      m_axis_tuser,
    // requantizations of the beat on m_axis that saturated (none: a table lookup)
    output wire [3:0]                                m_axis_sat
);

initial begin
    if (`POSISP_TAB_GAMMA_IN_W != `POSISP_CHAIN_X_W || `POSISP_TAB_GAMMA_OUT_W != `POSISP_CHAIN_X_W ||
        `POSISP_TAB_GAMMA_IN_F != `POSISP_CHAIN_X_F || `POSISP_TAB_GAMMA_OUT_F != `POSISP_CHAIN_X_F) begin
        $error("posisp_gamma: the gamma table must map chain.x to chain.x");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(`ISP_TABLE_LATENCY), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

isp_ftable #(`POSISP_TAB_GAMMA_PARAMS, .INIT_FILE({MEM_DIR, "/tab_gamma_default.hex"}), .NRD(3)) u_tab (
    .clk(clk), .ce(ce), .in(s_axis_tdata), .out(m_axis_tdata),
    .tab_bank(tab_bank), .tab_en(tab_en), .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata),
    .tab_rdata(tab_rdata)
);

assign m_axis_sat = 4'd0;

endmodule

`resetall
