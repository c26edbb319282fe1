// POS-ISP saturation: the float model's HSV round trip in one reciprocal (fixedpoint/README.md,
// "POS-ISP" 8; fixedpoint.posisp.filters.saturation). With c_k = min(x_k, 1), V = max c,
// m = min c, d = V - m, G = rq(K08 * min(V, 1 - V)) (saturation.g):
//   grey (d = 0): delta = (0, rq(V G), rq(V G)) for (R, G, B) (saturation.delta);
//   else inv = sat_recip(d) (build-time table, saturation.inv), mg = rq(m G) (saturation.mg),
//        t_k = min(rq((V - c_k) inv), 1) (saturation.t), delta_k = rq(t_k mg) (saturation.delta);
// E_k = c_k * 2^(Fa + Fdelta - Fc) - SAT_A * delta_k clamped to [0, 1], y_k = rq(E_k, Fa + Fdelta, chain.x).
// The saturation count of a pixel holds the requantizations the model counts for it (G, then
// the grey or the coloured branch, then the outputs). AXI4-Stream in and out, one pixel per
// clock, full backpressure; latency 11 (every product and every requantization a stage of its own).

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
localparam LAT = 11;

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

// Every product has a stage of its own and its requantization the next one (the logic between
// registers stays one multiplier or one requantizer deep).

// ---------------------------------------------------------------- stage 3: K08 * min(V, 1 - V)
reg [GPW-1:0] gp3;
reg [CW-1:0] V3, m3;
reg grey3;
reg [3*CW-1:0] c3;
always @(posedge clk) begin
    if (ce) begin
        gp3 <= {{(GPW-KW){1'b0}}, K08} * {{(GPW-CW){1'b0}}, h2};
        V3 <= V2;
        m3 <= m2;
        grey3 <= d2 == {CW{1'b0}};
        c3 <= c2;
    end
end

// ---------------------------------------------------------------- stage 4: G
wire [GW-1:0] G_q;
wire G_ovf;
isp_rq #(.IN_W(GPW), .IN_F(KF + CF), `POSISP_RQ_SATURATION_G_PARAMS) u_rq_g (.in(gp3), .out(G_q), .ovf(G_ovf));
reg [GW-1:0] G4;
reg [CW-1:0] V4, m4;
reg grey4, eg4;
reg [3*CW-1:0] c4;
always @(posedge clk) begin
    if (ce) begin
        G4 <= G_q;
        eg4 <= G_ovf;
        V4 <= V3;
        m4 <= m3;
        grey4 <= grey3;
        c4 <= c3;
    end
end

// ---------------------------------------------------------------- stage 5: m G, V G, V - c
reg [MPW-1:0] mG5, VG5;
reg [3*CW-1:0] diff5, c5;
reg grey5, eg5;
always @(posedge clk) begin
    if (ce) begin
        mG5 <= {{(MPW-CW){1'b0}}, m4} * {{(MPW-GW){1'b0}}, G4};
        VG5 <= {{(MPW-CW){1'b0}}, V4} * {{(MPW-GW){1'b0}}, G4};
        c5 <= c4;
        grey5 <= grey4;
        eg5 <= eg4;
    end
end
generate
    for (l = 0; l < 3; l = l + 1) begin : g_diff
        always @(posedge clk) begin
            if (ce) begin
                diff5[l*CW +: CW] <= V4 - c4[l*CW +: CW];
            end
        end
    end
endgenerate

// ---------------------------------------------------------------- stage 6: mg, vg; (V - c) inv
wire [MGW-1:0] mg_q;
wire [DW-1:0] vg_q;
wire mg_ovf, vg_ovf;
isp_rq #(.IN_W(MPW), .IN_F(CF + GF), `POSISP_RQ_SATURATION_MG_PARAMS) u_rq_mg (.in(mG5), .out(mg_q), .ovf(mg_ovf));
isp_rq #(.IN_W(MPW), .IN_F(CF + GF), `POSISP_RQ_SATURATION_DELTA_PARAMS) u_rq_vg (.in(VG5), .out(vg_q), .ovf(vg_ovf));
reg [MGW-1:0] mg6;
reg [DW-1:0] vg6;
reg emg6, evg6, grey6, eg6;
reg [3*TPW-1:0] tp6;
reg [3*CW-1:0] c6;
always @(posedge clk) begin
    if (ce) begin
        mg6 <= mg_q;
        vg6 <= vg_q;
        emg6 <= mg_ovf;
        evg6 <= vg_ovf;
        c6 <= c5;
        grey6 <= grey5;
        eg6 <= eg5;
    end
end
generate
    for (l = 0; l < 3; l = l + 1) begin : g_tp
        always @(posedge clk) begin
            if (ce) begin
                tp6[l*TPW +: TPW] <= {{(TPW-CW){1'b0}}, diff5[l*CW +: CW]} * {{(TPW-IW){1'b0}}, inv};
            end
        end
    end
endgenerate

// ---------------------------------------------------------------- stage 7: t = min(rq((V - c) inv), 1)
reg [3*TW-1:0] t7;
reg [2:0] et7;
reg [MGW-1:0] mg7;
reg [DW-1:0] vg7;
reg emg7, evg7, grey7, eg7;
reg [3*CW-1:0] c7;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_t
        wire [TW-1:0] t_q;
        wire t_ovf;
        isp_rq #(.IN_W(TPW), .IN_F(CF + IF), `POSISP_RQ_SATURATION_T_PARAMS) u_rq_t (
            .in(tp6[l*TPW +: TPW]), .out(t_q), .ovf(t_ovf)
        );
        always @(posedge clk) begin
            if (ce) begin
                t7[l*TW +: TW] <= t_q > ONE_T ? ONE_T : t_q;
                et7[l] <= t_ovf;
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        mg7 <= mg6;
        vg7 <= vg6;
        emg7 <= emg6;
        evg7 <= evg6;
        grey7 <= grey6;
        eg7 <= eg6;
        c7 <= c6;
    end
end

// ---------------------------------------------------------------- stage 8: t mg
reg [3*DPW-1:0] dp8;
reg [DW-1:0] vg8;
reg grey8;
reg [3:0] n8;
reg [3*CW-1:0] c8;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_dp
        always @(posedge clk) begin
            if (ce) begin
                dp8[l*DPW +: DPW] <= {{(DPW-TW){1'b0}}, t7[l*TW +: TW]} * {{(DPW-MGW){1'b0}}, mg7};
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        vg8 <= vg7;
        grey8 <= grey7;
        // the count so far: G, then the grey branch (V G) or the coloured one (m G, the t_k)
        n8 <= {3'd0, eg7} + (grey7 ? {3'd0, evg7}
                                   : {3'd0, emg7} + {3'd0, et7[0]} + {3'd0, et7[1]} + {3'd0, et7[2]});
        c8 <= c7;
    end
