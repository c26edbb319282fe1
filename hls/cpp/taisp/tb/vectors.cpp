// TA-ISP C-simulation testbench: the vector-set reader (format in vectors.h).
#include "vectors.h"

#include <cctype>
#include <cstdlib>
#include <map>
#include <sstream>

namespace tb {
namespace {

// ------------------------------------------------------------------ a minimal JSON reader
struct json {
    enum kind_t { NUL, BOOL, NUM, STR, ARR, OBJ } kind = NUL;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<json> arr;
    std::map<std::string, json> obj;

    const json* get(const std::string& key) const {
        std::map<std::string, json>::const_iterator it = obj.find(key);
        return kind == OBJ && it != obj.end() ? &it->second : 0;
    }
};

struct json_parser {
    const std::string& s;
    size_t i;
    std::string err;
    explicit json_parser(const std::string& text) : s(text), i(0) {}

    void ws() {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    }
    bool fail(const std::string& m) {
        if (err.empty()) err = m + " at offset " + std::to_string(i);
        return false;
    }
    bool literal(const char* w) {
        size_t n = std::string(w).size();
        if (s.compare(i, n, w) != 0) return false;
        i += n;
        return true;
    }
    bool string(std::string& out) {
        if (i >= s.size() || s[i] != '"') return fail("expected a string");
        ++i;
        out.clear();
        while (i < s.size() && s[i] != '"') {
            char c = s[i++];
            if (c == '\\' && i < s.size()) {
                char e = s[i++];
                switch (e) {
                    case 'n': out += '\n'; break;
                    case 't': out += '\t'; break;
                    case 'u': out += '?'; i += 4; break;
                    default: out += e;
                }
            } else {
                out += c;
            }
        }
        if (i >= s.size()) return fail("unterminated string");
        ++i;
        return true;
    }
    bool value(json& v) {
        ws();
        if (i >= s.size()) return fail("unexpected end");
        char c = s[i];
        if (c == '{') {
            v.kind = json::OBJ;
            ++i;
            ws();
            if (i < s.size() && s[i] == '}') {
                ++i;
                return true;
            }
            while (true) {
                ws();
                std::string key;
                if (!string(key)) return false;
                ws();
                if (i >= s.size() || s[i] != ':') return fail("expected ':'");
                ++i;
                if (!value(v.obj[key])) return false;
                ws();
                if (i < s.size() && s[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < s.size() && s[i] == '}') {
                    ++i;
                    return true;
                }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.kind = json::ARR;
            ++i;
            ws();
            if (i < s.size() && s[i] == ']') {
                ++i;
                return true;
            }
            while (true) {
                v.arr.push_back(json());
                if (!value(v.arr.back())) return false;
                ws();
                if (i < s.size() && s[i] == ',') {
                    ++i;
                    continue;
                }
                if (i < s.size() && s[i] == ']') {
                    ++i;
                    return true;
                }
                return fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            v.kind = json::STR;
            return string(v.str);
        }
        if (literal("true")) {
            v.kind = json::BOOL;
            v.b = true;
            return true;
        }
        if (literal("false")) {
            v.kind = json::BOOL;
            return true;
        }
        if (literal("null")) return true;
        const char* start = s.c_str() + i;
        char* end = 0;
        v.num = std::strtod(start, &end);
        if (end == start) return fail("unexpected character");
        v.kind = json::NUM;
        i += static_cast<size_t>(end - start);
        return true;
    }
};

bool read_text(const std::string& path, std::string& out, std::string& err) {
    std::ifstream f(path.c_str(), std::ios::binary);
    if (!f) {
        err = "cannot open " + path;
        return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    return true;
}

// ------------------------------------------------------------------ manifest fields
const json* at(const json& j, const char* k1, const char* k2 = 0, const char* k3 = 0) {
    const json* v = j.get(k1);
    if (v && k2) v = v->get(k2);
    if (v && k3) v = v->get(k3);
    return v;
}

std::string key_name(const char* k1, const char* k2, const char* k3) {
    std::string s = k1;
    if (k2) s += std::string(".") + k2;
    if (k3) s += std::string(".") + k3;
    return s;
}

struct fields {
    const json& m;
    std::string missing;  // the first missing or mistyped key
    bool ok() const { return missing.empty(); }

    long num(const char* k1, const char* k2 = 0, const char* k3 = 0) {
        const json* v = at(m, k1, k2, k3);
        if (!v || v->kind != json::NUM) {
            if (missing.empty()) missing = key_name(k1, k2, k3);
            return 0;
        }
        return static_cast<long>(v->num);
    }
    std::string str(const char* k1, const char* k2 = 0, const char* k3 = 0) {
        const json* v = at(m, k1, k2, k3);
        if (!v || v->kind != json::STR) {
            if (missing.empty()) missing = key_name(k1, k2, k3);
            return std::string();
        }
        return v->str;
    }
    bool boolean(const char* k1) {
        const json* v = m.get(k1);
        if (!v || v->kind != json::BOOL) {
            if (missing.empty()) missing = k1;
            return false;
        }
        return v->b;
    }
};

bool read_stream_desc(const json& m, const char* which, stream_desc& s, std::string& err) {
    const json* j = at(m, "stream", which);
    if (!j || j->kind != json::OBJ) {
        err = std::string("manifest.json: no stream.") + which;
        return false;
    }
    fields f = {*j, ""};
    s.component_bits = static_cast<int>(f.num("component_bits"));
    s.tdata_bits = static_cast<int>(f.num("tdata_bits"));
    s.sof_bit = static_cast<int>(f.num("sof_bit"));
    s.eol_bit = static_cast<int>(f.num("eol_bit"));
    s.record_bytes = static_cast<int>(f.num("binary_record_bytes"));
    s.hex = f.str("hex");
    s.bin = f.str("bin");
    if (!f.ok()) {
        err = std::string("manifest.json: stream.") + which + "." + f.missing + " is missing or of the wrong type";
        return false;
    }
    if (s.component_bits < 1 || 3 * s.component_bits > s.tdata_bits || s.tdata_bits % 8 != 0 ||
        s.sof_bit != s.tdata_bits || s.eol_bit != s.tdata_bits + 1 || s.record_bytes != s.tdata_bits / 8 + 1) {
        err = std::string("manifest.json: stream.") + which + ": inconsistent packing (component_bits " +
              std::to_string(s.component_bits) + ", tdata_bits " + std::to_string(s.tdata_bits) + ")";
        return false;
    }
    return true;
}

// ------------------------------------------------------------------ hex files
int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// The next data line's word (comments "//..." and blank lines skipped); false at the end.
// `bad` is set when the line is not one hex word.
bool next_word(std::istream& f, std::string& word, size_t& line_no, bool& bad) {
    std::string line;
    bad = false;
    while (std::getline(f, line)) {
        ++line_no;
        size_t c = line.find("//");
        if (c != std::string::npos) line.erase(c);
        size_t b = 0, e = line.size();
        while (b < e && std::isspace(static_cast<unsigned char>(line[b]))) ++b;
        while (e > b && std::isspace(static_cast<unsigned char>(line[e - 1]))) --e;
        if (b == e) continue;
        word.assign(line, b, e - b);
        for (size_t k = 0; k < word.size(); ++k)
            if (hex_digit(word[k]) < 0) bad = true;
        return true;
    }
    return false;
}

// A hex word as 64-bit limbs (least significant first), `nlimbs` of them; false if it is wider.
bool hex_limbs(const std::string& w, int nlimbs, uint64_t* limbs) {
    for (int k = 0; k < nlimbs; ++k) limbs[k] = 0;
    int bit = 0;
    for (size_t k = w.size(); k-- > 0;) {
        uint64_t d = static_cast<uint64_t>(hex_digit(w[k]));
        if (d != 0 && bit / 64 >= nlimbs) return false;
        if (bit / 64 < nlimbs) limbs[bit / 64] |= d << (bit % 64);
        bit += 4;
    }
    return true;
}

bool get_bit(const uint64_t* limbs, int b) { return ((limbs[b / 64] >> (b % 64)) & 1u) != 0; }

std::string where(const std::string& path, size_t line) { return path + " line " + std::to_string(line); }

bool read_beats_hex(const std::string& path, const stream_desc& s, beat_list& beats, std::string& err) {
    std::ifstream f(path.c_str());
    if (!f) {
        err = "cannot open " + path;
        return false;
    }
    beats.tdata_bits = s.tdata_bits;
    beats.limbs = (s.tdata_bits + 63) / 64;
    const int vbits = s.eol_bit + 1;  // {eol, sof, tdata}
    const int vl = (vbits + 63) / 64;
    std::vector<uint64_t> v(static_cast<size_t>(vl));
    std::string w;
    size_t line = 0;
    bool bad = false;
    while (next_word(f, w, line, bad)) {
        if (bad || !hex_limbs(w, vl, v.data())) {
            err = where(path, line) + ": not a hex beat";
            return false;
        }
        for (int b = vbits; b < 64 * vl; ++b) {
            if (get_bit(v.data(), b)) {
                err = where(path, line) + ": bits set above EOL (bit " + std::to_string(s.eol_bit) + ")";
                return false;
            }
        }
        size_t base = beats.data.size();
        beats.data.resize(base + static_cast<size_t>(beats.limbs), 0);
        for (int b = 0; b < s.tdata_bits; ++b)
            if (get_bit(v.data(), b)) beats.data[base + static_cast<size_t>(b / 64)] |= uint64_t(1) << (b % 64);
        beats.flags.push_back(static_cast<uint8_t>((get_bit(v.data(), s.sof_bit) ? 1u : 0u) |
                                                   (get_bit(v.data(), s.eol_bit) ? 2u : 0u)));
    }
    return true;
}

bool read_beats_bin(const std::string& path, const stream_desc& s, beat_list& beats, std::string& err) {
    std::string bytes;
    if (!read_text(path, bytes, err)) return false;
    const size_t rb = static_cast<size_t>(s.record_bytes);
    if (bytes.size() % rb != 0) {
        err = path + ": " + std::to_string(bytes.size()) + " bytes is not a whole number of " + std::to_string(rb) +
              "-byte records";
        return false;
    }
    beats.tdata_bits = s.tdata_bits;
    beats.limbs = (s.tdata_bits + 63) / 64;
    const size_t n = bytes.size() / rb;
    beats.data.assign(n * static_cast<size_t>(beats.limbs), 0);
    beats.flags.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const unsigned char* r = reinterpret_cast<const unsigned char*>(bytes.data()) + i * rb;
        for (size_t k = 0; k + 1 < rb; ++k)
            beats.data[i * static_cast<size_t>(beats.limbs) + k / 8] |= static_cast<uint64_t>(r[k]) << (8 * (k % 8));
        if (r[rb - 1] & ~3u) {
            err = path + ": record " + std::to_string(i) + " has flag bits other than SOF and EOL";
            return false;
        }
        beats.flags[i] = r[rb - 1];
    }
    return true;
}

bool read_writes_hex(const std::string& path, std::vector<std::pair<uint32_t, uint32_t> >& writes, std::string& err) {
    std::ifstream f(path.c_str());
    if (!f) {
        err = "cannot open " + path;
        return false;
    }
    std::string w;
    size_t line = 0;
    bool bad = false;
    uint64_t v;
    while (next_word(f, w, line, bad)) {
        if (bad || !hex_limbs(w, 1, &v)) {
            err = where(path, line) + ": not a hex {address, data} word";
            return false;
        }
        writes.push_back(std::make_pair(static_cast<uint32_t>(v >> 32), static_cast<uint32_t>(v)));
    }
    return true;
}

bool read_writes_bin(const std::string& path, std::vector<std::pair<uint32_t, uint32_t> >& writes, std::string& err) {
    std::string bytes;
    if (!read_text(path, bytes, err)) return false;
    if (bytes.size() % 8 != 0) {
        err = path + ": not a whole number of 8-byte records";
        return false;
    }
    const unsigned char* b = reinterpret_cast<const unsigned char*>(bytes.data());
    for (size_t i = 0; i < bytes.size(); i += 8) {
        uint32_t a = 0, d = 0;
        for (int k = 3; k >= 0; --k) {
            a = (a << 8) | b[i + static_cast<size_t>(k)];
            d = (d << 8) | b[i + 4 + static_cast<size_t>(k)];
        }
        writes.push_back(std::make_pair(a, d));
    }
    return true;
}

int64_t sign_extend(uint64_t v, int bits, bool is_signed) {
    if (bits >= 64) return static_cast<int64_t>(v);
    v &= (uint64_t(1) << bits) - 1;
    if (is_signed && ((v >> (bits - 1)) & 1u)) v |= ~((uint64_t(1) << bits) - 1);
    return static_cast<int64_t>(v);
}

}  // namespace

// ------------------------------------------------------------------ beat_list
uint64_t beat_list::field(size_t i, int lo, int width) const {
    uint64_t v = 0;
    for (int b = 0; b < width; ++b)
        if (lo + b < tdata_bits && bit(i, lo + b)) v |= uint64_t(1) << b;
    return v;
}

void beat_list::push_copy(const beat_list& src, size_t j, uint8_t new_flags) {
    for (int k = 0; k < limbs; ++k) data.push_back(k < src.limbs ? src.limb(j, k) : 0);
    flags.push_back(new_flags);
}

std::string beat_list::data_hex(size_t i) const {
    std::string s;
    bool lead = true;
    for (int b = (limbs * 64) - 4; b >= 0; b -= 4) {
        unsigned d = static_cast<unsigned>((limb(i, b / 64) >> (b % 64)) & 15u);
        if (lead && d == 0 && b > 0) continue;
        lead = false;
        s += "0123456789abcdef"[d];
    }
    return "0x" + s;
}

// ------------------------------------------------------------------ the vector set
bool read_vector_set(const std::string& dir, bool binary, vector_set& vs, std::string& err) {
    vs.dir = dir;
    std::string text;
    if (!read_text(dir + "/manifest.json", text, err)) {
        err = dir + ": not a vector set (" + err + ")";
        return false;
    }
    json m;
    json_parser jp(text);
    if (!jp.value(m) || m.kind != json::OBJ) {
        err = dir + "/manifest.json: " + (jp.err.empty() ? "not a JSON object" : jp.err);
        return false;
    }
    fields f = {m, ""};
    if (f.str("schema") != "taisp-vectors") {
        err = dir + "/manifest.json: not a taisp vector set (schema is not \"taisp-vectors\")";
        return false;
    }
    vs.schema_version = static_cast<int>(f.num("schema_version"));
    if (!f.ok() || vs.schema_version < 1) {
        err = dir + "/manifest.json: invalid schema_version";
        return false;
    }
    if (vs.schema_version > SCHEMA_VERSION) {
        err = dir + ": vector set schema version " + std::to_string(vs.schema_version) +
              " is newer than this testbench reads (version " + std::to_string(SCHEMA_VERSION) + ")";
        return false;
    }
    if (const json* t = m.get("top")) {
        if (t->kind != json::STR || t->str != "core") {
            err = dir + ": a " + (t->kind == json::STR ? t->str : std::string("?")) +
                  " vector set: this testbench replays taisp_core sets (camera sets: python -m sim.taisp.csim runs "
                  "the camera C simulation)";
            return false;
        }
    }
    if (const json* d = m.get("description")) vs.description = d->str;
    vs.frames = static_cast<int>(f.num("frames", "count"));
    vs.width = static_cast<int>(f.num("frames", "width"));
    vs.height = static_cast<int>(f.num("frames", "height"));
    vs.param_blocks = static_cast<int>(f.num("params", "blocks"));
    vs.param_words = static_cast<int>(f.num("params", "words_per_block"));
    const std::string params_hex = f.str("params", "hex");
    vs.regmap_version = static_cast<int>(f.num("registers", "regmap_version"));
    vs.weight_base = f.num("registers", "weight_base");
    vs.param_base = f.num("registers", "param_base");
    const long nwrites = f.num("registers", "write_list", "count");
    const std::string writes_file = f.str("registers", "write_list", binary ? "bin" : "hex");
    if (!f.ok()) {
        err = dir + "/manifest.json: " + f.missing + " is missing or of the wrong type";
        return false;
    }
    if (vs.frames < 1 || vs.width < 1 || vs.height < 1 || vs.param_blocks != vs.frames + 1 || vs.param_words < 1) {
        err = dir + "/manifest.json: inconsistent frame count, size or parameter blocks";
        return false;
    }
    if (!read_stream_desc(m, "input", vs.in, err) || !read_stream_desc(m, "output", vs.out, err)) {
        err = dir + "/" + err;
        return false;
    }
    const json* taps = m.get("taps");
    if (!taps || taps->kind != json::OBJ) {
        err = dir + "/manifest.json: no taps";
        return false;
    }
    for (std::map<std::string, json>::const_iterator it = taps->obj.begin(); it != taps->obj.end(); ++it) {
        fields t = {it->second, ""};
        tap_desc d;
        d.name = it->first;
        d.hex = t.str("hex");
        d.bits = static_cast<int>(t.num("bits"));
        d.is_signed = t.boolean("signed");
        d.channels = static_cast<int>(t.num("channels"));
        if (!t.ok() || d.bits < 1 || d.bits > 64 || (d.channels != 1 && d.channels != 3)) {
            err = dir + "/manifest.json: tap " + d.name + ": " + (t.ok() ? "bad bits or channels" : t.missing + " missing");
            return false;
        }
        vs.taps.push_back(d);
    }

    // streams, write list, parameters
    const size_t nbeats = static_cast<size_t>(vs.frames) * static_cast<size_t>(vs.width) * static_cast<size_t>(vs.height);
    const std::string fin = dir + "/" + (binary ? vs.in.bin : vs.in.hex);
    const std::string fout = dir + "/" + (binary ? vs.out.bin : vs.out.hex);
    if (!(binary ? read_beats_bin(fin, vs.in, vs.input, err) : read_beats_hex(fin, vs.in, vs.input, err))) return false;
    if (!(binary ? read_beats_bin(fout, vs.out, vs.expected, err) : read_beats_hex(fout, vs.out, vs.expected, err)))
        return false;
    if (vs.input.size() != nbeats || vs.expected.size() != nbeats) {
        err = dir + ": the streams hold " + std::to_string(vs.input.size()) + " / " + std::to_string(vs.expected.size()) +
              " beats, the manifest says " + std::to_string(vs.frames) + " frames of " + std::to_string(vs.width) + "x" +
              std::to_string(vs.height) + " (" + std::to_string(nbeats) + " beats)";
        return false;
    }
    const std::string fw = dir + "/" + writes_file;
    if (!(binary ? read_writes_bin(fw, vs.writes, err) : read_writes_hex(fw, vs.writes, err))) return false;
    if (static_cast<long>(vs.writes.size()) != nwrites) {
        err = fw + ": " + std::to_string(vs.writes.size()) + " writes, the manifest says " + std::to_string(nwrites);
        return false;
    }
    {
        const std::string fp = dir + "/" + params_hex;
        std::ifstream pf(fp.c_str());
        if (!pf) {
            err = "cannot open " + fp;
            return false;
        }
        std::string w;
        size_t line = 0;
        bool bad = false;
        uint64_t v;
        while (next_word(pf, w, line, bad)) {
            if (bad || !hex_limbs(w, 1, &v) || v > 0xffffffffu) {
                err = where(fp, line) + ": not a 32-bit hex word";
                return false;
            }
            vs.params.push_back(static_cast<uint32_t>(v));
        }
        if (vs.params.size() != static_cast<size_t>(vs.param_blocks) * static_cast<size_t>(vs.param_words)) {
            err = fp + ": " + std::to_string(vs.params.size()) + " words, expected " + std::to_string(vs.param_blocks) +
                  " blocks of " + std::to_string(vs.param_words);
            return false;
        }
    }
    return true;
}

// ------------------------------------------------------------------ taps
bool tap_reader::open(const std::string& dir, const tap_desc& d, std::string& err) {
    d_ = d;
    path_ = dir + "/" + d.hex;
    line_ = 0;
    f_.open(path_.c_str());
    if (!f_) {
        err = "cannot open " + path_;
        return false;
    }
    return true;
}

bool tap_reader::read(size_t n, std::vector<int64_t>& out, std::string& err) {
    out.resize(n);
    std::string w;
    bool bad = false;
    uint64_t v;
    for (size_t i = 0; i < n; ++i) {
        if (!next_word(f_, w, line_, bad)) {
            err = path_ + ": ends early (line " + std::to_string(line_) + ")";
            return false;
        }
        if (bad || !hex_limbs(w, 1, &v) || (d_.bits < 64 && (v >> d_.bits) != 0)) {
            err = where(path_, line_) + ": not a " + std::to_string(d_.bits) + "-bit hex value";
            return false;
        }
        out[i] = sign_extend(v, d_.bits, d_.is_signed);
    }
    return true;
}

}  // namespace tb
