"""Bit-exact fixed-point operations on int64 raw arrays.

Every operation computes the exact mathematical result of its inputs first
(full precision, as ap_fixed's operators do), then converts it into the
requested target format: rounding on the dropped fractional bits, then
overflow handling (see :mod:`fixedpoint.arith.modes`).  The result is an
:class:`FxResult` carrying the raw int64 array, its format and the number of
values that overflowed (and were saturated, zeroed or wrapped per the mode).

Operands are :class:`Fx` pairs ``(raw, fmt)``; an :class:`FxResult` can be
used directly as an operand.  Raw arrays must hold integers inside their
format's range.  Unsigned 64-bit formats (``u64.*``) are refused here: their
raw values do not fit int64.  An operation whose exact intermediate could
exceed int64 (e.g. multiplying two 40-bit words) is refused with a ValueError
naming the bits it would need, never computed wrongly.

Defaults follow ``ap_fixed<W, I>``: ``TRN`` and ``WRAP``.

Every elementwise operation accepts ``out=``, a C-contiguous int64 array of the
result's shape to write into (it may be an input: elements are read before
they are written), so streaming code can reuse buffers.

Broadcasting: operands of equal shape, or one operand whose shape is a suffix
of the other's (per-channel gains on an ``(H, W, 3)`` image, a scalar), run
without copies; other broadcastable shapes are materialised first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from . import _kernels as K
from .format import FxFormat, as_format, covering_format
from .modes import Overflow, Rounding, parse_overflow, parse_rounding

PARALLEL_MIN_SIZE = 1 << 20
"""Arrays at least this large use the ``prange`` kernels when ``parallel=None``."""

_I64_MIN = -(1 << 63)
_I64_MAX = (1 << 63) - 1


class Fx(NamedTuple):
    """An operand: raw integers (array-like) and the format they are in."""

    raw: Any
    fmt: FxFormat | str


@dataclass(frozen=True, eq=False)
class FxResult:
    """Result of an operation.

    Attributes:
        raw: int64 array of raw values (value = raw * 2**-fmt.frac).
        fmt: format of ``raw``.
        n_overflow: number of overflow events (values outside the target range
            before overflow handling; for mac/dot, one per accumulation step
            that overflowed; for clamp, values clamped).
        overflow: the overflow mode that handled them.
    """

    raw: np.ndarray
    fmt: FxFormat
    n_overflow: int
    overflow: Overflow

    @property
    def n_saturated(self) -> int:
        """Events handled by saturation (SAT, SAT_SYM, SAT_ZERO), else 0."""
        return 0 if self.overflow == Overflow.WRAP else self.n_overflow

    @property
    def n_wrapped(self) -> int:
        """Events handled by wrapping (WRAP), else 0."""
        return self.n_overflow if self.overflow == Overflow.WRAP else 0

    @property
    def fx(self) -> Fx:
        return Fx(self.raw, self.fmt)

    def to_float(self) -> np.ndarray:
        """Values as float64 (exact while the raw values need at most 53 bits)."""
        return to_float(self.raw, self.fmt)


# --------------------------------------------------------------------------- checks
def _fmt(fmt: FxFormat | str, what: str) -> FxFormat:
    f = as_format(fmt)
    if not f.fits_int64:
        raise ValueError(
            f"{what} format {f}: unsigned 64-bit raw values do not fit int64; "
            "array operations support u1..u63 and s1..s64"
        )
    return f


def _raw(values: Any, fmt: FxFormat, what: str) -> np.ndarray:
    """Validate raw integers for ``fmt``; return a C-contiguous int64 array."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{what} must hold integer raw values (int64 for {fmt}), got dtype {arr.dtype}"
        )
    if arr.dtype == np.uint64 and arr.size and int(arr.max()) > _I64_MAX:
        raise ValueError(f"{what}: raw values above 2**63-1 are outside {fmt}")
    arr = np.asarray(arr, dtype=np.int64, order="C")  # keeps 0-d shapes
    if arr.size:
        lo, hi = K.raw_range(arr.reshape(-1))
        if lo < fmt.min_raw or hi > fmt.max_raw:
            raise ValueError(
                f"{what}: raw values span [{int(lo)}, {int(hi)}], outside {fmt}'s raw range "
                f"[{fmt.min_raw}, {fmt.max_raw}]"
            )
    return arr


