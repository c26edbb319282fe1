// TA-ISP: sequential floor division of a signed integer by a positive integer.
//
// quo = floor(num / den) (rounded toward minus infinity, as Python's //) for a two's
// complement num and an unsigned den > 0: the divider of the parameter engine, which
// forms div_round(a, b) = floor((2a + b) / 2b) of fixedpoint.common.div_round from it.
// Restoring division, one quotient bit per cycle: a negative numerator is divided as its
// one's complement m = ~num = -num - 1 >= 0, and floor(num / den) = ~floor(m / den).
// start is accepted while busy is low; done pulses for one cycle NUM_W - 1 cycles after the
// start edge, with quo valid (held until the next start). den = 0 gives an all-ones magnitude.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module isp_div #
(
    // Width of the numerator (two's complement) and of the quotient
    parameter NUM_W = 64,
    // Width of the denominator (unsigned)
    parameter DEN_W = 32
)
(
    input  wire             clk,
    input  wire             rst,   // synchronous, active high
    input  wire             start, // pulse: divide num by den (ignored while busy)
    input  wire [NUM_W-1:0] num,   // two's complement
    input  wire [DEN_W-1:0] den,   // unsigned, > 0
    output wire             busy,
    output reg              done,  // one-cycle pulse: quo is valid
    output reg  [NUM_W-1:0] quo    // floor(num / den), two's complement
);

// magnitude bits of the (one's complemented) numerator: one quotient bit each
localparam MW = NUM_W - 1;
// width of the iteration counter
localparam CNT_W = $clog2(MW + 1);
// iteration count as a counter value
localparam [CNT_W-1:0] ITER = MW[CNT_W-1:0];

initial begin
    if (NUM_W < 3 || DEN_W < 1) begin
        $error("isp_div: NUM_W %0d must be >= 3 and DEN_W %0d >= 1", NUM_W, DEN_W);
        $finish;
    end
end

reg             run;
reg [CNT_W-1:0] cnt;
reg             neg;
reg [MW-1:0]    qr;   // numerator bits still to shift out (top), quotient bits shifted in (bottom)
reg [DEN_W-1:0] rem;
reg [DEN_W-1:0] d;

// one restoring step: bring down the next numerator bit, subtract the divisor if it fits
wire [DEN_W:0] trial = {rem, qr[MW-1]};
wire           fits = trial >= {1'b0, d};
wire [DEN_W-1:0] diff = trial[DEN_W-1:0] - d;  // < d when fits: exact modulo 2^DEN_W

assign busy = run;

always @(posedge clk) begin
    done <= 1'b0;
    if (run) begin
        rem <= fits ? diff : trial[DEN_W-1:0];
        qr <= {qr[MW-2:0], fits};
        cnt <= cnt - 1'b1;
        if (cnt == 1) begin
            run <= 1'b0;
            done <= 1'b1;
            quo <= neg ? ~{1'b0, qr[MW-2:0], fits} : {1'b0, qr[MW-2:0], fits};
        end
    end else if (start) begin
        run <= 1'b1;
        cnt <= ITER;
        neg <= num[NUM_W-1];
        qr <= num[NUM_W-1] ? ~num[MW-1:0] : num[MW-1:0];
        rem <= {DEN_W{1'b0}};
        d <= den;
    end
    if (rst) begin
        run <= 1'b0;
        done <= 1'b0;
    end
end

endmodule

`resetall
