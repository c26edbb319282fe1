// TA-ISP HLS C++: the generated function tables (softplus, sigmoid, reciprocal, log2, exp2),
// the C++ twin of fixedpoint.arith.tables.FunctionTable.evaluate and of hls/rtl/common/isp_table.v.
//
// Segment map of the raw input q: uniform: idx = (q - in_min) >> PARAM; pow2: like a float's
// exponent and mantissa, u = q >= 0 ? q : ~q, e = index of u's leading one,
// s = max(e - PARAM, 0), j = (s << PARAM) + (u >> s), mirrored for negative inputs.
// PWL: out = y0 + round((y1 - y0) * r / 2^s), r = the low s bits of q, round = the table's
// rounding mode. Positive-domain functions (ZCHK) give ZVAL for q <= 0.
// Contents and constants come from tab_<name>.h and taisp_config.h (`taisp gen`).
#ifndef TAISP_TABLE_H
#define TAISP_TABLE_H

#include "taisp_types.h"
#include "tab_exp2.h"
#include "tab_log2.h"
#include "tab_reciprocal.h"
#include "tab_sigmoid.h"
#include "tab_softplus.h"

namespace taisp {

// Rounding codes of fixedpoint.arith.Rounding (the config's rounding modes).
constexpr int RND_TRN = 0, RND_TRN_ZERO = 1, RND_RND = 2, RND_RND_ZERO = 3, RND_RND_MIN_INF = 4,
              RND_RND_INF = 5, RND_RND_CONV = 6;

// q / 2^d rounded by mode `rmode` (ap_fixed's meaning), 1 <= d < W.
template <int W>
inline ap_int<W> rshift_round(const ap_int<W>& q, int d, int rmode) {
#pragma HLS INLINE
    ap_int<W> fl = q >> d;
    ap_uint<W> mask = (ap_uint<W>(1) << d) - 1;
    ap_uint<W> rem = ap_uint<W>(q) & mask;
    ap_uint<W> half = ap_uint<W>(1) << (d - 1);
    bool nz = rem != 0, gt = rem > half, eq = rem == half, neg = q < 0, odd = fl[0] == 1;
    bool inc;
    if (!nz || rmode == RND_TRN) {
        inc = false;
    } else if (rmode == RND_TRN_ZERO) {
        inc = neg;
    } else if (gt) {
        inc = true;
    } else if (!eq) {
        inc = false;
    } else if (rmode == RND_RND) {
        inc = true;
    } else if (rmode == RND_RND_ZERO) {
        inc = neg;
    } else if (rmode == RND_RND_MIN_INF) {
        inc = false;
    } else if (rmode == RND_RND_INF) {
        inc = !neg;
    } else {
        inc = odd;  // RND_CONV
    }
    return fl + (inc ? 1 : 0);
}

// Index of the leading one of u (-1 for 0).
template <int W>
inline int leading_one(const ap_uint<W>& u) {
#pragma HLS INLINE
#ifndef __SYNTHESIS__
    if (W <= 64) {
        uint64_t v = u.to_uint64();
        return v == 0 ? -1 : 63 - __builtin_clzll(v);
    }
#endif
    int e = -1;
    for (int b = 0; b < W; ++b) {
#pragma HLS UNROLL
        if (u[b]) e = b;
    }
    return e;
}

// One table evaluation on raw integers: q (IN_W bits, IN_S signed) -> raw output (OUT_W bits).
// (Positive-domain functions are checked for q <= 0 by the caller, table_<name> below.)
template <int N, int IN_W, int IN_S, int OUT_W, int SEG, int PARAM, int PWL, int RND, int NSIDE, class E>
inline ap_int<OUT_W + 1> table_eval(const ap_int<IN_W + 1>& q, const E (&tab)[N]) {
#pragma HLS INLINE
    typedef ap_int<OUT_W + 2> y_t;                // entries and their difference
    typedef ap_int<OUT_W + 3 + IN_W> prod_t;      // interpolation product (y1 - y0) * r
    int idx, s;
    if (SEG == 0) {  // uniform: the top bits of the offset-binary input
        ap_int<IN_W + 2> off = q;
        if (IN_S) off += ap_int<IN_W + 2>(1) << (IN_W - 1);
        idx = (int)(off >> PARAM).to_int();
        s = PARAM;
    } else {  // pow2: octaves of |q|, 2^PARAM segments each, mirrored for q < 0
        ap_uint<IN_W> u = q >= 0 ? ap_uint<IN_W>(q) : ap_uint<IN_W>(~q);
        int e = leading_one<IN_W>(u);
        s = e > PARAM ? e - PARAM : 0;
        int j = (s << PARAM) + (int)(u >> s).to_int();
        idx = IN_S ? (q >= 0 ? NSIDE + j : NSIDE - 1 - j) : j;
    }
    y_t y0 = tab[idx];
    if (!PWL || s == 0) return y0;
    y_t y1 = tab[idx + 1];
    ap_uint<IN_W> r = ap_uint<IN_W>(q) & ((ap_uint<IN_W>(1) << s) - 1);
    prod_t p = prod_t(y1 - y0) * prod_t(r);
    return y0 + rshift_round<OUT_W + 3 + IN_W>(p, s, RND);
}

}  // namespace taisp

