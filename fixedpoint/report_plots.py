"""The figures every quantization report draws (TA-ISP's and POS-ISP's ``report.py``): the 8-bit
error map with its histogram, and per-stage error histograms."""
from __future__ import annotations

from pathlib import Path

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def error_png(path: Path, err8: np.ndarray, signed8: np.ndarray, within_1lsb: float, title: str,
              reference: str = "golden hard") -> None:
    """``|fixed - reference|`` of the 8-bit output as a map (max over RGB, (H, W)) beside the
    histogram of the signed errors (8-bit LSB) in log scale."""
    plt = _plt()
    fig, ax = plt.subplots(1, 2, figsize=(12, 4.5))
    im = ax[0].imshow(err8, cmap="magma", vmin=0, vmax=max(2, float(err8.max())), interpolation="nearest")
    ax[0].set_title(f"|fixed - {reference}|, 8-bit LSB (max over RGB)")
    ax[0].axis("off")
    fig.colorbar(im, ax=ax[0], fraction=0.03)
    lo, hi = int(signed8.min()) - 1, int(signed8.max()) + 2
    ax[1].hist(signed8, bins=np.arange(lo, hi) - 0.5, log=True)
    ax[1].set_xlabel(f"fixed - {reference} (8-bit LSB)")
    ax[1].set_ylabel("values")
    ax[1].set_title(f"{100 * within_1lsb:.3f}% within +-1 LSB")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def stage_histograms_png(path: Path, errors: dict[str, np.ndarray], title: str, xlabel: str = "error (stage LSB)",
                         width: float = 3.2) -> None:
    """One log-scale histogram per stage (``errors``: name -> flat errors in the stage's LSB)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(errors), figsize=(width * len(errors), 3))
    for ax, (name, e) in zip(np.atleast_1d(axes), errors.items()):
        ax.hist(e, bins=101, log=True)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


__all__ = ["error_png", "stage_histograms_png"]
