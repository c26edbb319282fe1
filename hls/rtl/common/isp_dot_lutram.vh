// The pipeline depth of isp_dot_lutram, shared by the module and its instantiators (which align
// their side bands with it). A function: include this file inside the module body, after
// isp_addtree.vh (no include guard: a function is local to its module).

// ce cycles from isp_dot_lutram's x and c to its s: the digit-sum trees of n terms (no input
// register), then the tree adding c and the digit sums of an (x_w)-bit input in (dg_w)-bit digits
function integer isp_dot_lutram_latency;
    // number of products
    input integer n;
    // bits of a digit
    input integer dg_w;
    // width of an input
    input integer x_w;
    // adder levels between registers
    input integer lpr;
    begin
        isp_dot_lutram_latency = isp_addtree_latency(n, lpr, 0) + isp_addtree_latency((x_w + dg_w - 1) / dg_w + 1, lpr, 0);
    end
endfunction
