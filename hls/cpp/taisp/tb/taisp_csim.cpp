// TA-ISP C-simulation testbench: replays a vector set (`taisp vectors`, sim/README.md) through
// taisp_core, one call per frame, and compares every register read-back, parameter block,
// stage tap and output beat with the fixed-point model's.
//
//   taisp_csim VECTOR_DIR [--no-taps] [--bin] [--frames N] [--inject FAULT@K]
//
//   --no-taps      compare the registers, parameters and output stream only (no tap files read)
//   --bin          read stream_in.bin, stream_out.bin and axil_writes.bin instead of the .hex files
//   --frames N     replay the first N frames only
//   --inject FAULT@K   stream a fault before the set's frame K (1 <= K < frames) and check that the
//                  block flags it and resynchronises: the set's frames must still match exactly.
//                  short_line, long_line, early_sof: an extra broken copy of frame K (line 3 ends
//                  5 pixels early / runs 2 pixels long; cut after 2 lines), whose call must set
//                  its ERROR bit (SHORT_LINE / LONG_LINE / EARLY_SOF), count a bad frame and keep
//                  the output framing; missing_sof: 2 beats without SOF before frame K (ERROR
//                  MISSING_SOF in frame K's call);
//                  extra: a well-formed copy of frame K (a control: frame K's parameters must then
//                  differ, since they come from the extra frame's statistics)
//
// The block is programmed from the set's AXI4-Lite write list (axil_writes.*): the addresses of
// the generated taisp_regmap.h map to taisp_core's arguments (WIDTH, HEIGHT, DEF_GATE0,
// DEF_ALPHA0..2, the weight image at WEIGHT_BASE, CTRL: RESTART and CLEAR_COUNTERS act on the
// first call, ERROR: write-1-to-clear). Build it against the set's own gen/ headers (the set's
// config): a set of another config is refused (exit 2).
//
// Per frame, in pipeline order, the first difference is reported:
//   registers  ERROR, FRAMES, BAD_FRAMES, STATUS after the call
//   params     the 37 parameters the frame used (params.hex block k)
//   input      taps/x against stream_in (the set's own consistency)
//   glc        xg;  hsa: A, xs;  rgfc: index, y, out (the out tap against the output beats)
//   output     the output beats against stream_out (data, SOF, EOL)
// and after the last frame the parameters computed from its statistics (block N; read by one
// more call on a 2x1 frame, since taisp_core runs its parameter engine at the start of a call).
//
// Output: a TIME line per call, CHECKED <what was compared>, then RESULT PASS frames=F ... or
//   MISMATCH frame=F line=Y pixel=X stage=S tap=T comp=C channel=R|G|B|- expected=E got=G
//   PIXEL frame=F line=Y pixel=X <tap>=<expected>/<got> ...   (every tap at that pixel)
//   RESULT FAIL frame=F line=Y pixel=X stage=S tap=T
// Exit status: 0 pass, 1 mismatch, 2 bad arguments, unreadable vector set or another config.
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

// ------------------------------------------------------------------ stages
// The compared taps in pipeline order; `hook` is the C++ tap id (-1: not from the tap hook).
struct stage_tap {
    const char* name;
    const char* stage;
    int channels;
    int hook;
    int bits;
    bool is_signed;
};
const int NSTAGE_TAPS = 7;
const stage_tap STAGE_TAPS[NSTAGE_TAPS] = {
    {"x", "input", NC, -1, frontend_x_t::width, !!fx<frontend_x_t>::S},
    {"xg", "glc", NC, TAP_XG, glc_xg_t::width, !!fx<glc_xg_t>::S},
    {"A", "hsa", 1, TAP_A, hsa_A_t::width, !!fx<hsa_A_t>::S},
    {"xs", "hsa", NC, TAP_XS, hsa_xs_t::width, !!fx<hsa_xs_t>::S},
    {"index", "rgfc", 1, TAP_INDEX, 4, false},
    {"y", "rgfc", NC, TAP_Y, rgfc_y_t::width, !!fx<rgfc_y_t>::S},
    {"out", "rgfc", NC, -1, rgfc_out_t::width, !!fx<rgfc_out_t>::S},
};
const int64_t MISSING = INT64_MIN;  // a value the block did not produce

