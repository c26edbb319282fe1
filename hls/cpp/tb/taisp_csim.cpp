// TA-ISP C-simulation testbench: drives taisp_core with a vector set, one call per frame, and
// compares the parameters, every stage's taps and the output stream with the fixed-point model's.
//
//   taisp_csim VECTOR_DIR [--no-taps] [--frames N]
//
// Prints one line per frame (TIME frame=F seconds=S), then either
//   CHECKED params,xg,A,xs,index,y,out     (what the vector set lets it compare)
//   RESULT PASS frames=F pixels=N
// or, at the first frame that differs, the earliest stage (in pipeline order: params, xg, A, xs,
// index, y, out) that differs, at its first differing pixel in raster order:
//   MISMATCH frame=F line=Y pixel=X stage=S tap=T comp=C expected=E got=G
//   RESULT FAIL ...
// Exit status: 0 pass, 1 mismatch, 2 bad arguments or vector set.
#include <chrono>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "taisp_core.h"
#include "vectors.h"

namespace {

using namespace taisp;

const char* const TAP_NAMES[NTAPS] = {"xg", "A", "xs", "index", "y"};
const char* const TAP_STAGES[NTAPS] = {"glc", "hsa", "hsa", "rgfc", "rgfc"};
const int TAP_COMPS[NTAPS] = {NC, 1, NC, 1, NC};
const int64_t MISSING = INT64_MIN;  // a tap value the block did not produce

// Collects the taps of the frame being simulated.
struct frame_taps : tap_sink {
    int width = 0, height = 0;
    std::vector<int64_t> v[NTAPS];
    void start(int w, int h) {
        width = w;
        height = h;
        for (int t = 0; t < NTAPS; ++t)
            v[t].assign(static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(TAP_COMPS[t]), MISSING);
    }
    void put(int tap, int row, int col, int comp, int64_t raw_value) override {
        if (row < 0 || row >= height || col < 0 || col >= width) return;
        v[tap][(static_cast<size_t>(row) * static_cast<size_t>(width) + static_cast<size_t>(col)) *
                   static_cast<size_t>(TAP_COMPS[tap]) + static_cast<size_t>(comp)] = raw_value;
    }
};

struct mismatch {
    bool found = false;
    int line = -1, pixel = -1, comp = -1;
    std::string stage, tap;
    std::string expected, got;
};

std::string hex64(int64_t v) {
    char b[32];
    if (v == MISSING) return "none";
    if (v < 0) {
        std::snprintf(b, sizeof b, "-0x%" PRIx64, static_cast<uint64_t>(-v));
    } else {
        std::snprintf(b, sizeof b, "0x%" PRIx64, static_cast<uint64_t>(v));
    }
    return b;
}

ap_uint<S_TDATA_W> to_in_data(const std::vector<uint64_t>& limbs) {
    ap_uint<S_TDATA_W> d = 0;
    for (int i = 0; i < S_TDATA_W; ++i) {
        size_t k = static_cast<size_t>(i / 64);
        if (k < limbs.size() && ((limbs[k] >> (i % 64)) & 1u)) d[i] = 1;
    }
    return d;
}

bool same_out(const beat_out_t& b, const tb::beat_rec& e) {
    for (int i = 0; i < M_TDATA_W; ++i) {
        size_t k = static_cast<size_t>(i / 64);
        bool eb = k < e.data.size() && ((e.data[k] >> (i % 64)) & 1u);
        if ((b.data[i] == 1) != eb) return false;
    }
    return (b.user[0] == 1) == e.sof && (b.last == 1) == e.eol;
}

std::string out_str(bool sof, bool eol, const std::string& data) {
    return data + (sof ? "+sof" : "") + (eol ? "+eol" : "");
}

std::string rec_data_hex(const tb::beat_rec& e) {
    std::string s;
    char b[24];
    for (size_t k = e.data.size(); k-- > 0;) {
        std::snprintf(b, sizeof b, s.empty() ? "%" PRIx64 : "%016" PRIx64, e.data[k]);
        s += b;
    }
    return "0x" + (s.empty() ? std::string("0") : s);
}

void usage() {
    std::fprintf(stderr, "usage: taisp_csim VECTOR_DIR [--no-taps] [--frames N]\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage();
        return 2;
    }
    std::string dir = argv[1];
    bool use_taps = true;
    int max_frames = -1;
    for (int a = 2; a < argc; ++a) {
        if (std::strcmp(argv[a], "--no-taps") == 0) {
            use_taps = false;
        } else if (std::strcmp(argv[a], "--frames") == 0 && a + 1 < argc) {
            max_frames = std::atoi(argv[++a]);
        } else {
            usage();
            return 2;
        }
    }
    tb::vector_set vs;
    std::string err;
    if (!tb::read_vector_set(dir, vs, err)) {
        std::fprintf(stderr, "ERROR %s\n", err.c_str());
        return 2;
    }
    if (vs.in_data_bits != S_TDATA_W || vs.out_data_bits != M_TDATA_W) {
        std::fprintf(stderr, "ERROR vector set has %d/%d data bits, the block %d/%d (another config?)\n",
                     vs.in_data_bits, vs.out_data_bits, S_TDATA_W, M_TDATA_W);
        return 2;
    }
    if (static_cast<int>(vs.weights.size()) != NWEIGHTS) {
        std::fprintf(stderr, "ERROR %zu weight words, the block needs %d\n", vs.weights.size(), NWEIGHTS);
        return 2;
    }
    if (vs.width < 2 || vs.width > MAX_W || vs.height < 1 || vs.height > 4095) {
        std::fprintf(stderr, "ERROR frame size %dx%d out of range (TAISP_MAX_W %d)\n", vs.width, vs.height, MAX_W);
        return 2;
    }
    const int W = vs.width, H = vs.height;
    const size_t npix = static_cast<size_t>(W) * static_cast<size_t>(H);
    const int frames = max_frames >= 0 && max_frames < vs.frames ? max_frames : vs.frames;

    // the registers software programs once
    static ap_uint<WGT_W> weights[NWEIGHTS];
    for (int i = 0; i < NWEIGHTS; ++i) weights[i] = ap_uint<WGT_W>(vs.weights[static_cast<size_t>(i)]);
    ap_uint<32> def_alpha[NC];
    const char* alpha_regs[NC] = {"DEF_ALPHA0", "DEF_ALPHA1", "DEF_ALPHA2"};
    for (int c = 0; c < NC; ++c)
        def_alpha[c] = vs.registers.count(alpha_regs[c]) ? vs.registers[alpha_regs[c]] : GLC_ALPHA_ONE;
    ap_uint<32> def_gate0 = vs.registers.count("DEF_GATE0") ? vs.registers["DEF_GATE0"] : HSA_GATE_ONE / 2;

    hls::stream<beat_in_t> s_axis("s_axis");
    hls::stream<beat_out_t> m_axis("m_axis");
    for (size_t k = 0; k < vs.input.size(); ++k) {
        beat_in_t b;
        b.data = to_in_data(vs.input[k].data);
        b.keep = -1;
        b.strb = -1;
        b.user = vs.input[k].sof ? 1 : 0;
        b.last = vs.input[k].eol ? 1 : 0;
        b.id = 0;
        b.dest = 0;
        s_axis.write(b);
    }

    // tap values of the vector set by name
    const tb::tap_rec* exp_tap[NTAPS] = {0, 0, 0, 0, 0};
    for (size_t t = 0; t < vs.taps.size(); ++t)
        for (int k = 0; k < NTAPS; ++k)
            if (vs.taps[t].name == TAP_NAMES[k] && vs.taps[t].components == TAP_COMPS[k]) exp_tap[k] = &vs.taps[t];

    std::string checked = vs.params.empty() ? "" : "params";
    for (int t = 0; t < NTAPS; ++t) {
        if (!exp_tap[t] || !use_taps) continue;
        if (exp_tap[t]->values.size() != static_cast<size_t>(vs.frames) * npix * static_cast<size_t>(TAP_COMPS[t])) {
            std::fprintf(stderr, "ERROR tap %s has %zu values, expected %d frames of %zu pixels\n", TAP_NAMES[t],
                         exp_tap[t]->values.size(), vs.frames, npix);
            return 2;
        }
        checked += std::string(checked.empty() ? "" : ",") + TAP_NAMES[t];
    }
    checked += std::string(checked.empty() ? "" : ",") + "out";
    std::printf("CHECKED %s\n", checked.c_str());
    if (vs.expected.size() < static_cast<size_t>(frames) * npix) {
        std::fprintf(stderr, "ERROR expected stream has %zu beats, %d frames need %zu\n", vs.expected.size(), frames,
                     static_cast<size_t>(frames) * npix);
        return 2;
    }

    frame_taps sink;
    g_tap_sink = use_taps ? &sink : 0;
    double total_s = 0;
    size_t out_pos = 0;
    for (int f = 0; f < frames; ++f) {
        sink.start(W, H);
        ap_uint<32> status, error, nframes, bad_frames, params_out[NPARAM];
        auto t0 = std::chrono::steady_clock::now();
        taisp_core(s_axis, m_axis, W, H, weights, def_alpha, def_gate0, 0, 0, status, error, nframes, bad_frames,
                   params_out);
        double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        total_s += sec;
        std::printf("TIME frame=%d seconds=%.6f error=0x%x\n", f, sec, error.to_uint());

        mismatch mm;
        bool unchecked = false;  // a broken input frame: framing, parameters and errors only
        for (size_t k = 0; k < vs.frames_unchecked.size(); ++k) unchecked = unchecked || vs.frames_unchecked[k] == f;
        // 0. the ERROR register
        if (f < static_cast<int>(vs.errors.size()) && error.to_int64() != vs.errors[static_cast<size_t>(f)]) {
            mm.found = true;
            mm.stage = "stream";
            mm.tap = "error";
            mm.expected = hex64(vs.errors[static_cast<size_t>(f)]);
            mm.got = hex64(error.to_int64());
        }
        // 1. the parameters the frame used
        if (f < static_cast<int>(vs.params.size())) {
            const std::vector<uint64_t>& ep = vs.params[static_cast<size_t>(f)];
            for (int i = 0; i < NPARAM && i < static_cast<int>(ep.size()) && !mm.found; ++i) {
                if (params_out[i].to_uint64() != ep[static_cast<size_t>(i)]) {
                    mm.found = true;
                    mm.stage = "params";
                    mm.tap = i < PARAM_GATE ? "alpha" : i < PARAM_W ? "gate" : i < PARAM_INV_W ? "w" : "inv_w";
                    mm.comp = i < PARAM_GATE ? i - PARAM_ALPHA : i < PARAM_W ? i - PARAM_GATE
                              : i < PARAM_INV_W ? i - PARAM_W : i - PARAM_INV_W;
                    mm.expected = hex64(static_cast<int64_t>(ep[static_cast<size_t>(i)]));
                    mm.got = hex64(static_cast<int64_t>(params_out[i].to_uint64()));
                }
            }
        }
        // 2. the stage taps, in pipeline order
        for (int t = 0; t < NTAPS && use_taps && !unchecked && !mm.found; ++t) {
            if (!exp_tap[t]) continue;
            const size_t nc = static_cast<size_t>(TAP_COMPS[t]);
            const size_t base = static_cast<size_t>(f) * npix * nc;
            for (size_t i = 0; i < npix * nc && !mm.found; ++i) {
                int64_t e = exp_tap[t]->values[base + i], g = sink.v[t][i];
                if (e != g) {
                    mm.found = true;
                    mm.stage = TAP_STAGES[t];
                    mm.tap = TAP_NAMES[t];
                    mm.line = static_cast<int>(i / nc / static_cast<size_t>(W));
                    mm.pixel = static_cast<int>(i / nc % static_cast<size_t>(W));
                    mm.comp = static_cast<int>(i % nc);
                    mm.expected = hex64(e);
                    mm.got = hex64(g);
                }
            }
        }
        // 3. the output stream (data, SOF, EOL)
        std::vector<beat_out_t> got;
        while (!m_axis.empty() && got.size() < npix) got.push_back(m_axis.read());
        for (size_t i = 0; i < npix && !mm.found; ++i) {
            if (out_pos + i >= vs.expected.size()) {
                mm.found = true;
                mm.stage = "stream";
                mm.tap = "out";
                mm.line = static_cast<int>(i / static_cast<size_t>(W));
                mm.pixel = static_cast<int>(i % static_cast<size_t>(W));
                mm.expected = "none";
                mm.got = "beat";
            } else if (i >= got.size() ||
                       (unchecked ? (got[i].user[0] == 1) != vs.expected[out_pos + i].sof ||
                                        (got[i].last == 1) != vs.expected[out_pos + i].eol
                                  : !same_out(got[i], vs.expected[out_pos + i]))) {
                const tb::beat_rec& e = vs.expected[out_pos + i];
                mm.found = true;
                mm.stage = "rgfc";
                mm.tap = "out";
                mm.line = static_cast<int>(i / static_cast<size_t>(W));
                mm.pixel = static_cast<int>(i % static_cast<size_t>(W));
                mm.expected = out_str(e.sof, e.eol, rec_data_hex(e));
                mm.got = i >= got.size() ? std::string("none")
                                         : out_str(got[i].user[0] == 1, got[i].last == 1,
                                                   "0x" + got[i].data.to_string(16, false).substr(2));
            }
        }
        out_pos += npix;
        if (mm.found) {
            std::printf("MISMATCH frame=%d line=%d pixel=%d stage=%s tap=%s comp=%d expected=%s got=%s\n", f,
                        mm.line, mm.pixel, mm.stage.c_str(), mm.tap.c_str(), mm.comp, mm.expected.c_str(),
                        mm.got.c_str());
            std::printf("RESULT FAIL frame=%d stage=%s tap=%s\n", f, mm.stage.c_str(), mm.tap.c_str());
            return 1;
        }
    }
    std::printf("RESULT PASS frames=%d pixels=%zu seconds=%.6f\n", frames, npix * static_cast<size_t>(frames),
                total_s);
    return 0;
}
