"""The fast path of the fixed-point POS-ISP: the kernels of :mod:`fixedpoint.posisp._kernels`
compiled with ``parallel=True`` (threads over rows: each row writes its own output row and
overflow count) and denoise's (2 rs + 1)^2 search offsets in one fused pass over bands of rows
(``_kernels.nlm_fused``: patch sums sliding down the rows) instead of one kernel call per offset. The integers are those of the
reference path, bit for bit (``tests/fixedpoint/test_posisp_fused.py``); the filters take this
path when their :class:`~fixedpoint.common.RunContext` has ``parallel=True``.

    y, outs = run_chain(x, drv, cfg, order, RunContext(parallel=True))
"""
from __future__ import annotations

import types
from functools import lru_cache
from types import SimpleNamespace

from numba import njit

from . import _kernels as K

#: the kernels with a row-parallel copy (the names in ``_kernels``)
PARALLEL_KERNELS = ("gain", "table3", "ccm", "sharpen", "luma", "nlm_fused", "nlm_final", "tone", "contrast",
                    "saturation", "wnb", "output8")


def _parallel_copy(dispatcher):
    """``dispatcher``'s Python function compiled with ``parallel=True`` under its own name (so
    Numba's on-disk cache keeps the two versions apart)."""
    f = dispatcher.py_func
    g = types.FunctionType(f.__code__, f.__globals__, f.__name__ + "_parallel", f.__defaults__, f.__closure__)
    g.__qualname__ = g.__name__
    g.__doc__ = f.__doc__
    return njit(cache=True, parallel=True)(g)


@lru_cache(maxsize=1)
def kernels() -> SimpleNamespace:
    """The parallel kernels by their ``_kernels`` names (compiled on first call of each)."""
    return SimpleNamespace(**{n: _parallel_copy(getattr(K, n)) for n in PARALLEL_KERNELS})


def band_count(h: int) -> int:
    """Bands of rows denoise's fused pass splits a frame of ``h`` rows into (4 per thread: each
    band starts its sliding patch sums afresh, so fewer bands cost fewer squares)."""
    import numba

    return max(1, min(h, 4 * numba.get_num_threads()))


def use_fast(run) -> bool:
    """Whether a run takes the fast path (``RunContext.parallel`` is True)."""
    return run is not None and run.parallel is True


__all__ = ["PARALLEL_KERNELS", "band_count", "kernels", "use_fast"]
