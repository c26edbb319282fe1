// The two combinational halves of a function table (LUT or piecewise linear), shared by
// isp_table (build-time entries) and isp_ftable (per-frame entries written by software): the
// Verilog twin of fixedpoint.arith.tables.FunctionTable.evaluate.
//
// isp_table_map(q): the segment map of the raw input q, packed {zero, r, s, idx}:
//   uniform: idx = (q - in_min) >> PARAM, s = PARAM;
//   pow2: like a float's exponent and mantissa, u = q >= 0 ? q : ~q, e = index of u's leading
//   one, s = max(e - PARAM, 0), j = (s << PARAM) + (u >> s), mirrored for negative inputs
//   (NSIDE - 1 - j below zero, NSIDE + j above);
//   r = the low s bits of q; zero = positive-domain function (ZCHK) and q <= 0.
// isp_table_interp(y0, y1, s, r, zero): ZVAL when zero; y0 for a LUT or s = 0; otherwise
//   y0 + round((y1 - y0) * r / 2^s) with the table's rounding RND (isp_round.vh); in two steps
//   for a pipelined table: isp_table_prod(y0, y1, r) = (y1 - y0) * r, then
//   isp_table_round(y0, prod, s, zero).
//
// Functions, so include this file inside the module body after isp_round.vh and after the
// including module's parameters IN_W, IN_S, OUT_W, OUT_S, SEG, PARAM, PWL, RND, ZCHK, ZVAL,
// NSIDE (isp_table's) and localparams IW (index width), SW (shift width, $clog2(IN_W + 1)) and
// PW (product width, OUT_W + 2 + IN_W). No include guard: a function is local to its module.

// width of isp_table_map's result {zero, r, s, idx}
localparam MAP_W = 1 + IN_W + SW + IW;
// the pow2 mirror point NSIDE (and NSIDE - 1) at the index maps' width
/* verilator lint_off WIDTHEXPAND */
/* verilator lint_off WIDTHTRUNC */
localparam [IN_W+IW-1:0] NSIDE_X = NSIDE;
/* verilator lint_on WIDTHTRUNC */
/* verilator lint_on WIDTHEXPAND */
localparam [IN_W+IW-1:0] NSIDE_M1 = NSIDE_X - 1'b1;

/* verilator lint_off UNUSEDSIGNAL */
function [MAP_W-1:0] isp_table_map;
    // the raw input (two's complement bit pattern when IN_S)
    input [IN_W-1:0] q;
    reg [IN_W-1:0] u, u_sh, q_off, r;
    reg [SW-1:0] e, s_pow2, s;
    reg [IN_W+IW-1:0] j_pow2, idx_uni, idx_pow2, idx_map;
    reg zero;
    integer k;
    begin
        u = (IN_S && q[IN_W-1]) ? ~q : q;
        e = {SW{1'b0}};
        for (k = 0; k < IN_W; k = k + 1) begin
            if (u[k]) e = k[SW-1:0];
        end
        s_pow2 = (e > PARAM[SW-1:0]) ? e - PARAM[SW-1:0] : {SW{1'b0}};
        u_sh = u >> s_pow2;
        j_pow2 = ({{IW{1'b0}}, {{(IN_W-SW){1'b0}}, s_pow2}} << PARAM) + {{IW{1'b0}}, u_sh};
        q_off = IN_S ? {~q[IN_W-1], q[IN_W-2:0]} : q;
        // both index maps in IN_W+IW bits (IW can exceed IN_W: a uniform table of 2^IN_W
        // segments); the bits above IW are zero by construction
        idx_uni = {{IW{1'b0}}, q_off} >> PARAM;
        idx_pow2 = !IN_S ? j_pow2 : q[IN_W-1] ? NSIDE_M1 - j_pow2 : NSIDE_X + j_pow2;
        idx_map = SEG == 0 ? idx_uni : idx_pow2;
        s = SEG == 0 ? PARAM[SW-1:0] : s_pow2;
        r = q & ~({IN_W{1'b1}} << s);
        zero = ZCHK && (q == {IN_W{1'b0}} || (IN_S && q[IN_W-1]));
        isp_table_map = {zero, r, s, idx_map[IW-1:0]};
    end
endfunction

// the interpolation's product (y1 - y0) * r (exact, PW bits)
function signed [PW-1:0] isp_table_prod;
    // the entries around the input's segment (idx, idx + 1)
    input [OUT_W-1:0] y0;
    input [OUT_W-1:0] y1;
    // the input's offset in its segment
    input [IN_W-1:0] r;
    reg signed [OUT_W+1:0] y0e, y1e, dy;
    begin
        y0e = OUT_S ? $signed({{2{y0[OUT_W-1]}}, y0}) : $signed({2'b00, y0});
        y1e = OUT_S ? $signed({{2{y1[OUT_W-1]}}, y1}) : $signed({2'b00, y1});
        dy = y1e - y0e;
        isp_table_prod = $signed({{(PW-OUT_W-2){dy[OUT_W+1]}}, dy}) * $signed({1'b0, r});
    end
endfunction

// the rest of the interpolation: y0 + round(prod / 2^s); ZVAL when zero, y0 for a LUT or s = 0
function [OUT_W-1:0] isp_table_round;
    // the entry idx, the product of isp_table_prod
    input [OUT_W-1:0] y0;
    input signed [PW-1:0] prod;
    // log2 of the segment width, the positive-domain flag
    input [SW-1:0] s;
    input zero;
    reg signed [OUT_W+1:0] y0e;
    reg signed [PW-1:0] fl, yi;
    reg [PW-1:0] mask, rem, half;
    reg inc;
    begin
        y0e = OUT_S ? $signed({{2{y0[OUT_W-1]}}, y0}) : $signed({2'b00, y0});
        fl = prod >>> s;
        mask = ~({PW{1'b1}} << s);
        rem = prod & mask;
        // s < IN_W < PW, so 1 << s fits
        half = ({{(PW-1){1'b0}}, 1'b1} << s) >> 1;
        inc = isp_round_inc(RND, prod[PW-1], |rem, rem > half, rem == half, fl[0]);
        yi = {{(PW-OUT_W-2){y0e[OUT_W+1]}}, y0e} + fl + {{(PW-1){1'b0}}, inc};
        if (zero) begin
            isp_table_round = ZVAL[OUT_W-1:0];
        end else if (!PWL || s == 0) begin
            isp_table_round = y0;
        end else begin
            isp_table_round = yi[OUT_W-1:0];
        end
    end
endfunction

// the whole interpolation in one step
function [OUT_W-1:0] isp_table_interp;
    // the entries around the input's segment (idx, idx + 1)
    input [OUT_W-1:0] y0;
    input [OUT_W-1:0] y1;
    // log2 of the segment width, the input's offset in it, the positive-domain flag
    input [SW-1:0] s;
    input [IN_W-1:0] r;
    input zero;
    begin
        isp_table_interp = isp_table_round(y0, isp_table_prod(y0, y1, r), s, zero);
    end
endfunction
/* verilator lint_on UNUSEDSIGNAL */