// Collects the taps of the frame being simulated (the C++ tap hook).
struct frame_taps : tap_sink {
    int width = 0, height = 0;
    std::vector<int64_t> v[NTAPS];
    int comps[NTAPS] = {NC, 1, NC, 1, NC};
    void start(int w, int h) {
        width = w;
        height = h;
        for (int t = 0; t < NTAPS; ++t)
            v[t].assign(static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(comps[t]), MISSING);
    }
    void put(int tap, int row, int col, int comp, int64_t raw_value) override {
        if (tap < 0 || tap >= NTAPS || row < 0 || row >= height || col < 0 || col >= width) return;
        v[tap][(static_cast<size_t>(row) * static_cast<size_t>(width) + static_cast<size_t>(col)) *
                   static_cast<size_t>(comps[tap]) + static_cast<size_t>(comp)] = raw_value;
    }
};

struct mismatch {
    bool found = false;
    int line = -1, pixel = -1, comp = -1;
    bool is_channel = false;
    std::string stage, tap, expected, got;
    void set(const char* s, const std::string& t, int ln, int px, int c, bool ch, const std::string& e,
             const std::string& g) {
        found = true;
        stage = s;
        tap = t;
        line = ln;
        pixel = px;
        comp = c;
        is_channel = ch;
        expected = e;
        got = g;
    }
};

std::string hex64(int64_t v) {
    char b[32];
    if (v == MISSING) return "none";
    if (v < 0) {
        std::snprintf(b, sizeof b, "-0x%" PRIx64, static_cast<uint64_t>(0) - static_cast<uint64_t>(v));
    } else {
        std::snprintf(b, sizeof b, "0x%" PRIx64, static_cast<uint64_t>(v));
    }
    return b;
}

std::string flags_str(bool sof, bool eol) { return std::string(sof ? "+sof" : "") + (eol ? "+eol" : ""); }

// ------------------------------------------------------------------ programming
struct programmed {
    int width = -1, height = -1;
    ap_uint<32> def_alpha[NC];
    ap_uint<32> def_gate0;
    uint32_t ctrl = 0, error_clear = 0;
    int nweights = 0;
};

bool program(const tb::vector_set& vs, ap_uint<WGT_W> weights[NWEIGHTS], programmed& p, std::string& err) {
    std::vector<bool> seen(NWEIGHTS, false);
    for (int c = 0; c < NC; ++c) p.def_alpha[c] = GLC_ALPHA_ONE;  // the reset values
    p.def_gate0 = HSA_GATE_ONE / 2;
    for (size_t k = 0; k < vs.writes.size(); ++k) {
        const long a = static_cast<long>(vs.writes[k].first);
        const uint32_t d = vs.writes[k].second;
        if (a >= WEIGHT_BASE && a < WEIGHT_BASE + 4L * NWEIGHTS && (a - WEIGHT_BASE) % 4 == 0) {
            const int i = static_cast<int>((a - WEIGHT_BASE) / 4);
            weights[i] = ap_uint<WGT_W>(d);  // the entry's raw bits are the low bits of the word
            if (!seen[static_cast<size_t>(i)]) ++p.nweights;
            seen[static_cast<size_t>(i)] = true;
        } else if (a == REG_WIDTH) {
            p.width = static_cast<int>(d);
        } else if (a == REG_HEIGHT) {
            p.height = static_cast<int>(d);
        } else if (a == REG_DEF_GATE0) {
            p.def_gate0 = d;
        } else if (a == REG_DEF_ALPHA0 || a == REG_DEF_ALPHA1 || a == REG_DEF_ALPHA2) {
            p.def_alpha[(a - REG_DEF_ALPHA0) / 4] = d;
        } else if (a == REG_CTRL) {
            p.ctrl |= d;
        } else if (a == REG_ERROR) {
            p.error_clear |= d;
        } else {
            char b[96];
            std::snprintf(b, sizeof b, "write %zu: address 0x%lx is not a writable register of taisp_core", k + 1, a);
            err = b;
            return false;
        }
    }
    if (p.nweights != NWEIGHTS) {
        err = "the write list sets " + std::to_string(p.nweights) + " of the " + std::to_string(NWEIGHTS) + " weight words";
        return false;
    }
    if (p.width != vs.width || p.height != vs.height) {
        err = "the write list sets the frame size to " + std::to_string(p.width) + "x" + std::to_string(p.height) +
              ", the manifest says " + std::to_string(vs.width) + "x" + std::to_string(vs.height);
        return false;
    }
    if (!(p.ctrl & CTRL_COMMIT_MASK)) {
        err = "the write list never writes CTRL.COMMIT";
        return false;
    }
    return true;
}

