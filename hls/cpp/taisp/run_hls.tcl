# Vitis HLS: C simulation and C synthesis of the TA-ISP block taisp_core (hls/cpp/taisp/, with the shared primitives of hls/cpp/common/).
#
# Written for Vitis HLS 2022.1 or later (the `#pragma HLS INTERFACE mode=...` syntax); it has
# NOT been run in this project (no Vitis HLS here): the C simulation is checked with g++ instead
# (sim/taisp/csim.py, tests/hls/). See hls/cpp/taisp/README.md.
#
# Inputs (environment variables, all optional except where noted):
#   TAISP_GEN      folder of the generated headers taisp_config.h, taisp_regmap.h, tab_<name>.h
#                  (`taisp gen --out build/gen`; default build/gen beside the repository root)
#   TAISP_VECTORS  a vector set for csim_design (`python -m sim.taisp.csim --out build/csim_run`;
#                  default build/csim_run); csim is skipped when the folder does not exist
#   TAISP_PART     FPGA part (default xczu7ev-ffvc1156-2-e, the ZCU104's; e.g. xc7k325tffg900-2)
#   TAISP_CLOCK    clock period in ns (default 4.0, 250 MHz)
#   TAISP_MAX_W    line buffer depth in pixels (default 2048)
#   TAISP_STEPS    which steps to run: any of csim csynth cosim export (default "csim csynth")
#
#   cd <repository root>
#   .venv/bin/taisp gen --out build/gen
#   .venv/bin/python -m sim.taisp.csim --size 64x48 --frames 4 --out build/csim_run
#   vitis_hls -f hls/cpp/taisp/run_hls.tcl

proc env_or {name default} {
    if {[info exists ::env($name)] && $::env($name) ne ""} { return $::env($name) }
    return $default
}

set here [file dirname [file normalize [info script]]]
set root [file normalize [file join $here .. .. ..]]
set common [file normalize [file join $here .. common]]
set vectors [file normalize [env_or TAISP_VECTORS [file join $root build csim_run]]]
# the vector set's own generated headers (its config) unless TAISP_GEN says otherwise
if {[file isdirectory [file join $vectors gen]]} {
    set gen_default [file join $vectors gen]
} else {
    set gen_default [file join $root build gen]
}
set gen [file normalize [env_or TAISP_GEN $gen_default]]
set part [env_or TAISP_PART xczu7ev-ffvc1156-2-e]
set clock [env_or TAISP_CLOCK 4.0]
set max_w [env_or TAISP_MAX_W 2048]
set steps [env_or TAISP_STEPS "csim csynth"]

if {![file exists [file join $gen taisp_config.h]] || ![file exists [file join $gen taisp_regmap.h]]} {
    error "no generated headers in $gen: run `taisp gen --out $gen` first"
}

set cflags "-std=c++14 -I$gen -I$here -I$common -DTAISP_MAX_W=$max_w"
set tbflags "$cflags -I[file join $here tb]"

open_project -reset [file join $root build hls_prj]
set_top taisp_core
add_files [file join $here taisp_core.cpp] -cflags $cflags
foreach h {taisp_core.h taisp_types.h taisp_table.h taisp_glc.h taisp_hsa.h taisp_rgfc.h taisp_params.h} {
    add_files [file join $here $h] -cflags $cflags
}
add_files [file join $common isp_window.h] -cflags $cflags
add_files -tb [file join $here tb taisp_csim.cpp] -cflags $tbflags
add_files -tb [file join $here tb vectors.cpp] -cflags $tbflags

open_solution -reset solution1 -flow_target vivado
set_part $part
create_clock -period $clock -name default
# one pixel per clock: the pixel loops are pipelined at II=1 by their pragmas
config_compile -pipeline_loops 0

if {[lsearch $steps csim] >= 0} {
    if {[file isdirectory $vectors]} {
        csim_design -argv $vectors
    } else {
        puts "run_hls.tcl: no vector set at $vectors, C simulation skipped"
    }
}
if {[lsearch $steps csynth] >= 0} {
    csynth_design
}
if {[lsearch $steps cosim] >= 0} {
    # RTL co-simulation replays the same testbench (slow: keep the vector set small)
    cosim_design -argv "$vectors --no-taps"
}
if {[lsearch $steps export] >= 0} {
    export_design -format ip_catalog -vendor taisp -library hls -version 1.0
}
exit
