"""Generated hardware files of POS-ISP from its quantization config, through the shared code
generator (:mod:`fixedpoint.codegen`, the one TA-ISP's headers come from):

    write_all(load_posisp_config(), "build/gen_posisp")        # order: the shipped checkpoint's

Writes:

* ``posisp_config.vh``: per config entry ``POSISP_<STAGE>_<NAME>_{W,F,S,RND,OVF,ONE,EPS}`` and
  ``POSISP_RQ_<STAGE>_<NAME>_PARAMS`` (``isp_rq``'s output parameters); per table (build-time and
  per-frame) ``POSISP_TAB_<NAME>_{N,IN_W,IN_F,IN_S,OUT_W,OUT_F,SEG,PARAM,PWL,RND,OUT_S,ZCHK,ZVAL,NSIDE}``
  and ``POSISP_TAB_<NAME>_PARAMS`` (``isp_table``'s parameter list but INIT_FILE); the pixel path's
  constants ``POSISP_LUM_R`` ... ``POSISP_K08`` (raw, :func:`fixedpoint.posisp.schema.constants`) and
  the window sizes ``POSISP_DENOISE_SEARCH`` (5: offsets -5..5), ``POSISP_DENOISE_PATCH`` (2: 5x5);
* ``posisp_config.h``: the same as C++ (``ap_fixed`` typedefs ``posisp::<stage>_<name>_t``, raw constants);
* ``posisp_regmap.vh`` / ``posisp_regmap.h``: the register map (:mod:`fixedpoint.posisp.regmap`) with the
  generated chain's order (``POSISP_ORDER0_VALUE``, ...);
* ``posisp_driver.h``: the driver's constants for its C twin (working precision ``DRV_DF``, ``DRV_LOG2E``,
  the exp2 constants ``DRV_K[]``, ``DRV_EPS6``, ``DRV_EPS8``), next to ``tab_contrast_g.h`` which it reads;
* ``tab_<name>.hex`` / ``tab_<name>.h`` for the build-time tables (``contrast_g``, ``den_recip``,
  ``sat_recip``) and ``tab_<name>_default.hex`` / ``.h`` for the per-frame tables (``gamma``, ``contrast``,
  ``denoise``): their reset contents, the driver's output for the default parameters.
"""
from __future__ import annotations

import os
from pathlib import Path

from .. import codegen as _cg
from ..config import QuantConfig
from . import regmap
from .driver import DEFAULT_P, SQRT_EXTRA, default_output, driver_math
from .schema import FRAME_TABLES, TABLES, constants

_HEADER = "Generated from {src} ({name}) by fixedpoint/posisp/codegen.py: do not edit."
#: denoise's window: search offsets -SEARCH..SEARCH, patch -PATCH..PATCH (golden.posisp.filters)
WINDOW_CONSTANTS: dict[str, tuple[int, str]] = {
    "DENOISE_SEARCH": (5, "denoise: search offsets -5..5 (11x11)"),
    "DENOISE_PATCH": (2, "denoise: patch offsets -2..2 (5x5)"),
    "SHARPEN_K": (3, "sharpen: 3x3 window"),
}


