// Formal harness of taisp_core (sim/formal): the core at a small line-buffer depth with its
// frame size after reset (INIT_WIDTH x INIT_HEIGHT), every input free, and checkers on its
// ports. Read with the parameter-engine and weight-memory abstractions
// (taisp_params_stub.v, taisp_weights_stub.v) and the datapath's arithmetic cut (sby script:
// cutpoint on multipliers, dividers and table reads), so the proof is about control: the
// properties hold for any weights, parameters, table contents and engine latency.
//
// Assumed (environment): reset in the first cycle; the input stream's master holds a beat
// (tvalid, tdata, tlast, tuser) until it is taken; with WELLFORMED = 1 the input frames are
// well formed (tuser on each frame's first beat, tlast on every WIDTH-th, nothing else); the
// AXI4-Lite master writes nothing (the size stays the reset size) and, with AXIL = 1, reads
// per the protocol (then the AXI4-Lite slave properties are checked too, axil_slave_props).
// Asserted on the output stream:
//   P1 stable: while tvalid && !tready, the next cycle keeps tvalid and the same tdata,
//      tlast, tuser;
//   P2 framing: output beats count W*H per frame: tuser exactly on beat 0 of each frame,
//      tlast exactly on every W-th beat;
//   P3 (WELLFORMED) no beat invented: output beats never outnumber input beats taken.
// (Input never taken while the parameter engine is busy: proven on the stream control,
// taisp_stream_formal.v, where the engine's busy is visible.)

`default_nettype none

`include "taisp_config.vh"

`define TAISP_S_TDATA_W_F (((3 * `TAISP_FRONTEND_X_W) + 7) / 8 * 8)
`define TAISP_M_TDATA_W_F (((3 * `TAISP_RGFC_OUT_W) + 7) / 8 * 8)

