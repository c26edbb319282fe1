"""POS-ISP's simulation side: the generated chain's cocotb bench (:mod:`.testbench`), the
expected values it compares against (:mod:`.model`) and the runner call that builds a chain."""
