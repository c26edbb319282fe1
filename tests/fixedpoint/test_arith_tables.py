"""Function tables: integer evaluation semantics, error bounds against the
float function, and the exporters.

Error bound used below, per segment of width h (real input units), with
rounding RND for entries and interpolation, against f clipped to the output
range:

* PWL: |table - f| <= h^2/8 * max|f''| over the segment   (linear interpolation)
                    + 1/2 LSB (entries rounded; a convex mix keeps <= 1/2)
                    + 1/2 LSB (rounding of the interpolation offset)
* LUT: |table - f| <= (max f - min f)/2 over the segment's inputs (midrange entry)
                    + 1/2 LSB (entry rounded)

with max|f''|: sigmoid 1/(6 sqrt 3) (global), softplus 1/4 (global),
log2 1/(a^2 ln 2), reciprocal 2/a^3 (a = segment start > 0), exp2 ln2^2 2^b
(b = segment end).  The bound is checked at every input (all default tables
have 16-bit inputs, so the measurement is exhaustive).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from fixedpoint.arith import DEFAULT_TABLES, FxFormat, make_table, to_float
from fixedpoint.arith.funcs import FUNCTIONS
from fixedpoint.arith.tables import MAX_TABLE_IN_WIDTH, REL_FLOOR_LSB

FUNCS = list(DEFAULT_TABLES)
SLACK = 1e-9  # float64 evaluation of the reference


def _m2(func: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Upper bound of |f''| over [a, b] (real units)."""
    ln2 = math.log(2.0)
    if func == "sigmoid":
        return np.full(a.shape, 1.0 / (6.0 * math.sqrt(3.0)))
    if func == "softplus":
        return np.full(a.shape, 0.25)
    if func == "log2":
        return 1.0 / (a * a * ln2)
    if func == "reciprocal":
        return 2.0 / (a ** 3)
    if func == "exp2":
        return ln2 * ln2 * np.exp2(b)
    raise AssertionError(func)


