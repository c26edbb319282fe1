// Shared HLS C++ primitive: line buffers and a K x K window over a raster stream with zero padding,
// and a delay line bringing a per-pixel value to the window centre (hls/rtl/common/isp_window.v).
//
// Pixels are pushed in raster order, one per clock, at their column c (0 .. W-1). After the
// push of pixel (r, c) the window win[dy][dx] holds pixel (r - 2R + dy, c - 2R + dx), R =
// (K-1)/2, so its centre is (r - R, c - R): R*W + R pushes back. The frame's W*H pixels are
// followed by R*W + R flush pushes (zeros) so that every centre of the frame comes out.
// Window elements outside the frame are zero (the float model's zero padding), whatever the
// line buffers hold: stale lines of the previous frame and the previous row's right end are
// masked by window_masks() from the centre position, never cleared.
//
// The buffers are the caller's static arrays (so that the #pragma HLS ARRAY_PARTITION of the
// stage applies to them): lb[K-1][MAX_W] (lb[k][c] = pixel (r - (K-1) + k, c) before the push)
// and win[K][K] registers.
#ifndef ISP_WINDOW_H
#define ISP_WINDOW_H

namespace isp {

// Push pixel v of column c: shift the window one column left, read column c of the line
// buffers into its right column, and rotate v into the line buffers.
template <int K, int MAX_W, class T>
inline void window_push(T lb[K - 1][MAX_W], T win[K][K], const T& v, int c) {
#pragma HLS INLINE
    for (int dy = 0; dy < K; ++dy) {
#pragma HLS UNROLL
        for (int dx = 0; dx < K - 1; ++dx) {
#pragma HLS UNROLL
            win[dy][dx] = win[dy][dx + 1];
        }
    }
    T col[K];
#pragma HLS ARRAY_PARTITION variable = col complete
    for (int k = 0; k < K - 1; ++k) {
#pragma HLS UNROLL
        col[k] = lb[k][c];
    }
    col[K - 1] = v;
    for (int k = 0; k < K; ++k) {
#pragma HLS UNROLL
        win[k][K - 1] = col[k];
    }
    for (int k = 0; k < K - 1; ++k) {
#pragma HLS UNROLL
        lb[k][c] = col[k + 1];
    }
}

// Delay a per-pixel value a to the centre of a K x K window pushed in step: R line buffers
// alb[R][MAX_W] and R + 1 registers ash[R + 1]; after the push of pixel (r, c), ash[0] holds
// the value of pixel (r - R, c - R).
template <int R, int MAX_W, class A>
inline void centre_delay_push(A alb[R][MAX_W], A ash[R + 1], const A& a, int c) {
#pragma HLS INLINE
    A up = alb[0][c];
    for (int k = 0; k < R - 1; ++k) {
#pragma HLS UNROLL
        alb[k][c] = alb[k + 1][c];
    }
    alb[R - 1][c] = a;
    for (int j = 0; j < R; ++j) {
#pragma HLS UNROLL
        ash[j] = ash[j + 1];
    }
    ash[R] = up;
}

// Which window rows and columns lie inside the frame for the centre (row, col):
// rows_ok[dy] = 0 <= row + dy - R < height, cols_ok[dx] = 0 <= col + dx - R < width.
template <int K>
inline void window_masks(int row, int col, int width, int height, bool rows_ok[K], bool cols_ok[K]) {
#pragma HLS INLINE
    const int R = (K - 1) / 2;
    for (int d = 0; d < K; ++d) {
#pragma HLS UNROLL
        int y = row + d - R, x = col + d - R;
        rows_ok[d] = y >= 0 && y < height;
        cols_ok[d] = x >= 0 && x < width;
    }
}

// Raster position counter (column, row) advanced once per push.
struct raster_pos {
    int col;
    int row;
    void reset() {
        col = 0;
        row = 0;
    }
    void next(int width) {
        if (col == width - 1) {
            col = 0;
            ++row;
        } else {
            ++col;
        }
    }
};

}  // namespace isp

#endif  // ISP_WINDOW_H
