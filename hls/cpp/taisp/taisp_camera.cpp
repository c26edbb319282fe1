// TA-ISP HLS C++: the camera top taisp_camera (see taisp_camera.h for the interface).
//
// Per call (one Bayer frame): the size check, then a dataflow of
//   bayer_in (line checks, black level and gain) -> bilinear | bin2 -> pack (UG934 beats) -> taisp_core
// with the front end's error bits merged into ERROR.
#include "taisp_camera.h"

#include "isp_frontend.h"
#include "taisp_core.h"

namespace taisp {

typedef frontend_gain_t gain_t;
constexpr int GAIN_W = gain_t::width;
constexpr int GAIN_F = gain_t::width - gain_t::iwidth;
static_assert(frontend_avg_t::width == frontend_x_t::width && frontend_avg_t::iwidth == frontend_x_t::iwidth,
              "frontend.avg must have the format of frontend.x (the means share the stream)");
typedef isp::rgb_pix<frontend_x_t> fe_pix_t;

// front-end pixels as the core's input beats (UG934: G low, then B, then R); a broken frame's
// last beat without EOL
static void pack(hls::stream<fe_pix_t>& in, hls::stream<beat_in_t>& out, int n, bool bad) {
    for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
        fe_pix_t p = in.read();
        beat_in_t b;
        b.data = 0;
        b.data.range(X_W - 1, 0) = isp::raw_of(p.c[1]);
        b.data.range(2 * X_W - 1, X_W) = isp::raw_of(p.c[2]);
        b.data.range(3 * X_W - 1, 2 * X_W) = isp::raw_of(p.c[0]);
        b.keep = -1;
        b.strb = -1;
        b.user = p.sof ? 1 : 0;
        b.last = (p.eol && !(p.last && bad)) ? 1 : 0;
        b.id = 0;
        b.dest = 0;
        out.write(b);
    }
}

}  // namespace taisp

void taisp_camera(hls::stream<taisp::bayer_beat_t>& s_axis, hls::stream<taisp::beat_out_t>& m_axis,
                  ap_uint<taisp::CW> width, ap_uint<taisp::CW> height, ap_uint<32> fe_config,
                  const ap_uint<32> black[4], const ap_uint<64> gain[4],
                  const ap_uint<taisp::WGT_W> weights[taisp::NWEIGHTS], const ap_uint<32> def_alpha[taisp::NC],
                  ap_uint<32> def_gate0, ap_uint<32> ctrl, ap_uint<32> error_clear, ap_uint<32>& status,
                  ap_uint<32>& error, ap_uint<32>& frames, ap_uint<32>& bad_frames,
                  ap_uint<32> params_out[taisp::NPARAM]) {
#pragma HLS INTERFACE axis port = s_axis
#pragma HLS INTERFACE axis port = m_axis
#pragma HLS INTERFACE s_axilite port = return bundle = ctrl
    using namespace taisp;
    static ap_uint<32> fe_err = 0;  // sticky front-end ERROR bits
    fe_err &= ~error_clear;
    isp::frontend_cfg<CAM_DN_W, GAIN_W> cfg;
    cfg.width = width;
    cfg.height = height;
    cfg.cfa = (fe_config & FE_CONFIG_CFA_MASK) >> FE_CONFIG_CFA;
    cfg.bin2 = ((fe_config >> FE_CONFIG_DEMOSAIC) & 1) == DEMOSAIC_BIN2;
    for (int p = 0; p < 4; ++p) {
        cfg.black[p] = ap_uint<CAM_DN_W>(black[p]);
        cfg.gain[p] = ap_uint<GAIN_W>(gain[p]);
    }
    const int w = cfg.width, h = cfg.height;
    const bool ok = w <= MAX_W && h >= 2 && (cfg.bin2 ? (w % 2 == 0 && h % 2 == 0 && w >= 4) : w >= 2);
    if (!ok) {
        fe_err |= ERROR_FE_SIZE_MASK;
        ap_uint<32> s, e, f, bf;
        // the core's registers read back without a frame: a call of zero size reads no stream
        hls::stream<beat_in_t> none;
        taisp_core(none, m_axis, 0, 0, weights, def_alpha, def_gate0, 0, error_clear, s, e, f, bf, params_out);
        status = s;
        error = e | fe_err;
        frames = f;
        bad_frames = bf;
        return;
    }
    const int ow = cfg.bin2 ? w / 2 : w, oh = cfg.bin2 ? h / 2 : h;
    hls::stream<frontend_x_t> xs("xs");
    hls::stream<fe_pix_t> px("px");
    hls::stream<beat_in_t> beats("beats");
#pragma HLS STREAM variable = xs depth = 4
#pragma HLS STREAM variable = px depth = 4
    bool bad = false;
    unsigned e = isp::bayer_in<frontend_x_t, CAM_DN_W, GAIN_W, GAIN_F>(s_axis, xs, cfg, bad);
    if (cfg.bin2) {
        isp::bin2<frontend_x_t, frontend_avg_t, MAX_W>(xs, px, w, h, cfg.cfa, CFA_CELLS);
    } else {
        isp::bilinear<frontend_x_t, frontend_avg_t, MAX_W>(xs, px, w, h, cfg.cfa, CFA_CELLS);
    }
    pack(px, beats, ow * oh, bad);
    if (e & isp::FE_ERR_SHORT_LINE) fe_err |= ERROR_BAYER_SHORT_LINE_MASK;
    if (e & isp::FE_ERR_LONG_LINE) fe_err |= ERROR_BAYER_LONG_LINE_MASK;
    if (e & isp::FE_ERR_MISSING_SOF) fe_err |= ERROR_BAYER_MISSING_SOF_MASK;
    if (e & isp::FE_ERR_EARLY_SOF) fe_err |= ERROR_BAYER_EARLY_SOF_MASK;
    taisp_core(beats, m_axis, ow, oh, weights, def_alpha, def_gate0, ctrl, error_clear, status, error, frames,
               bad_frames, params_out);
    error |= fe_err;
}
