"""POS-ISP's quantization-config schema: every entry of the fixed-point chain by stage (one
stage per filter, with the reference's filter names), its build-time function tables, its
per-frame tables (contents written by the driver each frame) and which table formats must
equal which entries'. The datapath these entries quantize is specified in
``fixedpoint/README.md`` (section "POS-ISP").
"""
from __future__ import annotations

from ..config import ConfigSchema, QuantConfig, load_config
from . import DEFAULT_CONFIG

#: Every entry the model needs, by stage. ``chain.x`` is the one format between filters (its
#: integer bits carry the values above 1 of the float model); every filter reads and writes it.
ENTRIES: dict[str, tuple[str, ...]] = {
    "frontend": ("gain", "x", "avg"),              # the shared Bayer front end (fixedpoint/frontend.py)
    "thumb": ("sum",),                             # 64x64 area sums of the chain input (exact)
    "driver": ("p", "work"),                       # driver input (27 raw parameters) and working precision
    "const": ("lum", "bt601", "k08"),              # constant coefficients (filters' luma, BT.601 luma, 0.8)
    "chain": ("x", "out"),                         # inter-filter format; the 8-bit output
    "exposure": ("gain",),
    "ccm": ("m",),
    "sharpen": ("a", "c"),
    "denoise": ("y", "d", "w", "den", "inv", "num"),
    "tone": ("slope", "offset"),
    "contrast": ("L", "k"),
    "saturation": ("c", "inv", "t", "g", "mg", "delta", "a"),
    "wnb": ("a", "lum"),
    "wb": ("gain",),
}
#: Build-time function tables (contents generated from the config, like TA-ISP's).
TABLES: tuple[str, ...] = ("contrast_g", "den_recip", "sat_recip")
#: Per-frame tables: layout from the config, contents from the driver every frame.
FRAME_TABLES: tuple[str, ...] = ("gamma", "contrast", "denoise")

#: (table, side, entry): the table's input (or output) format must equal the entry's format.
TABLE_LINKS: tuple[tuple[str, str, str], ...] = (
    ("gamma", "in_fmt", "chain.x"),
    ("gamma", "out_fmt", "chain.x"),
    ("contrast", "in_fmt", "contrast.L"),
    ("contrast", "out_fmt", "contrast.k"),
    ("contrast_g", "in_fmt", "contrast.L"),
    ("contrast_g", "out_fmt", "contrast.k"),
    ("denoise", "in_fmt", "denoise.d"),
    ("denoise", "out_fmt", "denoise.w"),
    ("den_recip", "in_fmt", "denoise.den"),
    ("den_recip", "out_fmt", "denoise.inv"),
    ("sat_recip", "in_fmt", "saturation.c"),
    ("sat_recip", "out_fmt", "saturation.inv"),
)

POSISP_SCHEMA = ConfigSchema("posisp", ENTRIES, TABLES, TABLE_LINKS, DEFAULT_CONFIG, FRAME_TABLES)


def load_posisp_config(path=None) -> QuantConfig:
    """Read and validate a POS-ISP quantization config (default: ``configs/default.toml``),
    including the structural rules of :func:`check_structure`."""
    cfg = load_config(path, POSISP_SCHEMA)
    check_structure(cfg)
    return cfg


def check_structure(cfg: QuantConfig) -> None:
    """The rules the datapath needs beyond the table links (a broken one raises ConfigError naming
    the entry): unsigned pixel formats holding 1.0; ``denoise.d`` exact (twice ``denoise.y``'s
    fractional bits, wide enough for 25 squares); ``denoise.den`` with ``denoise.w``'s fractional
    bits and room for 121 weights; ``saturation.c`` with ``chain.x``'s fractional bits; the
    output format integer (``chain.out`` u8.0 by default); ``driver.work`` wide enough."""
    from ..config import ConfigError

    def err(key: str, msg: str) -> ConfigError:
        return ConfigError(f"{cfg.source}: [{key}] {msg}")

    x = cfg["chain.x"].fmt
    for key in ("chain.x", "saturation.c", "contrast.L", "denoise.y", "denoise.w", "denoise.den", "thumb.sum"):
        f = cfg[key].fmt
        if f.signed or f.int_bits < 1:
            raise err(key, f"must be unsigned and hold 1.0, got {f}")
    if cfg["saturation.c"].fmt.frac != x.frac:
        raise err("saturation.c", f"needs chain.x's {x.frac} fractional bits (a clamp, no rounding), got {cfg['saturation.c'].fmt}")
    y, d = cfg["denoise.y"].fmt, cfg["denoise.d"].fmt
    if d.frac != 2 * y.frac or d.signed or d.width < 2 * y.frac + 5:
        raise err("denoise.d", f"must be u(>= {2 * y.frac + 5}).{2 * y.frac} (exact sum of 25 squares of denoise.y), got {d}")
    w, den = cfg["denoise.w"].fmt, cfg["denoise.den"].fmt
    if den.frac != w.frac or den.int_bits < 7:
        raise err("denoise.den", f"must have denoise.w's {w.frac} fractional bits and 7 integer bits (121 weights), got {den}")
    if cfg["chain.out"].fmt.frac != 0:
        raise err("chain.out", f"must be an integer format, got {cfg['chain.out'].fmt}")
    if cfg["driver.work"].fmt.width < 40 or cfg["driver.work"].fmt.frac < 16:
        raise err("driver.work", f"needs at least 40 bits with 16 fractional, got {cfg['driver.work'].fmt}")
    if cfg["thumb.sum"].fmt.frac != cfg["frontend.x"].fmt.frac:
        raise err("thumb.sum", "must have frontend.x's fractional bits (exact sums)")
    for key, bits in exact_bits(cfg).items():
        if bits > 62:
            raise err(key, f"an exact product or sum there needs {bits} bits; the model computes in int64 (62 at most)")


