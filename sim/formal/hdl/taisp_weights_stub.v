// Formal abstraction of taisp_weights (shadow and active weight memories) for the
// stream-protocol proofs of taisp_core (sim/formal): same module name and ports, read instead
// of hls/rtl/taisp/taisp_weights.v. Kept: copy_last is only ever high while copy is (the real
// copy takes one cycle per weight word: hundreds of cycles); when it comes is free. The weights
// themselves (wb3, wb5, wm, the read ports) take any values each cycle. Proofs over this stub
// hold for the real memories whatever the weights and however long the copy.

`default_nettype none

module taisp_weights #
(
    // as the real module
    parameter MEM_DIR = ".",
    parameter WADDR_W = 12
)
(
    input  wire                     clk,
    input  wire                     rst,
    input  wire                     wr,
    input  wire [WADDR_W-1:0]       widx,
    input  wire [`TAISP_WGT_W-1:0]  wdata,
    input  wire [WADDR_W-1:0]       ridx,
    output reg  [`TAISP_WGT_W-1:0]  rdata,
    input  wire                     copy,
    output wire                     copy_last,
    input  wire [WADDR_W-1:0]       eng_addr,
    output reg  [`TAISP_WGT_W-1:0]  eng_data,
    output wire [(`TAISP_WLEN_C3+`TAISP_WLEN_C3B)*`TAISP_WGT_W-1:0] wb3,
    output wire [(`TAISP_WLEN_C5+`TAISP_WLEN_C5B)*`TAISP_WGT_W-1:0] wb5,
    output wire [(`TAISP_WLEN_WM+`TAISP_WLEN_BM)*`TAISP_WGT_W-1:0]  wm
);

(* anyseq *) wire last_now;
(* anyseq *) wire [`TAISP_WGT_W-1:0] any_r, any_e;
(* anyseq *) wire [(`TAISP_WLEN_C3+`TAISP_WLEN_C3B)*`TAISP_WGT_W-1:0] any_wb3;
(* anyseq *) wire [(`TAISP_WLEN_C5+`TAISP_WLEN_C5B)*`TAISP_WGT_W-1:0] any_wb5;
(* anyseq *) wire [(`TAISP_WLEN_WM+`TAISP_WLEN_BM)*`TAISP_WGT_W-1:0] any_wm;

assign copy_last = copy && last_now;
assign wb3 = any_wb3;
assign wb5 = any_wb5;
assign wm = any_wm;

always @(posedge clk) begin
    rdata <= any_r;
    eng_data <= any_e;
end

wire unused_ok = rst | wr | (|widx) | (|wdata) | (|ridx) | (|eng_addr);

endmodule

`default_nettype wire