// The vector set's config must be the one compiled in (taisp_config.h of the set's gen/).
bool same_config(const tb::vector_set& vs, std::string& err) {
    char b[256];
    if (vs.in.component_bits != X_W || vs.in.tdata_bits != S_TDATA_W || vs.out.component_bits != OUT_W ||
        vs.out.tdata_bits != M_TDATA_W) {
        std::snprintf(b, sizeof b,
                      "the vector set's streams have %d/%d-bit components in %d/%d data bits, this build %d/%d in "
                      "%d/%d: another config (build against the set's gen/)",
                      vs.in.component_bits, vs.out.component_bits, vs.in.tdata_bits, vs.out.tdata_bits, X_W, OUT_W,
                      S_TDATA_W, M_TDATA_W);
        err = b;
        return false;
    }
    for (int t = 0; t < NSTAGE_TAPS; ++t) {
        const tb::tap_desc* d = vs.tap(STAGE_TAPS[t].name);
        if (d && (d->bits != STAGE_TAPS[t].bits || d->is_signed != STAGE_TAPS[t].is_signed ||
                  d->channels != STAGE_TAPS[t].channels)) {
            std::snprintf(b, sizeof b,
                          "tap %s: %d-bit %s x %d in the vector set, %d-bit %s x %d in this build: another config "
                          "(build against the set's gen/)",
                          d->name.c_str(), d->bits, d->is_signed ? "signed" : "unsigned", d->channels,
                          STAGE_TAPS[t].bits, STAGE_TAPS[t].is_signed ? "signed" : "unsigned", STAGE_TAPS[t].channels);
            err = b;
            return false;
        }
    }
    if (vs.param_words != NPARAM || vs.regmap_version != REGMAP_VERSION || vs.weight_base != WEIGHT_BASE ||
        vs.param_base != PARAM_BASE) {
        err = "the vector set's register map (version " + std::to_string(vs.regmap_version) + ", " +
              std::to_string(vs.param_words) + " parameters) is not this build's (version " +
              std::to_string(REGMAP_VERSION) + ", " + std::to_string(NPARAM) + ")";
        return false;
    }
    return true;
}

// ------------------------------------------------------------------ the call plan
enum fault_t { F_NONE, F_SHORT_LINE, F_LONG_LINE, F_EARLY_SOF, F_MISSING_SOF, F_EXTRA };
const char* const FAULT_NAMES[] = {"none", "short_line", "long_line", "early_sof", "missing_sof", "extra"};
const unsigned FAULT_ERROR[] = {0, ERROR_SHORT_LINE_MASK, ERROR_LONG_LINE_MASK, ERROR_EARLY_SOF_MASK, ERROR_MISSING_SOF_MASK, 0};

// One call of taisp_core: the beats it is given ([begin, end) of the feed), and which of the
// set's frames it is (-1: an injected frame, not compared with the set).
struct call_t {
    size_t begin, end;
    int frame;
    bool broken;  // expected to be cut short (a bad frame)
};

