// TA-ISP: the HDL side of the fast cocotb path (sim/tb/taisp/test_taisp_fast.py).
//
// The block under test (taisp_core, or taisp_camera when CAMERA = 1) with its AXI4-Stream
// ports driven and checked here, in HDL, from a vector set (`taisp vectors`) loaded with
// $readmemh: the input stream (stream_in.hex, {eol, sof, tdata} per beat) into a memory that a
// source plays out, the expected output stream (stream_out.hex) into a memory that a sink
// compares every output beat with (data, SOF, EOL). Stalls come from two seeded 32-bit
// Galois LFSRs (one per stream) with a programmable probability in 1/256: a gap before an
// input beat (tvalid low) with probability stall_in/256 per cycle, tready low with
// probability stall_out/256 per cycle. Python acts once per frame: it programs the block over
// the passed-through AXI4-Lite port, sets `frame` and pulses `start`, then waits for `done`
// and reads the counters (beats checked, mismatches, the first mismatch's beat and values).
// No Python runs per beat or per clock (the clock is cocotb's GPI clock).
//
// Frame protocol: `start` high for one cycle (sampled at a rising edge) begins frame `frame`:
// the source sends input beats frame*IN_FRAME .. (frame+1)*IN_FRAME-1 and the sink expects
// output beats frame*OUT_FRAME .. (frame+1)*OUT_FRAME-1; `done` goes high (and stays high
// until the next start) when the last of them has been received. An output beat outside a
// started frame's range counts as a mismatch (an extra beat).
//
// Registered outputs, synchronous reset (which also loads the LFSRs from `seed`), no delays,
// no system tasks other than $readmemh: the same under Icarus and Verilator, and lint-clean
// (tests/sim/test_fastpath.py lints it with -Wall).

`timescale 1ns / 1ps
`default_nettype none

module taisp_fast_tb #(
    // Folder of the generated memories of the block (tables, weights): the vector set's gen/
    parameter MEM_DIR = "gen",
    // The vector set's input stream ({eol, sof, tdata} per line, hex)
    parameter IN_FILE = "stream_in.hex",
    // The vector set's expected output stream (same layout)
    parameter OUT_FILE = "stream_out.hex",
    // 1: the block is taisp_camera (Bayer samples in); 0: taisp_core
    parameter CAMERA = 0,
    // Bayer sample width of taisp_camera (bits; CAMERA = 1 only)
    parameter DN_W = 16,
    // Line-buffer depth of the block (pixels)
    parameter MAX_W = 2048,
    // AXI4-Lite address width of the block
    parameter AXIL_ADDR_W = 15,
    // Input and output tdata widths (bits; the set's manifest, the block's ports)
    parameter S_W = 48,
    parameter M_W = 32,
    // Frames in the set, beats per input frame, beats per output frame
    parameter FRAMES = 1,
    parameter IN_FRAME = 64,
    parameter OUT_FRAME = 64
) (
    input  wire                   clk,
    input  wire                   rst,

    // AXI4-Lite, passed through to the block (the cocotb master drives it)
    input  wire [AXIL_ADDR_W-1:0] s_axil_awaddr,
    input  wire [2:0]             s_axil_awprot,
    input  wire                   s_axil_awvalid,
    output wire                   s_axil_awready,
    input  wire [31:0]            s_axil_wdata,
    input  wire [3:0]             s_axil_wstrb,
    input  wire                   s_axil_wvalid,
    output wire                   s_axil_wready,
    output wire [1:0]             s_axil_bresp,
    output wire                   s_axil_bvalid,
    input  wire                   s_axil_bready,
    input  wire [AXIL_ADDR_W-1:0] s_axil_araddr,
    input  wire [2:0]             s_axil_arprot,
    input  wire                   s_axil_arvalid,
    output wire                   s_axil_arready,
    output wire [31:0]            s_axil_rdata,
    output wire [1:0]             s_axil_rresp,
    output wire                   s_axil_rvalid,
    input  wire                   s_axil_rready,

    // Per-frame control (Python)
    input  wire                   start,
    input  wire [15:0]            frame,
    input  wire [7:0]             stall_in,
    input  wire [7:0]             stall_out,
    input  wire [31:0]            seed,

    // Results
    output reg                    done,
    output reg  [31:0]            beats_checked,
    output reg  [31:0]            beats_sent,
    output reg  [31:0]            mismatches,
    output reg  [31:0]            first_beat,
    output reg  [M_W+1:0]         first_got,
    output reg  [M_W+1:0]         first_want,
    output reg  [31:0]            cycles
);

localparam NB_IN = FRAMES * IN_FRAME;
localparam NB_OUT = FRAMES * OUT_FRAME;
localparam [31:0] NB_IN32 = NB_IN;
localparam [31:0] NB_OUT32 = NB_OUT;
localparam [31:0] IN_FRAME32 = IN_FRAME;
localparam [31:0] OUT_FRAME32 = OUT_FRAME;
localparam [31:0] NONE = 32'hFFFFFFFF;
// the LFSRs' taps (x^32 + x^22 + x^2 + x + 1, Galois form)
localparam [31:0] POLY = 32'h80200003;

initial begin
    if (CAMERA != 0 && CAMERA != 1) begin
        $error("taisp_fast_tb: CAMERA must be 0 or 1");
        $finish;
    end
    if (FRAMES < 1 || IN_FRAME < 1 || OUT_FRAME < 1) begin
        $error("taisp_fast_tb: FRAMES, IN_FRAME and OUT_FRAME must be at least 1");
        $finish;
    end
