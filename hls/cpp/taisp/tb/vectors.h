// TA-ISP C-simulation testbench: reading a vector set (the only part that knows the file format).
//
// The format is the project's one vector-set format, written by `taisp vectors` (sim/taisp/vectors.py,
// documented in sim/README.md, "Test vectors for FPGA bring-up"). This reader needs no Python:
//
//   manifest.json          read with a small JSON parser: schema ("taisp-vectors") and
//                          schema_version (a newer one is refused), frames {count, width, height},
//                          stream {input, output}: {component_bits, tdata_bits, sof_bit, eol_bit,
//                          binary_record_bytes, hex, bin}, taps {name: {bits, signed, channels, hex}},
//                          params {hex, blocks, words_per_block}, registers {regmap_version,
//                          weight_base, param_base, write_list {hex, bin, count}}
//   stream_in.hex / .bin   input beats {eol, sof, tdata}: hex one per line; bin records of
//                          tdata (little-endian, tdata_bits / 8 bytes) + a flag byte (bit0 SOF, bit1 EOL)
//   stream_out.hex / .bin  expected output beats, same layout
//   taps/<stage>.hex       one raw value per line (two's complement of `bits` when signed), in the
//                          order frame, line, pixel (, channel R, G, B); read frame by frame
//   params.hex             (frames + 1) blocks of words_per_block 32-bit words
//   axil_writes.hex / .bin the AXI4-Lite write list: hex {address[31:0], data[31:0]} per line; bin
//                          little-endian uint32 address, uint32 data
// In hex files, text from "//" to the end of the line is a comment. File integrity (SHA-256)
// is checked by `taisp vectors --check`, not here.
#ifndef TAISP_TB_VECTORS_H
#define TAISP_TB_VECTORS_H

#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace tb {

// The vector-set schema this reader understands (a newer one is refused).
// 2: the manifest's "top" (core or camera); this testbench replays core sets (camera sets run
// through tb/taisp_camera_csim.cpp, sim/taisp/camera_csim.py)
const int SCHEMA_VERSION = 2;

// One AXI4-Stream direction as the manifest describes it.
struct stream_desc {
    int component_bits = 0;
    int tdata_bits = 0;
    int sof_bit = 0;
    int eol_bit = 0;
    int record_bytes = 0;
    std::string hex, bin;
};

// Beats of a stream: tdata as 64-bit limbs (least significant first), flat; flags bit0 SOF, bit1 EOL.
struct beat_list {
    int tdata_bits = 0;
    int limbs = 1;
    std::vector<uint64_t> data;
    std::vector<uint8_t> flags;

    size_t size() const { return flags.size(); }
    bool sof(size_t i) const { return (flags[i] & 1u) != 0; }
    bool eol(size_t i) const { return (flags[i] & 2u) != 0; }
    uint64_t limb(size_t i, int k) const { return data[i * static_cast<size_t>(limbs) + static_cast<size_t>(k)]; }
    bool bit(size_t i, int b) const { return ((limb(i, b / 64) >> (b % 64)) & 1u) != 0; }
    // bits [lo, lo + width) of beat i's tdata (width <= 64)
    uint64_t field(size_t i, int lo, int width) const;
    // append beat j of another list (same width), with its flags replaced by `flags`
    void push_copy(const beat_list& src, size_t j, uint8_t new_flags);
    // tdata of beat i as hex (no leading zeros)
    std::string data_hex(size_t i) const;
};

// A tap (per-stage values) as the manifest describes it.
struct tap_desc {
    std::string name;
    std::string hex;
    int bits = 0;
    bool is_signed = false;
    int channels = 1;
};

struct vector_set {
    std::string dir;
    int schema_version = 0;
    std::string description;
    int frames = 0;
    int width = 0;
    int height = 0;
    stream_desc in, out;
    beat_list input, expected;
    std::vector<std::pair<uint32_t, uint32_t> > writes;  // AXI4-Lite (address, data), in order
    int param_blocks = 0;
    int param_words = 0;
    std::vector<uint32_t> params;  // param_blocks x param_words
    std::vector<tap_desc> taps;    // in the manifest's order
    int regmap_version = 0;
    long weight_base = -1;
    long param_base = -1;

    const tap_desc* tap(const std::string& name) const {
        for (size_t k = 0; k < taps.size(); ++k)
            if (taps[k].name == name) return &taps[k];
        return 0;
    }
};

// Read the vector set in `dir` (streams and the write list from the .hex files, or the .bin files
// when `binary`); taps are not read here (tap_reader). On failure: false, a message in `err`.
bool read_vector_set(const std::string& dir, bool binary, vector_set& vs, std::string& err);

// Reads a tap's hex file sequentially, one frame at a time.
class tap_reader {
public:
    bool open(const std::string& dir, const tap_desc& d, std::string& err);
    // the next n values (sign-extended when the tap is signed); false at a bad line or the file's end
    bool read(size_t n, std::vector<int64_t>& out, std::string& err);

private:
    std::ifstream f_;
    std::string path_;
    tap_desc d_;
    size_t line_ = 0;
};

}  // namespace tb

#endif  // TAISP_TB_VECTORS_H
