// Shape (with opset-15 start/end), Size, ConstantOfShape, Range.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void shape_k(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int64_t r = x.rank();
  int64_t b = c.node.attrs.i("start", 0), e = c.node.attrs.i("end", r);
  if (b < 0) b += r;
  if (e < 0) e += r;
  b = std::clamp<int64_t>(b, 0, r);
  e = std::clamp<int64_t>(e, b, r);
  std::vector<int64_t> dims(x.shape().begin() + b, x.shape().begin() + e);
  c.outputs[0] = Tensor::from_vector<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

void size_k(KernelContext& c) { c.outputs[0] = Tensor::scalar_i64(c.in(0).numel()); }

void constant_of_shape(KernelContext& c) {
  std::vector<int64_t> s = int_input(c, 0);
  for (int64_t d : s)
    if (d < 0) c.error("negative dim in " + shape_str(s));
  const Tensor* v = c.node.attrs.tensor("value");
  Tensor val = v ? *v : Tensor::scalar_f32(0.f);
  if (val.numel() != 1) c.error("value must hold one element");
  if (val.dtype() == DType::Float16) val = val.cast(DType::Float32);
  check_output_size(c, s);
  Tensor& o = c.alloc_output(0, val.dtype(), s);
  const size_t es = dtype_size(val.dtype());
  char* p = static_cast<char*>(o.raw());
  for (int64_t i = 0; i < o.numel(); ++i) std::memcpy(p + i * es, val.raw(), es);
}

void range(KernelContext& c) {
  const Tensor& s = c.in(0);
  for (size_t i = 0; i < 3; ++i)
    if (c.in(i).numel() != 1) c.error("start, limit and delta must be scalars");
  const DType dt = s.dtype() == DType::Float16 ? DType::Float32 : s.dtype();
  const double start = c.in(0).to_f32()[0], limit = c.in(1).to_f32()[0], delta = c.in(2).to_f32()[0];
  if (dt == DType::Int64 || dt == DType::Int32) {
    const int64_t a = c.in(0).to_i64()[0], b = c.in(1).to_i64()[0], d = c.in(2).to_i64()[0];
    if (d == 0) c.error("delta is 0");
    const double nd = std::ceil((static_cast<double>(b) - static_cast<double>(a)) / static_cast<double>(d));
    if (nd > double(int64_t(1) << 31)) c.error("range too long");
    const int64_t n = nd > 0 ? static_cast<int64_t>(nd) : 0;
    Tensor t(DType::Int64, {n});
    for (int64_t i = 0; i < n; ++i) t.data<int64_t>()[i] = a + i * d;
    c.outputs[0] = t.cast(dt);
    return;
  }
  if (dt != DType::Float32) c.error("unsupported type");
  if (delta == 0 || !std::isfinite(start) || !std::isfinite(limit) || !std::isfinite(delta))
    c.error("delta is 0 or an argument is not finite");
  const double nd = std::max(0.0, std::ceil((limit - start) / delta));
  if (nd > double(int64_t(1) << 31)) c.error("range too long");
  const int64_t n = static_cast<int64_t>(nd);
  Tensor& o = c.alloc_output(0, DType::Float32, {n});
  for (int64_t i = 0; i < n; ++i) o.data<float>()[i] = static_cast<float>(start + i * delta);
}

PPOCR_OP(Shape).reference(shape_k).inputs(1, 1);
PPOCR_OP(Size).reference(size_k).inputs(1, 1);
PPOCR_OP(ConstantOfShape).reference(constant_of_shape).inputs(1, 1);
PPOCR_OP(Range).reference(range).inputs(3, 3);

}  // namespace
}  // namespace ppocr::engine::ops
