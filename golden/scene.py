"""The built-in synthetic RAW scene: the project's default input, nothing downloaded.

:func:`scene_rgb` draws a deterministic linear-light test scene: a 24-patch colour chart
(ColorChecker sRGB values, linearised), a zone plate (fine detail up to the Nyquist
frequency), a Siemens star, grey and R/G/B ramps, a slanted edge, and a few seeded random
discs on a smoothly shaded background. :func:`synthetic_raw` passes it through a simple
sensor model: un-white-balanced channel response, exposure, Poisson shot noise, Gaussian
read noise, black level, quantisation to ``bits`` and clipping, then samples one colour
per pixel in any Bayer pattern.
"""
from __future__ import annotations

import numpy as np

from .cfa import check_pattern, colour_index
from .raw import RawImage, validate

#: Exposure presets: scale from scene radiance to the sensor's white level.
EXPOSURES: dict[str, float] = {"dark": 0.03, "normal": 0.5, "bright": 2.0}

#: Relative channel response of the simulated sensor (R, G, B) before white balance.
SENSOR_RESPONSE: tuple[float, float, float] = (0.50, 1.00, 0.65)

# ColorChecker 24 in sRGB 8-bit (row by row, dark skin .. black).
_CHECKER_SRGB = np.array([
    [115, 82, 68], [194, 150, 130], [98, 122, 157], [87, 108, 67], [133, 128, 177], [103, 189, 170],
    [214, 126, 44], [80, 91, 166], [193, 90, 99], [94, 60, 108], [157, 188, 64], [224, 163, 46],
    [56, 61, 150], [70, 148, 73], [175, 54, 60], [231, 199, 31], [187, 86, 149], [8, 133, 161],
    [243, 243, 242], [200, 200, 200], [160, 160, 160], [122, 122, 121], [85, 85, 85], [52, 52, 52],
], dtype=np.float64) / 255.0


def srgb_to_linear(v: np.ndarray) -> np.ndarray:
    """sRGB-encoded values in [0, 1] to linear light (IEC 61966-2-1)."""
    v = np.asarray(v, dtype=np.float64)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v: np.ndarray) -> np.ndarray:
    """Linear light in [0, 1] to sRGB-encoded values (for display only)."""
    v = np.clip(np.asarray(v, dtype=np.float64), 0.0, 1.0)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)


def _paint(img: np.ndarray, mask: np.ndarray, colour: np.ndarray | float) -> None:
    img[:, mask] = np.asarray(colour, dtype=np.float64).reshape(-1, 1) if np.ndim(colour) else colour


def scene_rgb(height: int = 1080, width: int = 1920, seed: int = 0) -> np.ndarray:
    """The test scene as linear RGB, shape (3, height, width), float64 in [0, 1]."""
    if not (isinstance(height, int) and isinstance(width, int) and height >= 2 and width >= 2):
        raise ValueError(f"scene size must be integers >= 2, got {width}x{height}")
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = (xx + 0.5) / width, (yy + 0.5) / height
    s = float(min(height, width))

    # Background: mid grey with a soft vignette and a gentle left-right tint.
    r2 = (u - 0.5) ** 2 + (v - 0.5) ** 2
    base = 0.18 * (1.0 - 0.6 * r2)
    img = np.stack([base * (0.95 + 0.1 * u), base, base * (1.05 - 0.1 * u)])

    # Colour chart: 6 x 4 patches with dark borders.
    x0, x1, y0, y1 = 0.03, 0.47, 0.05, 0.50
    chart = (u >= x0) & (u < x1) & (v >= y0) & (v < y1)
    _paint(img, chart, 0.02)
    cu, cv = (u - x0) / (x1 - x0) * 6, (v - y0) / (y1 - y0) * 4
    col, row = np.floor(cu).astype(int), np.floor(cv).astype(int)
    inner = chart & (cu - col > 0.08) & (cu - col < 0.92) & (cv - row > 0.08) & (cv - row < 0.92)
    patch = np.clip(row, 0, 3) * 6 + np.clip(col, 0, 5)
    lin = srgb_to_linear(_CHECKER_SRGB)
    for c in range(3):
        img[c][inner] = lin[patch[inner], c]

    # Zone plate: cos(pi f r^2) with the local frequency reaching Nyquist at the rim.
    cx, cy, rad = 0.62 * width, 0.28 * height, 0.2 * s
    rr2 = (xx - cx) ** 2 + (yy - cy) ** 2
    zone = rr2 < rad**2
    zp = 0.5 + 0.5 * np.cos(np.pi * rr2 / (2.0 * rad))
    for c in range(3):
        img[c][zone] = 0.05 + 0.75 * zp[zone]

    # Siemens star, 36 spokes.
    cx, cy, rad = 0.86 * width, 0.28 * height, 0.18 * s
    dx, dy = xx - cx, yy - cy
    star = dx**2 + dy**2 < rad**2
    spokes = (np.floor(np.arctan2(dy, dx) / (2 * np.pi) * 36) % 2) == 0
    _paint(img, star & spokes, 0.85)
    _paint(img, star & ~spokes, 0.03)

    # Ramps: grey, then R, G, B, each from 0 to 1 left to right.
    ramp = np.clip((u - 0.03) / 0.44, 0.0, 1.0)
    bands = [(0.56, 0.64, (1, 1, 1)), (0.66, 0.72, (1, 0, 0)), (0.74, 0.80, (0, 1, 0)), (0.82, 0.88, (0, 0, 1))]
    for b0, b1, rgb in bands:
        m = (v >= b0) & (v < b1) & (u >= 0.03) & (u < 0.47)
        for c in range(3):
            img[c][m] = ramp[m] * rgb[c]

    # Slanted edge (5 degrees): bright square on a dark field.
    ex0, ey0 = 0.76 * width, 0.58 * height
    side = 0.32 * s
    field_ = (xx >= ex0) & (xx < ex0 + side * 1.2) & (yy >= ey0) & (yy < ey0 + side * 1.2)
    _paint(img, field_, 0.04)
    t = np.deg2rad(5.0)
    px, py = xx - ex0 - 0.1 * side, yy - ey0 - 0.1 * side
    qx, qy = px * np.cos(t) + py * np.sin(t), -px * np.sin(t) + py * np.cos(t)
    _paint(img, field_ & (qx >= 0) & (qx < side) & (qy >= 0) & (qy < side), 0.75)

    # Seeded random discs between the chart and the edge target.
    for _ in range(7):
        dcx = (0.52 + 0.20 * rng.random()) * width
        dcy = (0.58 + 0.34 * rng.random()) * height
        drad = (0.03 + 0.05 * rng.random()) * s
        colour = srgb_to_linear(rng.random(3))
        _paint(img, (xx - dcx) ** 2 + (yy - dcy) ** 2 < drad**2, colour)

    return np.clip(img, 0.0, 1.0)


