// TA-ISP HLS C++: the per-frame parameter engine (fixedpoint/taisp/params.py, hls/rtl/taisp/taisp_params.v).
//
// From the previous frame's sums (N pixels), with exactly specified divisions
// div_round(num, den) = floor(num / den + 1/2) (a sequential divider here):
//   GLC:  mean_c = div_round(S_c, N), E[x^2]_c = div_round(Q_c, N), var_c = max(E[x^2] - mean^2, 0);
//         s = [mean, var]; alpha = rq(softplus(rq(W2 relu(rq(W1 s + b1)) + b2)) + 1)   into glc.alpha
//   HSA:  d_c = div_round(D_c, N); l = Wg d + bg; gate_0 = sigmoid(rq(l_0 - l_1)); gate_1 = 1 - gate_0
//   RGFC: p_k = div_round(P_k, N); z = rq(W4 relu(rq(W3 p + b3)) + b4);
//         w = rq(w_min + (w_max - w_min) * sigmoid(z)); inv_w = reciprocal(w)
// and the programmed defaults: alpha = DEF_ALPHA, gate = (DEF_GATE0, 1 - DEF_GATE0),
// w = (w_min + w_max) / 2. Every MLP layer accumulates exactly and rounds once into its
// accumulator entry (glc.acc1, ...), as the model does.
#ifndef TAISP_PARAMS_H
#define TAISP_PARAMS_H

#include "taisp_table.h"
#include "taisp_types.h"

