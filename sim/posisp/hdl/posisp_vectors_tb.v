// POS-ISP: plain Verilog testbench that replays a vector set (written by `taisp vectors --model
// posisp`) through the set's generated chain (gen/posisp_chain.v). Verilog-2005 with $readmemh
// and $value$plusargs only (no cocotb, no Python, no SystemVerilog); runs under Icarus Verilog
// and Verilator --binary --timing, with the timing discipline of TA-ISP's plain testbench
// (drive just after the falling edge, sample SAMPLE ns later).
//
// What it does: reset; checks ID, VERSION and ORDER0/1 (the set's chain); then per frame k:
// the set's writes for frame k (frame 0: the frame size; k > 0: the driver output of frame
// k-1's thumbnail, every parameter register and per-frame table, then CTRL = COMMIT), polls
// STATUS until COMMIT_PENDING clears, streams the frame (optional random tvalid gaps) and, with
// +thumb, waits for STATUS.THUMB_READY with THUMB_FRAME = k + 1 and compares the whole
// thumbnail window with the set's thumb.hex. Every output beat (data and flags, optional random
// tready backpressure) is compared with the expected stream. At the end ERROR must read 0 and
// FRAMES the frame count. The last line is "POSISP_VECTORS RESULT: PASS ..." or "... FAIL ...".
//
// A camera set (manifest top "camera", POSISP_VEC_CAMERA in vectors.vh) drives the camera top
// gen/posisp_camera.v (the shared front end ahead of the chain) instead: Bayer samples in, one
// per beat (BAYER_WIDTH x BAYER_HEIGHT per frame); add VEC/gen/posisp_camera.v to the sources.
//
// Compile (the set VEC and VEC/gen on the include path; MEM_DIR = VEC/gen):
//   iverilog -g2005 -I VEC -I VEC/gen -I hls/rtl/common -I hls/rtl/posisp -I sim/hdl -s posisp_vectors_tb \
//            -Pposisp_vectors_tb.MEM_DIR=\"VEC/gen\" -o tb.vvp sim/posisp/hdl/posisp_vectors_tb.v \
//            VEC/gen/posisp_chain.v hls/rtl/common/*.v hls/rtl/posisp/*.v
//   vvp -n tb.vvp +vectors=VEC [plusargs]
// Plusargs: +vectors=DIR, +frames=N, +seed=S, +stall_in=P, +stall_out=P (percent),
//   +thumb (read the thumbnail window back after each frame), +max_errors=N, +timeout=C.

`timescale 1ns / 1ps
`default_nettype none

`include "posisp_config.vh"
`include "posisp_regmap.vh"
`include "vectors.vh"

module posisp_vectors_tb #
(
    // Folder of the set's generated files (gen/)
    parameter MEM_DIR = ".",
    // Largest frame the chain is built for (line buffers, thumbnail sums)
    parameter MAX_W = 1920,
    parameter MAX_H = 1080,
    // Width of the frame size
    parameter CW = 12
);

localparam NF = `POSISP_VEC_FRAMES;
localparam W = `POSISP_VEC_WIDTH;
localparam H = `POSISP_VEC_HEIGHT;
localparam NPIX = W * H;
localparam NB = `POSISP_VEC_NBEATS;
`ifdef POSISP_VEC_CAMERA
// the camera's input: Bayer frames, one sample per beat
localparam BW = `POSISP_VEC_BAYER_WIDTH;
localparam BH = `POSISP_VEC_BAYER_HEIGHT;
localparam NB_IN = `POSISP_VEC_NBEATS_IN;
`else
localparam BW = W;
localparam BH = H;
localparam NB_IN = NB;
`endif
localparam NPIX_IN = BW * BH;               // input beats per frame (isp_tb_stream_source.vh)
localparam SW = `POSISP_VEC_S_TDATA_W;
localparam MW = `POSISP_VEC_M_TDATA_W;
localparam ICW = `POSISP_VEC_IN_COMP_W;
localparam OCW = `POSISP_VEC_OUT_COMP_W;
localparam NFW = `POSISP_VEC_NFWRITES;
localparam TW = `POSISP_VEC_THUMB_W;
localparam G = `POSISP_THUMB_SIZE;
localparam NTH = NF * 3 * G * G;
localparam AXIL_ADDR_W = 18;

