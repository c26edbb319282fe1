// POS-ISP filter 4: sharpen (3x3), fixedpoint/README.md section "POS-ISP", the Verilog twin of
// fixedpoint/posisp's sharpen filter.
//
// Per channel: on the frame's border ring (row 0 or H-1, column 0 or W-1) y = min(x, ONE_x);
// inside S = 5 x + (sum of the 8 neighbours) (exact), A = SHARPEN_A * x * 2^(Fc - Fa) +
// SHARPEN_C * S (frac Fc + Fx), clamped to [0, 2^(Fc + Fx)], y = rq(A, Fc + Fx, chain.x).
//
// Structure: posisp_wstream (frame intake, W + 1 flush pushes) -> isp_window (K = 3, zero border:
// the ring never reads outside the frame) -> S (adder tree, registered) -> products (registered)
// -> sum, clamp, rq -> output register. The registers are taken with a frame's SOF beat and
// used from its first window on.
// Cost: 2 line buffers of 3 x chain.x (2 x 96 x MAX_W bits), 6 multipliers (3 x 18x32 unsigned,
// 3 x 18x36 signed). Latency: W + 6 clocks from a frame's first beat to its first output beat
// (no stalls).
// AXI4-Stream at one pixel per clock, full backpressure; frames of at least 2 x 1 pixels.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"

module posisp_sharpen #
(
    // Width of the frame size
    parameter CW = 12,
    // Largest frame width: the line buffers' length
    parameter MAX_W = 1920
)
(
    input  wire                              clk,
    input  wire                              rst,

    input  wire [CW-1:0]                     width,
    input  wire [CW-1:0]                     height,

    input  wire [`POSISP_SHARPEN_A_W-1:0]    sharpen_a,
    input  wire [`POSISP_SHARPEN_C_W-1:0]    sharpen_c,

    input  wire [3*`POSISP_CHAIN_X_W-1:0]    s_axis_tdata,
    input  wire                              s_axis_tvalid,
    output wire                              s_axis_tready,
    input  wire                              s_axis_tlast,
    input  wire                              s_axis_tuser,

    output reg  [3*`POSISP_CHAIN_X_W-1:0]    m_axis_tdata,
    output reg                               m_axis_tvalid,
    input  wire                              m_axis_tready,
    output reg                               m_axis_tlast,
    output reg                               m_axis_tuser,
    output reg  [3:0]                        m_axis_sat
);

