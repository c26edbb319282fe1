// TA-ISP: the per-frame parameter engine, the Verilog twin of fixedpoint/taisp/params.py.
//
// From the frame statistics (sums of x, x^2, xg and the logits, and the pixel count) it
// computes, bit for bit as glc_params / hsa_gate / rgfc_params:
//   alpha (per channel) = rq(softplus(z_glc) + 1)  z_glc from the GLC MLP on [mean, var]
//   gate  (2)           = [g0, one - g0], g0 = rq(sigmoid(rq(l0 - l1)))  from the gate layer on d
//   w (per region)      = rq(w_min + (w_max - w_min) * sigmoid(z_rgfc))  from the weight MLP on p
//   inv_w (per region)  = reciprocal(w)
// or, with use_defaults, default_params: alpha = def_alpha, gate = [def_gate0, one - def_gate0],
// w = rq((w_min + w_max) / 2), inv_w = reciprocal(w).
//
// A small sequential engine (it runs during vertical blanking):
//   * one sequential divider (isp_div) for the means div_round(sum << up, n << down),
//     formed as floor((2 num + den) / 2 den);
//   * one multiplier-accumulator, one weight per cycle from the synchronous weight RAM
//     (address -> data one cycle later), exact sums, the bias shifted into the products'
//     scale; the same multiplier squares the means for the variance;
//   * one isp_table each for softplus, sigmoid and reciprocal;
//   * isp_rq for every requantization, with the modes of its config entry.
// Every intermediate register is exact (widths derived from the generated defines and
// checked at elaboration). Channel and region counts and the layer shapes come from
// taisp_regmap.vh (TAISP_N_CHANNELS, TAISP_N_REGIONS, TAISP_WLEN_*). The outputs change together in the cycle done pulses.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"
`include "isp_defs.vh"
`include "taisp_pipe.vh"

