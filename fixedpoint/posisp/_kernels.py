"""Numba kernels of the POS-ISP filters (private; the face is :mod:`fixedpoint.posisp.filters`).

Every kernel works on int64 raw values of ``chain.x`` laid out (3, H, W), loops rows with ``prange``
(compiled here without ``parallel``, so a plain loop, quick to compile; :mod:`fixedpoint.posisp.fused`
compiles the same functions with ``parallel=True``: rows are independent, each writes its own
output row and overflow count), and uses the shared requantization (``requant_scalar``) and table evaluation
(``_eval_one``) kernels, so the rounding, overflow and table semantics are the ones of
:mod:`fixedpoint.arith`. ``spec`` arguments are requantization specs (``ops.requant_spec``),
``tab`` arguments the table tuple of :func:`fixedpoint.posisp.filters.table_args`. Each kernel
returns the number of overflow events of its requantizations (per row, summed by the caller).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..arith._kernels import requant_scalar
from ..arith._table_kernels import _eval_one


@njit(cache=True)
def _tab(q, tab):
    """One table evaluation (not inlined: one compiled copy keeps the kernels quick to compile)."""
    return _eval_one(q, tab[0], tab[1], tab[2], tab[3], tab[4], tab[5], tab[6], tab[7], tab[8], tab[9])


@njit(cache=True)
def _rq(q, spec):
    """One requantization -> (value, overflow event) (not inlined, as _tab)."""
    return requant_scalar(q, spec)


@njit(cache=True)
def gain(x, g, spec, out, cnt):
    """y_k = rq(x_k * g_k): exposure (one gain) and wb (three)."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for k in range(3):
            for c in range(w):
                v, e = _rq(x[k, r, c] * g[k], spec)
                out[k, r, c] = v
                n += e
        cnt[r] = n


@njit(cache=True)
def table3(x, tab, out):
    """y = table(x) on every value (gamma)."""
    _, h, w = x.shape
    for r in prange(h):
        for k in range(3):
            for c in range(w):
                out[k, r, c] = _tab(x[k, r, c], tab)


@njit(cache=True)
def ccm(x, m, one_acc, spec, out, cnt):
    """A_i = sum_j m[3i+j] x_j, clamped to [0, one_acc], rq into chain.x."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for c in range(w):
            x0, x1, x2 = x[0, r, c], x[1, r, c], x[2, r, c]
            for i in range(3):
                a = m[3 * i] * x0 + m[3 * i + 1] * x1 + m[3 * i + 2] * x2
                if a < 0:
                    a = np.int64(0)
                elif a > one_acc:
                    a = one_acc
                v, e = _rq(a, spec)
                out[i, r, c] = v
                n += e
        cnt[r] = n


@njit(cache=True)
def sharpen(x, a, cc, sh_a, one_x, one_acc, spec, out, cnt):
    """Border ring: min(x, 1); inside: A = a x 2^sh_a + cc S, S = 5 x + 8 neighbours, clamp, rq."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for k in range(3):
            for c in range(w):
                xv = x[k, r, c]
                if r == 0 or r == h - 1 or c == 0 or c == w - 1:
                    out[k, r, c] = xv if xv < one_x else one_x
                    continue
                s = 4 * xv
                for u in range(-1, 2):
                    for v in range(-1, 2):
                        s += x[k, r + u, c + v]
                acc = ((a * xv) << sh_a) + cc * s
                if acc < 0:
                    acc = np.int64(0)
                elif acc > one_acc:
                    acc = one_acc
                y, e = _rq(acc, spec)
                out[k, r, c] = y
                n += e
        cnt[r] = n


