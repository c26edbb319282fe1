// POS-ISP saturation: the float model's HSV round trip in one reciprocal (fixedpoint/README.md,
// "POS-ISP" 8; fixedpoint.posisp.filters.saturation). With c_k = min(x_k, 1), V = max c,
// m = min c, d = V - m, G = rq(K08 * min(V, 1 - V)) (saturation.g):
//   grey (d = 0): delta = (0, rq(V G), rq(V G)) for (R, G, B) (saturation.delta);
//   else inv = sat_recip(d) (build-time table, saturation.inv), mg = rq(m G) (saturation.mg),
//        t_k = min(rq((V - c_k) inv), 1) (saturation.t), delta_k = rq(t_k mg) (saturation.delta);
// E_k = c_k * 2^(Fa + Fdelta - Fc) - SAT_A * delta_k clamped to [0, 1], y_k = rq(E_k, Fa + Fdelta, chain.x).
// The saturation count of a pixel holds the requantizations the model counts for it (G, then
// the grey or the coloured branch, then the outputs). AXI4-Stream in and out, one pixel per
// clock, full backpressure; latency 9.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"
`include "posisp_config.vh"

module posisp_saturation #
(
    // Folder of the generated tab_sat_recip.hex
    parameter MEM_DIR = "."
)
(
    input  wire                           clk,
    input  wire                           rst,
    // SAT_A: raw saturation.a (the blend)
    input  wire [`POSISP_SATURATION_A_W-1:0] sat_a,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0] s_axis_tdata,
    input  wire                           s_axis_tvalid,
    output wire                           s_axis_tready,
    input  wire                           s_axis_tlast,
    input  wire                           s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0] m_axis_tdata,
    output wire                           m_axis_tvalid,
    input  wire                           m_axis_tready,
    output wire                           m_axis_tlast,
    output wire                           m_axis_tuser,
    // requantizations of the beat on m_axis that saturated
    output wire [3:0]                     m_axis_sat
);

// chain.x and the saturation entries
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam [XW-1:0] ONE_X = `POSISP_CHAIN_X_ONE;
localparam CW = `POSISP_SATURATION_C_W;
localparam CF = `POSISP_SATURATION_C_F;
localparam GW = `POSISP_SATURATION_G_W;
localparam GF = `POSISP_SATURATION_G_F;
localparam MGW = `POSISP_SATURATION_MG_W;
localparam MGF = `POSISP_SATURATION_MG_F;
localparam TW = `POSISP_SATURATION_T_W;
localparam TF = `POSISP_SATURATION_T_F;
localparam [TW-1:0] ONE_T = `POSISP_SATURATION_T_ONE;
localparam DW = `POSISP_SATURATION_DELTA_W;
localparam DF = `POSISP_SATURATION_DELTA_F;
localparam IW = `POSISP_SATURATION_INV_W;
localparam IF = `POSISP_SATURATION_INV_F;
localparam AW = `POSISP_SATURATION_A_W;
localparam AF = `POSISP_SATURATION_A_F;
localparam KW = `POSISP_CONST_K08_W;
localparam KF = `POSISP_CONST_K08_F;
localparam [KW-1:0] K08 = `POSISP_K08;
// c's shift onto E's scale
localparam SHC = AF + DF - CF;
// exact products (unsigned) with a sign bit for the requantizers
localparam GPW = KW + CW + 1;
localparam MPW = CW + GW + 1;
localparam TPW = CW + IW + 1;
localparam DPW = TW + MGW + 1;
localparam APW = AW + DW;
// E = (c << SHC) - a * delta (signed)
localparam EW = (CW + SHC > APW ? CW + SHC : APW) + 2;
localparam TL = `ISP_TABLE_LATENCY;
// pipeline depth
localparam LAT = 9;

initial begin
    if (CF != XF || (ONE_X >> CW) != 0 || SHC < 0 || TL != 3) begin
        $error("posisp_saturation: needs saturation.c with chain.x's fraction and room for 1.0, saturation.a + delta fractions >= c's, a 3-stage table");
        $finish;
    end
    if (`POSISP_TAB_SAT_RECIP_IN_W != CW || `POSISP_TAB_SAT_RECIP_IN_F != CF || `POSISP_TAB_SAT_RECIP_OUT_W != IW ||
        `POSISP_TAB_SAT_RECIP_OUT_F != IF) begin
        $error("posisp_saturation: the sat_recip table must map saturation.c to saturation.inv");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

