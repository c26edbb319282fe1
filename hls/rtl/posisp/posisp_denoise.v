// POS-ISP filter 5: denoise, non-local means with an 11x11 search and a 5x5 patch on the
// mirror-padded frame (fixedpoint/README.md section "POS-ISP"), the Verilog twin of
// fixedpoint/posisp's denoise (nlm_offset / nlm_final).
//
//   Y = rq(sum_k BT601_k min(x_k, ONE_x), Fx + Fb, denoise.y) of every input pixel;
//   for the 121 offsets o = (dy, dx): D_o = 5x5 box sum of e_o(q) = (Y(q) - Y(q + o))^2 on the
//   mirror-padded luma (exact), w_o = denoise_table(D_o) (per-frame table, isp_ftable),
//   den = sum w_o, num_k = sum w_o x_k(p + o) (mirror-padded x, exact);
//   y_k = ONE_x if num_k >= den 2^Fx, else min(rq(rq(num_k, Fw + Fx, denoise.num) * den_recip(den),
//   Fnum + Finv, chain.x), ONE_x).
//
// Schedule (the incremental box sums of the spec): a 15x15 mirror window (isp_window, BORDER 1;
// patch +-2 around search +-5) of {x, Y}; every window push is a slot. In each slot the
// column-sum unit computes, for all 121 offsets, the column sum C_o(c) = sum_{u=-2..2} e_o(r + u, c)
// of the window's centre column, and the box-sum stage forms D_o of the centre two slots back
// (D_o += C_o(p + 2) - C_o(p - 3), a 5-deep history per offset). The mirror symmetry
// C_o(-j) = C_{o'}(j), C_o(W - 1 + j) = C_{o'}(W - 1 - j), o' = (dy, -dx), gives the padded
// columns -2, -1, W, W + 1 from the partner offset's history: a line's first centre is formed
// in the slot of its column 2 (C(0) + S(1) + S(2) with the pair sum S = C_o + C_{o'}), its last two
// in the next line's first two slots. One pixel per clock: W clocks per line, no hold slots;
// posisp_wstream flushes RP = 2 pushes more per frame (R W + R + 2) for the last two centres.
//
// What it costs (widths of the default config: chain.x 32 bits, denoise.y u21.20, denoise.w 17 bits):
//   line buffers  14 lines x (3 x 32 + 21 + 1) bits = 14 x 118 x MAX_W (one 15x15 window carries
//                 x, Y and Y's overflow bit; 12 lines of x would do with a separate 11x11 x
//                 window behind a 2-line delay: x rows r-5 .. r+6 are live when row r's centre is
//                 out)
//   window        225 x 118-bit registers + the mirror muxes (constant candidates per row/column);
//                 read: Y of the 15 x 11 elements of columns -5 .. 5, x of the 11 x 11 search window
//   multipliers   590 squares of 22-bit differences per clock: 120 offsets x 5 (none for the
//                 centre), less 10 that the offsets (dy, 0), dy < 0, take from (-dy, 0) in the same
//                 column (e_o(q) = e_{-o}(q + o): rows u + dy >= -2 of their patch), 363 multiplies
//                 17x32 (num) and 121 adds (den), 3 multiplies 28x24
//                 (y), 3 BT.601 multiplies 17x32 (Y); adds: 120 x (4 + 2) for C and D (a 3-input
//                 add with operand muxes for the line-end cases), 55 pair sums S (dx > 0; dx = 0: 2 C)
//   tables        denoise.w (233 entries x 17 bits, 2 banks): one isp_ftable copy per offset (121,
//                 each in its posisp_denoise_off, all written together, offset 0's read back),
//                 den_recip (isp_table, build time, 641 x 24 bits)
//   registers     per offset a column sum (43 bits), 5 of history and D (45 bits); per pair (dx >= 0)
//                 S and the previous slot's S (44 bits); the 11x11 x search window (121 x 96 bits)
//                 held two slots (the centre two slots back), then 3 clocks until the weights come
// Latency: 7 W + 21 clocks from a frame's first beat to its first output beat (no stalls):
// the window lag 7 W + 7, the two-slot lag and the pipeline; with no stalls a frame's W*H output
// beats come on consecutive clocks (sim/posisp/cost.py window_latency, window_frame_clocks).
// AXI4-Stream at one pixel per clock, full backpressure; frames of at least 8x8.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"
`include "posisp_config.vh"

module posisp_denoise #
(
    // Width of the frame size
    parameter CW = 12,
    // Largest frame width: the line buffers' length
    parameter MAX_W = 1920,
    // Folder of the generated tables (tab_den_recip.hex, tab_denoise_default.hex)
    parameter MEM_DIR = "."
)
(
    input  wire                                      clk,
    input  wire                                      rst,

    input  wire [CW-1:0]                             width,
    input  wire [CW-1:0]                             height,

    // the per-frame weight table (isp_ftable's software port)
    input  wire                                      tab_bank,
    input  wire                                      tab_en,
    input  wire                                      tab_we,
    input  wire [$clog2(`POSISP_TAB_DENOISE_N)-1:0]  tab_addr,
    input  wire [31:0]                               tab_wdata,
    output wire [31:0]                               tab_rdata,

    input  wire [3*`POSISP_CHAIN_X_W-1:0]            s_axis_tdata,
    input  wire                                      s_axis_tvalid,
    output wire                                      s_axis_tready,
    input  wire                                      s_axis_tlast,
    input  wire                                      s_axis_tuser,

    output reg  [3*`POSISP_CHAIN_X_W-1:0]            m_axis_tdata,
    output reg                                       m_axis_tvalid,
    input  wire                                      m_axis_tready,
    output reg                                       m_axis_tlast,
    output reg                                       m_axis_tuser,
    output reg  [3:0]                                m_axis_sat
);

