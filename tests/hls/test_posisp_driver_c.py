"""The POS-ISP driver's C twin (hls/cpp/posisp/posisp_driver.c) against the Python driver
(fixedpoint/posisp/driver.py), bit for bit: every register, every gamma/denoise/contrast table
entry and every overflow count, over the default parameters, both ends of every parameter's
range, seeded random sets and the shipped checkpoints' agent outputs on the built-in scene; for
the default config, the every-mode variant (other formats, roundings, overflow modes, table
sizes) and the working precisions 16 (errors: the Python raises, the C returns a code) and 40
(the widest 128-bit products). The C is compiled with gcc -std=c99 (+ __int128) against the
headers fixedpoint/posisp/codegen.py writes into a tmp folder."""
from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pytest

from fixedpoint.config import QuantConfig
from fixedpoint.posisp import DEFAULT_CONFIG
from fixedpoint.posisp.codegen import driver_entries, driver_header, write_all
from fixedpoint.posisp.driver import DEFAULT_P, FILTER_NAMES, drive, quantize_params
from fixedpoint.posisp.regmap import PARAM_REGISTERS
from fixedpoint.posisp.schema import POSISP_SCHEMA, check_structure, load_posisp_config
from fixedpoint.posisp.variants import OVERFLOWS, ROUNDINGS, every_mode_config

SRC = Path(__file__).resolve().parents[2] / "hls" / "cpp" / "posisp"
NPAR = len(DEFAULT_P)
ERR_RANGE, ERR_LOG = -2, -4  # posisp_driver_api.h
GCC = shutil.which("gcc")
pytestmark = pytest.mark.skipif(GCC is None, reason="gcc not installed")


def work_config(df: int, rounding: str | None = None) -> QuantConfig:
    """The default config with the driver's working precision at ``df`` fractional bits; with
    ``rounding``, every entry the driver writes rounds so (overflow modes cycling)."""
    data = tomllib.loads(DEFAULT_CONFIG.read_text())
    data["name"] = f"work{df}"
    data["driver"]["work"] = {"fmt": f"s64.{df}"}
    if rounding is not None:
        for i, key in enumerate(driver_entries()):
            stage, name = key.split(".")
            e = data[stage][name]
            e = {"fmt": e} if isinstance(e, str) else dict(e)
            data[stage][name] = {**e, "rounding": rounding, "overflow": OVERFLOWS[i % len(OVERFLOWS)]}
    cfg = QuantConfig(data, f"driver.work s64.{df} variant of {DEFAULT_CONFIG}", POSISP_SCHEMA)
    check_structure(cfg)
    return cfg


def build(cfg: QuantConfig, tmp: Path, all_files: bool = True, cxx: bool = False) -> Path:
    """Generate the headers for ``cfg`` (every generated file, or only ``posisp_driver.h`` for a
    config whose default parameters the driver rejects) and compile the C twin with its test main
    (as C99, or with ``cxx`` as C++17 by g++)."""
    gen = tmp / "gen"
    if all_files:
        write_all(cfg, gen, order=FILTER_NAMES)
    else:
        gen.mkdir(parents=True)
        (gen / "posisp_driver.h").write_text(driver_header(cfg))
    exe = tmp / ("posisp_driver_test_cxx" if cxx else "posisp_driver_test")
    lang = [shutil.which("g++") or "g++", "-x", "c++", "-std=c++17"] if cxx else [GCC, "-std=c99"]
    subprocess.run([*lang, "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", f"-I{gen}", f"-I{SRC}",
                    str(SRC / "posisp_driver.c"), str(SRC / "posisp_driver_main.c"), "-o", str(exe)],
                   check=True, capture_output=True, text=True, timeout=60)
    return exe


def expected(p, cfg: QuantConfig) -> str:
    """The line the C main prints for ``p``, from the Python driver."""
    try:
        o = drive(p, cfg)
    except ValueError as e:
        return f"ERR {ERR_RANGE if 'must lie in' in str(e) else ERR_LOG}"
    except ZeroDivisionError:
        return "ERR -3"
    vals = [o.regs[r] for r in PARAM_REGISTERS]
    for t in ("gamma", "denoise", "contrast"):
        vals += [int(v) for v in o.tables[t]]
    vals += [o.overflows[e] for e in driver_entries()]
    return "OK " + " ".join(str(v) for v in vals)


def param_sets(cfg: QuantConfig, n_random: int, seed: int) -> list[tuple[int, ...]]:
    """Default, all 0, all 1, each parameter alone at 0 and at 1, ``n_random`` seeded sets."""
    one = 1 << cfg["driver.p"].fmt.frac
    d = quantize_params(DEFAULT_P, cfg)
    sets = [d, (0,) * NPAR, (one,) * NPAR]
    for k in range(NPAR):
        for v in (0, one):
            sets.append(d[:k] + (v,) + d[k + 1:])
    rng = np.random.default_rng(seed)
    sets += [tuple(int(v) for v in rng.integers(0, one + 1, NPAR)) for _ in range(n_random)]
    return sets


def bad_sets(cfg: QuantConfig) -> list[tuple[int, ...]]:
    """Each parameter alone one step past 2^Fp, and far past it (the Python raises)."""
    one = 1 << cfg["driver.p"].fmt.frac
    d = quantize_params(DEFAULT_P, cfg)
    return [d[:k] + (v,) + d[k + 1:] for k in range(NPAR) for v in (one + 1, 0xFFFFFFFF)]