def exact_bits(cfg: QuantConfig) -> dict[str, int]:
    """Bits (sign included) of the widest exact product or sum of each filter's datapath
    (fixedpoint/README.md), keyed by the entry it is requantized into."""
    W = {k: q.fmt.width for k, q in cfg.entries.items()}
    F = {k: q.fmt.frac for k, q in cfg.entries.items()}
    x = W["chain.x"]
    return {
        "exposure.gain": x + W["exposure.gain"] + 1,
        "ccm.m": x + W["ccm.m"] + 2,
        "sharpen.c": max(W["sharpen.a"] + x + max(F["sharpen.c"] - F["sharpen.a"], 0), W["sharpen.c"] + x + 4) + 2,
        "denoise.y": W["const.bt601"] + x + 3,
        "denoise.d": 2 * W["denoise.y"] + 6,
        "denoise.num": W["denoise.w"] + x + 8,
        "denoise.inv": W["denoise.num"] + W["denoise.inv"] + 1,
        "tone.offset": max(W["tone.offset"] + max(F["tone.slope"] + F["chain.x"] - F["tone.offset"], 0),
                           W["tone.slope"] + F["chain.x"]) + 2,
        "contrast.k": max(W["const.lum"] + x + 3, x + W["contrast.k"] + 1),
        "saturation.delta": max(W["saturation.c"] + W["saturation.inv"], W["saturation.t"] + W["saturation.mg"],
                                W["saturation.c"] + max(F["saturation.a"] + F["saturation.delta"] - F["saturation.c"], 0),
                                W["saturation.a"] + W["saturation.delta"]) + 2,
        "wnb.lum": max(W["const.lum"] + x + 3, W["wnb.a"] + x + max(F["wnb.lum"] - F["chain.x"], 0) + 2,
                       W["wnb.a"] + W["wnb.lum"] + 2),
        "wb.gain": x + W["wb.gain"] + 1,
        "chain.out": x + 9,
    }





#: The constant coefficients of the pixel path: name -> (config entry, exact value as a fraction).
CONSTANTS: dict[str, tuple[str, int, int]] = {
    "LUM_R": ("const.lum", 27, 100), "LUM_G": ("const.lum", 67, 100), "LUM_B": ("const.lum", 6, 100),
    "BT601_R": ("const.bt601", 299, 1000), "BT601_G": ("const.bt601", 587, 1000), "BT601_B": ("const.bt601", 114, 1000),
    "K08": ("const.k08", 4, 5),
}


def constants(cfg: QuantConfig) -> dict[str, int]:
    """Raw values of :data:`CONSTANTS` in their entries: ``round(a / b * 2^F)`` with the entry's
    rounding mode (default RND: 0.27, 0.67, 0.06 -> 17695, 43909, 3932 in u17.16, summing to
    2^16, so a grey pixel's luma is the pixel itself; BT.601 likewise 19595, 38470, 7471)."""
    from fractions import Fraction

    from ..arith.exact import round_fraction

    out = {}
    for name, (key, a, b) in CONSTANTS.items():
        q = cfg[key]
        v = round_fraction(Fraction(a << q.fmt.frac, b), q.rounding)
        if not q.fmt.min_raw <= v <= q.fmt.max_raw:
            from ..config import ConfigError
            raise ConfigError(f"{cfg.source}: [{key}] cannot hold the constant {a}/{b}")
        out[name] = int(v)
    return out

__all__ = ["CONSTANTS", "ENTRIES", "FRAME_TABLES", "POSISP_SCHEMA", "TABLES", "TABLE_LINKS", "check_structure", "constants", "exact_bits",
           "load_posisp_config"]
