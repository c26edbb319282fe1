// TA-ISP HLS C++: RGFC pixel path (fixedpoint/taisp/rgfc.py, hls/rtl/taisp/taisp_rgfc.v).
//
//   L_k  = rq(rq(bias_k + conv3x3(xm)_k), rgfc.acc -> rgfc.logits), k = 0..15 (zero padding)
//   k*   = argmax_k L_k, ties to the lowest k (hard masks)
//   e    = rq(log2_table(xs) * inv_w[k*])                into rgfc.e
//   y    = clamp(exp2_table(e), EPS, 1.0)                rgfc.y
//   out  = rq(y * 255)                                   into rgfc.out (8 bits by default)
//   P_k  = sum L_k                                       exact, then into rgfc.lsum
//
// inv_w (rgfc.inv_w = 1/w) comes from the previous frame's statistics.
#ifndef TAISP_RGFC_H
#define TAISP_RGFC_H

#include "taisp_table.h"
#include "taisp_types.h"
#include "isp_window.h"

namespace taisp {

// The 16 mask logits at the centre of the 3x3 window of xm (the mask head's input).
inline void rgfc_logits(const pix_xm win[K3][K3], const rgfc_wm_t wm[NREG][NC][K3][K3], const rgfc_wm_t bm[NREG],
                        const bool rows_ok[K3], const bool cols_ok[K3], rgfc_logits_t lg[NREG]) {
#pragma HLS INLINE
    typedef raw_mac<hsa_xm_t, rgfc_wm_t, NC * K3 * K3> M;  // exact integer sum of products
    static_assert(fx<hsa_xm_t>::F >= 0, "hsa.xm needs non-negative fractional bits");
    pix_xm v[K3][K3];
#pragma HLS ARRAY_PARTITION variable = v complete dim = 0
    for (int dy = 0; dy < K3; ++dy) {
        for (int dx = 0; dx < K3; ++dx) {
            bool ok = rows_ok[dy] && cols_ok[dx];
            for (int c = 0; c < NC; ++c) v[dy][dx].c[c] = ok ? win[dy][dx].c[c] : hsa_xm_t(0);
        }
    }
    for (int k = 0; k < NREG; ++k) {
#pragma HLS UNROLL
        M::type s = M::bias(bm[k]);
        for (int c = 0; c < NC; ++c) {
            for (int dy = 0; dy < K3; ++dy) {
                for (int dx = 0; dx < K3; ++dx) {
                    s += M::mul(v[dy][dx].c[c], wm[k][c][dy][dx]);
                }
            }
        }
        rgfc_acc_t acc = from_raw<M::fixed>(s);  // into rgfc.acc
        lg[k] = acc;         // into rgfc.logits
    }
}

// Hard mask: the region of the largest logit, ties to the lowest index.
inline ap_uint<4> rgfc_region(const rgfc_logits_t lg[NREG]) {
#pragma HLS INLINE
    ap_uint<4> best = 0;
    rgfc_logits_t top = lg[0];
    for (int k = 1; k < NREG; ++k) {
#pragma HLS UNROLL
        if (lg[k] > top) {
            top = lg[k];
            best = k;
        }
    }
    return best;
}

// y = xs^(1/w) = exp2(log2(xs) * inv_w) for one component, clamped; returns rgfc.y.
inline rgfc_y_t rgfc_power(const hsa_xs_t& xs, const rgfc_inv_w_t& inv_w) {
#pragma HLS INLINE
    const rgfc_y_t eps = from_raw64<rgfc_y_t>(RGFC_Y_EPS), one = from_raw64<rgfc_y_t>(RGFC_Y_ONE);
    rgfc_log2_t l2 = table_log2(xs);
    rgfc_e_t e = l2 * inv_w;  // into rgfc.e
    rgfc_y_t y = table_exp2(e);
    return y < eps ? eps : (y > one ? one : y);
}

// The RGFC stage: width * height pixels of (xs, xm) in, the same number of 8-bit RGB out; the
// frame sums of the logits. The window holds xm; xs is delayed to the window centre.
inline void rgfc(hls::stream<pix_hsa>& in, hls::stream<pix_out>& out, const rgfc_inv_w_t inv_w[NREG],
                 const rgfc_wm_t wm[NREG][NC][K3][K3], const rgfc_wm_t bm[NREG], int width, int height,
                 rgfc_lsum_t logit_sum[NREG]) {
    const int R = (K3 - 1) / 2;
    static pix_xm lb[K3 - 1][MAX_W];
    static pix_xm win[K3][K3];
    static pix_xs xs_lb[R][MAX_W];
    static pix_xs xs_sh[R + 1];
#pragma HLS ARRAY_PARTITION variable = lb complete dim = 1
#pragma HLS ARRAY_PARTITION variable = win complete dim = 0
#pragma HLS ARRAY_PARTITION variable = xs_lb complete dim = 1
#pragma HLS ARRAY_PARTITION variable = xs_sh complete dim = 0
    typedef sum_exact<rgfc_logits_t>::type s_t;
    s_t s[NREG];
#pragma HLS ARRAY_PARTITION variable = s complete
    for (int k = 0; k < NREG; ++k) {
#pragma HLS UNROLL
        s[k] = 0;
    }
    const int n = width * height;
    const int lag = R * width + R;
    isp::raster_pos pin, pc;
    pin.reset();
    pc.reset();
    TAISP_LOOP(rgfc_pixels) for (int i = 0; i < n + lag; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 64 max = 2075521
        pix_hsa v;
        for (int c = 0; c < NC; ++c) {
            v.xs.c[c] = 0;
            v.xm.c[c] = 0;
        }
        if (i < n) v = in.read();
        isp::window_push<K3>(lb, win, v.xm, pin.col);
        isp::centre_delay_push<R>(xs_lb, xs_sh, v.xs, pin.col);
        pin.next(width);
        if (i >= lag) {
            bool rows_ok[K3], cols_ok[K3];
            isp::window_masks<K3>(pc.row, pc.col, width, height, rows_ok, cols_ok);
            rgfc_logits_t lg[NREG];
#pragma HLS ARRAY_PARTITION variable = lg complete
            rgfc_logits(win, wm, bm, rows_ok, cols_ok, lg);
            for (int k = 0; k < NREG; ++k) {
#pragma HLS UNROLL
                s[k] += lg[k];
            }
            ap_uint<4> idx = rgfc_region(lg);
            TAISP_TAP(TAP_INDEX, pc.row, pc.col, 0, idx);
            const pix_xs& xc = xs_sh[0];  // xs at the window centre
            pix_out o;
            for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
                rgfc_y_t y = rgfc_power(xc.c[c], inv_w[idx]);
                TAISP_TAP(TAP_Y, pc.row, pc.col, c, y);
                o.c[c] = y * OUT_SCALE;  // into rgfc.out
            }
            out.write(o);
            pc.next(width);
        }
    }
    for (int k = 0; k < NREG; ++k) {
#pragma HLS UNROLL
        logit_sum[k] = s[k];  // into rgfc.lsum
    }
}

}  // namespace taisp

#endif  // TAISP_RGFC_H
