// TA-ISP camera: the AXI4-Lite register file of the camera block and its bridge to the core's.
// One map (taisp_regmap.vh): the front-end registers (FE_CONFIG, FE_BLACK0..3, FE_GAIN0..3,
// FE_ACTIVE) and the Bayer frame size (WIDTH, HEIGHT) are held here; every other register is
// the core's, reached through an AXI4-Lite master port (one transaction at a time). ERROR
// reads merge the front end's sticky bits (BAYER_*, FE_SIZE) into the core's and a write 1
// clears both; STATUS reads add the front end (IN_FRAME) and a COMMIT held here
// (COMMIT_PENDING, READY low).
//
// COMMIT: a CTRL write with COMMIT is acknowledged at once and held (hold: the front end
// takes no new frame). When the front end is between frames, the written settings are
// checked: a size the demosaic cannot take (bin2: odd width or height, or under 4 x 2;
// bilinear: under 2 x 2; above MAX_W x MAX_H) is refused (ERROR.FE_SIZE, the settings in use
// stay); otherwise they are applied and the core's WIDTH and HEIGHT are written with the
// frame size it gets (bin2: half). Then the held CTRL value goes to the core, which applies
// its COMMIT before the next frame reaches it. Synchronous reset: INIT_WIDTH x INIT_HEIGHT,
// RGGB, bilinear, black 0, gain round(2^GAIN_F / (2^DN_W - 1)) (the full DN range).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_regmap.vh"

module taisp_camera_regs #
(
    // Largest Bayer frame width (line buffers); WIDTH above it is refused on COMMIT
    parameter MAX_W = 2048,
    // Largest Bayer frame height; HEIGHT above it is refused on COMMIT
    parameter MAX_H = 4095,
    // Width of the frame size registers
    parameter CW = 12,
    // Bayer frame width after reset
    parameter INIT_WIDTH = 64,
    // Bayer frame height after reset
    parameter INIT_HEIGHT = 48,
    // Bits of a Bayer sample (DN)
    parameter DN_W = 16,
    // Width of a gain (frontend.gain, unsigned)
    parameter GAIN_W = 33,
    // Fractional bits of a gain
    parameter GAIN_F = 40,
    // AXI4-Lite address width
    parameter AXIL_ADDR_W = 15
)
(
    input  wire                   clk,
    input  wire                   rst,

    // AXI4-Lite slave (the host)
    input  wire [AXIL_ADDR_W-1:0] s_axil_awaddr,
    input  wire [2:0]             s_axil_awprot,
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [31:0]            s_axil_wdata,
    input  wire [3:0]             s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output wire                   s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [AXIL_ADDR_W-1:0] s_axil_araddr,
    input  wire [2:0]             s_axil_arprot,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output reg  [31:0]            s_axil_rdata,
    output wire [1:0]             s_axil_rresp,
    output wire                   s_axil_rvalid,
    input  wire                   s_axil_rready,

    // AXI4-Lite master (the core's register file)
    output reg  [AXIL_ADDR_W-1:0] m_axil_awaddr,
    output wire [2:0]             m_axil_awprot,
    output wire                   m_axil_awvalid,
    input  wire                   m_axil_awready,
    output reg  [31:0]            m_axil_wdata,
    output wire [3:0]             m_axil_wstrb,
    output wire                   m_axil_wvalid,
    input  wire                   m_axil_wready,
    input  wire [1:0]             m_axil_bresp,
    input  wire                   m_axil_bvalid,
    output wire                   m_axil_bready,
    output reg  [AXIL_ADDR_W-1:0] m_axil_araddr,
    output wire [2:0]             m_axil_arprot,
    output wire                   m_axil_arvalid,
    input  wire                   m_axil_arready,
    input  wire [31:0]            m_axil_rdata,
    input  wire [1:0]             m_axil_rresp,
    input  wire                   m_axil_rvalid,
    output wire                   m_axil_rready,

    // the front end's settings in use
    output reg  [CW-1:0]          fe_width,
    output reg  [CW-1:0]          fe_height,
    output reg  [1:0]             fe_cfa,
    output reg                    fe_bin2,
    output reg  [4*DN_W-1:0]      fe_black,
    output reg  [4*GAIN_W-1:0]    fe_gain,
    // the front end: take no new frame; it is between frames; its input errors
    // {early SOF, missing SOF, long line, short line}
    output wire                   fe_hold,
    input  wire                   fe_idle,
    input  wire [3:0]             fe_err
);