end

// ------------------------------------------------------------------ the vector set
reg [S_W+1:0] in_mem  [0:NB_IN-1];
reg [M_W+1:0] exp_mem [0:NB_OUT-1];
initial begin
    $readmemh(IN_FILE, in_mem);
    $readmemh(OUT_FILE, exp_mem);
end

// ------------------------------------------------------------------ stall generators
reg [31:0] lfsr_in;
reg [31:0] lfsr_out;

function [31:0] lfsr_next;
    input [31:0] s;
    begin
        lfsr_next = s[0] ? ((s >> 1) ^ POLY) : (s >> 1);
    end
endfunction

wire gap_in = lfsr_in[15:8] < stall_in;
wire gap_out = lfsr_out[15:8] < stall_out;

// seeded in reset (seed's value then)
always @(posedge clk) begin
    if (rst) begin
        lfsr_in <= seed | 32'h1;
        lfsr_out <= (seed ^ 32'h9E3779B9) | 32'h1;
    end else begin
        lfsr_in <= lfsr_next(lfsr_in);
        lfsr_out <= lfsr_next(lfsr_out);
    end
end

// ------------------------------------------------------------------ the block
reg  [S_W-1:0] s_tdata;
reg            s_tvalid;
wire           s_tready;
reg            s_tlast;
reg            s_tuser;
wire [M_W-1:0] m_tdata;
wire           m_tvalid;
reg            m_tready;
wire           m_tlast;
wire [0:0]     m_tuser;

generate
if (CAMERA) begin : g_camera
    taisp_camera #(.MAX_W(MAX_W), .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W), .DN_W(DN_W)) dut (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_tdata), .s_axis_tvalid(s_tvalid), .s_axis_tready(s_tready),
        .s_axis_tlast(s_tlast), .s_axis_tuser(s_tuser),
        .m_axis_tdata(m_tdata), .m_axis_tvalid(m_tvalid), .m_axis_tready(m_tready),
        .m_axis_tlast(m_tlast), .m_axis_tuser(m_tuser),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready)
    );
end else begin : g_core
    taisp_core #(.MAX_W(MAX_W), .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W)) dut (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_tdata), .s_axis_tvalid(s_tvalid), .s_axis_tready(s_tready),
        .s_axis_tlast(s_tlast), .s_axis_tuser(s_tuser),
        .m_axis_tdata(m_tdata), .m_axis_tvalid(m_tvalid), .m_axis_tready(m_tready),
        .m_axis_tlast(m_tlast), .m_axis_tuser(m_tuser),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
        .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
        .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
        .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(s_axil_rready)
    );
end
endgenerate

// ------------------------------------------------------------------ source
wire [31:0] frame32 = {16'd0, frame};
reg [31:0] in_idx;               // next input beat
reg [31:0] in_end;               // one past the started frame's last input beat
wire [S_W+1:0] in_beat = in_mem[in_idx < NB_IN32 ? in_idx : 32'd0];

always @(posedge clk) begin
    if (rst) begin
        s_tvalid <= 1'b0;
        in_idx <= 32'd0;
        in_end <= 32'd0;
        beats_sent <= 32'd0;
    end else if (start) begin
        s_tvalid <= 1'b0;
        in_idx <= frame32 * IN_FRAME32;
        in_end <= (frame32 + 32'd1) * IN_FRAME32;
    end else if (!s_tvalid || s_tready) begin
        if (in_idx < in_end && !gap_in) begin
            s_tdata <= in_beat[S_W-1:0];
            s_tuser <= in_beat[S_W];
            s_tlast <= in_beat[S_W+1];
            s_tvalid <= 1'b1;
            in_idx <= in_idx + 32'd1;
            beats_sent <= beats_sent + 32'd1;
        end else begin
            s_tvalid <= 1'b0;
        end
    end
end

// ------------------------------------------------------------------ sink and checker
reg [31:0] out_idx;              // next expected output beat
reg [31:0] out_end;
wire [M_W+1:0] got = {m_tlast, m_tuser, m_tdata};
wire [M_W+1:0] want = exp_mem[out_idx < NB_OUT32 ? out_idx : 32'd0];
wire in_range = out_idx < out_end;

always @(posedge clk) begin
    if (rst) begin
        m_tready <= 1'b0;
        out_idx <= 32'd0;
        out_end <= 32'd0;
        done <= 1'b0;
        cycles <= 32'd0;
        beats_checked <= 32'd0;
        mismatches <= 32'd0;
        first_beat <= NONE;
        first_got <= {(M_W+2){1'b0}};
        first_want <= {(M_W+2){1'b0}};
    end else begin
        cycles <= cycles + 32'd1;
        m_tready <= !gap_out;
        if (start) begin
            out_idx <= frame32 * OUT_FRAME32;
            out_end <= (frame32 + 32'd1) * OUT_FRAME32;
            done <= 1'b0;
        end else if (m_tvalid && m_tready) begin
            beats_checked <= beats_checked + 32'd1;
            if (!in_range || got !== want) begin
                mismatches <= mismatches + 32'd1;
                if (first_beat == NONE) begin
                    first_beat <= out_idx;
                    first_got <= got;
                    first_want <= in_range ? want : {(M_W+2){1'b0}};
                end
            end
            if (in_range) begin
                out_idx <= out_idx + 32'd1;
                if (out_idx + 32'd1 == out_end) done <= 1'b1;
            end
        end
    end
end

endmodule

`default_nettype wire
