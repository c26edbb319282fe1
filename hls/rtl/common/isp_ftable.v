// A per-frame function table (LUT or piecewise linear): isp_table's evaluation (same segment
// map and interpolation, isp_table_fn.vh; same generated parameter list), the Verilog twin of
// fixedpoint.arith.tables.FunctionTable.evaluate on entries that software writes each frame.
//
// Entries live in two banks of N entries. The pixel path reads bank tab_bank (the bank value
// is taken with the input, in the first pipeline stage, and travels with the lookup); software
// reads and writes the other bank through the tab_* port: tab_en && tab_we writes tab_wdata's
// low OUT_W bits into entry tab_addr, tab_en && !tab_we reads entry tab_addr into tab_rdata one
// clock later (sign-extended when OUT_S, zero-extended otherwise; held until the next access).
// Addresses >= N are ignored (read as 0). The software port works whether ce is high or low.
// With SW_RD 0 the instance is a write-only copy: no read register, tab_rdata reads 0.
// Both banks start with the INIT_FILE contents (the driver's output for the default parameters,
// tab_<name>_default.hex, generated).
//
// Memory: per read-port copy, two block RAMs holding both banks (the bank is the address's top
// bit): y0's, read at entry idx, and (PWL) y1's, a second copy read at idx + 1. Port A of each
// is the pixel path's, port B software's (writes go to both; reads come from y0's), so the two
// never contend: software may access its bank at any time (a lookup of the old bank still in
// stage 1 right after a swap reads what software writes there meanwhile: swap between frames).
//
// NRD read ports: in/out hold NRD inputs/outputs side by side (port k in bits
// [k*IN_W +: IN_W] / [k*OUT_W +: OUT_W]); each port has its own copy of both banks, all
// written together.
//
// Pipelined: LATENCY = `ISP_TABLE_LATENCY (isp_defs.vh) cycles, advancing when ce is high,
// exactly as isp_table. Instantiate with the generated parameter list of a per-frame table:
//   isp_ftable #(`POSISP_TAB_GAMMA_PARAMS, .INIT_FILE({MEM_DIR, "/tab_gamma_default.hex"})) u (...);

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "isp_defs.vh"

module isp_ftable #
(
    // Number of entries per bank
    parameter N = 2049,
    // Input width
    parameter IN_W = 16,
    // Input is signed
    parameter IN_S = 1,
    // Output (entry) width
    parameter OUT_W = 16,
    // Output is signed
    parameter OUT_S = 0,
    // Segmentation: 0 uniform, 1 pow2 (octaves)
    parameter SEG = 0,
    // uniform: log2 of the segment width; pow2: log2 of the segments per octave
    parameter PARAM = 5,
    // Piecewise linear (1) or plain lookup (0)
    parameter PWL = 1,
    // Rounding of the interpolation (codes of isp_round.vh, as isp_rq)
    parameter RND = 2,
    // Positive-domain function: inputs <= 0 give ZVAL
    parameter ZCHK = 0,
    // Output for inputs <= 0 when ZCHK (two's complement bit pattern; the generated lists give
    // an unsized decimal, which may exceed 31 bits)
    /* verilator lint_off WIDTHEXPAND */
    parameter [63:0] ZVAL = 0,
    /* verilator lint_on WIDTHEXPAND */
    // Segments on each side of zero (pow2, signed inputs)
    parameter NSIDE = 0,
    // $readmemh file with the N reset entries of both banks
    parameter INIT_FILE = "tab.hex",
    // Number of read ports (inputs evaluated per clock)
    parameter NRD = 1,
    // Software reads through this instance (1) or it is a write-only copy (0: tab_rdata reads 0;
    // for a table split into one instance per read port, one of them reading)
    parameter SW_RD = 1,
    // Width of the software address (at least $clog2(N))
    parameter AW = $clog2(N)
)
(
    input  wire                 clk,
    input  wire                 ce,
    input  wire [NRD*IN_W-1:0]  in,
    output wire [NRD*OUT_W-1:0] out,
    // the bank the pixel path reads; software accesses the other one
    input  wire                 tab_bank,
    input  wire                 tab_en,
    input  wire                 tab_we,
    input  wire [AW-1:0]        tab_addr,
    // the entry in the low OUT_W bits (the rest is ignored)
    /* verilator lint_off UNUSEDSIGNAL */
    input  wire [31:0]          tab_wdata,
    /* verilator lint_on UNUSEDSIGNAL */
    output reg  [31:0]          tab_rdata
);

`include "isp_round.vh"

// pipeline depth (ISP_TABLE_LATENCY of isp_defs.vh): segment map, table read, interpolation
localparam LATENCY = `ISP_TABLE_LATENCY;
localparam STAGES = 3;
// width of the segment index (and of the pixel-side memory address): indexes 0 .. N-1
localparam IW = N > 1 ? $clog2(N) : 1;
// entries per bank in the memories (a power of two: the bank is the address's top bit)
localparam NP = 1 << IW;
// the last entry's index
localparam integer LAST_I = N - 1;
localparam [IW-1:0] LAST = LAST_I[IW-1:0];
// width of a shift amount
localparam SW = $clog2(IN_W + 1);
// width of the interpolation product
localparam PW = OUT_W + 2 + IN_W;

