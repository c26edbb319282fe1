// TA-ISP core: the register file. AXI4-Lite (isp_axil) to the registers of the register map
// (taisp_regmap.vh, generated from fixedpoint/taisp/regmap.py; bit fields by their generated
// TAISP_<REG>_<FIELD> names): CTRL (COMMIT, RESTART and CLEAR_COUNTERS requests, held until
// the stream control takes them; CLEAR_COUNTERS a one-cycle pulse), STATUS, ERROR (sticky bits
// set by the stream control, write 1 to clear), the frame size WIDTH/HEIGHT and the defaults
// DEF_GATE0/DEF_ALPHA0..2 as written (shadow, read back) and in use (active: copied from the
// shadow on the stream control's apply pulse, at the end of a COMMIT; a size out of range is
// ignored), ACTIVE_SIZE. Reads take two cycles (isp_axil RD_LAT 2): the word is registered one
// cycle after the address, from the fixed registers, FRAMES/BAD_FRAMES, the parameters in use
// (taisp_params), the saturation counters (taisp_stats) or the shadow weights (taisp_weights,
// sign-extended). Synchronous reset: the size returns to INIT_WIDTH x INIT_HEIGHT, the defaults
// to alpha 1.0 and gate_0 0.5, the requests and ERROR to 0 (and the counters are cleared).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"