// The input beats with the fault injected before frame k (copies of frame k's beats).
void inject(const tb::vector_set& vs, fault_t fault, int k, int frames, tb::beat_list& feed, std::vector<call_t>& calls) {
    const size_t W = static_cast<size_t>(vs.width), H = static_cast<size_t>(vs.height), n = W * H;
    const tb::beat_list& in = vs.input;
    feed.tdata_bits = in.tdata_bits;
    feed.limbs = in.limbs;
    for (int f = 0; f < frames; ++f) {
        const size_t base = static_cast<size_t>(f) * n;
        if (f == k && fault != F_NONE) {
            const size_t start = feed.size();
            const size_t ln = H > 3 ? 3 : H - 1;  // the line that breaks
            if (fault == F_SHORT_LINE) {          // line ln ends 5 pixels early (at least 1 pixel long)
                const size_t cut = W > 6 ? W - 5 : 1;
                for (size_t i = 0; i < n; ++i) {
                    const size_t row = i / W, col = i % W;
                    if (row == ln && col >= cut) continue;
                    feed.push_copy(in, base + i, static_cast<uint8_t>(in.flags[base + i] | (row == ln && col == cut - 1 ? 2u : 0u)));
                }
            } else if (fault == F_LONG_LINE) {  // line ln runs 2 pixels long
                for (size_t i = 0; i < n; ++i) {
                    const size_t row = i / W, col = i % W;
                    if (row == ln && col == W - 1) {
                        feed.push_copy(in, base + i, static_cast<uint8_t>(in.flags[base + i] & ~2u));
                        feed.push_copy(in, base + i - 1, 0);
                        feed.push_copy(in, base + i, 2);
                    } else {
                        feed.push_copy(in, base + i, in.flags[base + i]);
                    }
                }
            } else if (fault == F_EARLY_SOF) {  // cut after 2 lines: frame k's SOF arrives inside it
                const size_t m = H >= 3 ? 2 * W : (n > 1 ? n / 2 : 1);
                for (size_t i = 0; i < m; ++i) feed.push_copy(in, base + i, in.flags[base + i]);
            } else if (fault == F_EXTRA) {
                for (size_t i = 0; i < n; ++i) feed.push_copy(in, base + i, in.flags[base + i]);
            }
            if (fault == F_MISSING_SOF) {  // 2 stray beats, no call of their own
                for (size_t i = 1; i <= 2; ++i) feed.push_copy(in, base + (i < n ? i : 0), 0);
            } else {
                call_t c = {start, feed.size(), -1, fault != F_EXTRA};
                calls.push_back(c);
            }
        }
        const size_t start = f == k && fault == F_MISSING_SOF ? feed.size() - 2 : feed.size();
        for (size_t i = 0; i < n; ++i) feed.push_copy(in, base + i, in.flags[base + i]);
        call_t c = {start, feed.size(), f, false};
        calls.push_back(c);
    }
}

beat_in_t make_beat(const tb::beat_list& feed, size_t i) {
    beat_in_t b;
    b.data = 0;
    for (int k = 0; k < feed.limbs; ++k) {
        const int lo = 64 * k, hi = lo + 63 < S_TDATA_W - 1 ? lo + 63 : S_TDATA_W - 1;
        if (lo < S_TDATA_W) b.data.range(hi, lo) = feed.limb(i, k);
    }
    b.keep = -1;
    b.strb = -1;
    b.user = feed.sof(i) ? 1 : 0;
    b.last = feed.eol(i) ? 1 : 0;
    b.id = 0;
    b.dest = 0;
    return b;
}

