"""Generated hardware files: the Verilog defines, the C++ ap_fixed types and the table memories
all carry exactly the config's values (a changed config changes them)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import tomllib

import pytest

from fixedpoint.taisp import regmap
from fixedpoint.arith import FxFormat
from fixedpoint.common import eps_raw, one, third_raw
from fixedpoint.taisp.codegen import verilog_header, write_all
from fixedpoint.config import QuantConfig, load_config
from fixedpoint.taisp import DEFAULT_CONFIG
from fixedpoint.taisp.schema import TABLES
from taisp_cli.main import main


def _defines(text: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^`define (\w+) (-?\d+)$", text, re.M)}


@pytest.mark.parametrize("variant", ["default", "narrow"])
def test_generated_files_follow_the_config(tmp_path: Path, ap_dir, variant):
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    default_alpha = load_config()["glc.alpha"].fmt
    if variant == "narrow":  # a config with other word lengths regenerates other headers
        data["glc"]["alpha"] = {"fmt": str(FxFormat(False, default_alpha.width - 4, default_alpha.frac - 4)), "rounding": "TRN"}
    cfg = QuantConfig(data, f"{variant} variant")
    out = tmp_path / "gen"
    write_all(cfg, out)
    d = _defines((out / "taisp_config.vh").read_text())
    for key, q in cfg.entries.items():
        p = "TAISP_" + key.replace(".", "_").upper()
        assert (d[p + "_W"], d[p + "_F"], d[p + "_S"]) == (q.fmt.width, q.fmt.frac, int(q.fmt.signed)), key
        assert (d[p + "_RND"], d[p + "_OVF"]) == (int(q.rounding), int(q.overflow)), key
    assert d["TAISP_GLC_ALPHA_W"] == default_alpha.width - (4 if variant == "narrow" else 0)
    for name in TABLES:
        t = cfg.table(name)
        hexlines = [ln for ln in (out / f"tab_{name}.hex").read_text().splitlines() if ln and not ln.startswith("//")]
        assert len(hexlines) == len(t.entries) == d[f"TAISP_TAB_{name.upper()}_N"]
        mask = (1 << t.out_fmt.width) - 1
        assert [int(h, 16) for h in hexlines] == [int(v) & mask for v in t.entries]
    # the C++ header compiles against AMD's ap_types and its types have the config's widths
    checks = [f'static_assert(taisp::{k.replace(".", "_")}_t::width == {q.fmt.width}, "{k}");\n'
              f'static_assert(taisp::{k.replace(".", "_")}_t::iwidth == {q.fmt.int_bits}, "{k}");'
              for k, q in cfg.entries.items()]
    checks += [f'static_assert(sizeof(taisp_tab_{n}) / sizeof(taisp_tab_{n}[0]) == taisp::TAB_{n.upper()}_N, "{n}");'
               for n in TABLES]
    # the raw constants (1.0, the 1e-6 floor, 1/3) and the C++ register map
    checks += [f'static_assert(taisp::{k.replace(".", "_").upper()}_ONE == {one(q.fmt)}LL && '
               f'taisp::{k.replace(".", "_").upper()}_EPS == {eps_raw(q.fmt)}LL, "{k}");' for k, q in cfg.entries.items()]
    checks.append(f'static_assert(taisp::HSA_THIRD_VALUE == {third_raw(cfg["hsa.third"].fmt)}LL, "third");')
    # the register map's C++ constants against the documented (pinned) values
    checks.append('static_assert(taisp::NWEIGHTS == 3299 && taisp::WGT_W == 16 && taisp::WOFF_WM == 721'
                  ' && taisp::REG_ERROR == 0x018, "regmap");')
    # every bit field as the register map declares it (its positions are pinned in test_regmap.py)
    checks += [f'static_assert(taisp::{reg}_{fd.name} == {fd.lsb} && taisp::{reg}_{fd.name}_W == {fd.width}'
               f' && taisp::{reg}_{fd.name}_MASK == {fd.mask}u, "{reg}.{fd.name}");'
               for reg, fields in regmap.FIELDS.items() for fd in fields]
    prog = tmp_path / "check.cpp"
    prog.write_text("#include <cstdint>\n#include \"taisp_config.h\"\n#include \"taisp_regmap.h\"\n"
                    + "".join(f'#include "tab_{n}.h"\n' for n in TABLES) + "\n".join(checks) + "\nint main() { return 0; }\n")
    assert shutil.which("g++"), "g++ is needed: run ./scripts/setup.sh"
    r = subprocess.run(["g++", "-std=c++14", "-Wall", "-fsyntax-only", f"-I{ap_dir}", f"-I{out}", str(prog)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]


def test_gen_command(tmp_path: Path, capsys):
    assert main(["gen", "--out", str(tmp_path / "g")]) == 0
    assert "taisp_config.vh" in capsys.readouterr().out
    assert (tmp_path / "g" / "tab_exp2.hex").is_file()


_PARAM_RE = re.compile(r"^\s*parameter\s+(?:\[[^\]]*\]\s*)?(\w+)\s*=", re.M)


def _taisp_table_parameters() -> list[str]:
    """The parameter names of hls/rtl/common/isp_table.v, in order (comments stripped)."""
    src = (Path(__file__).resolve().parents[2] / "hls" / "rtl" / "common" / "isp_table.v").read_text()
    src = re.sub(r"//[^\n]*|/\*.*?\*/", "", src, flags=re.S)
    header = src[src.index("module isp_table"):src.index(")\n(")]
    return _PARAM_RE.findall(header)


@pytest.mark.parametrize("variant", ["default", "lut"])
def test_table_params_macro(tmp_path: Path, variant):
    """TAISP_TAB_<NAME>_PARAMS overrides every isp_table parameter but INIT_FILE and PIPE (the
    instance's pipelining, taisp_pipe.vh), each with that table's own define, and those defines
    carry the config's values."""
    cfg = load_config()
    if variant == "lut":  # another config gives other values behind the same macro
        from fixedpoint.taisp.variants import write_table_variant_config
        cfg = load_config(write_table_variant_config(tmp_path))
    out = tmp_path / "gen"
    write_all(cfg, out)
    text = (out / "taisp_config.vh").read_text()
    d = _defines(text)
    module_params = _taisp_table_parameters()
    not_in_macro = ("INIT_FILE", "PIPE")
    assert all(k in module_params for k in not_in_macro) and "N" in module_params
    for name in TABLES:
        p = f"TAISP_TAB_{name.upper()}"
        m = re.search(rf"^`define {p}_PARAMS (.*)$", text, re.M)
        assert m, f"no {p}_PARAMS"
        items = re.findall(r"\.(\w+)\(`(\w+)\)", m.group(1))
        assert m.group(1) == ", ".join(f".{k}(`{v})" for k, v in items)  # nothing else in the list
        assert [k for k, _ in items] == [k for k in module_params if k not in not_in_macro], name
        assert all(v == f"{p}_{k}" for k, v in items), name
        t = cfg.table(name)
        want = {"N": len(t.entries), "IN_W": t.in_fmt.width, "IN_S": int(t.in_fmt.signed),
                "OUT_W": t.out_fmt.width, "OUT_S": int(t.out_fmt.signed), "PWL": int(t.kind == "pwl"),
                "SEG": 0 if t.segmentation == "uniform" else 1, "PARAM": t.segment_param, "RND": int(t.rounding),
                "ZCHK": int(t.zero_value is not None), "NSIDE": t.n_side,
                "ZVAL": int(t.zero_value or 0) & ((1 << t.out_fmt.width) - 1)}
        assert {k: d[v] for k, v in items} == want, name


def test_table_params_macro_elaborates(tmp_path: Path):
    """Icarus (-g2005) accepts ``isp_table #(`TAISP_TAB_<NAME>_PARAMS, .INIT_FILE(...))`` and
    the instance gets the config's values."""
    if not shutil.which("iverilog"):
        pytest.fail("iverilog is not installed (run scripts/setup.sh)")
    rtl = Path(__file__).resolve().parents[2] / "hls" / "rtl" / "common"
    out = tmp_path / "gen"
    cfg = load_config()
    write_all(cfg, out)
    insts = "\n".join(f'isp_table #(`TAISP_TAB_{n.upper()}_PARAMS, .INIT_FILE({{"{out}", "/tab_{n}.hex"}})) u_{n} '
                      f"(.clk(clk), .ce(1'b1), .in({{`TAISP_TAB_{n.upper()}_IN_W{{1'b0}}}}), .out());" for n in TABLES)
    shows = " ".join(f'$display("{n} %0d %0d %0d", u_{n}.N, u_{n}.OUT_W, u_{n}.NSIDE);' for n in TABLES)
    top = tmp_path / "top.v"
    top.write_text(f'`include "taisp_config.vh"\nmodule top;\nreg clk = 0;\n{insts}\ninitial begin {shows} end\nendmodule\n')
    vvp = tmp_path / "top.vvp"
    r = subprocess.run(["iverilog", "-g2005", "-o", str(vvp), f"-I{out}", f"-I{rtl}", "-s", "top", str(top),
                        str(rtl / "isp_table.v")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run(["vvp", "-n", str(vvp)], capture_output=True, text=True, timeout=300)
    got = {ln.split()[0]: [int(v) for v in ln.split()[1:]] for ln in r.stdout.splitlines() if ln.split()[:1] and ln.split()[0] in TABLES}
    assert got == {n: [len(cfg.table(n).entries), cfg.table(n).out_fmt.width, cfg.table(n).n_side] for n in TABLES}



def _isp_rq_parameters() -> list[str]:
    """The parameter names of hls/rtl/common/isp_rq.v, in order (comments stripped)."""
    src = (Path(__file__).resolve().parents[2] / "hls" / "rtl" / "common" / "isp_rq.v").read_text()
    src = re.sub(r"//[^\n]*|/\*.*?\*/", "", src, flags=re.S)
    header = src[src.index("module isp_rq"):src.index(")\n(")]
    return _PARAM_RE.findall(header)


def test_rq_params_macro():
    """TAISP_RQ_<ENTRY>_PARAMS overrides every isp_rq parameter but the input format (IN_W,
    IN_F), each with that entry's own define; the RTL instantiates isp_rq only through them."""
    cfg = load_config()
    text = verilog_header(cfg)
    module_params = _isp_rq_parameters()
    assert module_params[:2] == ["IN_W", "IN_F"]
    suffix = {"OUT_W": "W", "OUT_F": "F", "OUT_S": "S", "RND": "RND", "OVF": "OVF"}
    for key in cfg.entries:
        p = "TAISP_" + key.replace(".", "_").upper()
        m = re.search(rf"^`define TAISP_RQ_{p[6:]}_PARAMS (.*)$", text, re.M)
        assert m, f"no TAISP_RQ_{p[6:]}_PARAMS"
        items = re.findall(r"\.(\w+)\(`(\w+)\)", m.group(1))
        assert m.group(1) == ", ".join(f".{k}(`{v})" for k, v in items)  # nothing else in the list
        assert [k for k, _ in items] == module_params[2:], key
        assert all(v == f"{p}_{suffix[k]}" for k, v in items), key
    # every instance in TA-ISP's RTL: the input format, then one entry's macro (no spelled-out
    # output parameters). The shared primitives of hls/rtl/common/ (e.g. the Bayer front end) are
    # model-independent: they take their formats as module parameters, which the model's top
    # sets from its generated macros, so they are not held to this rule.
    rtl = Path(__file__).resolve().parents[2] / "hls" / "rtl" / "taisp"
    n = uses = 0
    for f in sorted(rtl.glob("*.v")):
        src = re.sub(r"//[^\n]*|/\*.*?\*/", "", f.read_text(), flags=re.S)
        uses += len(re.findall(r"^\s*isp_rq\b", src, re.M))
        for inst in re.finditer(r"\bisp_rq\s*#\s*\((.*?)\)\s*(\w+)\s*\(", src, re.S):
            n += 1
            assert re.search(r"`TAISP_RQ_\w+_PARAMS\s*$", inst.group(1)), f"{f.name} {inst.group(2)}: {inst.group(1)}"
            assert not re.search(r"\.(OUT_W|OUT_F|OUT_S|RND|OVF)\(", inst.group(1)), f"{f.name} {inst.group(2)}"
    assert n == uses and n > 30, f"{n} isp_rq instances read, {uses} in the sources"


#: Pinned values of the default config's generated Verilog header, read off
#: fixedpoint/taisp/configs/default.toml by hand (formats, the ap_fixed mode codes of
#: fixedpoint/arith/modes.py: RND = 2, SAT = 0) and the table sizes (PWL: size + 1 knots per
#: uniform table; pow2 tables one segment set per octave of the input range, plus one).
PINNED_DEFAULT = {
    "TAISP_GLC_XG_W": 25, "TAISP_GLC_XG_F": 24, "TAISP_GLC_XG_S": 0, "TAISP_GLC_XG_RND": 2, "TAISP_GLC_XG_OVF": 0,
    "TAISP_GLC_ALPHA_W": 16, "TAISP_GLC_ALPHA_F": 12, "TAISP_GLC_W1_S": 1,
    "TAISP_HSA_GATE_W": 17, "TAISP_HSA_GATE_F": 16, "TAISP_RGFC_OUT_W": 8, "TAISP_RGFC_OUT_F": 0,
    "TAISP_TAB_SOFTPLUS_N": 513, "TAISP_TAB_SOFTPLUS_IN_W": 16, "TAISP_TAB_SOFTPLUS_OUT_W": 16,
    "TAISP_TAB_SIGMOID_N": 2049, "TAISP_TAB_SIGMOID_OUT_W": 16,
    "TAISP_TAB_RECIPROCAL_N": 705, "TAISP_TAB_RECIPROCAL_SEG": 1, "TAISP_TAB_RECIPROCAL_OUT_W": 17,
    "TAISP_TAB_LOG2_N": 673, "TAISP_TAB_LOG2_IN_W": 25, "TAISP_TAB_LOG2_OUT_W": 18, "TAISP_TAB_LOG2_SEG": 1,
    "TAISP_TAB_EXP2_N": 2049, "TAISP_TAB_EXP2_IN_W": 18, "TAISP_TAB_EXP2_OUT_W": 17, "TAISP_TAB_EXP2_SEG": 0,
}


def test_default_header_pinned():
    d = _defines(verilog_header(load_config()))
    assert {k: d.get(k) for k in PINNED_DEFAULT} == PINNED_DEFAULT
    # the uniform PWL tables: size + 1 knots, from the TOML text itself
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    for name in ("softplus", "sigmoid", "exp2"):
        assert d[f"TAISP_TAB_{name.upper()}_N"] == data["tables"][name]["size"] + 1, name