end

// ---------------------------------------------------------------- stage 9: delta
reg [3*DW-1:0] dl9;
reg [3:0] n9;
reg [3*CW-1:0] c9;
wire [2:0] ed;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_delta
        wire [DW-1:0] d_q;
        isp_rq #(.IN_W(DPW), .IN_F(TF + MGF), `POSISP_RQ_SATURATION_DELTA_PARAMS) u_rq_d (
            .in(dp8[l*DPW +: DPW]), .out(d_q), .ovf(ed[l])
        );
        // grey: R (lane 2) 0, G and B V G
        wire [DW-1:0] grey_d = (l == 2) ? {DW{1'b0}} : vg8;
        always @(posedge clk) begin
            if (ce) begin
                dl9[l*DW +: DW] <= grey8 ? grey_d : d_q;
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        n9 <= n8 + (grey8 ? 4'd0 : {3'd0, ed[0]} + {3'd0, ed[1]} + {3'd0, ed[2]});
        c9 <= c8;
    end
end

// ---------------------------------------------------------------- stage 10: SAT_A * delta
reg [3*APW-1:0] p10;
reg [3*CW-1:0] c10;
reg [3:0] n10;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_blend
        always @(posedge clk) begin
            if (ce) begin
                p10[l*APW +: APW] <= {{(APW-AW){1'b0}}, sat_a} * {{(APW-DW){1'b0}}, dl9[l*DW +: DW]};
            end
        end
    end
endgenerate
always @(posedge clk) begin
    if (ce) begin
        c10 <= c9;
        n10 <= n9;
    end
end

// ---------------------------------------------------------------- stage 11: E, clamp, requantize
wire [3*EW-1:0] e11;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_e
        wire [EW-1:0] cs = {{(EW-CW){1'b0}}, c10[l*CW +: CW]} << SHC;
        assign e11[l*EW +: EW] = cs - {{(EW-APW){1'b0}}, p10[l*APW +: APW]};
    end
endgenerate
posisp_out3 #(.IN_W(EW), .IN_F(AF + DF), .CLAMP(1)) u_out (
    .clk(clk), .ce(ce), .in(e11), .sat_in(n10), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
