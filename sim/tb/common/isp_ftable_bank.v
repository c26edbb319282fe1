// Test wrapper: POS-ISP's three per-frame tables (gamma, contrast, denoise), each an isp_ftable
// with its generated parameter list POSISP_TAB_<NAME>_PARAMS and reset entries from
// MEM_DIR/tab_<name>_default.hex; denoise with two read ports (NRD = 2) as the window filter
// uses it. The software ports share bank, write enable, address and data; tab_sel picks the
// table that tab_en reaches, each table has its own read data.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module isp_ftable_bank #
(
    // Folder of the generated tab_<name>_default.hex files
    parameter MEM_DIR = "."
)
(
    input  wire                                  clk,
    input  wire                                  ce,
    input  wire [`POSISP_TAB_GAMMA_IN_W-1:0]       in_gamma,
    output wire [`POSISP_TAB_GAMMA_OUT_W-1:0]      out_gamma,
    input  wire [`POSISP_TAB_CONTRAST_IN_W-1:0]    in_contrast,
    output wire [`POSISP_TAB_CONTRAST_OUT_W-1:0]   out_contrast,
    input  wire [2*`POSISP_TAB_DENOISE_IN_W-1:0]   in_denoise,
    output wire [2*`POSISP_TAB_DENOISE_OUT_W-1:0]  out_denoise,
    input  wire                                  tab_bank,
    input  wire [1:0]                            tab_sel,
    input  wire                                  tab_en,
    input  wire                                  tab_we,
    input  wire [11:0]                           tab_addr,
    input  wire [31:0]                           tab_wdata,
    output wire [31:0]                           rdata_gamma,
    output wire [31:0]                           rdata_contrast,
    output wire [31:0]                           rdata_denoise
);

isp_ftable #(`POSISP_TAB_GAMMA_PARAMS, .INIT_FILE({MEM_DIR, "/tab_gamma_default.hex"}), .AW(12))
u_gamma (.clk(clk), .ce(ce), .in(in_gamma), .out(out_gamma), .tab_bank(tab_bank), .tab_en(tab_en && tab_sel == 2'd0),
         .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata), .tab_rdata(rdata_gamma));

isp_ftable #(`POSISP_TAB_CONTRAST_PARAMS, .INIT_FILE({MEM_DIR, "/tab_contrast_default.hex"}), .AW(12))
u_contrast (.clk(clk), .ce(ce), .in(in_contrast), .out(out_contrast), .tab_bank(tab_bank), .tab_en(tab_en && tab_sel == 2'd1),
            .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata), .tab_rdata(rdata_contrast));

isp_ftable #(`POSISP_TAB_DENOISE_PARAMS, .INIT_FILE({MEM_DIR, "/tab_denoise_default.hex"}), .NRD(2), .AW(12))
u_denoise (.clk(clk), .ce(ce), .in(in_denoise), .out(out_denoise), .tab_bank(tab_bank), .tab_en(tab_en && tab_sel == 2'd2),
           .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata), .tab_rdata(rdata_denoise));

endmodule

`resetall
