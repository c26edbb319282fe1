// TA-ISP: AXI4-Lite slave front end. Turns AXI4-Lite transactions into a simple register
// bus: a one-cycle write strobe with address and data, and a read strobe whose data the
// register file returns RD_LAT cycles later. One transaction at a time; OKAY responses.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_axil #
(
    // Address width (byte addresses)
    parameter ADDR_W = 15,
    // Cycles from reg_rd to valid reg_rdata (>= 1)
    parameter RD_LAT = 2
)
(
    input  wire              clk,
    input  wire              rst,

    input  wire [ADDR_W-1:0] s_axil_awaddr,
    input  wire [2:0]        s_axil_awprot,
    input  wire              s_axil_awvalid,
    output wire              s_axil_awready,
    input  wire [31:0]       s_axil_wdata,
    input  wire [3:0]        s_axil_wstrb,
    input  wire              s_axil_wvalid,
    output wire              s_axil_wready,
    output wire [1:0]        s_axil_bresp,
    output reg               s_axil_bvalid,
    input  wire              s_axil_bready,
    input  wire [ADDR_W-1:0] s_axil_araddr,
    input  wire [2:0]        s_axil_arprot,
    input  wire              s_axil_arvalid,
    output wire              s_axil_arready,
    output reg  [31:0]       s_axil_rdata,
    output wire [1:0]        s_axil_rresp,
    output reg               s_axil_rvalid,
    input  wire              s_axil_rready,

    output reg               reg_wr,
    output reg  [ADDR_W-1:0] reg_waddr,
    output reg  [31:0]       reg_wdata,
    output reg  [3:0]        reg_wstrb,
    output reg               reg_rd,
    output reg  [ADDR_W-1:0] reg_raddr,
    input  wire [31:0]       reg_rdata
);

initial begin
    if (RD_LAT < 1 || RD_LAT > 8) begin
        $error("isp_axil: RD_LAT %0d out of range 1..8", RD_LAT);
        $finish;
    end
end

/* verilator lint_off UNUSEDSIGNAL */
wire [5:0] unused_prot = {s_axil_awprot, s_axil_arprot};
/* verilator lint_on UNUSEDSIGNAL */

// write: address and data together
wire wr_go = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;
assign s_axil_awready = wr_go;
assign s_axil_wready = wr_go;
assign s_axil_bresp = 2'b00;

// read: one outstanding
reg [3:0] rd_cnt;
reg rd_busy;
assign s_axil_arready = !rd_busy && !s_axil_rvalid;
assign s_axil_rresp = 2'b00;

always @(posedge clk) begin
    reg_wr <= 1'b0;
    reg_rd <= 1'b0;
    if (wr_go) begin
        reg_wr <= 1'b1;
        reg_waddr <= s_axil_awaddr;
        reg_wdata <= s_axil_wdata;
        reg_wstrb <= s_axil_wstrb;
        s_axil_bvalid <= 1'b1;
    end else if (s_axil_bvalid && s_axil_bready) begin
        s_axil_bvalid <= 1'b0;
    end
    if (s_axil_arvalid && s_axil_arready) begin
        reg_rd <= 1'b1;
        reg_raddr <= s_axil_araddr;
        rd_busy <= 1'b1;
        rd_cnt <= RD_LAT[3:0];
    end else if (rd_busy) begin
        rd_cnt <= rd_cnt - 1'b1;
        if (rd_cnt == 4'd1) begin
            rd_busy <= 1'b0;
            s_axil_rvalid <= 1'b1;
            s_axil_rdata <= reg_rdata;
        end
    end
    if (s_axil_rvalid && s_axil_rready) begin
        s_axil_rvalid <= 1'b0;
    end
    if (rst) begin
        reg_wr <= 1'b0;
        reg_rd <= 1'b0;
        s_axil_bvalid <= 1'b0;
        s_axil_rvalid <= 1'b0;
        rd_busy <= 1'b0;
    end
end

endmodule

`resetall
