// isp_tb_axil_master.vh: the AXI4-Lite master of the plain Verilog testbenches
// (sim/taisp/hdl/taisp_vectors_tb.v, sim/posisp/hdl/posisp_vectors_tb.v), included in the module
// body: the master's signals (s_axil_*, to connect to the block's slave port) and the tasks
// axil_write(addr, data) and axil_read(addr, data).
//
// The including module declares, before the include: clk; the localparams SAMPLE (ns after a
// falling edge at which the testbench samples the block), AXIL_ADDR_W (address bits) and TB_TAG
// (a string, the prefix of the testbench's log lines).
//
// Timing discipline (the same under every scheduler): the testbench changes its outputs just after
// a falling edge and samples the block SAMPLE ns later, when nothing moves; a handshake seen there
// is a transfer at the next rising edge. bready and rready are held high by the instantiation.

reg  [AXIL_ADDR_W-1:0] s_axil_awaddr = {AXIL_ADDR_W{1'b0}};
reg                    s_axil_awvalid = 1'b0;
wire                   s_axil_awready;
reg  [31:0]            s_axil_wdata = 32'd0;
reg                    s_axil_wvalid = 1'b0;
wire                   s_axil_wready;
wire [1:0]             s_axil_bresp;
wire                   s_axil_bvalid;
reg  [AXIL_ADDR_W-1:0] s_axil_araddr = {AXIL_ADDR_W{1'b0}};
reg                    s_axil_arvalid = 1'b0;
wire                   s_axil_arready;
wire [31:0]            s_axil_rdata;
wire [1:0]             s_axil_rresp;
wire                   s_axil_rvalid;

task axil_write;
    input [31:0] addr;
    input [31:0] data;
    begin
        @(negedge clk);
        s_axil_awaddr = addr[AXIL_ADDR_W-1:0];
        s_axil_wdata = data;
        s_axil_awvalid = 1'b1;
        s_axil_wvalid = 1'b1;
        #(SAMPLE);
        while (!(s_axil_awready && s_axil_wready)) begin
            @(negedge clk);
            #(SAMPLE);
        end
        @(negedge clk);                      // after the rising edge that took address and data
        s_axil_awvalid = 1'b0;
        s_axil_wvalid = 1'b0;
        #(SAMPLE);
        while (!s_axil_bvalid) begin
            @(negedge clk);
            #(SAMPLE);
        end
        if (s_axil_bresp != 2'b00) $display("%0s WARNING: write to 'h%0h answered %0d", TB_TAG, addr, s_axil_bresp);
    end
endtask

task axil_read;
    input  [31:0] addr;
    output [31:0] data;
    begin
        @(negedge clk);
        s_axil_araddr = addr[AXIL_ADDR_W-1:0];
        s_axil_arvalid = 1'b1;
        #(SAMPLE);
        while (!s_axil_arready) begin
            @(negedge clk);
            #(SAMPLE);
        end
        @(negedge clk);
        s_axil_arvalid = 1'b0;
        #(SAMPLE);
        while (!s_axil_rvalid) begin
            @(negedge clk);
            #(SAMPLE);
        end
        data = s_axil_rdata;
    end
endtask
