"""Function tables (LUT and piecewise-linear) generated from the formats.

A table maps a raw input of ``in_fmt`` to a raw output of ``out_fmt`` with
integer arithmetic only, exactly as the hardware does:

1. **Segment** (see :mod:`fixedpoint.arith._table_kernels`): ``uniform``
   takes the top ``log2(size)`` bits of the (offset-binary) input, so there are
   ``size`` equal segments; ``pow2`` splits the input like a float, at powers of
   two of ``|x|``, into ``size`` sub-segments per octave (segments of one raw
   step near zero, doubling in width each octave), mirrored for negative inputs.
2. **LUT**: the output is the segment's entry, the midrange of ``f`` over the
   segment's inputs (``f`` clipped to the output range), rounded into
   ``out_fmt``.
   **PWL**: entries are ``f`` at every segment boundary (``n_segments + 1`` of
   them, ``f`` clipped and rounded into ``out_fmt``); with ``y0, y1`` the
   entries around the input's segment of width ``2**s`` and ``r`` the input's
   low ``s`` bits, the output is ``y0 + round((y1 - y0) * r / 2**s)`` where
   ``round`` is the table's rounding mode applied to the dropped ``s`` bits.
   The result always lies between ``y0`` and ``y1``, so it cannot overflow.
3. **Domain**: ``log2`` and ``reciprocal`` are defined for x > 0; they need an
   unsigned input format, and raw input 0 gives ``zero_value``: the most
   negative output for log2 and the largest output for reciprocal (their
   limits, saturated).  Hardware implements this with one comparator.

Errors (``max_abs_err``, ``max_rel_err``) are measured against the float64
function clipped to the output range (``[out_min, out_max]``: saturation is
the intended behaviour of a finite output), over every representable input
when ``in_fmt`` has at most 20 bits, otherwise over a dense sample: every
segment's first, middle and last input, 2**20 evenly spaced inputs and 2**16
seeded random ones (``error.exhaustive`` tells which).  Input 0 of a
positive-domain function is excluded.  The relative error is taken where
``|reference| >= REL_FLOOR_LSB`` (64) output LSBs, since below that the output
format's own rounding dominates any relative figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import _table_kernels as TK
from .export import cpp_array, readmemh, verilog_init
from .format import FxFormat, as_format
from .funcs import get_function
from .modes import Overflow, Rounding, parse_rounding
from .ops import PARALLEL_MIN_SIZE, _raw, quantize, to_float

EXHAUSTIVE_MAX_BITS = 20
"""Input formats up to this width are measured over every input."""

MAX_TABLE_IN_WIDTH = 48  # POS-ISP's denoise weight is a table of a 45-bit patch distance
MAX_TABLE_OUT_WIDTH = 32

DEFAULT_TABLES: dict[str, dict[str, Any]] = {
    # sigmoid on [-32, 32) into [0, 1): 2048 uniform segments of 1/32
    "sigmoid": {
        "kind": "pwl", "in_fmt": "s16.10", "out_fmt": "u16.16", "size": 2048, "segmentation": "uniform",
    },
    # softplus on [-32, 32) into [0, 64): 512 uniform segments of 1/8
    "softplus": {
        "kind": "pwl", "in_fmt": "s16.10", "out_fmt": "u16.10", "size": 512, "segmentation": "uniform",
    },
    # log2 on (0, 1) into [-16, 16): 32 segments per octave
    "log2": {
        "kind": "pwl", "in_fmt": "u16.16", "out_fmt": "s16.11", "size": 32, "segmentation": "pow2",
    },
    # exp2 on [-8, 8) into [0, 256): 1024 uniform segments of 1/64
    "exp2": {
        "kind": "pwl", "in_fmt": "s16.12", "out_fmt": "u16.8", "size": 1024, "segmentation": "uniform",
    },
    # reciprocal on (0, 16) into [0, 256): 64 segments per octave
    "reciprocal": {
        "kind": "pwl", "in_fmt": "u16.12", "out_fmt": "u16.8", "size": 64, "segmentation": "pow2",
    },
}

REL_FLOOR_LSB = 64
"""The relative error is measured where |reference| >= this many output LSBs
(below that, the output format's own rounding dominates any relative figure)."""


@dataclass(frozen=True)
class TableError:
    """Measured error of a table against its clipped float64 function.

    Attributes:
        max_abs: largest |table - reference| (real units of the output).
        max_abs_lsb: the same in output LSBs.
        max_rel: largest |table - reference| / |reference| where |reference| >=
            ``REL_FLOOR_LSB`` output LSBs.
        worst_abs_input: raw input where max_abs occurs.
        worst_rel_input: raw input where max_rel occurs.
        exhaustive: every representable input was measured.
        n_points: number of inputs measured.
    """

    max_abs: float
    max_abs_lsb: float
    max_rel: float
    worst_abs_input: int
    worst_rel_input: int
    exhaustive: bool
    n_points: int


def _is_pow2(n: int) -> bool:
    return n >= 1 and (n & (n - 1)) == 0


class FunctionTable:
    """A generated LUT or PWL table; see the module docstring for the exact semantics.

    Use :func:`make_table` to build one.  ``entries`` (int64 raw values of
    ``out_fmt``) is the memory content that the exporters write.
    """

    def __init__(self, func: str, kind: str, in_fmt: FxFormat, out_fmt: FxFormat, size: int,
                 segmentation: str, rounding: Rounding) -> None:
        self.func = func
        self.kind = kind
        self.in_fmt = in_fmt
        self.out_fmt = out_fmt
        self.size = size
        self.segmentation = segmentation
        self.rounding = rounding
        spec = get_function(func)
        self._f = spec.f
        self.positive_domain = spec.domain == "positive"
        w_mag = in_fmt.width - 1 if in_fmt.signed else in_fmt.width
        if segmentation == "uniform":
            self._kind_code = TK.UNIFORM
            self._param = in_fmt.width - (size.bit_length() - 1)
            self._n_side = 0
            self.n_segments = size
        else:
            m = size.bit_length() - 1
            self._kind_code = TK.POW2
            self._param = m
            self._n_side = (w_mag - m + 1) << m
            self.n_segments = 2 * self._n_side if in_fmt.signed else self._n_side
        self.zero_value: int | None = None
        if self.positive_domain:
            self.zero_value = out_fmt.min_raw if func == "log2" else out_fmt.max_raw
        self._starts, self._shifts = self._segments()
        if kind == "pwl":
            max_s = int(self._shifts.max())
            need = out_fmt.width + 1 + max_s
            if need > 62:
                raise ValueError(
                    f"{func} PWL table: interpolation product needs {need} bits "
                    f"(out width {out_fmt.width} + 1 + {max_s} offset bits), more than int64 "
                    "allows; use more segments or narrower formats"
                )
        self.entries = self._build_entries()

    # ------------------------------------------------------------ construction
    def _segments(self) -> tuple[np.ndarray, np.ndarray]:
        """First raw input and log2(width) of every segment, in index order."""
        f = self.in_fmt
        if self._kind_code == TK.UNIFORM:
            s = self._param
            idx = np.arange(self.n_segments, dtype=np.int64)
            return f.min_raw + (idx << s), np.full(self.n_segments, s, dtype=np.int64)
        m = self._param
        j = np.arange(self._n_side, dtype=np.int64)
        s = np.maximum((j >> m) - 1, 0)
        u_start = (j - (s << m)) << s
        if not f.signed:
            return u_start, s
        neg_start = -(u_start + (np.int64(1) << s))  # mirror: covers [-(u_end), -u_start - 1]
        return np.concatenate([neg_start[::-1], u_start]), np.concatenate([s[::-1], s])

    def _ref(self, raw: np.ndarray) -> np.ndarray:
        """Clipped float64 reference at raw inputs (inf at an excluded 0 is clipped)."""
        x = to_float(raw, self.in_fmt)
        with np.errstate(over="ignore"):
            y = self._f(x)
        return np.clip(y, float(self.out_fmt.min_value), float(self.out_fmt.max_value))

    def _quant(self, y: np.ndarray) -> np.ndarray:
        return quantize(y, self.out_fmt, self.rounding, Overflow.SAT).raw

    def _build_entries(self) -> np.ndarray:
        starts, shifts = self._starts, self._shifts
        widths = np.int64(1) << shifts
        if self.kind == "lut":
            first, last = starts.copy(), starts + widths - 1
            if self.positive_domain:
                first = np.maximum(first, 1)
            mid = 0.5 * (self._ref(first) + self._ref(np.maximum(last, first)))
            ent = self._quant(mid)
            if self.positive_domain:
                ent[last < 1] = self.zero_value  # the segment holding only input 0
            return ent
        points = np.append(starts, starts[-1] + widths[-1])
        ent = np.empty(points.size, dtype=np.int64)
        ok = points > 0 if self.positive_domain else np.ones(points.size, dtype=bool)
        ent[ok] = self._quant(self._ref(points[ok]))
        ent[~ok] = self.zero_value if self.positive_domain else 0
        return ent

    def with_entries(self, entries: Any) -> "FunctionTable":
        """A copy of this table's layout (segments, formats, rounding) holding ``entries``: a
        per-frame table whose contents a driver computes. Entries must be raw values of
        ``out_fmt``, as many as this table has."""
        e = np.asarray(entries)
        if e.shape != self.entries.shape or not np.issubdtype(e.dtype, np.integer):
            raise ValueError(f"{self.func} table: need {self.entries.size} integer entries, got {e.dtype} {e.shape}")
        e = e.astype(np.int64)
        if e.min() < self.out_fmt.min_raw or e.max() > self.out_fmt.max_raw:
            raise ValueError(f"{self.func} table: entries outside {self.out_fmt}")
        t = object.__new__(FunctionTable)
        t.__dict__.update({k: v for k, v in self.__dict__.items() if k != "error"})
        t.entries = e
        return t

    # ------------------------------------------------------------ evaluation
    def evaluate(self, raw_in: Any, *, parallel: bool | None = None) -> np.ndarray:
        """Raw outputs (int64, ``out_fmt``) for raw inputs of ``in_fmt``: the hardware result."""
        q = _raw(raw_in, self.in_fmt, f"{self.func} table input")
        flat = q.reshape(-1)
        out = np.empty(flat.size, dtype=np.int64)
        use_par = (flat.size >= PARALLEL_MIN_SIZE) if parallel is None else parallel
        kern = TK.eval_par if use_par else TK.eval_seq
        kern(flat, self._kind_code, self._param, self.in_fmt.signed, self.in_fmt.min_raw,
             self._n_side, self.kind == "pwl", self.entries, int(self.rounding),
             self.positive_domain, 0 if self.zero_value is None else self.zero_value, out)
        return out.reshape(q.shape)

    def segment_of(self, raw_in: Any) -> tuple[np.ndarray, np.ndarray]:
        """(segment index, segment first raw input) of each raw input (for analysis)."""
        q = _raw(raw_in, self.in_fmt, f"{self.func} table input").reshape(-1)
        idx = np.searchsorted(self._starts, q, side="right") - 1
        return idx, self._starts[idx]

    @property
    def segment_starts(self) -> np.ndarray:
        """First raw input of every segment (int64, index order)."""
        return self._starts.copy()

    @property
    def segment_shifts(self) -> np.ndarray:
        """log2 of every segment's width in raw input steps."""
        return self._shifts.copy()

    # ------------------------------------------------------------ errors
    def measurement_inputs(self) -> tuple[np.ndarray, bool]:
        """Raw inputs over which the error is measured, and whether that is all of them."""
        f = self.in_fmt
        lo = 1 if self.positive_domain else f.min_raw
        if f.width <= EXHAUSTIVE_MAX_BITS:
            return np.arange(lo, f.max_raw + 1, dtype=np.int64), True
        widths = np.int64(1) << self._shifts
        seg = np.concatenate([self._starts, self._starts + widths // 2, self._starts + widths - 1])
        grid = np.linspace(lo, f.max_raw, 1 << 20).astype(np.int64)
        rnd = np.random.default_rng(0).integers(lo, f.max_raw, size=1 << 16, endpoint=True)
        pts = np.unique(np.concatenate([seg, grid, rnd, [lo, f.max_raw]]))
        return pts[(pts >= lo) & (pts <= f.max_raw)], False

    @cached_property
    def error(self) -> TableError:
        """Measured error (computed once, on first access)."""
        xs, exhaustive = self.measurement_inputs()
        y = to_float(self.evaluate(xs), self.out_fmt)
        ref = self._ref(xs)
        err = np.abs(y - ref)
        i_abs = int(np.argmax(err))
        lsb = self.out_fmt.lsb
        mask = np.abs(ref) >= REL_FLOOR_LSB * lsb
        if mask.any():
            rel = np.where(mask, err / np.where(mask, np.abs(ref), 1.0), 0.0)
            i_rel = int(np.argmax(rel))
            max_rel = float(rel[i_rel])
        else:
            i_rel, max_rel = 0, 0.0
        return TableError(float(err[i_abs]), float(err[i_abs] / lsb), max_rel, int(xs[i_abs]),
                          int(xs[i_rel]), exhaustive, int(xs.size))

    @property
    def max_abs_err(self) -> float:
        return self.error.max_abs

    @property
    def max_rel_err(self) -> float:
        return self.error.max_rel

    # ------------------------------------------------------------ export
    @property
    def segment_param(self) -> int:
        """The index logic's constant: uniform: log2 of the segment width in raw input steps;
        pow2: log2 of the segments per octave."""
        return int(self._param)

    @property
    def n_side(self) -> int:
        """pow2 segmentation: segments on each side of zero (the index logic's mirror point); 0 for uniform."""
        return int(self._n_side)

    def describe(self) -> str:
        """One-line summary: what the table is and how many entries it has."""
        seg = f"{self.size} segments" if self.segmentation == "uniform" else f"{self.size} segments/octave"
        return (f"{self.func} {self.kind} {self.segmentation} ({seg}, {self.n_segments} total), "
                f"in {self.in_fmt}, out {self.out_fmt}, rounding {self.rounding.name}, "
                f"{self.entries.size} entries")

    def to_readmemh(self) -> str:
        """Entries as a ``$readmemh`` file (one hex word per line, two's complement)."""
        return readmemh(self.entries, self.out_fmt, self.describe())

    def to_verilog_init(self, name: str) -> str:
        """A Verilog-2001 ``reg`` array declaration with an ``initial`` block."""
        return verilog_init(name, self.entries, self.out_fmt, self.describe())

    def to_cpp_array(self, name: str) -> str:
        """A C++ ``static const`` array of the raw entries (smallest fitting <cstdint> type)."""
        return cpp_array(name, self.entries, self.out_fmt, self.describe())

    def __repr__(self) -> str:
        return f"FunctionTable({self.describe()})"


def make_table(func: str, kind: str | None = None, in_fmt: FxFormat | str | None = None,
               out_fmt: FxFormat | str | None = None, size: int | None = None,
               segmentation: str | None = None, rounding: Rounding | str = "RND") -> FunctionTable:
    """Build a table for ``func`` (sigmoid, softplus, log2, exp2, reciprocal, contrast_gain, identity).

    Args:
        func: function name.
        kind: ``"lut"`` or ``"pwl"``.
        in_fmt, out_fmt: input and output formats (at most 32 bits each).
        size: ``uniform``: number of segments (a power of two, at most
            ``2**width``); ``pow2``: segments per octave (a power of two).
        segmentation: ``"uniform"`` or ``"pow2"``.
        rounding: rounding of the entries and of the PWL interpolation.

    Anything left ``None`` comes from ``DEFAULT_TABLES[func]``.
    """
    get_function(func)
    d = DEFAULT_TABLES.get(func, DEFAULT_TABLES["sigmoid"])
    kind = d["kind"] if kind is None else kind
    segmentation = d["segmentation"] if segmentation is None else segmentation
    fin = as_format(d["in_fmt"] if in_fmt is None else in_fmt)
    fout = as_format(d["out_fmt"] if out_fmt is None else out_fmt)
    size = d["size"] if size is None else size
    r = parse_rounding(rounding)
    if kind not in ("lut", "pwl"):
        raise ValueError(f"table kind must be 'lut' or 'pwl', got {kind!r}")
    if segmentation not in ("uniform", "pow2"):
        raise ValueError(f"segmentation must be 'uniform' or 'pow2', got {segmentation!r}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"table size must be an int, got {type(size).__name__}")
    size = int(size)
    if not _is_pow2(size):
        raise ValueError(f"table size must be a positive power of two, got {size}")
    if fin.width > MAX_TABLE_IN_WIDTH or fout.width > MAX_TABLE_OUT_WIDTH:
        raise ValueError(
            f"table formats are limited to {MAX_TABLE_IN_WIDTH}-bit input and "
            f"{MAX_TABLE_OUT_WIDTH}-bit output, got {fin} -> {fout}"
        )
    if get_function(func).domain == "positive" and fin.signed:
        raise ValueError(
            f"{func} is defined for x > 0 only: use an unsigned input format, got {fin}"
        )
    w_mag = fin.width - 1 if fin.signed else fin.width
    if segmentation == "uniform" and size > (1 << fin.width):
        raise ValueError(f"uniform table size {size} exceeds the {1 << fin.width} inputs of {fin}")
    if segmentation == "pow2" and size > (1 << w_mag):
        raise ValueError(
            f"pow2 table: {size} segments per octave exceeds 2**{w_mag} for {fin}"
        )
    return FunctionTable(func, kind, fin, fout, size, segmentation, r)


def default_table(func: str) -> FunctionTable:
    """The table with every parameter from ``DEFAULT_TABLES[func]``."""
    return make_table(func)
