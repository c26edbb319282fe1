// TA-ISP camera block: sensor RAW in, TA-ISP out. The shared streaming front end
// (isp_frontend: black level and gain per 2x2 CFA position, bilinear or bin2 demosaic, into
// frontend.x) chained with the TA-ISP core (taisp_core), behind one AXI4-Lite map
// (taisp_regmap.vh; the shared isp_camera_regs holds the front end's registers and the Bayer
// frame size, and bridges every other register to the core's).
//
// Input: AXI4-Stream Bayer samples, one per beat (DN in the low DN_W bits of a whole number of
// bytes), SOF on tuser[0], EOL on tlast. Output: the core's (8-bit RGB, UG934 order). WIDTH and
// HEIGHT are the Bayer frame size; on COMMIT the camera programs the core with the size the
// front end delivers (bin2: half). Formats come from the quantization config
// (taisp_config.vh: frontend.gain, frontend.x, frontend.avg); the CFA codes from the register
// map (TAISP_CFA_CELLS).
//
// Errors: the front end's input checks (short or long Bayer line, missing or early SOF) set
// ERROR.BAYER_*; the broken frame is completed with zero samples and reaches the core marked
// broken (its last beat without EOL), so the core drops its statistics and counts it in
// BAD_FRAMES (and also sets ERROR.LONG_LINE). A COMMIT with a size the demosaic cannot take
// sets ERROR.FE_SIZE and leaves the settings in use unchanged.

`resetall
`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"

