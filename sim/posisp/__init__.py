"""POS-ISP's simulation side: the generated chain's cocotb bench (:mod:`.testbench`), the
expected values it compares against (:mod:`.model`), the runner call that builds a chain, and
the hardware cost table (:mod:`.cost`: Yosys per filter block and chain)."""
