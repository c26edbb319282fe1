"""The Yosys ``stat`` report parser of ``sim/yosys_synth.py`` (the synthesis itself takes minutes and
is run by hand: ``.venv/bin/python -m sim.yosys_synth``)."""
from sim.yosys_synth import parse_stat, summarize

STAT = """
15. Printing statistics.

=== taisp_core ===

        +----------Local Count, excluding submodules.
        |
   180856 wires
    71954 cells
      124   $scopeinfo
        1   BUFG
     1715   CARRY4
     1051   DSP48E1
    19680   FDRE
     1465   FDSE
        4   LUT1
     3707   LUT2
    27653   LUT3
     1894   LUT6
        5   RAM32M
       80   RAMB18E1
        6   RAMB36E1
      150   SRL16E
"""


def test_parse_stat_counts_cells_not_wires():
    cells = parse_stat(STAT)
    assert cells["DSP48E1"] == 1051 and cells["FDRE"] == 19680 and cells["RAMB36E1"] == 6
    assert "wires" not in cells and "cells" not in cells and "$scopeinfo" not in cells


def test_summarize_totals():
    s = summarize(parse_stat(STAT))
    assert s["luts"] == 4 + 3707 + 27653 + 1894
    assert s["flip_flops"] == 19680 + 1465
    assert s["dsp48e1"] == 1051 and s["carry4"] == 1715 and s["srl16"] == 150 and s["lutram_cells"] == 5
    assert s["bram_bits"] == 6 * 36 * 1024 + 80 * 18 * 1024


def test_luts_total_counts_lutram_and_srl():
    s = summarize(parse_stat(STAT))
    assert s["lutram_luts"] == 5 * 4  # RAM32M: the four LUTs of a SLICEM
    assert s["luts_total"] == s["luts"] + 5 * 4 + 150
