"""The shared cocotb test-bench library: clocks and resets, idle and backpressure generators,
an AXI4-Stream/AXI4-Lite bench with hang timeouts, and bit-exact frame comparison.

Every block's bench builds on these (``sim/taisp/testbench.py`` for TA-ISP); the cocotb tests
themselves live in ``sim/tb/<model>/`` and ``sim/tb/common/`` (the shared primitives).
"""
from .compare import compare_frames
from .patterns import CROSSED_PATTERNS, backpressure_pattern, idle_pattern, random_pattern
from .stream import ClockedTB, StreamTB

__all__ = ["CROSSED_PATTERNS", "ClockedTB", "StreamTB", "backpressure_pattern", "compare_frames", "idle_pattern",
           "random_pattern"]
