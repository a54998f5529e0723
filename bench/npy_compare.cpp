// npy_compare A.npy B.npy [threshold]: max / mean absolute difference of two
// float arrays of equal shape, the share of equal argmax over the last axis,
// and the share of elements on the same side of `threshold` (default 0.3,
// the detection binarisation). Exit status 1 when the shapes differ.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "io/npy.h"

using namespace ppocr;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: npy_compare A.npy B.npy [threshold]\n");
    return 2;
  }
  try {
    auto a = io::read_npy(argv[1]).to_f32(), b = io::read_npy(argv[2]).to_f32();
    auto sa = io::read_npy(argv[1]).shape(), sb = io::read_npy(argv[2]).shape();
    if (sa != sb) {
      std::printf("shape mismatch: %s vs %s\n", engine::shape_str(sa).c_str(), engine::shape_str(sb).c_str());
      return 1;
    }
    const float th = argc > 3 ? std::strtof(argv[3], nullptr) : 0.3f;
    double mx = 0, sum = 0;
    size_t same_bin = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      double d = std::abs(double(a[i]) - b[i]);
      mx = std::max(mx, d);
      sum += d;
      same_bin += (a[i] > th) == (b[i] > th);
    }
    size_t inner = sa.empty() ? 1 : static_cast<size_t>(sa.back()), rows = inner ? a.size() / inner : 0, same_arg = 0;
    for (size_t r = 0; r < rows; ++r) {
      auto ia = std::max_element(a.begin() + r * inner, a.begin() + (r + 1) * inner) - a.begin();
      auto ib = std::max_element(b.begin() + r * inner, b.begin() + (r + 1) * inner) - b.begin();
      same_arg += ia == ib;
    }
    std::printf("max_abs %.6g mean_abs %.6g same_bin %.5f%% same_argmax %.3f%% n %zu\n", mx,
                a.empty() ? 0. : sum / a.size(), a.empty() ? 100. : 100.0 * same_bin / a.size(),
                rows ? 100.0 * same_arg / rows : 100., a.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
