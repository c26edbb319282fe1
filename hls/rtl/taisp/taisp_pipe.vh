// TA-ISP: pipeline depths of the pixel path in ce cycles, hand-written facts of the RTL (like
// isp_defs.vh): each stage module derives its depth from its own stages (registered products,
// adder trees, requantizers, tables) and checks it against its define here at elaboration, the
// core sums them, and the testbenches read them (sim/taisp/pipeline.py) for the block's
// latency and frame period. Include at file level.

`ifndef TAISP_PIPE_VH
`define TAISP_PIPE_VH

// Adder levels between the registers of the pipelined sums (isp_addtree's LPR): the HSA
// branch sums and the mask head's per-region sums
`define TAISP_TREE_LPR 2

// Function tables of the block (isp_table's PIPE: 1 registers the entries after the memory read
// and the interpolation product before its rounding: ISP_TABLE_LATENCY_PIPE cycles, not
// ISP_TABLE_LATENCY): the HSA sigmoid, the RGFC log2 and exp2, the parameter engine's softplus,
// sigmoid and reciprocal
`define TAISP_TABLE_PIPE 1

// taisp_glc: in_push to out_push (the products' register, the rounding's register, the
// saturation's register, the clamp)
`define TAISP_GLC_LATENCY 4

// taisp_hsa: in_push to out_push, without the window's look-ahead (pooling 3, the window 1,
// the branch sums' trees, acc, z, the sigmoid table, A 3, xs 3)
`define TAISP_HSA_LATENCY 21

// taisp_rgfc: in_push to out_valid, without the window's look-ahead (the window 1, the
// per-region sums' trees, acc 1, logits 1, the argmax tournament, the e product 1, e 1, the
// exp2 table, the out product 1, out 1)
`define TAISP_RGFC_LATENCY 18

// the pixel pipeline taisp_glc -> taisp_hsa -> taisp_rgfc, push to output beat
`define TAISP_PIXEL_LATENCY (`TAISP_GLC_LATENCY + `TAISP_HSA_LATENCY + `TAISP_RGFC_LATENCY)

`endif