def _operand(op: Any, what: str) -> tuple[np.ndarray, FxFormat]:
    if isinstance(op, (Fx, FxResult)):
        raw, fmt = op.raw, op.fmt
    elif isinstance(op, tuple) and len(op) == 2:
        raw, fmt = op
    else:
        raise TypeError(
            f"{what} must be an Fx(raw, fmt) operand (or an FxResult), got {type(op).__name__}"
        )
    f = _fmt(fmt, what)
    return _raw(raw, f, what), f


def _need_int64(lo: int, hi: int, what: str) -> None:
    if lo < _I64_MIN or hi > _I64_MAX:
        bits = max((-lo - 1).bit_length(), hi.bit_length()) + 1
        raise ValueError(
            f"{what}: the exact intermediate needs {bits} bits, more than int64 holds; "
            "use narrower operands or requantize them first"
        )


def _use_parallel(parallel: bool | None, n: int) -> bool:
    if parallel is None:
        return n >= PARALLEL_MIN_SIZE
    return bool(parallel)


def _floor_div_pow2(v: int, sh: int) -> int:
    return v >> sh


def _ceil_div_pow2(v: int, sh: int) -> int:
    return -((-v) >> sh)


def requant_spec(src_frac: int, dst: FxFormat, rounding: Rounding, overflow: Overflow) -> tuple:
    """Kernel spec for converting an exact value with ``src_frac`` bits into ``dst``.

    See the layout in :mod:`fixedpoint.arith._kernels`.
    """
    lo, hi = dst.min_raw, dst.max_raw
    lo_eff = -hi if (overflow == Overflow.SAT_SYM and dst.signed and dst.width > 1) else lo
    lo_ev = lo if overflow == Overflow.WRAP else lo_eff
    d = src_frac - dst.frac
    qlo = qhi = 0
    if d < 0:
        sh = -d
        qhi = _floor_div_pow2(hi, sh)
        qlo = _ceil_div_pow2(lo_ev, sh)
    # constants of the branch-free path (see _kernels.requant_fast)
    path = 0 if -62 <= d <= 61 else 1
    dr, sl = max(d, 0), max(-d, 0)
    mask_d = c0 = cneg = codd = 0
    if path == 0 and dr > 0:
        mask_d, half = (1 << dr) - 1, 1 << (dr - 1)
        c0, cneg, codd = {
            Rounding.TRN: (0, 0, 0),
            Rounding.TRN_ZERO: (0, mask_d, 0),
            Rounding.RND: (half, 0, 0),
            Rounding.RND_ZERO: (half - 1, 1, 0),
            Rounding.RND_MIN_INF: (half - 1, 0, 0),
            Rounding.RND_INF: (half, -1, 0),
            Rounding.RND_CONV: (half - 1, 0, 1),
        }[rounding]
    elo, ehi = (qlo, qhi) if d < 0 else (lo_ev, hi)
    if dst.width >= 64:
        wmask, wsign = -1, 0
    else:
        wmask, wsign = (1 << dst.width) - 1, (1 << (dst.width - 1)) if dst.signed else 0
    wrap_m = -1 if overflow == Overflow.WRAP else 0
    sat_m = -1 if overflow in (Overflow.SAT, Overflow.SAT_SYM) else 0
    return (
        d, int(rounding), int(overflow), lo, hi, lo_eff, qlo, qhi, dst.width,
        1 if dst.signed else 0, path, dr, mask_d, c0, cneg, codd, sl, elo, ehi,
        wmask, wsign, wrap_m, sat_m,
    )


def _modes(rounding: Rounding | str, overflow: Overflow | str) -> tuple[Rounding, Overflow]:
    return parse_rounding(rounding), parse_overflow(overflow)


