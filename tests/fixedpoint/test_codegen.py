"""Generated hardware files: the Verilog defines, the C++ ap_fixed types and the table memories
all carry exactly the config's values (a changed config changes them)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import tomllib

import pytest

from fixedpoint import regmap
from fixedpoint.arith import FxFormat
from fixedpoint.common import eps_raw, one, third_raw
from fixedpoint.codegen import write_all
from fixedpoint.config import DEFAULT_CONFIG, TABLES, QuantConfig, load_config
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
    checks.append(f'static_assert(taisp::NWEIGHTS == {regmap.n_weights()} && taisp::WGT_W == {regmap.weight_word_width(cfg)}'
                  f' && taisp::WOFF_WM == {next(s.offset for s in regmap.weight_layout() if s.attr == "wm")}'
                  f' && taisp::REG_ERROR == {regmap.address("ERROR")}, "regmap");')
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
