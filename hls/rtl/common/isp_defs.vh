// TA-ISP: hand-written RTL constants shared between modules (the ones that are facts of the
// RTL itself, not of the quantization config or the model: those come from the generated
// taisp_config.vh and taisp_regmap.vh). Include at file level.

`ifndef ISP_DEFS_VH
`define ISP_DEFS_VH

// Pipeline depth of isp_table in ce cycles (segment map, table read, interpolation):
// isp_table checks its pipeline against it, and the instantiators align their side bands
// and waits with it.
`define ISP_TABLE_LATENCY 3
// The same with isp_table's PIPE = 1 (the entries registered after the read, the
// interpolation product registered before its rounding)
`define ISP_TABLE_LATENCY_PIPE 5

`endif
