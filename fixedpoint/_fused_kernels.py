"""Numba kernels of the fused fixed-point engine (private; see :mod:`fixedpoint.fused`).

One band of rows ``[r0, r1)`` is computed in the order the hardware streams it, with line
buffers (rings of rows) for the windows:

* a 5-row ring of ``xg`` (3 channels) and of the pooled maps (2 planes): the 5x5 branch
  needs pooled rows ``t-2 .. t+2`` to produce the ``xs`` row ``t``;
* a 3-row ring of ``xs`` (3 channels): the 3x3 mask head needs ``xs`` rows ``u-1 .. u+1``.

A band re-computes the halo rows it needs (pooled rows up to 3 outside the band, ``xs`` rows
1 outside) but counts statistics and overflow events only for its own rows, so the sums over
bands equal the frame's. All arithmetic is the stage-wise path's: the same exact int64
expressions (wrapping modulo 2**64 where NumPy's would) and the same rounding / overflow
kernels (:func:`fixedpoint.arith._kernels.requant_fast` / ``requant_scalar``) and table
kernel (:func:`fixedpoint.arith._table_kernels._eval_one`).

``level`` selects how far a pass goes (the ``same`` statistics mode needs several passes):

* 0: frame sums of x and x^2 only;
* 1: and ``xg`` with its frame sums;
* 2: and HSA, the mask logits (frame sums), the argmax written to ``index``; no power curve;
* 3: HSA and the power curve with the region read from ``index`` (logits skipped);
* 4: everything in one pass (the ``previous`` mode: the hardware's).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .arith._kernels import requant_fast, requant_scalar
from .arith._table_kernels import _eval_one

#: Overflow counters, in this order (the config entries they count).
COUNT_KEYS = ("glc.xg", "hsa.pool", "hsa.acc", "hsa.z", "hsa.A", "hsa.xs", "rgfc.acc", "rgfc.logits",
              "rgfc.e", "rgfc.out")
C_XG, C_POOL, C_HACC, C_HZ, C_A, C_XS, C_RACC, C_LOG, C_E, C_OUT = range(10)
N_COUNTS = len(COUNT_KEYS)
#: Frame sums, in this order: x (3), x^2 (3), xg (3), logits (16).
S_X, S_XX, S_XG, S_L = 0, 3, 6, 9
N_SUMS = 25


@njit(inline="always", cache=True)
def _rq(q, spec):
    if spec[10] == 0:
        return requant_fast(q, spec)
    return requant_scalar(q, spec)


@njit(inline="always", cache=True)
def _table(q, t, entries):
    return _eval_one(q, t[0], t[1], t[2], t[3], t[4], t[5], entries, t[6], t[7], t[8])


@njit(inline="always", cache=True)
def _spec(a):
    """A requantization spec (23 int64) from a row of the spec array, as the tuple the kernels take."""
    return (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14],
            a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22])


@njit(inline="always", cache=True)
def _tparams(a):
    """A table's 9 scalar parameters as a tuple."""
    return (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8])


@njit(cache=True)
def _rq_row(src, dst, n, spec):
    """dst[:n] = Q(src[:n]); returns the overflow events (loop-invariant path choice)."""
    s = src[0:n]
    d = dst[0:n]
    c = 0
    if spec[10] == 0:
        for i in range(n):
            v, e = requant_fast(s[i], spec)
            d[i] = v
            c += e
    else:
        for i in range(n):
            v, e = requant_scalar(s[i], spec)
            d[i] = v
            c += e
    return c


@njit(cache=True)
def _axpy(acc, src, w, i0, i1, off):
    """acc[i] += w * src[i + off] for i in [i0, i1)."""
    if i1 <= i0:
        return
    a = acc[i0:i1]
    s = src[i0 + off:i1 + off]
    for k in range(a.size):
        a[k] += w * s[k]


@njit(cache=True)
def _window(acc, ring, nring, wts, o, c, k, t, h, wd):
    """acc += sum over the k x k window of wts[o, c] on plane c of a row ring (zero padding)."""
    r = k // 2
    for dy in range(k):
        row = t + dy - r
        if row < 0 or row >= h:
            continue
        src = ring[c, row % nring]
        for dx in range(k):
            _axpy(acc, src, wts[o, c, dy, dx], max(0, r - dx), min(wd, wd + r - dx), dx - r)


