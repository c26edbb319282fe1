// TA-ISP HLS C++: the streaming block taisp_core, the HLS twin of hls/rtl/taisp/taisp_core.v.
//
// One call processes one frame (Vitis HLS ap_ctrl_hs: start, then done after the frame's last
// output beat), with the statistics of the last good frame kept in static state between calls:
// the `previous` statistics mode of the design note (section 2).
//
//   s_axis   AXI4-Stream in: frontend.x per component, UG934 order (G in the low bits, then B,
//            then R), padded to bytes; tuser[0] = SOF, tlast = EOL; one pixel per beat
//   m_axis   AXI4-Stream out: rgfc.out per component (8-bit RGB by default), same order and flags
//   AXI4-Lite (bundle "ctrl"), the register map of fixedpoint/taisp/regmap.py:
//     width, height        frame size (pixels, lines), 2 <= width <= TAISP_MAX_W, height >= 1 (outside
//                          that the call returns at once without reading the stream)
//     weights[NWEIGHTS]    the weight image (raw two's complement words, published order, then
//                          w_min, w_max), as written at WEIGHT_BASE
//     def_alpha[3], def_gate0   defaults (raw glc.alpha / hsa.gate; reset values 1.0 and 1/2)
//     ctrl                 CTRL fields (taisp_regmap.h CTRL_*_MASK): RESTART forgets the statistics
//                          (this frame uses the defaults), CLEAR_COUNTERS clears FRAMES/BAD_FRAMES
//     error_clear          write-1-to-clear mask of the sticky ERROR bits (ERROR_*_MASK)
//     status, error, frames, bad_frames   read back after the call
//     params_out[NPARAM]   the parameters this frame used (alpha, gate, w, inv_w: raw bits)
//
// Stream errors (a short or long line, a missing or early SOF) set sticky ERROR bits; the
// broken frame is completed with zero pixels (the output keeps its framing), its statistics are
// dropped (the next frame uses the last good frame's), and input is discarded up to the next SOF.
#ifndef TAISP_CORE_H
#define TAISP_CORE_H

#include "taisp_types.h"

void taisp_core(hls::stream<taisp::beat_in_t>& s_axis, hls::stream<taisp::beat_out_t>& m_axis,
                ap_uint<taisp::CW> width, ap_uint<taisp::CW> height,
                const ap_uint<taisp::WGT_W> weights[taisp::NWEIGHTS], const ap_uint<32> def_alpha[taisp::NC],
                ap_uint<32> def_gate0, ap_uint<32> ctrl, ap_uint<32> error_clear, ap_uint<32>& status,
                ap_uint<32>& error, ap_uint<32>& frames, ap_uint<32>& bad_frames,
                ap_uint<32> params_out[taisp::NPARAM]);

#endif  // TAISP_CORE_H
