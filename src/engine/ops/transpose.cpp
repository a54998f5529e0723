// Transpose: permutes dims by `perm` (default: reversed). Any dtype.
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void transpose(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  std::vector<int64_t> perm = c.node.attrs.ints("perm");
  if (perm.empty())
    for (int i = r - 1; i >= 0; --i) perm.push_back(i);
  if (static_cast<int>(perm.size()) != r) c.error("perm has " + std::to_string(perm.size()) + " entries for rank " + std::to_string(r));
  std::vector<char> seen(r, 0);
  for (auto& p : perm) {
    p = norm_axis(c, p, r);
    if (seen[p]++) c.error("perm repeats an axis");
  }
  Shape os(r);
  for (int i = 0; i < r; ++i) os[i] = x.dim(static_cast<int>(perm[i]));
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  const int64_t n = x.numel();
  if (n == 0) return;
  const size_t es = dtype_size(x.dtype());
  auto ist = strides_of(x.shape());
  // Merge the trailing run of dims that stay in place into one contiguous chunk.
  int tail = r;
  while (tail > 0 && perm[tail - 1] == tail - 1) --tail;
  int64_t chunk = 1;
  for (int i = tail; i < r; ++i) chunk *= os[i];
  const size_t cbytes = chunk * es;
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(o.raw());
  const int outer_r = tail;
  std::vector<int64_t> st(outer_r);
  for (int i = 0; i < outer_r; ++i) st[i] = ist[perm[i]];
  const int64_t rows = n / chunk;
  if (outer_r == 0) {
    std::memcpy(dst, src, n * es);
    return;
  }
  // Rows of the output in order; the innermost output dim is walked in a loop.
  const int64_t last = os[outer_r - 1], lst = st[outer_r - 1];
#pragma omp parallel for if (n >= (1 << 16))
  for (int64_t row = 0; row < rows / last; ++row) {
    int64_t rem = row, off = 0;
    for (int d = outer_r - 2; d >= 0; --d) {
      off += (rem % os[d]) * st[d];
      rem /= os[d];
    }
    char* out = dst + row * last * cbytes;
    if (es == 4 && chunk == 1) {
      const float* s = reinterpret_cast<const float*>(src) + off;
      float* q = reinterpret_cast<float*>(out);
      for (int64_t k = 0; k < last; ++k) q[k] = s[k * lst];
    } else {
      for (int64_t k = 0; k < last; ++k) std::memcpy(out + k * cbytes, src + (off + k * lst) * es, cbytes);
    }
  }
}

PPOCR_OP(Transpose).reference(transpose).inputs(1, 1);

}  // namespace
}  // namespace ppocr::engine::ops
