// TA-ISP C-simulation testbench: the vector-set reader (format in vectors.h).
#include "vectors.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
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

// The data lines of a hex file (comments and blank lines dropped), split into words.
bool hex_lines(const std::string& path, std::vector<std::vector<std::string> >& lines, std::string& err) {
    std::ifstream f(path.c_str());
    if (!f) {
        err = "cannot open " + path;
        return false;
    }
    std::string line;
    while (std::getline(f, line)) {
        size_t c = line.find("//");
        if (c != std::string::npos) line.erase(c);
        std::istringstream ls(line);
        std::vector<std::string> words;
        std::string w;
        while (ls >> w) words.push_back(w);
        if (!words.empty()) lines.push_back(words);
    }
    return true;
}

// A hex number as 64-bit limbs (least significant first).
bool parse_hex(const std::string& h, std::vector<uint64_t>& limbs) {
    limbs.assign((h.size() * 4 + 63) / 64 + 1, 0);
    int bit = 0;
    for (size_t k = h.size(); k-- > 0;) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(h[k])));
        uint64_t d;
        if (c >= '0' && c <= '9') {
            d = static_cast<uint64_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = static_cast<uint64_t>(c - 'a' + 10);
        } else {
            return false;
        }
        limbs[bit / 64] |= d << (bit % 64);
        bit += 4;
    }
    return true;
}

bool get_bit(const std::vector<uint64_t>& limbs, int b) {
    size_t k = static_cast<size_t>(b / 64);
    return k < limbs.size() && ((limbs[k] >> (b % 64)) & 1u);
}

// Beats {eol, sof, tdata} with tdata of `bits` bits.
bool read_beats(const std::string& path, int bits, std::vector<beat_rec>& beats, std::string& err) {
    std::vector<std::vector<std::string> > lines;
    if (!hex_lines(path, lines, err)) return false;
    beats.reserve(lines.size());
    const size_t nl = static_cast<size_t>((bits + 63) / 64);
    for (size_t k = 0; k < lines.size(); ++k) {
        std::vector<uint64_t> limbs;
        if (!parse_hex(lines[k][0], limbs)) {
            err = path + ": bad hex on data line " + std::to_string(k + 1);
            return false;
        }
        beat_rec b;
        b.sof = get_bit(limbs, bits);
        b.eol = get_bit(limbs, bits + 1);
        b.data.assign(nl, 0);
        for (int i = 0; i < bits; ++i)
            if (get_bit(limbs, i)) b.data[static_cast<size_t>(i / 64)] |= uint64_t(1) << (i % 64);
        beats.push_back(b);
    }
    return true;
}

uint64_t word64(const std::string& h, bool& ok) {
    std::vector<uint64_t> limbs;
    ok = parse_hex(h, limbs);
    return limbs.empty() ? 0 : limbs[0];
}

int64_t sign_extend(uint64_t v, int bits, bool is_signed) {
    if (bits >= 64) return static_cast<int64_t>(v);
    v &= (uint64_t(1) << bits) - 1;
    if (is_signed && ((v >> (bits - 1)) & 1u)) v |= ~((uint64_t(1) << bits) - 1);
    return static_cast<int64_t>(v);
}

int num(const json& m, const char* key, bool& ok) {
    const json* v = m.get(key);
    if (!v || v->kind != json::NUM) {
        ok = false;
        return 0;
    }
    return static_cast<int>(v->num);
}

}  // namespace

bool read_vector_set(const std::string& dir, vector_set& vs, std::string& err) {
    vs.dir = dir;
    std::string text;
    if (!read_text(dir + "/manifest.json", text, err)) return false;
    json m;
    json_parser jp(text);
    if (!jp.value(m) || m.kind != json::OBJ) {
        err = dir + "/manifest.json: " + (jp.err.empty() ? "not a JSON object" : jp.err);
        return false;
    }
    bool ok = true;
    vs.width = num(m, "width", ok);
    vs.height = num(m, "height", ok);
    vs.frames = num(m, "frames", ok);
    vs.in_data_bits = num(m, "in_data_bits", ok);
    vs.out_data_bits = num(m, "out_data_bits", ok);
    if (!ok) {
        err = dir + "/manifest.json: width, height, frames, in_data_bits and out_data_bits are required";
        return false;
    }
    const json* fin = m.get("input");
    const json* fexp = m.get("expected");
    const json* fw = m.get("weights");
    if (!fin || !fexp || !fw) {
        err = dir + "/manifest.json: input, expected and weights are required";
        return false;
    }
    if (!read_beats(dir + "/" + fin->str, vs.in_data_bits, vs.input, err)) return false;
    if (!read_beats(dir + "/" + fexp->str, vs.out_data_bits, vs.expected, err)) return false;
    std::vector<std::vector<std::string> > lines;
    if (!hex_lines(dir + "/" + fw->str, lines, err)) return false;
    for (size_t k = 0; k < lines.size(); ++k) {
        vs.weights.push_back(word64(lines[k][0], ok));
        if (!ok) {
            err = fw->str + ": bad hex";
            return false;
        }
    }
    if (const json* fp = m.get("params")) {
        lines.clear();
        if (!hex_lines(dir + "/" + fp->str, lines, err)) return false;
        for (size_t k = 0; k < lines.size(); ++k) {
            std::vector<uint64_t> row;
            for (size_t j = 0; j < lines[k].size(); ++j) row.push_back(word64(lines[k][j], ok));
            vs.params.push_back(row);
        }
    }
    if (const json* regs = m.get("registers")) {
        for (std::map<std::string, json>::const_iterator it = regs->obj.begin(); it != regs->obj.end(); ++it)
            vs.registers[it->first] = static_cast<int64_t>(it->second.num);
    }
    if (const json* e = m.get("errors")) {
        for (size_t k = 0; k < e->arr.size(); ++k) vs.errors.push_back(static_cast<int64_t>(e->arr[k].num));
    }
    if (const json* u = m.get("frames_unchecked")) {
        for (size_t k = 0; k < u->arr.size(); ++k) vs.frames_unchecked.push_back(static_cast<int>(u->arr[k].num));
    }
    if (const json* taps = m.get("taps")) {
        for (size_t t = 0; t < taps->arr.size(); ++t) {
            const json& d = taps->arr[t];
            tap_rec tr;
            const json* nm = d.get("name");
            const json* fl = d.get("file");
            const json* sg = d.get("signed");
            tr.components = num(d, "components", ok);
            tr.bits = num(d, "bits", ok);
            if (!nm || !fl || !ok) {
                err = "manifest.json: a tap needs name, file, components and bits";
                return false;
            }
            tr.name = nm->str;
            tr.is_signed = sg && sg->b;
            lines.clear();
            if (!hex_lines(dir + "/" + fl->str, lines, err)) return false;
            tr.values.reserve(lines.size() * static_cast<size_t>(tr.components));
            for (size_t k = 0; k < lines.size(); ++k) {
                if (static_cast<int>(lines[k].size()) != tr.components) {
                    err = fl->str + ": line " + std::to_string(k + 1) + " does not have " +
                          std::to_string(tr.components) + " components";
                    return false;
                }
                for (size_t j = 0; j < lines[k].size(); ++j)
                    tr.values.push_back(sign_extend(word64(lines[k][j], ok), tr.bits, tr.is_signed));
            }
            vs.taps.push_back(tr);
        }
    }
    return true;
}

}  // namespace tb
