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
// Both banks start with the INIT_FILE contents (the driver's output for the default parameters,
// tab_<name>_default.hex, generated).
//
// Memory: per read-port copy, each bank is a two-port block RAM: port A reads entry idx for the
// pixel path; port B reads entry idx + 1 for the pixel path while a lookup in flight (pipeline
// stages 1-2) uses that bank, and serves software otherwise. So right after a bank swap, while
// lookups of the old bank are still in those two stages (two ce cycles; longer only if the
// pipeline stalls), a software access to the old bank is not taken (a write is dropped, a read
// gives 0): swap between frames, on a drained or flowing pipeline, as the register file does.
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
wire [IW-1:0] sw_a = tab_addr[IW-1:0];
// the software read: copy 0's port B of both banks, the bank read and whether the access was taken
wire [2*OUT_W-1:0] sw_yb;
reg sw_bank, sw_ok;

// the bank of the lookups in stages 1 and 2 (the same in every copy)
reg bank1, bank2;
always @(posedge clk) begin
    if (ce) begin
        bank1 <= tab_bank;
        bank2 <= bank1;
    end
end
// per bank: a lookup in flight reads it (port B is the pixel path's), software's access taken
wire [1:0] pix = {bank1 || bank2, !bank1 || !bank2};
wire [1:0] sw_take = {!pix[1] && !tab_bank, !pix[0] && tab_bank} & {2{tab_en && sw_hit}};

genvar k, b;
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
        // PWL reads entries idx and idx + 1 (idx < N - 1 there; clamped so a LUT never reads past N - 1)
        wire [IW-1:0] idx_next = (idx == LAST) ? idx : idx + {{(IW-1){1'b0}}, 1'b1};
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
        wire [2*OUT_W-1:0] ya, yb;
        for (b = 0; b < 2; b = b + 1) begin : g_bank
            // one bank of this copy: a block RAM with two ports
            reg [OUT_W-1:0] mem [0:N-1];
            initial $readmemh(INIT_FILE, mem);
            // port A: entry idx for the pixel path (both banks; stage 3 takes bank2's)
            reg [OUT_W-1:0] qa;
            always @(posedge clk) begin
                if (ce) begin
                    qa <= mem[idx];
                end
            end
            // port B: entry idx + 1 while a lookup in stage 1 or 2 uses this bank, software otherwise
            wire sw = sw_take[b];
            wire [IW-1:0] addr_b = pix[b] ? idx_next : sw_a;
            reg [OUT_W-1:0] qb;
            always @(posedge clk) begin
                if (sw && tab_we) begin
                    mem[addr_b] <= tab_wdata[OUT_W-1:0];
                end
                if ((PWL != 0 && (b == 1 ? bank1 : !bank1) && ce) || sw) begin
                    qb <= mem[addr_b];
                end
            end
            assign ya[b*OUT_W +: OUT_W] = qa;
            assign yb[b*OUT_W +: OUT_W] = qb;
            if (k == 0) begin : g_sw
                assign sw_yb[b*OUT_W +: OUT_W] = qb;
            end
        end

        // ------------------------------------------------------------ stage 3: interpolate
        wire [OUT_W-1:0] y0 = ya[bank2*OUT_W +: OUT_W];
        wire [OUT_W-1:0] y1 = PWL != 0 ? yb[bank2*OUT_W +: OUT_W] : {OUT_W{1'b0}};
        reg [OUT_W-1:0] o;
        always @(posedge clk) begin
            if (ce) begin
                o <= isp_table_interp(y0, y1, s2, r2, zero2);
            end
        end
        assign out[k*OUT_W +: OUT_W] = o;
    end
endgenerate

// the software read: the bank software saw, taken unless a lookup in flight held that bank (a
// read of an address past the table, or one not taken, gives 0)
always @(posedge clk) begin
    if (tab_en && !tab_we) begin
        sw_bank <= !tab_bank;
        sw_ok <= |sw_take;
    end
end
wire [OUT_W-1:0] sw_q = sw_yb[sw_bank*OUT_W +: OUT_W];
/* verilator lint_off UNUSEDSIGNAL */
wire [63:0] sw_ext = OUT_S ? {{(64-OUT_W){sw_q[OUT_W-1]}}, sw_q} : {{(64-OUT_W){1'b0}}, sw_q};
/* verilator lint_on UNUSEDSIGNAL */
always @* begin
    tab_rdata = sw_ok ? sw_ext[31:0] : 32'd0;
end

endmodule

`resetall