@njit(cache=True)
def _xg_row(x, p, alpha, spec_xg, eps_xg, one_xg, xg_ring, slot, inb, sm, cnt):
    """xg of row p into ring slot ``slot`` (3 channels); sums and counts when the row is the band's."""
    wd = x.shape[2]
    for c in range(3):
        xr = x[c, p]
        dst = xg_ring[c, slot]
        a = alpha[c]
        e_n = 0
        sx = np.int64(0)
        sxx = np.int64(0)
        sxg = np.int64(0)
        for i in range(wd):
            v = xr[i]
            q, e = _rq(v * a, spec_xg)
            q = min(max(q, eps_xg), one_xg)
            dst[i] = q
            e_n += e
            sx += v
            sxx += v * v
            sxg += q
        if inb:
            cnt[C_XG] += e_n
            sm[S_X + c] += sx
            sm[S_XX + c] += sxx
            sm[S_XG + c] += sxg


@njit(cache=True)
def band(x, r0, r1, level, alpha, gate, inv_w, w3, w5, wm, bm, specs, consts,
         p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sm, cnt):
    """Process rows [r0, r1) of x (3, H, W) int64; add the band's sums to ``sm`` and overflow
    events to ``cnt``; write ``out`` rows (levels 3, 4) and ``index`` rows (level 2)."""
    h = x.shape[1]
    wd = x.shape[2]
    if r1 <= r0:
        return
    s_xg = _spec(specs[0])
    s_pool = _spec(specs[1])
    s_pmax = _spec(specs[2])
    s_hacc3 = _spec(specs[3])
    s_hacc5 = _spec(specs[4])
    s_hz = _spec(specs[5])
    s_a = _spec(specs[6])
    s_xs = _spec(specs[7])
    s_racc = _spec(specs[8])
    s_log = _spec(specs[9])
    s_e = _spec(specs[10])
    s_out = _spec(specs[11])
    eps_xg, one_xg, eps_xs, one_xs = consts[0], consts[1], consts[2], consts[3]
    eps_y, one_y, one_a, third, b3, b5 = consts[4], consts[5], consts[6], consts[7], consts[8], consts[9]
    t_sig = _tparams(p_sig)
    t_log = _tparams(p_log)
    t_exp = _tparams(p_exp)
    g0 = gate[0]
    g1 = gate[1]
    xg_ring = np.empty((3, 5, wd), dtype=np.int64)
    if level <= 1:
        if level == 0:
            for p in range(r0, r1):
                for c in range(3):
                    xr = x[c, p]
                    sx = np.int64(0)
                    sxx = np.int64(0)
                    for i in range(wd):
                        v = xr[i]
                        sx += v
                        sxx += v * v
                    sm[S_X + c] += sx
                    sm[S_XX + c] += sxx
        else:
            for p in range(r0, r1):
                _xg_row(x, p, alpha, s_xg, eps_xg, one_xg, xg_ring, p % 5, True, sm, cnt)
        return

    pool = np.empty((2, 5, wd), dtype=np.int64)
    xs_ring = np.empty((3, 3, wd), dtype=np.int64)
    t1 = np.empty(wd, dtype=np.int64)
    t2 = np.empty(wd, dtype=np.int64)
    acc3 = np.empty(wd, dtype=np.int64)
    acc5 = np.empty(wd, dtype=np.int64)
    lg = np.empty(wd, dtype=np.int64)
    best = np.empty(wd, dtype=np.int64)
    bidx = np.zeros(wd, dtype=np.int64)
    do_logits = level == 2 or level == 4
    do_power = level >= 3

    xs_lo = max(r0 - 1, 0)
    p_next = max(xs_lo - 2, 0)
    xs_next = xs_lo
    for u in range(r0, r1):
        need_xs = min(u + 2, h)
        while xs_next < need_xs:
            t = xs_next
            need_p = min(t + 3, h)
            while p_next < need_p:
                # ---- GLC and channel pooling of row p_next
                p = p_next
                slot = p % 5
                inb = p >= r0 and p < r1
                _xg_row(x, p, alpha, s_xg, eps_xg, one_xg, xg_ring, slot, inb, sm, cnt)
                for i in range(wd):
                    a0 = xg_ring[0, slot, i]
                    a1 = xg_ring[1, slot, i]
                    a2 = xg_ring[2, slot, i]
                    t1[i] = (a0 + a1 + a2) * third
                    t2[i] = max(a0, max(a1, a2))
                e_n = _rq_row(t1, pool[0, slot], wd, s_pool)
                e_n += _rq_row(t2, pool[1, slot], wd, s_pmax)
                if inb:
                    cnt[C_POOL] += e_n
                p_next += 1
            # ---- HSA of row t: the two branches, A and xs
            for i in range(wd):
                acc3[i] = b3
                acc5[i] = b5
            for c in range(2):
                _window(acc3, pool, 5, w3, 0, c, 3, t, h, wd)
                _window(acc5, pool, 5, w5, 0, c, 5, t, h, wd)
            inb = t >= r0 and t < r1
            e_acc = 0
            e_z = 0
            e_a = 0
            xslot = t % 5
            for i in range(wd):
                a3, e = _rq(acc3[i], s_hacc3)
                e_acc += e
                z3, e = _rq(a3, s_hz)
                e_z += e
                a5, e = _rq(acc5[i], s_hacc5)
                e_acc += e
                z5, e = _rq(a5, s_hz)
                e_z += e
                m3 = _table(z3, t_sig, e_sig)
                m5 = _table(z5, t_sig, e_sig)
                av, e = _rq(g0 * m3 + g1 * m5, s_a)
                e_a += e
                t1[i] = min(av, one_a)
            e_xs = 0
            for c in range(3):
                src = xg_ring[c, xslot]
                dst = xs_ring[c, t % 3]
                for i in range(wd):
                    v, e = _rq(src[i] * t1[i], s_xs)
                    dst[i] = min(max(v, eps_xs), one_xs)
                    e_xs += e
            if inb:
                cnt[C_HACC] += e_acc
                cnt[C_HZ] += e_z
                cnt[C_A] += e_a
                cnt[C_XS] += e_xs
            xs_next += 1
        # ---- RGFC of row u: 16 logits (3x3 over xs), argmax, power curve
        if do_logits:
            for o in range(16):
                for i in range(wd):
                    acc3[i] = bm[o]
                for c in range(3):
                    _window(acc3, xs_ring, 3, wm, o, c, 3, u, h, wd)
                cnt[C_RACC] += _rq_row(acc3, acc5, wd, s_racc)
                cnt[C_LOG] += _rq_row(acc5, lg, wd, s_log)
                sl = np.int64(0)
                if o == 0:
                    for i in range(wd):
                        v = lg[i]
                        sl += v
                        best[i] = v
                        bidx[i] = 0
                else:
                    for i in range(wd):
                        v = lg[i]
                        sl += v
                        if v > best[i]:
                            best[i] = v
                            bidx[i] = o
                sm[S_L + o] += sl
            if level == 2:
                for i in range(wd):
                    index[u, i] = bidx[i]
        if do_power:
            if level == 3:
                for i in range(wd):
                    bidx[i] = index[u, i]
            e_e = 0
            e_o = 0
            for c in range(3):
                src = xs_ring[c, u % 3]
                dst = out[c, u]
                for i in range(wd):
                    l2 = _table(src[i], t_log, e_log)
                    ev, e = _rq(l2 * inv_w[bidx[i]], s_e)
                    e_e += e
                    y = min(max(_table(ev, t_exp, e_exp), eps_y), one_y)
                    ov, e = _rq(y * 255, s_out)
                    e_o += e
                    dst[i] = ov
            cnt[C_E] += e_e
            cnt[C_OUT] += e_o


@njit(cache=True)
def frame_seq(x, nb, level, alpha, gate, inv_w, w3, w5, wm, bm, specs, consts,
              p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums, counts):
    """All ``nb`` bands in order (one thread); per-band sums and counts in rows of ``sums``/``counts``."""
    h = x.shape[1]
    for b in range(nb):
        band(x, b * h // nb, (b + 1) * h // nb, level, alpha, gate, inv_w, w3, w5, wm, bm, specs, consts,
             p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums[b], counts[b])


@njit(cache=True, parallel=True)
def frame_par(x, nb, level, alpha, gate, inv_w, w3, w5, wm, bm, specs, consts,
              p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums, counts):
    """The bands over Numba's threads; the same integers as :func:`frame_seq`."""
    h = x.shape[1]
    for b in prange(nb):
        band(x, b * h // nb, (b + 1) * h // nb, level, alpha, gate, inv_w, w3, w5, wm, bm, specs, consts,
             p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums[b], counts[b])
