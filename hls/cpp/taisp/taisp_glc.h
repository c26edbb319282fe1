// TA-ISP HLS C++: GLC pixel path (fixedpoint/taisp/glc.py, hls/rtl/taisp/taisp_glc.v).
//
//   xg_c = clamp(rq(alpha_c * x_c), EPS, 1.0)     into glc.xg (u25.24 by default)
//   S_c = sum x_c, Q_c = sum x_c^2                 exact, then into glc.sum / glc.sumsq
//
// alpha (glc.alpha) comes from the previous frame's statistics (the parameter engine).
#ifndef TAISP_GLC_H
#define TAISP_GLC_H

#include "taisp_types.h"
#include "isp_window.h"

namespace taisp {

// xg = clamp(alpha * x, 1e-6, 1) for one pixel
inline pix_xg glc_gain(const pix_x& x, const glc_alpha_t alpha[NC]) {
#pragma HLS INLINE
    const glc_xg_t eps = from_raw64<glc_xg_t>(GLC_XG_EPS), one = from_raw64<glc_xg_t>(GLC_XG_ONE);
    pix_xg g;
    for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
        glc_xg_t v = alpha[c] * x.c[c];  // exact product, rounded/saturated into glc.xg
        g.c[c] = v < eps ? eps : (v > one ? one : v);
    }
    return g;
}

// The GLC stage: n = width * height pixels in, n out; the frame sums of x and x^2.
inline void glc(hls::stream<pix_x>& in, hls::stream<pix_xg>& out, const glc_alpha_t alpha[NC], int width,
                int height, glc_sum_t x_sum[NC], glc_sumsq_t x_sumsq[NC]) {
    typedef sum_exact<frontend_x_t>::type s_t;     // exact frame sum of x
    typedef sumsq_exact<frontend_x_t>::type q_t;   // exact frame sum of x^2
    s_t s[NC];
    q_t q[NC];
#pragma HLS ARRAY_PARTITION variable = s complete
#pragma HLS ARRAY_PARTITION variable = q complete
    for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
        s[c] = 0;
        q[c] = 0;
    }
    const int n = width * height;
    isp::raster_pos p;
    p.reset();
    TAISP_LOOP(glc_pixels) for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 64 max = 2073600
        pix_x x = in.read();
        for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
            s[c] += x.c[c];
            q[c] += x.c[c] * x.c[c];
        }
        pix_xg g = glc_gain(x, alpha);
        for (int c = 0; c < NC; ++c) TAISP_TAP(TAP_XG, p.row, p.col, c, g.c[c]);
        out.write(g);
        p.next(width);
    }
    for (int c = 0; c < NC; ++c) {
#pragma HLS UNROLL
        x_sum[c] = s[c];    // into glc.sum (exact when the entry is wide enough)
        x_sumsq[c] = q[c];  // into glc.sumsq
    }
}

}  // namespace taisp

#endif  // TAISP_GLC_H