// Typed wrappers: table_<name>(x) takes the table's input format and returns its output
// format (in_t/out_t below are built from the generated constants; the config validation
// guarantees they equal the entries that feed and read the tables).
#define TAISP_TABLE(name, NAME)                                                                           \
    namespace taisp {                                                                                     \
    typedef fixed_t<TAB_##NAME##_IN_W, TAB_##NAME##_IN_W - TAB_##NAME##_IN_F, TAB_##NAME##_IN_S != 0>     \
        name##_in_t;                                                                                      \
    typedef fixed_t<TAB_##NAME##_OUT_W, TAB_##NAME##_OUT_W - TAB_##NAME##_OUT_F, TAB_##NAME##_OUT_S != 0> \
        name##_out_t;                                                                                     \
    inline name##_out_t table_##name(const name##_in_t& x) {                                              \
        ap_int<TAB_##NAME##_IN_W + 1> q = raw(x);                                                         \
        if (TAB_##NAME##_ZCHK && q <= 0) return from_raw64<name##_out_t>(TAB_##NAME##_ZVAL);              \
        ap_int<TAB_##NAME##_OUT_W + 1> y =                                                                \
            table_eval<TAB_##NAME##_N, TAB_##NAME##_IN_W, TAB_##NAME##_IN_S, TAB_##NAME##_OUT_W,          \
                       TAB_##NAME##_SEG, TAB_##NAME##_PARAM, TAB_##NAME##_PWL, TAB_##NAME##_RND,          \
                       TAB_##NAME##_NSIDE>(q, ::taisp_tab_##name);                                        \
        return from_raw<name##_out_t>(y);                                                                 \
    }                                                                                                     \
    }

TAISP_TABLE(softplus, SOFTPLUS)
TAISP_TABLE(sigmoid, SIGMOID)
TAISP_TABLE(reciprocal, RECIPROCAL)
TAISP_TABLE(log2, LOG2)
TAISP_TABLE(exp2, EXP2)
#undef TAISP_TABLE

// The tables' formats are the entries' formats (TABLE_LINKS in fixedpoint/config.py).
namespace taisp {
static_assert(softplus_in_t::width == glc_z_t::width && softplus_in_t::iwidth == glc_z_t::iwidth, "softplus in");
static_assert(sigmoid_in_t::width == hsa_z_t::width && sigmoid_in_t::iwidth == hsa_z_t::iwidth, "sigmoid in");
static_assert(sigmoid_in_t::width == rgfc_z_t::width && sigmoid_in_t::iwidth == rgfc_z_t::iwidth, "sigmoid in");
static_assert(sigmoid_out_t::width == hsa_m_t::width && sigmoid_out_t::iwidth == hsa_m_t::iwidth, "sigmoid out");
static_assert(reciprocal_in_t::width == rgfc_w_t::width && reciprocal_in_t::iwidth == rgfc_w_t::iwidth, "recip in");
static_assert(reciprocal_out_t::width == rgfc_inv_w_t::width && reciprocal_out_t::iwidth == rgfc_inv_w_t::iwidth,
              "reciprocal out");
static_assert(log2_in_t::width == hsa_xs_t::width && log2_in_t::iwidth == hsa_xs_t::iwidth, "log2 in");
static_assert(log2_out_t::width == rgfc_log2_t::width && log2_out_t::iwidth == rgfc_log2_t::iwidth, "log2 out");
static_assert(exp2_in_t::width == rgfc_e_t::width && exp2_in_t::iwidth == rgfc_e_t::iwidth, "exp2 in");
static_assert(exp2_out_t::width == rgfc_y_t::width && exp2_out_t::iwidth == rgfc_y_t::iwidth, "exp2 out");
}  // namespace taisp

#endif  // TAISP_TABLE_H
