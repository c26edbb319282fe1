// TA-ISP HLS C++: the top function taisp_core (see taisp_core.h for the interface).
//
// Per call (one frame):
//   1. the weight image is unpacked into the typed weights the stages read in parallel;
//   2. the parameter engine (taisp_params.h) computes alpha, the gate and w, 1/w from the last
//      good frame's statistics, or takes the defaults (after reset / RESTART);
//   3. the frame streams through a dataflow pipeline, one pixel per clock:
//        stream_in -> glc -> hsa -> rgfc -> stream_out
//      gathering the frame sums (x, x^2 in GLC, xg in HSA, the logits in RGFC);
//   4. the sums of a good frame become the statistics of the next call.
#include "taisp_core.h"

#include "taisp_glc.h"
#include "taisp_hsa.h"
#include "taisp_params.h"
#include "taisp_rgfc.h"
#include "isp_window.h"

#ifndef __SYNTHESIS__
#include <cstdio>
namespace taisp {
tap_sink* g_tap_sink = 0;
}
#endif

namespace taisp {

// ------------------------------------------------------------------ weights
template <class T>
inline T weight_at(const ap_uint<WGT_W> weights[NWEIGHTS], int i) {
#pragma HLS INLINE
    return from_raw<T>(weights[i]);  // the entry's low bits of the two's complement word
}

static void unpack_weights(const ap_uint<WGT_W> weights[NWEIGHTS], weights_t& w) {
    for (int j = 0; j < NHID; ++j) {
        for (int i = 0; i < NSTAT; ++i) w.w1[j][i] = weight_at<glc_w1_t>(weights, WOFF_W1 + j * NSTAT + i);
        w.b1[j] = weight_at<glc_b1_t>(weights, WOFF_B1 + j);
    }
    for (int c = 0; c < NC; ++c) {
        for (int j = 0; j < NHID; ++j) w.w2[c][j] = weight_at<glc_w2_t>(weights, WOFF_W2 + c * NHID + j);
        w.b2[c] = weight_at<glc_b2_t>(weights, WOFF_B2 + c);
    }
    for (int ch = 0; ch < 2; ++ch) {
        for (int dy = 0; dy < K3; ++dy)
            for (int dx = 0; dx < K3; ++dx)
                w.c3[ch][dy][dx] = weight_at<hsa_wb3_t>(weights, WOFF_C3 + (ch * K3 + dy) * K3 + dx);
        for (int dy = 0; dy < K5; ++dy)
            for (int dx = 0; dx < K5; ++dx)
                w.c5[ch][dy][dx] = weight_at<hsa_wb5_t>(weights, WOFF_C5 + (ch * K5 + dy) * K5 + dx);
    }
    w.c3b = weight_at<hsa_wb3_t>(weights, WOFF_C3B);
    w.c5b = weight_at<hsa_wb5_t>(weights, WOFF_C5B);
    for (int k = 0; k < 2; ++k) {
        for (int c = 0; c < NC; ++c) w.wg[k][c] = weight_at<hsa_wg_t>(weights, WOFF_WG + k * NC + c);
        w.bg[k] = weight_at<hsa_wg_t>(weights, WOFF_BG + k);
    }
    for (int k = 0; k < NREG; ++k) {
        for (int c = 0; c < NC; ++c)
            for (int dy = 0; dy < K3; ++dy)
                for (int dx = 0; dx < K3; ++dx)
                    w.wm[k][c][dy][dx] = weight_at<rgfc_wm_t>(weights, WOFF_WM + ((k * NC + c) * K3 + dy) * K3 + dx);
        w.bm[k] = weight_at<rgfc_wm_t>(weights, WOFF_BM + k);
    }
    for (int j = 0; j < NHID; ++j) {
        for (int k = 0; k < NREG; ++k) w.w3[j][k] = weight_at<rgfc_w3_t>(weights, WOFF_W3 + j * NREG + k);
        w.b3[j] = weight_at<rgfc_b3_t>(weights, WOFF_B3 + j);
    }
    for (int k = 0; k < NREG; ++k) {
        for (int j = 0; j < NHID; ++j) w.w4[k][j] = weight_at<rgfc_w4_t>(weights, WOFF_W4 + k * NHID + j);
        w.b4[k] = weight_at<rgfc_b4_t>(weights, WOFF_B4 + k);
    }
    w.w_min = weight_at<rgfc_wrange_t>(weights, WOFF_W_MIN);
    w.w_max = weight_at<rgfc_wrange_t>(weights, WOFF_W_MAX);
}

// ------------------------------------------------------------------ stream in / out
// Read one beat; in C simulation an empty input stream ends the frame (flagged as an error)
// instead of reading garbage.
static bool read_beat(hls::stream<beat_in_t>& s, beat_in_t& b) {
#pragma HLS INLINE
#ifndef __SYNTHESIS__
    if (s.empty()) return false;
#endif
    b = s.read();
    return true;
}

// Unpack a UG934 beat: G in the low bits, then B, then R.
static pix_x unpack_beat(const beat_in_t& b) {
#pragma HLS INLINE
    pix_x p;
    p.c[1] = from_raw<frontend_x_t>(ap_uint<X_W>(b.data.range(X_W - 1, 0)));
    p.c[2] = from_raw<frontend_x_t>(ap_uint<X_W>(b.data.range(2 * X_W - 1, X_W)));
    p.c[0] = from_raw<frontend_x_t>(ap_uint<X_W>(b.data.range(3 * X_W - 1, 2 * X_W)));
    return p;
}

// Stream intake: wait for SOF, then width * height pixels with the line checks. `err` gets the
// ERROR bits of this frame, `bad` whether it was cut short (then filled with zero pixels).
static void stream_in(hls::stream<beat_in_t>& s_axis, hls::stream<pix_x>& out, int width, int height,
                      error_bits_t& err, bool& bad) {
    static bool pending = false;  // an early SOF ended the previous frame: its beat starts this one
    static beat_in_t pending_beat;
    static bool resync = false;   // discarding the rest of a broken frame: no missing-SOF error
    unsigned e = 0;  // ERROR bits
    bool cut = false;
    beat_in_t b;
    if (pending) {
        b = pending_beat;
        pending = false;
    } else {
        TAISP_LOOP(wait_sof) while (true) {
#pragma HLS PIPELINE II = 1
            if (!read_beat(s_axis, b)) {
                cut = true;
                e |= ERROR_MISSING_SOF_MASK;
#ifndef __SYNTHESIS__
                std::fprintf(stderr, "taisp_core: input stream empty while waiting for SOF\n");
#endif
                break;
            }
            if (b.user[0]) break;
            if (!resync) e |= ERROR_MISSING_SOF_MASK;
        }
    }
    resync = false;
    const int n = width * height;
    isp::raster_pos p;
    p.reset();
    TAISP_LOOP(stream_in_pixels) for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 64 max = 2073600
        pix_x x;
        for (int c = 0; c < NC; ++c) x.c[c] = 0;
        if (!cut) {
            bool got = true;
            if (i > 0) got = read_beat(s_axis, b);
            if (!got) {
                cut = true;
                e |= ERROR_SHORT_LINE_MASK;
            } else if (i > 0 && b.user[0]) {  // SOF inside the frame: keep it for the next one
                cut = true;
                e |= ERROR_EARLY_SOF_MASK;
                pending = true;
                pending_beat = b;
            } else {
                x = unpack_beat(b);
                bool eol = b.last == 1, last_col = p.col == width - 1;
                if (eol && !last_col) {  // short line
                    cut = true;
                    resync = true;
                    e |= ERROR_SHORT_LINE_MASK;
                } else if (!eol && last_col) {  // long line
                    cut = true;
                    resync = true;
                    e |= ERROR_LONG_LINE_MASK;
                }
            }
        }
        out.write(x);
        p.next(width);
    }
    err = e;
    bad = cut;
}

