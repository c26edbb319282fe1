"""The ten POS-ISP filters as differentiable torch functions (design note sections 1 to 3).

Every filter takes ``x`` (N, 3, H, W) and its raw parameters ``p`` (N, k) in (0, 1) and maps
them into its range itself (``map(p, lo, hi) = lo + (hi - lo) p``). Nothing is clamped beyond
what the note lists: values above 1 flow on into the next filter. The quirks of the published
model are kept on purpose (grey pixels in saturation come out tinted, hue ties go to the last
channel, the sharpen border passes the input through, denoise weighs patches on BT.601 luma).

The float dtype of the result is the dtype of ``x``; ``p`` is cast to it.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F

#: Filter names in the published index order (tokens 0..9 of the sequence agent).
FILTER_NAMES: tuple[str, ...] = (
    "exposure", "gamma", "ccm", "sharpen", "denoise", "tone", "contrast", "saturation", "wnb", "wb",
)
#: Number of raw parameters per filter.
FILTER_NPARAMS: dict[str, int] = {
    "exposure": 1, "gamma": 1, "ccm": 9, "sharpen": 1, "denoise": 1,
    "tone": 8, "contrast": 1, "saturation": 1, "wnb": 1, "wb": 3,
}
#: Slice of each filter's raw parameters in the 27-vector (the note's table order).
PARAM_SLICES: dict[str, slice] = {}
_o = 0
for _n in FILTER_NAMES:
    PARAM_SLICES[_n] = slice(_o, _o + FILTER_NPARAMS[_n])
    _o += FILTER_NPARAMS[_n]
NUM_PARAMS: int = _o  # 27
del _o, _n

#: Range (lo, hi) every raw parameter is mapped to, per filter.
PARAM_RANGES: dict[str, tuple[float, float]] = {
    "exposure": (-3.5, 3.5), "gamma": (1.0 / 3.0, 3.0), "ccm": (-2.0, 2.0), "sharpen": (1e-5, 10.0),
    "denoise": (1e-5, 1.0), "tone": (0.5, 2.0), "contrast": (-1.0, 1.0), "saturation": (0.0, 1.0),
    "wnb": (0.0, 1.0), "wb": (1.0 / 1.1, 1.1),
}
#: What the mapped parameter means, for reports.
PARAM_MEANING: dict[str, str] = {
    "exposure": "ev (stops)", "gamma": "exponent g", "ccm": "matrix entry before row normalisation",
    "sharpen": "a (1 = identity)", "denoise": "h", "tone": "slope t_i", "contrast": "w",
    "saturation": "blend a", "wnb": "blend a", "wb": "gain s_c before normalisation",
}
DENOISE_BORDERS: tuple[str, ...] = ("circular", "mirror")

_LN2 = math.log(2.0)
_LUM = (0.27, 0.67, 0.06)  # the filters' luma
_BT601 = (0.299, 0.587, 0.114)  # denoise's luma
_SHARPEN_KERNEL = ((1.0, 1.0, 1.0), (1.0, 5.0, 1.0), (1.0, 1.0, 1.0))
DENOISE_SEARCH = 5  # offsets -5..5
DENOISE_PATCH = 2  # 5x5 patch: -2..2


def mapped(name: str, p: torch.Tensor) -> torch.Tensor:
    """``map(p, lo, hi)`` of filter ``name``'s range."""
    lo, hi = PARAM_RANGES[name]
    return lo + (hi - lo) * p


def _col(v: torch.Tensor) -> torch.Tensor:
    """(N,) or (N, 1) -> (N, 1, 1, 1) for broadcasting over (N, C, H, W)."""
    return v.reshape(-1, 1, 1, 1)


def lum(x: torch.Tensor) -> torch.Tensor:
    """The filters' luma 0.27 R + 0.67 G + 0.06 B, (N, 1, H, W)."""
    return _LUM[0] * x[:, 0:1] + _LUM[1] * x[:, 1:2] + _LUM[2] * x[:, 2:3]


