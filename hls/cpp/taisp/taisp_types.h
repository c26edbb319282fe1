// TA-ISP HLS C++: types shared by every stage, the stream beats, raw-value helpers and the
// C-simulation tap hook.
//
// Every datapath value is an ap_fixed/ap_ufixed of a config entry (taisp_config.h, generated
// from the quantization config by `taisp gen`): assigning an exact expression to such a type
// applies the entry's rounding, then its overflow mode, which is exactly the fixed-point
// model's rq(exact, src_frac, entry) (fixedpoint/README.md). Products and sums are formed in
// exact types derived below from the entries' widths; nothing here is a hand-typed format.
#ifndef TAISP_TYPES_H
#define TAISP_TYPES_H

#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_stream.h>
#include <stdint.h>

// AXI4-Stream beats: Vitis HLS's ap_axiu from ap_axi_sdata.h. The hls4ml ap_types (used for
// C simulation with g++) do not ship that header: then a stand-in with the same members is
// used (data, keep, strb, user, last, id, dest).
#if defined(__has_include)
#if __has_include(<ap_axi_sdata.h>)
#include <ap_axi_sdata.h>
#define TAISP_HAVE_AP_AXI_SDATA 1
#endif
#endif
#ifndef TAISP_HAVE_AP_AXI_SDATA
template <int D, int U, int TI, int TD>
struct ap_axiu {
    ap_uint<D> data;
    ap_uint<(D + 7) / 8> keep;
    ap_uint<(D + 7) / 8> strb;
    ap_uint<U> user;
    ap_uint<1> last;
    ap_uint<TI> id;
    ap_uint<TD> dest;
};
#endif

#include "taisp_config.h"
#include "taisp_regmap.h"

// Largest frame width (line buffer depth, pixels); the RTL's MAX_W. At most 4095.
#ifndef TAISP_MAX_W
#define TAISP_MAX_W 2048
#endif

// Loop labels name the loops in Vitis HLS reports and directives; the C simulation (g++) does
// not need them (and would warn that they are unused).
#ifdef __SYNTHESIS__
#define TAISP_LOOP(name) name:
#else
#define TAISP_LOOP(name)
#endif

