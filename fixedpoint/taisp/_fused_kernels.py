"""Numba kernels of the fused fixed-point engine (private; see :mod:`fixedpoint.fused`).

One band of rows ``[r0, r1)`` is computed in the order the hardware streams it, with line
buffers (rings of rows) for the windows:

* a 5-row ring of ``xg`` (3 channels) and of the pooled maps (2 planes): the 5x5 branch
  needs pooled rows ``t-2 .. t+2`` to produce the ``xs`` row ``t``;
* a 3-row ring of ``xs`` (3 channels) for the power curve, and a 3-row window of ``xm`` (the
  mask head's own entry, the same product in its own format): the 3x3 mask head needs ``xm``
  rows ``u-1 .. u+1``.

A band re-computes the halo rows it needs (pooled rows up to 3 outside the band, ``xs`` rows
1 outside) but counts statistics and overflow events only for its own rows, so the sums over
bands equal the frame's. All arithmetic is the stage-wise path's: the same exact int64
expressions (wrapping modulo 2**64 where NumPy's would) and the same rounding / overflow
kernels (:func:`fixedpoint.arith._kernels.requant_fast` / ``requant_scalar``) and table
kernel (:func:`fixedpoint.arith._table_kernels._eval_one`).

``level`` selects how far a pass goes (the ``same`` statistics mode needs several passes):

* 0: frame sums of x and x^2 only;
* 1: and ``xg`` with its frame sums;
* 2: and HSA, the mask logits (frame sums), the region (argmax) written to ``index``; no power curve;
* 3: HSA and the power curve with the region read from ``index`` (logits skipped);
* 4: everything in one pass, the region written to ``index`` (the ``previous`` mode: the hardware's).
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from ..arith._kernels import requant_fast, requant_scalar
from ..arith._table_kernels import _eval_one

#: Overflow counters, in this order (the config entries they count).
COUNT_KEYS = ("glc.xg", "hsa.pool", "hsa.acc", "hsa.z", "hsa.A", "hsa.xs", "rgfc.acc", "rgfc.logits",
              "rgfc.e", "rgfc.out", "hsa.xm")
C_XG, C_POOL, C_HACC, C_HZ, C_A, C_XS, C_RACC, C_LOG, C_E, C_OUT, C_XM = range(11)
N_COUNTS = len(COUNT_KEYS)
#: Frame sums, in this order: x (3), x^2 (3), xg (3), logits (16).
S_X, S_XX, S_XG, S_L = 0, 3, 6, 9
N_SUMS = 25
#: Zero columns each side of a line-buffer row (the 5x5 window's reach).
PAD = 2


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
def _window(acc, ring, nring, wts, o, c, k, t, h):
    """acc += the k x k window of wts[o, c] over plane c of a ring of padded rows (``PAD`` zeros
    each side: the frame's zero padding), rows outside the frame skipped. Integer accumulators
    wrap modulo 2**64 as NumPy's; float64 ones are exact under the engine's bound check."""
    r = k // 2
    n = acc.size
    for dy in range(k):
        row = t + dy - r
        if row < 0 or row >= h:
            continue
        src = ring[c, row % nring]
        b = PAD - r
        if k == 3:
            w0 = wts[o, c, dy, 0]
            w1 = wts[o, c, dy, 1]
            w2 = wts[o, c, dy, 2]
            s0 = src[b:b + n]
            s1 = src[b + 1:b + 1 + n]
            s2 = src[b + 2:b + 2 + n]
            for i in range(n):
                acc[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i]
        else:  # 5
            w0 = wts[o, c, dy, 0]
            w1 = wts[o, c, dy, 1]
            w2 = wts[o, c, dy, 2]
            w3 = wts[o, c, dy, 3]
            w4 = wts[o, c, dy, 4]
            s0 = src[b:b + n]
            s1 = src[b + 1:b + 1 + n]
            s2 = src[b + 2:b + 2 + n]
            s3 = src[b + 3:b + 3 + n]
            s4 = src[b + 4:b + 4 + n]
            for i in range(n):
                acc[i] += w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i] + w4 * s4[i]


@njit(cache=True, fastmath=True)
def _logit_row(acc, b, w, r0, r1, r2, r3, r4, r5, r6, r7, r8):
    """acc[i] = b + the 27-tap 3x3x3 window at pixel i: rows r0..r8 are (channel, dy) = (0, 0),
    (0, 1), ..., (2, 2), padded (row[i + 1] is pixel i; a zero row outside the frame); w the
    27 weights in (channel, dy, dx) order. One pass, the sum held in registers.

    ``fastmath`` lets LLVM reassociate the sum and fuse multiply-adds: harmless here, every
    operand and partial sum is an integer the type holds exactly (float64 below 2**53, proven by
    the engine) or an int64 (wrapping, associative). Views indexed from 0 let LLVM vectorise."""
    n = acc.size
    w = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14],
         w[15], w[16], w[17], w[18], w[19], w[20], w[21], w[22], w[23], w[24], w[25], w[26])
    v00 = r0[0:0 + n]
    v01 = r0[1:1 + n]
    v02 = r0[2:2 + n]
    v10 = r1[0:0 + n]
    v11 = r1[1:1 + n]
    v12 = r1[2:2 + n]
    v20 = r2[0:0 + n]
    v21 = r2[1:1 + n]
    v22 = r2[2:2 + n]
    v30 = r3[0:0 + n]
    v31 = r3[1:1 + n]
    v32 = r3[2:2 + n]
    v40 = r4[0:0 + n]
    v41 = r4[1:1 + n]
    v42 = r4[2:2 + n]
    v50 = r5[0:0 + n]
    v51 = r5[1:1 + n]
    v52 = r5[2:2 + n]
    v60 = r6[0:0 + n]
    v61 = r6[1:1 + n]
    v62 = r6[2:2 + n]
    v70 = r7[0:0 + n]
    v71 = r7[1:1 + n]
    v72 = r7[2:2 + n]
    v80 = r8[0:0 + n]
    v81 = r8[1:1 + n]
    v82 = r8[2:2 + n]
    for i in range(n):
        acc[i] = b + ((w[0] * v00[i] + w[1] * v01[i] + w[2] * v02[i] + w[3] * v10[i] + w[4] * v11[i] + w[5] * v12[i] + w[6] * v20[i] + w[7] * v21[i] + w[8] * v22[i])
                      + (w[9] * v30[i] + w[10] * v31[i] + w[11] * v32[i] + w[12] * v40[i] + w[13] * v41[i] + w[14] * v42[i] + w[15] * v50[i] + w[16] * v51[i] + w[17] * v52[i])
                      + (w[18] * v60[i] + w[19] * v61[i] + w[20] * v62[i] + w[21] * v70[i] + w[22] * v71[i] + w[23] * v72[i] + w[24] * v80[i] + w[25] * v81[i] + w[26] * v82[i]))


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
def band(x, r0, r1, level, alpha, gate, inv_w, w3, w5, hb, wm, bm, specs, consts,
         p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sm, cnt):
    """Process rows [r0, r1) of x (3, H, W) int64; add the band's sums to ``sm`` and overflow
    events to ``cnt``; write ``out`` rows (levels 3, 4) and ``index`` rows (levels 2, 4).

    ``w3``, ``w5``, ``hb`` (the two branch biases), ``wm``, ``bm`` are int64, or all float64 when
    the engine has proven every
    partial sum of the windows below 2**53 in magnitude (then float64 sums are exact and the
    result, converted back to int64, is the same integer)."""
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
    s_xm = _spec(specs[12])
    eps_xg, one_xg, eps_xs, one_xs = consts[0], consts[1], consts[2], consts[3]
    eps_y, one_y, one_a, third = consts[4], consts[5], consts[6], consts[7]
    eps_xm, one_xm = consts[8], consts[9]
    b3 = hb[0]
    b5 = hb[1]
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

    wp = wd + 2 * PAD
    pool = np.zeros((2, 5, wp), dtype=w5.dtype)  # the windows' operands, padded rows
    xs_win = np.zeros((3, 4, wp), dtype=wm.dtype)  # slot 3 stays zero
    xs_ring = np.empty((3, 3, wd), dtype=np.int64)
    t1 = np.empty(wd, dtype=np.int64)
    t2 = np.empty(wd, dtype=np.int64)
    q1 = np.empty(wd, dtype=np.int64)
    acc3 = np.empty(wd, dtype=w3.dtype)
    acc5 = np.empty(wd, dtype=w5.dtype)
    accl = np.empty(wd, dtype=wm.dtype)
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
                e_n = _rq_row(t1, q1, wd, s_pool)
                dst = pool[0, slot, PAD:PAD + wd]
                for i in range(wd):
                    dst[i] = q1[i]
                e_n += _rq_row(t2, q1, wd, s_pmax)
                dst = pool[1, slot, PAD:PAD + wd]
                for i in range(wd):
                    dst[i] = q1[i]
                if inb:
                    cnt[C_POOL] += e_n
                p_next += 1
            # ---- HSA of row t: the two branches, A and xs
            acc3[:] = b3
            acc5[:] = b5
            for c in range(2):
                _window(acc3, pool, 5, w3, 0, c, 3, t, h)
                _window(acc5, pool, 5, w5, 0, c, 5, t, h)
            inb = t >= r0 and t < r1
            e_acc = 0
            e_z = 0
            e_a = 0
            for i in range(wd):
                a3, e = _rq(np.int64(acc3[i]), s_hacc3)
                e_acc += e
                z3, e = _rq(a3, s_hz)
                e_z += e
                a5, e = _rq(np.int64(acc5[i]), s_hacc5)
                e_acc += e
                z5, e = _rq(a5, s_hz)
                e_z += e
                m3 = _table(z3, t_sig, e_sig)
                m5 = _table(z5, t_sig, e_sig)
                av, e = _rq(g0 * m3 + g1 * m5, s_a)
                e_a += e
                t1[i] = min(av, one_a)
            e_xs = 0
            e_xm = 0
            xslot = t % 5
            for c in range(3):
                src = xg_ring[c, xslot]
                dst = xs_ring[c, t % 3]
                win = xs_win[c, t % 3, PAD:PAD + wd]
                for i in range(wd):
                    pr = src[i] * t1[i]
                    v, e = _rq(pr, s_xs)
                    dst[i] = min(max(v, eps_xs), one_xs)
                    e_xs += e
                    v, e = _rq(pr, s_xm)
                    win[i] = min(max(v, eps_xm), one_xm)
                    e_xm += e
            if inb:
                cnt[C_HACC] += e_acc
                cnt[C_HZ] += e_z
                cnt[C_A] += e_a
                cnt[C_XS] += e_xs
                cnt[C_XM] += e_xm
            xs_next += 1
        # ---- RGFC of row u: 16 logits (3x3 over xm), argmax, power curve
        if do_logits:
            sl0 = 3 if u == 0 else (u - 1) % 3  # ring slot 3: the zero row
            sl1 = u % 3
            sl2 = 3 if u + 1 >= h else (u + 1) % 3
            b0 = PAD - 1
            ra = xs_win[0, sl0, b0:]
            rb = xs_win[0, sl1, b0:]
            rc = xs_win[0, sl2, b0:]
            rd = xs_win[1, sl0, b0:]
            re = xs_win[1, sl1, b0:]
            rf = xs_win[1, sl2, b0:]
            rg = xs_win[2, sl0, b0:]
            rh = xs_win[2, sl1, b0:]
            ri = xs_win[2, sl2, b0:]
            for o in range(16):
                _logit_row(accl, bm[o], wm[o], ra, rb, rc, rd, re, rf, rg, rh, ri)
                for i in range(wd):
                    t1[i] = np.int64(accl[i])
                cnt[C_RACC] += _rq_row(t1, t2, wd, s_racc)
                cnt[C_LOG] += _rq_row(t2, lg, wd, s_log)
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
def frame_seq(x, nb, level, alpha, gate, inv_w, w3, w5, hb, wm, bm, specs, consts,
              p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums, counts):
    """All ``nb`` bands in order (one thread); per-band sums and counts in rows of ``sums``/``counts``."""
    h = x.shape[1]
    for b in range(nb):
        band(x, b * h // nb, (b + 1) * h // nb, level, alpha, gate, inv_w, w3, w5, hb, wm, bm, specs, consts,
             p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums[b], counts[b])


@njit(cache=True, parallel=True)
def frame_par(x, nb, level, alpha, gate, inv_w, w3, w5, hb, wm, bm, specs, consts,
              p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums, counts):
    """The bands over Numba's threads; the same integers as :func:`frame_seq`."""
    h = x.shape[1]
    for b in prange(nb):
        band(x, b * h // nb, (b + 1) * h // nb, level, alpha, gate, inv_w, w3, w5, hb, wm, bm, specs, consts,
             p_sig, e_sig, p_log, e_log, p_exp, e_exp, index, out, sums[b], counts[b])
