// Independent oracle for fixedpoint.arith: the same operations done with the
// AMD/Xilinx ap_fixed types (headers shipped in the hls4ml wheel).
//
// The test generates one or more translation units that instantiate the
// templates below for the formats and modes under test, each ending in a table
// of function pointers, plus main() from ap_oracle_main.cpp.  The program reads
// records from the input file and writes one result record per input record.
//
// Input record (little-endian):  int64 fn, na, nb, k, nx; int64 a[na];
//                                int64 b[nb]; double x[nx]
// Output record:                 int64 n; int64 out[n]
//
// Raw values are int64 two's complement: value = raw * 2^-F, F = W - I.
#pragma once

#include <ap_fixed.h>

#include <cstdint>
#include <vector>

struct Job {
  std::vector<int64_t> a, b;
  std::vector<double> x;
  int64_t k;
  std::vector<int64_t> out;
};

typedef void (*oracle_fn)(Job&);

// Plain storage type of a source operand (its own modes never matter).
template <int W, int I, bool S>
using src_t = ap_fixed_base<W, I, S, AP_TRN, AP_WRAP, 0>;
// Target type, whose Q and O modes apply on assignment.
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
using dst_t = ap_fixed_base<W, I, S, Q, O, 0>;

template <class T>
inline void set_raw(T& x, int64_t r) { x.V = r; }  // keeps the low W bits
template <class T>
inline int64_t get_raw(const T& x) { return (int64_t)x.V.to_int64(); }  // sign-extends

// dst = src  (ap_fixed assignment: quantization, then overflow)
template <int W1, int I1, bool S1, int W2, int I2, bool S2, ap_q_mode Q, ap_o_mode O>
void op_requant(Job& j) {
  j.out.resize(j.a.size());
  for (size_t i = 0; i < j.a.size(); ++i) {
    src_t<W1, I1, S1> s;
    set_raw(s, j.a[i]);
    dst_t<W2, I2, S2, Q, O> d = s;
    j.out[i] = get_raw(d);
  }
}

// dst = double
template <int W2, int I2, bool S2, ap_q_mode Q, ap_o_mode O>
void op_quant(Job& j) {
  j.out.resize(j.x.size());
  for (size_t i = 0; i < j.x.size(); ++i) {
    dst_t<W2, I2, S2, Q, O> d = j.x[i];
    j.out[i] = get_raw(d);
  }
}

#define ORACLE_BINARY(NAME, EXPR)                                              \
  template <int Wa, int Ia, bool Sa, int Wb, int Ib, bool Sb, int W2, int I2,  \
            bool S2, ap_q_mode Q, ap_o_mode O>                                 \
  void NAME(Job& j) {                                                          \
    j.out.resize(j.a.size());                                                  \
    for (size_t i = 0; i < j.a.size(); ++i) {                                  \
      src_t<Wa, Ia, Sa> a;                                                     \
      src_t<Wb, Ib, Sb> b;                                                     \
      set_raw(a, j.a[i]);                                                      \
      set_raw(b, j.b[i]);                                                      \
      dst_t<W2, I2, S2, Q, O> d = EXPR;                                        \
      j.out[i] = get_raw(d);                                                   \
    }                                                                          \
  }

ORACLE_BINARY(op_add, a + b)
ORACLE_BINARY(op_sub, a - b)
ORACLE_BINARY(op_mul, a * b)

// acc = 0; for t < k: acc += a*b   (a fixed-width accumulator, per-step Q and O)
template <int Wa, int Ia, bool Sa, int Wb, int Ib, bool Sb, int W2, int I2, bool S2,
          ap_q_mode Q, ap_o_mode O>
void op_dot(Job& j) {
  const size_t rows = j.a.size() / j.k;
  j.out.resize(rows);
  for (size_t r = 0; r < rows; ++r) {
    dst_t<W2, I2, S2, Q, O> acc = 0;
    for (int64_t t = 0; t < j.k; ++t) {
      src_t<Wa, Ia, Sa> a;
      src_t<Wb, Ib, Sb> b;
      set_raw(a, j.a[r * j.k + t]);
      set_raw(b, j.b[r * j.k + t]);
      acc += a * b;
    }
    j.out[r] = get_raw(acc);
  }
}

// dst = src.lshift<N>()  (binary point moves right by N: value * 2^N)
template <int W1, int I1, bool S1, int N, int W2, int I2, bool S2, ap_q_mode Q, ap_o_mode O>
void op_lshift(Job& j) {
  j.out.resize(j.a.size());
  for (size_t i = 0; i < j.a.size(); ++i) {
    src_t<W1, I1, S1> s;
    set_raw(s, j.a[i]);
    dst_t<W2, I2, S2, Q, O> d = s.template lshift<N>();
    j.out[i] = get_raw(d);
  }
}

// dst = src.rshift<N>()  (value * 2^-N)
template <int W1, int I1, bool S1, int N, int W2, int I2, bool S2, ap_q_mode Q, ap_o_mode O>
void op_rshift(Job& j) {
  j.out.resize(j.a.size());
  for (size_t i = 0; i < j.a.size(); ++i) {
    src_t<W1, I1, S1> s;
    set_raw(s, j.a[i]);
    dst_t<W2, I2, S2, Q, O> d = s.template rshift<N>();
    j.out[i] = get_raw(d);
  }
}
