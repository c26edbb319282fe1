// Formal abstraction of taisp_params (the parameter engine) for the stream-protocol proofs of
// taisp_core (sim/formal): same module name and ports, read instead of
// hls/rtl/taisp/taisp_params.v. Behaviour kept: busy rises the cycle after a start while idle
// and stays high for any number of cycles (the real engine: 5,441), then falls with a one-cycle
// done; a start while busy is ignored; reset makes it idle. Everything else is free: the
// parameters it writes (alpha, gate, w, inv_w) take any values when done pulses, the weight
// address any value each cycle. Proofs over this stub hold for the real engine whatever its
// latency and results (its busy/done handshake is the only assumption).

`default_nettype none

module taisp_params #
(
    // as the real module (values unused but for the widths)
    parameter MEM_DIR = ".",
    parameter WADDR_W = 12,
    parameter NPIX_W = 24
)
(
    input  wire clk,
    input  wire rst,
    input  wire start,
    input  wire use_defaults,
    input  wire [NPIX_W-1:0] n_pix,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUM_W-1:0]   x_sum,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_SUMSQ_W-1:0] x_sumsq,
    input  wire [`TAISP_N_CHANNELS*`TAISP_HSA_DSUM_W-1:0]  xg_sum,
    input  wire [`TAISP_N_REGIONS*`TAISP_RGFC_LSUM_W-1:0]  logit_sum,
    input  wire [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0] def_alpha,
    input  wire [`TAISP_HSA_GATE_W-1:0]    def_gate0,
    output reg  [WADDR_W-1:0] wt_addr,
    input  wire [`TAISP_WGT_W-1:0] wt_data,
    output wire busy,
    output reg  done,
    output reg  [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0]  alpha,
    output reg  [2*`TAISP_HSA_GATE_W-1:0]                   gate,
    output reg  [`TAISP_N_REGIONS*`TAISP_RGFC_W_W-1:0]      w,
    output reg  [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0]  inv_w
);

(* anyseq *) wire finish;
(* anyseq *) wire [WADDR_W-1:0] any_addr;
(* anyseq *) wire [`TAISP_N_CHANNELS*`TAISP_GLC_ALPHA_W-1:0] any_alpha;
(* anyseq *) wire [2*`TAISP_HSA_GATE_W-1:0] any_gate;
(* anyseq *) wire [`TAISP_N_REGIONS*`TAISP_RGFC_W_W-1:0] any_w;
(* anyseq *) wire [`TAISP_N_REGIONS*`TAISP_RGFC_INV_W_W-1:0] any_inv_w;

reg busy_r = 1'b0;
assign busy = busy_r;

always @(posedge clk) begin
    done <= 1'b0;
    wt_addr <= any_addr;
    if (rst) begin
        busy_r <= 1'b0;
    end else if (!busy_r) begin
        if (start) busy_r <= 1'b1;
    end else if (finish) begin
        busy_r <= 1'b0;
        done <= 1'b1;
        alpha <= any_alpha;
        gate <= any_gate;
        w <= any_w;
        inv_w <= any_inv_w;
    end
end

wire unused_ok = use_defaults | (|n_pix) | (|x_sum) | (|x_sumsq) | (|xg_sum) | (|logit_sum) | (|def_alpha)
               | (|def_gate0) | (|wt_data);

endmodule

`default_nettype wire
