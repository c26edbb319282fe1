"""Generated hardware headers from a quantization config, shared by every model: the Verilog
defines and C++ constants of each config entry and each table, under the model's prefix
(``TAISP``, ``POSISP``). Each model's ``codegen.py`` composes its files from these pieces and
adds its own (register map, weights, constants).

Per entry ``<P>_<STAGE>_<NAME>_{W,F,S,RND,OVF,ONE,EPS}`` and ``<P>_RQ_<STAGE>_<NAME>_PARAMS`` (the output
half of ``isp_rq``'s parameter list); per table ``<P>_TAB_<NAME>_{N,IN_W,IN_F,IN_S,OUT_W,OUT_F,SEG,PARAM,
PWL,RND,OUT_S,ZCHK,ZVAL,NSIDE}`` and ``<P>_TAB_<NAME>_PARAMS`` (``isp_table``'s list but INIT_FILE).
Rounding codes: TRN 0, TRN_ZERO 1, RND 2, RND_ZERO 3, RND_MIN_INF 4, RND_INF 5, RND_CONV 6; overflow
codes: SAT 0, SAT_ZERO 1, SAT_SYM 2, WRAP 3 (:class:`fixedpoint.arith.Rounding` / ``Overflow``).
"""
from __future__ import annotations

from .common import eps_raw, one
from .config import QuantConfig


def ident(key: str) -> str:
    """``glc.xg`` -> ``GLC_XG``."""
    return key.replace(".", "_").upper()


def table_constants(cfg: QuantConfig, name: str) -> dict[str, int]:
    """The constants of table ``name`` that the RTL's ``isp_table`` and the C++ need."""
    t = cfg.table(name)
    seg = 0 if t.segmentation == "uniform" else 1
    return {"N": int(len(t.entries)), "IN_W": t.in_fmt.width, "IN_F": t.in_fmt.frac, "IN_S": int(t.in_fmt.signed),
            "OUT_W": t.out_fmt.width, "OUT_F": t.out_fmt.frac, "SEG": seg, "PARAM": t.segment_param,
            "PWL": int(t.kind == "pwl"), "RND": int(t.rounding), "OUT_S": int(t.out_fmt.signed),
            "ZCHK": int(t.zero_value is not None), "ZVAL": int(t.zero_value or 0) & ((1 << t.out_fmt.width) - 1),
            "NSIDE": t.n_side}


#: The parameters of ``hls/rtl/common/isp_table.v`` (but INIT_FILE) set from a table's constants, in the
#: module's order; ``<P>_TAB_<NAME>_PARAMS`` overrides exactly these (a test reads the module's
#: parameter list and compares).
TABLE_MODULE_PARAMS: tuple[str, ...] = ("N", "IN_W", "IN_S", "OUT_W", "OUT_S", "SEG", "PARAM", "PWL", "RND", "ZCHK",
                                        "ZVAL", "NSIDE")

#: The output-format parameters of ``hls/rtl/common/isp_rq.v`` -> the suffix of the entry define
#: that sets each, in the module's order; ``<P>_RQ_<ENTRY>_PARAMS`` overrides exactly these (the
#: input format ``IN_W``, ``IN_F`` stays at the instance; a test compares with the module).
RQ_MODULE_PARAMS: dict[str, str] = {"OUT_W": "W", "OUT_F": "F", "OUT_S": "S", "RND": "RND", "OVF": "OVF"}


def table_params_macro(name: str, prefix: str = "TAISP") -> str:
    """The ``isp_table`` parameter override list of table ``name`` (its defines, not numbers)."""
    p = f"{prefix}_TAB_{name.upper()}"
    return ", ".join(f".{k}(`{p}_{k})" for k in TABLE_MODULE_PARAMS)


def rq_params_macro(key: str, prefix: str = "TAISP") -> str:
    """The ``isp_rq`` output parameter override list of config entry ``key`` (its defines)."""
    p = f"{prefix}_{ident(key)}"
    return ", ".join(f".{k}(`{p}_{v})" for k, v in RQ_MODULE_PARAMS.items())


def verilog_entry_lines(cfg: QuantConfig, prefix: str) -> list[str]:
    """The defines of every config entry (format, modes, raw 1.0 and 1e-6 floor, isp_rq list)."""
    lines = []
    for key, q in cfg.entries.items():
        p = f"{prefix}_{ident(key)}"
        lines.append(f"// {key}: {q}")
        for suffix, v in (("W", q.fmt.width), ("F", q.fmt.frac), ("S", int(q.fmt.signed)),
                          ("RND", int(q.rounding)), ("OVF", int(q.overflow))):
            lines.append(f"`define {p}_{suffix} {v}")
        # raw 1.0 (saturated) and the 1e-6 clamp floor of the entry (fixedpoint.common.one/eps_raw)
        lines.append(f"`define {p}_ONE {q.fmt.width}'d{one(q.fmt)}")
        lines.append(f"`define {p}_EPS {q.fmt.width}'d{eps_raw(q.fmt)}")
        # isp_rq into this entry: #(.IN_W(...), .IN_F(...), `<P>_RQ_<ENTRY>_PARAMS)
        lines.append(f"`define {prefix}_RQ_{ident(key)}_PARAMS {rq_params_macro(key, prefix)}")
    return lines


def verilog_table_lines(cfg: QuantConfig, prefix: str, names) -> list[str]:
    """The defines of every table in ``names`` (constants and the isp_table parameter list)."""
    lines = []
    for name in names:
        lines.append(f"// table {name}: {cfg.table(name).describe()}")
        consts = table_constants(cfg, name)
        for suffix, v in consts.items():
            lines.append(f"`define {prefix}_TAB_{name.upper()}_{suffix} {v}")
        missing = [k for k in TABLE_MODULE_PARAMS if k not in consts]
        if missing:
            raise AssertionError(f"table {name}: no constant for isp_table parameter(s) {missing}")
        lines.append(f"`define {prefix}_TAB_{name.upper()}_PARAMS {table_params_macro(name, prefix)}")
    return lines


def cpp_entry_lines(cfg: QuantConfig) -> list[str]:
    """C++ ap_fixed typedefs of every entry, then the raw 1.0 and 1e-6 constants of each."""
    lines = []
    for key, q in cfg.entries.items():
        lines.append(f"typedef {q.fmt.ap_type(q.rounding.name, q.overflow.name)} {key.replace('.', '_')}_t;  // {key}")
    lines.append("")
    lines.append("// raw values (value = raw * 2^-F) of 1.0 (saturated to the format) and of the 1e-6 clamp floor")
    lines.append("// of every entry (fixedpoint.common.one / eps_raw)")
    for key, q in cfg.entries.items():
        lines.append(f"constexpr int64_t {ident(key)}_ONE = {one(q.fmt)}LL;")
        lines.append(f"constexpr int64_t {ident(key)}_EPS = {eps_raw(q.fmt)}LL;")
    return lines


def cpp_table_lines(cfg: QuantConfig, names) -> list[str]:
    """C++ constants of every table in ``names``."""
    return [f"constexpr int TAB_{name.upper()}_{suffix} = {v};"
            for name in names for suffix, v in table_constants(cfg, name).items()]


__all__ = ["RQ_MODULE_PARAMS", "TABLE_MODULE_PARAMS", "cpp_entry_lines", "cpp_table_lines", "ident", "rq_params_macro",
           "table_constants", "table_params_macro", "verilog_entry_lines", "verilog_table_lines"]