def _bound_per_input(table) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, bound on |error| at each) for an exhaustively measured table."""
    xs, exhaustive = table.measurement_inputs()
    assert exhaustive
    _, start = table.segment_of(xs)
    idx, _ = table.segment_of(xs)
    shift = table.segment_shifts[idx]
    lsb_in, lsb_out = table.in_fmt.lsb, table.out_fmt.lsb
    a = to_float(start, table.in_fmt)
    h = np.ldexp(1.0, shift) * lsb_in
    f = FUNCTIONS[table.func].f
    lo, hi = float(table.out_fmt.min_value), float(table.out_fmt.max_value)
    if table.kind == "pwl":
        bound = h * h / 8.0 * _m2(table.func, a, a + h) + lsb_out
    else:
        first = np.maximum(a, lsb_in) if table.positive_domain else a
        last = a + h - lsb_in
        spread = np.abs(np.clip(f(last), lo, hi) - np.clip(f(first), lo, hi))
        bound = spread / 2.0 + 0.5 * lsb_out
    return xs, bound


def _errors(table, xs):
    y = to_float(table.evaluate(xs), table.out_fmt)
    ref = np.clip(FUNCTIONS[table.func].f(to_float(xs, table.in_fmt)),
                  float(table.out_fmt.min_value), float(table.out_fmt.max_value))
    return np.abs(y - ref), ref


# Headline figures of the default tables, in output LSBs (measured: sigmoid 1.55,
# softplus 1.24, log2 1.08, exp2 1.65, reciprocal 1.18).
DEFAULT_MAX_LSB = {"sigmoid": 2.0, "softplus": 1.5, "log2": 1.5, "exp2": 2.0, "reciprocal": 1.5}


@pytest.mark.parametrize("func", FUNCS)
def test_default_table_error_bounds(func):
    t = make_table(func)
    xs, bound = _bound_per_input(t)
    err, _ = _errors(t, xs)
    worst = np.argmax(err - bound)
    assert np.all(err <= bound + SLACK), (
        f"{t.describe()}: error {err[worst]:.3g} > bound {bound[worst]:.3g} at raw {xs[worst]}")
    e = t.error
    assert e.exhaustive and e.n_points == xs.size
    assert e.max_abs == pytest.approx(float(err.max()), rel=0, abs=1e-15)
    assert e.max_abs <= float(bound.max()) + SLACK
    assert e.max_abs_lsb <= DEFAULT_MAX_LSB[func]
    # relative error where the reference is >= REL_FLOOR_LSB LSBs: bounded by the
    # worst absolute bound over that floor
    assert e.max_rel <= float(bound.max()) / (REL_FLOOR_LSB * t.out_fmt.lsb) + SLACK


@pytest.mark.parametrize("func", FUNCS)
def test_lut_tables_meet_their_bound(func):
    d = DEFAULT_TABLES[func]
    size = 4096 if d["segmentation"] == "uniform" else 64
    t = make_table(func, kind="lut", size=size)
    xs, bound = _bound_per_input(t)
    err, _ = _errors(t, xs)
    assert np.all(err <= bound + SLACK)
    assert t.entries.size == t.n_segments


@pytest.mark.parametrize("segmentation,size", [("uniform", 256), ("pow2", 8)])
@pytest.mark.parametrize("func", ["sigmoid", "exp2"])
def test_other_sizes_meet_their_bound(func, segmentation, size):
    t = make_table(func, segmentation=segmentation, size=size)
    xs, bound = _bound_per_input(t)
    err, _ = _errors(t, xs)
    assert np.all(err <= bound + SLACK)


def test_pwl_integer_semantics_by_hand():
    """Uniform PWL, tiny formats: check the documented integer formula directly."""
    t = make_table("sigmoid", kind="pwl", in_fmt="s6.2", out_fmt="u8.8", size=8)
    s = 6 - 3
    q = np.arange(-32, 32)
    idx = (q + 32) >> s
    r = q & ((1 << s) - 1)
    y0, y1 = t.entries[idx], t.entries[idx + 1]
    num = (y1 - y0) * r
    want = y0 + ((num + (1 << (s - 1))) >> s)  # RND: floor(x + 1/2)
    assert t.evaluate(q).tolist() == want.tolist()
    # entries are sigmoid at the segment boundaries, rounded into u8.8 and saturated
    bp = to_float(-32 + (np.arange(9) << s), FxFormat.parse("s6.2"))
    sig = 1 / (1 + np.exp(-bp))
    assert t.entries.tolist() == np.minimum(np.floor(sig * 256 + 0.5), 255).astype(int).tolist()


def test_pow2_segmentation_layout():
    t = make_table("reciprocal", kind="lut", in_fmt="u8.4", out_fmt="u12.4", size=4)
    # m = 2: 2**(m+1) = 8 one-step segments, then 4 per octave doubling in width
    assert t.n_segments == (8 - 2 + 1) * 4
    starts, shifts = t.segment_starts, t.segment_shifts
    assert starts[:8].tolist() == list(range(8)) and shifts[:8].tolist() == [0] * 8
    assert starts[8:12].tolist() == [8, 10, 12, 14] and shifts[8:12].tolist() == [1] * 4
    assert starts[-1] + (1 << shifts[-1]) == 256
    # segments tile the input range without gaps
    assert np.all(starts[1:] == starts[:-1] + (1 << shifts[:-1]))
    # signed pow2 mirrors negative inputs and still tiles [min, max]
    s = make_table("sigmoid", in_fmt="s8.4", out_fmt="u8.8", size=4, segmentation="pow2")
    st, sh = s.segment_starts, s.segment_shifts
    assert st[0] == -128 and st[-1] + (1 << sh[-1]) == 128
    assert np.all(st[1:] == st[:-1] + (1 << sh[:-1]))
    assert np.all(st % (1 << sh) == 0)
    q = np.arange(-128, 128)
    idx, start = s.segment_of(q)
    assert np.all((q - start) >= 0) and np.all((q - start) < (1 << sh[idx]))


def test_zero_input_of_positive_domain_functions():
    for func in ("log2", "reciprocal"):
        t = make_table(func)
        assert t.zero_value == (t.out_fmt.min_raw if func == "log2" else t.out_fmt.max_raw)
        assert t.evaluate(np.array([0]))[0] == t.zero_value
        lut = make_table(func, kind="lut")
        assert lut.evaluate(np.array([0]))[0] == lut.zero_value
        # smallest positive input saturates toward the same limit (or is near it)
        y1 = t.evaluate(np.array([1]))[0]
        assert (y1 <= t.out_fmt.min_raw + (1 << 12)) if func == "log2" else y1 == t.out_fmt.max_raw
    with pytest.raises(ValueError, match="unsigned input"):
        make_table("log2", in_fmt="s16.12")


def test_sampled_error_for_wide_inputs():
    t = make_table("sigmoid", in_fmt="s24.16", size=4096)
    e = t.error
    assert not e.exhaustive
    assert e.n_points > (1 << 20)
    # s24.16 spans [-128, 128): 4096 segments of h = 1/16
    h = 2.0 ** -4
    assert e.max_abs <= h * h / 8 / (6 * math.sqrt(3)) + t.out_fmt.lsb + SLACK


def test_exporters_round_trip():
    t = make_table("softplus", kind="lut", in_fmt="s8.4", out_fmt="s10.6", size=16)
    assert t.entries.min() >= 0  # softplus > 0, but the format is signed
    hexes = t.to_readmemh().splitlines()
    assert hexes[0].startswith("// softplus lut")
    words = hexes[1:]
    assert len(words) == 16 and all(len(w) == 3 for w in words)
    vals = [int(w, 16) for w in words]
    vals = [v - 1024 if v >= 512 else v for v in vals]
    assert vals == t.entries.tolist()

    neg = make_table("log2", kind="lut", in_fmt="u8.8", out_fmt="s8.4", size=16)
    v = neg.to_verilog_init("log2_rom")
    assert "reg [7:0] log2_rom [0:" in v and "initial begin" in v and v.rstrip().endswith("end")
    pairs = re.findall(r"log2_rom\[(\d+)\] = 8'h([0-9a-f]{2});", v)
    assert len(pairs) == neg.entries.size
    decoded = [int(h, 16) - 256 if int(h, 16) >= 128 else int(h, 16) for _, h in pairs]
    assert decoded == neg.entries.tolist() and min(decoded) < 0

    c = neg.to_cpp_array("log2_rom")
    assert f"static const int8_t log2_rom[{neg.entries.size}] = {{" in c
    body = c[c.index("{") + 1 : c.index("}")]
    assert [int(x) for x in body.replace("\n", " ").split(",") if x.strip()] == neg.entries.tolist()
    with pytest.raises(ValueError, match="identifier"):
        neg.to_cpp_array("2bad name")


def test_cpp_export_compiles_and_matches(tmp_path):
    import shutil
    import subprocess

    if shutil.which("g++") is None:
        pytest.fail("g++ not installed: run ./scripts/setup.sh")
    t = make_table("reciprocal", kind="pwl", in_fmt="u10.6", out_fmt="u12.4", size=8)
    src = tmp_path / "t.cpp"
    src.write_text("#include <cstdint>\n#include <cstdio>\n" + t.to_cpp_array("tab") +
                   "int main(){for(auto v: tab) printf(\"%lld\\n\", (long long)v);}\n")
    subprocess.run(["g++", "-std=c++14", str(src), "-o", str(tmp_path / "t")], check=True)
    out = subprocess.run([str(tmp_path / "t")], check=True, capture_output=True, text=True).stdout
    assert [int(x) for x in out.split()] == t.entries.tolist()


def test_table_parameter_errors():
    with pytest.raises(ValueError, match="unknown table function"):
        make_table("tanh")
    with pytest.raises(ValueError, match="power of two"):
        make_table("sigmoid", size=1000)
    with pytest.raises(ValueError, match="kind"):
        make_table("sigmoid", kind="spline")
    with pytest.raises(ValueError, match="segmentation"):
        make_table("sigmoid", segmentation="log")
    with pytest.raises(ValueError, match="exceeds"):
        make_table("sigmoid", in_fmt="s8.4", size=512)
    with pytest.raises(ValueError, match="limited"):
        make_table("sigmoid", in_fmt=f"s{MAX_TABLE_IN_WIDTH + 8}.20")
    with pytest.raises(TypeError, match="int"):
        make_table("sigmoid", size=64.0)
    t = make_table("sigmoid")
    with pytest.raises(ValueError, match="outside"):
        t.evaluate(np.array([40000]))
    with pytest.raises(TypeError, match="integer"):
        t.evaluate(np.array([0.5]))
