"""The ten POS-ISP filters against an independent float64 NumPy implementation written from the
design note (../shared/design/POSISP_REFERENCE.md sections 1 to 3), not from the torch code.

Agreement: 1e-10 with float64 torch, 1e-5 with float32 torch, at parameters spanning each range
(both ends included), inputs above 1, and exactly grey pixels.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from golden.posisp import apply_filter

# ---------------------------------------------------------------------------------------------
# The NumPy reference (float64). x: (N, 3, H, W); p: (N, k) raw parameters in [0, 1].
# ---------------------------------------------------------------------------------------------


def _map(p, lo, hi):
    return lo + (hi - lo) * p


def _b(v):  # (N,) -> (N, 1, 1, 1)
    return np.asarray(v, dtype=np.float64).reshape(-1, 1, 1, 1)


def _lum(x):
    return 0.27 * x[:, 0] + 0.67 * x[:, 1] + 0.06 * x[:, 2]  # (N, H, W)


def np_exposure(x, p):
    ev = _map(p[:, 0], -3.5, 3.5)
    return x * _b(np.exp(ev * np.log(2.0)))


def np_gamma(x, p):
    g = _map(p[:, 0], 1.0 / 3.0, 3.0)
    return np.maximum(x, 1e-6) ** _b(g)


def np_ccm(x, p):
    out = np.empty_like(x)
    for n in range(x.shape[0]):
        M = _map(p[n], -2.0, 2.0).reshape(3, 3)
        for i in range(3):
            row = M[i] / (M[i].sum() + 1e-8)
            out[n, i] = row[0] * x[n, 0] + row[1] * x[n, 1] + row[2] * x[n, 2]
    return np.clip(out, 0.0, 1.0)


def np_sharpen(x, p):
    a = _b(_map(p[:, 0], 1e-5, 10.0))
    K = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=np.float64) / 13.0
    b = x.copy()  # the one-pixel border keeps x
    H, W = x.shape[2:]
    inner = np.zeros_like(x[:, :, 1:-1, 1:-1])
    for dy in range(3):
        for dx in range(3):
            inner += K[dy, dx] * x[:, :, dy:dy + H - 2, dx:dx + W - 2]
    b[:, :, 1:-1, 1:-1] = inner
    return np.clip(a * x + (1.0 - a) * b, 0.0, 1.0)


def _ext(img, r, border):
    """img (N, C, H, W) extended by r on every side: wrap-around or reflection without the edge repeated."""
    H, W = img.shape[2:]
    if border == "circular":
        iy = np.arange(-r, H + r) % H
        ix = np.arange(-r, W + r) % W
    else:
        def refl(i, n):
            i = np.abs(i)
            return np.where(i > n - 1, 2 * (n - 1) - i, i)
        iy, ix = refl(np.arange(-r, H + r), H), refl(np.arange(-r, W + r), W)
    return img[:, :, iy][:, :, :, ix]


def np_denoise(x, p, border="circular"):
    N, _, H, W = x.shape
    h = _map(p[:, 0], 1e-5, 1.0)
    c = np.clip(x, 0.0, 1.0)
    Y = (0.299 * c[:, 0] + 0.587 * c[:, 1] + 0.114 * c[:, 2])[:, None]
    R = 7  # search 5 + patch 2
    Ye = _ext(Y, R, border)  # Ye[.., R + i, R + j] = Y(i, j), extended
    Xe = _ext(x, 5, border)
    num = np.zeros_like(x)
    den = np.zeros((N, 1, H, W))
    for oy in range(-5, 6):
        for ox in range(-5, 6):
            D = np.zeros((N, 1, H, W))
            for qy in range(-2, 3):
                for qx in range(-2, 3):
                    a = Ye[:, :, R + qy:R + qy + H, R + qx:R + qx + W]
                    s = Ye[:, :, R + qy + oy:R + qy + oy + H, R + qx + ox:R + qx + ox + W]
                    D += (a - s) ** 2
            dist = np.sqrt(np.maximum(D, 0.0) + 1e-8)
            w = np.exp(-dist / (_b(np.maximum(h, 0.0)) + 1e-8))
            num += w * Xe[:, :, 5 + oy:5 + oy + H, 5 + ox:5 + ox + W]
            den += w
    return np.clip(num / den, 0.0, 1.0)


def np_tone(x, p):
    t = _map(p, 0.5, 2.0)  # (N, 8)
    y = np.zeros_like(x)
    for i in range(8):
        y += _b(t[:, i]) * np.clip(x - i / 8.0, 0.0, 1.0 / 8.0)
    return _b(8.0 / (t.sum(axis=1) + 1e-30)) * y


def np_contrast(x, p):
    w = _b(_map(p[:, 0], -1.0, 1.0))
    L = np.clip(_lum(x), 0.0, 1.0)[:, None]
    c = x / (L + 1e-6) * (0.5 - 0.5 * np.cos(np.pi * L))
    return (1.0 - w) * x + w * c


def np_saturation(x, p):
    a = _b(_map(p[:, 0], 0.0, 1.0))
    c = np.clip(x, 0.0, 1.0)
    R, G, B = c[:, 0], c[:, 1], c[:, 2]
    V, m = c.max(axis=1), c.min(axis=1)
    d = V - m
    last_max = 2 - np.argmax(c[:, ::-1], axis=1)  # ties go to the last of R, G, B
    with np.errstate(invalid="ignore", divide="ignore"):
        hue = np.select([last_max == 0, last_max == 1],
                        [np.mod((G - B) / (d + 1e-8), 6.0), (B - R) / (d + 1e-8) + 2.0],
                        (R - G) / (d + 1e-8) + 4.0)
    hue = np.where(d > 1e-8, hue, 0.0)
    Hh = np.mod(hue / 6.0, 1.0)
    S = np.where(V > 1e-8, d / (V + 1e-8), 0.0)
    S2 = np.clip(S + (1.0 - S) * (0.5 - np.abs(0.5 - V)) * 0.8, 0.0, 1.0)
    i = np.floor(6.0 * Hh)
    f = 6.0 * Hh - i
    i = np.mod(i, 6).astype(int)
    P, Q, T = V * (1 - S2), V * (1 - S2 * f), V * (1 - S2 * (1 - f))
    table = [(V, T, P), (Q, V, P), (P, V, T), (P, Q, V), (T, P, V), (V, P, Q)]
    rgb = np.stack([np.choose(i, [table[k][ch] for k in range(6)]) for ch in range(3)], axis=1)
    return (1.0 - a) * c + a * rgb


def np_wnb(x, p):
    a = _b(_map(p[:, 0], 0.0, 1.0))
    return (1.0 - a) * x + a * _lum(x)[:, None]


def np_wb(x, p):
    s = _map(p, 1 / 1.1, 1.1)
    s = s / (1e-6 + 0.27 * s[:, 0:1] + 0.67 * s[:, 1:2] + 0.06 * s[:, 2:3])
    return x * s[:, :, None, None]


NP_FILTERS = {"exposure": np_exposure, "gamma": np_gamma, "ccm": np_ccm, "sharpen": np_sharpen,
              "denoise": np_denoise, "tone": np_tone, "contrast": np_contrast, "saturation": np_saturation,
              "wnb": np_wnb, "wb": np_wb}
K = {"exposure": 1, "gamma": 1, "ccm": 9, "sharpen": 1, "denoise": 1, "tone": 8, "contrast": 1,
     "saturation": 1, "wnb": 1, "wb": 3}

# ---------------------------------------------------------------------------------------------


def _inputs(h: int = 13, w: int = 11) -> np.ndarray:
    """Random values in [0, 1.5] (above 1 included), a smooth area, exactly grey pixels, ties."""
    rng = np.random.default_rng(19)
    x = rng.uniform(0.0, 1.5, (1, 3, h, w))
    x[0, :, 0:4, 0:4] = np.array([0.0, 0.3, 0.5, 1.0, 1.2, 0.02, 0.7, 0.9, 0.3, 0.6, 1.0, 0.45, 0.25, 0.8, 0.1, 0.55])[
        None].reshape(1, 4, 4)  # exactly grey pixels, including black, 1 and above 1
    x[0, :, 5, 0] = [0.5, 0.5, 0.2]  # R = G max: the tie goes to G
    x[0, :, 5, 1] = [0.6, 0.2, 0.6]  # R = B max: the tie goes to B
    x[0, :, 5, 2] = [0.1, 0.7, 0.7]
    x[0, :, 6, 0:3] = [[0.2, 0.2, 0.2], [0.4, 0.1, 0.1], [0.0, 0.0, 0.3]][0]  # grey
    yy, xx = np.mgrid[0:4, 0:4]
    x[0, :, 8:12, 6:10] = 0.4 + 0.01 * (yy + xx)  # a smooth grey ramp (near-identical patches)
    return x


def _params(name: str) -> np.ndarray:
    """One row per case: both ends, the middle, quarter points, and random vectors."""
    k = K[name]
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    rows = [np.full(k, v) for v in (0.0, 1.0, 0.5, 0.25, 0.75)]
    rows += [rng.uniform(0, 1, k) for _ in range(3)]
    if k > 1:
        rows += [np.where(np.arange(k) % 2 == 0, 0.0, 1.0), np.where(np.arange(k) % 2 == 0, 1.0, 0.0)]
    if name == "ccm":  # well away from a zero row sum, with entries at both ends
        rows = [r for r in rows if np.all(np.abs((-2 + 4 * r).reshape(3, 3).sum(1)) > 0.3) or np.all(r == 0.5)]
        rows += [np.array([1, 0, 0, 0, 1, 0, 0, 0, 1.0]), np.array([1, 1, 0, 0.75, 1, 0, 0.2, 0.9, 1.0])]
    return np.stack(rows)


def _cases(name: str):
    x1 = _inputs()
    P = _params(name)
    return np.repeat(x1, P.shape[0], axis=0), P


@pytest.mark.parametrize("name", list(NP_FILTERS))
def test_filter_matches_numpy_float64(name):
    x, p = _cases(name)
    ref = NP_FILTERS[name](x, p)
    got = apply_filter(name, torch.from_numpy(x), torch.from_numpy(p)).numpy()
    assert got.dtype == np.float64 and got.shape == x.shape
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", list(NP_FILTERS))
def test_filter_matches_numpy_float32(name):
    x, p = _cases(name)
    x32, p32 = x.astype(np.float32), p.astype(np.float32)
    ref = NP_FILTERS[name](x32.astype(np.float64), p32.astype(np.float64))
    got = apply_filter(name, torch.from_numpy(x32), torch.from_numpy(p32)).numpy()
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("border", ["circular", "mirror"])
def test_denoise_borders_match_numpy(border):
    x, p = _cases("denoise")
    ref = np_denoise(x, p, border)
    got = apply_filter("denoise", torch.from_numpy(x), torch.from_numpy(p), denoise_border=border).numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)


def test_denoise_borders_differ_only_near_the_border():
    x, p = _cases("denoise")
    a = apply_filter("denoise", torch.from_numpy(x), torch.from_numpy(p), denoise_border="circular").numpy()
    b = apply_filter("denoise", torch.from_numpy(x), torch.from_numpy(p), denoise_border="mirror").numpy()
    assert np.abs(a - b).max() > 1e-3  # the difference is real ...
    # ... and confined to pixels whose 15x15 luma window or 11x11 search reaches past the frame
    big = np.random.default_rng(3).uniform(0, 1, (1, 3, 24, 24))
    pp = np.full((1, 1), 0.6)
    a = apply_filter("denoise", torch.from_numpy(big), torch.from_numpy(pp), denoise_border="circular").numpy()
    b = apply_filter("denoise", torch.from_numpy(big), torch.from_numpy(pp), denoise_border="mirror").numpy()
    np.testing.assert_array_equal(a[..., 7:-7, 7:-7], b[..., 7:-7, 7:-7])


def test_quirks_from_the_note():
    # an exactly grey 0.3 pixel comes out tinted red at a = 1
    g = torch.full((1, 3, 1, 1), 0.3, dtype=torch.float64)
    y = apply_filter("saturation", g, torch.ones(1, 1, dtype=torch.float64))[0, :, 0, 0]
    np.testing.assert_allclose(y.numpy(), [0.3, 0.228, 0.228], atol=1e-12)
    # non-grey pixels: the round trip equals c - (V - c) m G / (V - m), G = 0.8 (0.5 - |0.5 - V|)
    c = torch.rand(1, 3, 16, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) * 0.9 + 0.05
    y = apply_filter("saturation", c, torch.ones(1, 1, dtype=torch.float64))
    V, m = c.amax(1, keepdim=True), c.amin(1, keepdim=True)
    G = 0.8 * (0.5 - (0.5 - V).abs())
    np.testing.assert_allclose(y.numpy(), (c - (V - c) * m * G / (V - m)).numpy(), atol=1e-6)
    # no clamp after exposure, wb, wnb, tone: values above 1 flow on
    x = torch.full((1, 3, 2, 2), 0.9, dtype=torch.float64)
    assert apply_filter("exposure", x, torch.ones(1, 1, dtype=torch.float64)).max() > 10
    # sharpen keeps the one-pixel border unblurred: a = 0 (p = 0 gives 1e-5) is the blur inside only
    z = torch.zeros(1, 3, 5, 5, dtype=torch.float64)
    z[0, :, 0, 2] = 1.0
    s = apply_filter("sharpen", z, torch.zeros(1, 1, dtype=torch.float64))
    assert s[0, 0, 0, 2] == pytest.approx(1e-5 + (1 - 1e-5) * 1.0)  # border: b = x
    assert s[0, 0, 1, 2] == pytest.approx((1 - 1e-5) / 13)


def test_apply_filter_accepts_the_27_vector_and_checks_shapes():
    x = torch.rand(2, 3, 8, 8)
    p27 = torch.rand(2, 27)
    torch.testing.assert_close(apply_filter("tone", x, p27), apply_filter("tone", x, p27[:, 13:21]))
    with pytest.raises(ValueError, match="unknown POS-ISP filter"):
        apply_filter("blur", x, p27)
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        apply_filter("wb", x, torch.rand(2, 2))
    with pytest.raises(ValueError, match="border"):
        apply_filter("denoise", x, torch.rand(2, 1), denoise_border="zero")


@pytest.mark.parametrize("name", list(NP_FILTERS))
def test_filters_are_differentiable(name):
    x = (torch.rand(2, 3, 9, 9, dtype=torch.float64) * 1.2 + 0.01).requires_grad_()
    p = (torch.rand(2, K[name], dtype=torch.float64) * 0.8 + 0.1).requires_grad_()
    y = apply_filter(name, x, p)
    y.sum().backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(p.grad).all()
    assert math.isfinite(float(y.detach().sum()))
