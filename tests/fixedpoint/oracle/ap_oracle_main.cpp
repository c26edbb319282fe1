// main() of the ap_fixed oracle: reads records from argv[1], writes results to
// argv[2].  The generated translation units provide the function tables
// declared by ORACLE_PARTS (see ap_oracle.h for the record layout).
#include <cstdio>
#include <cstdlib>

#include "ap_oracle.h"
#include "oracle_parts.h"  // generated: declares oracle_part_<i> and ORACLE_TABLES

static bool read_all(FILE* f, void* p, size_t bytes) {
  return bytes == 0 || fread(p, 1, bytes, f) == bytes;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s records.in results.out\n", argv[0]);
    return 2;
  }
  FILE* in = fopen(argv[1], "rb");
  FILE* out = fopen(argv[2], "wb");
  if (!in || !out) {
    fprintf(stderr, "cannot open files\n");
    return 2;
  }
  const oracle_fn* tables[] = {ORACLE_TABLES};
  const int64_t sizes[] = {ORACLE_TABLE_SIZES};
  int64_t hdr[5];
  while (fread(hdr, sizeof(int64_t), 5, in) == 5) {
    Job j;
    j.a.resize(hdr[1]);
    j.b.resize(hdr[2]);
    j.k = hdr[3];
    j.x.resize(hdr[4]);
    if (!read_all(in, j.a.data(), hdr[1] * 8) || !read_all(in, j.b.data(), hdr[2] * 8) ||
        !read_all(in, j.x.data(), hdr[4] * 8)) {
      fprintf(stderr, "truncated record\n");
      return 3;
    }
    int64_t fn = hdr[0], part = 0;
    while (part < (int64_t)(sizeof(sizes) / sizeof(sizes[0])) && fn >= sizes[part]) {
      fn -= sizes[part];
      ++part;
    }
    if (part >= (int64_t)(sizeof(sizes) / sizeof(sizes[0]))) {
      fprintf(stderr, "bad function index %lld\n", (long long)hdr[0]);
      return 3;
    }
    tables[part][fn](j);
    int64_t n = (int64_t)j.out.size();
    fwrite(&n, sizeof(int64_t), 1, out);
    fwrite(j.out.data(), sizeof(int64_t), n, out);
  }
  fclose(out);
  fclose(in);
  return 0;
}