def agent_sets(cfg: QuantConfig) -> list[tuple[int, ...]]:
    """The shipped checkpoints' agent outputs on the built-in scene (three exposures, small)."""
    import torch

    from fixedpoint.posisp.accuracy import scene_inputs
    from golden.posisp import CHECKPOINT_DIR, load_posisp_checkpoint

    sets = []
    scenes = scene_inputs(cfg, 64, 96)
    for ck in sorted(CHECKPOINT_DIR.glob("posisp_*.pth")):
        if ck.stem.endswith("_task"):
            continue
        isp = load_posisp_checkpoint(ck)
        dtype = next(isp.param_net.parameters()).dtype
        for _, x in scenes:
            xt = torch.as_tensor(np.ldexp(np.asarray(x, dtype=np.float64), -cfg["frontend.x"].fmt.frac), dtype=dtype)[None]
            with torch.no_grad():
                sets.append(quantize_params(isp.predict_params(xt)[0].double().numpy(), cfg))
    return sets


def run_c(exe: Path, sets) -> list[str]:
    text = "".join(" ".join(str(v) for v in p) + "\n" for p in sets)
    r = subprocess.run([str(exe)], input=text, capture_output=True, text=True, timeout=60, check=True)
    return r.stdout.splitlines()


def check(exe: Path, sets, cfg: QuantConfig) -> None:
    got = run_c(exe, sets)
    assert len(got) == len(sets)
    for p, g in zip(sets, got):
        exp = expected(p, cfg)
        assert g == exp, f"C twin differs from drive() for p = {p}:\n  C:      {g[:400]}\n  Python: {exp[:400]}"


def test_default_config_bit_exact(tmp_path):
    cfg = load_posisp_config()
    exe = build(cfg, tmp_path)
    sets = param_sets(cfg, 200, 20) + agent_sets(cfg)
    check(exe, sets, cfg)
    got = run_c(exe, bad_sets(cfg))
    assert got == [f"ERR {ERR_RANGE}"] * len(got) == [expected(p, cfg) for p in bad_sets(cfg)]


def test_every_mode_variant_bit_exact(tmp_path):
    cfg = every_mode_config()
    exe = build(cfg, tmp_path)
    sets = param_sets(cfg, 100, 21)
    outs = [expected(p, cfg) for p in sets]
    # the variant saturates and wraps: the overflow counts are exercised, not all zero
    assert sum(int(v) for line in outs for v in line.split()[-len(driver_entries()):]) > 0
    check(exe, sets, cfg)


@pytest.mark.parametrize("df", [16, 40])
def test_working_precision_ends(tmp_path, df):
    """DF = 40: the widest products of the C twin's 128-bit arithmetic; DF = 16: 1e-6 drops to
    0 in Q, gamma's log2 of 0 raises in Python and returns POSISP_DRV_ERR_LOG in C."""
    cfg = work_config(df)
    exe = build(cfg, tmp_path, all_files=df != 16)
    sets = param_sets(cfg, 20, 22)
    if df == 16:
        assert {expected(p, cfg) for p in sets} == {f"ERR {ERR_LOG}"}
    check(exe, sets, cfg)
    assert run_c(exe, bad_sets(cfg)) == [f"ERR {ERR_RANGE}"] * (2 * NPAR)


def ccm_tie_sets(cfg: QuantConfig) -> list[tuple[int, ...]]:
    """With DF = 24 (1e-8 drops to 0 in Q) a CCM row whose raw values sum to 114688 has S = 1.0
    exactly, so CCM_M0 = -2 + p0 2^-6 in Q24: an exact tie of ccm.m's rounding (12 fractional
    bits) when p0 = 2 mod 4, negative below p0 = 32768. Sums of 98304 make S = 0 (the Python
    raises ZeroDivisionError, the C returns POSISP_DRV_ERR_DIV0)."""
    d = quantize_params(DEFAULT_P, cfg)
    sets = []
    for p0 in (2, 6, 30722, 32766, 32770, 32774, 65534):
        for total in (114688, 98304):
            p1 = min(total - p0, 65536)
            row = (p0, p1, total - p0 - p1)
            sets.append(d[:2] + row * 3 + d[11:])
    return sets


@pytest.mark.parametrize("rounding", ROUNDINGS)
def test_rounding_ties_and_division_by_zero(tmp_path, rounding):
    """Every rounding mode on exact ties of both signs (DF = 24), and the division by zero."""
    cfg = work_config(24, rounding)
    exe = build(cfg, tmp_path, all_files=False)
    ties = ccm_tie_sets(cfg)
    outs = [expected(p, cfg) for p in ties]
    assert outs[1::2] == ["ERR -3"] * (len(ties) // 2)
    check(exe, ties + param_sets(cfg, 10, 23)[-10:], cfg)  # the ties and 10 random sets


def test_tie_sets_are_ties():
    """The tie sets tell the seven rounding modes apart (CCM_M0 of the tie sets differs)."""
    cols = {r: tuple(expected(p, work_config(24, r)).split()[2] for p in ccm_tie_sets(work_config(24, r))[::2])
            for r in ROUNDINGS}
    assert len(set(cols.values())) >= 5, cols


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not installed")
def test_compiles_as_cxx_with_identical_output(tmp_path):
    """The same source compiles as C++17 (g++ -Wall -Wextra -Wpedantic -Werror) and prints the
    same lines as the C99 build (which the tests above hold bit-exact against drive())."""
    cfg = every_mode_config()
    c_exe = build(cfg, tmp_path / "c", all_files=False)
    cxx_exe = build(cfg, tmp_path / "cxx", all_files=False, cxx=True)
    sets = param_sets(cfg, 100, 24) + bad_sets(cfg)
    got_c = run_c(c_exe, sets)
    assert len(got_c) == len(sets) and run_c(cxx_exe, sets) == got_c
