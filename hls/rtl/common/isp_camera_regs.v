// Camera block register file (shared by the models' camera tops: taisp_camera, the generated
// posisp_camera): the front end's registers (FE_CONFIG, FE_BLACK0..3, FE_GAIN0..3, FE_ACTIVE) and
// the Bayer frame size (WIDTH, HEIGHT) are held here; every other register is the processing
// block's (TA-ISP core, POS-ISP chain), reached through an AXI4-Lite master port (one
// transaction at a time). ERROR reads merge the front end's sticky bits (BAYER_*, FE_SIZE) into
// the block's and a write 1 clears both; STATUS reads add the front end (IN_FRAME) and a COMMIT
// held here (COMMIT_PENDING, READY low where the map has READY). Register addresses and bit
// positions are parameters: the owner passes its generated register map's (`<MODEL>_REG_*`,
// the shared fixedpoint/regmap.py layout).
//
// COMMIT: a CTRL write with COMMIT is acknowledged at once and held (hold: the front end
// takes no new frame). When the front end is between frames, the written settings are
// checked: a size the demosaic cannot take (bin2: odd width or height, or under 4 x 2;
// bilinear: under 2 x 2; above MAX_W x MAX_H) or whose demosaiced size is under MIN_OUT_W x
// MIN_OUT_H is refused (ERROR.FE_SIZE, the settings in use stay); otherwise they are applied and
// the block's WIDTH and HEIGHT are written with the frame size it gets (bin2: half). Then the
// held CTRL value goes to the block, which applies its COMMIT before the next frame reaches it.
// RESTART_FE: a CTRL write with RESTART is held the same way and, the front end between frames,
// returns the front end's settings (pending and in use) and the Bayer size to their reset
// values before the CTRL value goes on (for a block whose RESTART returns its frame size to the
// reset value: both then agree). Synchronous reset: INIT_WIDTH x INIT_HEIGHT, CFA code 0,
// bilinear, black 0, gain round(2^GAIN_F / (2^DN_W - 1)) (the full DN range).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_camera_regs #
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
    // Smallest demosaiced frame width the block downstream takes (a COMMIT below: FE_SIZE)
    parameter MIN_OUT_W = 1,
    // Smallest demosaiced frame height the block downstream takes
    parameter MIN_OUT_H = 1,
    // 1: CTRL.RESTART also returns the front end and the Bayer size to their reset values
    parameter RESTART_FE = 0,
    // Bits of a Bayer sample (DN)
    parameter DN_W = 16,
    // Width of a gain (frontend.gain, unsigned)
    parameter GAIN_W = 33,
    // Fractional bits of a gain
    parameter GAIN_F = 40,
    // AXI4-Lite address width
    parameter AXIL_ADDR_W = 15,
    // Address of CTRL
    parameter [31:0] REG_CTRL = 32'h010,
    // Address of STATUS
    parameter [31:0] REG_STATUS = 32'h014,
    // Address of ERROR
    parameter [31:0] REG_ERROR = 32'h018,
    // Address of WIDTH
    parameter [31:0] REG_WIDTH = 32'h024,
    // Address of HEIGHT
    parameter [31:0] REG_HEIGHT = 32'h028,
    // Address of FE_CONFIG (the front end's registers: FE_CONFIG .. FE_ACTIVE, one block)
    parameter [31:0] REG_FE_CONFIG = 32'h080,
    // Address of FE_BLACK0 (FE_BLACK1..3 follow, 4 bytes apart)
    parameter [31:0] REG_FE_BLACK0 = 32'h084,
    // Address of FE_GAIN0_LO (FE_GAINp_LO at 8 p from it)
    parameter [31:0] REG_FE_GAIN0_LO = 32'h094,
    // Address of FE_GAIN0_HI (FE_GAINp_HI at 8 p from it)
    parameter [31:0] REG_FE_GAIN0_HI = 32'h098,
    // Address of FE_ACTIVE (the last front-end register)
    parameter [31:0] REG_FE_ACTIVE = 32'h0B4,
    // CTRL.COMMIT bit
    parameter CTRL_COMMIT = 0,
    // CTRL.RESTART bit
    parameter CTRL_RESTART = 1,
    // FE_CONFIG.CFA lowest bit (2 bits)
    parameter FE_CONFIG_CFA = 0,
    // FE_CONFIG.DEMOSAIC bit
    parameter FE_CONFIG_DEMOSAIC = 4,
    // FE_ACTIVE.CFA lowest bit (2 bits)
    parameter FE_ACTIVE_CFA = 0,
    // FE_ACTIVE.DEMOSAIC bit
    parameter FE_ACTIVE_DEMOSAIC = 4,
    // ERROR.BAYER_SHORT_LINE bit
    parameter ERROR_BAYER_SHORT_LINE = 4,
    // ERROR.BAYER_LONG_LINE bit
    parameter ERROR_BAYER_LONG_LINE = 5,
    // ERROR.BAYER_MISSING_SOF bit
    parameter ERROR_BAYER_MISSING_SOF = 6,
    // ERROR.BAYER_EARLY_SOF bit
    parameter ERROR_BAYER_EARLY_SOF = 7,
    // ERROR.FE_SIZE bit
    parameter ERROR_FE_SIZE = 8,
    // STATUS.IN_FRAME in place
    parameter [31:0] STATUS_IN_FRAME_MASK = 32'h1,
    // STATUS.READY in place (read low while a COMMIT is held here; 0: the map has none)
    parameter [31:0] STATUS_READY_MASK = 32'h2,
    // STATUS.COMMIT_PENDING in place
    parameter [31:0] STATUS_COMMIT_PENDING_MASK = 32'h4
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

    // AXI4-Lite master (the block's register file)
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
// the smallest demosaiced size as register values
localparam [CW-1:0] MIN_W_C = MIN_OUT_W[CW-1:0];
localparam [CW-1:0] MIN_H_C = MIN_OUT_H[CW-1:0];
// the write addresses of the block's WIDTH, HEIGHT and CTRL
localparam [AXIL_ADDR_W-1:0] A_WIDTH = REG_WIDTH[AXIL_ADDR_W-1:0];
localparam [AXIL_ADDR_W-1:0] A_HEIGHT = REG_HEIGHT[AXIL_ADDR_W-1:0];
localparam [AXIL_ADDR_W-1:0] A_CTRL = REG_CTRL[AXIL_ADDR_W-1:0];
// gain after reset: round(2^GAIN_F / (2^DN_W - 1)), saturated to the format
localparam [63:0] SPAN = (64'd1 << DN_W) - 64'd1;
localparam [63:0] GAIN_RND = (((64'd1 << (GAIN_F + 1)) / SPAN) + 64'd1) >> 1;
localparam [63:0] GAIN_MAX = GAIN_W == 64 ? ~64'd0 : (64'd1 << GAIN_W) - 64'd1;
localparam [63:0] GAIN_INIT = GAIN_RND > GAIN_MAX ? GAIN_MAX : GAIN_RND;
// the front end's ERROR bits (in place)
localparam [31:0] FE_ERR_MASK = (32'd1 << ERROR_BAYER_SHORT_LINE) | (32'd1 << ERROR_BAYER_LONG_LINE) |
                                (32'd1 << ERROR_BAYER_MISSING_SOF) | (32'd1 << ERROR_BAYER_EARLY_SOF) |
                                (32'd1 << ERROR_FE_SIZE);

initial begin
    if (CW > 16 || DN_W < 1 || DN_W > 32 || GAIN_W < 1 || GAIN_W > 64 || GAIN_F + 1 > 63) begin
        $error("isp_camera_regs: CW %0d, DN_W %0d or gain format (%0d, %0d) out of range", CW, DN_W, GAIN_W, GAIN_F);
        $finish;
    end
    if (INIT_WIDTH < 2 || INIT_WIDTH > MAX_W || INIT_HEIGHT < 2 || INIT_HEIGHT > MAX_H) begin
        $error("isp_camera_regs: initial frame size %0dx%0d out of range", INIT_WIDTH, INIT_HEIGHT);
        $finish;
    end
    if (MIN_OUT_W < 1 || MIN_OUT_H < 1 || MIN_OUT_W > INIT_WIDTH || MIN_OUT_H > INIT_HEIGHT) begin
        $error("isp_camera_regs: MIN_OUT_W x MIN_OUT_H %0dx%0d out of range 1..INIT size", MIN_OUT_W, MIN_OUT_H);
        $finish;
    end
    if (REG_FE_ACTIVE >= (32'd1 << AXIL_ADDR_W) || REG_CTRL >= (32'd1 << AXIL_ADDR_W) ||
        REG_WIDTH >= (32'd1 << AXIL_ADDR_W) || REG_HEIGHT >= (32'd1 << AXIL_ADDR_W)) begin
        $error("isp_camera_regs: register addresses beyond AXIL_ADDR_W %0d bits", AXIL_ADDR_W);
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

// the size the block gets
wire [CW-1:0] out_w = sh_bin2 ? sh_w >> 1 : sh_w;
wire [CW-1:0] out_h = sh_bin2 ? sh_h >> 1 : sh_h;
// the written settings: accepted on COMMIT?
/* verilator lint_off CMPCONST */
wire size_ok = sh_w <= MAX_W_C && sh_h <= MAX_H_C && sh_h >= 2 &&
               (sh_bin2 ? (!sh_w[0] && !sh_h[0] && sh_w >= 4) : sh_w >= 2) &&
               out_w >= MIN_W_C && out_h >= MIN_H_C;
/* verilator lint_on CMPCONST */

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
// the held CTRL value restarts the front end too (RESTART_FE)
wire fe_restart = seq_go && RESTART_FE != 0 && pend_ctrl[CTRL_RESTART];
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
wire w_local = wa32 == REG_WIDTH || wa32 == REG_HEIGHT ||
               (wa32 >= REG_FE_CONFIG && wa32 <= REG_FE_ACTIVE);
// a CTRL write held here: COMMIT (and RESTART with RESTART_FE)
wire w_commit = wa32 == REG_CTRL && (wd[CTRL_COMMIT] || (RESTART_FE != 0 && wd[CTRL_RESTART]));
wire [AXIL_ADDR_W-1:0] ra = s_axil_araddr;
wire [31:0] ra32 = {{(32-AXIL_ADDR_W){1'b0}}, ra};
wire r_local = ra32 == REG_WIDTH || ra32 == REG_HEIGHT ||
               (ra32 >= REG_FE_CONFIG && ra32 <= REG_FE_ACTIVE);

// read-back of the registers held here
function [31:0] local_word(input [31:0] a);
    integer p;
    begin
        local_word = 32'd0;
        if (a == REG_WIDTH) local_word[CW-1:0] = sh_w;
        if (a == REG_HEIGHT) local_word[CW-1:0] = sh_h;
        if (a == REG_FE_CONFIG) begin
            local_word[FE_CONFIG_CFA +: 2] = sh_cfa;
            local_word[FE_CONFIG_DEMOSAIC] = sh_bin2;
        end
        if (a == REG_FE_ACTIVE) begin
            local_word[FE_ACTIVE_CFA +: 2] = fe_cfa;
            local_word[FE_ACTIVE_DEMOSAIC] = fe_bin2;
        end
        for (p = 0; p < 4; p = p + 1) begin
            if (a == REG_FE_BLACK0 + 4 * p) local_word[DN_W-1:0] = sh_black[p*DN_W +: DN_W];
            if (a == REG_FE_GAIN0_LO + 8 * p) local_word = sh_gain[p*64 +: 32];
            if (a == REG_FE_GAIN0_HI + 8 * p) local_word = sh_gain[p*64 + 32 +: 32];
        end
    end
endfunction

integer q;
always @(posedge clk) begin
    // sticky front-end errors: set by the front end, cleared by writing 1
    err <= (wr_go && wa32 == REG_ERROR ? err & ~wd : err) |
           ({31'd0, fe_err[3]} << ERROR_BAYER_EARLY_SOF) | ({31'd0, fe_err[2]} << ERROR_BAYER_MISSING_SOF) |
           ({31'd0, fe_err[1]} << ERROR_BAYER_LONG_LINE) | ({31'd0, fe_err[0]} << ERROR_BAYER_SHORT_LINE);
    case (state)
        S_IDLE: begin
            if (seq_go) begin
                // the held COMMIT, the front end between frames
                cw_seq <= 1'b1;
                cw_aw_done <= 1'b0;
                cw_w_done <= 1'b0;
                state <= S_CW;
                if (fe_restart) begin
                    // the front end back to its reset values (below), the CTRL value on
                    m_axil_awaddr <= A_CTRL;
                    m_axil_wdata <= pend_ctrl;
                    seq_step <= 2'd2;
                end else if (size_ok) begin
                    fe_width <= sh_w;
                    fe_height <= sh_h;
                    fe_cfa <= sh_cfa;
                    fe_bin2 <= sh_bin2;
                    fe_black <= sh_black;
                    for (q = 0; q < 4; q = q + 1) begin
                        fe_gain[q*GAIN_W +: GAIN_W] <= sh_gain[q*64 +: GAIN_W];
                    end
                    m_axil_awaddr <= A_WIDTH;
                    m_axil_wdata <= {{(32-CW){1'b0}}, out_w};
                    seq_step <= 2'd0;
                end else begin
                    err[ERROR_FE_SIZE] <= 1'b1;
                    m_axil_awaddr <= A_CTRL;
                    m_axil_wdata <= pend_ctrl;
                    seq_step <= 2'd2;
                end
            end else if (wr_go) begin
                if (w_local) begin
                    if (wa32 == REG_WIDTH) sh_w <= wd[CW-1:0];
                    if (wa32 == REG_HEIGHT) sh_h <= wd[CW-1:0];
                    if (wa32 == REG_FE_CONFIG) begin
                        sh_cfa <= wd[FE_CONFIG_CFA +: 2];
                        sh_bin2 <= wd[FE_CONFIG_DEMOSAIC];
                    end
                    for (q = 0; q < 4; q = q + 1) begin
                        if (wa32 == REG_FE_BLACK0 + 4 * q) sh_black[q*DN_W +: DN_W] <= wd[DN_W-1:0];
                        if (wa32 == REG_FE_GAIN0_LO + 8 * q) sh_gain[q*64 +: 32] <= wd;
                        if (wa32 == REG_FE_GAIN0_HI + 8 * q) sh_gain[q*64 + 32 +: 32] <= wd;
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
                    s_axil_rdata <= local_word(ra32);
                    state <= S_RRESP;
                end else begin
                    m_axil_araddr <= ra;
                    merge <= ra32 == REG_ERROR ? MG_ERROR : ra32 == REG_STATUS ? MG_STATUS : MG_NONE;
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
                    m_axil_awaddr <= seq_step == 2'd0 ? A_HEIGHT : A_CTRL;
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
                    s_axil_rdata <= (m_axil_rdata & ~(commit_pend ? STATUS_READY_MASK : 32'd0))
                                    | (commit_pend ? STATUS_COMMIT_PENDING_MASK : 32'd0)
                                    | (fe_idle ? 32'd0 : STATUS_IN_FRAME_MASK);
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
    end
    if (rst || fe_restart) begin
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
