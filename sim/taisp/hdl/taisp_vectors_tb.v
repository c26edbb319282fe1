// TA-ISP: plain Verilog testbench that replays a vector set (written by `taisp vectors`)
// through taisp_core. Verilog-2005 with $readmemh and $value$plusargs only: no cocotb, no
// Python, no SystemVerilog; runs under Icarus Verilog as is, is meant to run under vendor
// simulators (xsim, Questa) too, and runs the same under Verilator --binary --timing (whose
// scheduler differs at clock edges; see the timing discipline below).
//
// What it does: reset; checks ID and VERSION; programs the block over AXI4-Lite from the set's
// write list (WIDTH, HEIGHT, defaults, weights, CTRL = COMMIT | RESTART); polls STATUS until
// the parameters are ready (STATUS.READY; register fields by their generated names); streams
// the frames (one pixel per beat, SOF on tuser, EOL on tlast) with optional random tvalid
// gaps, applies optional random tready backpressure on the
// output and compares every output beat (data and flags) with the expected stream; between
// frames it reads the PARAM registers back and compares them with the model's parameters.
// It prints a PASS/FAIL summary line and, on a mismatch, the first one: frame, line, pixel,
// channel, the expected per-stage taps at that pixel and the first stage that differs.
//
// Camera sets (`taisp vectors --top camera`; vectors.vh defines TAISP_VEC_CAMERA): the block
// under test is taisp_camera (the shared front end + the core) with DN_W = TAISP_VEC_DN_W;
// the input stream holds Bayer samples (TAISP_VEC_IN_WIDTH x TAISP_VEC_IN_HEIGHT per frame,
// one per beat), the write list programs the front end too, and frame_writes.hex holds the
// writes between frames (a new RAW file's front-end settings, CTRL = COMMIT), applied after
// the previous frame's output, then STATUS is polled until READY. The probes then look into
// dut.u_core, and the expected taps' x is the front end's output (taps/x.hex).
//
// Stage probes: the testbench also compares three internal streams of taisp_core with the
// set's taps, through hierarchical references (`TAISP_TB_CORE.g_xg: GLC output xg; `TAISP_TB_CORE.h_xs: HSA output
// xs; `TAISP_TB_CORE.r_index: the region index), so that a mismatch is located to its stage. They rely
// on those signal names of taisp_core (RTL simulation only); define TAISP_TB_NO_PROBES to
// leave them out (for a netlist, or a changed RTL), and only the output is compared.
//
// Compile (the vector set folder VEC and its gen/ on the include path; MEM_DIR = VEC/gen):
//   iverilog -g2005 -I VEC -I VEC/gen -I hls/rtl/common -I hls/rtl/taisp -I sim/hdl -s taisp_vectors_tb \
//            -Ptaisp_vectors_tb.MEM_DIR=\"VEC/gen\" -o tb.vvp sim/taisp/hdl/taisp_vectors_tb.v \
//            hls/rtl/common/*.v hls/rtl/taisp/*.v
//   vvp -n tb.vvp +vectors=VEC [plusargs]
// Plusargs (all optional):
//   +vectors=DIR      the vector set folder (default ".")
//   +frames=N         replay only the first N frames (default all)
//   +seed=S           seed of the random stalls (default 1)
//   +stall_in=P       percent probability of a gap (tvalid low) before each input beat (default 0)
//   +stall_out=P      percent probability of tready low in each output cycle (default 0)
//   +no_weights       skip the weight writes (the build's weights.hex holds the same weights)
//   +no_params        do not read the parameters back between frames (frames then stream back
//                     to back: the block stalls its input while it computes the parameters)
//   +max_errors=N     stop after N mismatching beats (default 0: run to the end)
//   +timeout=C        give up after C clock cycles (default: from the frame size)
// The last line is "TAISP_VECTORS RESULT: PASS ..." or "TAISP_VECTORS RESULT: FAIL ...".

`timescale 1ns / 1ps
`default_nettype none

