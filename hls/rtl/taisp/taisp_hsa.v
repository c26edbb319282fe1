// TA-ISP HSA stage: channel pooling [mean, max] of xg, the 3x3 and 5x5 branch convolutions
// over a zero-padded 5x5 window through the sigmoid table, A = gate_0 m3 + gate_1 m5 and
// xs = clamp(xg * A, 1e-6, 1), twice from the same product: xs (hsa.xs, the power curve's
// input) and xm (hsa.xm, the mask head's input), each in its own format; and the exact frame sums of xg the next frame's gate needs.
// The twin of fixedpoint/taisp/hsa.py. The gate is taken from gate_next when the frame's first
// window reaches the A stage. Pushes in raster order; the caller follows the frame's pixels
// with R*(W + 1) (and more) flush pushes, R = K5/2 (2*W + 2 for the 5x5 window), whose
// windows come out with out_inframe low. Kernel sizes, map counts and weight counts come from
// taisp_regmap.vh (TAISP_HSA_K3/K5/N_POOL, TAISP_WLEN_C3/C3B/C5/C5B).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"
`include "isp_defs.vh"

module taisp_hsa #
(
    // Largest frame width (line buffer depth)
    parameter MAX_W = 2048,
    // Width of the frame size and position counters
    parameter CW = 12,
    // Sums of fewer than 2^CNT_W pixels are exact
    parameter CNT_W = 24,
    // Folder of the generated table memories
    parameter MEM_DIR = "."
)
(
    input  wire                         clk,
    input  wire                         rst,
    input  wire                         ce,
    input  wire [CW-1:0]                width,
    input  wire [CW-1:0]                height,

    input  wire                         in_push,
    input  wire                         in_sof,
    input  wire                         in_real,
    input  wire [3*`TAISP_GLC_XG_W-1:0] in_xg,

    input  wire [2*`TAISP_HSA_GATE_W-1:0] gate_next,
    // first (3x3) branch: its weights (pooled map, row, column) then the bias, as in the weight
    // image (TAISP_WLEN_C3 + TAISP_WLEN_C3B words); second (5x5) branch: likewise (C5, C5B)
    input  wire [(`TAISP_WLEN_C3+`TAISP_WLEN_C3B)*`TAISP_WGT_W-1:0] wb3,
    input  wire [(`TAISP_WLEN_C5+`TAISP_WLEN_C5B)*`TAISP_WGT_W-1:0] wb5,

    output wire                         out_push,
    output wire                         out_sof,
    output wire                         out_inframe,
    output wire                         out_eol,
    output wire                         out_last,
    output reg  [3*`TAISP_HSA_XS_W-1:0] out_xs,
    output reg  [3*`TAISP_HSA_XM_W-1:0] out_xm,

    // exact frame sums of xg since the last in_sof
    output reg  [3*(`TAISP_GLC_XG_W+CNT_W)-1:0] sum_xg,
    // values saturated this cycle: pool, acc, z, A, xs
    output reg  [1:0]                   ovf_pool,
    output reg  [1:0]                   ovf_acc,
    output reg  [1:0]                   ovf_z,
    output reg                          ovf_a,
    output reg  [1:0]                   ovf_xs
);

