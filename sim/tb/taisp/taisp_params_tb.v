// Test wrapper: taisp_params with its weight RAM (synchronous read, data the cycle after the
// address), initialised from the generated weights.hex and writable from the test.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"

module taisp_params_tb #
(
    // folder of the generated memories (weights.hex, tab_<name>.hex)
    parameter MEM_DIR = ".",
    // width of the weight address
    parameter WADDR_W = 12,
    // width of the pixel count
    parameter NPIX_W = 24
)
(
    input  wire clk,
    input  wire rst,
    input  wire start,
    input  wire use_defaults,
    input  wire [NPIX_W-1:0] n_pix,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUM_W-1:0]   x_sum,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUMSQ_W-1:0] x_sumsq,
    input  wire [`TAISP_N_CHANNELS*`TAISP_HSA_DSUM_W-1:0]  xg_sum,
    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_LSUM_W-1:0]  logit_sum,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0] def_alpha,
    input  wire [`TAISP_HSA_GATE_W-1:0]     def_gate0,
    // weight RAM write port (from the test)
    input  wire                    we,
    input  wire [WADDR_W-1:0]      waddr,
    input  wire [`TAISP_WGT_W-1:0] wdata,
    output wire busy,
    output wire done,
    output wire [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0] alpha,
    output wire [2*`TAISP_HSA_GATE_W-1:0]                  gate,
    output wire [`TAISP_N_REGIONS*`TAISP_RGFC_W_W-1:0]     w,
    output wire [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0] inv_w
);

reg [`TAISP_WGT_W-1:0] mem [0:`TAISP_NWEIGHTS-1];
initial $readmemh({MEM_DIR, "/weights.hex"}, mem);

wire [WADDR_W-1:0] wt_addr;
reg [`TAISP_WGT_W-1:0] wt_data;

always @(posedge clk) begin
    if (we) begin
        mem[waddr] <= wdata;
    end
    wt_data <= mem[wt_addr];
end

taisp_params #(.MEM_DIR(MEM_DIR), .WADDR_W(WADDR_W), .NPIX_W(NPIX_W)) dut (
    .clk(clk), .rst(rst), .start(start), .use_defaults(use_defaults), .n_pix(n_pix),
    .x_sum(x_sum), .x_sumsq(x_sumsq), .xg_sum(xg_sum), .logit_sum(logit_sum),
    .def_alpha(def_alpha), .def_gate0(def_gate0),
    .wt_addr(wt_addr), .wt_data(wt_data),
    .busy(busy), .done(done), .alpha(alpha), .gate(gate), .w(w), .inv_w(inv_w)
);

endmodule

`resetall
