"""The front end: normalisation, bin2 and bilinear demosaic (known values, borders, gradients)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from golden.cfa import BAYER_PATTERNS, cell_colours
from golden.frontend import FrontendError, bilinear_torch, bin2_torch, demosaic_torch, frontend, normalize
from golden.raw import RawImage


def _raw(mosaic: np.ndarray, cfa: str, black=(0, 0, 0, 0), white=4095, bits=12) -> RawImage:
    return RawImage(mosaic=mosaic.astype(np.uint16), cfa=cfa, black=tuple(float(b) for b in black), white=float(white), bits=bits, source="test")


def test_normalize_per_position_black_and_clipping():
    m = np.array([[100, 200, 5], [300, 4095, 4000]], dtype=np.uint16)
    img = _raw(m, "RGGB", black=(100, 90, 80, 70), white=4000)
    v = normalize(img, np.float64)
    expect = np.array([
        [0.0, (200 - 90) / (4000 - 90), 0.0],  # 5 < black(0,0)=100 -> clipped to 0
        [(300 - 80) / (4000 - 80), 1.0, (4000 - 80) / (4000 - 80)],  # 4095 > white -> 1
    ])
    np.testing.assert_allclose(v, expect, rtol=0, atol=1e-15)


@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_bin2_known_values(cfa):
    rng = np.random.default_rng(0)
    m = rng.random((6, 8))
    out = bin2_torch(torch.from_numpy(m)[None, None], cfa)[0].numpy()
    cell = cell_colours(cfa)
    for cy in range(3):
        for cx in range(4):
            block = m[2 * cy:2 * cy + 2, 2 * cx:2 * cx + 2]
            r = block[cell == 0][0]
            g = block[cell == 1].mean()
            b = block[cell == 2][0]
            np.testing.assert_allclose(out[:, cy, cx], [r, g, b], rtol=0, atol=1e-15)


@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_bilinear_flat_field_is_flat_to_the_border(cfa):
    h, w = 9, 12
    colour = np.array([0.2, 0.5, 0.7])
    idx = np.tile(cell_colours(cfa), (5, 6))[:h, :w]
    m = colour[idx]
    out = bilinear_torch(torch.from_numpy(m)[None, None], cfa)[0].numpy()
    np.testing.assert_allclose(out, np.broadcast_to(colour[:, None, None], out.shape), rtol=0, atol=1e-15)


def _bilinear_reference(m: np.ndarray, cfa: str, y: int, x: int) -> np.ndarray:
    """Interior pixel by the textbook rules: own sample kept; missing colours the mean of the nearest same-colour samples."""
    cell = cell_colours(cfa)
    col = lambda yy, xx: cell[yy % 2, xx % 2]  # noqa: E731
    out = np.zeros(3)
    for c in range(3):
        if col(y, x) == c:
            out[c] = m[y, x]
            continue
        for ring in ([(0, -1), (0, 1), (-1, 0), (1, 0)], [(-1, -1), (-1, 1), (1, -1), (1, 1)]):
            vals = [m[y + dy, x + dx] for dy, dx in ring if col(y + dy, x + dx) == c]
            if vals:
                out[c] = np.mean(vals)
                break
    return out


@pytest.mark.parametrize("cfa", BAYER_PATTERNS)
def test_bilinear_interior_known_values(cfa):
    rng = np.random.default_rng(1)
    m = rng.random((8, 10))
    out = bilinear_torch(torch.from_numpy(m)[None, None], cfa)[0].numpy()
    for y in range(1, 7):
        for x in range(1, 9):
            np.testing.assert_allclose(out[:, y, x], _bilinear_reference(m, cfa, y, x), rtol=0, atol=1e-14)


def test_bilinear_border_mirrors_without_repeating_edge():
    m = np.arange(16, dtype=np.float64).reshape(4, 4)
    out = bilinear_torch(torch.from_numpy(m)[None, None], "RGGB")[0].numpy()
    # (0,0) is R; G from its neighbours with pixel -1 mirrored to pixel 1: (m[0,1]*2 + m[1,0]*2) / 4
    assert out[1, 0, 0] == pytest.approx((2 * m[0, 1] + 2 * m[1, 0]) / 4)
    # B at (0,0): the four diagonals mirror to (1,1) each
    assert out[2, 0, 0] == pytest.approx(m[1, 1])


@pytest.mark.parametrize("method", ["bin2", "bilinear"])
def test_demosaic_is_differentiable(method):
    m = torch.rand(1, 1, 6, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: demosaic_torch(t, "GBRG", method), (m,))


def test_frontend_shapes_and_range():
    m = np.random.default_rng(2).integers(0, 4096, (8, 12)).astype(np.uint16)
    img = _raw(m, "BGGR", black=(64,) * 4)
    a = frontend(img, "bin2")
    b = frontend(img, "bilinear")
    assert a.shape == (3, 4, 6) and b.shape == (3, 8, 12)
    assert a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1 and 0 <= b.min() and b.max() <= 1


def test_bad_tensor_input():
    with pytest.raises(FrontendError, match=r"\(B, 1, H, W\)"):
        bin2_torch(torch.rand(2, 3, 4, 4), "RGGB")
    with pytest.raises(FrontendError, match="floating point"):
        bilinear_torch(torch.ones(1, 1, 4, 4, dtype=torch.int32), "RGGB")
    with pytest.raises(FrontendError, match="unsupported CFA pattern 'RGBW'"):
        demosaic_torch(torch.rand(1, 1, 4, 4), "RGBW")
    with pytest.raises(FrontendError, match="even width and height, got 5x4"):
        bin2_torch(torch.rand(1, 1, 4, 5), "RGGB")