// Stream output: pack each pixel (UG934) with SOF on the first and EOL on each line's last.
static void stream_out(hls::stream<pix_out>& in, hls::stream<beat_out_t>& m_axis, int width, int height) {
    const int n = width * height;
    isp::raster_pos p;
    p.reset();
    TAISP_LOOP(stream_out_pixels) for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
#pragma HLS LOOP_TRIPCOUNT min = 64 max = 2073600
        pix_out o = in.read();
        beat_out_t b;
        b.data = 0;
        b.data.range(OUT_W - 1, 0) = raw(o.c[1]);
        b.data.range(2 * OUT_W - 1, OUT_W) = raw(o.c[2]);
        b.data.range(3 * OUT_W - 1, 2 * OUT_W) = raw(o.c[0]);
        b.keep = -1;
        b.strb = -1;
        b.user = i == 0 ? 1 : 0;
        b.last = p.col == width - 1 ? 1 : 0;
        b.id = 0;
        b.dest = 0;
        m_axis.write(b);
        p.next(width);
    }
}

// ------------------------------------------------------------------ the frame pipeline
static void taisp_frame(hls::stream<beat_in_t>& s_axis, hls::stream<beat_out_t>& m_axis, int width, int height,
                        const weights_t& w, const params_t& p, stats_t& st, error_bits_t& err, bool& bad) {
#pragma HLS DATAFLOW
    hls::stream<pix_x> s_x("x");
    hls::stream<pix_xg> s_xg("xg");
    hls::stream<pix_hsa> s_xs("xs");
    hls::stream<pix_out> s_out("out");
#pragma HLS STREAM variable = s_x depth = 4
#pragma HLS STREAM variable = s_xg depth = 4
#pragma HLS STREAM variable = s_xs depth = 4
#pragma HLS STREAM variable = s_out depth = 4
    stream_in(s_axis, s_x, width, height, err, bad);
    glc(s_x, s_xg, p.alpha, width, height, st.x_sum, st.x_sumsq);
    hsa(s_xg, s_xs, p.gate, w.c3, w.c3b, w.c5, w.c5b, width, height, st.xg_sum);
    rgfc(s_xs, s_out, p.inv_w, w.wm, w.bm, width, height, st.logit_sum);
    stream_out(s_out, m_axis, width, height);
}

}  // namespace taisp

