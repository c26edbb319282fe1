// TA-ISP: the pipeline depth of isp_addtree, shared by the tree and its instantiators (which
// align their side bands with it). A function, so include this file inside the module body;
// each including module gets its own copy (no include guard: a function is local to its module).

// levels of a balanced binary adder tree over n terms (0 for a single term)
function integer isp_addtree_levels;
    // number of terms (>= 1)
    input integer n;
    integer m;
    begin
        isp_addtree_levels = 0;
        for (m = n; m > 1; m = (m + 1) / 2) begin
            isp_addtree_levels = isp_addtree_levels + 1;
        end
    end
endfunction

// nodes at level l of the tree over n terms: ceil(n / 2^l) (level 0: the terms); the tournament
// of isp_argmax has the same shape
function integer isp_addtree_nodes;
    // number of terms (>= 1)
    input integer n;
    // level (>= 0)
    input integer l;
    begin
        isp_addtree_nodes = (n + (1 << l) - 1) >> l;
    end
endfunction

// ce cycles from isp_addtree's in to its out: the input register (in_reg) and one register
// after every lpr adder levels and after the last level
function integer isp_addtree_latency;
    // number of terms (>= 1)
    input integer n;
    // adder levels between registers (>= 1)
    input integer lpr;
    // the terms are registered first (0 or 1)
    input integer in_reg;
    begin
        isp_addtree_latency = in_reg + (isp_addtree_levels(n) + lpr - 1) / lpr;
    end
endfunction