// sign- (S != 0) or zero-extend the FROM-bit vector V to TO > FROM bits
`define TAISP_PRM_SX(TO, FROM, S, V) {{((TO)-(FROM)){((S) != 0) & V[(FROM)-1]}}, V}

module taisp_params #
(
    // folder of the generated table memories (tab_<name>.hex)
    parameter MEM_DIR = ".",
    // width of the weight address (2**WADDR_W >= `TAISP_NWEIGHTS, checked)
    parameter WADDR_W = 12,
    // width of the pixel count n_pix: frames of fewer than 2**NPIX_W pixels
    parameter NPIX_W = 24
)
(
    input  wire clk,
    input  wire rst,                 // synchronous, active high
    input  wire start,               // pulse: compute from the statistics below (ignored while busy)
    input  wire use_defaults,        // sampled with start: compute the defaults instead of using the statistics
    input  wire [NPIX_W-1:0] n_pix,  // pixels of the frame (W*H, >= 1, < 2^NPIX_W)
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUM_W-1:0]   x_sum,     // glc.sum raw per channel (R,G,B), unsigned
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUMSQ_W-1:0] x_sumsq,   // glc.sumsq raw, unsigned
    input  wire [`TAISP_N_CHANNELS*`TAISP_HSA_DSUM_W-1:0]  xg_sum,    // hsa.dsum raw, unsigned
    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_LSUM_W-1:0]  logit_sum, // rgfc.lsum raw, signed two's complement
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0] def_alpha, // default alpha per channel (glc.alpha raw)
    input  wire [`TAISP_HSA_GATE_W-1:0]    def_gate0, // default gate_0 (hsa.gate raw); gate_1 = one - gate_0
    // weight memory read port: synchronous RAM, data valid the cycle after the address
    output reg  [WADDR_W-1:0] wt_addr,  // index into the flat weight image (TAISP_WOFF_* defines)
    input  wire [`TAISP_WGT_W-1:0] wt_data,  // raw value of its entry, two's complement in the low bits
    output wire busy,
    output reg  done,                // one-cycle pulse when the outputs below have been updated
    output reg  [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0]  alpha,
    output reg  [2*`TAISP_HSA_GATE_W-1:0]                   gate,
    output reg  [`TAISP_N_REGIONS*`TAISP_RGFC_W_W-1:0]      w,
    output reg  [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0]  inv_w
);

// ============================================================================ sizes
// colour channels and regions of the model (taisp_regmap.vh; checked against the weight layout)
localparam NCH = `TAISP_N_CHANNELS;
localparam NREG = `TAISP_N_REGIONS;

// layer shapes from the weight layout (word counts of the flat image's tensors)
localparam GLC_NH = `TAISP_WLEN_B1;                 // glc hidden units (b1)
localparam GLC_NIN = `TAISP_WLEN_W1 / GLC_NH;       // glc inputs (mean, var)
localparam GLC_NOUT = `TAISP_WLEN_B2;               // glc outputs (b2)
localparam HSA_NOUT = `TAISP_WLEN_BG;               // gate logits (bg)
localparam HSA_NIN = `TAISP_WLEN_WG / HSA_NOUT;     // gate inputs (d)
localparam RGFC_NH = `TAISP_WLEN_B3;                // rgfc hidden units (b3)
localparam RGFC_NIN = `TAISP_WLEN_W3 / RGFC_NH;     // rgfc inputs (p)
localparam RGFC_NOUT = `TAISP_WLEN_B4;              // rgfc outputs (b4)
// hidden vector length (shared by the two MLPs)
localparam NH = GLC_NH > RGFC_NH ? GLC_NH : RGFC_NH;

// vector register file: s = [mean, var] (2 NCH), d (NCH), p (NREG), hidden (NH)
localparam S_OFF = 0;
localparam D_OFF = S_OFF + 2 * NCH;
localparam P_OFF = D_OFF + NCH;
localparam H_OFF = P_OFF + NREG;
localparam NV = H_OFF + NH;
// width of a vector register index
localparam VIW = $clog2(NV);

// row / term / element counter: up to the longest layer dimension
localparam CMAX0 = NH > NREG ? NH : NREG;
localparam CMAX = CMAX0 > 2 * NCH ? CMAX0 : 2 * NCH;
// width of the counters
localparam CNTW = $clog2(CMAX + 1);

// ---------------------------------------------------------------- divisions
// scale changes of the means: div_round(sum << UP, n << DN)
localparam UP_M = `TAISP_GLC_MEAN_F > `TAISP_GLC_SUM_F ? `TAISP_GLC_MEAN_F - `TAISP_GLC_SUM_F : 0;
localparam DN_M = `TAISP_GLC_SUM_F > `TAISP_GLC_MEAN_F ? `TAISP_GLC_SUM_F - `TAISP_GLC_MEAN_F : 0;
localparam UP_Q = `TAISP_GLC_MEAN_F > `TAISP_GLC_SUMSQ_F ? `TAISP_GLC_MEAN_F - `TAISP_GLC_SUMSQ_F : 0;
localparam DN_Q = `TAISP_GLC_SUMSQ_F > `TAISP_GLC_MEAN_F ? `TAISP_GLC_SUMSQ_F - `TAISP_GLC_MEAN_F : 0;
localparam UP_D = `TAISP_HSA_D_F > `TAISP_HSA_DSUM_F ? `TAISP_HSA_D_F - `TAISP_HSA_DSUM_F : 0;
localparam DN_D = `TAISP_HSA_DSUM_F > `TAISP_HSA_D_F ? `TAISP_HSA_DSUM_F - `TAISP_HSA_D_F : 0;
localparam UP_P = `TAISP_RGFC_P_F > `TAISP_RGFC_LSUM_F ? `TAISP_RGFC_P_F - `TAISP_RGFC_LSUM_F : 0;
localparam DN_P = `TAISP_RGFC_LSUM_F > `TAISP_RGFC_P_F ? `TAISP_RGFC_LSUM_F - `TAISP_RGFC_P_F : 0;
// signed widths of the shifted sums
localparam NM_W = `TAISP_GLC_SUM_W + (`TAISP_GLC_SUM_S ? 0 : 1) + UP_M;
localparam NQ_W = `TAISP_GLC_SUMSQ_W + (`TAISP_GLC_SUMSQ_S ? 0 : 1) + UP_Q;
localparam ND_W = `TAISP_HSA_DSUM_W + (`TAISP_HSA_DSUM_S ? 0 : 1) + UP_D;
localparam NP_W = `TAISP_RGFC_LSUM_W + (`TAISP_RGFC_LSUM_S ? 0 : 1) + UP_P;
// widths of the shifted pixel counts
localparam DM_W = NPIX_W + DN_M;
localparam DQ_W = NPIX_W + DN_Q;
localparam DD_W = NPIX_W + DN_D;
localparam DP_W = NPIX_W + DN_P;
// signed width of 2 sum + den for each kind
localparam TM_W = (NM_W > DM_W ? NM_W : DM_W) + 2;
localparam TQ_W = (NQ_W > DQ_W ? NQ_W : DQ_W) + 2;
localparam TD_W = (ND_W > DD_W ? ND_W : DD_W) + 2;
localparam TP_W = (NP_W > DP_W ? NP_W : DP_W) + 2;
// divider numerator / quotient width (signed): the widest kind
localparam DIVN0 = TM_W > TQ_W ? TM_W : TQ_W;
localparam DIVN1 = TD_W > TP_W ? TD_W : TP_W;
localparam DIV_NUM_W = DIVN0 > DIVN1 ? DIVN0 : DIVN1;
// divider denominator width (2 n << DN, unsigned)
localparam DIVD0 = DM_W > DQ_W ? DM_W : DQ_W;
localparam DIVD1 = DD_W > DP_W ? DD_W : DP_W;
localparam DIV_DEN_W = (DIVD0 > DIVD1 ? DIVD0 : DIVD1) + 1;

// ---------------------------------------------------------------- multiplier-accumulator
// width of a sign-extended weight word
localparam EW = `TAISP_WGT_W + 1;
// width of the vector registers (every stored entry sign- or zero-extended by >= 1 bit)
localparam XW0 = `TAISP_GLC_MEAN_W > `TAISP_HSA_D_W ? `TAISP_GLC_MEAN_W : `TAISP_HSA_D_W;
localparam XW1 = `TAISP_RGFC_P_W > XW0 ? `TAISP_RGFC_P_W : XW0;
localparam XW2 = `TAISP_GLC_H1_W > XW1 ? `TAISP_GLC_H1_W : XW1;
localparam XW = (`TAISP_RGFC_H3_W > XW2 ? `TAISP_RGFC_H3_W : XW2) + 1;
// width of the multiplier's second operand: a weight, or a mean (squared for the variance)
localparam WW = (EW > `TAISP_GLC_MEAN_W ? EW : `TAISP_GLC_MEAN_W) + 1;
// product width
localparam PW = XW + WW;
// bias shifts into the products' scale (fx + fw - fb)
localparam SH_GL1 = `TAISP_GLC_MEAN_F + `TAISP_GLC_W1_F - `TAISP_GLC_B1_F;
localparam SH_GL2 = `TAISP_GLC_H1_F + `TAISP_GLC_W2_F - `TAISP_GLC_B2_F;
localparam SH_HG = `TAISP_HSA_D_F + `TAISP_HSA_WG_F - `TAISP_HSA_WG_F;
localparam SH_RL3 = `TAISP_RGFC_P_F + `TAISP_RGFC_W3_F - `TAISP_RGFC_B3_F;
localparam SH_RL4 = `TAISP_RGFC_H3_F + `TAISP_RGFC_W4_F - `TAISP_RGFC_B4_F;
localparam SHM0 = SH_GL1 > SH_GL2 ? SH_GL1 : SH_GL2;
localparam SHM1 = SH_RL3 > SH_RL4 ? SH_RL3 : SH_RL4;
localparam SHM2 = SHM0 > SHM1 ? SHM0 : SHM1;
localparam SH_MAX = SHM2 > SH_HG ? SHM2 : SH_HG;
// most terms of a sum (products and the bias)
localparam NT0 = GLC_NIN > GLC_NH ? GLC_NIN : GLC_NH;
localparam NT1 = RGFC_NIN > RGFC_NH ? RGFC_NIN : RGFC_NH;
localparam NT2 = NT0 > NT1 ? NT0 : NT1;
localparam NTERM = (NT2 > HSA_NIN ? NT2 : HSA_NIN) + 1;
// exact accumulator: NTERM terms of at most max(2^(PW-2), 2^(EW-1+SH_MAX)) magnitude, plus a margin bit
localparam AT0 = PW - 1 > EW + SH_MAX ? PW - 1 : EW + SH_MAX;
localparam ACC_W = AT0 + $clog2(NTERM) + 2;

// accumulator entries after the MAC (sign-extended by >= 1 bit)
localparam AE0 = `TAISP_GLC_ACC1_W > `TAISP_GLC_ACC2_W ? `TAISP_GLC_ACC1_W : `TAISP_GLC_ACC2_W;
localparam AE1 = `TAISP_RGFC_ACC3_W > `TAISP_RGFC_ACC4_W ? `TAISP_RGFC_ACC3_W : `TAISP_RGFC_ACC4_W;
localparam AE2 = AE0 > AE1 ? AE0 : AE1;
localparam AE_W = (AE2 > `TAISP_HSA_GATE_ACC_W ? AE2 : `TAISP_HSA_GATE_ACC_W) + 1;
// gate logit difference l0 - l1
localparam GD_W = `TAISP_HSA_GATE_ACC_W + 2;

// variance: mean^2 rounded at the mean's scale, E[x^2] - that (exact)
localparam M2_W = ACC_W + 2;
localparam VX_W = (DIV_NUM_W > M2_W ? DIV_NUM_W : M2_W) + 1;
localparam VR_W = `TAISP_GLC_VAR_W + 1;

// ---------------------------------------------------------------- tables and outputs
localparam SP_W = `TAISP_TAB_SOFTPLUS_OUT_W;
localparam SP_F = `TAISP_TAB_SOFTPLUS_OUT_F;
localparam SG_W = `TAISP_TAB_SIGMOID_OUT_W;
localparam SG_F = `TAISP_TAB_SIGMOID_OUT_F;
// softplus + 1 (signed)
localparam AX_W = (SP_W > SP_F + 1 ? SP_W : SP_F + 1) + 2;
// sigmoid output as a signed value
localparam SGX_W = SG_W + 1;
// w_exact = (w_min << SG_F) + (w_max - w_min) * sigmoid (signed)
localparam WE0 = EW + 1 + SGX_W;
localparam WE1 = EW + SG_F;
localparam WE_W = (WE0 > WE1 ? WE0 : WE1) + 1;

localparam ALPHA_W = `TAISP_GLC_ALPHA_W;
localparam GATE_W = `TAISP_HSA_GATE_W;
localparam WO_W = `TAISP_RGFC_W_W;
localparam INV_W = `TAISP_RGFC_INV_W_W;
localparam ZG_W = `TAISP_GLC_Z_W;
localparam ZH_W = `TAISP_HSA_Z_W;
localparam ZR_W = `TAISP_RGFC_Z_W;
// one(hsa.gate) = min(1 << frac, max_raw)
localparam GATE_MAXB = GATE_W - `TAISP_HSA_GATE_S;
localparam [GATE_W-1:0] GATE_MAX = {GATE_W{1'b1}} >> `TAISP_HSA_GATE_S;
localparam [GATE_W-1:0] GATE_ONE = (`TAISP_HSA_GATE_F < GATE_MAXB) ?
                                   ({{(GATE_W-1){1'b0}}, 1'b1} << `TAISP_HSA_GATE_F) : GATE_MAX;

// pipeline depth of isp_table (its LATENCY)
localparam TAB_LAT = `TAISP_TABLE_PIPE ? `ISP_TABLE_LATENCY_PIPE : `ISP_TABLE_LATENCY;

// ---------------------------------------------------------------- elaboration checks
initial begin
    if ((1 << WADDR_W) < `TAISP_NWEIGHTS || WADDR_W <= CNTW) begin
        $error("taisp_params: WADDR_W %0d cannot address %0d weights", WADDR_W, `TAISP_NWEIGHTS);
        $finish;
    end
    if (GLC_NIN != 2 * NCH || GLC_NOUT != NCH || GLC_NIN * GLC_NH != `TAISP_WLEN_W1 ||
        GLC_NOUT * GLC_NH != `TAISP_WLEN_W2) begin
        $error("taisp_params: glc MLP layout (%0d -> %0d -> %0d) does not match %0d channels",
               GLC_NIN, GLC_NH, GLC_NOUT, NCH);
        $finish;
    end
    // the gate is the sigmoid of the difference of two logits
    if (HSA_NIN != NCH || HSA_NOUT != 2 || HSA_NOUT != `TAISP_HSA_N_GATE || HSA_NIN * HSA_NOUT != `TAISP_WLEN_WG) begin
        $error("taisp_params: gate layer layout (%0d -> %0d) is not %0d -> 2", HSA_NIN, HSA_NOUT, NCH);
        $finish;
    end
    if (RGFC_NIN != NREG || RGFC_NOUT != NREG || RGFC_NIN * RGFC_NH != `TAISP_WLEN_W3 ||
        RGFC_NOUT * RGFC_NH != `TAISP_WLEN_W4 || `TAISP_WLEN_W_MIN != 1 || `TAISP_WLEN_W_MAX != 1) begin
        $error("taisp_params: rgfc MLP layout (%0d -> %0d -> %0d) does not match %0d regions",
               RGFC_NIN, RGFC_NH, RGFC_NOUT, NREG);
        $finish;
    end
    if (TAB_LAT < 1 || TAB_LAT > CMAX) begin
        $error("taisp_params: table latency %0d does not fit the wait counter", TAB_LAT);
        $finish;
    end
    if (SH_GL1 < 0 || SH_GL2 < 0 || SH_HG < 0 || SH_RL3 < 0 || SH_RL4 < 0) begin
        $error("taisp_params: a bias has more fractional bits than its layer's products");
        $finish;
    end
    if (`TAISP_GLC_W1_W > `TAISP_WGT_W || `TAISP_GLC_B1_W > `TAISP_WGT_W || `TAISP_GLC_W2_W > `TAISP_WGT_W ||
        `TAISP_GLC_B2_W > `TAISP_WGT_W || `TAISP_HSA_WG_W > `TAISP_WGT_W || `TAISP_RGFC_W3_W > `TAISP_WGT_W ||
        `TAISP_RGFC_B3_W > `TAISP_WGT_W || `TAISP_RGFC_W4_W > `TAISP_WGT_W || `TAISP_RGFC_B4_W > `TAISP_WGT_W ||
        `TAISP_RGFC_WRANGE_W > `TAISP_WGT_W) begin
        $error("taisp_params: a weight entry is wider than the weight word (%0d bits)", `TAISP_WGT_W);
        $finish;
    end
    if (`TAISP_TAB_SOFTPLUS_IN_W != ZG_W || `TAISP_TAB_SOFTPLUS_IN_S != `TAISP_GLC_Z_S ||
        `TAISP_TAB_SIGMOID_IN_W != ZH_W || `TAISP_TAB_SIGMOID_IN_S != `TAISP_HSA_Z_S ||
        `TAISP_TAB_SIGMOID_IN_W != ZR_W || `TAISP_TAB_SIGMOID_IN_S != `TAISP_RGFC_Z_S ||
        `TAISP_TAB_RECIPROCAL_IN_W != WO_W || `TAISP_TAB_RECIPROCAL_IN_S != `TAISP_RGFC_W_S ||
        `TAISP_TAB_RECIPROCAL_OUT_W != INV_W || `TAISP_TAB_RECIPROCAL_OUT_S != `TAISP_RGFC_INV_W_S) begin
        $error("taisp_params: table input/output formats do not match their config entries");
        $finish;
    end
    if (`TAISP_GLC_MEAN_F < 0 || `TAISP_GLC_MEAN_F + 2 > ACC_W || `TAISP_HSA_GATE_F < 0 || SP_F < 0 || SG_F < 0) begin
        $error("taisp_params: negative fractional bits where the engine needs them >= 0");
        $finish;
    end
    if (DIV_NUM_W > 256 || ACC_W > 256 || VX_W > 256 || WE_W > 256) begin
        $error("taisp_params: exact intermediate wider than isp_rq takes (256 bits)");
        $finish;
    end
    if (DIV_NUM_W <= NPIX_W + 1 || DIV_NUM_W <= `TAISP_GLC_SUM_W || DIV_NUM_W <= `TAISP_GLC_SUMSQ_W ||
        DIV_NUM_W <= `TAISP_HSA_DSUM_W || DIV_NUM_W <= `TAISP_RGFC_LSUM_W) begin
        $error("taisp_params: divider numerator width %0d too small", DIV_NUM_W);
        $finish;
    end
end

// ============================================================================ state
localparam [4:0]
    S_IDLE     = 5'd0,
    S_LD0      = 5'd1,   // address w_min
    S_LD1      = 5'd2,   // address w_max
    S_LD2      = 5'd3,   // w_min arrives
    S_LD3      = 5'd4,   // w_max arrives
    S_DEF      = 5'd5,   // defaults
    S_DIV_GO   = 5'd6,   // start a division
    S_DIV_WAIT = 5'd7,
    S_DIV_PUT  = 5'd8,   // requantize and store the quotient
    S_SQ       = 5'd9,   // square the mean just stored (MAC)
    S_LAYER    = 5'd10,  // start a layer
    S_BIAS     = 5'd11,  // issue a row's bias
    S_ISSUE    = 5'd12,  // issue a row's weights
    S_WAIT     = 5'd13,  // MAC pipeline drains
    S_POST1    = 5'd14,  // requantize the sum into the accumulator entry
    S_POST2    = 5'd15,  // relu / requantize, store
    S_T_SET    = 5'd16,  // table input
    S_T_WAIT   = 5'd17,
    S_T_GET    = 5'd18,  // table output
    S_FIN      = 5'd19;

// division kinds
localparam [1:0] K_MEAN = 2'd0, K_EX2 = 2'd1, K_D = 2'd2, K_P = 2'd3;
// layers
localparam [2:0] L_GL1 = 3'd0, L_GL2 = 3'd1, L_HG = 3'd2, L_RL3 = 3'd3, L_RL4 = 3'd4;
// table operations
localparam [1:0] T_ALPHA = 2'd0, T_GATE = 2'd1, T_W = 2'd2, T_INV = 2'd3;

// counter limits
localparam [CNTW-1:0] C_NCH = NCH[CNTW-1:0];
localparam [CNTW-1:0] C_NREG = NREG[CNTW-1:0];
localparam [CNTW-1:0] C_ONE = {{(CNTW-1){1'b0}}, 1'b1};
localparam [CNTW-1:0] C_TLAT = TAB_LAT[CNTW-1:0];

reg [4:0] state;
reg       defs;        // computing the defaults
reg [1:0] kind;        // division kind
reg [2:0] layer;
reg [1:0] top;         // table operation
reg [CNTW-1:0] j;      // channel / element / row
reg [CNTW-1:0] i;      // term
reg [CNTW-1:0] tw;     // table wait
reg [WADDR_W-1:0] waddr_run;

// statistics and defaults, sampled with start
reg [NPIX_W-1:0] n_r;
reg [`TAISP_GLC_SUM_W-1:0]   xs_r [0:NCH-1];
reg [`TAISP_GLC_SUMSQ_W-1:0] xq_r [0:NCH-1];
reg [`TAISP_HSA_DSUM_W-1:0]  xg_r [0:NCH-1];
reg [`TAISP_RGFC_LSUM_W-1:0] ls_r [0:NREG-1];
reg [ALPHA_W-1:0] defa_r [0:NCH-1];
reg [GATE_W-1:0]  defg_r;

// w range registers (sign-extended weight words)
reg signed [EW-1:0] wmin_r, wmax_r;

// vector registers and the MLP outputs
reg signed [XW-1:0] vr [0:NV-1];
reg [ZG_W-1:0] zg [0:NCH-1];
reg [ZR_W-1:0] zr [0:NREG-1];
reg signed [GD_W-2:0] gl0, gl1;   // gate logits (hsa.gate_acc, sign-extended)

// results, copied to the outputs together
reg [ALPHA_W-1:0] alpha_n [0:NCH-1];
reg [GATE_W-1:0]  gate0_n;
reg [WO_W-1:0]    w_n [0:NREG-1];
reg [INV_W-1:0]   inv_n [0:NREG-1];

assign busy = state != S_IDLE;

// ============================================================================ weight words
// a weight word as the value of an entry of WIDTH bits (signed when SGN), sign-extended to EW bits
function [EW-1:0] wext;
    input [`TAISP_WGT_W-1:0] d;
    input integer width;
    input integer sgn;
    reg [EW-1:0] m;
    reg [EW-1:0] v;
    begin
        m = {{(EW-1){1'b0}}, 1'b1} << (width - 1);
        v = {1'b0, d} & ((m << 1) - {{(EW-1){1'b0}}, 1'b1});
        wext = (sgn != 0) ? (v ^ m) - m : v;
    end
endfunction

// ============================================================================ divider
reg  signed [DIV_NUM_W-1:0] dv_num;
reg         [DIV_DEN_W-1:0] dv_den;
wire        [DIV_NUM_W-1:0] dv_quo;
wire dv_done;
/* verilator lint_off UNUSEDSIGNAL */
wire dv_busy;
/* verilator lint_on UNUSEDSIGNAL */
reg  signed [DIV_NUM_W-1:0] q_r;

wire [DIV_NUM_W-1:0] n_num = {{(DIV_NUM_W-NPIX_W){1'b0}}, n_r};
wire [DIV_DEN_W-1:0] n_den = {{(DIV_DEN_W-NPIX_W){1'b0}}, n_r};
reg [`TAISP_GLC_SUM_W-1:0]   src_m;
reg [`TAISP_GLC_SUMSQ_W-1:0] src_q;
reg [`TAISP_HSA_DSUM_W-1:0]  src_d;
reg [`TAISP_RGFC_LSUM_W-1:0] src_p;

// numerator 2 (sum << UP) + (n << DN) and denominator 2 (n << DN) of the current division
always @* begin
    src_m = xs_r[0];
    src_q = xq_r[0];
    src_d = xg_r[0];
    src_p = ls_r[j[$clog2(NREG)-1:0]];
    if (j < C_NCH) begin
        src_m = xs_r[j[$clog2(NCH)-1:0]];
        src_q = xq_r[j[$clog2(NCH)-1:0]];
        src_d = xg_r[j[$clog2(NCH)-1:0]];
    end
    case (kind)
        K_MEAN: begin
            dv_num = (`TAISP_PRM_SX(DIV_NUM_W, `TAISP_GLC_SUM_W, `TAISP_GLC_SUM_S, src_m) << (UP_M + 1))
                     + (n_num << DN_M);
            dv_den = n_den << (DN_M + 1);
        end
        K_EX2: begin
            dv_num = (`TAISP_PRM_SX(DIV_NUM_W, `TAISP_GLC_SUMSQ_W, `TAISP_GLC_SUMSQ_S, src_q) << (UP_Q + 1))
                     + (n_num << DN_Q);
            dv_den = n_den << (DN_Q + 1);
        end
        K_D: begin
            dv_num = (`TAISP_PRM_SX(DIV_NUM_W, `TAISP_HSA_DSUM_W, `TAISP_HSA_DSUM_S, src_d) << (UP_D + 1))
                     + (n_num << DN_D);
            dv_den = n_den << (DN_D + 1);
        end
        default: begin
            dv_num = (`TAISP_PRM_SX(DIV_NUM_W, `TAISP_RGFC_LSUM_W, `TAISP_RGFC_LSUM_S, src_p) << (UP_P + 1))
                     + (n_num << DN_P);
            dv_den = n_den << (DN_P + 1);
        end
    endcase
end

isp_div #(.NUM_W(DIV_NUM_W), .DEN_W(DIV_DEN_W)) u_div (
    .clk(clk), .rst(rst), .start(state == S_DIV_GO),
    .num(dv_num), .den(dv_den),
    .busy(dv_busy), .done(dv_done), .quo(dv_quo)
);

// ---------------------------------------------------------------- quotient requantizations
wire [`TAISP_GLC_MEAN_W-1:0] rqo_mean;
wire [`TAISP_HSA_D_W-1:0]    rqo_d;
wire [`TAISP_RGFC_P_W-1:0]   rqo_p;
wire [`TAISP_GLC_VAR_W-1:0]  rqo_var;
wire [`TAISP_GLC_MEAN_W-1:0] rqo_v2m;
// overflow flags of the requantizations: the engine counts none (the status counters cover the pixel path)
wire [18:0] ovf_unused;

isp_rq #(.IN_W(DIV_NUM_W), .IN_F(`TAISP_GLC_MEAN_F), `TAISP_RQ_GLC_MEAN_PARAMS)
u_rq_mean (.in(q_r), .out(rqo_mean), .ovf(ovf_unused[0]));

isp_rq #(.IN_W(DIV_NUM_W), .IN_F(`TAISP_HSA_D_F), `TAISP_RQ_HSA_D_PARAMS)
u_rq_d (.in(q_r), .out(rqo_d), .ovf(ovf_unused[1]));

isp_rq #(.IN_W(DIV_NUM_W), .IN_F(`TAISP_RGFC_P_F), `TAISP_RQ_RGFC_P_PARAMS)
u_rq_p (.in(q_r), .out(rqo_p), .ovf(ovf_unused[2]));

// variance: max(E[x^2] - div_round(mean^2, 2^F_mean), 0); acc holds mean^2 (squared by the MAC)
reg signed [ACC_W-1:0] acc;
wire signed [M2_W-1:0] m2_t = {acc[ACC_W-1], acc, 1'b0} + ({{(M2_W-1){1'b0}}, 1'b1} << `TAISP_GLC_MEAN_F);
wire signed [M2_W-1:0] m2_r = m2_t >>> (`TAISP_GLC_MEAN_F + 1);
wire signed [VX_W-1:0] var_d = `TAISP_PRM_SX(VX_W, DIV_NUM_W, 1, q_r) - `TAISP_PRM_SX(VX_W, M2_W, 1, m2_r);
wire signed [VX_W-1:0] var_x = var_d[VX_W-1] ? {VX_W{1'b0}} : var_d;
wire [VR_W-1:0] var_e = `TAISP_PRM_SX(VR_W, `TAISP_GLC_VAR_W, `TAISP_GLC_VAR_S, rqo_var);

isp_rq #(.IN_W(VX_W), .IN_F(`TAISP_GLC_MEAN_F), `TAISP_RQ_GLC_VAR_PARAMS)
u_rq_var (.in(var_x), .out(rqo_var), .ovf(ovf_unused[3]));

isp_rq #(.IN_W(VR_W), .IN_F(`TAISP_GLC_VAR_F), `TAISP_RQ_GLC_MEAN_PARAMS)
u_rq_v2m (.in(var_e), .out(rqo_v2m), .ovf(ovf_unused[4]));

// ============================================================================ MAC
// per-layer constants
reg [CNTW-1:0] l_nin, l_nout;
reg [WADDR_W-1:0] l_woff, l_boff;
reg [VIW-1:0] l_xbase;
reg [EW-1:0] w_ext, b_ext;
reg signed [ACC_W-1:0] b_term;
always @* begin
    case (layer)
        L_GL1: begin
            l_nin = GLC_NIN[CNTW-1:0];
            l_nout = GLC_NH[CNTW-1:0];
            l_woff = `TAISP_WOFF_W1;
            l_boff = `TAISP_WOFF_B1;
            l_xbase = S_OFF[VIW-1:0];
            w_ext = wext(wt_data, `TAISP_GLC_W1_W, `TAISP_GLC_W1_S);
            b_ext = wext(wt_data, `TAISP_GLC_B1_W, `TAISP_GLC_B1_S);
            b_term = `TAISP_PRM_SX(ACC_W, EW, 1, b_ext) <<< SH_GL1;
        end
        L_GL2: begin
            l_nin = GLC_NH[CNTW-1:0];
            l_nout = GLC_NOUT[CNTW-1:0];
            l_woff = `TAISP_WOFF_W2;
            l_boff = `TAISP_WOFF_B2;
            l_xbase = H_OFF[VIW-1:0];
            w_ext = wext(wt_data, `TAISP_GLC_W2_W, `TAISP_GLC_W2_S);
            b_ext = wext(wt_data, `TAISP_GLC_B2_W, `TAISP_GLC_B2_S);
            b_term = `TAISP_PRM_SX(ACC_W, EW, 1, b_ext) <<< SH_GL2;
        end
        L_HG: begin
            l_nin = HSA_NIN[CNTW-1:0];
            l_nout = HSA_NOUT[CNTW-1:0];
            l_woff = `TAISP_WOFF_WG;
            l_boff = `TAISP_WOFF_BG;
            l_xbase = D_OFF[VIW-1:0];
            w_ext = wext(wt_data, `TAISP_HSA_WG_W, `TAISP_HSA_WG_S);
            b_ext = wext(wt_data, `TAISP_HSA_WG_W, `TAISP_HSA_WG_S);
            b_term = `TAISP_PRM_SX(ACC_W, EW, 1, b_ext) <<< SH_HG;
        end
        L_RL3: begin
            l_nin = RGFC_NIN[CNTW-1:0];
            l_nout = RGFC_NH[CNTW-1:0];
            l_woff = `TAISP_WOFF_W3;
            l_boff = `TAISP_WOFF_B3;
            l_xbase = P_OFF[VIW-1:0];
            w_ext = wext(wt_data, `TAISP_RGFC_W3_W, `TAISP_RGFC_W3_S);
            b_ext = wext(wt_data, `TAISP_RGFC_B3_W, `TAISP_RGFC_B3_S);
            b_term = `TAISP_PRM_SX(ACC_W, EW, 1, b_ext) <<< SH_RL3;
        end
        default: begin
            l_nin = RGFC_NH[CNTW-1:0];
            l_nout = RGFC_NOUT[CNTW-1:0];
            l_woff = `TAISP_WOFF_W4;
            l_boff = `TAISP_WOFF_B4;
            l_xbase = H_OFF[VIW-1:0];
            w_ext = wext(wt_data, `TAISP_RGFC_W4_W, `TAISP_RGFC_W4_S);
            b_ext = wext(wt_data, `TAISP_RGFC_B4_W, `TAISP_RGFC_B4_S);
            b_term = `TAISP_PRM_SX(ACC_W, EW, 1, b_ext) <<< SH_RL4;
        end
    endcase
end

// pipeline: issue (address) -> 1 (RAM reads) -> 2 (data; multiply) -> 3 (accumulate)
reg p1_v, p1_bias, p1_sq, p1_last;
reg [VIW-1:0] p1_idx;
reg p2_v, p2_bias, p2_sq, p2_last;
reg [VIW-1:0] p2_idx;
reg p3_v, p3_first, p3_last;
reg signed [ACC_W-1:0] prod_r;
reg acc_fin;

wire signed [XW-1:0] x_op = vr[p2_idx];
wire [`TAISP_GLC_MEAN_W-1:0] x_mean = x_op[`TAISP_GLC_MEAN_W-1:0];
wire signed [WW-1:0] w_op = p2_sq ? `TAISP_PRM_SX(WW, `TAISP_GLC_MEAN_W, `TAISP_GLC_MEAN_S, x_mean)
                                  : `TAISP_PRM_SX(WW, EW, 1, w_ext);
wire signed [PW-1:0] x_opx = `TAISP_PRM_SX(PW, XW, 1, x_op);
wire signed [PW-1:0] w_opx = `TAISP_PRM_SX(PW, WW, 1, w_op);
wire signed [PW-1:0] mul = x_opx * w_opx;

always @(posedge clk) begin
    p2_v <= p1_v;
    p2_bias <= p1_bias;
    p2_sq <= p1_sq;
    p2_last <= p1_last;
    p2_idx <= p1_idx;
    p3_v <= p2_v;
    p3_first <= p2_bias | p2_sq;
    p3_last <= p2_last | p2_sq;
    if (p2_v) begin
        prod_r <= p2_bias ? b_term : `TAISP_PRM_SX(ACC_W, PW, 1, mul);
    end
    if (p3_v) begin
        acc <= p3_first ? prod_r : acc + prod_r;
    end
    // pulse: acc holds the finished sum from the next cycle on
    acc_fin <= p3_v & p3_last;
    if (rst) begin
        p2_v <= 1'b0;
        p3_v <= 1'b0;
        acc_fin <= 1'b0;
    end
end

// ---------------------------------------------------------------- accumulator entries
wire [`TAISP_GLC_ACC1_W-1:0]     rqo_acc1;
wire [`TAISP_GLC_ACC2_W-1:0]     rqo_acc2;
wire [`TAISP_HSA_GATE_ACC_W-1:0] rqo_gacc;
wire [`TAISP_RGFC_ACC3_W-1:0]    rqo_acc3;
wire [`TAISP_RGFC_ACC4_W-1:0]    rqo_acc4;

isp_rq #(.IN_W(ACC_W), .IN_F(`TAISP_GLC_MEAN_F + `TAISP_GLC_W1_F), `TAISP_RQ_GLC_ACC1_PARAMS)
u_rq_acc1 (.in(acc), .out(rqo_acc1), .ovf(ovf_unused[5]));

isp_rq #(.IN_W(ACC_W), .IN_F(`TAISP_GLC_H1_F + `TAISP_GLC_W2_F), `TAISP_RQ_GLC_ACC2_PARAMS)
u_rq_acc2 (.in(acc), .out(rqo_acc2), .ovf(ovf_unused[6]));

isp_rq #(.IN_W(ACC_W), .IN_F(`TAISP_HSA_D_F + `TAISP_HSA_WG_F), `TAISP_RQ_HSA_GATE_ACC_PARAMS)
u_rq_gacc (.in(acc), .out(rqo_gacc), .ovf(ovf_unused[7]));

isp_rq #(.IN_W(ACC_W), .IN_F(`TAISP_RGFC_P_F + `TAISP_RGFC_W3_F), `TAISP_RQ_RGFC_ACC3_PARAMS)
u_rq_acc3 (.in(acc), .out(rqo_acc3), .ovf(ovf_unused[8]));

isp_rq #(.IN_W(ACC_W), .IN_F(`TAISP_RGFC_H3_F + `TAISP_RGFC_W4_F), `TAISP_RQ_RGFC_ACC4_PARAMS)
u_rq_acc4 (.in(acc), .out(rqo_acc4), .ovf(ovf_unused[9]));

reg signed [AE_W-1:0] a_sel;
always @* begin
    case (layer)
        L_GL1:   a_sel = `TAISP_PRM_SX(AE_W, `TAISP_GLC_ACC1_W, `TAISP_GLC_ACC1_S, rqo_acc1);
        L_GL2:   a_sel = `TAISP_PRM_SX(AE_W, `TAISP_GLC_ACC2_W, `TAISP_GLC_ACC2_S, rqo_acc2);
        L_HG:    a_sel = `TAISP_PRM_SX(AE_W, `TAISP_HSA_GATE_ACC_W, `TAISP_HSA_GATE_ACC_S, rqo_gacc);
        L_RL3:   a_sel = `TAISP_PRM_SX(AE_W, `TAISP_RGFC_ACC3_W, `TAISP_RGFC_ACC3_S, rqo_acc3);
        default: a_sel = `TAISP_PRM_SX(AE_W, `TAISP_RGFC_ACC4_W, `TAISP_RGFC_ACC4_S, rqo_acc4);
    endcase
end

reg signed [AE_W-1:0] a_r;
// relu of the accumulator entry (a_r holds it sign-extended)
wire [AE_W-1:0] a_relu = a_r[AE_W-1] ? {AE_W{1'b0}} : a_r;
wire [`TAISP_GLC_ACC1_W:0]  in_h1 = a_relu[`TAISP_GLC_ACC1_W:0];
wire [`TAISP_RGFC_ACC3_W:0] in_h3 = a_relu[`TAISP_RGFC_ACC3_W:0];
wire [`TAISP_GLC_ACC2_W:0]  in_zg = a_r[`TAISP_GLC_ACC2_W:0];
wire [`TAISP_RGFC_ACC4_W:0] in_zr = a_r[`TAISP_RGFC_ACC4_W:0];
wire [`TAISP_GLC_H1_W-1:0]  rqo_h1;
wire [`TAISP_RGFC_H3_W-1:0] rqo_h3;
wire [ZG_W-1:0] rqo_zg;
wire [ZR_W-1:0] rqo_zr;

isp_rq #(.IN_W(`TAISP_GLC_ACC1_W + 1), .IN_F(`TAISP_GLC_ACC1_F), `TAISP_RQ_GLC_H1_PARAMS)
u_rq_h1 (.in(in_h1), .out(rqo_h1), .ovf(ovf_unused[10]));

isp_rq #(.IN_W(`TAISP_RGFC_ACC3_W + 1), .IN_F(`TAISP_RGFC_ACC3_F), `TAISP_RQ_RGFC_H3_PARAMS)
u_rq_h3 (.in(in_h3), .out(rqo_h3), .ovf(ovf_unused[11]));

isp_rq #(.IN_W(`TAISP_GLC_ACC2_W + 1), .IN_F(`TAISP_GLC_ACC2_F), `TAISP_RQ_GLC_Z_PARAMS)
u_rq_zg (.in(in_zg), .out(rqo_zg), .ovf(ovf_unused[12]));

isp_rq #(.IN_W(`TAISP_RGFC_ACC4_W + 1), .IN_F(`TAISP_RGFC_ACC4_F), `TAISP_RQ_RGFC_Z_PARAMS)
u_rq_zr (.in(in_zr), .out(rqo_zr), .ovf(ovf_unused[13]));

// gate: z = rq(l0 - l1)
wire signed [GD_W-1:0] gdiff = {gl0[GD_W-2], gl0} - {gl1[GD_W-2], gl1};
wire [ZH_W-1:0] rqo_zh;

isp_rq #(.IN_W(GD_W), .IN_F(`TAISP_HSA_GATE_ACC_F), `TAISP_RQ_HSA_Z_PARAMS)
u_rq_zh (.in(gdiff), .out(rqo_zh), .ovf(ovf_unused[14]));

// ============================================================================ tables
reg  [ZG_W-1:0]  sp_in;
wire [SP_W-1:0]  sp_out;
reg  [ZH_W-1:0]  sg_in;
wire [SG_W-1:0]  sg_out;
reg  [WO_W-1:0]  rc_in;
wire [INV_W-1:0] rc_out;

isp_table #(`TAISP_TAB_SOFTPLUS_PARAMS, .INIT_FILE({MEM_DIR, "/tab_softplus.hex"}), .PIPE(`TAISP_TABLE_PIPE))
u_softplus (.clk(clk), .ce(1'b1), .in(sp_in), .out(sp_out));

isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sigmoid.hex"}), .PIPE(`TAISP_TABLE_PIPE))
u_sigmoid (.clk(clk), .ce(1'b1), .in(sg_in), .out(sg_out));

isp_table #(`TAISP_TAB_RECIPROCAL_PARAMS, .INIT_FILE({MEM_DIR, "/tab_reciprocal.hex"}), .PIPE(`TAISP_TABLE_PIPE))
u_recip (.clk(clk), .ce(1'b1), .in(rc_in), .out(rc_out));

// alpha = rq(softplus + 1)
wire signed [AX_W-1:0] alpha_x = `TAISP_PRM_SX(AX_W, SP_W, `TAISP_TAB_SOFTPLUS_OUT_S, sp_out)
                                 + ({{(AX_W-1){1'b0}}, 1'b1} << SP_F);
wire [ALPHA_W-1:0] rqo_alpha;

isp_rq #(.IN_W(AX_W), .IN_F(SP_F), `TAISP_RQ_GLC_ALPHA_PARAMS)
u_rq_alpha (.in(alpha_x), .out(rqo_alpha), .ovf(ovf_unused[15]));

// gate_0 = rq(sigmoid)
wire signed [SGX_W-1:0] sg_x = `TAISP_PRM_SX(SGX_W, SG_W, `TAISP_TAB_SIGMOID_OUT_S, sg_out);
wire [GATE_W-1:0] rqo_gate;

isp_rq #(.IN_W(SGX_W), .IN_F(SG_F), `TAISP_RQ_HSA_GATE_PARAMS)
u_rq_gate (.in(sg_x), .out(rqo_gate), .ovf(ovf_unused[16]));

// w = rq((w_min << F_sig) + (w_max - w_min) * sigmoid)
wire signed [EW:0] wdiff = {wmax_r[EW-1], wmax_r} - {wmin_r[EW-1], wmin_r};
wire signed [WE_W-1:0] wdiff_x = `TAISP_PRM_SX(WE_W, EW + 1, 1, wdiff);
wire signed [WE_W-1:0] sg_xx = `TAISP_PRM_SX(WE_W, SGX_W, 1, sg_x);
wire signed [WE_W-1:0] wmin_x = `TAISP_PRM_SX(WE_W, EW, 1, wmin_r);
wire signed [WE_W-1:0] w_exact = (wmin_x <<< SG_F) + wdiff_x * sg_xx;
wire [WO_W-1:0] rqo_w;

isp_rq #(.IN_W(WE_W), .IN_F(`TAISP_RGFC_WRANGE_F + SG_F), `TAISP_RQ_RGFC_W_PARAMS)
u_rq_w (.in(w_exact), .out(rqo_w), .ovf(ovf_unused[17]));

// default w = rq(w_min + w_max) with one more fractional bit
wire signed [EW:0] wsum = {wmax_r[EW-1], wmax_r} + {wmin_r[EW-1], wmin_r};
wire [WO_W-1:0] rqo_wdef;

isp_rq #(.IN_W(EW + 1), .IN_F(`TAISP_RGFC_WRANGE_F + 1), `TAISP_RQ_RGFC_W_PARAMS)
u_rq_wdef (.in(wsum), .out(rqo_wdef), .ovf(ovf_unused[18]));

// ============================================================================ control
integer k;

always @(posedge clk) begin
    done <= 1'b0;
    p1_v <= 1'b0;
    p1_bias <= 1'b0;
    p1_sq <= 1'b0;
    p1_last <= 1'b0;

    case (state)
        S_IDLE: begin
            if (start) begin
                defs <= use_defaults;
                n_r <= n_pix;
                for (k = 0; k < NCH; k = k + 1) begin
                    xs_r[k] <= x_sum[k*`TAISP_GLC_SUM_W +: `TAISP_GLC_SUM_W];
                    xq_r[k] <= x_sumsq[k*`TAISP_GLC_SUMSQ_W +: `TAISP_GLC_SUMSQ_W];
                    xg_r[k] <= xg_sum[k*`TAISP_HSA_DSUM_W +: `TAISP_HSA_DSUM_W];
                    defa_r[k] <= def_alpha[k*ALPHA_W +: ALPHA_W];
                end
                for (k = 0; k < NREG; k = k + 1) begin
                    ls_r[k] <= logit_sum[k*`TAISP_RGFC_LSUM_W +: `TAISP_RGFC_LSUM_W];
                end
                defg_r <= def_gate0;
                state <= S_LD0;
            end
        end
        S_LD0: begin
            wt_addr <= `TAISP_WOFF_W_MIN;
            state <= S_LD1;
        end
        S_LD1: begin
            wt_addr <= `TAISP_WOFF_W_MAX;
            state <= S_LD2;
        end
        S_LD2: begin
            wmin_r <= wext(wt_data, `TAISP_RGFC_WRANGE_W, `TAISP_RGFC_WRANGE_S);
            state <= S_LD3;
        end
        S_LD3: begin
            wmax_r <= wext(wt_data, `TAISP_RGFC_WRANGE_W, `TAISP_RGFC_WRANGE_S);
            kind <= K_MEAN;
            j <= {CNTW{1'b0}};
            state <= defs ? S_DEF : S_DIV_GO;
        end
        S_DEF: begin
            for (k = 0; k < NCH; k = k + 1) begin
                alpha_n[k] <= defa_r[k];
            end
            gate0_n <= defg_r;
            for (k = 0; k < NREG; k = k + 1) begin
                w_n[k] <= rqo_wdef;
            end
            top <= T_INV;
            j <= {CNTW{1'b0}};
            state <= S_T_SET;
        end

        // -------------------------------------------------------------- divisions
        S_DIV_GO: begin
            state <= S_DIV_WAIT;
        end
        S_DIV_WAIT: begin
            if (dv_done) begin
                q_r <= dv_quo;
                state <= S_DIV_PUT;
            end
        end
        S_DIV_PUT: begin
            state <= S_DIV_GO;
            case (kind)
                K_MEAN: begin
                    vr[S_OFF + j] <= `TAISP_PRM_SX(XW, `TAISP_GLC_MEAN_W, `TAISP_GLC_MEAN_S, rqo_mean);
                    kind <= K_EX2;
                    state <= S_SQ;
                end
                K_EX2: begin
                    vr[S_OFF + NCH + j] <= `TAISP_PRM_SX(XW, `TAISP_GLC_MEAN_W, `TAISP_GLC_MEAN_S, rqo_v2m);
                    if (j == C_NCH - C_ONE) begin
                        kind <= K_D;
                        j <= {CNTW{1'b0}};
                    end else begin
                        kind <= K_MEAN;
                        j <= j + C_ONE;
                    end
                end
                K_D: begin
                    vr[D_OFF + j] <= `TAISP_PRM_SX(XW, `TAISP_HSA_D_W, `TAISP_HSA_D_S, rqo_d);
                    if (j == C_NCH - C_ONE) begin
                        kind <= K_P;
                        j <= {CNTW{1'b0}};
                    end else begin
                        j <= j + C_ONE;
                    end
                end
                default: begin
                    vr[P_OFF + j] <= `TAISP_PRM_SX(XW, `TAISP_RGFC_P_W, `TAISP_RGFC_P_S, rqo_p);
                    if (j == C_NREG - C_ONE) begin
                        layer <= L_GL1;
                        state <= S_LAYER;
                    end else begin
                        j <= j + C_ONE;
                    end
                end
            endcase
        end
        S_SQ: begin
            // mean_j^2 into acc while E[x^2]_j is divided
            p1_v <= 1'b1;
            p1_sq <= 1'b1;
            p1_idx <= S_OFF[VIW-1:0] + j[VIW-1:0];
            state <= S_DIV_GO;
        end

        // -------------------------------------------------------------- layers
        S_LAYER: begin
            waddr_run <= l_woff;
            j <= {CNTW{1'b0}};
            state <= S_BIAS;
        end
        S_BIAS: begin
            wt_addr <= l_boff + {{(WADDR_W-CNTW){1'b0}}, j};
            p1_v <= 1'b1;
            p1_bias <= 1'b1;
            i <= {CNTW{1'b0}};
            state <= S_ISSUE;
        end
        S_ISSUE: begin
            wt_addr <= waddr_run;
            waddr_run <= waddr_run + 1'b1;
            p1_v <= 1'b1;
            p1_idx <= l_xbase + i[VIW-1:0];
            i <= i + C_ONE;
            if (i == l_nin - C_ONE) begin
                p1_last <= 1'b1;
                state <= S_WAIT;
            end
        end
        S_WAIT: begin
            if (acc_fin) begin
                state <= S_POST1;
            end
        end
        S_POST1: begin
            a_r <= a_sel;
            state <= S_POST2;
        end
        S_POST2: begin
            case (layer)
                L_GL1: vr[H_OFF + j] <= `TAISP_PRM_SX(XW, `TAISP_GLC_H1_W, `TAISP_GLC_H1_S, rqo_h1);
                L_RL3: vr[H_OFF + j] <= `TAISP_PRM_SX(XW, `TAISP_RGFC_H3_W, `TAISP_RGFC_H3_S, rqo_h3);
                L_GL2: zg[j[$clog2(NCH)-1:0]] <= rqo_zg;
                L_RL4: zr[j[$clog2(NREG)-1:0]] <= rqo_zr;
                default: begin
                    if (j == {CNTW{1'b0}}) begin
                        gl0 <= a_r[GD_W-2:0];
                    end else begin
                        gl1 <= a_r[GD_W-2:0];
                    end
                end
            endcase
            if (j == l_nout - C_ONE) begin
                j <= {CNTW{1'b0}};
                case (layer)
                    L_GL1: begin
                        layer <= L_GL2;
                        state <= S_LAYER;
                    end
                    L_GL2: begin
                        top <= T_ALPHA;
                        state <= S_T_SET;
                    end
                    L_HG: begin
                        top <= T_GATE;
                        state <= S_T_SET;
                    end
                    L_RL3: begin
                        layer <= L_RL4;
                        state <= S_LAYER;
                    end
                    default: begin
                        top <= T_W;
                        state <= S_T_SET;
                    end
                endcase
            end else begin
                j <= j + C_ONE;
                state <= S_BIAS;
            end
        end

        // -------------------------------------------------------------- tables
        S_T_SET: begin
            case (top)
                T_ALPHA: sp_in <= zg[j[$clog2(NCH)-1:0]];
                T_GATE:  sg_in <= rqo_zh;
                T_W:     sg_in <= zr[j[$clog2(NREG)-1:0]];
                default: rc_in <= w_n[j[$clog2(NREG)-1:0]];
            endcase
            tw <= C_TLAT - C_ONE;
            state <= S_T_WAIT;
        end
        S_T_WAIT: begin
            tw <= tw - C_ONE;
            if (tw == {CNTW{1'b0}}) begin
                state <= S_T_GET;
            end
        end
        S_T_GET: begin
            state <= S_T_SET;
            j <= j + C_ONE;
            case (top)
                T_ALPHA: begin
                    alpha_n[j[$clog2(NCH)-1:0]] <= rqo_alpha;
                    if (j == C_NCH - C_ONE) begin
                        layer <= L_HG;
                        state <= S_LAYER;
                    end
                end
                T_GATE: begin
                    gate0_n <= rqo_gate;
                    layer <= L_RL3;
                    state <= S_LAYER;
                end
                T_W: begin
                    w_n[j[$clog2(NREG)-1:0]] <= rqo_w;
                    if (j == C_NREG - C_ONE) begin
                        top <= T_INV;
                        j <= {CNTW{1'b0}};
                    end
                end
                default: begin
                    inv_n[j[$clog2(NREG)-1:0]] <= rc_out;
                    if (j == C_NREG - C_ONE) begin
                        state <= S_FIN;
                    end
                end
            endcase
        end
        S_FIN: begin
            for (k = 0; k < NCH; k = k + 1) begin
                alpha[k*ALPHA_W +: ALPHA_W] <= alpha_n[k];
            end
            gate <= {GATE_ONE - gate0_n, gate0_n};
            for (k = 0; k < NREG; k = k + 1) begin
                w[k*WO_W +: WO_W] <= w_n[k];
                inv_w[k*INV_W +: INV_W] <= inv_n[k];
            end
            done <= 1'b1;
            state <= S_IDLE;
        end
        default: begin
            state <= S_IDLE;
        end
    endcase

    if (rst) begin
        state <= S_IDLE;
        done <= 1'b0;
        p1_v <= 1'b0;
    end
end

endmodule

`undef TAISP_PRM_SX

`resetall
