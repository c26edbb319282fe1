// Test wrapper: the five function tables of a quantization config (softplus, sigmoid,
// reciprocal, log2, exp2), each a isp_table with its generated parameter list
// TAISP_TAB_<NAME>_PARAMS and entries from MEM_DIR/tab_<name>.hex. One input and one output
// port per table; all share the clock and the clock enable.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"

module isp_table_bank #
(
    // Folder of the generated tab_<name>.hex files (taisp gen)
    parameter MEM_DIR = "."
)
(
    input  wire                                 clk,
    input  wire                                 ce,
    input  wire [`TAISP_TAB_SOFTPLUS_IN_W-1:0]    in_softplus,
    output wire [`TAISP_TAB_SOFTPLUS_OUT_W-1:0]   out_softplus,
    input  wire [`TAISP_TAB_SIGMOID_IN_W-1:0]     in_sigmoid,
    output wire [`TAISP_TAB_SIGMOID_OUT_W-1:0]    out_sigmoid,
    input  wire [`TAISP_TAB_RECIPROCAL_IN_W-1:0]  in_reciprocal,
    output wire [`TAISP_TAB_RECIPROCAL_OUT_W-1:0] out_reciprocal,
    input  wire [`TAISP_TAB_LOG2_IN_W-1:0]        in_log2,
    output wire [`TAISP_TAB_LOG2_OUT_W-1:0]       out_log2,
    input  wire [`TAISP_TAB_EXP2_IN_W-1:0]        in_exp2,
    output wire [`TAISP_TAB_EXP2_OUT_W-1:0]       out_exp2
);

isp_table #(`TAISP_TAB_SOFTPLUS_PARAMS, .INIT_FILE({MEM_DIR, "/tab_softplus.hex"}))
u_softplus (.clk(clk), .ce(ce), .in(in_softplus), .out(out_softplus));

isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}))
u_sigmoid (.clk(clk), .ce(ce), .in(in_sigmoid), .out(out_sigmoid));

isp_table #(`TAISP_TAB_RECIPROCAL_PARAMS, .INIT_FILE({MEM_DIR, "/tab_reciprocal.hex"}))
u_reciprocal (.clk(clk), .ce(ce), .in(in_reciprocal), .out(out_reciprocal));

isp_table #(`TAISP_TAB_LOG2_PARAMS, .INIT_FILE({MEM_DIR, "/tab_log2.hex"}))
u_log2 (.clk(clk), .ce(ce), .in(in_log2), .out(out_log2));

isp_table #(`TAISP_TAB_EXP2_PARAMS, .INIT_FILE({MEM_DIR, "/tab_exp2.hex"}))
u_exp2 (.clk(clk), .ce(ce), .in(in_exp2), .out(out_exp2));

endmodule

`resetall