module taisp_regs #
(
    // Largest frame width (MAX_WIDTH; WIDTH above it is ignored on COMMIT)
    parameter MAX_W = 2048,
    // Largest frame height (HEIGHT above it is ignored on COMMIT)
    parameter MAX_H = 4095,
    // Width of the frame size registers (holds MAX_W and MAX_H, at most 16)
    parameter CW = 12,
    // Frame width after reset
    parameter INIT_WIDTH = 64,
    // Frame height after reset
    parameter INIT_HEIGHT = 48,
    // AXI4-Lite address width
    parameter AXIL_ADDR_W = 15,
    // Width of a weight word index
    parameter WADDR_W = 12
)
(
    input  wire                         clk,
    input  wire                         rst,

    input  wire [AXIL_ADDR_W-1:0]       s_axil_awaddr,
    input  wire [2:0]                   s_axil_awprot,
    input  wire                         s_axil_awvalid,
    output wire                         s_axil_awready,
    input  wire [31:0]                  s_axil_wdata,
    input  wire [3:0]                   s_axil_wstrb,
    input  wire                         s_axil_wvalid,
    output wire                         s_axil_wready,
    output wire [1:0]                   s_axil_bresp,
    output wire                         s_axil_bvalid,
    input  wire                         s_axil_bready,
    input  wire [AXIL_ADDR_W-1:0]       s_axil_araddr,
    input  wire [2:0]                   s_axil_arprot,
    input  wire                         s_axil_arvalid,
    output wire                         s_axil_arready,
    output wire [31:0]                  s_axil_rdata,
    output wire [1:0]                   s_axil_rresp,
    output wire                         s_axil_rvalid,
    input  wire                         s_axil_rready,

    // CTRL requests to the stream control (COMMIT, RESTART: until acknowledged) and to the
    // counters (CLEAR_COUNTERS: one cycle)
    output reg                          commit_req,
    output reg                          restart_req,
    output reg                          clear_req,
    input  wire                         commit_ack,
    input  wire                         restart_ack,
    // end of a COMMIT: the written size and defaults apply
    input  wire                         apply,
    // ERROR bits to set (in place)
    input  wire [31:0]                  err_set,
    // STATUS from the stream control: in a frame, ready for the next one, defaults next
    input  wire                         st_in_frame,
    input  wire                         st_ready,
    input  wire                         st_defaults,

    // frame size and defaults in use
    output reg  [CW-1:0]                width,
    output reg  [CW-1:0]                height,
    output reg  [3*`TAISP_GLC_ALPHA_W-1:0] def_alpha,
    output reg  [`TAISP_HSA_GATE_W-1:0] def_gate0,

    // the weight memories (taisp_weights): write a word, read one back (a cycle later)
    output wire                         wt_wr,
    output wire [WADDR_W-1:0]           wt_widx,
    output wire [`TAISP_WGT_W-1:0]      wt_wdata,
    output wire [WADDR_W-1:0]           wt_ridx,
    input  wire [`TAISP_WGT_W-1:0]      wt_rdata,

    // the counters (taisp_stats): FRAMES, BAD_FRAMES, saturation counter read port
    input  wire [31:0]                  frames,
    input  wire [31:0]                  bad_frames,
    output wire [$clog2(`TAISP_NSAT)-1:0] sat_ridx,
    input  wire [31:0]                  sat_rdata,

    // the parameters in use (taisp_params): alpha, gate, w, inv_w
    input  wire [3*`TAISP_GLC_ALPHA_W-1:0]              alpha,
    input  wire [2*`TAISP_HSA_GATE_W-1:0]               gate,
    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_W_W-1:0]  w,
    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0] inv_w
);

localparam WGT = `TAISP_WGT_W;
localparam NW = `TAISP_NWEIGHTS;
localparam NSAT = `TAISP_NSAT;
localparam AW = `TAISP_GLC_ALPHA_W;
localparam GW = `TAISP_HSA_GATE_W;
// the largest frame size as register values
localparam [CW-1:0] MAX_W_C = MAX_W[CW-1:0];
localparam [CW-1:0] MAX_H_C = MAX_H[CW-1:0];
// values after reset: the frame size, alpha 1.0 per channel, gate_0 0.5
localparam [CW-1:0] INIT_W_C = INIT_WIDTH[CW-1:0];
localparam [CW-1:0] INIT_H_C = INIT_HEIGHT[CW-1:0];
localparam [3*AW-1:0] ALPHA_ONE3 = {3{`TAISP_GLC_ALPHA_ONE}};
localparam [GW-1:0] GATE_HALF = `TAISP_HSA_GATE_ONE >> 1;

initial begin
    if (CW > `TAISP_ACTIVE_SIZE_WIDTH_W || CW > `TAISP_ACTIVE_SIZE_HEIGHT_W || WGT > 32) begin
        $error("taisp_regs: %0d-bit frame size or %0d-bit weights do not fit their registers", CW, WGT);
        $finish;
    end
    if ((1 << WADDR_W) < NW || (1 << AXIL_ADDR_W) < `TAISP_WEIGHT_BASE + 4 * NW) begin
        $error("taisp_regs: WADDR_W %0d or AXIL_ADDR_W %0d too small for %0d weights", WADDR_W, AXIL_ADDR_W, NW);
        $finish;
    end
end

// ------------------------------------------------------------------ AXI4-Lite register bus
wire reg_wr, reg_rd;
wire [AXIL_ADDR_W-1:0] reg_waddr, reg_raddr;
wire [31:0] reg_wdata;
wire [3:0] reg_wstrb;
wire [31:0] reg_rdata;

isp_axil #(.ADDR_W(AXIL_ADDR_W), .RD_LAT(2)) u_axil (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .reg_wr(reg_wr), .reg_waddr(reg_waddr), .reg_wdata(reg_wdata), .reg_wstrb(reg_wstrb),
    .reg_rd(reg_rd), .reg_raddr(reg_raddr), .reg_rdata(reg_rdata)
);

// ------------------------------------------------------------------ address ranges
wire w_is_weight = reg_waddr >= `TAISP_WEIGHT_BASE && reg_waddr < `TAISP_WEIGHT_BASE + 4 * NW;
wire [AXIL_ADDR_W-1:0] w_widx = (reg_waddr - `TAISP_WEIGHT_BASE) >> 2;
wire r_is_weight = reg_raddr >= `TAISP_WEIGHT_BASE && reg_raddr < `TAISP_WEIGHT_BASE + 4 * NW;
wire [AXIL_ADDR_W-1:0] r_widx = (reg_raddr - `TAISP_WEIGHT_BASE) >> 2;
wire r_is_sat = reg_raddr >= `TAISP_SAT_BASE && reg_raddr < `TAISP_SAT_BASE + 4 * NSAT;
wire [AXIL_ADDR_W-1:0] r_sidx = (reg_raddr - `TAISP_SAT_BASE) >> 2;
wire r_is_param = reg_raddr >= `TAISP_PARAM_BASE && reg_raddr < `TAISP_PARAM_BASE + 4 * `TAISP_NPARAM;
wire [AXIL_ADDR_W-1:0] r_pidx = (reg_raddr - `TAISP_PARAM_BASE) >> 2;

assign wt_wr = reg_wr && w_is_weight;
assign wt_widx = w_widx[WADDR_W-1:0];
assign wt_wdata = reg_wdata[WGT-1:0];
assign wt_ridx = r_is_weight ? r_widx[WADDR_W-1:0] : {WADDR_W{1'b0}};
assign sat_ridx = r_sidx[$clog2(NSAT)-1:0];

// ------------------------------------------------------------------ control registers
reg [CW-1:0] shadow_w, shadow_h;
reg [3*AW-1:0] shadow_def_alpha;
reg [GW-1:0] shadow_def_gate0;
// sticky ERROR bits (TAISP_ERROR_* fields; the others stay 0)
reg [31:0] err;
wire err_wr = reg_wr && reg_waddr == `TAISP_REG_ERROR;

always @(posedge clk) begin
    clear_req <= 1'b0;
    if (reg_wr) begin
        case (reg_waddr)
            `TAISP_REG_CTRL: begin
                if (reg_wdata[`TAISP_CTRL_COMMIT]) commit_req <= 1'b1;
                if (reg_wdata[`TAISP_CTRL_RESTART]) restart_req <= 1'b1;
                if (reg_wdata[`TAISP_CTRL_CLEAR_COUNTERS]) clear_req <= 1'b1;
            end
            `TAISP_REG_WIDTH: shadow_w <= reg_wdata[CW-1:0];
            `TAISP_REG_HEIGHT: shadow_h <= reg_wdata[CW-1:0];
            `TAISP_REG_DEF_GATE0: shadow_def_gate0 <= reg_wdata[GW-1:0];
            `TAISP_REG_DEF_ALPHA0: shadow_def_alpha[0 +: AW] <= reg_wdata[AW-1:0];
            `TAISP_REG_DEF_ALPHA1: shadow_def_alpha[AW +: AW] <= reg_wdata[AW-1:0];
            `TAISP_REG_DEF_ALPHA2: shadow_def_alpha[2*AW +: AW] <= reg_wdata[AW-1:0];
            default: ;
        endcase
    end
    // the stream control takes a request (after a write in the same cycle)
    if (commit_ack) commit_req <= 1'b0;
    if (restart_ack) restart_req <= 1'b0;
    err <= (err_wr ? err & ~reg_wdata : err) | err_set;
    if (apply) begin
        // a bound is constant (always met) when it is the registers' largest value
        /* verilator lint_off CMPCONST */
        width <= (shadow_w >= 2 && shadow_w <= MAX_W_C) ? shadow_w : width;
        height <= (shadow_h >= 1 && shadow_h <= MAX_H_C) ? shadow_h : height;
        /* verilator lint_on CMPCONST */
        def_alpha <= shadow_def_alpha;
        def_gate0 <= shadow_def_gate0;
    end
    if (rst) begin
        commit_req <= 1'b0;
        restart_req <= 1'b0;
        clear_req <= 1'b1;
        err <= 32'd0;
        width <= INIT_W_C;
        height <= INIT_H_C;
        shadow_w <= INIT_W_C;
        shadow_h <= INIT_H_C;
        def_alpha <= ALPHA_ONE3;
        shadow_def_alpha <= ALPHA_ONE3;
        def_gate0 <= GATE_HALF;
        shadow_def_gate0 <= GATE_HALF;
    end
end

// ------------------------------------------------------------------ register reads (2 cycles)
// STATUS and ACTIVE_SIZE, field by field
reg [31:0] status, active_size;
always @* begin
    status = 32'd0;
    status[`TAISP_STATUS_IN_FRAME] = st_in_frame;
    status[`TAISP_STATUS_READY] = st_ready;
    status[`TAISP_STATUS_COMMIT_PENDING] = commit_req;
    status[`TAISP_STATUS_DEFAULTS] = st_defaults;
    active_size = ({{(32-CW){1'b0}}, width} << `TAISP_ACTIVE_SIZE_WIDTH)
                  | ({{(32-CW){1'b0}}, height} << `TAISP_ACTIVE_SIZE_HEIGHT);
end

// parameter read-back: alpha, gate, w, inv_w (raw, zero-extended; TAISP_PARAM_* offsets)
function [31:0] param_word;
    input [AXIL_ADDR_W-1:0] i;
    begin
        param_word = 32'd0;
        if (i < `TAISP_PARAM_GATE) begin
            param_word[AW-1:0] = alpha[i*AW +: AW];
        end else if (i < `TAISP_PARAM_W) begin
            param_word[GW-1:0] = gate[(i - `TAISP_PARAM_GATE)*GW +: GW];
        end else if (i < `TAISP_PARAM_INV_W) begin
            param_word[`TAISP_RGFC_W_W-1:0] = w[(i - `TAISP_PARAM_W)*`TAISP_RGFC_W_W +: `TAISP_RGFC_W_W];
        end else begin
            param_word[`TAISP_RGFC_INV_W_W-1:0] = inv_w[(i - `TAISP_PARAM_INV_W)*`TAISP_RGFC_INV_W_W +: `TAISP_RGFC_INV_W_W];
        end
    end
endfunction

reg [31:0] rd_q;
reg rd_weight, rd_sat;
always @(posedge clk) begin
    rd_weight <= r_is_weight;
    rd_sat <= r_is_sat;
    rd_q <= 32'd0;
    if (r_is_param) begin
        rd_q <= param_word(r_pidx);
    end else begin
        case (reg_raddr)
            `TAISP_REG_ID: rd_q <= `TAISP_ID;
            `TAISP_REG_VERSION: rd_q <= `TAISP_REGMAP_VERSION;
            `TAISP_REG_MAX_WIDTH: rd_q <= MAX_W;
            `TAISP_REG_STATUS: rd_q <= status;
            `TAISP_REG_ERROR: rd_q <= err;
            `TAISP_REG_FRAMES: rd_q <= frames;
            `TAISP_REG_BAD_FRAMES: rd_q <= bad_frames;
            `TAISP_REG_WIDTH: rd_q <= {{(32-CW){1'b0}}, shadow_w};
            `TAISP_REG_HEIGHT: rd_q <= {{(32-CW){1'b0}}, shadow_h};
            `TAISP_REG_ACTIVE_SIZE: rd_q <= active_size;
            `TAISP_REG_DEF_GATE0: rd_q <= {{(32-GW){1'b0}}, shadow_def_gate0};
            `TAISP_REG_DEF_ALPHA0: rd_q <= {{(32-AW){1'b0}}, shadow_def_alpha[0 +: AW]};
            `TAISP_REG_DEF_ALPHA1: rd_q <= {{(32-AW){1'b0}}, shadow_def_alpha[AW +: AW]};
            `TAISP_REG_DEF_ALPHA2: rd_q <= {{(32-AW){1'b0}}, shadow_def_alpha[2*AW +: AW]};
            default: rd_q <= 32'd0;
        endcase
    end
    if (rst) begin
        rd_weight <= 1'b0;
        rd_sat <= 1'b0;
    end
end

// weights read back sign-extended from the word width
assign reg_rdata = rd_weight ? {{(32-WGT){wt_rdata[WGT-1]}}, wt_rdata} : rd_sat ? sat_rdata : rd_q;

// bits the register file does not use: byte strobes (32-bit writes only), the read strobe
// (reads have no side effects), the high bits of the word indices
/* verilator lint_off UNUSEDSIGNAL */
wire unused_ok = reg_rd | (|reg_wstrb) | (|w_widx) | (|r_widx) | (|r_sidx);
/* verilator lint_on UNUSEDSIGNAL */

endmodule

`resetall
