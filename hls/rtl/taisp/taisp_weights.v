// TA-ISP core: the weight memories. Shadow: what software writes over AXI4-Lite (and reads
// back); active: what the block uses, copied from the shadow one word a cycle while the
// stream control holds copy high (COMMIT, between frames). The parameter engine reads the
// active words through a synchronous port; the weights the pixel path needs in parallel (the
// two HSA branches and the mask head, one contiguous run of the weight image) are held in
// registers, loaded by the same copy. Both memories start from MEM_DIR/weights.hex (the
// build-time weights); after reset the stream control copies the shadow into the active
// words. Word layout and counts: taisp_regmap.vh (TAISP_WOFF_*, TAISP_WLEN_*).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_regmap.vh"

module taisp_weights #
(
    // Folder of the generated memories (weights.hex)
    parameter MEM_DIR = ".",
    // Width of a weight word index (2**WADDR_W >= TAISP_NWEIGHTS, checked)
    parameter WADDR_W = 12
)
(
    input  wire                     clk,
    input  wire                     rst,

    // software port (the register file): write a shadow word; read one back a cycle later
    input  wire                     wr,
    input  wire [WADDR_W-1:0]       widx,
    input  wire [`TAISP_WGT_W-1:0]  wdata,
    input  wire [WADDR_W-1:0]       ridx,
    output reg  [`TAISP_WGT_W-1:0]  rdata,

    // copy shadow -> active, one word a cycle while copy is high; copy_last: the last word
    // is read this cycle (the copy then starts over from word 0)
    input  wire                     copy,
    output wire                     copy_last,

    // the parameter engine's port: data one cycle after the address
    input  wire [WADDR_W-1:0]       eng_addr,
    output reg  [`TAISP_WGT_W-1:0]  eng_data,

    // the pixel path's weights: first HSA branch (TAISP_WLEN_C3 weights then the bias),
    // second branch (C5, C5B), mask head (TAISP_WLEN_WM weights then TAISP_WLEN_BM biases)
    output wire [(`TAISP_WLEN_C3+`TAISP_WLEN_C3B)*`TAISP_WGT_W-1:0] wb3,
    output wire [(`TAISP_WLEN_C5+`TAISP_WLEN_C5B)*`TAISP_WGT_W-1:0] wb5,
    output wire [(`TAISP_WLEN_WM+`TAISP_WLEN_BM)*`TAISP_WGT_W-1:0]  wm
);

localparam WGT = `TAISP_WGT_W;
localparam NW = `TAISP_NWEIGHTS;
// the weights the pixel path reads in parallel: branch convolutions to the mask head
localparam CONV_LO = `TAISP_WOFF_C3;
localparam CONV_N = `TAISP_WOFF_W3 - `TAISP_WOFF_C3;
localparam O_C5 = `TAISP_WOFF_C5 - CONV_LO;
localparam O_WM = `TAISP_WOFF_WM - CONV_LO;
// words of the 3x3 and 5x5 branches (weights then bias) and of the mask head (weights then biases)
localparam NWB3 = `TAISP_WLEN_C3 + `TAISP_WLEN_C3B;
localparam NWB5 = `TAISP_WLEN_C5 + `TAISP_WLEN_C5B;
localparam NWM = `TAISP_WLEN_WM + `TAISP_WLEN_BM;

initial begin
    if ((1 << WADDR_W) < NW) begin
        $error("taisp_weights: WADDR_W %0d does not index %0d weight words", WADDR_W, NW);
        $finish;
    end
    // the pixel path reads each branch (weights then bias) and the mask head (weights then
    // biases) as one contiguous run of the weight image between C3 and W3
    if (`TAISP_WOFF_C3B != `TAISP_WOFF_C3 + `TAISP_WLEN_C3 || `TAISP_WOFF_C5B != `TAISP_WOFF_C5 + `TAISP_WLEN_C5
        || `TAISP_WOFF_BM != `TAISP_WOFF_WM + `TAISP_WLEN_WM || O_C5 < NWB3 || O_WM < O_C5 + NWB5
        || CONV_N < O_WM + NWM) begin
        $error("taisp_weights: unexpected weight layout in taisp_regmap.vh");
        $finish;
    end
end

reg [WGT-1:0] shadow [0:NW-1];
reg [WGT-1:0] active [0:NW-1];
reg [WGT-1:0] convw [0:CONV_N-1];
initial begin
    $readmemh({MEM_DIR, "/weights.hex"}, shadow);
    $readmemh({MEM_DIR, "/weights.hex"}, active);
end

// the copy: read word copy_idx, write it one cycle later
reg [WADDR_W-1:0] copy_idx, copy_idx_d;
reg copy_we;
reg [WGT-1:0] copy_rd;
assign copy_last = copy_idx == NW - 1;

always @(posedge clk) begin
    if (wr) begin
        shadow[widx] <= wdata;
    end
    rdata <= shadow[ridx];
    copy_rd <= shadow[copy_idx];
    if (copy_we) begin
        active[copy_idx_d] <= copy_rd;
        if (copy_idx_d >= CONV_LO && copy_idx_d < CONV_LO + CONV_N) begin
            convw[copy_idx_d - CONV_LO] <= copy_rd;
        end
    end
    eng_data <= active[eng_addr];
end

always @(posedge clk) begin
    copy_we <= copy;
    if (copy) begin
        copy_idx_d <= copy_idx;
        copy_idx <= copy_last ? {WADDR_W{1'b0}} : copy_idx + 1'b1;
    end
    if (rst) begin
        copy_we <= 1'b0;
        copy_idx <= {WADDR_W{1'b0}};
    end
end

genvar gi;
generate
for (gi = 0; gi < NWB3; gi = gi + 1) begin : g_wb3
    assign wb3[gi*WGT +: WGT] = convw[gi];
end
for (gi = 0; gi < NWB5; gi = gi + 1) begin : g_wb5
    assign wb5[gi*WGT +: WGT] = convw[O_C5 + gi];
end
for (gi = 0; gi < NWM; gi = gi + 1) begin : g_wm
    assign wm[gi*WGT +: WGT] = convw[O_WM + gi];
end
endgenerate

endmodule

`resetall