// chain.x
localparam XW = `POSISP_CHAIN_X_W;
localparam FX = `POSISP_CHAIN_X_F;
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
// the registers
localparam AW_ = `POSISP_SHARPEN_A_W;
localparam FA = `POSISP_SHARPEN_A_F;
localparam CCW = `POSISP_SHARPEN_C_W;
localparam FC = `POSISP_SHARPEN_C_F;
// S = 5 x + 8 neighbours: 13 x's at most
localparam SW = XW + 4;
// a x 2^(Fc - Fa) and c S, and their sum (signed)
localparam PAW = AW_ + XW + (FC - FA) + 1;
localparam PCW = CCW + SW + 1;
localparam ASW = (PAW > PCW ? PAW : PCW) + 1;
// 1.0 in A's fraction
localparam [ASW-1:0] ONE_A = {{(ASW-1){1'b0}}, 1'b1} << (FC + FX);

initial begin
    if (FC < FA) begin
        $error("posisp_sharpen: sharpen.c's fraction %0d must be >= sharpen.a's %0d", FC, FA);
        $finish;
    end
    if (`POSISP_SHARPEN_A_S != 0 || `POSISP_SHARPEN_C_S != 1 || `POSISP_CHAIN_X_S != 0) begin
        $error("posisp_sharpen: expects unsigned sharpen.a and chain.x, signed sharpen.c");
        $finish;
    end
end

wire ce = !m_axis_tvalid || m_axis_tready;

// ------------------------------------------------------------------ intake and window
wire push, push_sof;
wire [CW-1:0] fw, fh;
posisp_wstream #(.CW(CW), .R(1)) u_in (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .s_axis_tvalid(s_axis_tvalid), .s_axis_tuser(s_axis_tuser), .s_axis_tready(s_axis_tready),
    .push(push), .push_sof(push_sof), .fw(fw), .fh(fh)
);

wire w_push, w_sof, w_inframe, w_eol, w_last;
wire [9*3*XW-1:0] w_win;
/* verilator lint_off PINCONNECTEMPTY */
isp_window #(.K(3), .DW(3*XW), .AW(1), .MAX_W(MAX_W), .CW(CW), .BORDER(0)) u_win (
    .clk(clk), .rst(rst), .ce(ce), .width(fw), .height(fh),
    .in_push(push), .in_sof(push_sof), .in_data(s_axis_tdata), .in_aux(1'b0),
    .out_push(w_push), .out_sof(w_sof), .out_inframe(w_inframe), .out_eol(w_eol), .out_last(w_last),
    .out_win(w_win), .out_aux()
);
/* verilator lint_on PINCONNECTEMPTY */

// the registers of the frame: taken with its SOF beat, in use from its first window on (the
// previous frame's last windows, still flushing, keep theirs)
reg [AW_-1:0] a_pend, a_act;
reg [CCW-1:0] c_pend, c_act;
always @(posedge clk) begin
    if (push_sof) begin
        a_pend <= sharpen_a;
        c_pend <= sharpen_c;
    end
    if (ce && w_push && w_sof) begin
        a_act <= a_pend;
        c_act <= c_pend;
    end
end

// position of the window's centre: the border ring
reg [CW-1:0] orow, ocol;
wire [CW-1:0] row_now = w_sof ? {CW{1'b0}} : orow;
wire [CW-1:0] col_now = w_sof ? {CW{1'b0}} : ocol;
wire ring = row_now == {CW{1'b0}} || row_now == fh - 1'b1 || col_now == {CW{1'b0}} || w_eol;
always @(posedge clk) begin
    if (rst) begin
        orow <= {CW{1'b0}};
        ocol <= {CW{1'b0}};
    end else if (ce && w_push) begin
        ocol <= w_eol ? {CW{1'b0}} : col_now + 1'b1;
        orow <= w_eol ? row_now + 1'b1 : row_now;
    end
end

wire [AW_-1:0] a_now = w_sof ? a_pend : a_act;
wire [CCW-1:0] c_now = w_sof ? c_pend : c_act;

// ------------------------------------------------------------------ stage 0: S (an adder tree)
// S = 5 x + the 8 others per channel (element 4 is the centre): x + 4 x and the 8 in pairs
reg              v0, sof0, eol0, ring0;
reg [3*XW-1:0]   x0;
reg [3*SW-1:0]   s0;
reg [AW_-1:0]    a0;
reg [CCW-1:0]    c0;
reg [3*SW-1:0]   s_all;
integer k;
always @* begin
    for (k = 0; k < 3; k = k + 1) begin
        s_all[k*SW +: SW] =
            ((({{(SW-XW){1'b0}}, w_win[(0*3 + k)*XW +: XW]} + {{(SW-XW){1'b0}}, w_win[(1*3 + k)*XW +: XW]})
            + ({{(SW-XW){1'b0}}, w_win[(2*3 + k)*XW +: XW]} + {{(SW-XW){1'b0}}, w_win[(3*3 + k)*XW +: XW]}))
            + (({{(SW-XW){1'b0}}, w_win[(5*3 + k)*XW +: XW]} + {{(SW-XW){1'b0}}, w_win[(6*3 + k)*XW +: XW]})
            + ({{(SW-XW){1'b0}}, w_win[(7*3 + k)*XW +: XW]} + {{(SW-XW){1'b0}}, w_win[(8*3 + k)*XW +: XW]})))
            + ({{(SW-XW){1'b0}}, w_win[(4*3 + k)*XW +: XW]} * 3'd5);
    end
end
always @(posedge clk) begin
    if (rst) begin
        v0 <= 1'b0;
    end else if (ce) begin
        v0 <= w_push && w_inframe;
    end
    if (ce) begin
        sof0 <= w_sof;
        eol0 <= w_eol;
        ring0 <= ring;
        x0 <= {w_win[(4*3 + 2)*XW +: XW], w_win[(4*3 + 1)*XW +: XW], w_win[(4*3 + 0)*XW +: XW]};
        s0 <= s_all;
        a0 <= a_now;
        c0 <= c_now;
    end
end

// ------------------------------------------------------------------ stage 1: products
reg              v1, sof1, eol1, ring1;
reg [3*XW-1:0]   x1;
reg [3*PAW-1:0]  pa1;
reg [3*PCW-1:0]  pc1;
integer q;
always @(posedge clk) begin
    if (rst) begin
        v1 <= 1'b0;
    end else if (ce) begin
        v1 <= v0;
    end
    if (ce) begin
        sof1 <= sof0;
        eol1 <= eol0;
        ring1 <= ring0;
        x1 <= x0;
        for (q = 0; q < 3; q = q + 1) begin
            pa1[q*PAW +: PAW] <= ({{(PAW-AW_){1'b0}}, a0} * {{(PAW-XW){1'b0}}, x0[q*XW +: XW]}) << (FC - FA);
            pc1[q*PCW +: PCW] <= $signed({{(PCW-CCW){c0[CCW-1]}}, c0}) * $signed({{(PCW-SW){1'b0}}, s0[q*SW +: SW]});
        end
    end
end

// ------------------------------------------------------------------ stage 2: sum, clamp, rq
wire [3*XW-1:0] y_rq;
wire [2:0] y_ovf;
reg  [3*ASW-1:0] a_cl;
integer c;
reg signed [ASW-1:0] a_sum;
always @* begin
    for (c = 0; c < 3; c = c + 1) begin
        a_sum = $signed({1'b0, pa1[c*PAW +: PAW]}) + $signed({{(ASW-PCW){pc1[c*PCW + PCW - 1]}}, pc1[c*PCW +: PCW]});
        a_cl[c*ASW +: ASW] = a_sum[ASW-1] ? {ASW{1'b0}} : ($unsigned(a_sum) > ONE_A ? ONE_A : $unsigned(a_sum));
    end
end

genvar g;
generate
for (g = 0; g < 3; g = g + 1) begin : g_rq
    isp_rq #(.IN_W(ASW), .IN_F(FC + FX), `POSISP_RQ_CHAIN_X_PARAMS) u_rq (
        .in(a_cl[g*ASW +: ASW]), .out(y_rq[g*XW +: XW]), .ovf(y_ovf[g])
    );
end
endgenerate

integer o;
always @(posedge clk) begin
    if (rst) begin
        m_axis_tvalid <= 1'b0;
    end else if (ce) begin
        m_axis_tvalid <= v1;
    end
    if (ce) begin
        m_axis_tuser <= sof1;
        m_axis_tlast <= eol1;
        for (o = 0; o < 3; o = o + 1) begin
            m_axis_tdata[o*XW +: XW] <= ring1 ? (x1[o*XW +: XW] > ONE_X ? ONE_X : x1[o*XW +: XW]) : y_rq[o*XW +: XW];
        end
        m_axis_sat <= ring1 ? 4'd0 : {3'd0, y_ovf[0]} + {3'd0, y_ovf[1]} + {3'd0, y_ovf[2]};
    end
end

// the input's tlast is not needed: lines end at the frame width
wire unused = &{1'b0, s_axis_tlast, w_last};

endmodule

`resetall
