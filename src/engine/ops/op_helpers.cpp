#include "engine/ops/op_helpers.h"

#include <algorithm>

namespace ppocr::engine::ops {

int norm_axis(const KernelContext& c, int64_t axis, int rank) {
  if (axis < -rank || axis >= std::max(rank, 1))
    c.error("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  if (axis < 0) axis += rank;
  return static_cast<int>(axis);
}

std::vector<int64_t> strides_of(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}

Shape broadcast_shapes(const KernelContext& c, const Shape& a, const Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else c.error("shapes " + shape_str(a) + " and " + shape_str(b) + " cannot be broadcast");
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  auto s = strides_of(in);
  const size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) st[off + i] = in[i] == 1 ? 0 : s[i];
  return st;
}

std::vector<int64_t> int_input(const KernelContext& c, size_t i) {
  if (!c.has_input(i)) return {};
  const Tensor& t = c.in(i);
  if (t.dtype() != DType::Int64 && t.dtype() != DType::Int32)
    c.error("input " + std::to_string(i) + " must be an integer tensor, got " + t.desc());
  return t.to_i64();
}

void check_output_size(const KernelContext& c, const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) c.error("negative dimension in " + shape_str(s));
    if (d != 0 && n > kMaxElements / d) c.error("output shape " + shape_str(s) + " is too large");
    n *= d;
  }
}

Tensor as_f32(const KernelContext& c, const Tensor& t) {
  if (t.dtype() == DType::Float32) return t;
  if (t.dtype() == DType::Float16) return t.cast(DType::Float32);
  c.error("expected a float tensor, got " + t.desc());
}

}  // namespace ppocr::engine::ops
