// isp_tb_stream_source.vh: the input stream source of the plain Verilog testbenches
// (sim/taisp/hdl/taisp_vectors_tb.v, sim/posisp/hdl/posisp_vectors_tb.v), included in the module
// body: the task send_frame(k) plays frame k of the set's input memory out on s_axis_*, with a
// gap (tvalid low) before each beat with probability stall_in percent.
//
// The including module declares, before the include: clk; the localparams SAMPLE (as in
// isp_tb_axil_master.vh), SW (input tdata bits) and NPIX_IN (input beats per frame); the
// registers s_axis_tdata [SW-1:0], s_axis_tvalid, s_axis_tlast, s_axis_tuser; the wire
// s_axis_tready; the memory in_mem of {eol, sof, tdata} words (SW + 2 bits, frame after frame);
// the integers stall_in (percent, 0: no gaps) and seed_in (the $random seed).

task send_frame;
    input integer k;
    integer i;
    reg [SW+1:0] b;
    begin
        for (i = 0; i < NPIX_IN; i = i + 1) begin
            @(negedge clk);
            if (stall_in > 0) begin
                while (($unsigned($random(seed_in)) % 100) < stall_in) begin
                    s_axis_tvalid = 1'b0;
                    @(negedge clk);
                end
            end
            b = in_mem[k*NPIX_IN + i];
            s_axis_tdata = b[SW-1:0];
            s_axis_tuser = b[SW];
            s_axis_tlast = b[SW+1];
            s_axis_tvalid = 1'b1;
            #(SAMPLE);
            while (!s_axis_tready) begin
                @(negedge clk);
                #(SAMPLE);
            end
        end
        @(negedge clk);
        s_axis_tvalid = 1'b0;
        s_axis_tuser = 1'b0;
        s_axis_tlast = 1'b0;
    end
endtask