// ------------------------------------------------------------------ clock, reset, DUT
localparam SAMPLE = 1;
localparam TB_TAG = "POSISP_VECTORS";
reg clk = 1'b0;
reg rst = 1'b1;
always #2 clk = ~clk;

reg  [SW-1:0]          s_axis_tdata = {SW{1'b0}};
reg                    s_axis_tvalid = 1'b0;
wire                   s_axis_tready;
reg                    s_axis_tlast = 1'b0;
reg                    s_axis_tuser = 1'b0;
wire [3*OCW-1:0]       m_axis_tdata;
wire                   m_axis_tvalid;
reg                    m_axis_tready = 1'b0;
wire                   m_axis_tlast;
wire                   m_axis_tuser;
`include "isp_tb_axil_master.vh"      // s_axil_* and the tasks axil_write, axil_read

`ifdef POSISP_VEC_CAMERA
posisp_camera #(.MAX_W(MAX_W), .MAX_H(MAX_H), .INIT_WIDTH(BW), .INIT_HEIGHT(BH), .DN_W(`POSISP_VEC_DN_W),
                .MEM_DIR(MEM_DIR), .AXIL_ADDR_W(AXIL_ADDR_W)) dut (
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_axis_tdata), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
`else
posisp_chain #(.MAX_W(MAX_W), .MAX_H(MAX_H), .CW(CW), .INIT_WIDTH(W), .INIT_HEIGHT(H), .MEM_DIR(MEM_DIR),
               .AXIL_ADDR_W(AXIL_ADDR_W)) dut (
    .clk(clk), .rst(rst),
    .s_axis_tdata(s_axis_tdata[3*ICW-1:0]), .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
`endif
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
reg [SW+1:0] in_mem  [0:NB_IN-1];  // {eol, sof, tdata}
reg [MW+1:0] exp_mem [0:NB-1];
reg [95:0]   fw_mem  [0:NFW-1];    // {frame, address, data}
reg [TW-1:0] th_mem  [0:NTH-1];    // frame, channel (R, G, B), cell row, cell column

reg [8*1024-1:0] vdir;
reg [8*1100-1:0] fname;
reg [8*64-1:0] phase;
integer nframes, nbeats, seed_in, seed_out, stall_in, stall_out, max_errors, timeout, check_thumb;
integer oidx, nerr, nth, cycle;
reg done, stop_now;

task load;
    input [8*32-1:0] name;
    begin
        $sformat(fname, "%0s/%0s", vdir, name);
        if (name == "stream_in.hex") $readmemh(fname, in_mem);
        if (name == "stream_out.hex") $readmemh(fname, exp_mem);
        if (name == "frame_writes.hex") $readmemh(fname, fw_mem);
        if (name == "thumb.hex") $readmemh(fname, th_mem);
    end
endtask

reg [31:0] rd, rd_hi;

task wait_applied;
    begin
        axil_read(`POSISP_REG_STATUS, rd);
        while (rd & `POSISP_STATUS_COMMIT_PENDING_MASK) begin
            repeat (16) @(negedge clk);
            axil_read(`POSISP_REG_STATUS, rd);
        end
    end
endtask

// ------------------------------------------------------------------ input stream
`include "isp_tb_stream_source.vh"     // the task send_frame(k)

// ------------------------------------------------------------------ thumbnail read-back
task check_thumbnail;
    input integer k;
    integer c, i, j;
    reg [63:0] got, want;
    begin
        axil_read(`POSISP_REG_STATUS, rd);
        axil_read(`POSISP_REG_THUMB_FRAME, rd_hi);
        while (!(rd & `POSISP_STATUS_THUMB_READY_MASK) || rd_hi != k + 1) begin
            repeat (16) @(negedge clk);
            axil_read(`POSISP_REG_STATUS, rd);
            axil_read(`POSISP_REG_THUMB_FRAME, rd_hi);
        end
        for (c = 0; c < 3; c = c + 1)
            for (i = 0; i < G; i = i + 1)
                for (j = 0; j < G; j = j + 1) begin
                    axil_read(`POSISP_THUMB_BASE + 8 * ((c * G + i) * G + j), rd);
                    axil_read(`POSISP_THUMB_BASE + 8 * ((c * G + i) * G + j) + 4, rd_hi);
                    got = {rd_hi, rd};
                    want = {{(64-TW){1'b0}}, th_mem[((k * 3 + c) * G + i) * G + j]};
                    nth = nth + 1;
                    if (got !== want) begin
                        nerr = nerr + 1;
                        if (nerr <= 10)
                            $display("POSISP_VECTORS MISMATCH thumbnail frame %0d channel %0d cell (%0d, %0d): RTL %0d, expected %0d",
                                     k, c, i, j, got, want);
                    end
                end
    end
endtask

// ------------------------------------------------------------------ output monitor
task check_beat;
    input integer i;
    input [MW+1:0] got;
    reg [MW+1:0] want;
    begin
        if (i >= nbeats) begin
            nerr = nerr + 1;
            if (nerr <= 10) $display("POSISP_VECTORS MISMATCH output beat %0d: more beats than the %0d expected", i, nbeats);
        end else begin
            want = exp_mem[i];
            if (got !== want) begin
                nerr = nerr + 1;
                if (nerr <= 10)
                    $display("POSISP_VECTORS MISMATCH output frame %0d, line %0d, pixel %0d: RTL 'h%0h, expected 'h%0h ({eol, sof, tdata})",
                             i / NPIX, (i % NPIX) / W, i % W, got, want);
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
            check_beat(oidx, {m_axis_tlast, m_axis_tuser, {(MW-3*OCW){1'b0}}, m_axis_tdata});
            oidx = oidx + 1;
        end
    end
end

task summary;
    begin
        done = 1'b1;
        if (nerr == 0 && oidx == nbeats)
            $display("POSISP_VECTORS RESULT: PASS %0d frame(s) of %0dx%0d, %0d output beats, %0d thumbnail sums, %0d cycles",
                     nframes, W, H, oidx, nth, cycle);
        else
            $display("POSISP_VECTORS RESULT: FAIL %0d mismatch(es), %0d of %0d output beats, %0d thumbnail sums (%0s)",
                     nerr, oidx, nbeats, nth, phase);
    end
endtask

// ------------------------------------------------------------------ watchdog
always @(posedge clk) begin
    cycle = cycle + 1;
    if (!done && timeout > 0 && cycle > timeout) begin
        $display("POSISP_VECTORS ERROR: timeout after %0d cycles while %0s (%0d of %0d output beats)", cycle, phase, oidx, nbeats);
        phase = "timeout";
        summary;
        $finish;
    end
    if (!done && stop_now) begin
        summary;
        $finish;
    end
end

// ------------------------------------------------------------------ the test
integer i, k;
initial begin
    cycle = 0;
    oidx = 0;
    nerr = 0;
    nth = 0;
    done = 1'b0;
    stop_now = 1'b0;
    phase = "setup";
    if (!$value$plusargs("vectors=%s", vdir)) vdir = ".";
    if (!$value$plusargs("frames=%d", nframes)) nframes = NF;
    if (!$value$plusargs("seed=%d", seed_in)) seed_in = 1;
    seed_out = seed_in + 7919;
    if (!$value$plusargs("stall_in=%d", stall_in)) stall_in = 0;
    if (!$value$plusargs("stall_out=%d", stall_out)) stall_out = 0;
    if (!$value$plusargs("max_errors=%d", max_errors)) max_errors = 0;
    check_thumb = $test$plusargs("thumb") ? 1 : 0;
    if (nframes < 1 || nframes > NF) nframes = NF;
    nbeats = nframes * NPIX;
    if (stall_in > 95) stall_in = 95;
    if (stall_out > 95) stall_out = 95;
    if (!$value$plusargs("timeout=%d", timeout))
        timeout = 100000 + 8 * NFW + nframes * (30 * (NPIX_IN + 30 * BW) * (100 / (100 - (stall_in > stall_out ? stall_in : stall_out)))
                                               + check_thumb * 80 * 3 * G * G);
`ifdef POSISP_VEC_CAMERA
    if (ICW > SW || ICW != `POSISP_VEC_DN_W || 3 * OCW > MW || OCW != `POSISP_CHAIN_OUT_W
        || `POSISP_VEC_REGMAP_VERSION != `POSISP_REGMAP_VERSION) begin
`else
    if (3 * ICW > SW || 3 * OCW > MW || ICW != `POSISP_FRONTEND_X_W || OCW != `POSISP_CHAIN_OUT_W
        || `POSISP_VEC_REGMAP_VERSION != `POSISP_REGMAP_VERSION) begin
`endif
        $display("POSISP_VECTORS ERROR: the vector set (vectors.vh) does not match the generated headers: include the set's gen/");
        $display("POSISP_VECTORS RESULT: FAIL setup");
        $finish;
    end
    load("stream_in.hex");
    load("stream_out.hex");
    load("frame_writes.hex");
    if (check_thumb) load("thumb.hex");
    if (^in_mem[NB_IN-1] === 1'bx || ^exp_mem[NB-1] === 1'bx || ^fw_mem[NFW-1] === 1'bx
        || (check_thumb && ^th_mem[NTH-1] === 1'bx)) begin
        $display("POSISP_VECTORS ERROR: could not read the vector set from %0s (give +vectors=DIR)", vdir);
        $display("POSISP_VECTORS RESULT: FAIL setup");
        $finish;
    end
    $display("POSISP_VECTORS vector set %0s: %0d of %0d frame(s) of %0dx%0d, %0d writes; stalls in %0d%% out %0d%%, seed %0d%0s",
             vdir, nframes, NF, W, H, NFW, stall_in, stall_out, seed_in, check_thumb ? ", thumbnail read-back" : "");

    rst = 1'b1;
    repeat (8) @(negedge clk);
    rst = 1'b0;
    repeat (4) @(negedge clk);
    phase = "identifying the block";
    axil_read(`POSISP_REG_ID, rd);
    if (rd !== `POSISP_ID) begin
        $display("POSISP_VECTORS ERROR: ID register reads 'h%08h, expected 'h%08h", rd, `POSISP_ID);
        summary;
        $finish;
    end
    axil_read(`POSISP_REG_ORDER0, rd);
    axil_read(`POSISP_REG_ORDER1, rd_hi);
    if (rd !== `POSISP_VEC_ORDER0 || rd_hi !== `POSISP_VEC_ORDER1) begin
        $display("POSISP_VECTORS ERROR: ORDER0/1 read 'h%08h/'h%08h, the set's chain is 'h%08h/'h%08h",
                 rd, rd_hi, `POSISP_VEC_ORDER0, `POSISP_VEC_ORDER1);
        phase = "setup: another chain";
        summary;
        $finish;
    end

    for (k = 0; k < nframes; k = k + 1) begin
        $sformat(phase, "writes before frame %0d", k);
        for (i = 0; i < NFW; i = i + 1)
            if (fw_mem[i][95:64] == k) axil_write(fw_mem[i][63:32], fw_mem[i][31:0]);
        $sformat(phase, "waiting for frame %0d's COMMIT", k);
        wait_applied;
        if (k == 0) begin
            axil_read(`POSISP_REG_ACTIVE_SIZE, rd);
            if (rd !== ((H << `POSISP_ACTIVE_SIZE_HEIGHT) | (W << `POSISP_ACTIVE_SIZE_WIDTH))) begin
                $display("POSISP_VECTORS ERROR: ACTIVE_SIZE reads 'h%08h after the commit, expected %0dx%0d", rd, W, H);
                summary;
                $finish;
            end
        end
        $sformat(phase, "streaming frame %0d", k);
        send_frame(k);
        if (check_thumb) begin
            $sformat(phase, "reading frame %0d's thumbnail", k);
            check_thumbnail(k);
        end
    end
    phase = "waiting for the last output";
    while (oidx < nbeats) @(negedge clk);
    repeat (4 * W + 20) @(negedge clk);
    axil_read(`POSISP_REG_ERROR, rd);
    if (rd != 0) begin
        $display("POSISP_VECTORS MISMATCH ERROR register reads 'h%0h", rd);
        nerr = nerr + 1;
    end
    axil_read(`POSISP_REG_FRAMES, rd);
    if (rd != nframes) begin
        $display("POSISP_VECTORS MISMATCH FRAMES register reads %0d, expected %0d", rd, nframes);
        nerr = nerr + 1;
    end
    phase = (nerr == 0) ? "done" : "done with errors";
    summary;
    $finish;
end

endmodule

`default_nettype wire
