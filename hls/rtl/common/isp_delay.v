// TA-ISP: a DW-bit shift register of N stages that advances when ce is high (pipeline
// alignment of side-band data). Stages are reset to zero when RESET is 1 (for valid bits).

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_delay #
(
    // Bits per stage
    parameter DW = 1,
    // Number of stages (>= 1)
    parameter N = 1,
    // Clear the stages on rst (use for control bits only)
    parameter RESET = 0
)
(
    input  wire          clk,
    input  wire          rst,
    input  wire          ce,
    input  wire [DW-1:0] in,
    output wire [DW-1:0] out
);

initial begin
    if (N < 1) begin
        $error("isp_delay: N = %0d must be >= 1", N);
        $finish;
    end
end

reg [DW-1:0] sr [0:N-1];
integer i;
always @(posedge clk) begin
    if (ce) begin
        sr[0] <= in;
        for (i = 1; i < N; i = i + 1) begin
            sr[i] <= sr[i-1];
        end
    end
    if (RESET != 0 && rst) begin
        for (i = 0; i < N; i = i + 1) begin
            sr[i] <= {DW{1'b0}};
        end
    end
end

assign out = sr[N-1];

endmodule

`resetall