// chain.x
localparam XW = `POSISP_CHAIN_X_W;
localparam FX = `POSISP_CHAIN_X_F;
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
// denoise.y and the BT.601 weights
localparam YW = `POSISP_DENOISE_Y_W;
localparam FB = `POSISP_CONST_BT601_F;
localparam BW = `POSISP_CONST_BT601_W;
// weights, den, num, inv
localparam WW = `POSISP_DENOISE_W_W;
localparam FW = `POSISP_DENOISE_W_F;
localparam DNW = `POSISP_DENOISE_DEN_W;
localparam NW = `POSISP_DENOISE_NUM_W;
localparam FN = `POSISP_DENOISE_NUM_F;
localparam IW = `POSISP_DENOISE_INV_W;
localparam FI = `POSISP_DENOISE_INV_F;
// search and patch radius, window radius and size
localparam RS = `POSISP_DENOISE_SEARCH;
localparam RP = `POSISP_DENOISE_PATCH;
localparam R = RS + RP;
localparam K = 2 * R + 1;
localparam KS = 2 * RS + 1;
localparam KP = 2 * RP + 1;
localparam NO = KS * KS;
// window element: {x_2, x_1, x_0, Y}
localparam EW = 3 * XW + YW;
// a square, a column sum (KP squares): Y <= 1.0 (the inputs are clamped), so a difference is at
// most 2^FY and a square at most 2^(2 FY) (D, KP column sums: posisp_denoise_off)
localparam FY = `POSISP_DENOISE_Y_F;
localparam QW = 2 * FY + 1;
localparam CSW = 2 * FY + $clog2(KP + 1);
// the luma sum, num (sum of NO products), y product
localparam LSW = BW + XW + 2;
localparam PW = WW + XW;
localparam NSW = PW + $clog2(NO + 1);
localparam YPW = NW + IW;
localparam TL = `ISP_TABLE_LATENCY;

