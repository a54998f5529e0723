// Slice (opset-10+ form): starts, ends, optional axes and steps as inputs.
// Negative indices count from the end; out-of-range indices are clamped;
// negative steps walk backwards. Any dtype.
#include <algorithm>
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void slice(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  std::vector<int64_t> starts = int_input(c, 1), ends = int_input(c, 2), axes = int_input(c, 3),
                       steps = int_input(c, 4);
  if (starts.size() != ends.size()) c.error("starts and ends differ in length");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size())
    c.error("starts, ends, axes and steps differ in length");
  std::vector<int64_t> st(r, 0), step(r, 1);
  Shape os = x.shape();
  std::vector<char> seen(r, 0);
  for (size_t i = 0; i < starts.size(); ++i) {
    const int a = norm_axis(c, axes[i], r);
    if (seen[a]++) c.error("axis repeated");
    const int64_t dim = x.dim(a), s = steps[i];
    if (s == 0) c.error("step is 0");
    int64_t b = starts[i], e = ends[i];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    int64_t len;
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      len = e > b ? (e - b - 1) / s + 1 : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      len = b > e ? (s == INT64_MIN ? 1 : (b - e - 1) / (-s) + 1) : 0;
    }
    st[a] = b;
    step[a] = s;
    os[a] = len;
  }
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  const int64_t n = o.numel();
  if (n == 0) return;
  const size_t es = dtype_size(x.dtype());
  auto ist = strides_of(x.shape());
  // Trailing dims taken whole are copied as one chunk.
  int tail = r;
  while (tail > 0 && st[tail - 1] == 0 && step[tail - 1] == 1 && os[tail - 1] == x.dim(tail - 1)) --tail;
  int64_t chunk = 1;
  for (int d = tail; d < r; ++d) chunk *= os[d];
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(o.raw());
  if (tail == 0) {
    std::memcpy(dst, src, n * es);
    return;
  }
  const int64_t rows = n / chunk;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t rem = row, off = 0;
    for (int d = tail - 1; d >= 0; --d) {
      off += (st[d] + (rem % os[d]) * step[d]) * ist[d];
      rem /= os[d];
    }
    std::memcpy(dst + row * chunk * es, src + off * es, chunk * es);
  }
}

PPOCR_OP(Slice).reference(slice).inputs(3, 5);

}  // namespace
}  // namespace ppocr::engine::ops
