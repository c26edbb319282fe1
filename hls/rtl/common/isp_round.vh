// TA-ISP: the rounding increment of a requantization, shared by isp_rq and isp_table.
//
// Rounding a two's complement value v to a coarser scale: floor(v / 2^D) plus
// isp_round_inc(...) (0 or 1), where rem = v mod 2^D are the dropped bits and half = 2^(D-1).
// Modes are the codes of fixedpoint.arith.Rounding (ap_fixed's quantization modes):
//   TRN 0 (down), TRN_ZERO 1 (towards zero), RND 2 (half up), RND_ZERO 3 (half towards zero),
//   RND_MIN_INF 4 (half down), RND_INF 5 (half away from zero), RND_CONV 6 (half to even);
// any other code rounds as RND_CONV (the modules reject unknown codes at elaboration).
//
// A function, so include this file inside the module body (after the module's ports); each
// including module gets its own copy (no include guard: a function is local to its module).

function isp_round_inc;
    // rounding mode code (see above)
    input integer rnd_mode;
    // the exact value is negative
    input rnd_neg;
    // the dropped bits are not all zero (rem != 0)
    input rnd_nz;
    // rem > half
    input rnd_gt;
    // rem == half
    input rnd_eq;
    // least significant bit of the floor (rounded-down) result
    input rnd_lsb;
    begin
        isp_round_inc = (rnd_mode == 0) ? 1'b0 :
                          (rnd_mode == 1) ? (rnd_nz & rnd_neg) :
                          (rnd_mode == 2) ? (rnd_gt | rnd_eq) :
                          (rnd_mode == 3) ? (rnd_gt | (rnd_eq & rnd_neg)) :
                          (rnd_mode == 4) ? rnd_gt :
                          (rnd_mode == 5) ? (rnd_gt | (rnd_eq & ~rnd_neg)) :
                                            (rnd_gt | (rnd_eq & rnd_lsb));
    end
endfunction

