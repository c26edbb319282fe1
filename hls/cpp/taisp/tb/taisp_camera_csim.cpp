// C simulation driver of the camera block taisp_camera (sim/taisp/camera_csim.py writes its
// input and checks its output against the fixed-point camera model).
//
//   taisp_camera_csim WEIGHTS.hex IN.txt OUT.txt
// IN.txt (decimal): the number of calls, then per call a line
//   width height fe_config black0..3 gain0..3 ctrl error_clear def_gate0 def_alpha0..2 n_beats
// followed by n_beats lines "data user last": Bayer beats appended to the one input stream
// before the call.
// OUT.txt: per call "call K status error frames bad_frames", "params" and the NPARAM words the
// frame used, "beats N" and N lines "data user last" of the output.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "taisp_camera.h"

using namespace taisp;

static bool read_weights(const char* path, std::vector<ap_uint<WGT_W> >& w) {
    FILE* f = std::fopen(path, "r");
    if (!f) return false;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        if (line[0] == '/' || line[0] == '\n') continue;
        w.push_back(ap_uint<WGT_W>(std::strtoull(line, 0, 16)));
    }
    std::fclose(f);
    return (int)w.size() == NWEIGHTS;
}

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s WEIGHTS.hex IN.txt OUT.txt\n", argv[0]);
        return 2;
    }
    std::vector<ap_uint<WGT_W> > wv;
    if (!read_weights(argv[1], wv)) {
        std::fprintf(stderr, "cannot read %d weights from %s\n", NWEIGHTS, argv[1]);
        return 2;
    }
    static ap_uint<WGT_W> weights[NWEIGHTS];
    for (int i = 0; i < NWEIGHTS; ++i) weights[i] = wv[i];
    FILE* in = std::fopen(argv[2], "r");
    FILE* out = std::fopen(argv[3], "w");
    if (!in || !out) {
        std::fprintf(stderr, "cannot open the input or the output\n");
        return 2;
    }
    // one input stream for the whole sequence: what a call leaves unread (a broken frame's
    // rest, the frame after an early SOF) is there for the next, as on the wire
    static hls::stream<bayer_beat_t> s("s_axis");
    int calls = 0;
    if (std::fscanf(in, "%d", &calls) != 1) return 2;
    for (int k = 0; k < calls; ++k) {
        unsigned long long w, h, cfgw, blk[4], gn[4], ctrl, eclr, gate0, alpha[3], nb;
        if (std::fscanf(in, "%llu %llu %llu", &w, &h, &cfgw) != 3) return 2;
        for (int p = 0; p < 4; ++p)
            if (std::fscanf(in, "%llu", &blk[p]) != 1) return 2;
        for (int p = 0; p < 4; ++p)
            if (std::fscanf(in, "%llu", &gn[p]) != 1) return 2;
        if (std::fscanf(in, "%llu %llu %llu %llu %llu %llu %llu", &ctrl, &eclr, &gate0, &alpha[0], &alpha[1], &alpha[2],
                        &nb) != 7)
            return 2;
        for (unsigned long long i = 0; i < nb; ++i) {
            unsigned long long d, u, l;
            if (std::fscanf(in, "%llu %llu %llu", &d, &u, &l) != 3) return 2;
            bayer_beat_t b;
            b.data = d;
            b.keep = -1;
            b.strb = -1;
            b.user = u;
            b.last = l;
            b.id = 0;
            b.dest = 0;
            s.write(b);
        }
        ap_uint<32> black[4], def_alpha[NC], params[NPARAM];
        ap_uint<64> gain[4];
        for (int p = 0; p < 4; ++p) {
            black[p] = blk[p];
            gain[p] = gn[p];
        }
        for (int c = 0; c < NC; ++c) def_alpha[c] = alpha[c];
        for (int i = 0; i < NPARAM; ++i) params[i] = 0;
        hls::stream<beat_out_t> m("m_axis");
        ap_uint<32> status, error, frames, bad_frames;
        taisp_camera(s, m, w, h, cfgw, black, gain, weights, def_alpha, gate0, ctrl, eclr, status, error, frames,
                     bad_frames, params);
        std::fprintf(out, "call %d %u %u %u %u\nparams", k, status.to_uint(), error.to_uint(), frames.to_uint(),
                     bad_frames.to_uint());
        for (int i = 0; i < NPARAM; ++i) std::fprintf(out, " %u", params[i].to_uint());
        std::fprintf(out, "\nbeats %d\n", (int)m.size());
        while (!m.empty()) {
            beat_out_t b = m.read();
            std::fprintf(out, "%llu %u %u\n", (unsigned long long)b.data.to_uint64(), b.user.to_uint(),
                         b.last.to_uint());
        }
    }
    std::fclose(out);
    std::fclose(in);
    return 0;
}