module taisp_core_formal #
(
    // line-buffer depth and frame-height limit of the core under proof
    parameter MAX_W = 2,
    parameter MAX_H = 2,
    // the frame size after reset (pixels, lines)
    parameter W = 2,
    parameter H = 2,
    // folder of the generated memories
    parameter MEM_DIR = ".",
    // 1: assume well-formed input frames (and check P3)
    parameter WELLFORMED = 1,
    // 1: AXI4-Lite reads allowed and the slave properties checked
    parameter AXIL = 0
)
(
    input  wire                          clk,
    input  wire                          rst,
    input  wire [`TAISP_S_TDATA_W_F-1:0] s_axis_tdata,
    input  wire                          s_axis_tvalid,
    input  wire                          s_axis_tlast,
    input  wire                          s_axis_tuser,
    input  wire                          m_axis_tready,
    input  wire [14:0]                   s_axil_awaddr,
    input  wire                          s_axil_awvalid,
    input  wire [31:0]                   s_axil_wdata,
    input  wire                          s_axil_wvalid,
    input  wire                          s_axil_bready,
    input  wire [14:0]                   s_axil_araddr,
    input  wire                          s_axil_arvalid,
    input  wire                          s_axil_rready
);

wire                          s_axis_tready;
wire [`TAISP_M_TDATA_W_F-1:0] m_axis_tdata;
wire                          m_axis_tvalid, m_axis_tlast;
wire [0:0]                    m_axis_tuser;
wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
wire [1:0] s_axil_bresp, s_axil_rresp;
wire [31:0] s_axil_rdata;

taisp_core #(.MAX_W(MAX_W), .MAX_H(MAX_H), .INIT_WIDTH(W), .INIT_HEIGHT(H), .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(15)) dut (
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(3'd0), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(4'hF),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(3'd0), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready)
);

`ifdef FORMAL
localparam NPIX = W * H;

reg f_past = 1'b0;
always @(posedge clk) f_past <= 1'b1;
always @(*) if (!f_past) assume(rst);

// ------------------------------------------------------------- environment
always @(*) begin
    assume(!s_axil_awvalid && !s_axil_wvalid);          // the reset size stays in use
    if (!AXIL) assume(!s_axil_arvalid);
end

reg [15:0] in_col = 16'd0, in_row = 16'd0;
reg [31:0] n_in = 32'd0;
always @(posedge clk) begin
    if (f_past && !$past(rst) && $past(s_axis_tvalid && !s_axis_tready))
        assume(s_axis_tvalid && $stable(s_axis_tdata) && $stable(s_axis_tlast) && $stable(s_axis_tuser));
    if (rst) begin
        in_col <= 16'd0;
        in_row <= 16'd0;
        n_in <= 32'd0;
    end else if (s_axis_tvalid && s_axis_tready) begin
        n_in <= n_in + 32'd1;
        in_col <= in_col == W - 1 ? 16'd0 : in_col + 16'd1;
        if (in_col == W - 1) in_row <= in_row == H - 1 ? 16'd0 : in_row + 16'd1;
    end
end
always @(*) begin
    if (WELLFORMED && s_axis_tvalid) begin
        assume(s_axis_tuser == (in_col == 0 && in_row == 0));
        assume(s_axis_tlast == (in_col == W - 1));
    end
end

// ------------------------------------------------------------- output checkers
reg [15:0] out_col = 16'd0, out_row = 16'd0;
reg [31:0] n_out = 32'd0;
reg [31:0] n_out_frames = 32'd0;
always @(posedge clk) begin
    if (rst) begin
        out_col <= 16'd0;
        out_row <= 16'd0;
        n_out <= 32'd0;
        n_out_frames <= 32'd0;
    end else if (m_axis_tvalid && m_axis_tready) begin
        n_out <= n_out + 32'd1;
        out_col <= out_col == W - 1 ? 16'd0 : out_col + 16'd1;
        if (out_col == W - 1) begin
            out_row <= out_row == H - 1 ? 16'd0 : out_row + 16'd1;
            if (out_row == H - 1) n_out_frames <= n_out_frames + 32'd1;
        end
    end
end

always @(posedge clk) begin
    if (f_past && !rst && !$past(rst)) begin
        // P1: an output beat is held while it is not taken
        if ($past(m_axis_tvalid && !m_axis_tready))
            assert(m_axis_tvalid && $stable(m_axis_tdata) && $stable(m_axis_tlast) && $stable(m_axis_tuser));
    end
    if (f_past && !rst && m_axis_tvalid) begin
        // P2: framing of the programmed size
        assert(m_axis_tuser[0] == (out_col == 0 && out_row == 0));
        assert(m_axis_tlast == (out_col == W - 1));
    end
    // P3: no beat invented (well-formed input)
    if (f_past && !rst && WELLFORMED) assert(n_out <= n_in);
end

// reachability within the depth: a whole output frame; an output beat taken after a stall;
// the next input frame's first beat taken
always @(posedge clk) begin
    if (f_past && !rst) begin
        cover(n_out_frames == 1);
        cover(f_past && $past(m_axis_tvalid && !m_axis_tready) && m_axis_tvalid && m_axis_tready);
        cover(n_in > NPIX);
    end
end

generate
if (AXIL) begin : g_axil
    axil_slave_props #(.ADDR_W(15), .RD_MAX(8)) u_axil_props (
        .clk(clk), .rst(rst),
        .awaddr(s_axil_awaddr), .awvalid(s_axil_awvalid), .awready(s_axil_awready),
        .wdata(s_axil_wdata), .wvalid(s_axil_wvalid), .wready(s_axil_wready),
        .bresp(s_axil_bresp), .bvalid(s_axil_bvalid), .bready(s_axil_bready),
        .araddr(s_axil_araddr), .arvalid(s_axil_arvalid), .arready(s_axil_arready),
        .rdata(s_axil_rdata), .rresp(s_axil_rresp), .rvalid(s_axil_rvalid), .rready(s_axil_rready)
    );
end
endgenerate
`endif

endmodule

`default_nettype wire
