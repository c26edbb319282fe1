"""Bit-exact comparison of frames, with the first mismatch located."""
from __future__ import annotations

import numpy as np


def compare_frames(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """Raise AssertionError unless the (C, H, W) integer frames are equal; the message gives the
    number of mismatching values and the first one (channel, line, pixel, both values)."""
    got, want = np.asarray(got), np.asarray(want)
    if got.shape != want.shape:
        raise AssertionError(f"{what}: shape {got.shape}, expected {want.shape}")
    if not np.array_equal(got, want):
        bad = np.argwhere(got != want)
        c, y, x = (int(v) for v in bad[0])
        raise AssertionError(f"{what}: {len(bad)} mismatching values; first at channel {c}, line {y}, pixel {x}: "
                             f"RTL {int(got[c, y, x])}, model {int(want[c, y, x])}")