def _bcast_shape(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError as exc:
        raise ValueError(f"operand shapes {list(shapes)} do not broadcast") from exc


BLOCK = 1 << 14
"""Elements per unit of (parallel) work in the elementwise kernels."""


def _layout(arrays: Sequence[np.ndarray], shape: tuple[int, ...]
            ) -> tuple[list[np.ndarray], list[bool], int]:
    """Flat operands for the block kernels: (arrays, tiled flags, block length).

    An operand of the full shape is used as is.  One whose shape is a suffix of
    ``shape`` (per-channel gains, a scalar) is tiled to one block (the block a
    multiple of its period) and flagged; other broadcasts are materialised.
    """
    period = 0
    flats: list[np.ndarray] = []
    tiled: list[bool] = []
    for arr in arrays:
        suffix = arr.ndim <= len(shape) and shape[len(shape) - arr.ndim:] == arr.shape
        if arr.shape == shape:
            flats.append(arr.reshape(-1))
            tiled.append(False)
        elif (arr.size == 1 or suffix) and period in (0, arr.size) and arr.size <= BLOCK:
            period = arr.size
            flats.append(arr.reshape(-1))
            tiled.append(True)
        else:
            flats.append(np.ascontiguousarray(np.broadcast_to(arr, shape)).reshape(-1))
            tiled.append(False)
    block = BLOCK if period == 0 else period * max(1, BLOCK // period)
    flats = [np.tile(f, block // f.size) if t else f for f, t in zip(flats, tiled)]
    return flats, tiled, block


def _out_buffer(out: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
    """Flat int64 output buffer: a new one, or the caller's ``out`` (checked)."""
    if out is None:
        return np.empty(int(np.prod(shape, dtype=np.int64)), dtype=np.int64)
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != np.int64 or out.shape != tuple(shape) or not out.flags.c_contiguous \
            or not out.flags.writeable:
        raise ValueError(
            f"out must be a writeable C-contiguous int64 array of shape {tuple(shape)}, "
            f"got {out.dtype} {out.shape}"
        )
    return out.reshape(-1)


def _result(out: np.ndarray, shape: tuple[int, ...], fmt: FxFormat, n: int, o: Overflow) -> FxResult:
    return FxResult(out.reshape(shape), fmt, int(n), o)


# --------------------------------------------------------------------------- public
def to_float(raw: Any, fmt: FxFormat | str) -> np.ndarray:
    """Raw integers to float64 values ``raw * 2**-frac`` (exact up to 53 significant bits)."""
    f = as_format(fmt)
    arr = np.asarray(raw)
    if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"raw values must be integers, got dtype {arr.dtype}")
    return np.ldexp(arr.astype(np.float64), -f.frac)


def quantize(
    x: Any,
    fmt: FxFormat | str,
    rounding: Rounding | str = "TRN",
    overflow: Overflow | str = "WRAP",
    *,
    parallel: bool | None = None,
    out: np.ndarray | None = None,
) -> FxResult:
    """Quantize real numbers (float array) into ``fmt``, exactly as ``ap_fixed(double)``.

    ``x`` (real values, any shape) is converted to float64 (float16/32 exactly);
    the rounding is decided on the exact double value.  Integer arrays are taken
    as exact integers.  NaN and infinities are refused with a ValueError.
    Returns raw int64 values of ``fmt`` with ``x``'s shape.

    (ap_fixed reads subnormal doubles as if they had an implicit leading one;
    here their exact value is rounded.  The two differ only for formats with
    more than about 1020 fractional bits.)
    """
    r, o = _modes(rounding, overflow)
    dst = _fmt(fmt, "target")
    arr = np.asarray(x)
    if arr.dtype == np.bool_ or arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(f"quantize expects real numbers (float or int array), got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.integer):
        src = FxFormat(True, 64, 0)
        if arr.dtype == np.uint64 and arr.size and int(arr.max()) > _I64_MAX:
            raise ValueError("quantize: integer inputs above 2**63-1 are not supported")
        return requantize(arr.astype(np.int64), src, dst, r, o, parallel=parallel, out=out)
    flat = np.ascontiguousarray(arr, dtype=np.float64).reshape(-1)
    if not K.all_finite(flat):
        bad = flat[~np.isfinite(flat)]
        raise ValueError(
            f"quantize: {bad.size} input value(s) are NaN or infinite (first: {bad[0]}); "
            "only finite numbers can be quantized"
        )
    out = _out_buffer(out, arr.shape)
    spec = requant_spec(0, dst, r, o)
    if _use_parallel(parallel, flat.size):
        n = K.quantize_par(flat, np.int64(dst.frac), spec, out, BLOCK)
    else:
        n = K.quantize_seq(flat, np.int64(dst.frac), spec, out, BLOCK)
    return _result(out, arr.shape, dst, n, o)


def requantize(
    raw: Any,
    src: FxFormat | str,
    dst: FxFormat | str,
    rounding: Rounding | str = "TRN",
    overflow: Overflow | str = "WRAP",
    *,
    parallel: bool | None = None,
    out: np.ndarray | None = None,
) -> FxResult:
    """Convert raw values from ``src`` to ``dst`` as ap_fixed assignment does."""
    r, o = _modes(rounding, overflow)
    s = _fmt(src, "source")
    d = _fmt(dst, "target")
    q = _raw(raw, s, "raw")
    flat = q.reshape(-1)
    out = _out_buffer(out, q.shape)
    spec = requant_spec(s.frac, d, r, o)
    if _use_parallel(parallel, flat.size):
        n = K.requant_par(flat, spec, out, BLOCK)
    else:
        n = K.requant_seq(flat, spec, out, BLOCK)
    return _result(out, q.shape, d, n, o)


def _binary(op: int, name: str, a: Any, b: Any, dst, rounding, overflow, parallel, out) -> FxResult:
    r, o = _modes(rounding, overflow)
    qa, fa = _operand(a, f"{name}: a")
    qb, fb = _operand(b, f"{name}: b")
    d = _fmt(dst, "target")
    if op == 2:
        frac = fa.frac + fb.frac
        corners = [x * y for x in (fa.min_raw, fa.max_raw) for y in (fb.min_raw, fb.max_raw)]
        sa = sb = 0
    else:
        frac = max(fa.frac, fb.frac)
        sa, sb = frac - fa.frac, frac - fb.frac
        alo, ahi = fa.min_raw << sa, fa.max_raw << sa
        blo, bhi = fb.min_raw << sb, fb.max_raw << sb
        _need_int64(min(alo, blo), max(ahi, bhi), f"{name}({fa}, {fb}) alignment")
        corners = [alo + blo, ahi + bhi] if op == 0 else [alo - bhi, ahi - blo]
    _need_int64(min(corners), max(corners), f"{name}({fa}, {fb})")
    shape = _bcast_shape(qa.shape, qb.shape)
    size = int(np.prod(shape, dtype=np.int64))
    out = _out_buffer(out, shape)
    if size:
        (fa_, fb_), (ta, tb), block = _layout([qa, qb], shape)
        kern = K.binary_par if _use_parallel(parallel, size) else K.binary_seq
        n = kern(fa_, fb_, ta, tb, block, op, sa, sb, requant_spec(frac, d, r, o), out)
    else:
        n = 0
    return _result(out, shape, d, n, o)


def add(a: Any, b: Any, dst: FxFormat | str, rounding: Rounding | str = "TRN",
        overflow: Overflow | str = "WRAP", *, parallel: bool | None = None,
        out: np.ndarray | None = None) -> FxResult:
    """``a + b`` computed exactly, then converted into ``dst``."""
    return _binary(0, "add", a, b, dst, rounding, overflow, parallel, out)


def sub(a: Any, b: Any, dst: FxFormat | str, rounding: Rounding | str = "TRN",
        overflow: Overflow | str = "WRAP", *, parallel: bool | None = None,
        out: np.ndarray | None = None) -> FxResult:
    """``a - b`` computed exactly, then converted into ``dst``."""
    return _binary(1, "sub", a, b, dst, rounding, overflow, parallel, out)


def mul(a: Any, b: Any, dst: FxFormat | str, rounding: Rounding | str = "TRN",
        overflow: Overflow | str = "WRAP", *, parallel: bool | None = None,
        out: np.ndarray | None = None) -> FxResult:
    """``a * b`` computed exactly (``frac_a + frac_b`` bits), then converted into ``dst``."""
    return _binary(2, "mul", a, b, dst, rounding, overflow, parallel, out)


def _mac_plan(fc: FxFormat, fa: FxFormat, fb: FxFormat, name: str) -> tuple[int, int, int]:
    """Shifts aligning accumulator and product, after proving the sum fits int64."""
    pfrac = fa.frac + fb.frac
    corners = [x * y for x in (fa.min_raw, fa.max_raw) for y in (fb.min_raw, fb.max_raw)]
    _need_int64(min(corners), max(corners), f"{name} product {fa}*{fb}")
    frac = max(fc.frac, pfrac)
    s_acc, s_p = frac - fc.frac, frac - pfrac
    clo, chi = fc.min_raw << s_acc, fc.max_raw << s_acc
    plo, phi = min(corners) << s_p, max(corners) << s_p
    _need_int64(min(clo, plo), max(chi, phi), f"{name} alignment of accumulator {fc} and product")
    _need_int64(clo + plo, chi + phi, f"{name} accumulation in {fc}")
    return frac, s_acc, s_p


def mac(acc: Any, a: Any, b: Any, rounding: Rounding | str = "TRN",
        overflow: Overflow | str = "WRAP", *, parallel: bool | None = None,
        out: np.ndarray | None = None) -> FxResult:
    """Elementwise multiply-accumulate: ``acc + a*b`` converted into ``acc``'s format.

    This is one step of a fixed-width accumulator (``acc += a*b`` in HLS C++): the
    product is exact, the sum is exact, then rounding and overflow handling apply.
    """
    r, o = _modes(rounding, overflow)
    qc, fc = _operand(acc, "mac: acc")
    qa, fa = _operand(a, "mac: a")
    qb, fb = _operand(b, "mac: b")
    frac, s_acc, s_p = _mac_plan(fc, fa, fb, "mac")
    shape = _bcast_shape(qc.shape, qa.shape, qb.shape)
    size = int(np.prod(shape, dtype=np.int64))
    out = _out_buffer(out, shape)
    n = 0
    if size:
        (c_, a_, b_), (tc, ta, tb), block = _layout([qc, qa, qb], shape)
        kern = K.mac_par if _use_parallel(parallel, size) else K.mac_seq
        n = kern(c_, a_, b_, tc, ta, tb, block, s_acc, s_p, requant_spec(frac, fc, r, o), out)
    return _result(out, shape, fc, n, o)


def dot(a: Any, b: Any, acc_fmt: FxFormat | str, rounding: Rounding | str = "TRN",
        overflow: Overflow | str = "WRAP", *, init: Any = None,
        parallel: bool | None = None) -> FxResult:
    """Dot products along the last axis with a fixed-width accumulator.

    For each output element: ``acc = init`` (converted into ``acc_fmt``, 0 when
    ``init`` is None), then for k = 0..K-1 in order, ``acc = Q(acc + a[k]*b[k])``
    where ``Q`` rounds and handles overflow into ``acc_fmt``.  Overflow handling
    is applied after every step, as hardware with a fixed-width accumulator
    does, and every overflowing step is counted (plus the initial conversion).

    ``a`` and ``b`` broadcast to a common shape ``(..., K)``; the result has
    shape ``(...)``.
    """
    r, o = _modes(rounding, overflow)
    qa, fa = _operand(a, "dot: a")
    qb, fb = _operand(b, "dot: b")
    fc = _fmt(acc_fmt, "accumulator")
    frac, s_acc, s_p = _mac_plan(fc, fa, fb, "dot")
    if qa.ndim == 0 or qb.ndim == 0:
        raise ValueError("dot: operands need at least one axis (the summed axis)")
    shape = _bcast_shape(qa.shape, qb.shape)
    lead, k = shape[:-1], shape[-1]
    rows = int(np.prod(lead, dtype=np.int64))
    a2 = np.ascontiguousarray(np.broadcast_to(qa, shape)).reshape(rows, k)
    b2 = np.ascontiguousarray(np.broadcast_to(qb, shape)).reshape(rows, k)
    n0 = 0
    if init is None:
        init_raw = np.zeros(rows, dtype=np.int64)
    else:
        ini = requantize(*_operand(init, "dot: init"), fc, r, o)
        n0 = ini.n_overflow
        init_raw = np.ascontiguousarray(np.broadcast_to(ini.raw, lead), dtype=np.int64).reshape(rows)
    out = np.empty(rows, dtype=np.int64)
    n = 0
    if rows:
        kern = K.dot_par if _use_parallel(parallel, rows * max(k, 1)) else K.dot_seq
        n = kern(a2, b2, init_raw, s_acc, s_p, requant_spec(frac, fc, r, o), out,
                 max(1, BLOCK // max(k, 1)))
    return _result(out, lead, fc, n + n0, o)


def _check_shift(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"shift amount must be an int, got {type(n).__name__}")
    n = int(n)
    if n < 0:
        raise ValueError(f"shift amount must be >= 0, got {n}")
    return n


def shift_left(x: Any, n: int, dst: FxFormat | str | None = None,
               rounding: Rounding | str = "TRN", overflow: Overflow | str = "WRAP",
               *, parallel: bool | None = None) -> FxResult:
    """Value times ``2**n`` (the binary point moves; a rewire in hardware), into ``dst``.

    ``dst`` defaults to the operand's format, where the overflow mode applies.
    """
    n = _check_shift(n)
    q, f = _operand(x, "shift_left: x")
    target = f if dst is None else dst
    moved = FxFormat(f.signed, f.width, f.frac - n)
    return requantize(q, moved, target, rounding, overflow, parallel=parallel)


def shift_right(x: Any, n: int, dst: FxFormat | str | None = None,
                rounding: Rounding | str = "TRN", overflow: Overflow | str = "WRAP",
                *, parallel: bool | None = None) -> FxResult:
    """Value times ``2**-n``, into ``dst`` (default: the operand's format, rounded)."""
    n = _check_shift(n)
    q, f = _operand(x, "shift_right: x")
    target = f if dst is None else dst
    moved = FxFormat(f.signed, f.width, f.frac + n)
    return requantize(q, moved, target, rounding, overflow, parallel=parallel)


def _bound_raw(v: Any, fmt: FxFormat, up: bool, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction, np.integer, np.floating)):
        raise TypeError(f"clamp: {what} must be a real number, got {type(v).__name__}")
    if isinstance(v, (float, np.floating)) and not np.isfinite(v):
        raise ValueError(f"clamp: {what} must be finite, got {v}")
    scaled = Fraction(v) * Fraction(2) ** fmt.frac
    return -((-scaled.numerator) // scaled.denominator) if up else scaled.numerator // scaled.denominator


def clamp(x: Any, lo: float | Fraction, hi: float | Fraction,
          *, parallel: bool | None = None, out: np.ndarray | None = None) -> FxResult:
    """Clamp values to ``[lo, hi]`` (real bounds) in the operand's format.

    The bounds become the representable values inside ``[lo, hi]``: ``lo`` rounds
    up and ``hi`` rounds down to the format's grid (so ``clamp(x, 1e-6, 1)``
    never returns a value below 1e-6).  ``n_overflow`` counts clamped values.
    """
    q, f = _operand(x, "clamp: x")
    rlo = max(_bound_raw(lo, f, True, "lo"), f.min_raw)
    rhi = min(_bound_raw(hi, f, False, "hi"), f.max_raw)
    if rlo > rhi:
        raise ValueError(f"clamp: no value of {f} lies in [{lo}, {hi}]")
    flat = q.reshape(-1)
    out = _out_buffer(out, q.shape)
    if _use_parallel(parallel, flat.size):
        n = K.clamp_par(flat, np.int64(rlo), np.int64(rhi), out, BLOCK)
    else:
        n = K.clamp_seq(flat, np.int64(rlo), np.int64(rhi), out, BLOCK)
    return _result(out, q.shape, f, n, Overflow.SAT)


def _minmax(take_max: bool, name: str, a, b, dst, rounding, overflow, parallel, out) -> FxResult:
    r, o = _modes(rounding, overflow)
    qa, fa = _operand(a, f"{name}: a")
    qb, fb = _operand(b, f"{name}: b")
    common = covering_format(fa, fb)
    if dst is None:  # the covering format holds both values: a plain copy
        d, r = common, Rounding.TRN
        o = Overflow.WRAP
    else:
        d = _fmt(dst, "target")
    sa, sb = common.frac - fa.frac, common.frac - fb.frac
    shape = _bcast_shape(qa.shape, qb.shape)
    size = int(np.prod(shape, dtype=np.int64))
    out = _out_buffer(out, shape)
    n = 0
    if size:
        (fa_, fb_), (ta, tb), block = _layout([qa, qb], shape)
        kern = K.minmax_par if _use_parallel(parallel, size) else K.minmax_seq
        n = kern(fa_, fb_, ta, tb, block, sa, sb, take_max,
                 requant_spec(common.frac, d, r, o), out)
    return _result(out, shape, d, n, o)


def minimum(a: Any, b: Any, dst: FxFormat | str | None = None,
            rounding: Rounding | str = "TRN", overflow: Overflow | str = "WRAP",
            *, parallel: bool | None = None, out: np.ndarray | None = None) -> FxResult:
    """Elementwise smaller value (compared exactly), converted into ``dst``.

    ``dst`` defaults to the narrowest format holding both operands' values, so
    the result is exact and ``n_overflow`` is 0.
    """
    return _minmax(False, "minimum", a, b, dst, rounding, overflow, parallel, out)


def maximum(a: Any, b: Any, dst: FxFormat | str | None = None,
            rounding: Rounding | str = "TRN", overflow: Overflow | str = "WRAP",
            *, parallel: bool | None = None, out: np.ndarray | None = None) -> FxResult:
    """Elementwise larger value (compared exactly), converted into ``dst``."""
    return _minmax(True, "maximum", a, b, dst, rounding, overflow, parallel, out)


def argmax(x: Any, axis: int = -1) -> np.ndarray:
    """Index of the largest raw value along ``axis``; ties go to the lowest index.

    Takes an Fx operand (or a plain integer array).  Returns int64 indices with
    ``axis`` removed.  Nothing can overflow, so no count is returned.
    """
    if isinstance(x, (Fx, FxResult)) or (isinstance(x, tuple) and len(x) == 2):
        q, _ = _operand(x, "argmax: x")
    else:
        arr = np.asarray(x)
        if arr.dtype == np.bool_ or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"argmax expects integer raw values, got dtype {arr.dtype}")
        q = arr.astype(np.int64)
    if q.ndim == 0:
        raise ValueError("argmax: input needs at least one axis")
    if not -q.ndim <= axis < q.ndim:
        raise ValueError(f"argmax: axis {axis} out of range for {q.ndim}-d input")
    if q.shape[axis] == 0:
        raise ValueError("argmax: the reduced axis is empty")
    moved = np.ascontiguousarray(np.moveaxis(q, axis, -1))
    lead = moved.shape[:-1]
    rows = int(np.prod(lead, dtype=np.int64))
    out = np.empty(rows, dtype=np.int64)
    if rows:
        K.argmax_rows(moved.reshape(rows, moved.shape[-1]), out)
    return out.reshape(lead)


__all__: Sequence[str] = (
    "PARALLEL_MIN_SIZE",
    "Fx",
    "FxResult",
    "add",
    "argmax",
    "clamp",
    "dot",
    "mac",
    "maximum",
    "minimum",
    "mul",
    "quantize",
    "requant_spec",
    "requantize",
    "shift_left",
    "shift_right",
    "sub",
    "to_float",
)