// ------------------------------------------------------------------ top
void taisp_core(hls::stream<taisp::beat_in_t>& s_axis, hls::stream<taisp::beat_out_t>& m_axis,
                ap_uint<taisp::CW> width, ap_uint<taisp::CW> height,
                const ap_uint<taisp::WGT_W> weights[taisp::NWEIGHTS], const ap_uint<32> def_alpha[taisp::NC],
                ap_uint<32> def_gate0, ap_uint<32> ctrl, ap_uint<32> error_clear, ap_uint<32>& status,
                ap_uint<32>& error, ap_uint<32>& frames, ap_uint<32>& bad_frames,
                ap_uint<32> params_out[taisp::NPARAM]) {
#pragma HLS INTERFACE mode = axis port = s_axis
#pragma HLS INTERFACE mode = axis port = m_axis
#pragma HLS INTERFACE mode = s_axilite port = width bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = height bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = weights bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = def_alpha bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = def_gate0 bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = ctrl bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error_clear bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = status bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = frames bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = bad_frames bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = params_out bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = return bundle = ctrl
    using namespace taisp;
    // the last good frame's statistics and the block's counters (kept between calls)
    static stats_t st;
    static ap_uint<CNT_W + 1> st_n = 0;
    static bool st_valid = false;
    static ap_uint<32> err_r = 0, frames_r = 0, bad_r = 0;

    const int w_px = width.to_int(), h_px = height.to_int();
    err_r &= ~error_clear;
    if (w_px < 2 || w_px > MAX_W || h_px < 1) {  // a size the line buffers cannot hold: no frame
        error = err_r;
        frames = frames_r;
        bad_frames = bad_r;
        status = st_valid ? STATUS_READY_MASK : 0u;
        return;
    }
    if (ctrl & CTRL_CLEAR_COUNTERS_MASK) {
        frames_r = 0;
        bad_r = 0;
    }
    if (ctrl & CTRL_RESTART_MASK) st_valid = false;

    weights_t w;
    unpack_weights(weights, w);
    glc_alpha_t dalpha[NC];
    for (int c = 0; c < NC; ++c) dalpha[c] = from_raw<glc_alpha_t>(def_alpha[c]);
    hsa_gate_t dgate0 = from_raw<hsa_gate_t>(def_gate0);

    params_t p;
    const bool defaults = !st_valid;
    params(defaults, st, st_n, w, dalpha, dgate0, p);
    for (int c = 0; c < NC; ++c) params_out[PARAM_ALPHA + c] = ap_uint<glc_alpha_t::width>(raw(p.alpha[c]));
    for (int k = 0; k < 2; ++k) params_out[PARAM_GATE + k] = ap_uint<hsa_gate_t::width>(raw(p.gate[k]));
    for (int k = 0; k < NREG; ++k) {
        params_out[PARAM_W + k] = ap_uint<rgfc_w_t::width>(raw(p.w[k]));
        params_out[PARAM_INV_W + k] = ap_uint<rgfc_inv_w_t::width>(raw(p.inv_w[k]));
    }

    stats_t ns;
    error_bits_t ferr = 0;
    bool bad = false;
    taisp_frame(s_axis, m_axis, w_px, h_px, w, p, ns, ferr, bad);

    err_r = err_r | ferr;
    if (bad) {
        ++bad_r;
    } else {
        st = ns;
        st_n = w_px * h_px;
        st_valid = true;
        ++frames_r;
    }
    error = err_r;
    frames = frames_r;
    bad_frames = bad_r;
    status = (st_valid ? STATUS_READY_MASK : 0u) | (defaults ? STATUS_DEFAULTS_MASK : 0u);
}
