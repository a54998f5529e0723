// ReduceMean ReduceSum ReduceMax ReduceMin ReduceProd ReduceL2 ReduceSumSquare
// and ArgMax/ArgMin. Axes come from the `axes` attribute or (ReduceSum opset
// 13+, every reduce in opset 18) from input 1; none = all axes unless
// noop_with_empty_axes. keepdims defaults to 1.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

enum class R { Mean, Sum, Max, Min, Prod, L2, SumSquare };

struct Plan {
  Shape out_keep;             // reduced dims set to 1
  Shape out;                  // final output shape
  std::vector<char> reduced;  // per input dim
};

Plan plan_reduce(const KernelContext& c, const Shape& in, std::vector<int64_t> axes, bool keep) {
  const int r = static_cast<int>(in.size());
  Plan p;
  p.reduced.assign(r, 0);
  if (axes.empty())
    std::fill(p.reduced.begin(), p.reduced.end(), 1);
  for (int64_t a : axes) p.reduced[norm_axis(c, a, r)] = 1;
  for (int i = 0; i < r; ++i) {
    p.out_keep.push_back(p.reduced[i] ? 1 : in[i]);
    if (!p.reduced[i] || keep) p.out.push_back(p.reduced[i] ? 1 : in[i]);
  }
  return p;
}

template <class T>
void reduce_typed(KernelContext& c, const Tensor& x, const Plan& p, R kind) {
  Tensor& o = c.alloc_output(0, x.dtype(), p.out);
  const int64_t on = o.numel();
  const int r = x.rank();
  T* po = o.data<T>();
  const T* px = x.data<T>();
  if (on == 0) return;
  if (x.numel() == 0 && (kind == R::Max || kind == R::Min)) c.error("cannot reduce an empty tensor");
  // Accumulate in double for sums, in T for max/min.
  std::vector<double> acc(on);
  double init = 0;
  if (kind == R::Prod) init = 1;
  if (kind == R::Max) init = -INFINITY;
  if (kind == R::Min) init = INFINITY;
  std::fill(acc.begin(), acc.end(), init);
  auto ostr = strides_of(p.out_keep);
  std::vector<int64_t> map(r);
  for (int i = 0; i < r; ++i) map[i] = p.reduced[i] ? 0 : ostr[i];
  std::vector<int64_t> idx(r, 0);
  int64_t oi = 0;
  for (int64_t i = 0; i < x.numel(); ++i) {
    double v = static_cast<double>(px[i]);
    double& a = acc[oi];
    switch (kind) {
      case R::Mean:
      case R::Sum: a += v; break;
      case R::Max: a = (std::isnan(v) || v > a) ? v : a; break;
      case R::Min: a = (std::isnan(v) || v < a) ? v : a; break;
      case R::Prod: a *= v; break;
      case R::L2:
      case R::SumSquare: a += v * v; break;
    }
    for (int d = r - 1; d >= 0; --d) {
      oi += map[d];
      if (++idx[d] < x.dim(d)) break;
      oi -= map[d] * x.dim(d);
      idx[d] = 0;
    }
  }
  const double count = on ? static_cast<double>(x.numel()) / static_cast<double>(on) : 1;
  for (int64_t i = 0; i < on; ++i) {
    double v = acc[i];
    if (kind == R::Mean) v = count > 0 ? v / count : NAN;
    if (kind == R::L2) v = std::sqrt(v);
    po[i] = static_cast<T>(v);
  }
}

template <R Kind>
void reduce(KernelContext& c) {
  Tensor x = c.in(0);
  if (x.dtype() == DType::Float16) x = x.cast(DType::Float32);
  std::vector<int64_t> axes = c.has_input(1) ? int_input(c, 1) : c.node.attrs.ints("axes");
  if (axes.empty() && c.node.attrs.i("noop_with_empty_axes", 0)) {
    c.outputs[0] = x;
    return;
  }
  Plan p = plan_reduce(c, x.shape(), axes, c.node.attrs.i("keepdims", 1) != 0);
  switch (x.dtype()) {
    case DType::Float32: reduce_typed<float>(c, x, p, Kind); break;
    case DType::Int64: reduce_typed<int64_t>(c, x, p, Kind); break;
    case DType::Int32: reduce_typed<int32_t>(c, x, p, Kind); break;
    default: c.error(std::string("unsupported type ") + dtype_name(x.dtype()));
  }
}

