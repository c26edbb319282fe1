"""Oracle (1): AMD/Xilinx ap_fixed, compiled with g++ from the headers in the
hls4ml wheel, over large random vectors for every rounding x overflow pair.

One program is generated for every format/mode instantiation below (seeded, so
the same every run), compiled once per session in a temp dir, and fed all
input vectors in one run.  Every element must match: zero mismatches.

Per mode pair: requantize 4 format pairs x 20,000 values; quantize from double
3 formats x 20,000 values; add, sub 20,000 each; mul 2 x 20,000; dot 1,500
rows x 16 terms with a per-step-saturating/wrapping accumulator; shift left
and right 10,000 each.
"""

from __future__ import annotations

import numpy as np
import pytest

from fixedpoint.arith import (
    Fx,
    FxFormat,
    Overflow,
    Rounding,
    add,
    dot,
    mul,
    quantize,
    requantize,
    shift_left,
    shift_right,
    sub,
)

N_REQ, N_QUANT, N_BIN, N_SHIFT = 20_000, 20_000, 20_000, 10_000
DOT_ROWS, DOT_K = 1_500, 16
SEED = 20260_1
ALL_MODE_PAIRS = [(r, o) for r in Rounding for o in Overflow]


def cxx_args(f: FxFormat) -> str:
    """ap_fixed template arguments ``W,I,S`` of a format."""
    return f"{f.width},{f.int_bits},{'true' if f.signed else 'false'}"


def mode_args(r: Rounding, o: Overflow) -> str:
    return f"AP_{r.name},AP_{o.name}"


# --------------------------------------------------------------------------- inputs
def random_format(rng: np.random.Generator, wmin: int = 1, wmax: int = 64,
                  frac_around: int | None = None, spread: int = 10) -> FxFormat:
    signed = bool(rng.integers(0, 2))
    width = int(rng.integers(wmin, wmax + 1))
    if not signed and width == 64:
        width = 63
    if frac_around is None:
        frac = int(rng.integers(-8, width + 9))
    else:
        frac = frac_around + int(rng.integers(-spread, spread + 1))
    if rng.random() < 0.05:
        frac += int(rng.choice([-70, 70]))
    return FxFormat(signed, width, frac)


def wrap_to(fmt: FxFormat, v: np.ndarray) -> np.ndarray:
    """Reduce uint64 bit patterns to valid raw values of ``fmt`` (int64)."""
    w = fmt.width
    v = v.astype(np.uint64)
    if w < 64:
        v = v & np.uint64((1 << w) - 1)
        if fmt.signed:
            neg = (v >> np.uint64(w - 1)) & np.uint64(1)
            v = np.where(neg == 1, v | np.uint64(((1 << 64) - 1) ^ ((1 << w) - 1)), v)
    return v.view(np.int64)


def raw_samples(rng: np.random.Generator, fmt: FxFormat, n: int, tie_bit: int = 0) -> np.ndarray:
    """Raw values of ``fmt``: random magnitudes, exact ties at ``tie_bit``, edges."""
    bits = rng.integers(0, 1 << 64, size=n, dtype=np.uint64, endpoint=False)
    sh = rng.integers(0, 64, size=n).astype(np.uint64)
    mag = bits >> sh
    flip = rng.random(n) < 0.5
    mag = np.where(flip, ~mag, mag)  # small negative numbers as often as small positive
    if 1 <= tie_bit <= 63:
        low = np.uint64((1 << tie_bit) - 1)
        tie = np.uint64(1 << (tie_bit - 1))
        pick = rng.random(n) < 0.3
        mag = np.where(pick, (mag & ~low) | tie, mag)
    out = wrap_to(fmt, mag)
    edges = [fmt.min_raw, fmt.min_raw + 1, fmt.max_raw, fmt.max_raw - 1, 0, 1, -1, 2, -2]
    edges = [e for e in edges if fmt.min_raw <= e <= fmt.max_raw]
    out[: len(edges)] = edges
    return out