def verilog_header(cfg: QuantConfig) -> str:
    """``posisp_config.vh``: every entry, table and constant as defines."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "`ifndef POSISP_CONFIG_VH", "`define POSISP_CONFIG_VH", ""]
    lines += _cg.verilog_entry_lines(cfg, "POSISP")
    lines.append("")
    lines += _cg.verilog_table_lines(cfg, "POSISP", TABLES + FRAME_TABLES)
    lines.append("")
    lines.append("// constant coefficients, raw (fixedpoint.posisp.schema.constants)")
    for name, v in constants(cfg).items():
        key = {"LUM": "const.lum", "BT601": "const.bt601", "K08": "const.k08"}[name.split("_")[0]]
        lines.append(f"`define POSISP_{name} {cfg[key].fmt.width}'d{v}")
    for name, (v, desc) in WINDOW_CONSTANTS.items():
        lines.append(f"`define POSISP_{name} {v}  // {desc}")
    lines += ["", "`endif", ""]
    return "\n".join(lines)


def cpp_header(cfg: QuantConfig) -> str:
    """``posisp_config.h``: ap_fixed typedefs, raw constants and table constants (namespace posisp)."""
    lines = [f"// {_HEADER.format(src=cfg.source, name=cfg.name)}", "#ifndef POSISP_CONFIG_H", "#define POSISP_CONFIG_H", "",
             "#include <ap_fixed.h>", "#include <cstdint>", "", "namespace posisp {", ""]
    lines += _cg.cpp_entry_lines(cfg)
    lines.append("// constant coefficients, raw (fixedpoint.posisp.schema.constants)")
    lines += [f"constexpr int64_t {name} = {v}LL;" for name, v in constants(cfg).items()]
    lines += [f"constexpr int {name} = {v};  // {desc}" for name, (v, desc) in WINDOW_CONSTANTS.items()]
    lines.append("")
    lines += _cg.cpp_table_lines(cfg, TABLES + FRAME_TABLES)
    lines += ["", "}  // namespace posisp", "", "#endif", ""]
    return "\n".join(lines)


def driver_header(cfg: QuantConfig) -> str:
    """``posisp_driver.h``: the driver's integer constants (fixedpoint/posisp/driver.py) for its C twin."""
    M = driver_math(cfg)
    lines = [f"/* {_HEADER.format(src=cfg.source, name=cfg.name)} */", "#ifndef POSISP_DRIVER_H", "#define POSISP_DRIVER_H", "",
             "#include <stdint.h>", "",
             "/* the driver's working precision: values with DRV_DF fractional bits (driver.work) */",
             f"#define POSISP_DRV_DF {M.df}",
             f"#define POSISP_DRV_P_F {cfg['driver.p'].fmt.frac}  /* fractional bits of the 27 raw parameters (driver.p) */",
             f"#define POSISP_DRV_LOG2E {M.LOG2E}LL  /* round(2^DF / ln 2) */",
             f"#define POSISP_DRV_EPS6 {M.EPS6}LL  /* div(2^DF, 10^6) */",
             f"#define POSISP_DRV_EPS8 {M.EPS8}LL  /* div(2^DF, 10^8) */",
             f"#define POSISP_DRV_NPARAMS {len(DEFAULT_P)}",
             f"#define POSISP_DRV_SQRT_EXTRA {SQRT_EXTRA}  /* denoise square roots carry DF + this many fractional bits */",
             "",
             "/* exp2 constants: K[0] = 2^(DF+1), K[i] = isqrt(K[i-1] * 2^DF) = floor(2^(2^-i) * 2^DF) */",
             f"static const int64_t posisp_drv_k[{len(M.K)}] = {{" + ", ".join(f"{k}LL" for k in M.K) + "};",
             "", "#endif", ""]
    return "\n".join(lines)


def default_order() -> list[str]:
    """The filter order of the shipped checkpoint (golden.posisp.DEFAULT_CHECKPOINT)."""
    from golden.posisp import DEFAULT_CHECKPOINT, load_posisp_checkpoint

    return load_posisp_checkpoint(DEFAULT_CHECKPOINT).sequence()


def write_all(cfg: QuantConfig, out_dir: str | os.PathLike, order=None) -> list[Path]:
    """Write every generated file into ``out_dir``; returns the paths. ``order``: the chain's
    filter names (default: the shipped checkpoint's order)."""
    order = default_order() if order is None else list(order)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"posisp_config.vh": verilog_header(cfg), "posisp_config.h": cpp_header(cfg),
             "posisp_regmap.vh": regmap.verilog_header(cfg, order), "posisp_regmap.h": regmap.cpp_header(cfg, order),
             "posisp_driver.h": driver_header(cfg)}
    for name in TABLES:
        t = cfg.table(name)
        files[f"tab_{name}.hex"] = t.to_readmemh()
        files[f"tab_{name}.h"] = t.to_cpp_array(f"posisp_tab_{name}")
    dflt = default_output(cfg)
    for name in FRAME_TABLES:
        t = cfg.table(name).with_entries(dflt.tables[name])
        files[f"tab_{name}_default.hex"] = t.to_readmemh()
        files[f"tab_{name}_default.h"] = t.to_cpp_array(f"posisp_tab_{name}_default")
    paths = []
    for fname, text in files.items():
        p = out / fname
        p.write_text(text)
        paths.append(p)
    return paths


__all__ = ["WINDOW_CONSTANTS", "cpp_header", "default_order", "driver_header", "verilog_header", "write_all"]
