// AXI4-Lite slave properties (sim/formal): a checker module, instantiated beside the slave
// under proof, that watches its ports. Master side (assumed): a valid stays high, with its
// address/data stable, until its ready; reset in the first cycle. Slave side (asserted):
//   one response per request: a write response (bvalid) only while a write (address and data
//     both accepted) is unanswered, at most one write unanswered, the response presented the
//     cycle after the request is taken (WR_LAT); the same for reads (rvalid; at most one
//     unanswered, rvalid within RD_MAX cycles of the request);
//   a response held until accepted: bvalid, bresp stable while bvalid && !bready; rvalid,
//     rdata, rresp stable while rvalid && !rready;
//   OKAY responses (bresp, rresp 0);
//   (of isp_axil, the one slave here) a write's address and data are taken in the same cycle.

`default_nettype none

module axil_slave_props #
(
    // address width (bits)
    parameter ADDR_W = 15,
    // the most cycles from a read request taken to rvalid
    parameter RD_MAX = 4
)
(
    input wire              clk,
    input wire              rst,
    input wire [ADDR_W-1:0] awaddr,
    input wire              awvalid,
    input wire              awready,
    input wire [31:0]       wdata,
    input wire              wvalid,
    input wire              wready,
    input wire [1:0]        bresp,
    input wire              bvalid,
    input wire              bready,
    input wire [ADDR_W-1:0] araddr,
    input wire              arvalid,
    input wire              arready,
    input wire [31:0]       rdata,
    input wire [1:0]        rresp,
    input wire              rvalid,
    input wire              rready
);

`ifdef FORMAL
reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;

// ------------------------------------------------------------- master (assumptions)
always @(*) if (!f_past) assume(rst);
always @(posedge clk) begin
    if (f_past && !$past(rst)) begin
        if ($past(awvalid && !awready)) assume(awvalid && $stable(awaddr));
        if ($past(wvalid && !wready)) assume(wvalid && $stable(wdata));
        if ($past(arvalid && !arready)) assume(arvalid && $stable(araddr));
    end
end

// ------------------------------------------------------------- bookkeeping
reg aw_seen = 1'b0, w_seen = 1'b0;   // address / data of the unanswered write taken
reg r_pend = 1'b0;                   // a read taken, not yet answered
reg [3:0] r_age = 4'd0;              // cycles since it was taken
wire w_pend = aw_seen && w_seen;
always @(posedge clk) begin
    if (rst) begin
        aw_seen <= 1'b0;
        w_seen <= 1'b0;
        r_pend <= 1'b0;
        r_age <= 4'd0;
    end else begin
        if (bvalid && bready) begin
            aw_seen <= 1'b0;
            w_seen <= 1'b0;
        end
        if (awvalid && awready) aw_seen <= 1'b1;
        if (wvalid && wready) w_seen <= 1'b1;
        if (rvalid && rready) r_pend <= 1'b0;
        if (arvalid && arready) begin
            r_pend <= 1'b1;
            r_age <= 4'd0;
        end else if (r_pend && r_age != 4'd15) begin
            r_age <= r_age + 4'd1;
        end
    end
end

// ------------------------------------------------------------- slave (assertions)
always @(posedge clk) begin
    if (f_past && !rst && !$past(rst)) begin
        // one response per request
        if (bvalid) assert(w_pend);
        if (w_pend) assert(bvalid);
        if (aw_seen) assert(!(awvalid && awready) || (bvalid && bready));
        if (w_seen) assert(!(wvalid && wready) || (bvalid && bready));
        assert(aw_seen == w_seen);            // isp_axil takes a write's address and data together
        if (rvalid) assert(r_pend);
        if (r_pend && !rvalid) assert(r_age < RD_MAX);
        if (r_pend) assert(!(arvalid && arready) || (rvalid && rready));
        // held until accepted
        if ($past(bvalid && !bready)) assert(bvalid && $stable(bresp));
        if ($past(rvalid && !rready)) assert(rvalid && $stable(rdata) && $stable(rresp));
        // OKAY
        if (bvalid) assert(bresp == 2'b00);
        if (rvalid) assert(rresp == 2'b00);
    end
end
`endif

endmodule

`default_nettype wire