initial begin
    if (`POSISP_CHAIN_X_S != 0 || `POSISP_DENOISE_Y_S != 0 || `POSISP_DENOISE_W_S != 0) begin
        $error("posisp_denoise: expects unsigned chain.x, denoise.y and denoise.w");
        $finish;
    end
    if (`POSISP_BT601_R + `POSISP_BT601_G + `POSISP_BT601_B > (1 << FB)) begin
        $error("posisp_denoise: the BT.601 weights sum above 1.0: Y could exceed 1.0, the squares' width assumes Y <= 1.0");
        $finish;
    end
    if (RP != 2 || RS < RP) begin
        $error("posisp_denoise: the slot schedule is written for a 5x5 patch (denoise patch radius %0d) and search radius >= 2 (%0d)", RP, RS);
        $finish;
    end
end

wire ce = !m_axis_tvalid || m_axis_tready;
genvar g;

// ------------------------------------------------------------------ intake, luma, window
wire push, push_sof;
wire [CW-1:0] fw, fh;
posisp_wstream #(.CW(CW), .R(R), .FLUSH_X(RP)) u_in (
    .clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
    .s_axis_tvalid(s_axis_tvalid), .s_axis_tuser(s_axis_tuser), .s_axis_tready(s_axis_tready),
    .push(push), .push_sof(push_sof), .fw(fw), .fh(fh)
);

// Y of the incoming pixel (flush pushes carry junk, never read: the border mirrors them away)
reg [3*XW-1:0] xc;
integer k;
always @* begin
    for (k = 0; k < 3; k = k + 1) begin
        xc[k*XW +: XW] = s_axis_tdata[k*XW +: XW] > ONE_X ? ONE_X : s_axis_tdata[k*XW +: XW];
    end
end
// UG934 packing: G low, then B, then R
wire [LSW-3:0] lum_g = `POSISP_BT601_G * xc[0*XW +: XW];
wire [LSW-3:0] lum_b = `POSISP_BT601_B * xc[1*XW +: XW];
wire [LSW-3:0] lum_r = `POSISP_BT601_R * xc[2*XW +: XW];
wire [LSW-1:0] lsum = {2'b0, lum_g} + {2'b0, lum_b} + {2'b0, lum_r};
wire [YW-1:0] y_in;
wire y_ovf;
isp_rq #(.IN_W(LSW + 1), .IN_F(FX + FB), `POSISP_RQ_DENOISE_Y_PARAMS) u_rq_y (
    .in({1'b0, lsum}), .out(y_in), .ovf(y_ovf)
);

wire w_push, w_sof, w_inframe, w_eol, w_last, w_yovf;
// read: Y of columns -5 .. 5 around the centre (all 15 rows), x of the 11x11 search window (the
// window's other elements are unused: no registers behind them)
/* verilator lint_off UNUSEDSIGNAL */
wire [K*K*EW-1:0] w_win;
/* verilator lint_on UNUSEDSIGNAL */
isp_window #(.K(K), .DW(EW), .AW(1), .MAX_W(MAX_W), .CW(CW), .BORDER(1)) u_win (
    .clk(clk), .rst(rst), .ce(ce), .width(fw), .height(fh),
    .in_push(push), .in_sof(push_sof), .in_data({s_axis_tdata, y_in}), .in_aux(y_ovf),
    .out_push(w_push), .out_sof(w_sof), .out_inframe(w_inframe), .out_eol(w_eol), .out_last(w_last),
    .out_win(w_win), .out_aux(w_yovf)
);

// the table bank of the frame: taken with its SOF beat, in use from its first window on (the
// previous frame's last windows, still flushing, keep theirs); software's bank is the other one
// of the bank in use
reg bank_pend, bank_act;
always @(posedge clk) begin
    if (rst) begin
        bank_pend <= 1'b0;
        bank_act <= 1'b0;
    end else begin
        if (push_sof) begin
            bank_pend <= tab_bank;
        end
        if (ce && w_push && w_sof) begin
            bank_act <= bank_pend;
        end
    end
end

// ------------------------------------------------------------------ slots
// Every window push is a slot (one per clock in steady state). In slot s the column-sum unit
// takes the window's centre column, C_o(c) = sum_{u=-2..2} e_o(r + u, c) for the centre (r, c),
// and the box-sum stage forms D of the centre two slots back, p = s - 2 (p = c - 2, or W - 2 + c
// of the previous row for c = 0, 1), by the mirror symmetry C_o(-j) = C_{o'}(j),
// C_o(W - 1 + j) = C_{o'}(W - 1 - j) with o' = (dy, -dx) (columns -2, -1, W, W + 1 need no
// column sum of their own):
//   p = 0      (c = 2): D = C(0) + C(1) + C(2) + C'(1) + C'(2) = C(0) + S(1) + S(2), S = C + C'
//   p = 1      (c = 3): D += C(3) - C'(2)
//   p = 2      (c = 4): D += C(4) - C'(1)
//   p = W - 2  (c = 0): D += C'(W - 2) - C(W - 5)
//   p = W - 1  (c = 1): D += C'(W - 3) - C(W - 4)
//   else              : D += C(p + 2) - C(p - 3)
// C and C' come from a per-offset history of the last 5 slots' column sums (its own and its
// partner's); the centre two slots back brings its x search window and side band along.
// wcol: column of this window's centre, saturating at 5 (0 .. 4 are told apart)
reg [2:0] wc;
wire [2:0] wcol = w_sof ? 3'd0 : wc;
always @(posedge clk) begin
    if (rst) begin
        wc <= 3'd0;
    end else if (ce && w_push) begin
        wc <= w_eol ? 3'd0 : (wcol == 3'd5 ? 3'd5 : wcol + 1'b1);
    end
