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
