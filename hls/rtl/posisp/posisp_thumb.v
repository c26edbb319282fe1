// POS-ISP: the thumbnail accumulator. Watches an RGB AXI4-Stream (a tap: it never stalls
// it) and sums each colour component of every pixel into the GRID x GRID cells of PyTorch's
// adaptive average pooling (the parameter agent's input): cell (i, j) covers rows
// floor(i H / GRID) .. ceil((i + 1) H / GRID) - 1 and the same for columns, so neighbouring
// cells share a row or column where GRID does not divide the size, and a pixel adds to up to
// four cells. The sums are exact (SUM_W bits each); software divides by the cell's pixel count.
//
// Cell (i, j) of the last complete frame is read at rd_addr = i * GRID + j, two cycles after
// rd_en, as {R, B, G} sums (UG934 order, G in the low bits). done pulses when a frame's sums
// are readable; they stay readable until the next frame completes (two banks: one filling,
// one readable; read them after done: in the two cycles between a frame's last beat and
// done, the next frame's first cells may take the read ports). A SOF in the middle of a
// frame restarts it in the same bank.
//
// Per bin, a row's column sum is built in a register and, at the bin's last column, added
// into the cell (read-modify-write), or written over it in the bin's first row (no clearing
// pass). Even and odd row bins live in separate memories, so that a row shared by bins i and
// i + 1 (the last row of i, the first of i + 1) updates both cells in the same cycle.