initial begin
    if (LATENCY != STAGES) begin
        $error("isp_ftable: ISP_TABLE_LATENCY %0d does not match the %0d pipeline stages", LATENCY, STAGES);
        $finish;
    end
    if (RND < 0 || RND > 6) begin
        $error("isp_ftable: unknown rounding mode %0d", RND);
        $finish;
    end
    if (SEG == 0 && PARAM >= IN_W) begin
        $error("isp_ftable: uniform segment shift %0d does not fit a %0d-bit input", PARAM, IN_W);
        $finish;
    end
    if (OUT_W > 32 || IN_W > 62) begin
        $error("isp_ftable: entries over 32 bits (the software port) or inputs over 62 bits are not supported");
        $finish;
    end
    if (NRD < 1) begin
        $error("isp_ftable: NRD = %0d read ports, need at least 1", NRD);
        $finish;
    end
    if (AW < IW || AW > 31) begin
        $error("isp_ftable: software address width %0d does not address %0d entries", AW, N);
        $finish;
    end
end

// the segment map and the interpolation (isp_table_map, isp_table_interp), shared with isp_table
`include "isp_table_fn.vh"

// ---------------------------------------------------------------- software port
wire sw_hit = {{(32-AW){1'b0}}, tab_addr} < N;
wire sw_en = tab_en && sw_hit;
// software's entry in the memories: the other bank
wire [IW:0] sw_a = {!tab_bank, tab_addr[IW-1:0]};
// the software read: copy 0's port B
wire [OUT_W-1:0] sw_q;
reg sw_ok;

// the bank of the lookup in stage 1 (the same in every copy)
reg bank1;
always @(posedge clk) begin
    if (ce) begin
        bank1 <= tab_bank;
    end
end

genvar k;
generate
    for (k = 0; k < NRD; k = k + 1) begin : g_port
        // ------------------------------------------------------------ stage 1: segment map
        reg [IW-1:0] idx;
        reg [SW-1:0] s;
        reg [IN_W-1:0] r1;
        reg zero1;
        always @(posedge clk) begin
            if (ce) begin
                {zero1, r1, s, idx} <= isp_table_map(in[k*IN_W +: IN_W]);
            end
        end

        // ------------------------------------------------------------ stage 2: read y0, y1
        // PWL reads entries idx and idx + 1 (idx < N - 1 there; clamped at N - 1)
        /* verilator lint_off UNUSEDSIGNAL */
        wire [IW-1:0] idx_next = (idx == LAST) ? idx : idx + {{(IW-1){1'b0}}, 1'b1};
        /* verilator lint_on UNUSEDSIGNAL */
        reg [SW-1:0] s2;
        reg [IN_W-1:0] r2;
        reg zero2;
        always @(posedge clk) begin
            if (ce) begin
                s2 <= s;
                r2 <= r1;
                zero2 <= zero1;
            end
        end
        // y0: both banks of the table, bank in the address's top bit; port A the pixel path's,
        // port B software's
        reg [OUT_W-1:0] mem_lo [0:2*NP-1];
        initial begin
            $readmemh(INIT_FILE, mem_lo, 0, N - 1);
            $readmemh(INIT_FILE, mem_lo, NP, NP + N - 1);
        end
        reg [OUT_W-1:0] y0;
        always @(posedge clk) begin
            if (ce) begin
                y0 <= mem_lo[{bank1, idx}];
            end
        end
        if (k == 0 && SW_RD != 0) begin : g_sw
            // port B with software's read (copy 0)
            reg [OUT_W-1:0] q;
            always @(posedge clk) begin
                if (sw_en) begin
                    if (tab_we) begin
                        mem_lo[sw_a] <= tab_wdata[OUT_W-1:0];
                    end
                    q <= mem_lo[sw_a];
                end
            end
            assign sw_q = q;
        end else begin : g_wr
            always @(posedge clk) begin
                if (sw_en && tab_we) begin
                    mem_lo[sw_a] <= tab_wdata[OUT_W-1:0];
                end
            end
        end
        // y1 (PWL): a second copy of the same entries, read at idx + 1
        wire [OUT_W-1:0] y1;
        if (PWL != 0) begin : g_hi
            reg [OUT_W-1:0] mem_hi [0:2*NP-1];
            initial begin
                $readmemh(INIT_FILE, mem_hi, 0, N - 1);
                $readmemh(INIT_FILE, mem_hi, NP, NP + N - 1);
            end
            reg [OUT_W-1:0] q;
            always @(posedge clk) begin
                if (ce) begin
                    q <= mem_hi[{bank1, idx_next}];
                end
            end
            always @(posedge clk) begin
                if (sw_en && tab_we) begin
                    mem_hi[sw_a] <= tab_wdata[OUT_W-1:0];
                end
            end
            assign y1 = q;
        end else begin : g_lut
            assign y1 = {OUT_W{1'b0}};
        end

        // ------------------------------------------------------------ stage 3: interpolate
        reg [OUT_W-1:0] o;
        always @(posedge clk) begin
            if (ce) begin
                o <= isp_table_interp(y0, y1, s2, r2, zero2);
            end
        end
        assign out[k*OUT_W +: OUT_W] = o;
    end

if (SW_RD == 0) begin : g_nosw
    assign sw_q = {OUT_W{1'b0}};
end
endgenerate

// the software read (an address past the table gives 0), held until the next access
always @(posedge clk) begin
    if (tab_en && !tab_we) begin
        sw_ok <= sw_hit;
    end
end
/* verilator lint_off UNUSEDSIGNAL */
wire [63:0] sw_ext = OUT_S ? {{(64-OUT_W){sw_q[OUT_W-1]}}, sw_q} : {{(64-OUT_W){1'b0}}, sw_q};
/* verilator lint_on UNUSEDSIGNAL */
always @* begin
    tab_rdata = sw_ok ? sw_ext[31:0] : 32'd0;
end

endmodule

`resetall
