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

from ..common import eps_raw, one, third_raw
from ..config import QuantConfig
from .schema import TABLES

from golden.taisp import DEFAULT_CHECKPOINT  # noqa: E402  (re-exported for callers)
_HEADER = "Generated from {src} ({name}) by fixedpoint/taisp/codegen.py: do not edit."


def _ident(key: str) -> str:
    return key.replace(".", "_").upper()


def _table_constants(cfg: QuantConfig, name: str) -> dict[str, int]:
    t = cfg.table(name)
    seg = 0 if t.segmentation == "uniform" else 1
    return {"N": int(len(t.entries)), "IN_W": t.in_fmt.width, "IN_F": t.in_fmt.frac, "IN_S": int(t.in_fmt.signed),
            "OUT_W": t.out_fmt.width, "OUT_F": t.out_fmt.frac, "SEG": seg, "PARAM": t.segment_param,
            "PWL": int(t.kind == "pwl"), "RND": int(t.rounding), "OUT_S": int(t.out_fmt.signed),
            "ZCHK": int(t.zero_value is not None), "ZVAL": int(t.zero_value or 0) & ((1 << t.out_fmt.width) - 1),
            "NSIDE": t.n_side}


#: The parameters of ``hls/rtl/common/isp_table.v`` (but INIT_FILE) set from a table's constants, in the
#: module's order; ``TAISP_TAB_<NAME>_PARAMS`` overrides exactly these (a test reads the module's
#: parameter list and compares).
TABLE_MODULE_PARAMS: tuple[str, ...] = ("N", "IN_W", "IN_S", "OUT_W", "OUT_S", "SEG", "PARAM", "PWL", "RND", "ZCHK",
                                        "ZVAL", "NSIDE")


def table_params_macro(name: str) -> str:
    """The ``isp_table`` parameter override list of table ``name`` (its defines, not numbers)."""
    p = f"TAISP_TAB_{name.upper()}"
    return ", ".join(f".{k}(`{p}_{k})" for k in TABLE_MODULE_PARAMS)


#: The output-format parameters of ``hls/rtl/common/isp_rq.v`` -> the suffix of the entry define
#: that sets each, in the module's order; ``TAISP_RQ_<ENTRY>_PARAMS`` overrides exactly these (the
#: input format ``IN_W``, ``IN_F`` stays at the instance; a test compares with the module).
RQ_MODULE_PARAMS: dict[str, str] = {"OUT_W": "W", "OUT_F": "F", "OUT_S": "S", "RND": "RND", "OVF": "OVF"}


def rq_params_macro(key: str) -> str:
    """The ``isp_rq`` output parameter override list of config entry ``key`` (its defines)."""
    p = f"TAISP_{_ident(key)}"
    return ", ".join(f".{k}(`{p}_{v})" for k, v in RQ_MODULE_PARAMS.items())


def verilog_header(cfg: QuantConfig) -> str:
    """The Verilog header (defines) of every entry and table."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "`ifndef TAISP_CONFIG_VH", "`define TAISP_CONFIG_VH", ""]
    for key, q in cfg.entries.items():
        p = f"TAISP_{_ident(key)}"
        lines.append(f"// {key}: {q}")
        for suffix, v in (("W", q.fmt.width), ("F", q.fmt.frac), ("S", int(q.fmt.signed)),
                          ("RND", int(q.rounding)), ("OVF", int(q.overflow))):
            lines.append(f"`define {p}_{suffix} {v}")
        # raw 1.0 (saturated) and the 1e-6 clamp floor of the entry (fixedpoint.common.one/eps_raw)
        lines.append(f"`define {p}_ONE {q.fmt.width}'d{one(q.fmt)}")
        lines.append(f"`define {p}_EPS {q.fmt.width}'d{eps_raw(q.fmt)}")
        # isp_rq into this entry: #(.IN_W(...), .IN_F(...), `TAISP_RQ_<ENTRY>_PARAMS)
        lines.append(f"`define TAISP_RQ_{_ident(key)}_PARAMS {rq_params_macro(key)}")
    third = cfg["hsa.third"].fmt
    lines.append(f"// the constant 1/3 of the channel mean, round(2^F / 3) in hsa.third")
    lines.append(f"`define TAISP_HSA_THIRD_VALUE {third.width}'d{third_raw(third)}")
    lines.append("")
    for name in TABLES:
        lines.append(f"// table {name}: {cfg.table(name).describe()}")
        consts = _table_constants(cfg, name)
        for suffix, v in consts.items():
            lines.append(f"`define TAISP_TAB_{name.upper()}_{suffix} {v}")
        missing = [k for k in TABLE_MODULE_PARAMS if k not in consts]
        if missing:
            raise AssertionError(f"table {name}: no constant for isp_table parameter(s) {missing}")
        lines.append(f"`define TAISP_TAB_{name.upper()}_PARAMS {table_params_macro(name)}")
    lines += ["", "`endif", ""]
    return "\n".join(lines)


def cpp_header(cfg: QuantConfig) -> str:
    """The C++ header: ap_fixed typedefs of every entry and the table constants."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "#ifndef TAISP_CONFIG_H", "#define TAISP_CONFIG_H", "",
             "#include <ap_fixed.h>", "#include <cstdint>", "", "namespace taisp {", ""]
    for key, q in cfg.entries.items():
        lines.append(f"typedef {q.fmt.ap_type(q.rounding.name, q.overflow.name)} {key.replace('.', '_')}_t;  // {key}")
    lines.append("")
    lines.append("// raw values (value = raw * 2^-F) of 1.0 (saturated to the format) and of the 1e-6 clamp floor")
    lines.append("// of every entry (fixedpoint.common.one / eps_raw)")
    for key, q in cfg.entries.items():
        lines.append(f"constexpr int64_t {_ident(key)}_ONE = {one(q.fmt)}LL;")
        lines.append(f"constexpr int64_t {_ident(key)}_EPS = {eps_raw(q.fmt)}LL;")
    third = cfg["hsa.third"].fmt
    lines.append(f"// the constant 1/3 of the channel mean, round(2^F / 3), raw hsa.third")
    lines.append(f"constexpr int64_t HSA_THIRD_VALUE = {third_raw(third)}LL;")
    lines.append("")
    for name in TABLES:
        for suffix, v in _table_constants(cfg, name).items():
            lines.append(f"constexpr int TAB_{name.upper()}_{suffix} = {v};")
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
