// Shared HLS C++: the streaming Bayer front end (hls/rtl/common/isp_frontend.v), the twin of
// fixedpoint/frontend.py bit for bit: x = min(rq(max(DN - black[pos], 0) * gain[pos]), 1.0)
// per 2x2 CFA position, then the bilinear demosaic (3x3 window over two line buffers, mirrored
// borders that keep the CFA phase: pixel -1 = pixel 1) or bin2 (one pixel per 2x2 cell: R, the
// mean of the greens, B). The formats are template arguments: X_T (frontend.x) and AVG_T
// (frontend.avg) are ap_ufixed types with the config's rounding and overflow modes, so a
// requantization is an assignment from the exact value.
//
// frontend_frame() takes one Bayer frame from an AXI4-Stream (one sample per beat, SOF on
// user[0], EOL on last) with the line checks of the RTL (isp_bayer_stream.v): a short or long
// line or an early SOF completes the frame with zero samples and marks it broken (the frame's
// last output beat then leaves without EOL); samples before a SOF are dropped (MISSING_SOF).
// Output: RGB pixels (component c of the pixel in rgb[c]) with SOF/EOL/last flags.
#ifndef ISP_FRONTEND_H
#define ISP_FRONTEND_H

#include <ap_fixed.h>
#include <ap_int.h>
#include <hls_stream.h>

