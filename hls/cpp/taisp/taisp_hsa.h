// TA-ISP HLS C++: HSA pixel path (fixedpoint/taisp/hsa.py, hls/rtl/taisp/taisp_hsa.v).
//
//   pool = [rq((xg_R + xg_G + xg_B) * third), rq(max_c xg_c)]          into hsa.pool
//   m_k  = sigmoid_table(rq(rq(bias_k + sum w_k * pool), hsa.acc -> hsa.z)), k = 3, 5 (zero padding)
//   A    = min(rq(gate_0 * m_3 + gate_1 * m_5), 1.0)                      into hsa.A
//   xs   = clamp(rq(xg * A), EPS, 1.0)                                    into hsa.xs
//   xm   = clamp(rq(xg * A), EPS, 1.0)                                    into hsa.xm (mask head)
//   D_c  = sum xg_c                                                      exact, then into hsa.dsum
//
// The 5x5 window (and the 3x3 inside it) runs on the pooled pair; xg is delayed to the window
// centre. The gate comes from the previous frame's statistics.
#ifndef TAISP_HSA_H
#define TAISP_HSA_H

#include "taisp_table.h"
#include "taisp_types.h"
#include "isp_window.h"

namespace taisp {

// Channel pooling of one pixel: [mean (sum times the constant 1/3), max].
inline pool_t hsa_pool(const pix_xg& g) {
#pragma HLS INLINE
    const hsa_third_t third = from_raw64<hsa_third_t>(HSA_THIRD_VALUE);
    pool_t p;
    p.mean = (g.c[0] + g.c[1] + g.c[2]) * third;
    glc_xg_t m = g.c[0] > g.c[1] ? g.c[0] : g.c[1];
    p.max = m > g.c[2] ? m : g.c[2];
    return p;
}

// One branch: sigmoid(conv_K(pool) + bias) at the centre of the 5x5 window, zero padding.
template <int K, class WT>
inline hsa_m_t hsa_branch(const pool_t win[K5][K5], const WT w[2][K][K], const WT& bias, const bool rows_ok[K5],
                          const bool cols_ok[K5]) {
#pragma HLS INLINE
    typedef raw_mac<hsa_pool_t, WT, 2 * K * K> M;  // exact integer sum of products
    static_assert(fx<hsa_pool_t>::F >= 0, "hsa.pool needs non-negative fractional bits");
    const int o = (K5 - K) / 2;
    typename M::type s = M::bias(bias);
    for (int dy = 0; dy < K; ++dy) {
#pragma HLS UNROLL
        for (int dx = 0; dx < K; ++dx) {
#pragma HLS UNROLL
            bool ok = rows_ok[o + dy] && cols_ok[o + dx];
            hsa_pool_t pm = ok ? win[o + dy][o + dx].mean : hsa_pool_t(0);
            hsa_pool_t px = ok ? win[o + dy][o + dx].max : hsa_pool_t(0);
            s += M::mul(pm, w[0][dy][dx]) + M::mul(px, w[1][dy][dx]);
        }
    }
    hsa_acc_t acc = from_raw<typename M::fixed>(s);  // into hsa.acc
    hsa_z_t z = acc;                                   // into hsa.z, the sigmoid table's input
    return table_sigmoid(z);
}

// The HSA stage: width * height pixels of xg in, the same number of xs out (raster order);
// the frame sums of xg.
inline void hsa(hls::stream<pix_xg>& in, hls::stream<pix_hsa>& out, const hsa_gate_t gate[2],
                const hsa_wb3_t c3[2][K3][K3], const hsa_wb3_t& c3b, const hsa_wb5_t c5[2][K5][K5],
                const hsa_wb5_t& c5b, int width, int height, hsa_dsum_t xg_sum[NC]) {
    const int R = (K5 - 1) / 2;
    // line buffers of the pooled pair, the window, and xg delayed to the window centre
    static pool_t lb[K5 - 1][MAX_W];
    static pool_t win[K5][K5];
    static pix_xg xg_lb[R][MAX_W];
    static pix_xg xg_sh[R + 1];
#pragma HLS ARRAY_PARTITION variable = lb complete dim = 1
#pragma HLS ARRAY_PARTITION variable = win complete dim = 0
#pragma HLS ARRAY_PARTITION variable = xg_lb complete dim = 1
#pragma HLS ARRAY_PARTITION variable = xg_sh complete dim = 0
    typedef sum_exact<glc_xg_t>::type s_t;
    s_t s[NC];
#pragma HLS ARRAY_PARTITION variable = s complete
    for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
        s[c] = 0;
    }
    const hsa_A_t a_one = from_raw64<hsa_A_t>(HSA_A_ONE);
    const hsa_xs_t xs_eps = from_raw64<hsa_xs_t>(HSA_XS_EPS), xs_one = from_raw64<hsa_xs_t>(HSA_XS_ONE);
    const hsa_xm_t xm_eps = from_raw64<hsa_xm_t>(HSA_XM_EPS), xm_one = from_raw64<hsa_xm_t>(HSA_XM_ONE);
    const int n = width * height;
    const int lag = R * width + R;  // the window centre lags the input by R lines and R pixels
    isp::raster_pos pin, pc;
    pin.reset();
    pc.reset();
    TAISP_LOOP(hsa_pixels) for (int i = 0; i < n + lag; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 64 max = 2075522
        pix_xg g;
        for (int c = 0; c < NC; ++c) g.c[c] = 0;
        if (i < n) {
            g = in.read();
            for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
                s[c] += g.c[c];
            }
        }
        isp::window_push<K5>(lb, win, hsa_pool(g), pin.col);
        isp::centre_delay_push<R>(xg_lb, xg_sh, g, pin.col);
        pin.next(width);
        if (i >= lag) {
            bool rows_ok[K5], cols_ok[K5];
            isp::window_masks<K5>(pc.row, pc.col, width, height, rows_ok, cols_ok);
            hsa_m_t m3 = hsa_branch<K3>(win, c3, c3b, rows_ok, cols_ok);
            hsa_m_t m5 = hsa_branch<K5>(win, c5, c5b, rows_ok, cols_ok);
            hsa_A_t a = gate[0] * m3 + gate[1] * m5;  // into hsa.A
            if (a > a_one) a = a_one;
            TAISP_TAP(TAP_A, pc.row, pc.col, 0, a);
            const pix_xg& gc = xg_sh[0];  // xg at the window centre
            pix_hsa o;
            for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
                hsa_xs_t v = gc.c[c] * a;  // into hsa.xs
                o.xs.c[c] = v < xs_eps ? xs_eps : (v > xs_one ? xs_one : v);
                hsa_xm_t vm = gc.c[c] * a;  // the same product into hsa.xm
                o.xm.c[c] = vm < xm_eps ? xm_eps : (vm > xm_one ? xm_one : vm);
                TAISP_TAP(TAP_XS, pc.row, pc.col, c, o.xs.c[c]);
            }
            out.write(o);
            pc.next(width);
        }
    }
    for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
        xg_sum[c] = s[c];  // into hsa.dsum
    }
}

}  // namespace taisp

#endif  // TAISP_HSA_H