namespace taisp {

// floor(num / den + 1/2) for den > 0: a restoring divider, one quotient bit per step.
template <int NW, int DW>
ap_int<NW + 3> div_round(const ap_int<NW>& num, const ap_uint<DW>& den) {
    const int AW = imax(NW, DW + 1) + 3;  // 2 num + den and its magnitude
    typedef ap_int<AW> a_t;
    typedef ap_uint<AW> u_t;
    a_t a = a_t(num);
    a = (a << 1) + a_t(den);                        // 2 num + den
    ap_uint<DW + 1> b = ap_uint<DW + 1>(den) << 1;  // 2 den
    bool neg = a < 0;
    u_t mag = neg ? u_t(-a) : u_t(a);
    if (neg) mag = mag + b - 1;  // floor of a negative quotient: -ceil(|a| / b)
    u_t q = 0;
    ap_uint<DW + 2> rem = 0;
    TAISP_LOOP(div_steps) for (int i = AW - 1; i >= 0; --i) {
        rem = (rem << 1) | ap_uint<DW + 2>(mag[i]);
        if (rem >= b) {
            rem -= b;
            q[i] = 1;
        }
    }
    ap_int<NW + 3> r = q;  // |quotient| <= |num| + 1
    return neg ? ap_int<NW + 3>(-r) : r;
}

// A frame mean div_round(sum / n) of a sum held in entry TS, with FD fractional bits
// (exact, as a fixed-point value; the caller requantizes it into its entry).
template <int FD, class TS>
struct frame_mean_t {
    static const int UP = imax(FD - fx<TS>::F, 0);    // numerator shift
    static const int DOWN = imax(fx<TS>::F - FD, 0);  // divisor shift
    static const int NW = TS::width + UP + 1;
    typedef fixed_t<NW + 3, NW + 3 - FD, true> type;
};
template <int FD, class TS>
typename frame_mean_t<FD, TS>::type frame_mean(const TS& sum, const ap_uint<CNT_W + 1>& n) {
    typedef frame_mean_t<FD, TS> M;
    ap_int<M::NW> num = ap_int<M::NW>(raw(sum)) << M::UP;
    ap_uint<CNT_W + 1 + M::DOWN> den = ap_uint<CNT_W + 1 + M::DOWN>(n) << M::DOWN;
    return from_raw<typename M::type>(div_round(num, den));
}

// One MLP layer's output unit: bias + sum_j w[j] * x[j], exact, then into the accumulator entry.
template <class TACC, int N, class TW, class TX, class TB>
TACC mlp_unit(const TW w[N], const TX x[N], const TB& bias) {
    typedef typename mac_exact<TX, TW, TB, N>::type e_t;
    e_t s = bias;
    TAISP_LOOP(mlp_mac) for (int j = 0; j < N; ++j) {
#pragma HLS PIPELINE II = 1
        s += w[j] * x[j];
    }
    return TACC(s);
}

// alpha (glc.alpha) from the sums of x and x^2 of a frame of n pixels.
inline void glc_params(const stats_t& st, const ap_uint<CNT_W + 1>& n, const weights_t& w, glc_alpha_t alpha[NC]) {
    const int FM = fx<glc_mean_t>::F;
    glc_mean_t s[NSTAT];  // [mean_R, mean_G, mean_B, var_R, var_G, var_B] at the mean's format
    typedef frame_mean_t<FM, glc_sumsq_t>::type ex2_t;  // E[x^2], exact, FM fractional bits
    // mean^2 rounded half up (AP_RND) to FM fractional bits: div_round(m^2, 2^FM)
    typedef ap_fixed<2 * glc_mean_t::iwidth + 2 + FM, 2 * glc_mean_t::iwidth + 2, AP_RND, AP_WRAP> msq_t;
    const int VI = imax(ex2_t::iwidth, msq_t::iwidth) + 1;
    typedef fixed_t<VI + FM, VI, true> v_t;  // E[x^2] - mean^2, exact
    for (int c = 0; c < NC; ++c) {
        glc_mean_t mean = frame_mean<FM>(st.x_sum[c], n);  // into glc.mean
        ex2_t ex2 = frame_mean<FM>(st.x_sumsq[c], n);
        msq_t msq = mean * mean;
        v_t v = ex2 - msq;
        if (v < 0) v = 0;
        glc_var_t var = v;  // into glc.var
        s[c] = mean;
        s[NC + c] = var;    // into glc.mean's format
    }
    glc_h1_t h1[NHID];
    TAISP_LOOP(glc_layer1) for (int j = 0; j < NHID; ++j) {
        glc_acc1_t a = mlp_unit<glc_acc1_t, NSTAT>(w.w1[j], s, w.b1[j]);
        h1[j] = a < 0 ? glc_acc1_t(0) : a;  // relu, into glc.h1
    }
    TAISP_LOOP(glc_layer2) for (int c = 0; c < NC; ++c) {
        glc_acc2_t a = mlp_unit<glc_acc2_t, NHID>(w.w2[c], h1, w.b2[c]);
        glc_z_t z = a;  // into glc.z
        softplus_out_t sp = table_softplus(z);
        alpha[c] = sp + 1;  // softplus + 1, into glc.alpha
    }
}

// gate (hsa.gate) from the sums of xg of a frame of n pixels.
inline void hsa_gate(const stats_t& st, const ap_uint<CNT_W + 1>& n, const weights_t& w, hsa_gate_t gate[2]) {
    hsa_d_t d[NC];
    for (int c = 0; c < NC; ++c) d[c] = frame_mean<fx<hsa_d_t>::F>(st.xg_sum[c], n);  // into hsa.d
    hsa_gate_acc_t l[2];
    for (int k = 0; k < 2; ++k) l[k] = mlp_unit<hsa_gate_acc_t, NC>(w.wg[k], d, w.bg[k]);
    hsa_z_t z = l[0] - l[1];  // softmax of two = sigmoid of the difference; into hsa.z
    hsa_gate_t g0 = table_sigmoid(z);
    gate[0] = g0;
    gate[1] = from_raw64<hsa_gate_t>(HSA_GATE_ONE) - g0;  // exactly 1 - gate_0
}

// w (rgfc.w) and 1/w (rgfc.inv_w) from the sums of the logits of a frame of n pixels.
inline void rgfc_params(const stats_t& st, const ap_uint<CNT_W + 1>& n, const weights_t& w, rgfc_w_t wv[NREG],
                        rgfc_inv_w_t inv_w[NREG]) {
    rgfc_p_t p[NREG];
    for (int k = 0; k < NREG; ++k) p[k] = frame_mean<fx<rgfc_p_t>::F>(st.logit_sum[k], n);  // into rgfc.p
    rgfc_h3_t h3[NHID];
    TAISP_LOOP(rgfc_layer3) for (int j = 0; j < NHID; ++j) {
        rgfc_acc3_t a = mlp_unit<rgfc_acc3_t, NREG>(w.w3[j], p, w.b3[j]);
        h3[j] = a < 0 ? rgfc_acc3_t(0) : a;  // relu, into rgfc.h3
    }
    TAISP_LOOP(rgfc_layer4) for (int k = 0; k < NREG; ++k) {
        rgfc_acc4_t a = mlp_unit<rgfc_acc4_t, NHID>(w.w4[k], h3, w.b4[k]);
        rgfc_z_t z = a;  // into rgfc.z
        sigmoid_out_t sg = table_sigmoid(z);
        wv[k] = w.w_min + (w.w_max - w.w_min) * sg;  // exact, one rounding into rgfc.w
        inv_w[k] = table_reciprocal(wv[k]);
    }
}

// The defaults after reset / RESTART: alpha and gate_0 from their registers (raw glc.alpha /
// hsa.gate), w = (w_min + w_max) / 2.
inline void default_params(const weights_t& w, const glc_alpha_t def_alpha[NC], const hsa_gate_t& def_gate0,
                           params_t& p) {
    for (int c = 0; c < NC; ++c) p.alpha[c] = def_alpha[c];
    p.gate[0] = def_gate0;
    p.gate[1] = from_raw64<hsa_gate_t>(HSA_GATE_ONE) - def_gate0;
    // (w_min + w_max) / 2 exactly: the raw sum read with one more fractional bit
    typedef fixed_t<rgfc_wrange_t::width + 1, rgfc_wrange_t::iwidth, fx<rgfc_wrange_t>::S> half_t;
    ap_int<rgfc_wrange_t::width + 2> sum = ap_int<rgfc_wrange_t::width + 2>(raw(w.w_min)) + raw(w.w_max);
    rgfc_w_t mid = from_raw<half_t>(sum);  // into rgfc.w
    rgfc_inv_w_t inv = table_reciprocal(mid);
    for (int k = 0; k < NREG; ++k) {
        p.w[k] = mid;
        p.inv_w[k] = inv;
    }
}

// The parameter engine: the next frame's parameters from the last good frame's statistics
// (n pixels), or the defaults.
inline void params(bool use_defaults, const stats_t& st, const ap_uint<CNT_W + 1>& n, const weights_t& w,
                   const glc_alpha_t def_alpha[NC], const hsa_gate_t& def_gate0, params_t& p) {
    if (use_defaults) {
        default_params(w, def_alpha, def_gate0, p);
    } else {
        glc_params(st, n, w, p.alpha);
        hsa_gate(st, n, w, p.gate);
        rgfc_params(st, n, w, p.w, p.inv_w);
    }
}

}  // namespace taisp

#endif  // TAISP_PARAMS_H
