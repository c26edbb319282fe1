// TA-ISP: the number of ones among NREG flags (one per region), shared by taisp_core and
// taisp_rgfc (saturation counts of the 16 logits and their sums).
//
// A function, so include this file inside the module body after the localparams NREG (flags)
// and PCW (result width, $clog2(NREG + 1)); each including module gets its own copy.

function [PCW-1:0] isp_popcount;
    // one flag per region
    input [NREG-1:0] v;
    integer n;
    begin
        isp_popcount = {PCW{1'b0}};
        for (n = 0; n < NREG; n = n + 1) begin
            isp_popcount = isp_popcount + {{(PCW-1){1'b0}}, v[n]};
        end
    end
endfunction