namespace isp {

// ERROR bits of the front end's input checks (the caller maps them into its register map)
enum { FE_ERR_SHORT_LINE = 1, FE_ERR_LONG_LINE = 2, FE_ERR_MISSING_SOF = 4, FE_ERR_EARLY_SOF = 8 };

// Colour (R 0, G 1, B 2) of 2x2 position pos (row-major) of CFA code cfa; cells packs 2 bits
// per position and code at bits 2*(4*cfa + pos) (the register map's CFA_CELLS)
inline int cfa_colour(unsigned cells, int cfa, int pos) {
#pragma HLS INLINE
    return (cells >> (2 * (4 * cfa + pos))) & 3;
}

// An exact unsigned raw value with F fractional bits into T (T's rounding and overflow)
template <class T, int W, int F>
inline T rq_raw(const ap_uint<W>& raw) {
#pragma HLS INLINE
    ap_ufixed<W, W - F> v;
    v.range(W - 1, 0) = raw;
    return T(v);
}

// raw bits of an ap_ufixed value
template <class T>
inline ap_uint<T::width> raw_of(const T& v) {
#pragma HLS INLINE
    return ap_uint<T::width>(v.range(T::width - 1, 0));
}

// One sample normalised: min(rq(max(dn - black, 0) * gain), 1.0); gain raw with GAIN_F bits
template <class X_T, int DN_W, int GAIN_W, int GAIN_F>
inline X_T normalize(ap_uint<DN_W> dn, ap_uint<DN_W> black, ap_uint<GAIN_W> gain) {
#pragma HLS INLINE
    ap_uint<DN_W> d = dn > black ? ap_uint<DN_W>(dn - black) : ap_uint<DN_W>(0);
    ap_uint<DN_W + GAIN_W> p = ap_uint<DN_W + GAIN_W>(d) * gain;
    X_T x = rq_raw<X_T, DN_W + GAIN_W, GAIN_F>(p);
    const X_T one = 1.0;  // saturates to the format's largest value if 1.0 does not fit
    return x > one ? one : x;
}

template <class X_T>
struct rgb_pix {
    X_T c[3];
    bool sof, eol, last;
};

// Settings of a frame (the registers in use)
template <int DN_W, int GAIN_W>
struct frontend_cfg {
    int width, height;  // Bayer frame size
    int cfa;            // CFA code (index of RGGB, BGGR, GRBG, GBRG)
    bool bin2;          // demosaic: bin2 (half size) or bilinear
    ap_uint<DN_W> black[4];
    ap_uint<GAIN_W> gain[4];
};

// ------------------------------------------------------------------ input with the line checks
// Reads one Bayer frame into `out` (normalised, raster order, zero samples after an error).
// Returns the error bits; `bad` says whether the frame was broken. Static state: a SOF beat
// that cut the previous frame short starts this one; after a broken line no MISSING_SOF until
// the next SOF.
template <class X_T, int DN_W, int GAIN_W, int GAIN_F, class BEAT>
unsigned bayer_in(hls::stream<BEAT>& s, hls::stream<X_T>& out, const frontend_cfg<DN_W, GAIN_W>& cfg, bool& bad) {
    static bool pending = false;
    static BEAT pending_beat;
    static bool resync = false;
    unsigned e = 0;
    bool cut = false;
    BEAT b;
    if (pending) {
        b = pending_beat;
        pending = false;
    } else {
        while (true) {
#pragma HLS PIPELINE II = 1
#ifndef __SYNTHESIS__
            if (s.empty()) {  // C simulation: no frame
                bad = true;
                return e | FE_ERR_MISSING_SOF;
            }
#endif
            b = s.read();
            if (b.user[0]) break;
            if (!resync) e |= FE_ERR_MISSING_SOF;
        }
    }
    resync = false;
    const int w = cfg.width, n = cfg.width * cfg.height;
    int col = 0, row = 0;
    for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
        ap_uint<DN_W> dn = 0;
        if (!cut) {
            bool got = true;
            if (i > 0) {
#ifndef __SYNTHESIS__
                got = !s.empty();
#endif
                if (got) b = s.read();
            }
            if (!got) {
                cut = true;
                e |= FE_ERR_SHORT_LINE;
            } else if (i > 0 && b.user[0]) {  // SOF inside the frame: keep it for the next one
                cut = true;
                e |= FE_ERR_EARLY_SOF;
                pending = true;
                pending_beat = b;
            } else {
                dn = ap_uint<DN_W>(b.data.range(DN_W - 1, 0));
                bool eol = b.last == 1, last_col = col == w - 1;
                if (eol != last_col) {
                    cut = true;
                    resync = true;
                    e |= eol ? FE_ERR_SHORT_LINE : FE_ERR_LONG_LINE;
                }
            }
        }
        const int pos = ((row & 1) << 1) | (col & 1);
        out.write(normalize<X_T, DN_W, GAIN_W, GAIN_F>(dn, cfg.black[pos], cfg.gain[pos]));
        if (++col == w) {
            col = 0;
            ++row;
        }
    }
    bad = cut;
    return e;
}

