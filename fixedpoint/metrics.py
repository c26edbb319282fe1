"""How far a fixed-point model is from its float golden model: the figures every report, sweep
and search uses, computed in one place.

* :func:`output_agreement`: the 8-bit output (integers 0..255) against golden's 8-bit output
  (``round(clamp(out, 1e-6, 1) * 255)``), and the region choice against golden's;
* :func:`error_stats`: a stage's real values against golden's, in the stage's own LSB.
"""
from __future__ import annotations

import numpy as np


def output_agreement(out8: np.ndarray, golden8: np.ndarray, index: np.ndarray | None = None,
                     golden_index: np.ndarray | None = None) -> dict[str, float]:
    """``within_1lsb_8bit`` (share of values within +-1 LSB), ``max_abs_lsb``, ``mean_abs_lsb``
    and, when both region maps are given, ``region_agreement`` (share of pixels with the same
    region). Arrays of the same shape; the 8-bit ones as integers or integral floats."""
    a, g = np.asarray(out8, dtype=np.float64), np.asarray(golden8, dtype=np.float64)
    if a.shape != g.shape:
        raise ValueError(f"output shape {a.shape} differs from golden's {g.shape}")
    d = np.abs(a - g)
    res = {"within_1lsb_8bit": float((d <= 1).mean()), "max_abs_lsb": float(d.max()), "mean_abs_lsb": float(d.mean())}
    if index is not None and golden_index is not None:
        res["region_agreement"] = float((np.asarray(index) == np.asarray(golden_index)).mean())
    return res


def error_stats(fixed: np.ndarray, ref: np.ndarray, lsb: float, out_lsb: float | None = None) -> dict[str, float]:
    """Error figures of ``fixed`` (real values) against ``ref``; ``lsb`` is the stage's LSB,
    ``out_lsb`` (if given) the output LSB the errors are also expressed in."""
    e = (np.asarray(fixed, dtype=np.float64) - np.asarray(ref, dtype=np.float64)).ravel()
    r = np.asarray(ref, dtype=np.float64).ravel()
    ae = np.abs(e)
    noise = float(np.sum(e * e))
    extra = {} if out_lsb is None else {"max_out_lsb": float(ae.max() / out_lsb),
                                        "rms_out_lsb": float(np.sqrt(np.mean(e * e)) / out_lsb)}
    return {**extra,
            "max_lsb": float(ae.max() / lsb),
            "mean_lsb": float(ae.mean() / lsb),
            "rms_lsb": float(np.sqrt(np.mean(e * e)) / lsb),
            "sqnr_db": float(10 * np.log10(np.sum(r * r) / noise)) if noise > 0 else float("inf"),
            "within_1lsb": float(np.mean(ae <= lsb * (1 + 1e-9))),
            }