end

// the centres one and two slots back: {in frame, sof, eol, Y overflow} and the 11x11 x search
// window (held from slot to slot: a line's last two centres are formed on the next line's slots)
wire [NO*3*XW-1:0] xw;
generate
for (g = 0; g < NO; g = g + 1) begin : g_xw
    assign xw[g*3*XW +: 3*XW] = w_win[((R + g / KS - RS)*K + R + g % KS - RS)*EW + YW +: 3*XW];
end
endgenerate
reg [3:0]         sbA, sbB;
reg [NO*3*XW-1:0] xA, xB;
always @(posedge clk) begin
    if (rst) begin
        sbA <= 4'd0;
        sbB <= 4'd0;
    end else if (ce && w_push) begin
        sbA <= {w_inframe, w_sof, w_eol, w_yovf};
        sbB <= sbA;
    end
    if (ce && w_push) begin
        xA <= xw;
        xB <= xA;
    end
end

// ------------------------------------------------------------------ stages F and D, per offset
// stage F: the slot's column sums (registered), the centre two slots back (x, side band);
// stage D: its box sums
reg  vF, eF, sofF, eolF, yovfF;
reg  kS0, kS1, kS2, kE2, kE1;
reg  [NO*3*XW-1:0] xF;
reg  eD, sofD, eolD, yovfD;
always @(posedge clk) begin
    if (rst) begin
        vF <= 1'b0;
        eD <= 1'b0;
    end else if (ce) begin
        vF <= w_push;
        eD <= vF && eF;
    end
    if (ce) begin
        {eF, sofF, eolF, yovfF} <= sbB;
        kS0 <= wcol == 3'd2;
        kS1 <= wcol == 3'd3;
        kS2 <= wcol == 3'd4;
        kE2 <= wcol == 3'd0;
        kE1 <= wcol == 3'd1;
        xF <= xB;
        sofD <= sofF;
        eolD <= eolF;
        yovfD <= yovfF;
    end
end

