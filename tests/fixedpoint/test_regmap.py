"""The generated register-map header ``taisp_regmap.vh``: the weight layout (``TAISP_WOFF_*``,
``TAISP_WLEN_*``) and the architecture constants the RTL sizes itself from (``TAISP_N_REGIONS``,
kernel sizes, ...) equal the published model's tensor shapes."""
from __future__ import annotations

import math
import re

import pytest

from fixedpoint.taisp import regmap
from fixedpoint.config import load_config
from golden.taisp.model import PUBLISHED_SHAPES


@pytest.fixture(scope="module")
def defines() -> dict[str, int]:
    text = regmap.verilog_header(load_config())
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^`define (\w+) (-?\d+)\b", text, re.M)}


def test_weight_offsets_and_lengths(defines):
    """Per tensor: offset and word count as the layout has them, the count being the product of
    the published shape; tensors back to back in the published order, NWEIGHTS words in all."""
    off = 0
    for name, _, attr in regmap.WEIGHT_TENSORS:
        ident = attr.upper()
        n = math.prod(PUBLISHED_SHAPES[name]) if name in PUBLISHED_SHAPES else 1
        assert defines[f"TAISP_WOFF_{ident}"] == off, ident
        assert defines[f"TAISP_WLEN_{ident}"] == n, ident
        off += n
    assert defines["TAISP_NWEIGHTS"] == off == regmap.n_weights() == 3299
    assert [s.count for s in regmap.weight_layout()] == [defines[f"TAISP_WLEN_{s.ident}"] for s in regmap.weight_layout()]


def test_sizes_the_rtl_uses(defines):
    """The sizes the pixel path and the parameter engine read (formerly typed by hand)."""
    d = defines
    assert (d["TAISP_WLEN_C3"], d["TAISP_WLEN_C3B"], d["TAISP_WLEN_C5"], d["TAISP_WLEN_C5B"]) == (18, 1, 50, 1)
    assert (d["TAISP_WLEN_WM"], d["TAISP_WLEN_BM"]) == (432, 16)
    assert d["TAISP_N_REGIONS"] == 16 and d["TAISP_N_CHANNELS"] == 3
    # the identities the RTL checks at elaboration
    assert d["TAISP_WLEN_C3"] == d["TAISP_HSA_N_POOL"] * d["TAISP_HSA_K3"] ** 2
    assert d["TAISP_WLEN_C5"] == d["TAISP_HSA_N_POOL"] * d["TAISP_HSA_K5"] ** 2
    assert d["TAISP_WLEN_WM"] == d["TAISP_N_REGIONS"] * d["TAISP_N_CHANNELS"] * d["TAISP_RGFC_K"] ** 2
    assert d["TAISP_WLEN_BM"] == d["TAISP_WLEN_B4"] == d["TAISP_N_REGIONS"]
    assert d["TAISP_WLEN_W3"] == d["TAISP_N_REGIONS"] * d["TAISP_WLEN_B3"]
    assert d["TAISP_WLEN_W1"] == 2 * d["TAISP_N_CHANNELS"] * d["TAISP_WLEN_B1"]
    assert d["TAISP_WLEN_BG"] == d["TAISP_HSA_N_GATE"] == 2
    assert d["TAISP_WLEN_WG"] == d["TAISP_HSA_N_GATE"] * d["TAISP_N_CHANNELS"]
    # the flush of the core: (K5/2 + K/2) (W + 1) pushes = 3W + 3
    assert d["TAISP_HSA_K5"] // 2 + d["TAISP_RGFC_K"] // 2 == 3


def test_arch_constants_follow_the_shapes(defines):
    s = PUBLISHED_SHAPES
    want = {"N_CHANNELS": s["gain_mlp.2.weight"][0], "N_REGIONS": s["mask_head.weight"][0],
            "HSA_N_POOL": s["attn.branch_convs.0.weight"][1], "HSA_K3": s["attn.branch_convs.0.weight"][-1],
            "HSA_K5": s["attn.branch_convs.1.weight"][-1], "HSA_N_GATE": s["attn.gate_proj.weight"][0],
            "RGFC_K": s["mask_head.weight"][-1], "GLC_N_STAT": s["gain_mlp.0.weight"][1],
            "GLC_N_HIDDEN": s["gain_mlp.0.weight"][0], "RGFC_N_HIDDEN": s["weight_mlp.0.weight"][0]}
    assert regmap.ARCH == want
    assert {k: defines[f"TAISP_{k}"] for k in want} == want
    assert (want["GLC_N_STAT"], want["GLC_N_HIDDEN"], want["RGFC_N_HIDDEN"]) == (6, 64, 64)
    # the parameter read-back holds one value per channel, gate logit and region
    assert [c for _, _, c in regmap.PARAM_LAYOUT] == [3, 2, 16, 16]
    assert defines["TAISP_NPARAM"] == 37


def test_arch_constants_reject_inconsistent_shapes(monkeypatch):
    shapes = dict(PUBLISHED_SHAPES)
    shapes["weight_mlp.0.weight"] = (64, 15)  # 15 inputs for 16 regions
    monkeypatch.setattr(regmap, "PUBLISHED_SHAPES", shapes)
    with pytest.raises(ValueError, match="regions"):
        regmap.arch_constants()


# -- pinned values: the documented register map and weight image (hls/README.md), written out
# -- here rather than derived with regmap's own code, so that a change to the contract shows
#: (attribute, offset, words) of the weight image, in the published state_dict order
PINNED_WEIGHT_IMAGE = [("w1", 0, 384), ("b1", 384, 64), ("w2", 448, 192), ("b2", 640, 3), ("c3", 643, 18),
                       ("c3b", 661, 1), ("c5", 662, 50), ("c5b", 712, 1), ("wg", 713, 6), ("bg", 719, 2),
                       ("wm", 721, 432), ("bm", 1153, 16), ("w3", 1169, 1024), ("b3", 2193, 64), ("w4", 2257, 1024),
                       ("b4", 3281, 16), ("w_min", 3297, 1), ("w_max", 3298, 1)]
PINNED_ADDRESSES = {"ID": 0x000, "VERSION": 0x004, "MAX_WIDTH": 0x008, "CTRL": 0x010, "STATUS": 0x014, "ERROR": 0x018,
                    "FRAMES": 0x01C, "BAD_FRAMES": 0x020, "WIDTH": 0x024, "HEIGHT": 0x028, "ACTIVE_SIZE": 0x02C,
                    "DEF_GATE0": 0x030, "DEF_ALPHA0": 0x034, "DEF_ALPHA1": 0x038, "DEF_ALPHA2": 0x03C,
                    "SAT:glc.xg": 0x040, "SAT:rgfc.lsum": 0x074, "PARAM:alpha:0": 0x100, "PARAM:gate:1": 0x110,
                    "PARAM:w:0": 0x114, "PARAM:inv_w:15": 0x190,
                    "FE_CONFIG": 0x080, "FE_BLACK0": 0x084, "FE_GAIN0_LO": 0x094, "FE_GAIN0_HI": 0x098,
                    "FE_GAIN3_HI": 0x0B0, "FE_ACTIVE": 0x0B4}
#: (register, field) -> (lowest bit, width)
PINNED_FIELDS = {("CTRL", "COMMIT"): (0, 1), ("CTRL", "RESTART"): (1, 1), ("CTRL", "CLEAR_COUNTERS"): (2, 1),
                 ("STATUS", "IN_FRAME"): (0, 1), ("STATUS", "READY"): (1, 1), ("STATUS", "COMMIT_PENDING"): (2, 1),
                 ("STATUS", "DEFAULTS"): (3, 1), ("ERROR", "SHORT_LINE"): (0, 1), ("ERROR", "LONG_LINE"): (1, 1),
                 ("ERROR", "MISSING_SOF"): (2, 1), ("ERROR", "EARLY_SOF"): (3, 1), ("ACTIVE_SIZE", "WIDTH"): (0, 16),
                 ("ACTIVE_SIZE", "HEIGHT"): (16, 16),
                 # the camera's front end (issue 17)
                 ("ERROR", "BAYER_SHORT_LINE"): (4, 1), ("ERROR", "BAYER_LONG_LINE"): (5, 1),
                 ("ERROR", "BAYER_MISSING_SOF"): (6, 1), ("ERROR", "BAYER_EARLY_SOF"): (7, 1),
                 ("ERROR", "FE_SIZE"): (8, 1), ("FE_CONFIG", "CFA"): (0, 2), ("FE_CONFIG", "DEMOSAIC"): (4, 1),
                 ("FE_ACTIVE", "CFA"): (0, 2), ("FE_ACTIVE", "DEMOSAIC"): (4, 1)}


def test_weight_image_pinned(defines):
    assert [(s.attr, s.offset, s.count) for s in regmap.weight_layout()] == PINNED_WEIGHT_IMAGE
    for attr, off, n in PINNED_WEIGHT_IMAGE:
        assert (defines[f"TAISP_WOFF_{attr.upper()}"], defines[f"TAISP_WLEN_{attr.upper()}"]) == (off, n), attr
    assert regmap.WEIGHT_BASE == 0x4000 and defines["TAISP_WGT_W"] == 16


def test_addresses_and_fields_pinned():
    text = regmap.verilog_header(load_config())
    for name, addr in PINNED_ADDRESSES.items():
        assert regmap.address(name) == addr, name
    for (reg, name), (lsb, width) in PINNED_FIELDS.items():
        f = regmap.field(reg, name)
        assert (f.lsb, f.width) == (lsb, width), (reg, name)
        mask = ((1 << width) - 1) << lsb
        assert f"`define TAISP_{reg}_{name} {lsb} " in text
        assert f"`define TAISP_{reg}_{name}_W {width} " in text
        assert f"`define TAISP_{reg}_{name}_MASK 32'h{mask:08x} " in text
    assert {(r, f.name) for r, fs in regmap.FIELDS.items() for f in fs} == set(PINNED_FIELDS)
    # the helpers the benches use, against the pinned positions
    def bit(reg: str, name: str) -> int:
        return 1 << PINNED_FIELDS[(reg, name)][0]

    (w_lsb, w_width), (h_lsb, _) = PINNED_FIELDS[("ACTIVE_SIZE", "WIDTH")], PINNED_FIELDS[("ACTIVE_SIZE", "HEIGHT")]
    assert regmap.field_value("CTRL", "COMMIT", "RESTART") == bit("CTRL", "COMMIT") | bit("CTRL", "RESTART")
    assert regmap.pack_fields("ACTIVE_SIZE", WIDTH=1920, HEIGHT=1080) == (1080 << h_lsb) | (1920 << w_lsb)
    assert regmap.unpack_fields("ERROR", bit("ERROR", "LONG_LINE") | bit("ERROR", "EARLY_SOF") | bit("ERROR", "FE_SIZE")) == {
        "SHORT_LINE": 0, "LONG_LINE": 1, "MISSING_SOF": 0, "EARLY_SOF": 1, "BAYER_SHORT_LINE": 0, "BAYER_LONG_LINE": 0,
        "BAYER_MISSING_SOF": 0, "BAYER_EARLY_SOF": 0, "FE_SIZE": 1}
    with pytest.raises(ValueError, match="does not fit"):
        regmap.pack_fields("ACTIVE_SIZE", WIDTH=1 << w_width)
    with pytest.raises(KeyError, match="no field"):
        regmap.field("CTRL", "GO")
