// Where(cond, x, y) with three-way numpy broadcasting. Any dtype for x/y.
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void where(KernelContext& c) {
  const Tensor& cond = c.in(0);
  Tensor x = c.in(1), y = c.in(2);
  if (cond.dtype() != DType::Bool) c.error("condition must be bool, got " + cond.desc());
  if (x.dtype() == DType::Float16) x = x.cast(DType::Float32);
  if (y.dtype() == DType::Float16) y = y.cast(DType::Float32);
  if (x.dtype() != y.dtype()) c.error("x and y types differ: " + x.desc() + " and " + y.desc());
  Shape os = broadcast_shapes(c, broadcast_shapes(c, cond.shape(), x.shape()), y.shape());
  Tensor& o = c.alloc_output(0, x.dtype(), os);
  const int r = static_cast<int>(os.size());
  const int64_t n = o.numel();
  if (n == 0) return;
  auto sc = broadcast_strides(cond.shape(), os), sx = broadcast_strides(x.shape(), os),
       sy = broadcast_strides(y.shape(), os);
  const size_t es = dtype_size(x.dtype());
  const bool* pc = cond.data<bool>();
  const char* px = static_cast<const char*>(x.raw());
  const char* py = static_cast<const char*>(y.raw());
  char* po = static_cast<char*>(o.raw());
  std::vector<int64_t> idx(r, 0);
  int64_t oc = 0, ox = 0, oy = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(po + i * es, pc[oc] ? px + ox * es : py + oy * es, es);
    for (int d = r - 1; d >= 0; --d) {
      oc += sc[d];
      ox += sx[d];
      oy += sy[d];
      if (++idx[d] < os[d]) break;
      oc -= sc[d] * os[d];
      ox -= sx[d] * os[d];
      oy -= sy[d] * os[d];
      idx[d] = 0;
    }
  }
}

PPOCR_OP(Where).reference(where).inputs(3, 3);

}  // namespace
}  // namespace ppocr::engine::ops
