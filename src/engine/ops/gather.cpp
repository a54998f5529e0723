// Gather along `axis` with int32/int64 indices (negative = from the end; out
// of range is an Error). Any data dtype.
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void gather(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  if (r == 0) c.error("cannot gather from a scalar");
  const int axis = norm_axis(c, c.node.attrs.i("axis", 0), r);
  std::vector<int64_t> idx = int_input(c, 1);
  const Shape& is = c.in(1).shape();
  const int64_t len = x.dim(axis);
  for (int64_t& v : idx) {
    if (v < -len || v >= len)
      c.error("index " + std::to_string(v) + " out of range for axis of size " + std::to_string(len));
    if (v < 0) v += len;
  }
  Shape os(x.shape().begin(), x.shape().begin() + axis);
  os.insert(os.end(), is.begin(), is.end());
  os.insert(os.end(), x.shape().begin() + axis + 1, x.shape().end());
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int d = axis + 1; d < r; ++d) inner *= x.dim(d);
  const size_t row = inner * dtype_size(x.dtype());
  const char* src = static_cast<const char*>(x.raw());
  char* dst = static_cast<char*>(o.raw());
  const int64_t ni = static_cast<int64_t>(idx.size());
  if (row == 0) return;
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t k = 0; k < ni; ++k)
      std::memcpy(dst + (a * ni + k) * row, src + (a * len + idx[k]) * row, row);
}

PPOCR_OP(Gather).reference(gather).inputs(2, 2);

}  // namespace
}  // namespace ppocr::engine::ops