def exposure(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    ev = mapped("exposure", p[:, 0])
    return x * _col(torch.exp(ev * _LN2))


def gamma(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    g = mapped("gamma", p[:, 0])
    return torch.pow(torch.clamp(x, min=1e-6), _col(g))


def ccm(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    m = mapped("ccm", p).reshape(-1, 3, 3)
    m = m / (m.sum(dim=2, keepdim=True) + 1e-8)
    return torch.clamp(torch.einsum("nij,njhw->nihw", m, x), 0.0, 1.0)


def sharpen(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    a = _col(mapped("sharpen", p[:, 0]))
    k = torch.tensor(_SHARPEN_KERNEL, dtype=x.dtype, device=x.device) / 13.0
    c = x.shape[1]
    if x.shape[2] >= 3 and x.shape[3] >= 3:
        inner = F.conv2d(x, k.expand(c, 1, 3, 3), groups=c)  # only where the whole window is inside
        b = torch.cat([x[:, :, :1, 1:-1], inner, x[:, :, -1:, 1:-1]], dim=2)
        b = torch.cat([x[:, :, :, :1], b, x[:, :, :, -1:]], dim=3)
    else:
        b = x
    return torch.clamp(a * x + (1.0 - a) * b, 0.0, 1.0)


def _pad(t: torch.Tensor, r: int, border: str) -> torch.Tensor:
    if border == "circular":
        return _wrap_pad(t, r)
    if border == "mirror":
        if r >= t.shape[2] or r >= t.shape[3]:
            raise ValueError(f"denoise border 'mirror' needs frames larger than {r}x{r}, got {tuple(t.shape[2:])}")
        return F.pad(t, (r, r, r, r), mode="reflect")
    raise ValueError(f"denoise border must be one of {DENOISE_BORDERS}, got {border!r}")


def _wrap_pad(t: torch.Tensor, r: int) -> torch.Tensor:
    """Circular padding for any pad width (index arithmetic modulo the size)."""
    h, w = t.shape[2], t.shape[3]
    iy = torch.arange(-r, h + r, device=t.device) % h
    ix = torch.arange(-r, w + r, device=t.device) % w
    return t[:, :, iy][:, :, :, ix]


def denoise(x: torch.Tensor, p: torch.Tensor, border: str = "circular") -> torch.Tensor:
    """Non-local means on BT.601 luma (section 2); ``border`` ``circular`` (published) or ``mirror``.

    Both borders pad the frame once (by 7 for the luma: search 5 + patch 2, by 5 for ``x``) and
    compute every patch sum and shift inside the padded frame. For ``circular`` this is exactly
    the wrap-around of every shift; for ``mirror`` it is what a streaming window sees
    (reflection without repeating the edge pixel, as the front end).
    """
    if border not in DENOISE_BORDERS:
        raise ValueError(f"denoise border must be one of {DENOISE_BORDERS}, got {border!r}")
    n, c, hh, ww = x.shape
    h = mapped("denoise", p[:, 0])
    inv = _col(1.0 / (torch.clamp(h, min=0.0) + 1e-8))
    xc = torch.clamp(x, 0.0, 1.0)
    y = _BT601[0] * xc[:, 0:1] + _BT601[1] * xc[:, 1:2] + _BT601[2] * xc[:, 2:3]
    rs, rp = DENOISE_SEARCH, DENOISE_PATCH
    r = rs + rp
    yp = _pad(y, r, border)  # (N, 1, H + 2r, W + 2r)
    xp = _pad(x, rs, border)  # (N, 3, H + 2rs, W + 2rs)
    yc = yp[:, :, rs:rs + hh + 2 * rp, rs:rs + ww + 2 * rp]  # the patch area around every pixel
    k = 2 * rs + 1
    num = torch.zeros_like(x)
    den = torch.zeros(n, 1, hh, ww, dtype=x.dtype, device=x.device)
    for dy in range(-rs, rs + 1):  # one row of 11 offsets at a time (bounded memory at 1080p)
        ys = torch.stack([yp[:, 0, rs + dy:rs + dy + hh + 2 * rp, rs + dx:rs + dx + ww + 2 * rp]
                          for dx in range(-rs, rs + 1)], dim=1)  # (N, 11, H + 4, W + 4)
        sq = (yc - ys) ** 2
        row = sq[:, :, :, 0:ww]
        for j in range(1, 2 * rp + 1):  # sum over the 5x5 patch: columns, then rows
            row = row + sq[:, :, :, j:j + ww]
        d = row[:, :, 0:hh]
        for j in range(1, 2 * rp + 1):
            d = d + row[:, :, j:j + hh]
        wgt = torch.exp(-torch.sqrt(torch.clamp(d, min=0.0) + 1e-8) * inv)  # (N, 11, H, W)
        xs = torch.stack([xp[:, :, rs + dy:rs + dy + hh, rs + dx:rs + dx + ww]
                          for dx in range(-rs, rs + 1)], dim=2)  # (N, 3, 11, H, W)
        num = num + (wgt[:, None] * xs).sum(dim=2)
        den = den + wgt.sum(dim=1, keepdim=True)
    return torch.clamp(num / den, 0.0, 1.0)


def tone(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    t = mapped("tone", p)  # (N, 8)
    scale = 8.0 / (t.sum(dim=1) + 1e-30)
    acc = torch.zeros_like(x)
    for i in range(8):
        acc = acc + _col(t[:, i]) * torch.clamp(x - i / 8.0, 0.0, 1.0 / 8.0)
    return _col(scale) * acc


def contrast(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    w = _col(mapped("contrast", p[:, 0]))
    L = torch.clamp(lum(x), 0.0, 1.0)
    c = x / (L + 1e-6) * (0.5 - 0.5 * torch.cos(math.pi * L))
    return (1.0 - w) * x + w * c


def rgb_to_hsv(c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Hue, saturation, value of (N, 3, H, W) in [0, 1], each (N, 1, H, W), ties to the last max channel."""
    r, g, b = c[:, 0:1], c[:, 1:2], c[:, 2:3]
    v = torch.maximum(torch.maximum(r, g), b)
    m = torch.minimum(torch.minimum(r, g), b)
    d = v - m
    de = d + 1e-8
    is_b = b == v
    is_g = (g == v) & ~is_b
    hue = torch.where(is_b, (r - g) / de + 4.0,
                      torch.where(is_g, (b - r) / de + 2.0, torch.remainder((g - b) / de, 6.0)))
    hue = torch.where(d > 1e-8, hue, torch.zeros_like(hue))
    hh = torch.remainder(hue / 6.0, 1.0)
    s = torch.where(v > 1e-8, d / (v + 1e-8), torch.zeros_like(v))
    return hh, s, v


def hsv_to_rgb(h: torch.Tensor, s: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The usual hexcone conversion; sector 6 (6H rounding up to 6) is sector 0."""
    h6 = 6.0 * h
    i = torch.floor(h6)
    f = h6 - i
    i = torch.remainder(i, 6.0)
    pp = v * (1.0 - s)
    q = v * (1.0 - s * f)
    t = v * (1.0 - s * (1.0 - f))
    sectors = ((v, t, pp), (q, v, pp), (pp, v, t), (pp, q, v), (t, pp, v), (v, pp, q))
    out = []
    for ch in range(3):
        val = sectors[5][ch]
        for k in range(4, -1, -1):
            val = torch.where(i == float(k), sectors[k][ch], val)
        out.append(val)
    return torch.cat(out, dim=1)


def saturation(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    a = _col(mapped("saturation", p[:, 0]))
    c = torch.clamp(x, 0.0, 1.0)
    hh, s, v = rgb_to_hsv(c)
    s2 = torch.clamp(s + (1.0 - s) * (0.5 - torch.abs(0.5 - v)) * 0.8, 0.0, 1.0)
    rgb = hsv_to_rgb(hh, s2, v)
    return (1.0 - a) * c + a * rgb


def wnb(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    a = _col(mapped("wnb", p[:, 0]))
    return (1.0 - a) * x + a * lum(x)


def wb(x: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    s = mapped("wb", p)  # (N, 3)
    s = s / (1e-6 + _LUM[0] * s[:, 0:1] + _LUM[1] * s[:, 1:2] + _LUM[2] * s[:, 2:3])
    return x * s[:, :, None, None]


FILTERS: dict[str, Callable[..., torch.Tensor]] = {
    "exposure": exposure, "gamma": gamma, "ccm": ccm, "sharpen": sharpen, "denoise": denoise,
    "tone": tone, "contrast": contrast, "saturation": saturation, "wnb": wnb, "wb": wb,
}


def apply_filter(name: str, x: torch.Tensor, p: torch.Tensor, denoise_border: str = "circular") -> torch.Tensor:
    """Apply filter ``name`` to ``x`` (N, 3, H, W) with its raw parameters ``p`` (N, k) in (0, 1).

    ``p`` may also be the whole (N, 27) vector, from which the filter takes its own slice.
    """
    if name not in FILTERS:
        raise ValueError(f"unknown POS-ISP filter {name!r}; the filters are {', '.join(FILTER_NAMES)}")
    if x.dim() != 4 or x.shape[1] != 3:
        raise ValueError(f"filter input must be (N, 3, H, W), got {tuple(x.shape)}")
    p = torch.as_tensor(p, device=x.device).to(x.dtype)
    if p.dim() == 1:
        p = p.reshape(1, -1).expand(x.shape[0], -1)
    k = FILTER_NPARAMS[name]
    if p.shape[-1] == NUM_PARAMS and k != NUM_PARAMS:
        p = p[:, PARAM_SLICES[name]]
    if p.dim() != 2 or p.shape[1] != k or p.shape[0] not in (1, x.shape[0]):
        raise ValueError(f"filter {name!r} takes raw parameters (N, {k}), got {tuple(p.shape)}")
    if p.shape[0] != x.shape[0]:
        p = p.expand(x.shape[0], -1)
    if name == "denoise":
        return denoise(x, p, denoise_border)
    return FILTERS[name](x, p)


__all__ = [
    "DENOISE_BORDERS", "FILTERS", "FILTER_NAMES", "FILTER_NPARAMS", "NUM_PARAMS", "PARAM_MEANING",
    "PARAM_RANGES", "PARAM_SLICES", "apply_filter", "ccm", "contrast", "denoise", "exposure", "gamma",
    "hsv_to_rgb", "lum", "mapped", "rgb_to_hsv", "saturation", "sharpen", "tone", "wb", "wnb",
]