// ------------------------------------------------------------------ bilinear
// W*H samples in (raster), W*H pixels out; pushes W + 1 flush samples (the window lag).
template <class X_T, class AVG_T, int MAX_W>
void bilinear(hls::stream<X_T>& in, hls::stream<rgb_pix<X_T> >& out, int width, int height, int cfa, unsigned cells) {
    static X_T lb[2][MAX_W];  // lb[0][c] = line r-2, lb[1][c] = line r-1 (before the push of line r)
    X_T win[3][3];            // win[row: top, mid, bottom][column: left, centre, right]
#pragma HLS ARRAY_PARTITION variable = win complete dim = 0
    const int lag = width + 1, n = width * height;
    int col = 0, crow = 0, ccol = 0;
    for (int i = 0; i < n + lag; ++i) {
#pragma HLS PIPELINE II = 1
        X_T v = i < n ? in.read() : X_T(0);
        for (int r = 0; r < 3; ++r) {
            win[r][0] = win[r][1];
            win[r][1] = win[r][2];
        }
        win[0][2] = lb[0][col];
        win[1][2] = lb[1][col];
        win[2][2] = v;
        lb[0][col] = lb[1][col];
        lb[1][col] = v;
        col = col == width - 1 ? 0 : col + 1;
        if (i < lag) continue;
        // the window is centred on (crow, ccol): mirror at the borders
        const bool top = crow == 0, bot = crow == height - 1, left = ccol == 0, right = ccol == width - 1;
        const int cl = left ? 2 : 0, cr = right ? 0 : 2, rt = top ? 2 : 0, rb = bot ? 0 : 2;
        typedef ap_uint<X_T::width + 2> acc_t;
        acc_t h = acc_t(raw_of(win[1][cl])) + raw_of(win[1][cr]);
        acc_t vv = acc_t(raw_of(win[rt][1])) + raw_of(win[rb][1]);
        acc_t d = acc_t(raw_of(win[rt][cl])) + raw_of(win[rt][cr]) + raw_of(win[rb][cl]) + raw_of(win[rb][cr]);
        const int F = X_T::width - X_T::iwidth;
        AVG_T cross = rq_raw<AVG_T, X_T::width + 2, F + 2>(acc_t(h + vv));
        AVG_T diag = rq_raw<AVG_T, X_T::width + 2, F + 2>(d);
        AVG_T h2 = rq_raw<AVG_T, X_T::width + 2, F + 1>(h);
        AVG_T v2 = rq_raw<AVG_T, X_T::width + 2, F + 1>(vv);
        const int c0 = cfa_colour(cells, cfa, (crow & 1) << 1), c1 = cfa_colour(cells, cfa, ((crow & 1) << 1) | 1);
        const int colour = (ccol & 1) ? c1 : c0;
        const bool row_r = c0 == 0 || c1 == 0, row_b = c0 == 2 || c1 == 2;
        const X_T c = win[1][1];
        rgb_pix<X_T> p;
        p.c[0] = colour == 0 ? c : colour == 1 ? X_T(row_r ? h2 : v2) : X_T(diag);
        p.c[1] = colour == 1 ? c : X_T(cross);
        p.c[2] = colour == 2 ? c : colour == 1 ? X_T(row_b ? h2 : v2) : X_T(diag);
        p.sof = crow == 0 && ccol == 0;
        p.eol = right;
        p.last = right && bot;
        out.write(p);
        if (right) {
            ccol = 0;
            ++crow;
        } else {
            ++ccol;
        }
    }
}

// ------------------------------------------------------------------ bin2
// W*H samples in (W, H even), W/2 * H/2 pixels out.
template <class X_T, class AVG_T, int MAX_W>
void bin2(hls::stream<X_T>& in, hls::stream<rgb_pix<X_T> >& out, int width, int height, int cfa, unsigned cells) {
    static X_T lb[MAX_W];  // the even line above
    X_T tl = 0, bl = 0;
    const int n = width * height;
    int col = 0, row = 0;
    for (int i = 0; i < n; ++i) {
#pragma HLS PIPELINE II = 1
        X_T v = in.read();
        if (!(row & 1)) {
            lb[col] = v;
        } else if (!(col & 1)) {
            tl = lb[col];
            bl = v;
        } else {
            X_T cell[4] = {tl, lb[col], bl, v};
            X_T r = 0, b = 0;
            ap_uint<X_T::width + 1> g = 0;
            for (int p = 0; p < 4; ++p) {
                const int colour = cfa_colour(cells, cfa, p);
                if (colour == 0) r = cell[p];
                else if (colour == 2) b = cell[p];
                else g += raw_of(cell[p]);
            }
            const int F = X_T::width - X_T::iwidth;
            rgb_pix<X_T> px;
            px.c[0] = r;
            px.c[1] = X_T(rq_raw<AVG_T, X_T::width + 1, F + 1>(g));
            px.c[2] = b;
            px.sof = row == 1 && col == 1;
            px.eol = col == width - 1;
            px.last = px.eol && row == height - 1;
            out.write(px);
        }
        if (++col == width) {
            col = 0;
            ++row;
        }
    }
}

}  // namespace isp

#endif  // ISP_FRONTEND_H