// ---------------------------------------------------------------- stage 1: c = min(x, 1)
reg [3*CW-1:0] c1;
genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_c
        wire [XW-1:0] x = s_axis_tdata[l*XW +: XW];
        // min(x, 1) <= 1.0 fits saturation.c (checked above)
        /* verilator lint_off UNUSEDSIGNAL */
        wire [XW-1:0] cx = x > ONE_X ? ONE_X : x;
        /* verilator lint_on UNUSEDSIGNAL */
        always @(posedge clk) begin
            if (ce) begin
                c1[l*CW +: CW] <= cx[CW-1:0];
            end
        end
    end
endgenerate

// ---------------------------------------------------------------- stage 2: V, m, d, min(V, 1 - V)
wire [CW-1:0] ca = c1[0 +: CW], cb = c1[CW +: CW], cc = c1[2*CW +: CW];
wire [CW-1:0] vmax = (ca > cb) ? ((ca > cc) ? ca : cc) : ((cb > cc) ? cb : cc);
wire [CW-1:0] vmin = (ca < cb) ? ((ca < cc) ? ca : cc) : ((cb < cc) ? cb : cc);
wire [CW-1:0] one_c = ONE_X[CW-1:0];
wire [CW-1:0] vrest = one_c - vmax;
reg [CW-1:0] V2, m2, d2, h2;
reg [3*CW-1:0] c2;
always @(posedge clk) begin
    if (ce) begin
        V2 <= vmax;
        m2 <= vmin;
        d2 <= vmax - vmin;
        h2 <= (vmax < vrest) ? vmax : vrest;
        c2 <= c1;
    end
end

// inv = 1 / d, ready beside the stage-5 registers
wire [IW-1:0] inv;
isp_table #(`POSISP_TAB_SAT_RECIP_PARAMS, .INIT_FILE({MEM_DIR, "/tab_sat_recip.hex"})) u_recip (
    .clk(clk), .ce(ce), .in(d2), .out(inv)
);