localparam GW = `TAISP_GLC_XG_W;
localparam PW = `TAISP_HSA_POOL_W;
localparam SW = GW + CNT_W;
localparam WGT = `TAISP_WGT_W;
localparam B3W = `TAISP_HSA_WB3_W;
localparam B5W = `TAISP_HSA_WB5_W;
localparam TW = `TAISP_HSA_THIRD_W;
localparam MW = `TAISP_HSA_M_W;
localparam QW = `TAISP_HSA_GATE_W;
localparam AW = `TAISP_HSA_A_W;
localparam XSW = `TAISP_HSA_XS_W;
localparam XMW = `TAISP_HSA_XM_W;
// pooled maps and branch kernel sizes of the model (taisp_regmap.vh); the 3x3 branch reads the
// centre of the 5x5 window, O3 pixels in from its border
localparam NPOOL = `TAISP_HSA_N_POOL;
localparam K3 = `TAISP_HSA_K3;
localparam K5 = `TAISP_HSA_K5;
localparam O3 = (K5 - K3) / 2;
// terms of a branch sum: the products and the bias
localparam NT3 = `TAISP_WLEN_C3 + `TAISP_WLEN_C3B;
localparam NT5 = `TAISP_WLEN_C5 + `TAISP_WLEN_C5B;
// exact widths: channel sum times 1/3; branch sums (NT3 / NT5 terms, a margin bit)
localparam MEANW = GW + 2 + TW + 1;
localparam C3W = PW + B3W + 1 + $clog2(NT3) + 1;
localparam C5W = PW + B5W + 1 + $clog2(NT5) + 1;
localparam AXW = QW + MW + 2;
localparam XAW = GW + AW + 1;
// latency of the sigmoid tables
localparam TL = `ISP_TABLE_LATENCY;

initial begin
    if (`TAISP_GLC_XG_S || `TAISP_HSA_POOL_S || `TAISP_HSA_M_S || `TAISP_HSA_GATE_S || `TAISP_HSA_A_S || `TAISP_HSA_XS_S
        || `TAISP_HSA_XM_S) begin
        $error("taisp_hsa: xg, pool, m, gate, A, xs and xm must be unsigned formats");
        $finish;
    end
    if (B3W > WGT || B5W > WGT) begin
        $error("taisp_hsa: branch weights wider than a weight word");
        $finish;
    end
    // pooling makes two maps, [mean, max]; each branch is one kernel over them and a bias
    if (NPOOL != 2 || `TAISP_WLEN_C3 != NPOOL * K3 * K3 || `TAISP_WLEN_C5 != NPOOL * K5 * K5
        || `TAISP_WLEN_C3B != 1 || `TAISP_WLEN_C5B != 1) begin
        $error("taisp_hsa: branch weights (%0d, %0d) are not %0d maps x %0dx%0d / %0dx%0d kernels and a bias",
               `TAISP_WLEN_C3, `TAISP_WLEN_C5, NPOOL, K3, K3, K5, K5);
        $finish;
    end
    if (K3 > K5 || K3 % 2 != 1 || K5 % 2 != 1) begin
        $error("taisp_hsa: kernels %0d and %0d must be odd, the first not larger", K3, K5);
        $finish;
    end
end

