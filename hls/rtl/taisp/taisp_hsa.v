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
`include "taisp_pipe.vh"

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

`include "isp_addtree.vh"

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
// latency of the sigmoid tables (pipelined as TAISP_TABLE_PIPE says)
localparam TL = `TAISP_TABLE_PIPE ? `ISP_TABLE_LATENCY_PIPE : `ISP_TABLE_LATENCY;
// pipeline (ce cycles): the branch sums' adder trees (products registered, a register every LPR
// levels), the longer of the two; from the window's output: the sums (S_T), acc (+1), z (+1),
// the sigmoid tables (their output at S_AP), the A products (+1), A's rounding (+1), A (+1),
// the xs products (+1: S_XP), their rounding (+1), the output (+1)
localparam LPR = `TAISP_TREE_LPR;
localparam LAT3 = isp_addtree_latency(NT3, LPR, 1);
localparam LAT5 = isp_addtree_latency(NT5, LPR, 1);
localparam TREE_LAT = LAT3 > LAT5 ? LAT3 : LAT5;
localparam S_T = TREE_LAT;
localparam S_AP = S_T + 2 + TL;
localparam S_XP = S_AP + 4;
// in_push to out_push: the channel sum, the mean's product and h0 (3), the window's output
// register (1), S_XP + 2
localparam LAT = 3 + 1 + S_XP + 2;

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
    if (LAT != `TAISP_HSA_LATENCY) begin
        $error("taisp_hsa: pipeline depth %0d differs from TAISP_HSA_LATENCY %0d (taisp_pipe.vh)", LAT, `TAISP_HSA_LATENCY);
        $finish;
    end
    if (K3 > K5 || K3 % 2 != 1 || K5 % 2 != 1) begin
        $error("taisp_hsa: kernels %0d and %0d must be odd, the first not larger", K3, K5);
        $finish;
    end
end