void usage() {
    std::fprintf(stderr,
                 "usage: taisp_csim VECTOR_DIR [--no-taps] [--bin] [--frames N] [--inject FAULT@K]\n"
                 "       FAULT: short_line, long_line, early_sof, missing_sof, extra\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage();
        return 2;
    }
    const std::string dir = argv[1];
    bool use_taps = true, binary = false;
    int max_frames = -1, inject_at = -1;
    fault_t fault = F_NONE;
    for (int a = 2; a < argc; ++a) {
        if (std::strcmp(argv[a], "--no-taps") == 0) {
            use_taps = false;
        } else if (std::strcmp(argv[a], "--bin") == 0) {
            binary = true;
        } else if (std::strcmp(argv[a], "--frames") == 0 && a + 1 < argc) {
            max_frames = std::atoi(argv[++a]);
        } else if (std::strcmp(argv[a], "--inject") == 0 && a + 1 < argc) {
            const std::string s = argv[++a];
            const size_t at = s.find('@');
            for (int f = F_SHORT_LINE; f <= F_EXTRA && at != std::string::npos; ++f)
                if (s.compare(0, at, FAULT_NAMES[f]) == 0 && at == std::strlen(FAULT_NAMES[f])) fault = static_cast<fault_t>(f);
            if (fault == F_NONE) {
                usage();
                return 2;
            }
            inject_at = std::atoi(s.c_str() + at + 1);
        } else {
            usage();
            return 2;
        }
    }
    tb::vector_set vs;
    std::string err;
    if (!tb::read_vector_set(dir, binary, vs, err) || !same_config(vs, err)) {
        std::fprintf(stderr, "ERROR %s\n", err.c_str());
        return 2;
    }
    if (vs.width < 2 || vs.width > MAX_W || vs.height < 1 || vs.height > 4095) {
        std::fprintf(stderr, "ERROR frame size %dx%d out of range (TAISP_MAX_W %d)\n", vs.width, vs.height, MAX_W);
        return 2;
    }
    static ap_uint<WGT_W> weights[NWEIGHTS];
    programmed reg;
    if (!program(vs, weights, reg, err)) {
        std::fprintf(stderr, "ERROR %s/axil_writes: %s\n", dir.c_str(), err.c_str());
        return 2;
    }
    const int W = vs.width, H = vs.height;
    const size_t npix = static_cast<size_t>(W) * static_cast<size_t>(H);
    const int frames = max_frames >= 0 && max_frames < vs.frames ? max_frames : vs.frames;
    if (fault != F_NONE && (inject_at < 1 || inject_at >= frames)) {
        std::fprintf(stderr, "ERROR --inject %s@%d: K must be in 1..%d\n", FAULT_NAMES[fault], inject_at, frames - 1);
        return 2;
    }
    std::printf("VECTORS %s: %d frame(s) of %dx%d, schema %d, %zu AXI4-Lite writes (ctrl 0x%x)\n", dir.c_str(),
                vs.frames, W, H, vs.schema_version, vs.writes.size(), reg.ctrl);

    // what is compared
    tb::tap_reader readers[NSTAGE_TAPS];
    bool have[NSTAGE_TAPS];
    std::string checked = "registers,params";
    for (int t = 0; t < NSTAGE_TAPS; ++t) {
        const tb::tap_desc* d = vs.tap(STAGE_TAPS[t].name);
        have[t] = use_taps && d != 0;
        if (have[t] && !readers[t].open(dir, *d, err)) {
            std::fprintf(stderr, "ERROR %s\n", err.c_str());
            return 2;
        }
        if (have[t]) checked += std::string(",") + STAGE_TAPS[t].name;
    }
    checked += ",stream_out";
    std::printf("CHECKED %s\n", checked.c_str());

    // the input as streamed (with an injected fault) and the calls
    tb::beat_list injected;
    std::vector<call_t> calls;
    const tb::beat_list* feed = &vs.input;
    if (fault != F_NONE) {
        inject(vs, fault, inject_at, frames, injected, calls);
        feed = &injected;
    } else {
        for (int f = 0; f < frames; ++f) {
            call_t c = {static_cast<size_t>(f) * npix, static_cast<size_t>(f + 1) * npix, f, false};
            calls.push_back(c);
        }
    }

    hls::stream<beat_in_t> s_axis("s_axis");
    hls::stream<beat_out_t> m_axis("m_axis");
    frame_taps sink;
    g_tap_sink = use_taps ? &sink : 0;
    size_t fed = 0;
    uint32_t exp_error = 0, exp_frames = 0, exp_bad = 0;
    bool stats_valid = false;
    double total_s = 0;
    std::vector<int64_t> exp_vals[NSTAGE_TAPS], got_vals[NSTAGE_TAPS];
    std::vector<beat_out_t> got;
    got.reserve(npix);
    ap_uint<32> ctrl = reg.ctrl & ~CTRL_COMMIT_MASK, error_clear = reg.error_clear;

    for (size_t ci = 0; ci < calls.size(); ++ci) {
        const call_t& c = calls[ci];
        // the call's beats, and one more: an early SOF is seen only when the next frame's SOF is there
        const size_t upto = ci + 1 < calls.size() ? calls[ci + 1].begin + 1 : c.end;
        for (; fed < upto && fed < feed->size(); ++fed) s_axis.write(make_beat(*feed, fed));
        sink.start(W, H);
        ap_uint<32> status, error, nframes, bad_frames, params_out[NPARAM];
        const auto t0 = std::chrono::steady_clock::now();
        taisp_core(s_axis, m_axis, W, H, weights, reg.def_alpha, reg.def_gate0, ctrl, error_clear, status, error,
                   nframes, bad_frames, params_out);
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (ctrl & CTRL_RESTART_MASK) stats_valid = false;
        if (ctrl & CTRL_CLEAR_COUNTERS_MASK) exp_frames = exp_bad = 0;
        exp_error &= ~static_cast<uint32_t>(error_clear.to_uint());
        const bool used_defaults = !stats_valid;
        ctrl = 0;  // self-clearing
        error_clear = 0;
        got.clear();
        while (!m_axis.empty() && got.size() < npix) got.push_back(m_axis.read());
        const int f = c.frame;
        if (c.frame < 0) {
            total_s += sec;
            std::printf("TIME call=%zu injected=%s seconds=%.6f error=0x%x frames=%u bad_frames=%u\n", ci,
                        FAULT_NAMES[fault], sec, error.to_uint(), nframes.to_uint(), bad_frames.to_uint());
        } else {
            total_s += sec;
            std::printf("TIME frame=%d seconds=%.6f error=0x%x\n", f, sec, error.to_uint());
        }
        // expected register state after this call
        if (c.broken) {
            exp_error |= FAULT_ERROR[fault];
            ++exp_bad;
        } else {
            if (c.frame >= 0 && fault == F_MISSING_SOF && c.frame == inject_at) exp_error |= ERROR_MISSING_SOF_MASK;
            ++exp_frames;
            stats_valid = true;
        }
        const int rep_frame = f >= 0 ? f : inject_at;  // an injected frame is reported at the frame it precedes
        mismatch mm;
        // 0. registers
        const uint32_t exp_status = (stats_valid ? STATUS_READY_MASK : 0u) | (used_defaults ? STATUS_DEFAULTS_MASK : 0u);
        if (error.to_uint() != exp_error) {
            mm.set("registers", "ERROR", -1, -1, -1, false, hex64(exp_error), hex64(error.to_uint()));
        } else if (nframes.to_uint() != exp_frames) {
            mm.set("registers", "FRAMES", -1, -1, -1, false, hex64(exp_frames), hex64(nframes.to_uint()));
        } else if (bad_frames.to_uint() != exp_bad) {
            mm.set("registers", "BAD_FRAMES", -1, -1, -1, false, hex64(exp_bad), hex64(bad_frames.to_uint()));
        } else if (status.to_uint() != exp_status) {
            mm.set("registers", "STATUS", -1, -1, -1, false, hex64(exp_status), hex64(status.to_uint()));
        }
        // 1. the parameters the frame used
        for (int i = 0; i < NPARAM && f >= 0 && !mm.found; ++i) {
            const uint32_t e = vs.params[static_cast<size_t>(f) * NPARAM + static_cast<size_t>(i)];
            if (params_out[i].to_uint() != e) {
                const char* t = i < PARAM_GATE ? "alpha" : i < PARAM_W ? "gate" : i < PARAM_INV_W ? "w" : "inv_w";
                const int k = i < PARAM_GATE ? i - PARAM_ALPHA : i < PARAM_W ? i - PARAM_GATE
                              : i < PARAM_INV_W ? i - PARAM_W : i - PARAM_INV_W;
                mm.set("params", t, -1, -1, k, false, hex64(e), hex64(params_out[i].to_uint()));
            }
        }
        // 2. the stage taps in pipeline order, each at its first differing pixel
        for (int t = 0; t < NSTAGE_TAPS && f >= 0; ++t) {
            if (!have[t]) continue;
            const size_t nc = static_cast<size_t>(STAGE_TAPS[t].channels);
            if (!readers[t].read(npix * nc, exp_vals[t], err)) {
                std::fprintf(stderr, "ERROR %s\n", err.c_str());
                while (!s_axis.empty()) s_axis.read();
                while (!m_axis.empty()) m_axis.read();
                return 2;
            }
            std::vector<int64_t>& g = got_vals[t];
            if (STAGE_TAPS[t].hook >= 0) {
                g = sink.v[STAGE_TAPS[t].hook];
            } else {
                g.assign(npix * nc, MISSING);
                const size_t base = static_cast<size_t>(f) * npix;
                for (size_t i = 0; i < npix; ++i) {
                    for (size_t ch = 0; ch < nc; ++ch) {
                        // UG934: G in the low bits, then B, then R; channels R, G, B
                        const int slot = ch == 0 ? 2 : ch == 1 ? 0 : 1;
                        if (t == 0) {
                            g[i * nc + ch] = static_cast<int64_t>(vs.input.field(base + i, slot * X_W, X_W));
                        } else if (i < got.size()) {
                            g[i * nc + ch] = static_cast<int64_t>(
                                got[i].data.range((slot + 1) * OUT_W - 1, slot * OUT_W).to_uint64());
                        }
                    }
                }
            }
            for (size_t i = 0; i < npix * nc && !mm.found; ++i) {
                if (exp_vals[t][i] != g[i]) {
                    const int px = static_cast<int>(i / nc);
                    mm.set(STAGE_TAPS[t].stage, STAGE_TAPS[t].name, px / W, px % W, static_cast<int>(i % nc), nc == 3,
                           hex64(exp_vals[t][i]), hex64(g[i]));
                }
            }
        }
        // 3. the output beats: data and flags (an injected frame: its framing only)
        for (size_t i = 0; i < npix && !mm.found; ++i) {
            const int ln = static_cast<int>(i / static_cast<size_t>(W)), px = static_cast<int>(i % static_cast<size_t>(W));
            const size_t e = static_cast<size_t>(f >= 0 ? f : 0) * npix + i;
            const bool esof = i == 0, eeol = px == W - 1;
            if (i >= got.size()) {
                mm.set("output", "stream_out", ln, px, -1, false, f >= 0 ? vs.expected.data_hex(e) + flags_str(esof, eeol) : "beat",
                       "none");
                break;
            }
            const bool gsof = got[i].user[0] == 1, geol = got[i].last == 1;
            bool same = gsof == esof && geol == eeol;
            std::string ed;
            if (f >= 0) {
                same = same && vs.expected.sof(e) == gsof && vs.expected.eol(e) == geol;
                for (int k = 0; k < vs.expected.limbs && same; ++k) {
                    const int lo = 64 * k, hi = lo + 63 < M_TDATA_W - 1 ? lo + 63 : M_TDATA_W - 1;
                    same = got[i].data.range(hi, lo).to_uint64() == vs.expected.limb(e, k);
                }
                ed = vs.expected.data_hex(e) + flags_str(vs.expected.sof(e), vs.expected.eol(e));
            } else {
                ed = "framing" + flags_str(esof, eeol);
            }
            if (!same) {
                const std::string gd = "0x" + got[i].data.to_string(16, false).substr(2) + flags_str(gsof, geol);
                mm.set("output", "stream_out", ln, px, -1, false, ed, gd);
            }
        }
        if (!mm.found && !m_axis.empty()) mm.set("output", "stream_out", -1, -1, -1, false, "no more beats", "more beats");
        if (mm.found) {
            const char* chan = mm.is_channel && mm.comp >= 0 && mm.comp < 3 ? (mm.comp == 0 ? "R" : mm.comp == 1 ? "G" : "B") : "-";
            std::printf("MISMATCH frame=%d line=%d pixel=%d stage=%s tap=%s comp=%d channel=%s expected=%s got=%s%s\n",
                        rep_frame, mm.line, mm.pixel, mm.stage.c_str(), mm.tap.c_str(), mm.comp, chan,
                        mm.expected.c_str(), mm.got.c_str(), f < 0 ? " (injected frame)" : "");
            if (mm.line >= 0 && f >= 0) {  // every tap at that pixel: expected/got
                std::printf("PIXEL frame=%d line=%d pixel=%d", f, mm.line, mm.pixel);
                const size_t px = static_cast<size_t>(mm.line) * static_cast<size_t>(W) + static_cast<size_t>(mm.pixel);
                for (int t = 0; t < NSTAGE_TAPS; ++t) {
                    if (!have[t] || exp_vals[t].empty() || got_vals[t].empty()) continue;
                    const size_t nc = static_cast<size_t>(STAGE_TAPS[t].channels);
                    std::printf(" %s=", STAGE_TAPS[t].name);
                    for (size_t ch = 0; ch < nc; ++ch)
                        std::printf("%s%s/%s", ch ? "," : "", hex64(exp_vals[t][px * nc + ch]).c_str(),
                                    hex64(got_vals[t][px * nc + ch]).c_str());
                }
                std::printf("\n");
            }
            std::printf("RESULT FAIL frame=%d line=%d pixel=%d stage=%s tap=%s\n", rep_frame, mm.line, mm.pixel,
                        mm.stage.c_str(), mm.tap.c_str());
            while (!s_axis.empty()) s_axis.read();  // (hls::stream warns about leftover beats)
            while (!m_axis.empty()) m_axis.read();
            return 1;
        }
    }

    // block N: the parameters from the last frame's statistics, read by one more call on a 2x1
    // frame (taisp_core computes them at the start of a call, before reading the stream)
    {
        tb::beat_list two;  // any data: the frame itself is not compared
        two.tdata_bits = feed->tdata_bits;
        two.limbs = feed->limbs;
        two.push_copy(*feed, 0, 1);
        two.push_copy(*feed, 1, 2);
        while (!s_axis.empty()) s_axis.read();
        for (size_t i = 0; i < two.size(); ++i) s_axis.write(make_beat(two, i));
        ap_uint<32> status, error, nframes, bad_frames, params_out[NPARAM];
        g_tap_sink = 0;
        taisp_core(s_axis, m_axis, 2, 1, weights, reg.def_alpha, reg.def_gate0, 0, 0, status, error, nframes,
                   bad_frames, params_out);
        while (!m_axis.empty()) m_axis.read();
        for (int i = 0; i < NPARAM; ++i) {
            const uint32_t e = vs.params[static_cast<size_t>(frames) * NPARAM + static_cast<size_t>(i)];
            if (params_out[i].to_uint() != e) {
                const char* t = i < PARAM_GATE ? "alpha" : i < PARAM_W ? "gate" : i < PARAM_INV_W ? "w" : "inv_w";
                const int k = i < PARAM_GATE ? i - PARAM_ALPHA : i < PARAM_W ? i - PARAM_GATE
                              : i < PARAM_INV_W ? i - PARAM_W : i - PARAM_INV_W;
                std::printf("MISMATCH frame=%d line=-1 pixel=-1 stage=params tap=%s comp=%d channel=- expected=%s "
                            "got=%s (after the last frame)\n",
                            frames, t, k, hex64(e).c_str(), hex64(params_out[i].to_uint()).c_str());
                std::printf("RESULT FAIL frame=%d line=-1 pixel=-1 stage=params tap=%s\n", frames, t);
                return 1;
            }
        }
    }
    std::printf("RESULT PASS frames=%d pixels=%zu calls=%zu param_blocks=%d seconds=%.6f\n", frames,
                npix * static_cast<size_t>(frames), calls.size(), frames + 1, total_s);
    return 0;
}