def mosaic(rgb: np.ndarray, cfa: str) -> np.ndarray:
    """Sample one colour per pixel: (3, H, W) -> (H, W) in the given Bayer pattern."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[0] != 3:
        raise ValueError(f"mosaic expects an RGB array of shape (3, H, W), got {rgb.shape}")
    _, h, w = rgb.shape
    idx = colour_index(cfa, h, w)
    return np.take_along_axis(rgb, idx[None], axis=0)[0]


def _exposure_scale(exposure: str | float) -> float:
    if isinstance(exposure, str):
        if exposure not in EXPOSURES:
            raise ValueError(f"unknown exposure {exposure!r}; choose one of {', '.join(EXPOSURES)} or give a number")
        return EXPOSURES[exposure]
    scale = float(exposure)
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"exposure must be positive, got {exposure!r}")
    return scale


def sensor_raw(
    rgb: np.ndarray,
    cfa: str = "RGGB",
    exposure: str | float = "normal",
    bits: int = 12,
    black: int = 64,
    noise: bool = True,
    rng: np.random.Generator | None = None,
    full_well: float = 4000.0,
    read_noise_dn: float = 2.0,
    source: str = "synthetic",
) -> RawImage:
    """Pass a linear scene through the simulated sensor and return its Bayer RAW frame.

    Args:
        rgb: scene radiance, (3, H, W) linear RGB, 1.0 = a white reflector.
        cfa: Bayer pattern.
        exposure: ``dark``, ``normal``, ``bright`` (see :data:`EXPOSURES`) or a scale factor
            from radiance to the fraction of the white level.
        bits: bit depth (8..16); the white level is ``2**bits - 1``.
        black: black level in DN.
        noise: add Poisson shot noise and Gaussian read noise drawn from ``rng``.
        rng: NumPy generator for the noise (default: seeded with 0).
        full_well: electrons at the white level (shot-noise strength).
        read_noise_dn: standard deviation of the read noise in DN.
        source: description kept in the returned image.

    Returns:
        A :class:`RawImage` whose ``wb_gains`` undo :data:`SENSOR_RESPONSE`.
    """
    name = check_pattern(cfa)
    scale = _exposure_scale(exposure)
    if not (isinstance(bits, int) and 8 <= bits <= 16):
        raise ValueError(f"bits must be an integer from 8 to 16, got {bits!r}")
    white = (1 << bits) - 1
    if not 0 <= black < white:
        raise ValueError(f"black level {black} must be in 0..{white - 1}")
    rng = np.random.default_rng(0) if rng is None else rng
    resp = np.asarray(SENSOR_RESPONSE)
    signal = mosaic(np.asarray(rgb, dtype=np.float64) * resp[:, None, None], name) * scale  # may exceed 1: clipped
    span = white - black
    if noise:
        electrons = rng.poisson(np.clip(signal, 0.0, 4.0) * full_well).astype(np.float64)
        dn = black + electrons * (span / full_well) + rng.normal(0.0, read_noise_dn, signal.shape)
    else:
        dn = black + signal * span
    img = RawImage(
        mosaic=np.clip(np.round(dn), 0, white).astype(np.uint16),
        cfa=name,
        black=(float(black),) * 4,  # type: ignore[arg-type]
        white=float(white),
        bits=bits,
        source=source,
        camera="taisp synthetic sensor",
        wb_gains=tuple(float(resp[1] / r) for r in resp),  # type: ignore[arg-type]
        extra={"reader": "synthetic", "exposure_scale": scale, "noise": bool(noise)},
    )
    return validate(img)


def synthetic_raw(
    height: int = 1080,
    width: int = 1920,
    cfa: str = "RGGB",
    exposure: str | float = "normal",
    bits: int = 12,
    black: int = 64,
    noise: bool = True,
    seed: int = 0,
    full_well: float = 4000.0,
    read_noise_dn: float = 2.0,
) -> RawImage:
    """The built-in scene (:func:`scene_rgb`) as a Bayer RAW frame through :func:`sensor_raw`.

    ``seed`` seeds both the scene's random discs and the sensor noise.
    """
    check_pattern(cfa)
    _exposure_scale(exposure)
    rgb = scene_rgb(height, width, seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5EED]))
    return sensor_raw(rgb, cfa, exposure, bits, black, noise, rng, full_well, read_noise_dn,
                      source=f"synthetic:{width}x{height}:{cfa.upper()}:{exposure}:seed={seed}")


__all__ = ["EXPOSURES", "SENSOR_RESPONSE", "linear_to_srgb", "mosaic", "scene_rgb", "sensor_raw", "srgb_to_linear", "synthetic_raw"]
