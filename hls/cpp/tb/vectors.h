// TA-ISP C-simulation testbench: reading a vector set (the only part that knows the file format).
//
// Interim format (written by sim/csim.py; close to what `taisp vectors` will write):
//   manifest.json        {"format": "taisp-csim-vectors", "version": 1, "width", "height", "frames",
//                         "in_data_bits", "out_data_bits", "input", "expected", "weights",
//                         "params" (optional), "registers": {"DEF_ALPHA0".., "DEF_GATE0"} (optional),
//                         "taps": [{"name", "file", "components", "bits", "signed"}, ...] (optional),
//                         "errors": [ERROR register after each frame] (optional),
//                         "frames_unchecked": [frames whose pixels are not compared, e.g. broken
//                         input frames: only their framing, parameters and errors are] (optional)}
//   input.hex, expected.hex   one beat per line, $readmemh hex of {eol, sof, tdata}: tdata in the low
//                         in/out_data_bits bits, SOF (tuser[0]) above it, EOL (tlast) above that
//   weights.hex          the weight image, one two's complement word per line ($readmemh)
//   params.hex           per frame one line: the NPARAM parameters the frame uses (raw bits, hex)
//   taps/<name>.hex      per frame, per pixel in raster order, one line: the components (hex, two's
//                         complement of `bits`) separated by spaces
// Lines starting with // are comments. Switching to another format means replacing this file.
#ifndef TAISP_TB_VECTORS_H
#define TAISP_TB_VECTORS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tb {

struct beat_rec {
    std::vector<uint64_t> data;  // tdata, 64-bit limbs, least significant first
    bool sof;
    bool eol;
};

struct tap_rec {
    std::string name;
    int components;
    int bits;
    bool is_signed;
    std::vector<int64_t> values;  // [frame][row][col][component], sign-extended
};

struct vector_set {
    std::string dir;
    int width = 0;
    int height = 0;
    int frames = 0;
    int in_data_bits = 0;
    int out_data_bits = 0;
    std::vector<beat_rec> input;
    std::vector<beat_rec> expected;
    std::vector<uint64_t> weights;               // weight words (bit patterns)
    std::vector<std::vector<uint64_t> > params;  // per frame; empty if not given
    std::map<std::string, int64_t> registers;    // register name -> value (optional)
    std::vector<tap_rec> taps;                   // in the order of the manifest
    std::vector<int64_t> errors;                 // ERROR register expected after each frame (optional)
    std::vector<int> frames_unchecked;           // frames whose taps and output data are not compared
};

// Read the vector set in `dir`; on failure returns false with a message in `err`.
bool read_vector_set(const std::string& dir, vector_set& vs, std::string& err);

}  // namespace tb

#endif  // TAISP_TB_VECTORS_H