`resetall
`timescale 1ns / 1ps
`default_nettype none

module posisp_thumb #
(
    // Width of one colour component of the watched stream (unsigned)
    parameter PIX_W = 16,
    // Width of the frame size (width, height)
    parameter CW = 12,
    // Largest frame width and height: they size the sums
    parameter MAX_W = 1920,
    parameter MAX_H = 1080,
    // Thumbnail size (cells per side, a power of two)
    parameter GRID = 64,
    // Width of one cell's sum of one component (derived: exact for the largest frame)
    parameter SUM_W = PIX_W + $clog2((MAX_W / GRID + 2) * (MAX_H / GRID + 2) + 1)
)
(
    input  wire                 clk,
    input  wire                 rst,

    // the watched stream (inputs only: a beat is taken when tvalid and tready are high)
    input  wire [3*PIX_W-1:0]   mon_tdata,
    input  wire                 mon_tvalid,
    input  wire                 mon_tready,
    input  wire                 mon_tlast,
    input  wire                 mon_tuser,

    // frame size (sampled at SOF); at least GRID x GRID, at most MAX_W x MAX_H
    input  wire [CW-1:0]        width,
    input  wire [CW-1:0]        height,

    // the last complete frame's sums: cell rd_addr, two cycles after rd_en
    input  wire                 rd_en,
    input  wire [2*$clog2(GRID)-1:0] rd_addr,
    output reg  [3*SUM_W-1:0]   rd_data,

    // a frame's sums are readable (one-cycle pulse)
    output reg                  done,
    // the size sampled at SOF is outside GRID .. MAX_W / MAX_H (sticky until the next SOF)
    output reg                  size_err
);

// cell index bits per axis
localparam GB = $clog2(GRID);
// pixels in the largest cell (a bin spans at most floor(size / GRID) + 2 rows or columns)
localparam CELL_N = (MAX_W / GRID + 2) * (MAX_H / GRID + 2);
// width of a bin boundary accumulator: (bin + 1) * size, up to GRID * size
localparam AW = CW + GB + 1;
// word of one cell: three component sums
localparam WW = 3 * SUM_W;
// cells per parity memory (GRID / 2 row bins of GRID cells) and their address width
localparam HALF = GRID / 2 * GRID;
localparam MA = 2 * GB - 1;

initial begin
    if (GRID < 2 || (1 << GB) != GRID) begin
        $error("posisp_thumb: GRID %0d must be a power of two >= 2", GRID);
        $finish;
    end
    if (SUM_W < PIX_W + $clog2(CELL_N + 1)) begin
        $error("posisp_thumb: SUM_W %0d too narrow for %0d-pixel cells", SUM_W, CELL_N);
        $finish;
    end
    if (MAX_W < GRID || MAX_H < GRID || MAX_W >= (1 << CW) || MAX_H >= (1 << CW)) begin
        $error("posisp_thumb: MAX_W %0d / MAX_H %0d outside GRID .. 2^CW - 1", MAX_W, MAX_H);
        $finish;
    end
end

wire beat = mon_tvalid && mon_tready;
wire sof = beat && mon_tuser;

// ------------------------------------------------------------------ bin tracking
// frame size in use; position of the beat
reg [CW-1:0] w_q, h_q;
reg [CW-1:0] col, row;
// column bin j: ends at (ca - 1) >> GB, bin j + 1 starts at ca >> GB (ca = (j + 1) W)
reg [GB-1:0] cbin;
reg [AW-1:0] ca;
// row bin i: ends at (ra - 1) >> GB, bin i + 1 starts at ra >> GB (ra = (i + 1) H); the
// current row is bin i's first (rfirst)
reg [GB-1:0] rbin;
reg [AW-1:0] ra;
reg rfirst;
// the running column sum of bin j in this row
reg [WW-1:0] acc;
// the bank the frame fills; the bank holding the last complete frame
reg fbank, rbank;
reg active;

// the beat's position in the bins (sizes from SOF: the first beat uses the inputs)
wire [CW-1:0] w_b = sof ? width : w_q;
wire [CW-1:0] h_b = sof ? height : h_q;
wire [CW-1:0] col_b = sof ? {CW{1'b0}} : col;
wire [CW-1:0] row_b = sof ? {CW{1'b0}} : row;
wire [GB-1:0] cbin_b = sof ? {GB{1'b0}} : cbin;
wire [AW-1:0] ca_b = sof ? {{(AW-CW){1'b0}}, width} : ca;
wire [GB-1:0] rbin_b = sof ? {GB{1'b0}} : rbin;
wire [AW-1:0] ra_b = sof ? {{(AW-CW){1'b0}}, height} : ra;
wire rfirst_b = sof ? 1'b1 : rfirst;
wire [WW-1:0] acc_b = sof ? {WW{1'b0}} : acc;

wire [AW-1:0] ca_m1 = ca_b - 1'b1;
wire [AW-1:0] ra_m1 = ra_b - 1'b1;
// the column ends bin j / also starts bin j + 1; the row ends bin i / also starts bin i + 1
// (bins overlap by at most one row or column, and only at the end of the earlier one)
wire c_end = {{(AW-CW){1'b0}}, col_b} == (ca_m1 >> GB);
wire c_next = cbin_b != {GB{1'b1}} && {{(AW-CW){1'b0}}, col_b} >= (ca_b >> GB);
wire r_end = {{(AW-CW){1'b0}}, row_b} == (ra_m1 >> GB);
wire r_next = rbin_b != {GB{1'b1}} && {{(AW-CW){1'b0}}, row_b} >= (ra_b >> GB);
wire last_col = col_b == w_b - 1'b1;
wire last_row = row_b == h_b - 1'b1;

// the pixel, widened per component
wire [WW-1:0] pix;
genvar gc;
generate
for (gc = 0; gc < 3; gc = gc + 1) begin : g_pix
    assign pix[gc*SUM_W +: SUM_W] = {{(SUM_W-PIX_W){1'b0}}, mon_tdata[gc*PIX_W +: PIX_W]};
end
endgenerate

// component-wise sum of two cell words
function [WW-1:0] add3;
    input [WW-1:0] a;
    input [WW-1:0] b;
    integer k;
    begin
        for (k = 0; k < 3; k = k + 1) begin
            add3[k*SUM_W +: SUM_W] = a[k*SUM_W +: SUM_W] + b[k*SUM_W +: SUM_W];
        end
    end
endfunction

wire [WW-1:0] acc_sum = add3(acc_b, pix);

// flush request (stage 1): bin (rbin, cbin) complete in this row; also write (rbin + 1, cbin)
reg f_v, f_first, f_dup, f_bank, f_last;
reg [GB-1:0] f_i, f_j;
reg [WW-1:0] f_sum;

always @(posedge clk) begin
    f_v <= 1'b0;
    f_last <= 1'b0;
    if (sof) begin
        w_q <= width;
        h_q <= height;
        active <= 1'b1;
        size_err <= width < GRID || height < GRID || width > MAX_W || height > MAX_H;
    end
    if (beat && (active || sof)) begin
        // the column sums: the beat adds to bin j's sum, and starts (or adds to) bin j + 1's
        if (c_end) begin
            f_v <= 1'b1;
            f_i <= rbin_b;
            f_j <= cbin_b;
            f_sum <= acc_sum;
            f_first <= rfirst_b;
            f_dup <= r_next;
            f_bank <= fbank;
            f_last <= last_col && last_row;
            acc <= c_next ? pix : {WW{1'b0}};
            cbin <= cbin_b + 1'b1;
            ca <= ca_b + {{(AW-CW){1'b0}}, w_b};
        end else begin
            acc <= acc_sum;
            cbin <= cbin_b;
            ca <= ca_b;
        end
        col <= col_b + 1'b1;
        row <= row_b;
        rbin <= rbin_b;
        ra <= ra_b;
        rfirst <= rfirst_b;
        if (mon_tlast || last_col) begin
            col <= {CW{1'b0}};
            cbin <= {GB{1'b0}};
            ca <= {{(AW-CW){1'b0}}, w_b};
            acc <= {WW{1'b0}};
            row <= row_b + 1'b1;
            // the next row starts bin i + 1 when this one ended bin i without being shared
            // with i + 1 (a shared row already wrote bin i + 1's cells)
            rfirst <= r_end && !r_next;
            if (r_end) begin
                rbin <= rbin_b + 1'b1;
                ra <= ra_b + {{(AW-CW){1'b0}}, h_b};
            end
            if (last_row) begin
                active <= 1'b0;
                fbank <= ~fbank;
            end
        end
    end
    if (rst) begin
        f_v <= 1'b0;
        f_last <= 1'b0;
        active <= 1'b0;
        size_err <= 1'b0;
        fbank <= 1'b0;
    end
end

// ------------------------------------------------------------------ cell memories
// parity p (row bin i & 1) and bank b: memory index 2 b + p; address (i >> 1) * GRID + j
(* ram_style = "block" *)
reg [WW-1:0] mem0 [0:HALF-1];
(* ram_style = "block" *)
reg [WW-1:0] mem1 [0:HALF-1];
(* ram_style = "block" *)
reg [WW-1:0] mem2 [0:HALF-1];
(* ram_style = "block" *)
reg [WW-1:0] mem3 [0:HALF-1];

// stage 2: read the cell being added to (bin i's memory of the flush's bank); the other
// bank's read ports serve rd_addr
reg s_v, s_first, s_dup, s_bank, s_par, s_last;
reg [MA-1:0] s_addr, s_addr2;
reg [WW-1:0] s_sum;
wire [MA-1:0] f_addr = {f_i[GB-1:1], f_j};
wire [MA-1:0] f_addr2 = {f_i[GB-1:1] + {{(GB-2){1'b0}}, f_i[0]}, f_j};
wire [MA-1:0] r_addr = {rd_addr[2*GB-1:GB+1], rd_addr[GB-1:0]};
wire fb0 = f_v && !f_bank;
wire fb1 = f_v && f_bank;
reg [WW-1:0] q0, q1, q2, q3;

always @(posedge clk) begin
    q0 <= mem0[fb0 ? f_addr : r_addr];
    q1 <= mem1[fb0 ? f_addr : r_addr];
    q2 <= mem2[fb1 ? f_addr : r_addr];
    q3 <= mem3[fb1 ? f_addr : r_addr];
end

always @(posedge clk) begin
    s_v <= f_v;
    s_last <= f_v && f_last;
    s_first <= f_first;
    s_dup <= f_dup;
    s_bank <= f_bank;
    s_par <= f_i[0];
    s_addr <= f_addr;
    s_addr2 <= f_addr2;
    s_sum <= f_sum;
    if (rst) begin
        s_v <= 1'b0;
        s_last <= 1'b0;
    end
end

// stage 3: write the cell (and the shared row's cell of bin i + 1, in the other parity)
wire [WW-1:0] old = s_par ? (s_bank ? q3 : q1) : (s_bank ? q2 : q0);
wire [WW-1:0] newv = s_first ? s_sum : add3(old, s_sum);
always @(posedge clk) begin
    if (s_v) begin
        case ({s_bank, s_par})
            2'b00: mem0[s_addr] <= newv;
            2'b01: mem1[s_addr] <= newv;
            2'b10: mem2[s_addr] <= newv;
            default: mem3[s_addr] <= newv;
        endcase
        if (s_dup) begin
            case ({s_bank, s_par})
                2'b00: mem1[s_addr2] <= s_sum;
                2'b01: mem0[s_addr2] <= s_sum;
                2'b10: mem3[s_addr2] <= s_sum;
                default: mem2[s_addr2] <= s_sum;
            endcase
        end
    end
end

// the frame's sums are readable once its last cell is written
always @(posedge clk) begin
    done <= 1'b0;
    if (s_last) begin
        rbank <= s_bank;
        done <= 1'b1;
    end
    if (rst) begin
        rbank <= 1'b1;
        done <= 1'b0;
    end
end

// read-back from the readable bank, two cycles after rd_en (held otherwise)
reg rd_q, r_par_q, r_bank_q;
always @(posedge clk) begin
    rd_q <= rd_en;
    r_par_q <= rd_addr[GB];
    r_bank_q <= rbank;
    if (rd_q) begin
        rd_data <= r_par_q ? (r_bank_q ? q3 : q1) : (r_bank_q ? q2 : q0);
    end
    if (rst) begin
        rd_q <= 1'b0;
    end
end

endmodule

`resetall