// ------------------------------------------------------------------ h0: pooling, xg sums
wire [GW+1:0] csum = {2'b00, in_xg[0 +: GW]} + {2'b00, in_xg[GW +: GW]} + {2'b00, in_xg[2*GW +: GW]};
wire [GW+1+TW:0] mean_p = csum * `TAISP_HSA_THIRD_VALUE;
wire [GW-1:0] mx01 = in_xg[0 +: GW] > in_xg[GW +: GW] ? in_xg[0 +: GW] : in_xg[GW +: GW];
wire [GW-1:0] mx = mx01 > in_xg[2*GW +: GW] ? mx01 : in_xg[2*GW +: GW];
wire [PW-1:0] pool_mean, pool_max;
wire ovf_mean, ovf_max;
isp_rq #(.IN_W(MEANW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_THIRD_F), `TAISP_RQ_HSA_POOL_PARAMS)
u_rq_mean (.in({1'b0, mean_p}), .out(pool_mean), .ovf(ovf_mean));
isp_rq #(.IN_W(GW + 1), .IN_F(`TAISP_GLC_XG_F), `TAISP_RQ_HSA_POOL_PARAMS)
u_rq_max (.in({1'b0, mx}), .out(pool_max), .ovf(ovf_max));

reg h0_push, h0_sof;
reg [2*PW-1:0] h0_pool;
reg [3*GW-1:0] h0_xg;
integer k;
always @(posedge clk) begin
    if (rst) begin
        h0_push <= 1'b0;
    end else if (ce) begin
        h0_push <= in_push;
    end
    if (ce) begin
        h0_sof <= in_sof;
        h0_pool <= {pool_max, pool_mean};
        h0_xg <= in_xg;
        ovf_pool <= (in_push && in_real) ? {1'b0, ovf_mean} + {1'b0, ovf_max} : 2'd0;
        if (in_push) begin
            for (k = 0; k < 3; k = k + 1) begin
                sum_xg[k*SW +: SW] <= (in_sof ? {SW{1'b0}} : sum_xg[k*SW +: SW])
                                      + (in_real ? {{(SW-GW){1'b0}}, in_xg[k*GW +: GW]} : {SW{1'b0}});
            end
        end
    end
end

// ------------------------------------------------------------------ K5 x K5 window of the pooled map
wire w_push, w_sof, w_inframe, w_eol, w_last;
wire [K5*K5*NPOOL*PW-1:0] win;
wire [3*GW-1:0] w_xg;
isp_window #(.K(K5), .DW(NPOOL*PW), .AW(3*GW), .MAX_W(MAX_W), .CW(CW))
u_win (.clk(clk), .rst(rst), .ce(ce), .width(width), .height(height),
       .in_push(h0_push), .in_sof(h0_sof), .in_data(h0_pool), .in_aux(h0_xg),
       .out_push(w_push), .out_sof(w_sof), .out_inframe(w_inframe), .out_eol(w_eol), .out_last(w_last),
       .out_win(win), .out_aux(w_xg));

// ------------------------------------------------------------------ h1: the two branch sums (exact)
reg signed [C3W-1:0] s3;
reg signed [C5W-1:0] s5;
integer ch, dy, dx;
always @* begin
    s3 = {{(C3W-B3W){wb3[`TAISP_WLEN_C3*WGT + B3W - 1]}}, wb3[`TAISP_WLEN_C3*WGT +: B3W]};
    s3 = s3 <<< `TAISP_HSA_POOL_F;
    s5 = {{(C5W-B5W){wb5[`TAISP_WLEN_C5*WGT + B5W - 1]}}, wb5[`TAISP_WLEN_C5*WGT +: B5W]};
    s5 = s5 <<< `TAISP_HSA_POOL_F;
    for (ch = 0; ch < NPOOL; ch = ch + 1) begin
        for (dy = 0; dy < K3; dy = dy + 1) begin
            for (dx = 0; dx < K3; dx = dx + 1) begin
                s3 = s3 + $signed(wb3[(ch*K3*K3 + dy*K3 + dx)*WGT +: B3W])
                        * $signed({1'b0, win[((dy+O3)*K5 + dx + O3)*NPOOL*PW + ch*PW +: PW]});
            end
        end
        for (dy = 0; dy < K5; dy = dy + 1) begin
            for (dx = 0; dx < K5; dx = dx + 1) begin
                s5 = s5 + $signed(wb5[(ch*K5*K5 + dy*K5 + dx)*WGT +: B5W])
                        * $signed({1'b0, win[(dy*K5 + dx)*NPOOL*PW + ch*PW +: PW]});
            end
        end
    end
end

reg signed [C3W-1:0] h1_s3;
reg signed [C5W-1:0] h1_s5;
always @(posedge clk) begin
    if (ce) begin
        h1_s3 <= s3;
        h1_s5 <= s5;
    end
end

// ------------------------------------------------------------------ h2: into hsa.acc, then hsa.z
wire [`TAISP_HSA_ACC_W-1:0] acc3, acc5;
wire [`TAISP_HSA_Z_W-1:0] z3, z5;
wire oa3, oa5, oz3, oz5;
isp_rq #(.IN_W(C3W), .IN_F(`TAISP_HSA_POOL_F + `TAISP_HSA_WB3_F), `TAISP_RQ_HSA_ACC_PARAMS)
u_rq_acc3 (.in(h1_s3), .out(acc3), .ovf(oa3));
isp_rq #(.IN_W(C5W), .IN_F(`TAISP_HSA_POOL_F + `TAISP_HSA_WB5_F), `TAISP_RQ_HSA_ACC_PARAMS)
u_rq_acc5 (.in(h1_s5), .out(acc5), .ovf(oa5));
// acc as an exact two's complement value (sign- or zero-extended by its format)
wire [`TAISP_HSA_ACC_W:0] acc3_x = {(`TAISP_HSA_ACC_S != 0) & acc3[`TAISP_HSA_ACC_W-1], acc3};
wire [`TAISP_HSA_ACC_W:0] acc5_x = {(`TAISP_HSA_ACC_S != 0) & acc5[`TAISP_HSA_ACC_W-1], acc5};
isp_rq #(.IN_W(`TAISP_HSA_ACC_W + 1), .IN_F(`TAISP_HSA_ACC_F), `TAISP_RQ_HSA_Z_PARAMS)
u_rq_z3 (.in(acc3_x), .out(z3), .ovf(oz3));
isp_rq #(.IN_W(`TAISP_HSA_ACC_W + 1), .IN_F(`TAISP_HSA_ACC_F), `TAISP_RQ_HSA_Z_PARAMS)
u_rq_z5 (.in(acc5_x), .out(z5), .ovf(oz5));

reg [`TAISP_HSA_Z_W-1:0] h2_z3, h2_z5;
always @(posedge clk) begin
    if (ce) begin
        h2_z3 <= z3;
        h2_z5 <= z5;
    end
end

// ------------------------------------------------------------------ h3..h5: sigmoid tables
wire [MW-1:0] m3, m5;
isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}))
u_sig3 (.clk(clk), .ce(ce), .in(h2_z3), .out(m3));
isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}))
u_sig5 (.clk(clk), .ce(ce), .in(h2_z5), .out(m5));

// ------------------------------------------------------------------ side band along h1..h7
// the window's push, sof, inframe, eol and last (bit positions SB_*); h1, h2 and the tables
// (2 + TL stages) reach the A stage h6
localparam SB_PUSH = 4, SB_SOF = 3, SB_INFRAME = 2, SB_EOL = 1, SB_LAST = 0, SB_W = 5;
wire [SB_W-1:0] sb_w;
assign sb_w[SB_PUSH] = w_push;
assign sb_w[SB_SOF] = w_sof;
assign sb_w[SB_INFRAME] = w_inframe;
assign sb_w[SB_EOL] = w_eol;
assign sb_w[SB_LAST] = w_last;
wire [SB_W-1:0] sb_h1, sb_h6, sb_h7;
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_h1 (.clk(clk), .rst(rst), .ce(ce), .in(sb_w), .out(sb_h1));
isp_delay #(.DW(SB_W), .N(2 + TL), .RESET(1)) u_sb_h6 (.clk(clk), .rst(rst), .ce(ce), .in(sb_w), .out(sb_h6));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_h7 (.clk(clk), .rst(rst), .ce(ce), .in(sb_h6), .out(sb_h7));
wire [3*GW-1:0] xg_h6;
isp_delay #(.DW(3*GW), .N(2 + TL)) u_xg_h6 (.clk(clk), .rst(rst), .ce(ce), .in(w_xg), .out(xg_h6));
// the counters see acc and z computed from the h1 registers
wire h2_count = sb_h1[SB_PUSH] & sb_h1[SB_INFRAME];
/* verilator lint_off UNUSEDSIGNAL */
wire [2:0] unused_sb = {sb_h1[SB_SOF], sb_h1[SB_EOL], sb_h1[SB_LAST]};
/* verilator lint_on UNUSEDSIGNAL */

// ------------------------------------------------------------------ h6: A = min(gate_0 m3 + gate_1 m5, 1)
reg [2*QW-1:0] gate_cur;
wire [2*QW-1:0] gate = sb_h6[SB_SOF] ? gate_next : gate_cur;
wire [AXW-1:0] a0 = gate[0 +: QW] * m3;
wire [AXW-1:0] a1 = gate[QW +: QW] * m5;
wire [AXW:0] a_exact = {1'b0, a0 + a1};
wire [AW-1:0] a_rq;
wire oA;
isp_rq #(.IN_W(AXW + 1), .IN_F(`TAISP_HSA_GATE_F + `TAISP_HSA_M_F), `TAISP_RQ_HSA_A_PARAMS)
u_rq_a (.in(a_exact), .out(a_rq), .ovf(oA));

reg [AW-1:0] h6_a;
reg [3*GW-1:0] h6_xg;
always @(posedge clk) begin
    if (ce) begin
        h6_a <= a_rq > `TAISP_HSA_A_ONE ? `TAISP_HSA_A_ONE : a_rq;
        h6_xg <= xg_h6;
        ovf_a <= sb_h6[SB_PUSH] & sb_h6[SB_INFRAME] & oA;
        ovf_acc <= h2_count ? {1'b0, oa3} + {1'b0, oa5} : 2'd0;
        ovf_z <= h2_count ? {1'b0, oz3} + {1'b0, oz5} : 2'd0;
        if (sb_h6[SB_PUSH] && sb_h6[SB_SOF]) begin
            gate_cur <= gate_next;
        end
    end
end

// ------------------------------------------------------------------ h7: xs = clamp(xg * A, 1e-6, 1)
wire [3*XSW-1:0] xs_rq;
wire [3*XMW-1:0] xm_rq;
wire [2:0] oxs;
// (hsa.xm has no saturation counter: it holds 1.0, so a saturated value is clamped to 1 anyway)
/* verilator lint_off UNUSEDSIGNAL */
wire [2:0] oxm;
/* verilator lint_on UNUSEDSIGNAL */
genvar c;
generate
for (c = 0; c < 3; c = c + 1) begin : g_xs
    wire [XAW-2:0] p = h6_xg[c*GW +: GW] * h6_a;
    isp_rq #(.IN_W(XAW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_A_F), `TAISP_RQ_HSA_XS_PARAMS)
    u_rq_xs (.in({1'b0, p}), .out(xs_rq[c*XSW +: XSW]), .ovf(oxs[c]));
    isp_rq #(.IN_W(XAW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_A_F), `TAISP_RQ_HSA_XM_PARAMS)
    u_rq_xm (.in({1'b0, p}), .out(xm_rq[c*XMW +: XMW]), .ovf(oxm[c]));
end
endgenerate

// the number of channels saturated into hsa.xs (isp_popcount.vh: POPCNT_N flags, POPCNT_W bits)
localparam POPCNT_N = 3;
localparam POPCNT_W = 2;
`include "isp_popcount.vh"

// (its own loop variable: Yosys treats one integer shared by two clocked blocks as two drivers)
integer kx;
always @(posedge clk) begin
    if (ce) begin
        ovf_xs <= (sb_h7[SB_PUSH] & sb_h7[SB_INFRAME]) ? isp_popcount(oxs) : 2'd0;
        for (kx = 0; kx < 3; kx = kx + 1) begin
            if (xs_rq[kx*XSW +: XSW] < `TAISP_HSA_XS_EPS) begin
                out_xs[kx*XSW +: XSW] <= `TAISP_HSA_XS_EPS;
            end else if (xs_rq[kx*XSW +: XSW] > `TAISP_HSA_XS_ONE) begin
                out_xs[kx*XSW +: XSW] <= `TAISP_HSA_XS_ONE;
            end else begin
                out_xs[kx*XSW +: XSW] <= xs_rq[kx*XSW +: XSW];
            end
            if (xm_rq[kx*XMW +: XMW] < `TAISP_HSA_XM_EPS) begin
                out_xm[kx*XMW +: XMW] <= `TAISP_HSA_XM_EPS;
            end else if (xm_rq[kx*XMW +: XMW] > `TAISP_HSA_XM_ONE) begin
                out_xm[kx*XMW +: XMW] <= `TAISP_HSA_XM_ONE;
            end else begin
                out_xm[kx*XMW +: XMW] <= xm_rq[kx*XMW +: XMW];
            end
        end
    end
end

wire [SB_W-1:0] sb_out;
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_out (.clk(clk), .rst(rst), .ce(ce), .in(sb_h7), .out(sb_out));
assign out_push = sb_out[SB_PUSH];
assign out_sof = sb_out[SB_SOF];
assign out_inframe = sb_out[SB_INFRAME];
assign out_eol = sb_out[SB_EOL];
assign out_last = sb_out[SB_LAST];

endmodule

`resetall