// ---------------------------------------------------------------- stage 3: G
wire [GPW-1:0] gp = {{(GPW-KW){1'b0}}, K08} * {{(GPW-CW){1'b0}}, h2};
wire [GW-1:0] G_q;
wire G_ovf;
isp_rq #(.IN_W(GPW), .IN_F(KF + CF), `POSISP_RQ_SATURATION_G_PARAMS) u_rq_g (.in(gp), .out(G_q), .ovf(G_ovf));
reg [GW-1:0] G3;
reg [CW-1:0] V3, m3;
reg grey3, eg3;
reg [3*CW-1:0] c3;
always @(posedge clk) begin
    if (ce) begin
        G3 <= G_q;
        eg3 <= G_ovf;
        V3 <= V2;
        m3 <= m2;
        grey3 <= d2 == {CW{1'b0}};
        c3 <= c2;
    end
end

// ---------------------------------------------------------------- stage 4: m G, V G, V - c
reg [MPW-1:0] mG4, VG4;
reg [3*CW-1:0] diff4, c4;
reg grey4, eg4;
always @(posedge clk) begin
    if (ce) begin
        mG4 <= {{(MPW-CW){1'b0}}, m3} * {{(MPW-GW){1'b0}}, G3};
        VG4 <= {{(MPW-CW){1'b0}}, V3} * {{(MPW-GW){1'b0}}, G3};
        c4 <= c3;
        grey4 <= grey3;
        eg4 <= eg3;
    end
end
generate
    for (l = 0; l < 3; l = l + 1) begin : g_diff
        always @(posedge clk) begin
            if (ce) begin
                diff4[l*CW +: CW] <= V3 - c3[l*CW +: CW];
            end
        end
    end
endgenerate

// ---------------------------------------------------------------- stage 5: mg, vg
wire [MGW-1:0] mg_q;
wire [DW-1:0] vg_q;
wire mg_ovf, vg_ovf;
isp_rq #(.IN_W(MPW), .IN_F(CF + GF), `POSISP_RQ_SATURATION_MG_PARAMS) u_rq_mg (.in(mG4), .out(mg_q), .ovf(mg_ovf));
isp_rq #(.IN_W(MPW), .IN_F(CF + GF), `POSISP_RQ_SATURATION_DELTA_PARAMS) u_rq_vg (.in(VG4), .out(vg_q), .ovf(vg_ovf));
reg [MGW-1:0] mg5;
reg [DW-1:0] vg5;
reg emg5, evg5, grey5, eg5;
reg [3*CW-1:0] diff5, c5;
always @(posedge clk) begin
    if (ce) begin
        mg5 <= mg_q;
        vg5 <= vg_q;
        emg5 <= mg_ovf;
        evg5 <= vg_ovf;
        diff5 <= diff4;
        c5 <= c4;
        grey5 <= grey4;
        eg5 <= eg4;
    end
end

// ---------------------------------------------------------------- stage 6: t = min(rq((V - c) inv), 1)
reg [3*TW-1:0] t6;
reg [2:0] et6;
reg [MGW-1:0] mg6;
reg [DW-1:0] vg6;
reg emg6, evg6, grey6, eg6;
reg [3*CW-1:0] c6;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_t
        wire [TPW-1:0] tp = {{(TPW-CW){1'b0}}, diff5[l*CW +: CW]} * {{(TPW-IW){1'b0}}, inv};
        wire [TW-1:0] t_q;
        wire t_ovf;
        isp_rq #(.IN_W(TPW), .IN_F(CF + IF), `POSISP_RQ_SATURATION_T_PARAMS) u_rq_t (.in(tp), .out(t_q), .ovf(t_ovf));
        always @(posedge clk) begin
            if (ce) begin
                t6[l*TW +: TW] <= t_q > ONE_T ? ONE_T : t_q;
                et6[l] <= t_ovf;
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        mg6 <= mg5;
        vg6 <= vg5;
        emg6 <= emg5;
        evg6 <= evg5;
        grey6 <= grey5;
        eg6 <= eg5;
        c6 <= c5;
    end
end

// ---------------------------------------------------------------- stage 7: delta and the count so far
reg [3*DW-1:0] dl7;
reg [3*CW-1:0] c7;
reg [3:0] n7;
wire [2:0] ed_now;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_delta
        wire [DPW-1:0] dp = {{(DPW-TW){1'b0}}, t6[l*TW +: TW]} * {{(DPW-MGW){1'b0}}, mg6};
        wire [DW-1:0] d_q;
        isp_rq #(.IN_W(DPW), .IN_F(TF + MGF), `POSISP_RQ_SATURATION_DELTA_PARAMS) u_rq_d (.in(dp), .out(d_q), .ovf(ed_now[l]));
        // grey: R (lane 2) 0, G and B V G
        wire [DW-1:0] grey_d = (l == 2) ? {DW{1'b0}} : vg6;
        always @(posedge clk) begin
            if (ce) begin
                dl7[l*DW +: DW] <= grey6 ? grey_d : d_q;
            end
        end
    end
endgenerate
wire [3:0] n_col = {3'd0, emg6} + {3'd0, et6[0]} + {3'd0, et6[1]} + {3'd0, et6[2]}
                 + {3'd0, ed_now[0]} + {3'd0, ed_now[1]} + {3'd0, ed_now[2]};
always @(posedge clk) begin
    if (ce) begin
        c7 <= c6;
        n7 <= {3'd0, eg6} + (grey6 ? {3'd0, evg6} : n_col);
    end
end

// ---------------------------------------------------------------- stage 8: SAT_A * delta
reg [3*APW-1:0] p8;
reg [3*CW-1:0] c8;
reg [3:0] n8;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_blend
        always @(posedge clk) begin
            if (ce) begin
                p8[l*APW +: APW] <= {{(APW-AW){1'b0}}, sat_a} * {{(APW-DW){1'b0}}, dl7[l*DW +: DW]};
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        c8 <= c7;
        n8 <= n7;
    end
end

// ---------------------------------------------------------------- stage 9: E, clamp, requantize
wire [3*EW-1:0] e9;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_e
        wire [EW-1:0] cs = {{(EW-CW){1'b0}}, c8[l*CW +: CW]} << SHC;
        assign e9[l*EW +: EW] = cs - {{(EW-APW){1'b0}}, p8[l*APW +: APW]};
    end
endgenerate
posisp_out3 #(.IN_W(EW), .IN_F(AF + DF), .CLAMP(1)) u_out (
    .clk(clk), .ce(ce), .in(e9), .sat_in(n8), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