// offset o = (dy, dx) at index (dy + RS) * KS + (dx + RS), its partner o' = (dy, -dx)
//   stage F: C_o = sum_u (Y(u, 0) - Y(u + dy, dx))^2 of the window's centre column (registered);
//            for dx >= 0 the pair sum S = C_o + C_o' (dx = 0: 2 C_o), shared with the partner
//   stage D: D_o by the slot's case above; the history shifts every slot; stage T: w_o and the
//            products w_o x_k (posisp_denoise_off, one per offset: the stages D, T and the products)
// every offset's weight, products w_o x_k(o) and table copy's software read (offset 0's is read)
wire [NO*WW-1:0]      wt;
wire [NO*3*PW-1:0]    wx;
/* verilator lint_off UNUSEDSIGNAL */
wire [NO*32-1:0]      trd;
/* verilator lint_on UNUSEDSIGNAL */
// every offset's column sum (read by the pair sums) and history (read by the partner; the oldest
// slot of a partner's is never read)
/* verilator lint_off UNUSEDSIGNAL */
wire [NO*CSW-1:0]     call;
// every offset's squares (read by the offsets (dy, 0), dy < 0; zero where no multiplier of its own)
wire [NO*KP*QW-1:0]   sqall;
wire [NO*KP*CSW-1:0]  hall;
/* verilator lint_on UNUSEDSIGNAL */
wire [NO*(CSW+1)-1:0] sall, shall;
genvar go, gu;
generate
for (go = 0; go < NO; go = go + 1) begin : g_off
    localparam integer DY = go / KS - RS;
    localparam integer DX = go % KS - RS;
    localparam integer PO = (DY + RS) * KS + RS - DX;
    // rows u = gu - RP of the centre column and of column dx, row u + dy (not read by the centre
    // offset, partly by the offsets that take squares of their mirror)
    /* verilator lint_off UNUSEDSIGNAL */
    wire [KP*YW-1:0] ya, yb;
    /* verilator lint_on UNUSEDSIGNAL */
    for (gu = 0; gu < KP; gu = gu + 1) begin : g_y
        assign ya[gu*YW +: YW] = w_win[((R - RP + gu)*K + R)*EW +: YW];
        assign yb[gu*YW +: YW] = w_win[((R - RP + gu + DY)*K + R + DX)*EW +: YW];
    end
    if (DY == 0 && DX == 0) begin : g_zero
        // the centre offset: e = 0, no square (the sum stays 0)
        assign call[go*CSW +: CSW] = {CSW{1'b0}};
        assign sqall[go*KP*QW +: KP*QW] = {KP*QW{1'b0}};
    end else if (DX == 0 && DY < 0 && DY > -KP) begin : g_shared
        // o = (dy, 0), dy < 0: e_o(r + u, c) = e_{-o}(r + u + dy, c), the square of -o = (-dy, 0)
        // at its row u + dy of the same column, for the rows with u + dy >= -2 (no multiplier);
        // the other rows square their own difference
        wire [(KP+1)*CSW-1:0] ps;
        assign ps[0 +: CSW] = {CSW{1'b0}};
        for (gu = 0; gu < KP; gu = gu + 1) begin : g_u
            wire [QW-1:0] sq;
            if (gu + DY >= 0) begin : g_take
                assign sq = sqall[(((RS - DY)*KS + RS)*KP + gu + DY)*QW +: QW];
            end else begin : g_own
                posisp_denoise_sq #(.YW(YW), .FY(FY)) u_sq (
                    .ya(ya[gu*YW +: YW]), .yb(yb[gu*YW +: YW]), .sq(sq)
                );
            end
            assign ps[(gu+1)*CSW +: CSW] = ps[gu*CSW +: CSW] + {{(CSW-QW){1'b0}}, sq};
        end
        assign call[go*CSW +: CSW] = ps[KP*CSW +: CSW];
        assign sqall[go*KP*QW +: KP*QW] = {KP*QW{1'b0}};
    end else begin : g_col
        // every row its own square
        posisp_denoise_colsum #(.YW(YW), .FY(FY), .KP(KP)) u_cs (
            .ya(ya), .yb(yb), .sq(sqall[go*KP*QW +: KP*QW]), .c(call[go*CSW +: CSW])
        );
    end
    wire [CSW-1:0] cs = call[go*CSW +: CSW];

    if (DX >= 0) begin : g_pair
        reg [CSW:0] sF, sH;
        always @(posedge clk) begin
            if (ce) begin
                sF <= DX == 0 ? {cs, 1'b0} : {1'b0, cs} + {1'b0, call[PO*CSW +: CSW]};
                if (vF) begin
                    sH <= sF;
                end
            end
        end
        assign sall[go*(CSW+1) +: CSW+1] = sF;
        assign shall[go*(CSW+1) +: CSW+1] = sH;
    end else begin : g_mate
        assign sall[go*(CSW+1) +: CSW+1] = sall[PO*(CSW+1) +: CSW+1];
        assign shall[go*(CSW+1) +: CSW+1] = shall[PO*(CSW+1) +: CSW+1];
    end

    // stages D, T and the products: the offset's back end (offset 0's table copy serves
    // software's reads)
    posisp_denoise_off #(.FY(FY), .KP(KP), .XW(XW), .SW_RD(go == 0 ? 1 : 0),
                         .INIT_FILE({MEM_DIR, "/tab_denoise_default.hex"})) u_off (
        .clk(clk), .ce(ce), .v(vF), .k_s0(kS0), .k_s1(kS1), .k_s2(kS2), .k_e2(kE2), .k_e1(kE1),
        .cs(cs), .s_cur(sall[go*(CSW+1) +: CSW+1]), .s_prev(shall[go*(CSW+1) +: CSW+1]),
        .hp(hall[PO*KP*CSW +: (KP-1)*CSW]), .hist(hall[go*KP*CSW +: KP*CSW]),
        .x(xF[go*3*XW +: 3*XW]),
        .tab_bank(bank_act), .tab_en(tab_en), .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata),
        .tab_rdata(trd[go*32 +: 32]),
        .w(wt[go*WW +: WW]), .p(wx[go*3*PW +: 3*PW])
    );
end
endgenerate
assign tab_rdata = trd[31:0];

// side band through the table's latency: emit, sof, eol, Y overflow
wire [3:0] sbT;
isp_delay #(.DW(4), .N(TL), .RESET(1)) u_dsb (
    .clk(clk), .rst(rst), .ce(ce), .in({eD, sofD, eolD, yovfD}), .out(sbT)
);

// ------------------------------------------------------------------ stage N: num, den
// den = sum w_o, num_k = sum w_o x_k(o) (one accumulator per sum: no part-select writes, which
// keeps Icarus and Yosys's process passes fast)
reg [NSW-1:0] ns0, ns1, ns2;
reg [DNW-1:0] dsum;
integer m;
always @* begin
    ns0 = {NSW{1'b0}};
    ns1 = {NSW{1'b0}};
    ns2 = {NSW{1'b0}};
    dsum = {DNW{1'b0}};
    for (m = 0; m < NO; m = m + 1) begin
        dsum = dsum + {{(DNW-WW){1'b0}}, wt[m*WW +: WW]};
        ns0 = ns0 + {{(NSW-PW){1'b0}}, wx[(m*3 + 0)*PW +: PW]};
        ns1 = ns1 + {{(NSW-PW){1'b0}}, wx[(m*3 + 1)*PW +: PW]};
        ns2 = ns2 + {{(NSW-PW){1'b0}}, wx[(m*3 + 2)*PW +: PW]};
    end
end
wire [3*NSW-1:0] nsum = {ns2, ns1, ns0};

reg              eN, sofN, eolN, yovfN;
reg [3*NSW-1:0]  numN;
reg [DNW-1:0]    denN;
always @(posedge clk) begin
    if (rst) begin
        eN <= 1'b0;
    end else if (ce) begin
        eN <= sbT[3];
    end
    if (ce) begin
        {sofN, eolN, yovfN} <= sbT[2:0];
        numN <= nsum;
        denN <= dsum;
    end
end

// ------------------------------------------------------------------ stage Q: clamp test, rq(num), 1/den
wire [3*NW-1:0] nq;
wire [2:0] nq_ovf;
reg  [2:0] big;
integer c;
// num >= den 2^Fx, compared in BCW bits
localparam BCW = (NSW > DNW + FX ? NSW : DNW + FX) + 1;
reg  [BCW-1:0] cmp_n, cmp_d;
generate
for (g = 0; g < 3; g = g + 1) begin : g_num
    isp_rq #(.IN_W(NSW + 1), .IN_F(FW + FX), `POSISP_RQ_DENOISE_NUM_PARAMS) u_rq (
        .in({1'b0, numN[g*NSW +: NSW]}), .out(nq[g*NW +: NW]), .ovf(nq_ovf[g])
    );
end
endgenerate
always @* begin
    for (c = 0; c < 3; c = c + 1) begin
        cmp_n = {{(BCW-NSW){1'b0}}, numN[c*NSW +: NSW]};
        cmp_d = {{(BCW-DNW){1'b0}}, denN} << FX;
        big[c] = cmp_n >= cmp_d;
    end
end

wire [IW-1:0] inv;
isp_table #(`POSISP_TAB_DEN_RECIP_PARAMS, .INIT_FILE({MEM_DIR, "/tab_den_recip.hex"})) u_recip (
    .clk(clk), .ce(ce), .in(denN), .out(inv)
);
wire [3*NW + 9:0] sbQ;
wire eQ = sbQ[0];
isp_delay #(.DW(1), .N(TL), .RESET(1)) u_deq (
    .clk(clk), .rst(rst), .ce(ce), .in(eN), .out(sbQ[0])
);
isp_delay #(.DW(3*NW + 9), .N(TL)) u_dq (
    .clk(clk), .rst(1'b0), .ce(ce), .in({sofN, eolN, yovfN, nq, nq_ovf, big}), .out(sbQ[3*NW + 9:1])
);
wire [2:0] bigQ = sbQ[3:1];
wire [2:0] novfQ = sbQ[6:4];
wire [3*NW-1:0] nqQ = sbQ[3*NW + 6:7];
wire yovfQ = sbQ[3*NW + 7];
wire eolQ = sbQ[3*NW + 8];
wire sofQ = sbQ[3*NW + 9];

// ------------------------------------------------------------------ stage O: y
wire [3*XW-1:0] yq;
wire [2:0] y_ovfq;
generate
for (g = 0; g < 3; g = g + 1) begin : g_y
    wire [YPW-1:0] prod = nqQ[g*NW +: NW] * inv;
    isp_rq #(.IN_W(YPW + 1), .IN_F(FN + FI), `POSISP_RQ_CHAIN_X_PARAMS) u_rq (
        .in({1'b0, prod}), .out(yq[g*XW +: XW]), .ovf(y_ovfq[g])
    );
end
endgenerate

reg [3:0] satO;
always @* begin
    satO = {3'd0, yovfQ};
    for (c = 0; c < 3; c = c + 1) begin
        if (!bigQ[c]) begin
            satO = satO + {3'd0, novfQ[c]} + {3'd0, y_ovfq[c]};
        end
    end
end

always @(posedge clk) begin
    if (rst) begin
        m_axis_tvalid <= 1'b0;
    end else if (ce) begin
        m_axis_tvalid <= eQ;
    end
    if (ce) begin
        m_axis_tuser <= sofQ;
        m_axis_tlast <= eolQ;
        m_axis_sat <= satO;
        for (c = 0; c < 3; c = c + 1) begin
            m_axis_tdata[c*XW +: XW] <= bigQ[c] ? ONE_X : (yq[c*XW +: XW] > ONE_X ? ONE_X : yq[c*XW +: XW]);
        end
    end
end

// lines end at the frame width; every centre lies in the frame (the flush is exact)
wire unused = &{1'b0, s_axis_tlast, w_last};

endmodule

`resetall
