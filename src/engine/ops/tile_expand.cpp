// Tile (repeats input) and Expand (numpy broadcast to a shape input). Any dtype.
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

// Copies x into o where o's index maps to x's through `src_strides` (0 on
// broadcast dims) or modulo x's dims (tile).
void gather_copy(const Tensor& x, Tensor& o, bool tile) {
  const int r = o.rank();
  const int64_t n = o.numel();
  if (n == 0) return;
  const size_t es = dtype_size(x.dtype());
  Shape xs = x.shape();
  while (static_cast<int>(xs.size()) < r) xs.insert(xs.begin(), 1);
  auto xst = strides_of(xs);
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(o.raw());
  std::vector<int64_t> idx(r, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int d = 0; d < r; ++d) off += (tile ? idx[d] % xs[d] : (xs[d] == 1 ? 0 : idx[d])) * xst[d];
    std::memcpy(dst + i * es, src + off * es, es);
    for (int d = r - 1; d >= 0; --d) {
      if (++idx[d] < o.dim(d)) break;
      idx[d] = 0;
    }
  }
}

void tile(KernelContext& c) {
  const Tensor& x = c.in(0);
  std::vector<int64_t> rep = int_input(c, 1);
  if (static_cast<int>(rep.size()) != x.rank())
    c.error("repeats has " + std::to_string(rep.size()) + " entries for " + x.desc());
  Shape os(x.rank());
  for (int d = 0; d < x.rank(); ++d) {
    if (rep[d] < 0) c.error("negative repeat");
    if (rep[d] > 0 && x.dim(d) > (int64_t(1) << 40) / rep[d]) c.error("tiled shape is too large");
    os[d] = x.dim(d) * rep[d];
  }
  check_output_size(c, os);
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  gather_copy(x, o, true);
}

void expand(KernelContext& c) {
  const Tensor& x = c.in(0);
  std::vector<int64_t> s = int_input(c, 1);
  for (int64_t d : s)
    if (d < 0) c.error("negative dim in " + shape_str(s));
  Shape os = broadcast_shapes(c, x.shape(), s);
  check_output_size(c, os);
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  gather_copy(x, o, false);
}

PPOCR_OP(Tile).reference(tile).inputs(2, 2);
PPOCR_OP(Expand).reference(expand).inputs(2, 2);

}  // namespace
}  // namespace ppocr::engine::ops
