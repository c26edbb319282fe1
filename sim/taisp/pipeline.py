"""The TA-ISP block's latency and frame period constants, derived from the RTL's pipeline depths.

The depths are hand-written facts of the RTL in ``hls/rtl/taisp/taisp_pipe.vh`` (each stage module
derives its depth from its own stages and checks it against its define at elaboration); this module
reads them so the benches, the fast path and the docs' figures follow the RTL from one place.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

#: The header the depths live in, and the shared primitives' (isp_table's latency).
PIPE_HEADER = Path(__file__).resolve().parents[2] / "hls" / "rtl" / "taisp" / "taisp_pipe.vh"
DEFS_HEADER = Path(__file__).resolve().parents[2] / "hls" / "rtl" / "common" / "isp_defs.vh"

_DEFINE_RE = re.compile(r"^\s*`define\s+(\w+)\s+([^/\n]+?)\s*(?://.*)?$", re.M)
_TERM_RE = re.compile(r"^(?:\d+|`\w+)$")

#: Beyond the pixel pipeline, from an input beat to its output beat: the windows' look-ahead past
#: 3W (HSA 5x5: 2W + 2, mask head 3x3: W + 1, i.e. 3W + 3), the stream control's push register and
#: the output register's handshake (measured by test_core_throughput with the pipeline's depths).
STREAM_LATENCY = 3 + 1 + 1
#: The parameter engine between frames (taisp_params) waits for a function table 36 times in
#: sequence and spends 5,333 cycles on everything else (measured by test_core_throughput: 5,441
#: cycles with 3-cycle tables, 5,513 with 5-cycle ones).
PARAMS_TABLE_WAITS = 36
PARAMS_OTHER_CYCLES = 5333
#: Frame period minus W*H + 3W + latency: the parameter engine and four cycles of hand-over
#: (the last output beat, the statistics' capture, the engine's start and its done).
HANDOVER_CYCLES = 4


@lru_cache(maxsize=None)
def pipe_defines(header: Path = PIPE_HEADER) -> dict[str, int]:
    """Every define of the header as an integer (sums of integers and earlier defines)."""
    text = header.read_text()
    out: dict[str, int] = {}
    for name, expr in _DEFINE_RE.findall(text):
        terms = [t.strip() for t in expr.strip().strip("()").split("+")]
        if not terms or not all(_TERM_RE.match(t) for t in terms):
            raise ValueError(f"{header}: `define {name} {expr!r} is not a sum of integers and defines")
        total = 0
        for t in terms:
            if t.startswith("`"):
                if t[1:] not in out:
                    raise LookupError(f"{header}: `define {name} uses {t}, not defined before it")
                total += out[t[1:]]
            else:
                total += int(t)
        out[name] = total
    return out


def pipe_define(name: str, header: Path = PIPE_HEADER) -> int:
    """One define of ``taisp_pipe.vh`` (``TAISP_HSA_LATENCY``, ...) or of another such header."""
    d = pipe_defines(header)
    if name not in d:
        raise LookupError(f"no `define {name} in {header}")
    return d[name]


#: Latency of the block's function tables (isp_table, pipelined as TAISP_TABLE_PIPE says).
TABLE_LATENCY = pipe_define("ISP_TABLE_LATENCY_PIPE" if pipe_define("TAISP_TABLE_PIPE") else "ISP_TABLE_LATENCY",
                            DEFS_HEADER)
#: Cycles of the parameter engine between frames.
PARAMS_CYCLES = PARAMS_OTHER_CYCLES + PARAMS_TABLE_WAITS * TABLE_LATENCY


#: Pixel pipeline depth (taisp_glc + taisp_hsa + taisp_rgfc) in cycles.
PIXEL_LATENCY = pipe_define("TAISP_PIXEL_LATENCY")
#: First output beat of a frame 3*W + this cycles after its first input beat.
LATENCY_CONST = STREAM_LATENCY + PIXEL_LATENCY
#: Frame period with no stalls is W*H + 3*W + this: the pipeline's drain (the latency), the
#: hand-over and the parameter engine.
FRAME_OVERHEAD_CONST = LATENCY_CONST + HANDOVER_CYCLES + PARAMS_CYCLES