// stream widths: the Bayer sample, three components in and out, padded to whole bytes
`define TAISP_CAM_S_TDATA_W ((DN_W + 7) / 8 * 8)
`define TAISP_CAM_X_TDATA_W (((3 * `TAISP_FRONTEND_X_W) + 7) / 8 * 8)
`define TAISP_CAM_M_TDATA_W (((3 * `TAISP_RGFC_OUT_W) + 7) / 8 * 8)

module taisp_camera #
(
    // Largest frame width (line buffer depth of the front end and the core); 4 .. 65535
    parameter MAX_W = 2048,
    // Largest frame height; 2 .. 65535
    parameter MAX_H = 4095,
    // Bayer frame width after reset (bilinear: also the core's)
    parameter INIT_WIDTH = 64,
    // Bayer frame height after reset
    parameter INIT_HEIGHT = 48,
    // Bits of a Bayer sample (DN); 1 .. 32
    parameter DN_W = 16,
    // Folder of the generated memories (tab_<name>.hex, weights.hex)
    parameter MEM_DIR = ".",
    // AXI4-Lite address width
    parameter AXIL_ADDR_W = 15
)
(
    input  wire                             clk,
    input  wire                             rst,

    input  wire [`TAISP_CAM_S_TDATA_W-1:0]  s_axis_tdata,
    input  wire                             s_axis_tvalid,
    output wire                             s_axis_tready,
    input  wire                             s_axis_tlast,
    input  wire [0:0]                       s_axis_tuser,

    output wire [`TAISP_CAM_M_TDATA_W-1:0]  m_axis_tdata,
    output wire                             m_axis_tvalid,
    input  wire                             m_axis_tready,
    output wire                             m_axis_tlast,
    output wire [0:0]                       m_axis_tuser,

    input  wire [AXIL_ADDR_W-1:0]           s_axil_awaddr,
    input  wire [2:0]                       s_axil_awprot,
    input  wire                             s_axil_awvalid,
    output wire                             s_axil_awready,
    input  wire [31:0]                      s_axil_wdata,
    input  wire [3:0]                       s_axil_wstrb,
    input  wire                             s_axil_wvalid,
    output wire                             s_axil_wready,
    output wire [1:0]                       s_axil_bresp,
    output wire                             s_axil_bvalid,
    input  wire                             s_axil_bready,
    input  wire [AXIL_ADDR_W-1:0]           s_axil_araddr,
    input  wire [2:0]                       s_axil_arprot,
    input  wire                             s_axil_arvalid,
    output wire                             s_axil_arready,
    output wire [31:0]                      s_axil_rdata,
    output wire [1:0]                       s_axil_rresp,
    output wire                             s_axil_rvalid,
    input  wire                             s_axil_rready
);

// frame size counters: hold MAX_W and MAX_H (as in taisp_core)
localparam MAX_DIM = MAX_W > MAX_H ? MAX_W : MAX_H;
localparam CW = $clog2(MAX_DIM + 1);
localparam GW = `TAISP_FRONTEND_GAIN_W;

initial begin
    if (MAX_W < 4 || MAX_W > 65535 || MAX_H < 2 || MAX_H > 65535) begin
        $error("taisp_camera: MAX_W %0d / MAX_H %0d out of range 4..65535 / 2..65535", MAX_W, MAX_H);
        $finish;
    end
    if (`TAISP_FRONTEND_GAIN_S != 0 || `TAISP_FRONTEND_X_S != 0 || `TAISP_FRONTEND_AVG_S != 0) begin
        $error("taisp_camera: frontend.gain, frontend.x and frontend.avg must be unsigned");
        $finish;
    end
end

// ------------------------------------------------------------------ registers
wire [AXIL_ADDR_W-1:0] c_awaddr, c_araddr;
wire [2:0] c_awprot, c_arprot;
wire c_awvalid, c_awready, c_wvalid, c_wready, c_bvalid, c_bready, c_arvalid, c_arready, c_rvalid, c_rready;
wire [31:0] c_wdata, c_rdata;
wire [3:0] c_wstrb;
wire [1:0] c_bresp, c_rresp;
wire [CW-1:0] fe_width, fe_height;
wire [1:0] fe_cfa;
wire fe_bin2, fe_hold, fe_idle;
wire [4*DN_W-1:0] fe_black;
wire [4*GW-1:0] fe_gain;
wire [3:0] fe_err;

isp_camera_regs #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT),
                  .DN_W(DN_W), .GAIN_W(GW), .GAIN_F(`TAISP_FRONTEND_GAIN_F), .AXIL_ADDR_W(AXIL_ADDR_W),
                  .REG_CTRL(`TAISP_REG_CTRL), .REG_STATUS(`TAISP_REG_STATUS), .REG_ERROR(`TAISP_REG_ERROR),
                  .REG_WIDTH(`TAISP_REG_WIDTH), .REG_HEIGHT(`TAISP_REG_HEIGHT),
                  .REG_FE_CONFIG(`TAISP_REG_FE_CONFIG), .REG_FE_BLACK0(`TAISP_REG_FE_BLACK0),
                  .REG_FE_GAIN0_LO(`TAISP_REG_FE_GAIN0_LO), .REG_FE_GAIN0_HI(`TAISP_REG_FE_GAIN0_HI),
                  .REG_FE_ACTIVE(`TAISP_REG_FE_ACTIVE), .CTRL_COMMIT(`TAISP_CTRL_COMMIT),
                  .CTRL_RESTART(`TAISP_CTRL_RESTART), .FE_CONFIG_CFA(`TAISP_FE_CONFIG_CFA),
                  .FE_CONFIG_DEMOSAIC(`TAISP_FE_CONFIG_DEMOSAIC), .FE_ACTIVE_CFA(`TAISP_FE_ACTIVE_CFA),
                  .FE_ACTIVE_DEMOSAIC(`TAISP_FE_ACTIVE_DEMOSAIC),
                  .ERROR_BAYER_SHORT_LINE(`TAISP_ERROR_BAYER_SHORT_LINE),
                  .ERROR_BAYER_LONG_LINE(`TAISP_ERROR_BAYER_LONG_LINE),
                  .ERROR_BAYER_MISSING_SOF(`TAISP_ERROR_BAYER_MISSING_SOF),
                  .ERROR_BAYER_EARLY_SOF(`TAISP_ERROR_BAYER_EARLY_SOF), .ERROR_FE_SIZE(`TAISP_ERROR_FE_SIZE),
                  .STATUS_IN_FRAME_MASK(`TAISP_STATUS_IN_FRAME_MASK), .STATUS_READY_MASK(`TAISP_STATUS_READY_MASK),
                  .STATUS_COMMIT_PENDING_MASK(`TAISP_STATUS_COMMIT_PENDING_MASK)) u_regs (
    .clk(clk), .rst(rst),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(s_axil_awprot), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .m_axil_awaddr(c_awaddr), .m_axil_awprot(c_awprot), .m_axil_awvalid(c_awvalid), .m_axil_awready(c_awready),
    .m_axil_wdata(c_wdata), .m_axil_wstrb(c_wstrb), .m_axil_wvalid(c_wvalid), .m_axil_wready(c_wready),
    .m_axil_bresp(c_bresp), .m_axil_bvalid(c_bvalid), .m_axil_bready(c_bready),
    .m_axil_araddr(c_araddr), .m_axil_arprot(c_arprot), .m_axil_arvalid(c_arvalid), .m_axil_arready(c_arready),
    .m_axil_rdata(c_rdata), .m_axil_rresp(c_rresp), .m_axil_rvalid(c_rvalid), .m_axil_rready(c_rready),
    .fe_width(fe_width), .fe_height(fe_height), .fe_cfa(fe_cfa), .fe_bin2(fe_bin2), .fe_black(fe_black),
    .fe_gain(fe_gain), .fe_hold(fe_hold), .fe_idle(fe_idle), .fe_err(fe_err)
);

// ------------------------------------------------------------------ front end
wire [`TAISP_CAM_X_TDATA_W-1:0] x_tdata;
wire x_tvalid, x_tready, x_tlast;
wire [0:0] x_tuser;

isp_frontend #(.MAX_W(MAX_W), .CW(CW), .DN_W(DN_W), .GAIN_W(GW), .GAIN_F(`TAISP_FRONTEND_GAIN_F),
               .X_W(`TAISP_FRONTEND_X_W), .X_F(`TAISP_FRONTEND_X_F), .X_RND(`TAISP_FRONTEND_X_RND),
               .X_OVF(`TAISP_FRONTEND_X_OVF), .AVG_W(`TAISP_FRONTEND_AVG_W), .AVG_F(`TAISP_FRONTEND_AVG_F),
               .AVG_RND(`TAISP_FRONTEND_AVG_RND), .AVG_OVF(`TAISP_FRONTEND_AVG_OVF),
               .CFA_CELLS(`TAISP_CFA_CELLS)) u_frontend (
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(x_tdata), .m_axis_tvalid(x_tvalid), .m_axis_tready(x_tready), .m_axis_tlast(x_tlast),
    .m_axis_tuser(x_tuser),
    .width(fe_width), .height(fe_height), .cfa(fe_cfa), .bin2(fe_bin2), .black(fe_black), .gain(fe_gain),
    .hold(fe_hold), .idle(fe_idle), .err_set(fe_err)
);

// ------------------------------------------------------------------ core
taisp_core #(.MAX_W(MAX_W), .MAX_H(MAX_H), .INIT_WIDTH(INIT_WIDTH), .INIT_HEIGHT(INIT_HEIGHT), .MEM_DIR(MEM_DIR),
             .AXIL_ADDR_W(AXIL_ADDR_W)) u_core (
    .clk(clk), .rst(rst),
    .s_axis_tdata(x_tdata), .s_axis_tvalid(x_tvalid), .s_axis_tready(x_tready), .s_axis_tlast(x_tlast),
    .s_axis_tuser(x_tuser),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser),
    .s_axil_awaddr(c_awaddr), .s_axil_awprot(c_awprot), .s_axil_awvalid(c_awvalid), .s_axil_awready(c_awready),
    .s_axil_wdata(c_wdata), .s_axil_wstrb(c_wstrb), .s_axil_wvalid(c_wvalid), .s_axil_wready(c_wready),
    .s_axil_bresp(c_bresp), .s_axil_bvalid(c_bvalid), .s_axil_bready(c_bready),
    .s_axil_araddr(c_araddr), .s_axil_arprot(c_arprot), .s_axil_arvalid(c_arvalid), .s_axil_arready(c_arready),
    .s_axil_rdata(c_rdata), .s_axil_rresp(c_rresp), .s_axil_rvalid(c_rvalid), .s_axil_rready(c_rready)
);

endmodule

`undef TAISP_CAM_S_TDATA_W
`undef TAISP_CAM_X_TDATA_W
`undef TAISP_CAM_M_TDATA_W

`resetall
