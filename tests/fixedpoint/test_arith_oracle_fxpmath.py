"""Oracle (2): fxpmath, for the rounding/overflow modes it shares with ap_fixed.

fxpmath (0.4.10 checked) names the shared modes differently, see
fixedpoint/arith/README.md; the mapping below is what this test proves.
fxpmath rounds ``x * 2**frac`` computed in float64, so inputs are kept on a
grid of at most 53 significant bits, where its float arithmetic is exact.
Per (mode, fxpmath name) pair: quantize 4 formats x 20,000 values and
requantize 2 format pairs x 20,000 values; zero mismatches.
"""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

import fxpmath  # noqa: E402
from fxpmath import Fxp

from fixedpoint.arith import (
    FxFormat,
    Overflow,
    Rounding,
    quantize,
    requantize,
    to_float,
)

SHARED_ROUNDING = {
    Rounding.TRN: ["floor", "bit_trunc"],
    Rounding.TRN_ZERO: ["trunc", "fix"],
    Rounding.RND: ["nearest_posinf"],
    Rounding.RND_ZERO: ["nearest_zero"],
    Rounding.RND_MIN_INF: ["nearest_neginf"],
    Rounding.RND_INF: ["nearest_away"],
    Rounding.RND_CONV: ["around"],
}
SHARED_OVERFLOW = {Overflow.SAT: "saturate", Overflow.WRAP: "wrap"}


def _available() -> set[str]:
    try:
        return set(fxpmath.objects.Config()._rounding_list)
    except AttributeError:  # older layouts: trust the documented basic names
        return {"floor", "trunc", "fix", "around", "ceil"}


CASES = [
    (r, name, o)
    for r, names in SHARED_ROUNDING.items()
    for name in names
    if name in _available()
    for o in SHARED_OVERFLOW
]


def _fxp(values: np.ndarray, fmt: FxFormat, rounding: str, overflow: Overflow) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = Fxp(values, signed=fmt.signed, n_word=fmt.width, n_frac=fmt.frac,
                rounding=rounding, overflow=SHARED_OVERFLOW[overflow])
    return np.asarray(f.val).astype(np.int64)


def _grid_values(rng: np.random.Generator, fmt: FxFormat, n: int) -> np.ndarray:
    """Exact doubles: integers of <= 50 bits on a grid 0..4 bits finer than fmt,
    spread from far inside to a few bits outside fmt's range."""
    extra = rng.integers(0, 5, size=n)
    top = fmt.width + 3 + extra  # magnitude bits relative to the fine grid
    mag_bits = np.minimum(rng.integers(0, 51, size=n), top)
    mag = np.floor(rng.random(n) * np.ldexp(1.0, mag_bits))
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    vals = np.ldexp(sign * mag, -(fmt.frac + extra))
    ties = rng.random(n) < 0.3  # exact half-LSB ties
    vals[ties] = np.ldexp(np.floor(vals[ties] * 2.0 ** fmt.frac) + 0.5, -fmt.frac)
    return vals


def _format(rng: np.random.Generator, wmax: int = 40) -> FxFormat:
    w = int(rng.integers(1, wmax + 1))
    return FxFormat(bool(rng.integers(0, 2)), w, int(rng.integers(-6, w + 7)))


@pytest.mark.parametrize("rounding,fxp_name,overflow", CASES,
                         ids=[f"{r.name}={n}-{o.name}" for r, n, o in CASES])
def test_matches_fxpmath(rounding, fxp_name, overflow):
    rng = np.random.default_rng(zlib.crc32(f"{rounding.name}/{fxp_name}/{overflow.name}".encode()))
    n_cmp = 0
    for _ in range(4):
        fmt = _format(rng)
        x = _grid_values(rng, fmt, 20_000)
        ours = quantize(x, fmt, rounding, overflow).raw
        theirs = _fxp(x, fmt, fxp_name, overflow)
        bad = np.flatnonzero(ours != theirs)
        assert bad.size == 0, (f"quantize {fmt} {rounding.name}/{overflow.name} vs fxpmath "
                               f"'{fxp_name}': x={x[bad[0]]!r} ours {ours[bad[0]]} fxpmath {theirs[bad[0]]}")
        n_cmp += x.size
    for _ in range(2):
        src = _format(rng, 48)
        dst = FxFormat(bool(rng.integers(0, 2)), int(rng.integers(1, 41)),
                       src.frac + int(rng.integers(-10, 6)))
        q = rng.integers(src.min_raw, src.max_raw, size=20_000, endpoint=True)
        ours = requantize(q, src, dst, rounding, overflow).raw
        theirs = _fxp(to_float(q, src), dst, fxp_name, overflow)  # exact: <= 48-bit raws
        bad = np.flatnonzero(ours != theirs)
        assert bad.size == 0, (f"requantize {src}->{dst} vs fxpmath '{fxp_name}': raw {q[bad[0]]} "
                               f"ours {ours[bad[0]]} fxpmath {theirs[bad[0]]}")
        n_cmp += q.size
    assert n_cmp == 120_000


def test_mapping_covers_every_rounding_mode():
    """Every ap_fixed rounding mode has at least one fxpmath counterpart tested."""
    covered = {r for r, _, _ in CASES}
    if not {"nearest_posinf", "nearest_zero", "nearest_neginf", "nearest_away"} <= _available():
        pytest.fail("this fxpmath predates the nearest_* rounding modes (need fxpmath >= 0.4.9)")
    assert covered == set(Rounding)