`include "taisp_config.vh"
`include "taisp_regmap.vh"
`include "vectors.vh"

// core sets (and sets of schema 1) have no camera defines: the input is the core's
`ifndef TAISP_VEC_IN_WIDTH
`define TAISP_VEC_IN_WIDTH `TAISP_VEC_WIDTH
`define TAISP_VEC_IN_HEIGHT `TAISP_VEC_HEIGHT
`define TAISP_VEC_IN_NBEATS `TAISP_VEC_NBEATS
`endif
`ifndef TAISP_VEC_NFWRITES
`define TAISP_VEC_NFWRITES 0
`endif
`ifdef TAISP_VEC_CAMERA
`define TAISP_TB_CORE dut.u_core
`else
`define TAISP_TB_CORE dut
`endif

module taisp_vectors_tb;

// Folder of the generated memories (tab_*.hex, weights.hex): the vector set's gen/
parameter MEM_DIR = "gen";
// Line buffer depth of the block under test
parameter MAX_W = 2048;
parameter AXIL_ADDR_W = 15;

localparam W = `TAISP_VEC_WIDTH;
localparam H = `TAISP_VEC_HEIGHT;
localparam NF = `TAISP_VEC_FRAMES;
localparam NPIX = W * H;
localparam NB = `TAISP_VEC_NBEATS;
localparam IWD = `TAISP_VEC_IN_WIDTH;       // the input frame (camera: Bayer)
localparam IHT = `TAISP_VEC_IN_HEIGHT;
localparam NPIX_IN = IWD * IHT;
localparam NB_IN = `TAISP_VEC_IN_NBEATS;
localparam NFW = `TAISP_VEC_NFWRITES;       // writes between frames (camera sets)
localparam NFW_MEM = NFW > 0 ? NFW : 1;
localparam SW = `TAISP_VEC_S_TDATA_W;
localparam MW = `TAISP_VEC_M_TDATA_W;
localparam XW = `TAISP_VEC_IN_COMP_W;
localparam OW = `TAISP_VEC_OUT_COMP_W;
localparam NWR = `TAISP_VEC_NWRITES;
localparam NP = `TAISP_VEC_NPARAM;
localparam XGW = `TAISP_VEC_TAP_XG_W;
localparam AW = `TAISP_VEC_TAP_A_W;
localparam XSW = `TAISP_VEC_TAP_XS_W;
localparam YW = `TAISP_VEC_TAP_Y_W;
localparam IW = `TAISP_VEC_TAP_INDEX_W;
`ifdef TAISP_VEC_CAMERA
localparam S_TDATA_RTL = (`TAISP_VEC_DN_W + 7) / 8 * 8;
`else
localparam S_TDATA_RTL = ((3 * `TAISP_FRONTEND_X_W) + 7) / 8 * 8;
`endif
localparam M_TDATA_RTL = ((3 * `TAISP_RGFC_OUT_W) + 7) / 8 * 8;

// ------------------------------------------------------------------ clock, reset, DUT
// Timing discipline (the same under every scheduler): the testbench changes its outputs just
// after a falling edge and samples the block SAMPLE ns later, when nothing moves; a handshake
// seen there is a transfer at the next rising edge. Period 4 ns.
localparam SAMPLE = 1;
localparam TB_TAG = "TAISP_VECTORS";
reg clk = 1'b0;
reg rst = 1'b1;
always #2 clk = ~clk;

reg  [SW-1:0]          s_axis_tdata = {SW{1'b0}};
reg                    s_axis_tvalid = 1'b0;
wire                   s_axis_tready;
reg                    s_axis_tlast = 1'b0;
reg  [0:0]             s_axis_tuser = 1'b0;
wire [MW-1:0]          m_axis_tdata;
wire                   m_axis_tvalid;
reg                    m_axis_tready = 1'b0;
wire                   m_axis_tlast;
wire [0:0]             m_axis_tuser;
`include "isp_tb_axil_master.vh"      // s_axil_* and the tasks axil_write, axil_read

`ifdef TAISP_VEC_CAMERA
taisp_camera #(.MAX_W(MAX_W), .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W), .DN_W(`TAISP_VEC_DN_W)) dut (
`else
taisp_core #(.MAX_W(MAX_W), .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W)) dut (
`endif
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast), .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(m_axis_tdata), .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast), .m_axis_tuser(m_axis_tuser),
    .s_axil_awaddr(s_axil_awaddr), .s_axil_awprot(3'd0), .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready), .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(4'hF),
    .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(1'b1), .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(3'd0), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(1'b1)
);