def double_samples(rng: np.random.Generator, fmt: FxFormat, n: int) -> np.ndarray:
    """Finite doubles around ``fmt``'s range: grid ties, random reals, edges, huge."""
    q = n // 3
    fine = raw_samples(rng, FxFormat(True, min(fmt.width + 4, 64), fmt.frac + 3), q)
    grid = np.ldexp(fine.astype(np.float64), -(fmt.frac + 3))  # often exact ties
    lo_e, hi_e = -fmt.frac - 12, fmt.width - fmt.frac + 12
    expo = rng.integers(lo_e, hi_e, size=n - q)
    mant = rng.random(n - q) + 0.5
    sign = np.where(rng.random(n - q) < 0.5, -1.0, 1.0)
    reals = sign * np.ldexp(mant, expo)
    out = np.concatenate([grid, reals])
    lsb = 2.0 ** (-fmt.frac)
    special = [float(fmt.max_value), float(fmt.min_value), float(fmt.max_value) + lsb / 2,
               float(fmt.min_value) - lsb / 2, lsb / 2, -lsb / 2, 0.0, -0.0, 1e30, -1e30,
               1e300, -1e300, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64 + 2.0 ** 12, -(2.0 ** 70) - 2.0 ** 20,
               1e-300, -1e-300, 3 * lsb / 2, -3 * lsb / 2]
    out[: len(special)] = special
    return out


# --------------------------------------------------------------------------- cases
def _fits(fn, *args) -> bool:
    """Whether our op accepts these formats (its int64 range check passes)."""
    try:
        fn(*args)
    except ValueError:
        return False
    return True


def build_cases(rng: np.random.Generator):
    """Case list: (op, rounding, overflow, python_callable, instantiation, inputs)."""
    cases = []
    for r, o in ALL_MODE_PAIRS:
        m = mode_args(r, o)
        for _ in range(4):
            src = random_format(rng)
            dst = random_format(rng, frac_around=src.frac)
            a = raw_samples(rng, src, N_REQ, tie_bit=src.frac - dst.frac)
            inst = f"op_requant<{cxx_args(src)},{cxx_args(dst)},{m}>"
            cases.append(("requantize", r, o, inst, {"a": a},
                          lambda a=a, s=src, d=dst, r=r, o=o: requantize(a, s, d, r, o)))
        for _ in range(3):
            dst = random_format(rng)
            x = double_samples(rng, dst, N_QUANT)
            inst = f"op_quant<{cxx_args(dst)},{m}>"
            cases.append(("quantize", r, o, inst, {"x": x},
                          lambda x=x, d=dst, r=r, o=o: quantize(x, d, r, o)))
        for op, fn, count in (("add", add, 1), ("sub", sub, 1), ("mul", mul, 2)):
            for _ in range(count):
                while True:
                    if op == "mul":
                        fa = random_format(rng, 1, 40)
                        fb = random_format(rng, 1, 63 - fa.width)
                        center = fa.frac + fb.frac
                    else:
                        fa = random_format(rng, 1, 48)
                        fb = random_format(rng, 1, 48, frac_around=fa.frac, spread=12)
                        center = max(fa.frac, fb.frac)
                    dst = random_format(rng, frac_around=center)
                    one = np.zeros(1, dtype=np.int64)
                    if _fits(fn, Fx(one, fa), Fx(one, fb), dst):
                        break
                a = raw_samples(rng, fa, N_BIN)
                b = raw_samples(rng, fb, N_BIN)
                rng.shuffle(b)
                inst = f"op_{op}<{cxx_args(fa)},{cxx_args(fb)},{cxx_args(dst)},{m}>"
                cases.append((op, r, o, inst, {"a": a, "b": b},
                              lambda a=a, b=b, fa=fa, fb=fb, d=dst, r=r, o=o, fn=fn:
                              fn(Fx(a, fa), Fx(b, fb), d, r, o)))
        # dot: accumulator a few bits wider than a product, so both overflow and
        # rounding happen along the way
        while True:
            fa = random_format(rng, 2, 20)
            fb = random_format(rng, 2, 20)
            acc = random_format(rng, fa.width + fb.width - 2, min(64, fa.width + fb.width + 6),
                                frac_around=fa.frac + fb.frac - 1, spread=3)
            one = np.zeros((1, DOT_K), dtype=np.int64)
            if _fits(dot, Fx(one, fa), Fx(one, fb), acc):
                break
        a = raw_samples(rng, fa, DOT_ROWS * DOT_K).reshape(DOT_ROWS, DOT_K)
        b = raw_samples(rng, fb, DOT_ROWS * DOT_K).reshape(DOT_ROWS, DOT_K)
        inst = f"op_dot<{cxx_args(fa)},{cxx_args(fb)},{cxx_args(acc)},{m}>"
        cases.append(("dot", r, o, inst, {"a": a, "b": b, "k": DOT_K},
                      lambda a=a, b=b, fa=fa, fb=fb, c=acc, r=r, o=o: dot(Fx(a, fa), Fx(b, fb), c, r, o)))
        for direction in ("lshift", "rshift"):
            src = random_format(rng, 1, 63)
            n = int(rng.integers(1, 9))
            moved = src.frac - n if direction == "lshift" else src.frac + n
            dst = random_format(rng, frac_around=moved, spread=4)
            a = raw_samples(rng, src, N_SHIFT, tie_bit=moved - dst.frac)
            inst = f"op_{direction}<{cxx_args(src)},{n},{cxx_args(dst)},{m}>"
            py = shift_left if direction == "lshift" else shift_right
            cases.append(("shift", r, o, inst, {"a": a},
                          lambda a=a, s=src, n=n, d=dst, r=r, o=o, py=py: py(Fx(a, s), n, d, r, o)))
    return cases


