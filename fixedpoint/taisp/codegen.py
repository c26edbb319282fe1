"""Generated hardware files from the quantization config: the one source of every word length,
mode and table content for the Verilog and the HLS C++ (nothing is typed by hand there).

    .venv/bin/taisp gen --out build/gen            # or: write_all(load_config(), "build/gen")

Writes:

* ``taisp_config.vh``: Verilog defines per config entry ``TAISP_<STAGE>_<NAME>_{W,F,S,RND,OVF}``
  (word length, fractional bits, signedness, rounding and overflow codes, and the entry's raw
  1.0 and 1e-6 floor ``_ONE``/``_EPS``) and per table
  ``TAISP_TAB_<NAME>_{N,IN_W,IN_F,IN_S,OUT_W,OUT_F,SEG,PARAM,PWL,RND,OUT_S,ZCHK,ZVAL,NSIDE}``, plus
  ``TAISP_TAB_<NAME>_PARAMS``: the whole parameter override list of ``isp_table`` for that
  table but ``INIT_FILE`` (``isp_table #(`TAISP_TAB_SIGMOID_PARAMS, .INIT_FILE(...))``); and per
  config entry ``TAISP_RQ_<STAGE>_<NAME>_PARAMS``: the output half of the parameter list of
  ``isp_rq`` (``.OUT_W, .OUT_F, .OUT_S, .RND, .OVF`` from that entry's defines) for a
  requantization into the entry (``isp_rq #(.IN_W(...), .IN_F(...), `TAISP_RQ_GLC_XG_PARAMS)``:
  the input format belongs to the instance, it depends on the product);
* ``taisp_config.h``: C++ ``ap_fixed``/``ap_ufixed`` typedefs ``taisp::<stage>_<name>_t`` with the
  entry's modes, per entry the raw constants ``<STAGE>_<NAME>_ONE`` (1.0, saturated) and
  ``<STAGE>_<NAME>_EPS`` (the 1e-6 clamp floor), ``HSA_THIRD_VALUE``, and the same table constants;
* ``tab_<name>.hex`` (``$readmemh``) and ``tab_<name>.h`` (C++ array) for the five tables;
* ``taisp_regmap.vh`` / ``taisp_regmap.h``: the AXI4-Lite register map, the weight layout (offsets
  ``TAISP_WOFF_*`` and word counts ``TAISP_WLEN_*``) and the model's architecture constants
  (``TAISP_N_REGIONS``, ...) (:mod:`fixedpoint.taisp.regmap`), as Verilog defines and as C++ constants;
* ``weights.hex``: the build-time weight image of a checkpoint (default: the shipped
  ``taisp_w1-4.pth``), ``TAISP_WGT_W``-bit words in the register map's weight order.

Rounding codes: TRN 0, TRN_ZERO 1, RND 2, RND_ZERO 3, RND_MIN_INF 4, RND_INF 5, RND_CONV 6;
overflow codes: SAT 0, SAT_ZERO 1, SAT_SYM 2, WRAP 3 (the values of
:class:`fixedpoint.arith.Rounding` / :class:`~fixedpoint.arith.Overflow`).
"""
from __future__ import annotations

import os
from pathlib import Path

from .. import codegen as _cg
from ..codegen import RQ_MODULE_PARAMS, TABLE_MODULE_PARAMS
from ..common import third_raw
from ..config import QuantConfig
from .schema import TABLES

from golden.taisp import DEFAULT_CHECKPOINT  # noqa: E402  (re-exported for callers)
_HEADER = "Generated from {src} ({name}) by fixedpoint/taisp/codegen.py: do not edit."


def table_params_macro(name: str) -> str:
    """The ``isp_table`` parameter override list of table ``name`` (its defines, not numbers)."""
    return _cg.table_params_macro(name, "TAISP")


def rq_params_macro(key: str) -> str:
    """The ``isp_rq`` output parameter override list of config entry ``key`` (its defines)."""
    return _cg.rq_params_macro(key, "TAISP")


def verilog_header(cfg: QuantConfig) -> str:
    """The Verilog header (defines) of every entry and table."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "`ifndef TAISP_CONFIG_VH", "`define TAISP_CONFIG_VH", ""]
    lines += _cg.verilog_entry_lines(cfg, "TAISP")
    third = cfg["hsa.third"].fmt
    lines.append(f"// the constant 1/3 of the channel mean, round(2^F / 3) in hsa.third")
    lines.append(f"`define TAISP_HSA_THIRD_VALUE {third.width}'d{third_raw(third)}")
    lines.append("")
    lines += _cg.verilog_table_lines(cfg, "TAISP", TABLES)
    lines += ["", "`endif", ""]
    return "\n".join(lines)


def cpp_header(cfg: QuantConfig) -> str:
    """The C++ header: ap_fixed typedefs of every entry and the table constants."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "#ifndef TAISP_CONFIG_H", "#define TAISP_CONFIG_H", "",
             "#include <ap_fixed.h>", "#include <cstdint>", "", "namespace taisp {", ""]
    lines += _cg.cpp_entry_lines(cfg)
    third = cfg["hsa.third"].fmt
    lines.append(f"// the constant 1/3 of the channel mean, round(2^F / 3), raw hsa.third")
    lines.append(f"constexpr int64_t HSA_THIRD_VALUE = {third_raw(third)}LL;")
    lines.append("")
    lines += _cg.cpp_table_lines(cfg, TABLES)
    lines += ["", "}  // namespace taisp", "", "#endif", ""]
    return "\n".join(lines)


def write_all(cfg: QuantConfig, out_dir: str | os.PathLike, weights=None, label: str | None = None) -> list[Path]:
    """Write every generated file into ``out_dir``; returns the paths.

    ``weights``: what ``weights.hex`` holds (the block's weights after reset): quantized
    :class:`~fixedpoint.taisp.params.FixedWeights`, a golden ``TAISP`` module, or a checkpoint
    path (default: the shipped taisp_w1-4.pth). ``label`` names them in the file's comment.
    """
    from golden.taisp.checkpoint import load_checkpoint
    from golden.taisp.model import TAISP

    from . import regmap
    from .params import FixedWeights, quantize_weights

    if isinstance(weights, FixedWeights):
        fw, name = weights, label or "in-memory weights"
    elif isinstance(weights, TAISP):
        fw, name = quantize_weights(weights, cfg), label or "in-memory model"
    else:
        ck = Path(weights) if weights is not None else DEFAULT_CHECKPOINT
        fw, name = quantize_weights(load_checkpoint(ck), cfg), label or ck.name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"taisp_config.vh": verilog_header(cfg), "taisp_config.h": cpp_header(cfg),
             "taisp_regmap.vh": regmap.verilog_header(cfg), "taisp_regmap.h": regmap.cpp_header(cfg),
             "weights.hex": regmap.weights_readmemh(fw, cfg, f"weights of {name}: {regmap.n_weights()} words")}
    for name in TABLES:
        t = cfg.table(name)
        files[f"tab_{name}.hex"] = t.to_readmemh()
        files[f"tab_{name}.h"] = t.to_cpp_array(f"taisp_tab_{name}")
    paths = []
    for fname, text in files.items():
        p = out / fname
        p.write_text(text)
        paths.append(p)
    return paths


__all__ = ["RQ_MODULE_PARAMS", "TABLE_MODULE_PARAMS", "cpp_header", "rq_params_macro", "table_params_macro",
           "verilog_header", "write_all"]
