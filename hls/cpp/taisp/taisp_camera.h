// TA-ISP HLS C++: the camera block taisp_camera, the HLS twin of hls/rtl/taisp/taisp_camera.v:
// Bayer samples in, the shared front end (hls/cpp/common/isp_frontend.h: black level and gain
// per 2x2 CFA position, bilinear or bin2 demosaic into frontend.x), then taisp_core.
//
// One call processes one Bayer frame (the core's contract, taisp_core.h), the statistics of the
// last good frame kept between calls.
//   s_axis     AXI4-Stream in: one Bayer sample per beat (DN in the low CAM_DN_W bits of whole
//              bytes), user[0] = SOF, last = EOL
//   m_axis     the core's output (8-bit RGB, UG934 order)
//   width, height   Bayer frame size (WIDTH, HEIGHT); the core gets half of each for bin2
//   fe_config  FE_CONFIG fields (taisp_regmap.h FE_CONFIG_CFA, FE_CONFIG_DEMOSAIC)
//   black[4], gain[4]  FE_BLACKp and FE_GAINp (HI:LO) per 2x2 position
//   the core's registers as in taisp_core.h; error merges the front end's bits (ERROR_BAYER_*,
//   ERROR_FE_SIZE; error_clear clears them too)
// A size the demosaic cannot take (bin2: odd width or height, or under 4 x 2; bilinear: under
// 2 x 2; above TAISP_MAX_W) sets ERROR_FE_SIZE and the call returns without reading the stream.
// A broken Bayer frame is completed with zero samples; its last beat reaches the core without
// EOL, so the core drops its statistics (and sets ERROR_LONG_LINE), as the RTL does.
#ifndef TAISP_CAMERA_H
#define TAISP_CAMERA_H

#include "taisp_types.h"

namespace taisp {
// Bits of a Bayer sample (the RTL's DN_W)
#ifndef TAISP_CAM_DN_W
#define TAISP_CAM_DN_W 16
#endif
constexpr int CAM_DN_W = TAISP_CAM_DN_W;
constexpr int CAM_S_TDATA_W = (CAM_DN_W + 7) / 8 * 8;
typedef ap_axiu<CAM_S_TDATA_W, 1, 1, 1> bayer_beat_t;
}  // namespace taisp

void taisp_camera(hls::stream<taisp::bayer_beat_t>& s_axis, hls::stream<taisp::beat_out_t>& m_axis,
                  ap_uint<taisp::CW> width, ap_uint<taisp::CW> height, ap_uint<32> fe_config,
                  const ap_uint<32> black[4], const ap_uint<64> gain[4],
                  const ap_uint<taisp::WGT_W> weights[taisp::NWEIGHTS], const ap_uint<32> def_alpha[taisp::NC],
                  ap_uint<32> def_gate0, ap_uint<32> ctrl, ap_uint<32> error_clear, ap_uint<32>& status,
                  ap_uint<32>& error, ap_uint<32>& frames, ap_uint<32>& bad_frames,
                  ap_uint<32> params_out[taisp::NPARAM]);

#endif  // TAISP_CAMERA_H