// the largest frame size as register values
localparam [CW-1:0] MAX_W_C = MAX_W[CW-1:0];
localparam [CW-1:0] MAX_H_C = MAX_H[CW-1:0];
localparam [CW-1:0] INIT_W_C = INIT_WIDTH[CW-1:0];
localparam [CW-1:0] INIT_H_C = INIT_HEIGHT[CW-1:0];
// gain after reset: round(2^GAIN_F / (2^DN_W - 1)), saturated to the format
localparam [63:0] SPAN = (64'd1 << DN_W) - 64'd1;
localparam [63:0] GAIN_RND = (((64'd1 << (GAIN_F + 1)) / SPAN) + 64'd1) >> 1;
localparam [63:0] GAIN_MAX = GAIN_W == 64 ? ~64'd0 : (64'd1 << GAIN_W) - 64'd1;
localparam [63:0] GAIN_INIT = GAIN_RND > GAIN_MAX ? GAIN_MAX : GAIN_RND;
// the front end's ERROR bits (in place)
localparam [31:0] FE_ERR_MASK = `TAISP_ERROR_BAYER_SHORT_LINE_MASK | `TAISP_ERROR_BAYER_LONG_LINE_MASK |
                                `TAISP_ERROR_BAYER_MISSING_SOF_MASK | `TAISP_ERROR_BAYER_EARLY_SOF_MASK |
                                `TAISP_ERROR_FE_SIZE_MASK;

initial begin
    if (CW > 16 || DN_W < 1 || DN_W > 32 || GAIN_W < 1 || GAIN_W > 64 || GAIN_F + 1 > 63) begin
        $error("taisp_camera_regs: CW %0d, DN_W %0d or gain format (%0d, %0d) out of range", CW, DN_W, GAIN_W, GAIN_F);
        $finish;
    end
    if (INIT_WIDTH < 2 || INIT_WIDTH > MAX_W || INIT_HEIGHT < 2 || INIT_HEIGHT > MAX_H) begin
        $error("taisp_camera_regs: initial frame size %0dx%0d out of range", INIT_WIDTH, INIT_HEIGHT);
        $finish;
    end
end

/* verilator lint_off UNUSEDSIGNAL */
wire unused_ok = (|s_axil_awprot) | (|s_axil_arprot) | (|s_axil_wstrb) | (|m_axil_bresp) | (|m_axil_rresp);
/* verilator lint_on UNUSEDSIGNAL */

// ------------------------------------------------------------------ registers
reg [CW-1:0] sh_w, sh_h;
reg [1:0] sh_cfa;
reg sh_bin2;
reg [4*DN_W-1:0] sh_black;
reg [4*64-1:0] sh_gain;
reg [31:0] err;
reg commit_pend;
reg [31:0] pend_ctrl;
assign fe_hold = commit_pend;

// the written settings: accepted on COMMIT?
/* verilator lint_off CMPCONST */
wire size_ok = sh_w <= MAX_W_C && sh_h <= MAX_H_C && sh_h >= 2 &&
               (sh_bin2 ? (!sh_w[0] && !sh_h[0] && sh_w >= 4) : sh_w >= 2);
/* verilator lint_on CMPCONST */
wire [CW-1:0] out_w = sh_bin2 ? sh_w >> 1 : sh_w;
wire [CW-1:0] out_h = sh_bin2 ? sh_h >> 1 : sh_h;

// ------------------------------------------------------------------ transaction state machine
localparam [2:0] S_IDLE = 3'd0, S_BRESP = 3'd1, S_RRESP = 3'd2, S_CW = 3'd3, S_CWB = 3'd4, S_CR = 3'd5,
                 S_CRR = 3'd6;
// what a core read is merged with
localparam [1:0] MG_NONE = 2'd0, MG_ERROR = 2'd1, MG_STATUS = 2'd2;

reg [2:0] state;
// the core write belongs to the COMMIT sequence: next step (0 HEIGHT, 1 CTRL, 2 done)
reg cw_seq;
reg [1:0] seq_step;
reg cw_aw_done, cw_w_done;
reg [1:0] merge;

wire seq_go = state == S_IDLE && commit_pend && fe_idle;
wire wr_go = state == S_IDLE && !seq_go && s_axil_awvalid && s_axil_wvalid;
wire rd_go = state == S_IDLE && !seq_go && !wr_go && s_axil_arvalid;
assign s_axil_awready = wr_go;
assign s_axil_wready = wr_go;
assign s_axil_arready = rd_go;
assign s_axil_bvalid = state == S_BRESP;
assign s_axil_rvalid = state == S_RRESP;
assign s_axil_bresp = 2'b00;
assign s_axil_rresp = 2'b00;

assign m_axil_awprot = 3'b000;
assign m_axil_arprot = 3'b000;
assign m_axil_wstrb = 4'hf;
assign m_axil_awvalid = state == S_CW && !cw_aw_done;
assign m_axil_wvalid = state == S_CW && !cw_w_done;
assign m_axil_bready = state == S_CWB;
assign m_axil_arvalid = state == S_CR;
assign m_axil_rready = state == S_CRR;

wire [AXIL_ADDR_W-1:0] wa = s_axil_awaddr;
// the write address as a 32-bit word (compared with computed register addresses)
wire [31:0] wa32 = {{(32-AXIL_ADDR_W){1'b0}}, wa};
wire [31:0] wd = s_axil_wdata;
wire w_local = wa == `TAISP_REG_WIDTH || wa == `TAISP_REG_HEIGHT ||
               (wa >= `TAISP_REG_FE_CONFIG && wa <= `TAISP_REG_FE_ACTIVE);
wire w_commit = wa == `TAISP_REG_CTRL && wd[`TAISP_CTRL_COMMIT];
wire [AXIL_ADDR_W-1:0] ra = s_axil_araddr;
wire r_local = ra == `TAISP_REG_WIDTH || ra == `TAISP_REG_HEIGHT ||
               (ra >= `TAISP_REG_FE_CONFIG && ra <= `TAISP_REG_FE_ACTIVE);

// read-back of the registers held here
function [31:0] local_word(input [31:0] a);
    integer p;
    begin
        local_word = 32'd0;
        if (a == `TAISP_REG_WIDTH) local_word[CW-1:0] = sh_w;
        if (a == `TAISP_REG_HEIGHT) local_word[CW-1:0] = sh_h;
        if (a == `TAISP_REG_FE_CONFIG) begin
            local_word[`TAISP_FE_CONFIG_CFA +: 2] = sh_cfa;
            local_word[`TAISP_FE_CONFIG_DEMOSAIC] = sh_bin2;
        end
        if (a == `TAISP_REG_FE_ACTIVE) begin
            local_word[`TAISP_FE_ACTIVE_CFA +: 2] = fe_cfa;
            local_word[`TAISP_FE_ACTIVE_DEMOSAIC] = fe_bin2;
        end
        for (p = 0; p < 4; p = p + 1) begin
            if (a == `TAISP_REG_FE_BLACK0 + 4 * p) local_word[DN_W-1:0] = sh_black[p*DN_W +: DN_W];
            if (a == `TAISP_REG_FE_GAIN0_LO + 8 * p) local_word = sh_gain[p*64 +: 32];
            if (a == `TAISP_REG_FE_GAIN0_HI + 8 * p) local_word = sh_gain[p*64 + 32 +: 32];
        end
    end
endfunction

integer q;
always @(posedge clk) begin
    // sticky front-end errors: set by the front end, cleared by writing 1
    err <= (wr_go && wa == `TAISP_REG_ERROR ? err & ~wd : err) |
           ({31'd0, fe_err[3]} << `TAISP_ERROR_BAYER_EARLY_SOF) | ({31'd0, fe_err[2]} << `TAISP_ERROR_BAYER_MISSING_SOF) |
           ({31'd0, fe_err[1]} << `TAISP_ERROR_BAYER_LONG_LINE) | ({31'd0, fe_err[0]} << `TAISP_ERROR_BAYER_SHORT_LINE);
    case (state)
        S_IDLE: begin
            if (seq_go) begin
                // the held COMMIT, the front end between frames
                cw_seq <= 1'b1;
                cw_aw_done <= 1'b0;
                cw_w_done <= 1'b0;
                state <= S_CW;
                if (size_ok) begin
                    fe_width <= sh_w;
                    fe_height <= sh_h;
                    fe_cfa <= sh_cfa;
                    fe_bin2 <= sh_bin2;
                    fe_black <= sh_black;
                    for (q = 0; q < 4; q = q + 1) begin
                        fe_gain[q*GAIN_W +: GAIN_W] <= sh_gain[q*64 +: GAIN_W];
                    end
                    m_axil_awaddr <= `TAISP_REG_WIDTH;
                    m_axil_wdata <= {{(32-CW){1'b0}}, out_w};
                    seq_step <= 2'd0;
                end else begin
                    err[`TAISP_ERROR_FE_SIZE] <= 1'b1;
                    m_axil_awaddr <= `TAISP_REG_CTRL;
                    m_axil_wdata <= pend_ctrl;
                    seq_step <= 2'd2;
                end
            end else if (wr_go) begin
                if (w_local) begin
                    if (wa == `TAISP_REG_WIDTH) sh_w <= wd[CW-1:0];
                    if (wa == `TAISP_REG_HEIGHT) sh_h <= wd[CW-1:0];
                    if (wa == `TAISP_REG_FE_CONFIG) begin
                        sh_cfa <= wd[`TAISP_FE_CONFIG_CFA +: 2];
                        sh_bin2 <= wd[`TAISP_FE_CONFIG_DEMOSAIC];
                    end
                    for (q = 0; q < 4; q = q + 1) begin
                        if (wa32 == `TAISP_REG_FE_BLACK0 + 4 * q) sh_black[q*DN_W +: DN_W] <= wd[DN_W-1:0];
                        if (wa32 == `TAISP_REG_FE_GAIN0_LO + 8 * q) sh_gain[q*64 +: 32] <= wd;
                        if (wa32 == `TAISP_REG_FE_GAIN0_HI + 8 * q) sh_gain[q*64 + 32 +: 32] <= wd;
                    end
                    state <= S_BRESP;
                end else if (w_commit) begin
                    commit_pend <= 1'b1;
                    pend_ctrl <= commit_pend ? pend_ctrl | wd : wd;
                    state <= S_BRESP;
                end else begin
                    cw_seq <= 1'b0;
                    cw_aw_done <= 1'b0;
                    cw_w_done <= 1'b0;
                    m_axil_awaddr <= wa;
                    m_axil_wdata <= wd;
                    state <= S_CW;
                end
            end else if (rd_go) begin
                if (r_local) begin
                    s_axil_rdata <= local_word({{(32-AXIL_ADDR_W){1'b0}}, ra});
                    state <= S_RRESP;
                end else begin
                    m_axil_araddr <= ra;
                    merge <= ra == `TAISP_REG_ERROR ? MG_ERROR : ra == `TAISP_REG_STATUS ? MG_STATUS : MG_NONE;
                    state <= S_CR;
                end
            end
        end
        S_CW: begin
            if (m_axil_awready) cw_aw_done <= 1'b1;
            if (m_axil_wready) cw_w_done <= 1'b1;
            if ((cw_aw_done || m_axil_awready) && (cw_w_done || m_axil_wready)) state <= S_CWB;
        end
        S_CWB: begin
            if (m_axil_bvalid) begin
                if (!cw_seq) begin
                    state <= S_BRESP;
                end else if (seq_step == 2'd2) begin
                    commit_pend <= 1'b0;
                    state <= S_IDLE;
                end else begin
                    cw_aw_done <= 1'b0;
                    cw_w_done <= 1'b0;
                    m_axil_awaddr <= seq_step == 2'd0 ? `TAISP_REG_HEIGHT : `TAISP_REG_CTRL;
                    m_axil_wdata <= seq_step == 2'd0 ? {{(32-CW){1'b0}}, out_h} : pend_ctrl;
                    seq_step <= seq_step + 1'b1;
                    state <= S_CW;
                end
            end
        end
        S_CR: begin
            if (m_axil_arready) state <= S_CRR;
        end
        S_CRR: begin
            if (m_axil_rvalid) begin
                s_axil_rdata <= m_axil_rdata;
                if (merge == MG_ERROR) s_axil_rdata <= m_axil_rdata | (err & FE_ERR_MASK);
                if (merge == MG_STATUS) begin
                    s_axil_rdata <= (m_axil_rdata & ~(commit_pend ? `TAISP_STATUS_READY_MASK : 32'd0))
                                    | (commit_pend ? `TAISP_STATUS_COMMIT_PENDING_MASK : 32'd0)
                                    | (fe_idle ? 32'd0 : `TAISP_STATUS_IN_FRAME_MASK);
                end
                state <= S_RRESP;
            end
        end
        S_BRESP: if (s_axil_bready) state <= S_IDLE;
        S_RRESP: if (s_axil_rready) state <= S_IDLE;
        default: state <= S_IDLE;
    endcase

    if (rst) begin
        state <= S_IDLE;
        err <= 32'd0;
        commit_pend <= 1'b0;
        pend_ctrl <= 32'd0;
        cw_seq <= 1'b0;
        seq_step <= 2'd0;
        cw_aw_done <= 1'b0;
        cw_w_done <= 1'b0;
        merge <= MG_NONE;
        sh_w <= INIT_W_C;
        sh_h <= INIT_H_C;
        sh_cfa <= 2'd0;
        sh_bin2 <= 1'b0;
        sh_black <= {4*DN_W{1'b0}};
        sh_gain <= {4{GAIN_INIT}};
        fe_width <= INIT_W_C;
        fe_height <= INIT_H_C;
        fe_cfa <= 2'd0;
        fe_bin2 <= 1'b0;
        fe_black <= {4*DN_W{1'b0}};
        fe_gain <= {4{GAIN_INIT[GAIN_W-1:0]}};
    end
end

endmodule

`resetall