// ------------------------------------------------------------------ p0: channel sum and max, xg sums
wire [GW+1:0] csum = {2'b00, in_xg[0 +: GW]} + {2'b00, in_xg[GW +: GW]} + {2'b00, in_xg[2*GW +: GW]};
wire [GW-1:0] mx01 = in_xg[0 +: GW] > in_xg[GW +: GW] ? in_xg[0 +: GW] : in_xg[GW +: GW];
wire [GW-1:0] mx = mx01 > in_xg[2*GW +: GW] ? mx01 : in_xg[2*GW +: GW];

reg p0_push, p0_sof, p0_real;
reg [GW+1:0] p0_csum;
reg [GW-1:0] p0_mx;
reg [3*GW-1:0] p0_xg;
integer k;
always @(posedge clk) begin
    if (rst) begin
        p0_push <= 1'b0;
    end else if (ce) begin
        p0_push <= in_push;
    end
    if (ce) begin
        p0_sof <= in_sof;
        p0_real <= in_real;
        p0_csum <= csum;
        p0_mx <= mx;
        p0_xg <= in_xg;
        if (in_push) begin
            for (k = 0; k < 3; k = k + 1) begin
                sum_xg[k*SW +: SW] <= (in_sof ? {SW{1'b0}} : sum_xg[k*SW +: SW])
                                      + (in_real ? {{(SW-GW){1'b0}}, in_xg[k*GW +: GW]} : {SW{1'b0}});
            end
        end
    end
end

// ------------------------------------------------------------------ p1: the mean's product (registered)
reg p1_push, p1_sof, p1_real;
reg [GW+1+TW:0] p1_mean;
reg [GW-1:0] p1_mx;
reg [3*GW-1:0] p1_xg;
always @(posedge clk) begin
    if (rst) begin
        p1_push <= 1'b0;
    end else if (ce) begin
        p1_push <= p0_push;
    end
    if (ce) begin
        p1_sof <= p0_sof;
        p1_real <= p0_real;
        p1_mean <= p0_csum * `TAISP_HSA_THIRD_VALUE;
        p1_mx <= p0_mx;
        p1_xg <= p0_xg;
    end
end

// ------------------------------------------------------------------ h0: pooling [mean, max]
wire [PW-1:0] pool_mean, pool_max;
wire ovf_mean, ovf_max;
isp_rq #(.IN_W(MEANW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_THIRD_F), `TAISP_RQ_HSA_POOL_PARAMS)
u_rq_mean (.in({1'b0, p1_mean}), .out(pool_mean), .ovf(ovf_mean));
isp_rq #(.IN_W(GW + 1), .IN_F(`TAISP_GLC_XG_F), `TAISP_RQ_HSA_POOL_PARAMS)
u_rq_max (.in({1'b0, p1_mx}), .out(pool_max), .ovf(ovf_max));

reg h0_push, h0_sof;
reg [2*PW-1:0] h0_pool;
reg [3*GW-1:0] h0_xg;
always @(posedge clk) begin
    if (rst) begin
        h0_push <= 1'b0;
    end else if (ce) begin
        h0_push <= p1_push;
    end
    if (ce) begin
        h0_sof <= p1_sof;
        h0_pool <= {pool_max, pool_mean};
        h0_xg <= p1_xg;
        ovf_pool <= (p1_push && p1_real) ? {1'b0, ovf_mean} + {1'b0, ovf_max} : 2'd0;
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

// ------------------------------------------------------------------ t: the two branch sums (exact)
// each branch: its products (registered) and its bias (scaled to the products' scale), summed by
// a pipelined balanced adder tree; the shorter tree's sum is delayed to the longer one's
wire [NT3*C3W-1:0] terms3;
wire [NT5*C5W-1:0] terms5;
wire signed [C3W-1:0] bias3_x = {{(C3W-B3W){wb3[`TAISP_WLEN_C3*WGT + B3W - 1]}}, wb3[`TAISP_WLEN_C3*WGT +: B3W]};
wire signed [C5W-1:0] bias5_x = {{(C5W-B5W){wb5[`TAISP_WLEN_C5*WGT + B5W - 1]}}, wb5[`TAISP_WLEN_C5*WGT +: B5W]};
wire signed [C3W-1:0] bias3 = bias3_x <<< `TAISP_HSA_POOL_F;
wire signed [C5W-1:0] bias5 = bias5_x <<< `TAISP_HSA_POOL_F;
assign terms3[(NT3-1)*C3W +: C3W] = bias3;
assign terms5[(NT5-1)*C5W +: C5W] = bias5;
genvar gc, gy, gx;
generate
for (gc = 0; gc < NPOOL; gc = gc + 1) begin : g_pool
    for (gy = 0; gy < K3; gy = gy + 1) begin : g_y3
        for (gx = 0; gx < K3; gx = gx + 1) begin : g_x3
            wire signed [B3W+PW:0] p = $signed(wb3[(gc*K3*K3 + gy*K3 + gx)*WGT +: B3W])
                                       * $signed({1'b0, win[((gy+O3)*K5 + gx + O3)*NPOOL*PW + gc*PW +: PW]});
            assign terms3[(gc*K3*K3 + gy*K3 + gx)*C3W +: C3W] = {{(C3W-B3W-PW-1){p[B3W+PW]}}, p};
        end
    end
    for (gy = 0; gy < K5; gy = gy + 1) begin : g_y5
        for (gx = 0; gx < K5; gx = gx + 1) begin : g_x5
            wire signed [B5W+PW:0] p = $signed(wb5[(gc*K5*K5 + gy*K5 + gx)*WGT +: B5W])
                                       * $signed({1'b0, win[(gy*K5 + gx)*NPOOL*PW + gc*PW +: PW]});
            assign terms5[(gc*K5*K5 + gy*K5 + gx)*C5W +: C5W] = {{(C5W-B5W-PW-1){p[B5W+PW]}}, p};
        end
    end
end
endgenerate

wire [C3W-1:0] t3_sum;
wire [C5W-1:0] t5_sum;
isp_addtree #(.N(NT3), .W(C3W), .LPR(LPR), .IN_REG(1)) u_tree3 (.clk(clk), .ce(ce), .in(terms3), .out(t3_sum));
isp_addtree #(.N(NT5), .W(C5W), .LPR(LPR), .IN_REG(1)) u_tree5 (.clk(clk), .ce(ce), .in(terms5), .out(t5_sum));
wire [C3W-1:0] s3_al;
wire [C5W-1:0] s5_al;
generate
if (TREE_LAT > LAT3) begin : g_al3
    isp_delay #(.DW(C3W), .N(TREE_LAT - LAT3)) u_al3 (.clk(clk), .rst(rst), .ce(ce), .in(t3_sum), .out(s3_al));
end else begin : g_al3_none
    assign s3_al = t3_sum;
end
if (TREE_LAT > LAT5) begin : g_al5
    isp_delay #(.DW(C5W), .N(TREE_LAT - LAT5)) u_al5 (.clk(clk), .rst(rst), .ce(ce), .in(t5_sum), .out(s5_al));
end else begin : g_al5_none
    assign s5_al = t5_sum;
end
endgenerate

// ------------------------------------------------------------------ h1: into hsa.acc
wire [`TAISP_HSA_ACC_W-1:0] acc3, acc5;
wire oa3, oa5;
isp_rq #(.IN_W(C3W), .IN_F(`TAISP_HSA_POOL_F + `TAISP_HSA_WB3_F), `TAISP_RQ_HSA_ACC_PARAMS)
u_rq_acc3 (.in(s3_al), .out(acc3), .ovf(oa3));
isp_rq #(.IN_W(C5W), .IN_F(`TAISP_HSA_POOL_F + `TAISP_HSA_WB5_F), `TAISP_RQ_HSA_ACC_PARAMS)
u_rq_acc5 (.in(s5_al), .out(acc5), .ovf(oa5));

reg [`TAISP_HSA_ACC_W-1:0] h1_acc3, h1_acc5;
always @(posedge clk) begin
    if (ce) begin
        h1_acc3 <= acc3;
        h1_acc5 <= acc5;
    end
end

// ------------------------------------------------------------------ h2: into hsa.z
wire [`TAISP_HSA_Z_W-1:0] z3, z5;
wire oz3, oz5;
// acc as an exact two's complement value (sign- or zero-extended by its format)
wire [`TAISP_HSA_ACC_W:0] acc3_x = {(`TAISP_HSA_ACC_S != 0) & h1_acc3[`TAISP_HSA_ACC_W-1], h1_acc3};
wire [`TAISP_HSA_ACC_W:0] acc5_x = {(`TAISP_HSA_ACC_S != 0) & h1_acc5[`TAISP_HSA_ACC_W-1], h1_acc5};
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

// ------------------------------------------------------------------ sigmoid tables
wire [MW-1:0] m3, m5;
isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}), .PIPE(`TAISP_TABLE_PIPE))
u_sig3 (.clk(clk), .ce(ce), .in(h2_z3), .out(m3));
isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}), .PIPE(`TAISP_TABLE_PIPE))
u_sig5 (.clk(clk), .ce(ce), .in(h2_z5), .out(m5));

// ------------------------------------------------------------------ side band
// the window's push, sof, inframe, eol and last (bit positions SB_*), delayed to the stages
// that use them: the trees' sums (S_T), acc (S_T + 1), the A products (S_AP), A (S_A + 1),
// the xs product (S_XP) and the output
localparam SB_PUSH = 4, SB_SOF = 3, SB_INFRAME = 2, SB_EOL = 1, SB_LAST = 0, SB_W = 5;
wire [SB_W-1:0] sb_w;
assign sb_w[SB_PUSH] = w_push;
assign sb_w[SB_SOF] = w_sof;
assign sb_w[SB_INFRAME] = w_inframe;
assign sb_w[SB_EOL] = w_eol;
assign sb_w[SB_LAST] = w_last;
wire [SB_W-1:0] sb_t, sb_h1, sb_ap, sb_a, sb_xr, sb_out;
isp_delay #(.DW(SB_W), .N(S_T), .RESET(1)) u_sb_t (.clk(clk), .rst(rst), .ce(ce), .in(sb_w), .out(sb_t));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_h1 (.clk(clk), .rst(rst), .ce(ce), .in(sb_t), .out(sb_h1));
isp_delay #(.DW(SB_W), .N(S_AP - S_T - 1), .RESET(1)) u_sb_ap (.clk(clk), .rst(rst), .ce(ce), .in(sb_h1), .out(sb_ap));
isp_delay #(.DW(SB_W), .N(2), .RESET(1)) u_sb_a (.clk(clk), .rst(rst), .ce(ce), .in(sb_ap), .out(sb_a));
isp_delay #(.DW(SB_W), .N(S_XP + 1 - S_AP - 2), .RESET(1)) u_sb_xr (.clk(clk), .rst(rst), .ce(ce), .in(sb_a), .out(sb_xr));
isp_delay #(.DW(SB_W), .N(1), .RESET(1)) u_sb_out (.clk(clk), .rst(rst), .ce(ce), .in(sb_xr), .out(sb_out));
// xg of the window centre at A's rounding register
wire [3*GW-1:0] xg_a;
isp_delay #(.DW(3*GW), .N(S_AP + 2)) u_xg_a (.clk(clk), .rst(rst), .ce(ce), .in(w_xg), .out(xg_a));
/* verilator lint_off UNUSEDSIGNAL */
wire [5:0] unused_sb = {sb_t[SB_SOF], sb_t[SB_EOL], sb_t[SB_LAST], sb_h1[SB_SOF], sb_h1[SB_EOL], sb_h1[SB_LAST]};
wire [5:0] unused_sb2 = {sb_a[SB_SOF], sb_a[SB_EOL], sb_a[SB_LAST], sb_xr[SB_SOF], sb_xr[SB_EOL], sb_xr[SB_LAST]};
/* verilator lint_on UNUSEDSIGNAL */

// ------------------------------------------------------------------ hp: gate_0 m3, gate_1 m5 (registered)
reg [2*QW-1:0] gate_cur;
wire [2*QW-1:0] gate = sb_ap[SB_SOF] ? gate_next : gate_cur;
reg [AXW-1:0] hp_a0, hp_a1;
always @(posedge clk) begin
    if (ce) begin
        hp_a0 <= gate[0 +: QW] * m3;
        hp_a1 <= gate[QW +: QW] * m5;
        ovf_acc <= (sb_t[SB_PUSH] & sb_t[SB_INFRAME]) ? {1'b0, oa3} + {1'b0, oa5} : 2'd0;
        ovf_z <= (sb_h1[SB_PUSH] & sb_h1[SB_INFRAME]) ? {1'b0, oz3} + {1'b0, oz5} : 2'd0;
        if (sb_ap[SB_PUSH] && sb_ap[SB_SOF]) begin
            gate_cur <= gate_next;
        end
    end
end

// ------------------------------------------------------------------ h6: A = min(gate_0 m3 + gate_1 m5, 1)
// (the sum and its rounding, a register (isp_rq_pipe), the saturation and the min)
wire [AXW:0] a_exact = {1'b0, hp_a0 + hp_a1};
wire [AW-1:0] a_rq;
wire oA;
isp_rq_pipe #(.IN_W(AXW + 1), .IN_F(`TAISP_HSA_GATE_F + `TAISP_HSA_M_F), `TAISP_RQ_HSA_A_PARAMS)
u_rq_a (.clk(clk), .ce(ce), .in(a_exact), .out(a_rq), .ovf(oA));

reg [AW-1:0] h6_a;
reg [3*GW-1:0] h6_xg;
always @(posedge clk) begin
    if (ce) begin
        h6_a <= a_rq > `TAISP_HSA_A_ONE ? `TAISP_HSA_A_ONE : a_rq;
        h6_xg <= xg_a;
        ovf_a <= sb_a[SB_PUSH] & sb_a[SB_INFRAME] & oA;
    end
end

// ------------------------------------------------------------------ h7: xg * A (registered)
reg [3*(XAW-1)-1:0] h7_p;
integer kp;
always @(posedge clk) begin
    if (ce) begin
        for (kp = 0; kp < 3; kp = kp + 1) begin
            h7_p[kp*(XAW-1) +: XAW-1] <= h6_xg[kp*GW +: GW] * h6_a;
        end
    end
end

// ------------------------------------------------------------------ out: xs = clamp(xg * A, 1e-6, 1)
// (the rounding, a register (isp_rq_pipe), the saturation and the clamp)
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
    wire [XAW-1:0] p = {1'b0, h7_p[c*(XAW-1) +: XAW-1]};
    isp_rq_pipe #(.IN_W(XAW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_A_F), `TAISP_RQ_HSA_XS_PARAMS)
    u_rq_xs (.clk(clk), .ce(ce), .in(p), .out(xs_rq[c*XSW +: XSW]), .ovf(oxs[c]));
    isp_rq_pipe #(.IN_W(XAW), .IN_F(`TAISP_GLC_XG_F + `TAISP_HSA_A_F), `TAISP_RQ_HSA_XM_PARAMS)
    u_rq_xm (.clk(clk), .ce(ce), .in(p), .out(xm_rq[c*XMW +: XMW]), .ovf(oxm[c]));
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
        ovf_xs <= (sb_xr[SB_PUSH] & sb_xr[SB_INFRAME]) ? isp_popcount(oxs) : 2'd0;
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

assign out_push = sb_out[SB_PUSH];
assign out_sof = sb_out[SB_SOF];
assign out_inframe = sb_out[SB_INFRAME];
assign out_eol = sb_out[SB_EOL];
assign out_last = sb_out[SB_LAST];

endmodule

`resetall