// ------------------------------------------------------------------ the vector set
reg [SW+1:0]  in_mem  [0:NB_IN-1];    // {eol, sof, tdata}
reg [95:0]    fw_mem  [0:NFW_MEM-1];  // {frame, address, data}: writes between frames
reg [`TAISP_VEC_TAP_X_W-1:0] tap_x [0:3*NB-1];
reg [MW+1:0]  exp_mem [0:NB-1];
reg [63:0]    wr_mem  [0:NWR-1];      // {address, data}
reg [31:0]    par_mem [0:(NF+1)*NP-1];
reg [XGW-1:0] tap_xg  [0:3*NB-1];     // frame, line, pixel, channel (R, G, B)
reg [AW-1:0]  tap_a   [0:NB-1];
reg [XSW-1:0] tap_xs  [0:3*NB-1];
reg [IW-1:0]  tap_idx [0:NB-1];
reg [YW-1:0]  tap_y   [0:3*NB-1];

reg [8*1024-1:0] vdir;
reg [8*1100-1:0] fname;
integer nframes, nbeats, seed_in, seed_out, stall_in, stall_out, max_errors, timeout;
integer program_weights, check_params;

task load;
    input [8*32-1:0] name;
    begin
        $sformat(fname, "%0s/%0s", vdir, name);
        if (name == "stream_in.hex") $readmemh(fname, in_mem);
        else if (name == "stream_out.hex") $readmemh(fname, exp_mem);
        else if (name == "axil_writes.hex") $readmemh(fname, wr_mem);
        else if (name == "frame_writes.hex") $readmemh(fname, fw_mem);
        else if (name == "taps/x.hex") $readmemh(fname, tap_x);
        else if (name == "params.hex") $readmemh(fname, par_mem);
        else if (name == "taps/xg.hex") $readmemh(fname, tap_xg);
        else if (name == "taps/A.hex") $readmemh(fname, tap_a);
        else if (name == "taps/xs.hex") $readmemh(fname, tap_xs);
        else if (name == "taps/index.hex") $readmemh(fname, tap_idx);
        else if (name == "taps/y.hex") $readmemh(fname, tap_y);
    end
endtask

// ------------------------------------------------------------------ bookkeeping
integer cycle = 0;
integer oidx = 0;            // output beats received
integer nerr = 0;            // mismatching output beats
integer nperr = 0;           // mismatching parameter words
integer nparam_checks = 0;
reg     stop_now = 1'b0;
reg     done = 1'b0;
reg [8*80-1:0] phase = "reset";
// the first output mismatch
integer f_beat = -1, f_chan = -1, f_got = 0, f_want = 0;
reg [8*40-1:0] f_what = "";
// the first parameter mismatch
integer fp_frame = -1, fp_word = -1;
reg [31:0] fp_got = 32'd0, fp_want = 32'd0;

function [8*8-1:0] chan_name;
    input integer c;
    begin
        chan_name = c == 0 ? "R" : c == 1 ? "G" : "B";
    end
endfunction

// component c (0 R, 1 G, 2 B) of a UG934 output beat
function integer out_comp;
    input [MW-1:0] d;
    input integer c;
    begin
        out_comp = c == 0 ? d[2*OW +: OW] : c == 1 ? d[0 +: OW] : d[OW +: OW];
    end
endfunction

function integer in_comp;
    input [SW-1:0] d;
    input integer c;
    begin
        in_comp = c == 0 ? d[2*XW +: XW] : c == 1 ? d[0 +: XW] : d[XW +: XW];
    end
endfunction

// ------------------------------------------------------------------ stage probes
integer pr_n [0:2];          // values seen: xg, xs, index
integer pr_err [0:2];        // mismatches
integer pr_pix [0:2];        // first mismatch: pixel number (frame * NPIX + line * W + pixel)
integer pr_chan [0:2];
reg [63:0] pr_got [0:2];
reg [63:0] pr_want [0:2];
integer pi, pc;
integer probe_errors = 0;
initial begin
    for (pi = 0; pi < 3; pi = pi + 1) begin
        pr_n[pi] = 0;
        pr_err[pi] = 0;
        pr_pix[pi] = -1;
        pr_chan[pi] = -1;
        pr_got[pi] = 0;
        pr_want[pi] = 0;
    end
end

task probe_value;
    input integer s;
    input integer c;
    input [63:0] got;
    input [63:0] want;
    begin
        if (got != want) begin
            if (pr_err[s] == 0) begin
                pr_pix[s] = pr_n[s];
                pr_chan[s] = c;
                pr_got[s] = got;
                pr_want[s] = want;
            end
            pr_err[s] = pr_err[s] + 1;
        end
    end
endtask

`ifndef TAISP_TB_NO_PROBES
// a stage's output is taken by the next stage at a rising edge where the pipeline's clock
// enable (`TAISP_TB_CORE.ce) is high: sampled at the sample point before that edge
initial begin : probes
    forever begin
        @(negedge clk);
        #(SAMPLE);
        if (!rst) begin
            if (`TAISP_TB_CORE.ce && `TAISP_TB_CORE.g_push && `TAISP_TB_CORE.g_real && pr_n[0] < NB) begin
                for (pc = 0; pc < 3; pc = pc + 1)
                    probe_value(0, pc, `TAISP_TB_CORE.g_xg[pc*XGW +: XGW], tap_xg[3*pr_n[0] + pc]);
                pr_n[0] = pr_n[0] + 1;
            end
            if (`TAISP_TB_CORE.ce && `TAISP_TB_CORE.h_push && `TAISP_TB_CORE.h_inframe && pr_n[1] < NB) begin
                for (pc = 0; pc < 3; pc = pc + 1)
                    probe_value(1, pc, `TAISP_TB_CORE.h_xs[pc*XSW +: XSW], tap_xs[3*pr_n[1] + pc]);
                pr_n[1] = pr_n[1] + 1;
            end
            if (`TAISP_TB_CORE.ce && `TAISP_TB_CORE.r_valid && pr_n[2] < NB) begin
                probe_value(2, -1, `TAISP_TB_CORE.r_index, tap_idx[pr_n[2]]);
                pr_n[2] = pr_n[2] + 1;
            end
        end
    end
end
`endif

reg [31:0] rd;

task wait_ready;
    begin
        axil_read(`TAISP_REG_STATUS, rd);
        while (!(rd & `TAISP_STATUS_READY_MASK)) begin
            repeat (16) @(negedge clk);
            axil_read(`TAISP_REG_STATUS, rd);
        end
    end
endtask

// ------------------------------------------------------------------ parameter read-back
task param_name;
    input integer j;
    begin
        if (j < `TAISP_PARAM_GATE) $write("alpha[%0d]", j - `TAISP_PARAM_ALPHA);
        else if (j < `TAISP_PARAM_W) $write("gate[%0d]", j - `TAISP_PARAM_GATE);
        else if (j < `TAISP_PARAM_INV_W) $write("w[%0d]", j - `TAISP_PARAM_W);
        else $write("inv_w[%0d]", j - `TAISP_PARAM_INV_W);
    end
endtask

task check_params_for;
    input integer k;
    integer j;
    begin
        for (j = 0; j < NP; j = j + 1) begin
            axil_read(`TAISP_PARAM_BASE + 4 * j, rd);
            nparam_checks = nparam_checks + 1;
            if (rd !== par_mem[k*NP + j]) begin
                if (nperr == 0) begin
                    fp_frame = k;
                    fp_word = j;
                    fp_got = rd;
                    fp_want = par_mem[k*NP + j];
                end
                nperr = nperr + 1;
                if (nperr <= 10) begin
                    $write("TAISP_VECTORS MISMATCH parameters for frame %0d: ", k);
                    param_name(j);
                    $display(" RTL %0d, expected %0d (stage: parameter engine)", rd, par_mem[k*NP + j]);
                end
            end
        end
    end
endtask

// ------------------------------------------------------------------ input stream
`include "isp_tb_stream_source.vh"     // the task send_frame(k)

// ------------------------------------------------------------------ output monitor
task where_is;
    input integer beat;
    begin
        $write("frame %0d, line %0d, pixel %0d", beat / NPIX, (beat % NPIX) / W, beat % W);
    end
endtask

task check_beat;
    input integer i;
    input [MW+1:0] got;
    reg [MW+1:0] want;
    integer c, fc;
    begin
        if (i >= nbeats) begin
            nerr = nerr + 1;
            if (f_beat < 0) begin
                f_beat = i;
                f_what = "extra beat";
            end
            if (nerr <= 10) $display("TAISP_VECTORS MISMATCH output beat %0d: more beats than the %0d expected", i, nbeats);
        end else begin
            want = exp_mem[i];
            if (got !== want) begin
                nerr = nerr + 1;
                fc = -1;
                for (c = 2; c >= 0; c = c - 1)
                    if (out_comp(got[MW-1:0], c) !== out_comp(want[MW-1:0], c)) fc = c;
                if (f_beat < 0) begin
                    f_beat = i;
                    f_chan = fc;
                    f_got = fc >= 0 ? out_comp(got[MW-1:0], fc) : got[MW+1:MW];
                    f_want = fc >= 0 ? out_comp(want[MW-1:0], fc) : want[MW+1:MW];
                    f_what = fc >= 0 ? "data" : "flags (eol, sof)";
                end
                if (nerr <= 10) begin
                    $write("TAISP_VECTORS MISMATCH output ");
                    where_is(i);
                    $display(": RTL R,G,B %0d,%0d,%0d sof %0d eol %0d; expected %0d,%0d,%0d sof %0d eol %0d",
                             out_comp(got[MW-1:0], 0), out_comp(got[MW-1:0], 1), out_comp(got[MW-1:0], 2), got[MW], got[MW+1],
                             out_comp(want[MW-1:0], 0), out_comp(want[MW-1:0], 1), out_comp(want[MW-1:0], 2), want[MW], want[MW+1]);
                end
            end
        end
        if (max_errors > 0 && nerr >= max_errors) stop_now = 1'b1;
    end
endtask

initial begin : monitor
    forever begin
        @(negedge clk);
        m_axis_tready = !rst && ((stall_out <= 0) || (($unsigned($random(seed_out)) % 100) >= stall_out));
        #(SAMPLE);
        if (m_axis_tvalid && m_axis_tready) begin
            check_beat(oidx, {m_axis_tlast, m_axis_tuser, m_axis_tdata});
            oidx = oidx + 1;
        end
    end
end

// ------------------------------------------------------------------ reports
task report_taps;
    input integer q;
    begin
        $display("  expected taps at this pixel (raw integers of their config entries; R, G, B):");
`ifdef TAISP_VEC_CAMERA
        $display("    x     %0d %0d %0d  (front end output)", tap_x[3*q], tap_x[3*q+1], tap_x[3*q+2]);
`else
        $display("    x     %0d %0d %0d  (input)", in_comp(in_mem[q][SW-1:0], 0), in_comp(in_mem[q][SW-1:0], 1),
                 in_comp(in_mem[q][SW-1:0], 2));
`endif
        $display("    xg    %0d %0d %0d  (glc)", tap_xg[3*q], tap_xg[3*q+1], tap_xg[3*q+2]);
        $display("    A     %0d  (hsa attention)", tap_a[q]);
        $display("    xs    %0d %0d %0d  (hsa)", tap_xs[3*q], tap_xs[3*q+1], tap_xs[3*q+2]);
        $display("    index %0d  (rgfc region)", tap_idx[q]);
        $display("    y     %0d %0d %0d  (rgfc power curve)", tap_y[3*q], tap_y[3*q+1], tap_y[3*q+2]);
        $display("    out   %0d %0d %0d", out_comp(exp_mem[q][MW-1:0], 0), out_comp(exp_mem[q][MW-1:0], 1),
                 out_comp(exp_mem[q][MW-1:0], 2));
    end
endtask

task report_probe;
    input integer s;
    input [8*40-1:0] name;
    begin
        if (pr_err[s] == 0) begin
            $display("    %0s: %0d pixel(s) compared, no difference", name, pr_n[s]);
        end else begin
            $write("    %0s: %0d difference(s) in %0d pixel(s); first at ", name, pr_err[s], pr_n[s]);
            where_is(pr_pix[s]);
            if (pr_chan[s] >= 0) $write(", channel %0s", chan_name(pr_chan[s]));
            $display(": RTL %0d, expected %0d", pr_got[s], pr_want[s]);
        end
    end
endtask

// the first stage (in pipeline order) whose internal stream differs from the taps
task first_stage;
    begin
        if (nperr > 0 && (f_beat < 0 || fp_frame <= f_beat / NPIX)) $write("parameter engine (alpha, gate or w read back)");
`ifdef TAISP_TB_NO_PROBES
        else $write("unknown (stage probes off)");
`else
        else if (pr_err[0] > 0 && (f_beat < 0 || pr_pix[0] <= f_beat)) $write("glc (xg)");
        else if (pr_err[1] > 0 && (f_beat < 0 || pr_pix[1] <= f_beat)) $write("hsa (A or xs; xg matched)");
        else if (pr_err[2] > 0 && (f_beat < 0 || pr_pix[2] <= f_beat)) $write("rgfc logits/argmax (region index; xg and xs matched)");
        else if (f_beat >= 0 && f_chan >= 0) $write("rgfc power curve/output (y, out; xg, xs and index matched) or the expected file");
        else if (f_beat >= 0) $write("stream framing (sof/eol)");
        else $write("none");
`endif
    end
endtask

task summary;
    begin
        done = 1'b1;
        // an internal stage that differs is a failure too: the block must match the model at every stage
        probe_errors = pr_err[0] + pr_err[1] + pr_err[2];
        if (f_beat >= 0 || nperr > 0 || probe_errors > 0) begin
            $display("TAISP_VECTORS ------------------------------------------------------------");
            if (f_beat >= 0) begin
                $write("TAISP_VECTORS FIRST_MISMATCH output beat %0d: ", f_beat);
                if (f_beat < nbeats) begin
                    where_is(f_beat);
                    if (f_chan >= 0) $write(", channel %0s", chan_name(f_chan));
                    $write(" (%0s): RTL %0d, expected %0d; first stage that differs: ", f_what, f_got, f_want);
                end else begin
                    $write("%0s; first stage that differs: ", f_what);
                end
                first_stage;
                $display("");
                if (f_beat < nbeats) report_taps(f_beat);
            end
            if (nperr > 0) begin
                $write("TAISP_VECTORS FIRST_PARAM_MISMATCH parameters for frame %0d: ", fp_frame);
                param_name(fp_word);
                $display(" RTL %0d, expected %0d", fp_got, fp_want);
            end
`ifndef TAISP_TB_NO_PROBES
            $display("  stage probes (internal taisp_core streams against the taps):");
            report_probe(0, "glc xg");
            report_probe(1, "hsa xs");
            report_probe(2, "rgfc index");
`endif
        end
        if (f_beat < 0 && nperr == 0 && probe_errors == 0 && oidx == nbeats && phase == "done") begin
            $display("TAISP_VECTORS RESULT: PASS frames=%0d size=%0dx%0d beats=%0d values=%0d param_words=%0d probed=%0d,%0d,%0d cycles=%0d",
                     nframes, W, H, nbeats, 3 * nbeats, nparam_checks, pr_n[0], pr_n[1], pr_n[2], cycle);
        end else begin
            $write("TAISP_VECTORS RESULT: FAIL mismatching_beats=%0d param_mismatches=%0d stage_mismatches=%0d beats=%0d/%0d phase=%0s",
                   nerr, nperr, probe_errors, oidx, nbeats, phase);
            if (f_beat >= 0 && f_beat < nbeats) begin
                $write(" first_mismatch: ");
                where_is(f_beat);
                if (f_chan >= 0) $write(", channel %0s", chan_name(f_chan));
                $write(", stage ");
                first_stage;
            end else if (nperr > 0) begin
                $write(" first_mismatch: parameters for frame %0d, stage parameter engine", fp_frame);
            end else if (probe_errors > 0) begin
                $write(" first_mismatch: internal stage, stage ");
                first_stage;
            end
            $display("");
        end
    end
endtask

// ------------------------------------------------------------------ watchdog and early stop
always @(posedge clk) begin
    cycle = cycle + 1;
    if (!done && timeout > 0 && cycle > timeout) begin
        $display("TAISP_VECTORS ERROR: timeout after %0d cycles while %0s (%0d of %0d output beats; s_tready %0d, m_tvalid %0d)",
                 cycle, phase, oidx, nbeats, s_axis_tready, m_axis_tvalid);
        if (phase != "done") phase = "timeout";
        summary;
        $finish;
    end
    if (!done && stop_now) begin
        $display("TAISP_VECTORS stopping after %0d mismatching beat(s) (+max_errors)", nerr);
        summary;
        $finish;
    end
end

// ------------------------------------------------------------------ the test
integer i, k, fwi;
initial begin
    if (!$value$plusargs("vectors=%s", vdir)) vdir = ".";
    if (!$value$plusargs("frames=%d", nframes)) nframes = NF;
    if (!$value$plusargs("seed=%d", seed_in)) seed_in = 1;
    seed_out = seed_in + 7919;
    if (!$value$plusargs("stall_in=%d", stall_in)) stall_in = 0;
    if (!$value$plusargs("stall_out=%d", stall_out)) stall_out = 0;
    if (!$value$plusargs("max_errors=%d", max_errors)) max_errors = 0;
    program_weights = $test$plusargs("no_weights") ? 0 : 1;
    check_params = $test$plusargs("no_params") ? 0 : 1;
    if (nframes < 1 || nframes > NF) nframes = NF;
    nbeats = nframes * NPIX;
    if (stall_in > 95) stall_in = 95;
    if (stall_out > 95) stall_out = 95;
    if (!$value$plusargs("timeout=%d", timeout))
        timeout = 50000 + 6 * (NWR + NFW) + nframes * (20 * (NPIX_IN + 4 * IWD) * (100 / (100 - (stall_in > stall_out ? stall_in : stall_out)))
                                               + 10000 + 30 * NP);

    if (SW != S_TDATA_RTL || MW != M_TDATA_RTL || NP != `TAISP_NPARAM || `TAISP_VEC_REGMAP_VERSION != `TAISP_REGMAP_VERSION) begin
        $display("TAISP_VECTORS ERROR: the vector set (vectors.vh) does not match the generated RTL headers: include the set's gen/");
        $display("  stream %0d/%0d vs %0d/%0d bits, %0d vs %0d parameters, register map %0d vs %0d",
                 SW, MW, S_TDATA_RTL, M_TDATA_RTL, NP, `TAISP_NPARAM, `TAISP_VEC_REGMAP_VERSION, `TAISP_REGMAP_VERSION);
        $display("TAISP_VECTORS RESULT: FAIL setup");
        $finish;
    end
    if (W > MAX_W) begin
        $display("TAISP_VECTORS ERROR: frame width %0d exceeds the block's MAX_W %0d", W, MAX_W);
        $display("TAISP_VECTORS RESULT: FAIL setup");
        $finish;
    end
    // (memories start as x: a file that does not load shows below)
    load("stream_in.hex");
    load("stream_out.hex");
    load("axil_writes.hex");
    if (NFW > 0) load("frame_writes.hex");
`ifdef TAISP_VEC_CAMERA
    load("taps/x.hex");
`endif
    load("params.hex");
    load("taps/xg.hex");
    load("taps/A.hex");
    load("taps/xs.hex");
    load("taps/index.hex");
    load("taps/y.hex");
    if (^in_mem[NB_IN-1] === 1'bx || ^exp_mem[NB-1] === 1'bx || ^wr_mem[NWR-1] === 1'bx || ^par_mem[(NF+1)*NP-1] === 1'bx
        || (NFW > 0 && ^fw_mem[NFW-1] === 1'bx)) begin
        $display("TAISP_VECTORS ERROR: could not read the vector set from %0s (give +vectors=DIR)", vdir);
        $display("TAISP_VECTORS RESULT: FAIL setup");
        $finish;
    end
    $display("TAISP_VECTORS vector set %0s: %0d of %0d frame(s) of %0dx%0d, %0d writes; stalls in %0d%% out %0d%%, seed %0d%0s%0s",
             vdir, nframes, NF, W, H, NWR, stall_in, stall_out, seed_in, program_weights ? "" : ", build-time weights",
             check_params ? "" : ", no parameter read-back");
`ifdef TAISP_VEC_CAMERA
    $display("TAISP_VECTORS camera set: taisp_camera, Bayer frames %0dx%0d (DN_W %0d), %0d write(s) between frames",
             IWD, IHT, `TAISP_VEC_DN_W, NFW);
`endif

    // reset
    rst = 1'b1;
    repeat (8) @(negedge clk);
    rst = 1'b0;
    repeat (4) @(negedge clk);
    phase = "identifying the block";
    axil_read(`TAISP_REG_ID, rd);
    if (rd !== `TAISP_ID) begin
        $display("TAISP_VECTORS ERROR: ID register reads 'h%08h, expected 'h%08h", rd, `TAISP_ID);
        phase = "setup: bad ID";
        summary;
        $finish;
    end
    axil_read(`TAISP_REG_VERSION, rd);
    if (rd !== `TAISP_REGMAP_VERSION) begin
        $display("TAISP_VECTORS ERROR: register map version %0d, the vector set needs %0d", rd, `TAISP_REGMAP_VERSION);
        phase = "setup: register map version";
        summary;
        $finish;
    end
    phase = "waiting for the block after reset";
    wait_ready;

    // program: size, defaults, weights, COMMIT | RESTART
    phase = "programming";
    for (i = 0; i < NWR; i = i + 1) begin
        if (program_weights || wr_mem[i][63:32] < `TAISP_WEIGHT_BASE
            || wr_mem[i][63:32] >= `TAISP_WEIGHT_BASE + 4 * `TAISP_NWEIGHTS)
            axil_write(wr_mem[i][63:32], wr_mem[i][31:0]);
    end
    repeat (4) @(negedge clk);
    phase = "waiting for the commit";
    wait_ready;
    axil_read(`TAISP_REG_ACTIVE_SIZE, rd);
    if (rd !== ((H << `TAISP_ACTIVE_SIZE_HEIGHT) | (W << `TAISP_ACTIVE_SIZE_WIDTH))) begin
        $display("TAISP_VECTORS ERROR: ACTIVE_SIZE reads 'h%08h after the commit, expected %0dx%0d", rd, W, H);
        phase = "setup: frame size";
        summary;
        $finish;
    end

    // frames
    for (k = 0; k < nframes; k = k + 1) begin
        // camera sets: the writes between frames (a new front-end setting, CTRL = COMMIT)
        fwi = 0;
        for (i = 0; i < NFW; i = i + 1)
            if (fw_mem[i][95:64] == k) fwi = fwi + 1;
        if (fwi > 0) begin
            $sformat(phase, "waiting for frame %0d's output", k - 1);
            while (oidx < k * NPIX) @(negedge clk);
            $sformat(phase, "writes before frame %0d", k);
            for (i = 0; i < NFW; i = i + 1)
                if (fw_mem[i][95:64] == k) axil_write(fw_mem[i][63:32], fw_mem[i][31:0]);
            repeat (4) @(negedge clk);
            wait_ready;
        end
        if (check_params) begin
            $sformat(phase, "waiting for frame %0d's output", k - 1);
            while (oidx < k * NPIX) @(negedge clk);
            $sformat(phase, "waiting for the parameters of frame %0d", k);
            wait_ready;
            check_params_for(k);
        end
        $sformat(phase, "streaming frame %0d", k);
        send_frame(k);
    end
    phase = "waiting for the last output";
    while (oidx < nbeats) @(negedge clk);
    repeat (4 * W + 20) @(negedge clk);   // any extra beats
    if (check_params) begin
        phase = "waiting for the parameters after the last frame";
        wait_ready;
        check_params_for(nframes);
    end
    axil_read(`TAISP_REG_ERROR, rd);
    if (rd != 0) begin
        $display("TAISP_VECTORS MISMATCH ERROR register reads 'h%0h (stream errors flagged by the block)", rd);
        nerr = nerr + 1;
    end
    axil_read(`TAISP_REG_FRAMES, rd);
    if (rd != nframes) begin
        $display("TAISP_VECTORS MISMATCH FRAMES register reads %0d, expected %0d", rd, nframes);
        nerr = nerr + 1;
    end
    phase = (nerr == 0) ? "done" : "done with errors";
    summary;
    $finish;
end

endmodule

`default_nettype wire
