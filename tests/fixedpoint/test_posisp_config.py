"""POS-ISP's quantization config, driver, register map and generated headers: the config
validates (and bad ones fail naming the key), the driver's registers are the known values of
the identity and range-end parameters within their formats' LSBs, its integer primitives match
the functions they compute, and the generated headers carry the config's values and compile."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import tomllib

from fixedpoint.config import ConfigError, QuantConfig
from fixedpoint.posisp import DEFAULT_CONFIG, regmap
from fixedpoint.posisp.codegen import write_all
from fixedpoint.posisp.driver import (DEFAULT_P, REGISTER_ENTRIES, default_output, drive, driver_math,
                                      quantize_params, table_boundaries)
from fixedpoint.posisp.schema import FRAME_TABLES, POSISP_SCHEMA, TABLES, check_structure, constants, load_posisp_config

ORDER = ["tone", "exposure", "contrast", "denoise", "sharpen", "wb", "gamma", "saturation", "wnb"]


@pytest.fixture(scope="module")
def cfg():
    return load_posisp_config()


def _data() -> dict:
    return tomllib.loads(DEFAULT_CONFIG.read_text())


@pytest.mark.parametrize("edit, key", [
    (lambda d: d["chain"].pop("x"), "[chain.x] missing entry"),
    (lambda d: d["frame_tables"].pop("gamma"), "[frame_tables.gamma] missing table"),
    (lambda d: d["frame_tables"]["gamma"].update(in_fmt="u30.20"), "[tables.gamma.in_fmt]"),
    (lambda d: d["tables"]["sat_recip"].update(func="nosuch"), "[tables.sat_recip]"),
    (lambda d: d["denoise"].update(d="u31.20"), "[denoise.d]"),
    (lambda d: d["saturation"].update(c="u21.19"), "[saturation.c]"),
    (lambda d: d["ccm"].update(m="s30.20"), "[ccm.m] an exact product"),
])
def test_bad_config_names_the_key(edit, key):
    d = _data()
    edit(d)
    if key in ("[denoise.d]",):  # keep the table link consistent: the structural rule must catch it
        d["frame_tables"]["denoise"]["in_fmt"] = d["denoise"]["d"]
    if key == "[saturation.c]":
        d["tables"]["sat_recip"]["in_fmt"] = d["saturation"]["c"]
    with pytest.raises(ConfigError, match=re.escape(key)):
        check_structure(QuantConfig(d, "bad.toml", POSISP_SCHEMA))


def test_constants(cfg):
    c = constants(cfg)
    assert (c["LUM_R"], c["LUM_G"], c["LUM_B"]) == (17695, 43909, 3932)
    assert c["LUM_R"] + c["LUM_G"] + c["LUM_B"] == 1 << 16  # grey stays grey
    assert c["BT601_R"] + c["BT601_G"] + c["BT601_B"] == 1 << 16
    assert c["K08"] == 52429


def test_driver_primitives(cfg):
    M = driver_math(cfg)
    df = M.df
    rng = np.random.default_rng(0)
    for v in [1, 2, 3, 1000, 2**40 + 12345] + [int(x) for x in rng.integers(1, 2**50, 50)]:
        assert abs(M.log2q(v, 20) / 2**df - (math.log2(v) - 20)) < 2e-8
    for e in [0, 1, -1, 2**df, -(2**df) // 3] + [int(x) for x in rng.integers(-8 << df, 8 << df, 50)]:
        y, n = M.exp2q(e)
        assert 1 << df <= y < 2 << df
        assert abs(y * 2.0**(n - df) / 2.0**(e / 2**df) - 1) < 1e-7  # 30 truncated products


def _val(reg, value, cfg):
    return value / 2.0**cfg[REGISTER_ENTRIES[reg]].fmt.frac


def test_driver_identity_defaults(cfg):
    out = default_output(cfg)
    r = out.regs
    assert r["EXPOSURE_GAIN"] == 1 << cfg["exposure.gain"].fmt.frac
    one_m = 1 << cfg["ccm.m"].fmt.frac
    assert [r[f"CCM_M{k}"] for k in range(9)] == [one_m, 0, 0, 0, one_m, 0, 0, 0, one_m]
    assert all(r[f"TONE_SLOPE{i}"] == 1 << cfg["tone.slope"].fmt.frac for i in range(8))
    assert [r[f"TONE_OFFSET{i}"] for i in range(8)] == [i << (cfg["tone.offset"].fmt.frac - 3) for i in range(8)]
    assert all(r[f"WB_GAIN{c}"] == 1 << cfg["wb.gain"].fmt.frac for c in range(3))
    assert r["SAT_A"] == 0 and r["WNB_A"] == 0
    assert abs(_val("SHARPEN_A", r["SHARPEN_A"], cfg) - 1) <= 2.0**-cfg["sharpen.a"].fmt.frac
    assert np.all(out.tables["contrast"] == 1 << cfg["contrast.k"].fmt.frac)  # w = 0
    # gamma 1: the table is the identity (above the 1e-6 floor), within an LSB
    b = table_boundaries(cfg, "gamma")
    inside = (b >= 2) & (b <= cfg["chain.x"].fmt.max_raw)
    assert np.all(np.abs(out.tables["gamma"][inside] - b[inside]) <= 1 + b[inside] * 5e-8)
    assert out.tables["denoise"][0] == 1 << cfg["denoise.w"].fmt.frac
    assert not out.overflows


@pytest.mark.parametrize("end", [0.0, 1.0])
def test_driver_range_ends(cfg, end):
    """Every register against the float formula at the ends of every range, within its LSB
    (plus the driver's 2^-25 working error)."""
    p = quantize_params([end] * 27, cfg)
    out = drive(p, cfg)
    r = out.regs
    ev = -3.5 + 7 * end
    assert abs(_val("EXPOSURE_GAIN", r["EXPOSURE_GAIN"], cfg) - 2**ev) <= 0.5 * 2.0**-14 * 1.001 + 2**ev * 1e-7
    for k in range(9):
        assert abs(_val(f"CCM_M{k}", r[f"CCM_M{k}"], cfg) - 1 / 3) <= 2.0**-13 * 1.001
    a = 1e-5 + (10 - 1e-5) * end
    assert abs(_val("SHARPEN_A", r["SHARPEN_A"], cfg) - a) <= 2.0**-14 * 1.001
    assert abs(_val("SHARPEN_C", r["SHARPEN_C"], cfg) - (1 - a) / 13) <= 2.0**-17 * 1.5
    for c in range(3):
        assert r[f"WB_GAIN{c}"] == 1 << 16
    w = -1 + 2 * end
    L = np.arange(513) / 256.0
    k_ref = 1 - w + w * (0.5 - 0.5 * np.cos(np.pi * np.minimum(L, 1))) / (np.minimum(L, 1) + 1e-6)
    assert np.abs(out.tables["contrast"] / 2.0**16 - k_ref).max() < 3 * 2.0**-16
    # gamma g = 1/3 or 3 at the boundaries (inside the format, above the floor)
    g = 1 / 3 + 8 / 3 * end
    b = table_boundaries(cfg, "gamma")
    x = np.maximum(b / 2.0**20, driver_math(cfg).EPS6 / 2.0**driver_math(cfg).df)  # the floor as the driver holds it
    ref = np.minimum(x**g, cfg["chain.x"].fmt.max_value)
    got = out.tables["gamma"] / 2.0**20
    assert np.all(np.abs(got - ref) <= 2.0**-21 * 1.001 + ref * 1e-7)
    # denoise weights exp(-(sqrt(D + 1e-8) - 1e-4) / h)
    h = 1e-5 + (1 - 1e-5) * end
    D = table_boundaries(cfg, "denoise") / 2.0**cfg["denoise.d"].fmt.frac
    wref = np.exp(-(np.sqrt(D + 1e-8) - 1e-4) / (h + 1e-8))
    # h is held with 2^-30 resolution (1e-5 is off by 4e-5 relative): the weight moves by dw/dh * 2^-31
    tol = 2.0**-17 * 1.001 + wref * (np.sqrt(D + 1e-8) - 1e-4) / h**2 * 2.0**-31 + 1e-7
    assert np.all(np.abs(out.tables["denoise"] / 2.0**16 - wref) <= tol)


def test_quantize_params_rejects_bad_input(cfg):
    with pytest.raises(ValueError, match="27 raw parameters"):
        quantize_params([0.5] * 26, cfg)
    with pytest.raises(ValueError, match="NaN"):
        quantize_params([float("nan")] * 27, cfg)
    assert quantize_params([-1.0] + [2.0] * 26, cfg)[:2] == (0, 1 << 16)
    with pytest.raises(ValueError, match="driver.p"):
        drive([1 << 20] * 27, cfg)


def test_regmap(cfg):
    assert regmap.address("EXPOSURE_GAIN") == regmap.PARAM_BASE
    assert len(regmap.PARAM_REGISTERS) == len(REGISTER_ENTRIES) == 33
    w0, w1 = regmap.order_words(ORDER)
    assert regmap.unpack_fields("ORDER0", w0)["SLOT0"] == regmap.FILTER_CODES["tone"]
    assert regmap.unpack_fields("ORDER1", w1) == {"SLOT8": regmap.FILTER_CODES["wnb"], "SLOT9": 15, "COUNT": 9}
    with pytest.raises(ValueError, match="at most once"):
        regmap.order_words(["tone", "tone"])
    writes = regmap.register_writes(default_output(cfg), cfg)
    n_tab = sum(cfg.table(t).entries.size for t in regmap.TABLE_BASES)
    assert len(writes) == 33 + n_tab and len({a for a, _ in writes}) == len(writes)
    assert regmap.address("THUMB:2:63:63") + 8 == regmap.THUMB_BASE + regmap.THUMB_BYTES


def _defines(text: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^`define (\w+) (-?\d+)$", text, re.M)}


def test_generated_headers(cfg, tmp_path: Path, ap_dir):
    out = tmp_path / "gen"
    write_all(cfg, out, ORDER)
    d = _defines((out / "posisp_config.vh").read_text())
    for key, q in cfg.entries.items():
        p = "POSISP_" + key.replace(".", "_").upper()
        assert (d[p + "_W"], d[p + "_F"], d[p + "_S"], d[p + "_RND"], d[p + "_OVF"]) == \
            (q.fmt.width, q.fmt.frac, int(q.fmt.signed), int(q.rounding), int(q.overflow)), key
    for name in TABLES + FRAME_TABLES:
        assert d[f"POSISP_TAB_{name.upper()}_N"] == cfg.table(name).entries.size
    for name in TABLES:
        lines = [ln for ln in (out / f"tab_{name}.hex").read_text().splitlines() if ln and not ln.startswith("//")]
        assert [int(h, 16) for h in lines] == [int(v) & ((1 << cfg.table(name).out_fmt.width) - 1)
                                              for v in cfg.table(name).entries]
    dflt = default_output(cfg)
    for name in FRAME_TABLES:
        lines = [ln for ln in (out / f"tab_{name}_default.hex").read_text().splitlines() if ln and not ln.startswith("//")]
        assert [int(h, 16) for h in lines] == [int(v) for v in dflt.tables[name]]
    checks = [f'static_assert(posisp::{k.replace(".", "_")}_t::width == {q.fmt.width}, "{k}");' for k, q in cfg.entries.items()]
    checks += [f'static_assert(posisp::REG_{r} == {regmap.address(r)}, "{r}");' for r in regmap.PARAM_REGISTERS]
    checks.append(f'static_assert(posisp::ORDER0_VALUE == {regmap.order_words(ORDER)[0]}u, "order");')
    checks.append(f'static_assert(POSISP_DRV_DF == {driver_math(cfg).df} && sizeof(posisp_drv_k) / 8 == '
                  f'{len(driver_math(cfg).K)}, "driver");')
    prog = tmp_path / "check.cpp"
    prog.write_text('#include <cstdint>\n#include "posisp_config.h"\n#include "posisp_regmap.h"\n#include "posisp_driver.h"\n'
                    + "".join(f'#include "tab_{n}.h"\n' for n in TABLES)
                    + "".join(f'#include "tab_{n}_default.h"\n' for n in FRAME_TABLES) + "\n".join(checks)
                    + "\nint main() { return 0; }\n")
    assert shutil.which("g++"), "g++ is needed: run ./scripts/setup.sh"
    r = subprocess.run(["g++", "-std=c++14", "-Wall", "-fsyntax-only", f"-I{ap_dir}", f"-I{out}", str(prog)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert DEFAULT_P[1] == 0.25  # gamma 1 is the default