@njit(cache=True)
def luma(x, k0, k1, k2, one_x, spec, out, cnt):
    """Y = rq(k0 min(R,1) + k1 min(G,1) + k2 min(B,1)) (denoise's BT.601 luma of the clamped input)."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for c in range(w):
            a = (k0 * min(x[0, r, c], one_x) + k1 * min(x[1, r, c], one_x) + k2 * min(x[2, r, c], one_x))
            v, e = _rq(a, spec)
            out[r, c] = v
            n += e
        cnt[r] = n


@njit(cache=True)
def nlm_offset(yp, xp, dy, dx, ps, tab, e, vs, num, den):
    """One search offset (dy, dx) of denoise on the padded luma ``yp`` (pad rs + ps) and padded
    ``xp`` (pad rs): squared differences ``e`` on the (H + 2 ps, W + 2 ps) patch area, their
    vertical patch sums ``vs``, the horizontal patch sums D, the weight table, and num/den."""
    h, w = den.shape
    rs = (xp.shape[1] - h) // 2
    hh, ww = e.shape
    kp = 2 * ps + 1
    for i in range(hh):
        for j in range(ww):
            d = yp[i + rs, j + rs] - yp[i + rs + dy, j + rs + dx]
            e[i, j] = d * d
    for r in range(h):
        for j in range(ww):
            s = np.int64(0)
            for a in range(kp):
                s += e[r + a, j]
            vs[r, j] = s
    for r in range(h):
        _nlm_row(vs[r], r, dy, dx, rs, kp, tab, xp, num, den)


@njit(cache=True)
def _nlm_row(vsrow, r, dy, dx, rs, kp, tab, xp, num, den):
    """Row r of one offset: the horizontal sliding patch sum D over the vertical sums ``vsrow``,
    the weight table, and the weight's share of num and den."""
    w = den.shape[1]
    dsum = np.int64(0)
    for b in range(kp - 1):
        dsum += vsrow[b]
    for c in range(w):
        dsum += vsrow[c + kp - 1]
        wt = _tab(dsum, tab)
        dsum -= vsrow[c]
        den[r, c] += wt
        for k in range(3):
            num[k, r, c] += wt * xp[k, r + rs + dy, c + rs + dx]


@njit(cache=True)
def nlm_final(num, den, sh_x, one_x, spec_num, tab_inv, spec_y, out, cnt):
    """y = 1 where num >= den 2^sh_x; else min(rq(rq(num) * inv(den)), 1)."""
    _, h, w = num.shape
    for r in prange(h):
        n = 0
        for c in range(w):
            d = den[r, c]
            inv = _tab(d, tab_inv)
            for k in range(3):
                nv = num[k, r, c]
                if nv >= (d << sh_x):
                    out[k, r, c] = one_x
                    continue
                q, e1 = _rq(nv, spec_num)
                y, e2 = _rq(q * inv, spec_y)
                out[k, r, c] = y if y < one_x else one_x
                n += e1 + e2
        cnt[r] = n


@njit(cache=True)
def tone(x, slope, offset, sh_o, fseg, one_x, spec, out, cnt):
    """x >= 1: 1; else A = offset_i 2^sh_o + slope_i r with i = x >> fseg, r the low fseg bits."""
    _, h, w = x.shape
    mask = (np.int64(1) << fseg) - 1
    for r in prange(h):
        n = 0
        for k in range(3):
            for c in range(w):
                xv = x[k, r, c]
                if xv >= one_x:
                    out[k, r, c] = one_x
                    continue
                i = xv >> fseg
                a = (offset[i] << sh_o) + slope[i] * (xv & mask)
                y, e = _rq(a, spec)
                out[k, r, c] = y
                n += e
        cnt[r] = n


