// POS-ISP contrast: L = rq(min(lum(x), 1), Fx + Fl, contrast.L) (posisp_luma), k = the per-frame
// contrast table at L (isp_ftable: the gain 1 - w + w (0.5 - 0.5 cos(pi L)) / (L + 1e-6) the
// driver writes), y_k = rq(x_k * k, Fx + Fk, chain.x) (fixedpoint/README.md, "POS-ISP" 7;
// fixedpoint.posisp.filters.contrast). AXI4-Stream in and out, one pixel per clock, full
// backpressure; latency 4 + ISP_TABLE_LATENCY (luma 2, table, products, requantization).

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"
`include "posisp_config.vh"

module posisp_contrast #
(
    // Folder of the generated tab_contrast_default.hex (the table's reset entries)
    parameter MEM_DIR = "."
)
(
    input  wire                                      clk,
    input  wire                                      rst,
    // the per-frame table's software port (isp_ftable): bank the pixels read, access to the other
    input  wire                                      tab_bank,
    input  wire                                      tab_en,
    input  wire                                      tab_we,
    input  wire [$clog2(`POSISP_TAB_CONTRAST_N)-1:0] tab_addr,
    input  wire [31:0]                               tab_wdata,
    output wire [31:0]                               tab_rdata,
    // pixels: 3 x chain.x, UG934 lanes (G low, then B, then R); tuser = SOF, tlast = EOL
    input  wire [3*`POSISP_CHAIN_X_W-1:0]            s_axis_tdata,
    input  wire                                      s_axis_tvalid,
    output wire                                      s_axis_tready,
    input  wire                                      s_axis_tlast,
    input  wire                                      s_axis_tuser,
    output wire [3*`POSISP_CHAIN_X_W-1:0]            m_axis_tdata,
    output wire                                      m_axis_tvalid,
    input  wire                                      m_axis_tready,
    output wire                                      m_axis_tlast,
    output wire                                      m_axis_tuser,
    // requantizations of the beat on m_axis that saturated
    output wire [3:0]                                m_axis_sat
);

// chain.x, contrast.L, contrast.k
localparam XW = `POSISP_CHAIN_X_W;
localparam XF = `POSISP_CHAIN_X_F;
localparam LW = `POSISP_CONTRAST_L_W;
localparam KW = `POSISP_CONTRAST_K_W;
localparam KF = `POSISP_CONTRAST_K_F;
// the stages before the products: luma (2) and the table
localparam TL = `ISP_TABLE_LATENCY;
localparam PRE = 2 + TL;
// pipeline depth: luma, table, products, requantization
localparam LAT = PRE + 2;
// a product x * k (unsigned) with a sign bit for the requantizer
localparam PW = XW + KW;
localparam EW = PW + 1;

initial begin
    if (`POSISP_TAB_CONTRAST_IN_W != LW || `POSISP_TAB_CONTRAST_IN_F != `POSISP_CONTRAST_L_F ||
        `POSISP_TAB_CONTRAST_OUT_W != KW || `POSISP_TAB_CONTRAST_OUT_F != KF || `POSISP_CONTRAST_K_S != 0) begin
        $error("posisp_contrast: the contrast table must map contrast.L to contrast.k (unsigned)");
        $finish;
    end
end

wire ce;
isp_stream_pipe #(.LAT(LAT), .SIDE_W(2)) u_pipe (
    .clk(clk), .rst(rst), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_side({s_axis_tlast, s_axis_tuser}), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_side({m_axis_tlast, m_axis_tuser}), .ce(ce)
);

// stages 1-2: L
wire [LW-1:0] L;
wire L_ovf;
posisp_luma #(.KW(`POSISP_CONST_LUM_W), .KF(`POSISP_CONST_LUM_F), .K_R(`POSISP_LUM_R), .K_G(`POSISP_LUM_G),
              .K_B(`POSISP_LUM_B), .CLAMP_IN(0), .CLAMP_SUM(1), `POSISP_RQ_CONTRAST_L_PARAMS) u_luma (
    .clk(clk), .ce(ce), .x(s_axis_tdata), .y(L), .ovf(L_ovf)
);

// stages 3..2+TL: k = contrast(L)
wire [KW-1:0] k;
isp_ftable #(`POSISP_TAB_CONTRAST_PARAMS, .INIT_FILE({MEM_DIR, "/tab_contrast_default.hex"}), .NRD(1)) u_tab (
    .clk(clk), .ce(ce), .in(L), .out(k),
    .tab_bank(tab_bank), .tab_en(tab_en), .tab_we(tab_we), .tab_addr(tab_addr), .tab_wdata(tab_wdata),
    .tab_rdata(tab_rdata)
);

// the pixel and L's saturation beside them
wire [3*XW-1:0] xd;
wire L_ovf_d;
isp_delay #(.DW(3*XW), .N(PRE)) u_x (.clk(clk), .rst(rst), .ce(ce), .in(s_axis_tdata), .out(xd));
isp_delay #(.DW(1), .N(TL + 1)) u_ovf (.clk(clk), .rst(rst), .ce(ce), .in(L_ovf), .out(L_ovf_d));

// stage PRE+1: the products
reg [3*EW-1:0] p;
genvar l;
generate
    for (l = 0; l < 3; l = l + 1) begin : g_lane
        wire [PW-1:0] xe = {{KW{1'b0}}, xd[l*XW +: XW]};
        wire [PW-1:0] ke = {{XW{1'b0}}, k};
        always @(posedge clk) begin
            if (ce) begin
                p[l*EW +: EW] <= {1'b0, xe * ke};
            end
        end
    end
endgenerate

// stage PRE+2: requantization
posisp_out3 #(.IN_W(EW), .IN_F(XF + KF), .CLAMP(0)) u_out (
    .clk(clk), .ce(ce), .in(p), .sat_in({3'd0, L_ovf_d}), .y(m_axis_tdata), .sat(m_axis_sat)
);

endmodule

`resetall