// Fast ReduceMean/ReduceSum over the trailing axes of a float tensor (e.g.
// LayerNorm-style means over the last dim, or over H,W), else the reference.
template <R Kind>
void reduce_fast(KernelContext& c) {
  const Tensor& x = c.in(0);
  std::vector<int64_t> axes = c.has_input(1) ? int_input(c, 1) : c.node.attrs.ints("axes");
  const int r = x.rank();
  if (x.dtype() != DType::Float32 || axes.empty() || r == 0) return reduce<Kind>(c);
  Plan p = plan_reduce(c, x.shape(), axes, c.node.attrs.i("keepdims", 1) != 0);
  int first = r;
  while (first > 0 && p.reduced[first - 1]) --first;
  for (int i = 0; i < first; ++i)
    if (p.reduced[i]) return reduce<Kind>(c);
  int64_t len = 1;
  for (int i = first; i < r; ++i) len *= x.dim(i);
  Tensor& o = c.alloc_output(0, DType::Float32, p.out);
  const int64_t rows = o.numel();
  const float* px = x.data<float>();
  float* po = o.data<float>();
#pragma omp parallel for if (rows * len >= (1 << 15))
  for (int64_t i = 0; i < rows; ++i) {
    double s = 0;
    const float* row = px + i * len;
    for (int64_t k = 0; k < len; ++k) s += row[k];
    po[i] = static_cast<float>(Kind == R::Mean ? (len ? s / static_cast<double>(len) : NAN) : s);
  }
}

template <bool Max>
void arg_extreme(KernelContext& c) {
  Tensor x = c.in(0);
  if (x.dtype() == DType::Float16) x = x.cast(DType::Float32);
  if (x.dtype() != DType::Float32) x = x.cast(DType::Float32);
  const int r = x.rank();
  const int axis = norm_axis(c, c.node.attrs.i("axis", 0), std::max(r, 1));
  const bool keep = c.node.attrs.i("keepdims", 1) != 0, last = c.node.attrs.i("select_last_index", 0) != 0;
  if (r == 0 || x.dim(axis) == 0) c.error("cannot take the arg of an empty axis");
  int64_t outer = 1, len = x.dim(axis), inner = 1;
  Shape os;
  for (int i = 0; i < r; ++i) {
    if (i < axis) outer *= x.dim(i);
    if (i > axis) inner *= x.dim(i);
    if (i != axis) os.push_back(x.dim(i));
    else if (keep) os.push_back(1);
  }
  Tensor& o = c.alloc_output(0, DType::Int64, os);
  const float* px = x.data<float>();
  int64_t* po = o.data<int64_t>();
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      const float* in = px + a * len * inner + b;
      int64_t best = 0;
      for (int64_t k = 1; k < len; ++k) {
        float v = in[k * inner], bv = in[best * inner];
        bool better = Max ? (v > bv || (last && v == bv)) : (v < bv || (last && v == bv));
        if (better) best = k;
      }
      po[a * inner + b] = best;
    }
}

PPOCR_OP(ReduceMean).reference(reduce<R::Mean>).fast(reduce_fast<R::Mean>).inputs(1, 2);
PPOCR_OP(ReduceSum).reference(reduce<R::Sum>).fast(reduce_fast<R::Sum>).inputs(1, 2);
PPOCR_OP(ReduceMax).reference(reduce<R::Max>).inputs(1, 2);
PPOCR_OP(ReduceMin).reference(reduce<R::Min>).inputs(1, 2);
PPOCR_OP(ReduceProd).reference(reduce<R::Prod>).inputs(1, 2);
PPOCR_OP(ReduceL2).reference(reduce<R::L2>).inputs(1, 2);
PPOCR_OP(ReduceSumSquare).reference(reduce<R::SumSquare>).inputs(1, 2);
PPOCR_OP(ArgMax).reference(arg_extreme<true>).inputs(1, 1);
PPOCR_OP(ArgMin).reference(arg_extreme<false>).inputs(1, 1);

}  // namespace
}  // namespace ppocr::engine::ops
