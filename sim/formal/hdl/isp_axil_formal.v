// Formal harness of isp_axil (the AXI4-Lite slave of taisp_regs and every ISP block;
// sim/formal): the slave with a free register-side read data and the AXI4-Lite checker
// axil_slave_props on its ports (RD_MAX = RD_LAT + 1).

`default_nettype none

module isp_axil_formal #
(
    // address width (bits)
    parameter ADDR_W = 15,
    // the slave's read latency (cycles)
    parameter RD_LAT = 2
)
(
    input  wire              clk,
    input  wire              rst,
    input  wire [ADDR_W-1:0] s_axil_awaddr,
    input  wire              s_axil_awvalid,
    input  wire [31:0]       s_axil_wdata,
    input  wire [3:0]        s_axil_wstrb,
    input  wire              s_axil_wvalid,
    input  wire              s_axil_bready,
    input  wire [ADDR_W-1:0] s_axil_araddr,
    input  wire              s_axil_arvalid,
    input  wire              s_axil_rready,
    input  wire [31:0]       reg_rdata
);

wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
wire [1:0] s_axil_bresp, s_axil_rresp;
wire [31:0] s_axil_rdata;
wire reg_wr, reg_rd;
wire [ADDR_W-1:0] reg_waddr, reg_raddr;
wire [31:0] reg_wdata;
wire [3:0] reg_wstrb;

isp_axil #(.ADDR_W(ADDR_W), .RD_LAT(RD_LAT)) dut (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(3'd0), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(3'd0), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .reg_wr(reg_wr), .reg_waddr(reg_waddr), .reg_wdata(reg_wdata), .reg_wstrb(reg_wstrb),
    .reg_rd(reg_rd), .reg_raddr(reg_raddr), .reg_rdata(reg_rdata)
);

axil_slave_props #(.ADDR_W(ADDR_W), .RD_MAX(RD_LAT + 1)) u_props (
    .clk(clk), .rst(rst),
    .awaddr(s_axil_awaddr), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
    .wdata(s_axil_wdata), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
    .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
    .araddr(s_axil_araddr), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
    .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready)
);

`ifdef FORMAL
always @(posedge clk) if (!rst) cover(s_axil_rvalid && s_axil_rready);
`endif

wire unused_ok = reg_wr | reg_rd | (|reg_waddr) | (|reg_raddr) | (|reg_wdata) | (|reg_wstrb);

endmodule

`default_nettype wire