@pytest.fixture(scope="module")
def oracle_results(ap_dir, tmp_path_factory, make_ap_oracle, oracle_parts):
    rng = np.random.default_rng(SEED)
    cases = build_cases(rng)
    oracle = make_ap_oracle()
    slots = [oracle.add(inst, **inputs) for (_, _, _, inst, inputs, _) in cases]
    results = oracle.build_and_run(tmp_path_factory.mktemp("ap_oracle"), ap_dir, oracle_parts)
    by_key: dict[tuple, list] = {}
    for (op, r, o, inst, inputs, py), slot in zip(cases, slots):
        by_key.setdefault((op, r, o), []).append((inst, py, results[slot]))
    return by_key, oracle


OPS = ["requantize", "quantize", "add", "sub", "mul", "dot", "shift"]


@pytest.mark.slow
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("mode", ALL_MODE_PAIRS, ids=[f"{r.name}-{o.name}" for r, o in ALL_MODE_PAIRS])
def test_matches_ap_fixed(oracle_results, op, mode):
    by_key, _ = oracle_results
    entries = by_key[(op, *mode)]
    assert entries
    for inst, py, expected in entries:
        got = py().raw.reshape(-1)
        assert got.shape == expected.shape, inst
        bad = np.flatnonzero(got != expected)
        assert bad.size == 0, (
            f"{inst}: {bad.size} mismatches of {expected.size}; first at {bad[0]}: "
            f"ours {got[bad[0]]}, ap_fixed {expected[bad[0]]}"
        )


@pytest.mark.slow
def test_oracle_is_not_trivial(oracle_results):
    """The vectors exercise overflow and rounding, not only the easy cases."""
    by_key, _ = oracle_results
    n_over = n_total = 0
    for entries in by_key.values():
        for _, py, expected in entries:
            res = py()
            n_over += res.n_overflow
            n_total += expected.size
    assert n_total > 5_000_000
    assert 0.01 < n_over / n_total < 0.9