@njit(cache=True)
def contrast(x, k0, k1, k2, one_l, spec_l, tab, spec, out, cnt):
    """L = rq(min(lum, 1)); k = table(L); y = rq(x k)."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for c in range(w):
            lx = k0 * x[0, r, c] + k1 * x[1, r, c] + k2 * x[2, r, c]
            if lx > one_l:
                lx = one_l
            L, e0 = _rq(lx, spec_l)
            g = _tab(L, tab)
            n += e0
            for k in range(3):
                y, e = _rq(x[k, r, c] * g, spec)
                out[k, r, c] = y
                n += e
        cnt[r] = n


@njit(cache=True)
def saturation(x, one_x, k08, spec_g, tab_inv, spec_t, one_t, spec_mg, spec_d, spec_vg, a, sh_c, one_acc, spec, out, cnt):
    """The HSV round trip as c' = c - (V - c) m G / d (one reciprocal), grey pixels tinted red."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        cv = np.empty(3, dtype=np.int64)
        dl = np.empty(3, dtype=np.int64)
        for c in range(w):
            for k in range(3):
                cv[k] = min(x[k, r, c], one_x)
            V = max(cv[0], max(cv[1], cv[2]))
            m = min(cv[0], min(cv[1], cv[2]))
            d = V - m
            G, e = _rq(k08 * min(V, one_x - V), spec_g)
            n += e
            if d == 0:
                dl[0] = 0
                vg, e = _rq(V * G, spec_vg)
                n += e
                dl[1] = vg
                dl[2] = vg
            else:
                inv = _tab(d, tab_inv)
                mg, e = _rq(m * G, spec_mg)
                n += e
                for k in range(3):
                    t, e = _rq((V - cv[k]) * inv, spec_t)
                    n += e
                    if t > one_t:
                        t = one_t
                    dk, e = _rq(t * mg, spec_d)
                    n += e
                    dl[k] = dk
            for k in range(3):
                acc = (cv[k] << sh_c) - a * dl[k]
                if acc < 0:
                    acc = np.int64(0)
                elif acc > one_acc:
                    acc = one_acc
                y, e = _rq(acc, spec)
                out[k, r, c] = y
                n += e
        cnt[r] = n


@njit(cache=True)
def wnb(x, k0, k1, k2, spec_l, a, one_a, sh_x, spec, out, cnt):
    """lum = rq(sum LUM_k x_k); y = rq((1 - a) x 2^sh_x + a lum)."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for c in range(w):
            lum, e = _rq(k0 * x[0, r, c] + k1 * x[1, r, c] + k2 * x[2, r, c], spec_l)
            n += e
            for k in range(3):
                y, e = _rq(((one_a - a) * x[k, r, c] << sh_x) + a * lum, spec)
                out[k, r, c] = y
                n += e
        cnt[r] = n


@njit(cache=True)
def output8(x, one_x, spec, out, cnt):
    """out = rq(min(y, 1) * 255) into chain.out."""
    _, h, w = x.shape
    for r in prange(h):
        n = 0
        for k in range(3):
            for c in range(w):
                v, e = _rq(min(x[k, r, c], one_x) * 255, spec)
                out[k, r, c] = v
                n += e
        cnt[r] = n


@njit(cache=True)
def nlm_fused(yp, xp, rs, ps, tab, nband, num, den):
    """Denoise's sums for all (2 rs + 1)^2 offsets in one pass (the fast path's kernel, compiled
    parallel over ``nband`` bands of rows): per band and offset the vertical patch sums of the
    squared luma differences slide down the rows (two squares per column and row: the one
    entering the patch, the one leaving), then per row the horizontal sliding sum D, the weight
    table, num and den; the same exact integers as ``nlm_offset`` (exact sums, any order)."""
    h, w = den.shape
    kp = 2 * ps + 1
    ww = w + 2 * ps
    n = 2 * rs + 1
    bs = (h + nband - 1) // nband
    for b in prange(nband):
        r0 = b * bs
        r1 = min(h, r0 + bs)
        if r0 >= r1:
            continue
        vs = np.zeros((n * n, ww), dtype=np.int64)
        for r in range(r0, r1):
            for o in range(n * n):
                dy = o // n - rs
                dx = o % n - rs
                if r == r0:  # the band's first row: the whole patch column
                    for j in range(ww):
                        s = np.int64(0)
                        for a in range(kp):
                            d = yp[r + a + rs, j + rs] - yp[r + a + rs + dy, j + rs + dx]
                            s += d * d
                        vs[o, j] = s
                else:  # slide down one row: add the entering row, drop the leaving one
                    for j in range(ww):
                        d1 = yp[r + kp - 1 + rs, j + rs] - yp[r + kp - 1 + rs + dy, j + rs + dx]
                        d0 = yp[r - 1 + rs, j + rs] - yp[r - 1 + rs + dy, j + rs + dx]
                        vs[o, j] += d1 * d1 - d0 * d0
                _nlm_row(vs[o], r, dy, dx, rs, kp, tab, xp, num, den)
