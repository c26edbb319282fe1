// POS-ISP denoise: one offset's back end (posisp_denoise's stages D, T and the offset's products),
// from its column sums to its weight and weighted pixel:
//
//   stage D  D_o, the 5x5 box sum of the centre two slots back, by the slot's case (posisp_denoise
//            "slots"): D <= A + B - E (S0: A + B + E) with the operands from this offset's column
//            sum of the slot, its 5-deep history, its partner's history and the pair sums;
//            the history shifts every slot;
//   stage T  w_o = denoise_table(D_o) (one read port of the per-frame table: isp_ftable, NRD 1,
//            written with the table's other copies; SW_RD 1 for the one copy software reads),
//            the offset's search pixel x_k(p + o) delayed alike;
//   products p_k = w_o x_k(p + o) (posisp_denoise_wx, combinational: the terms of num_k).
//
// Every offset of the default config is the same module (the centre offset's column sums are
// 0; an offset (dy, dx < 0) reads the pair sums of its partner (dy, -dx)), so synthesis maps it
// once (sim/posisp/cost.py keeps its hierarchy until after mapping) for the 121 offsets: the
// table reads, interpolations and products in posisp_denoise's top were more than the
// WebAssembly Yosys's ABC9 could hold. Latency: 1 clock (D) + `ISP_TABLE_LATENCY (w, p).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"
`include "posisp_config.vh"

module posisp_denoise_off #
(
    // Fractional bits of the luma (denoise.y): a square has 2 FY + 1 bits
    parameter FY = 20,
    // Rows and columns of the patch (2 x patch radius + 1)
    parameter KP = 5,
    // Width of a component (chain.x, unsigned)
    parameter XW = 32,
    // Software reads the weight table through this offset's copy (1) or not (0)
    parameter SW_RD = 0,
    // $readmemh file of the weight table's reset entries (tab_denoise_default.hex)
    parameter INIT_FILE = "tab_denoise_default.hex"
)
(
    input  wire                                      clk,
    input  wire                                      ce,

    // the slot's case (stage F, registered in posisp_denoise): a slot this clock (vF), a line's
    // first centre (kS0), its second and third (kS1, kS2), the previous line's last two (kE2, kE1)
    input  wire                                      v,
    input  wire                                      k_s0,
    input  wire                                      k_s1,
    input  wire                                      k_s2,
    input  wire                                      k_e2,
    input  wire                                      k_e1,
    // this offset's column sum of the slot (stage F's input: registered here)
    input  wire [2*FY+$clog2(KP+1)-1:0]              cs,
    // the pair sum of the slot and of the previous slot, S = C_o + C_o' (registered by the pair's
    // owner, dx >= 0)
    input  wire [2*FY+$clog2(KP+1):0]                s_cur,
    input  wire [2*FY+$clog2(KP+1):0]                s_prev,
    // the partner's history: hp[k] = C'(slot s - 1 - k), k = 0 .. KP - 2
    input  wire [(KP-1)*(2*FY+$clog2(KP+1))-1:0]     hp,
    // this offset's history (to its partner): hist[k] = C(slot s - 1 - k)
    output reg  [KP*(2*FY+$clog2(KP+1))-1:0]         hist,
    // the offset's search pixel of the centre two slots back (stage F), component 0 low
    input  wire [3*XW-1:0]                           x,

    // the weight table's software port (isp_ftable's) and the bank the pixel path reads
    input  wire                                      tab_bank,
    input  wire                                      tab_en,
    input  wire                                      tab_we,
    input  wire [$clog2(`POSISP_TAB_DENOISE_N)-1:0]  tab_addr,
    input  wire [31:0]                               tab_wdata,
    output wire [31:0]                               tab_rdata,

    // the weight w_o and the products w_o x_k (component 0 low), `ISP_TABLE_LATENCY + 1 clocks
    // after the slot
    output wire [`POSISP_DENOISE_W_W-1:0]            w,
    output wire [3*(`POSISP_DENOISE_W_W+XW)-1:0]     p
);

// a column sum, D (KP column sums), the table input (denoise.d), the weight
localparam CSW = 2 * FY + $clog2(KP + 1);
localparam DSW = 2 * FY + $clog2(KP * KP + 1);
localparam DW_ = `POSISP_DENOISE_D_W;
localparam WW = `POSISP_DENOISE_W_W;
localparam TL = `ISP_TABLE_LATENCY;

initial begin
    if (DSW > DW_) begin
        $error("posisp_denoise_off: D needs %0d bits, denoise.d has %0d", DSW, DW_);
        $finish;
    end
    if (KP != 5) begin
        $error("posisp_denoise_off: the slot cases are written for a 5x5 patch (KP %0d)", KP);
        $finish;
    end
end

// ------------------------------------------------------------------ stage D
reg [CSW-1:0]  cF;
reg [3*XW-1:0] xD;
reg [DSW-1:0]  d;
// D <= A + B - E (S0: A + B + E)
reg [DSW-1:0] opA, opB, opE;
reg           sub;
always @* begin
    opA = d;
    opB = {{(DSW-CSW){1'b0}}, cF};
    opE = {{(DSW-CSW){1'b0}}, hist[(KP-1)*CSW +: CSW]};
    sub = 1'b1;
    if (k_s0) begin
        opA = {{(DSW-CSW){1'b0}}, hist[1*CSW +: CSW]};
        opB = {{(DSW-CSW-1){1'b0}}, s_prev};
        opE = {{(DSW-CSW-1){1'b0}}, s_cur};
        sub = 1'b0;
    end
    if (k_s1) opE = {{(DSW-CSW){1'b0}}, hp[0*CSW +: CSW]};
    if (k_s2) opE = {{(DSW-CSW){1'b0}}, hp[2*CSW +: CSW]};
    if (k_e2) opB = {{(DSW-CSW){1'b0}}, hp[1*CSW +: CSW]};
    if (k_e1) opB = {{(DSW-CSW){1'b0}}, hp[3*CSW +: CSW]};
end
integer h;
always @(posedge clk) begin
    if (ce) begin
        cF <= cs;
        xD <= x;
        if (v) begin
            d <= opA + opB + (sub ? ~opE : opE) + {{(DSW-1){1'b0}}, sub};
            hist[0 +: CSW] <= cF;
            for (h = 1; h < KP; h = h + 1) begin
                hist[h*CSW +: CSW] <= hist[(h-1)*CSW +: CSW];
            end
        end
    end
end

// ------------------------------------------------------------------ stage T: weight, search pixel
isp_ftable #(`POSISP_TAB_DENOISE_PARAMS, .INIT_FILE(INIT_FILE), .NRD(1), .SW_RD(SW_RD)) u_wtab (
    .clk(clk), .ce(ce), .in({{(DW_-DSW){1'b0}}, d}), .out(w),
    .tab_bank(tab_bank), .tab_en(tab_en), .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata),
    .tab_rdata(tab_rdata)
);
wire [3*XW-1:0] xT;
isp_delay #(.DW(3*XW), .N(TL)) u_dx (
    .clk(clk), .rst(1'b0), .ce(ce), .in(xD), .out(xT)
);

// ------------------------------------------------------------------ products
posisp_denoise_wx #(.WW(WW), .XW(XW)) u_wx (
    .w(w), .x(xT), .p(p)
);

endmodule

`resetall