namespace taisp {

// ------------------------------------------------------------------ sizes
constexpr int MAX_W = TAISP_MAX_W;
static_assert(MAX_W >= 2 && MAX_W <= 4095, "TAISP_MAX_W out of range 2..4095");
constexpr int CW = 12;     // frame width/height registers and counters: up to 4095 x 4095
constexpr int CNT_W = 24;  // pixel counts: fewer than 2^24 pixels a frame (the frame sums are exact)

// The published architecture (golden/taisp/model.py PUBLISHED_SHAPES, generated into
// taisp_regmap.h), checked against the generated weight layout below.
constexpr int NC = N_CHANNELS;        // colour channels R, G, B
constexpr int NSTAT = GLC_N_STAT;     // GLC statistics: 3 means, 3 variances
constexpr int NHID = GLC_N_HIDDEN;    // hidden units of the two MLPs
constexpr int NREG = N_REGIONS;       // RGFC regions K
constexpr int K3 = HSA_K3;            // HSA small branch kernel
constexpr int K5 = HSA_K5;            // HSA large branch kernel
static_assert(RGFC_K == K3 && RGFC_N_HIDDEN == NHID && HSA_N_POOL == 2 && HSA_N_GATE == 2,
              "the C++ block shares one kernel size and one hidden width between stages");
static_assert(WLEN_W1 == NHID * NSTAT && WLEN_B1 == NHID && WLEN_W2 == NC * NHID && WLEN_B2 == NC,
              "GLC weight layout (taisp_regmap.h) does not match the architecture");
static_assert(WLEN_C3 == 2 * K3 * K3 && WLEN_C3B == 1 && WLEN_C5 == 2 * K5 * K5 && WLEN_C5B == 1 &&
                  WLEN_WG == 2 * NC && WLEN_BG == 2,
              "HSA weight layout (taisp_regmap.h) does not match the architecture");
static_assert(WLEN_WM == NREG * NC * K3 * K3 && WLEN_BM == NREG && WLEN_W3 == NHID * NREG &&
                  WLEN_B3 == NHID && WLEN_W4 == NREG * NHID && WLEN_B4 == NREG &&
                  WLEN_W_MIN == 1 && WLEN_W_MAX == 1,
              "RGFC weight layout (taisp_regmap.h) does not match the architecture");
static_assert(NPARAM == NC + 2 + 2 * NREG, "parameter read-back layout");

// The 8-bit output of the design note: round(clamp(out, 1e-6, 1) * 255) (fixedpoint/taisp/rgfc.py).
constexpr int OUT_SCALE = 255;

// ------------------------------------------------------------------ fixed-point traits
// fx<T>: sign and fractional bits of an ap_fixed / ap_ufixed type.
template <class T>
struct fx;
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct fx<ap_fixed<W, I, Q, O, N> > {
    static const bool S = true;
    static const int F = W - I;
};
template <int W, int I, ap_q_mode Q, ap_o_mode O, int N>
struct fx<ap_ufixed<W, I, Q, O, N> > {
    static const bool S = false;
    static const int F = W - I;
};

// fixed_t<W, I, S>: a plain (truncating, wrapping) signed or unsigned fixed-point type, used
// only for exact intermediate values (their own modes never apply).
template <int W, int I, bool S>
struct fixed_sel {
    typedef ap_fixed<W, I> type;
};
template <int W, int I>
struct fixed_sel<W, I, false> {
    typedef ap_ufixed<W, I> type;
};
template <int W, int I, bool S>
using fixed_t = typename fixed_sel<W, I, S>::type;

constexpr int clog2(int n) { return n <= 1 ? 0 : 1 + clog2((n + 1) / 2); }
constexpr int imax(int a, int b) { return a > b ? a : b; }

// Exact type of a sum of N products A*B plus one C (a bias), e.g. a convolution.
template <class A, class B, class C, int N>
struct mac_exact {
    static const bool S = fx<A>::S || fx<B>::S || fx<C>::S;
    static const int F = imax(fx<A>::F + fx<B>::F, fx<C>::F);
    static const int I = imax(A::iwidth + B::iwidth + 1, C::iwidth + 1) + clog2(N + 1);
    typedef fixed_t<I + F, I, S> type;
};

// Exact type of a frame sum of values of A (fewer than 2^CNT_W of them).
template <class A>
struct sum_exact {
    typedef fixed_t<A::width + CNT_W, A::iwidth + CNT_W, fx<A>::S> type;
};

// Exact type of a frame sum of squares of values of A.
template <class A>
struct sumsq_exact {
    typedef fixed_t<2 * A::width + CNT_W, 2 * A::iwidth + CNT_W, fx<A>::S> type;
};

// ------------------------------------------------------------------ raw values
// The raw integer of a fixed-point value (value = raw * 2^-F), sign-extended for signed types:
// the same bits (ap_fixed_base and ap_int_base of one width and sign share their storage V).
template <class T>
inline ap_int_base<T::width, fx<T>::S> raw(const T& x) {
    ap_int_base<T::width, fx<T>::S> r;
    r.V = x.V;
    return r;
}

// A fixed-point value from a raw integer: the low T::width bits of r.
template <class T, int W2, bool S2>
inline T from_raw(const ap_int_base<W2, S2>& r) {
    ap_int_base<T::width, fx<T>::S> v = r;
    T x;
    x.V = v.V;
    return x;
}
template <class T>
inline T from_raw64(int64_t r) {
    return from_raw<T>(ap_int<64>(r));
}

// The same sum on raw integers, for the pixel-path convolutions (same hardware, a plain integer
// MAC; much faster in C simulation): acc = raw(bias) << F_A, acc += raw(a) * raw(b); the value
// is acc * 2^-(F_A + F_B) (the bias is of B's format), i.e. the fixed-point type `fixed`.
template <class A, class B, int N>
struct raw_mac {
    static const int F = fx<A>::F + fx<B>::F;
    static const int W = imax(A::width + B::width, B::width + imax(fx<A>::F, 0)) + 2 + clog2(N + 1);
    typedef ap_int<W> type;
    typedef fixed_t<W, W - F, true> fixed;
    static type bias(const B& b) { return type(raw(b)) << imax(fx<A>::F, 0); }
    // the raw integer of one exact product (F_A + F_B fractional bits); formed as an ap_fixed
    // product, which multiplies the operands at their own widths (one machine word in C simulation)
    static ap_int<A::width + B::width + 1> mul(const A& a, const B& b) { return raw(a * b); }
};

// ------------------------------------------------------------------ pixels
struct pix_x {   // input pixel, frontend.x per channel (R, G, B)
    frontend_x_t c[NC];
};
struct pix_xg {  // after GLC, glc.xg
    glc_xg_t c[NC];
};
struct pool_t {  // HSA channel pooling, hsa.pool: [mean over channels, max over channels]
    hsa_pool_t mean;
    hsa_pool_t max;
};
struct pix_xs {  // after HSA, hsa.xs: the power curve's input
    hsa_xs_t c[NC];
};
struct pix_xm {  // after HSA, hsa.xm: the mask head's input (the same product in its own format)
    hsa_xm_t c[NC];
};
struct pix_hsa { // what HSA passes to RGFC: both
    pix_xs xs;
    pix_xm xm;
};
struct pix_out { // after RGFC, rgfc.out (8-bit by default)
    rgfc_out_t c[NC];
};

// AXI4-Stream: one pixel per beat, UG934 order (G in the low bits, then B, then R), each
// component in its own field, tdata padded to whole bytes; tuser[0] = SOF, tlast = EOL.
constexpr int X_W = frontend_x_t::width;
constexpr int OUT_W = rgfc_out_t::width;
constexpr int S_TDATA_W = (3 * X_W + 7) / 8 * 8;
constexpr int M_TDATA_W = (3 * OUT_W + 7) / 8 * 8;
typedef ap_axiu<S_TDATA_W, 1, 1, 1> beat_in_t;
typedef ap_axiu<M_TDATA_W, 1, 1, 1> beat_out_t;

// ------------------------------------------------------------------ weights, parameters, statistics
// The weights the block uses (the register map's weight image, typed by their entries).
struct weights_t {
    glc_w1_t w1[NHID][NSTAT];
    glc_b1_t b1[NHID];
    glc_w2_t w2[NC][NHID];
    glc_b2_t b2[NC];
    hsa_wb3_t c3[2][K3][K3];  // [mean, max][dy][dx]
    hsa_wb3_t c3b;
    hsa_wb5_t c5[2][K5][K5];
    hsa_wb5_t c5b;
    hsa_wg_t wg[2][NC];
    hsa_wg_t bg[2];
    rgfc_wm_t wm[NREG][NC][K3][K3];
    rgfc_wm_t bm[NREG];
    rgfc_w3_t w3[NHID][NREG];
    rgfc_b3_t b3[NHID];
    rgfc_w4_t w4[NREG][NHID];
    rgfc_b4_t b4[NREG];
    rgfc_wrange_t w_min;
    rgfc_wrange_t w_max;
};

// The per-frame parameters (computed by the parameter engine from the previous frame).
struct params_t {
    glc_alpha_t alpha[NC];
    hsa_gate_t gate[2];
    rgfc_w_t w[NREG];
    rgfc_inv_w_t inv_w[NREG];
};

// What the block gathers while a frame streams, each sum in its config entry.
struct stats_t {
    glc_sum_t x_sum[NC];
    glc_sumsq_t x_sumsq[NC];
    hsa_dsum_t xg_sum[NC];
    rgfc_lsum_t logit_sum[NREG];
};

// Register bit fields (CTRL, STATUS, ERROR, ACTIVE_SIZE) are the generated constants of
// taisp_regmap.h (fixedpoint/taisp/regmap.py FIELDS): <REG>_<FIELD> (lowest bit),
// <REG>_<FIELD>_W (width), <REG>_<FIELD>_MASK (in place), e.g. ERROR_SHORT_LINE_MASK.
// The sticky ERROR bits of a frame, in place.
typedef ap_uint<32> error_bits_t;

// ------------------------------------------------------------------ C-simulation taps
// Testbenches see every stage's values through a tap sink (never synthesized).
enum tap_id { TAP_XG = 0, TAP_A, TAP_XS, TAP_INDEX, TAP_Y, NTAPS };

}  // namespace taisp

#ifndef __SYNTHESIS__
namespace taisp {
struct tap_sink {
    virtual ~tap_sink() {}
    // raw value of tap `tap`, component `comp`, at frame position (row, col)
    virtual void put(int tap, int row, int col, int comp, int64_t raw_value) = 0;
};
extern tap_sink* g_tap_sink;  // set by a testbench; null: no taps
template <int W>
inline int64_t raw64(const ap_uint<W>& v) { return v.to_int64(); }
template <int W>
inline int64_t raw64(const ap_int<W>& v) { return v.to_int64(); }
template <class T>
inline int64_t raw64(const T& v) { return raw(v).to_int64(); }
}  // namespace taisp
#define TAISP_TAP(tap, row, col, comp, value)                                                 \
    do {                                                                                    \
        if (::taisp::g_tap_sink)                                                            \
            ::taisp::g_tap_sink->put((tap), (int)(row), (int)(col), (comp), ::taisp::raw64(value)); \
    } while (0)
#else
#define TAISP_TAP(tap, row, col, comp, value) \
    do {                                      \
    } while (0)
#endif

#endif  // TAISP_TYPES_H
