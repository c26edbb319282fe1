// TA-ISP: the number of ones among POPCNT_N flags (saturation flags of channels, regions and
// frame sums), shared by the modules that count them (taisp_glc, taisp_hsa, taisp_rgfc,
// taisp_stats).
//
// A function, so include this file inside the module body after the localparams POPCNT_N (the
// number of flags) and POPCNT_W (the result width, at least $clog2(POPCNT_N + 1)); each
// including module gets its own copy. Fewer flags: zero-extend them to POPCNT_N bits.

function [POPCNT_W-1:0] isp_popcount;
    // the flags
    input [POPCNT_N-1:0] v;
    integer n;
    begin
        isp_popcount = {POPCNT_W{1'b0}};
        for (n = 0; n < POPCNT_N; n = n + 1) begin
            isp_popcount = isp_popcount + {{(POPCNT_W-1){1'b0}}, v[n]};
        end
    end
endfunction
