// Broadcasting binary operators: Add Sub Mul Div Pow Min Max (Min/Max also
// variadic), Equal Greater Less GreaterOrEqual LessOrEqual (-> bool), And Or
// Xor (bool). The reference kernel walks a generic broadcast index; the fast
// kernel handles same-shape, scalar and "block" broadcasts (e.g. [N,C,H,W] op
// [1,C,1,1] or [N,T,C] op [C]) with flat loops the compiler vectorises.
#include <cmath>
#include <functional>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

// b seen through `out` is "block" shaped when its non-1 dims form one run equal
// to out's dims there: then b index = (i / inner) % bn.
bool block_pattern(const Shape& b, const Shape& out, int64_t& inner, int64_t& bn) {
  const size_t r = out.size(), off = r - b.size();
  Shape bb(r, 1);
  for (size_t i = 0; i < b.size(); ++i) bb[off + i] = b[i];
  int first = -1, last = -1;
  for (size_t i = 0; i < r; ++i)
    if (bb[i] != 1) {
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i);
    }
  inner = 1;
  bn = 1;
  if (first < 0) {  // scalar-like
    for (int64_t d : out) inner *= d;
    return true;
  }
  for (int i = first; i <= last; ++i) {
    if (bb[i] != out[i]) return false;
    bn *= out[i];
  }
  for (size_t i = last + 1; i < r; ++i) inner *= out[i];
  return true;
}

template <class T, class R, class F>
void generic(const Tensor& a, const Tensor& b, Tensor& o, F f) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  R* po = o.data<R>();
  for_each_broadcast(o.shape(), broadcast_strides(a.shape(), o.shape()), broadcast_strides(b.shape(), o.shape()),
                     [&](int64_t i, int64_t ia, int64_t ib) { po[i] = f(pa[ia], pb[ib]); });
}

// full: the operand with the output's shape; blk: the block-broadcast one.
template <class T, class R, bool Swap, class F>
void block_loop(const T* full, const T* blk, R* po, int64_t n, int64_t inner, int64_t bn, F f) {
  auto op = [&](T x, T y) { return Swap ? f(y, x) : f(x, y); };
  if (inner == 1 && bn == n) {
#pragma omp parallel for simd if (n >= kParallelMin)
    for (int64_t i = 0; i < n; ++i) po[i] = op(full[i], blk[i]);
  } else if (inner == 1) {
    const int64_t rows = n / bn;
#pragma omp parallel for if (n >= kParallelMin)
    for (int64_t r = 0; r < rows; ++r)
#pragma omp simd
      for (int64_t k = 0; k < bn; ++k) po[r * bn + k] = op(full[r * bn + k], blk[k]);
  } else {
    const int64_t rows = n / inner;
#pragma omp parallel for if (n >= kParallelMin)
    for (int64_t r = 0; r < rows; ++r) {
      const T v = blk[r % bn];
      const T* x = full + r * inner;
      R* y = po + r * inner;
#pragma omp simd
      for (int64_t k = 0; k < inner; ++k) y[k] = op(x[k], v);
    }
  }
}

template <class T, class R, class F>
void compute(const Tensor& a, const Tensor& b, Tensor& o, bool fast, F f) {
  const int64_t n = o.numel();
  if (n == 0) return;
  if (fast) {
    int64_t inner, bn;
    if (a.shape() == o.shape() && block_pattern(b.shape(), o.shape(), inner, bn))
      return block_loop<T, R, false>(a.data<T>(), b.data<T>(), o.data<R>(), n, inner, bn, f);
    if (b.shape() == o.shape() && block_pattern(a.shape(), o.shape(), inner, bn))
      return block_loop<T, R, true>(b.data<T>(), a.data<T>(), o.data<R>(), n, inner, bn, f);
  }
  generic<T, R>(a, b, o, f);
}

enum class Kind { Arith, Compare, Logic };

// Applies `F<T>` to a and b for the numeric dtypes.
template <template <class> class F, Kind kind>
Tensor apply(KernelContext& c, const Tensor& a0, const Tensor& b0, bool fast) {
  Tensor a = a0, b = b0;
  if (a.dtype() == DType::Float16) a = a.cast(DType::Float32);
  if (b.dtype() == DType::Float16) b = b.cast(DType::Float32);
  if (a.dtype() != b.dtype()) c.error("input types differ: " + a.desc() + " and " + b.desc());
  Shape os = broadcast_shapes(c, a.shape(), b.shape());
  const DType dt = a.dtype();
  if constexpr (kind == Kind::Logic) {
    if (dt != DType::Bool) c.error("expects bool inputs, got " + a.desc());
    Tensor o(DType::Bool, os, c.pool);
    compute<bool, bool>(a, b, o, fast, F<bool>());
    return o;
  } else {
  const DType odt = kind == Kind::Compare ? DType::Bool : dt;
  Tensor o(odt, os, c.pool);
  switch (dt) {
    case DType::Float32:
      if constexpr (kind == Kind::Compare) compute<float, bool>(a, b, o, fast, F<float>());
      else compute<float, float>(a, b, o, fast, F<float>());
      break;
    case DType::Int64:
      if constexpr (kind == Kind::Compare) compute<int64_t, bool>(a, b, o, fast, F<int64_t>());
      else compute<int64_t, int64_t>(a, b, o, fast, F<int64_t>());
      break;
    case DType::Int32:
      if constexpr (kind == Kind::Compare) compute<int32_t, bool>(a, b, o, fast, F<int32_t>());
      else compute<int32_t, int32_t>(a, b, o, fast, F<int32_t>());
      break;
    case DType::Bool:
      if constexpr (kind == Kind::Compare) {
        compute<bool, bool>(a, b, o, fast, F<bool>());
        break;
      }
      [[fallthrough]];
    default: c.error(std::string("unsupported input type ") + dtype_name(dt));
  }
  return o;
  }
}

template <class T> struct AddF { T operator()(T x, T y) const { return x + y; } };
template <class T> struct SubF { T operator()(T x, T y) const { return x - y; } };
template <class T> struct MulF { T operator()(T x, T y) const { return x * y; } };
template <class T> struct DivF {
  T operator()(T x, T y) const {
    if constexpr (std::is_floating_point_v<T>) return x / y;
    else return y == 0 ? T(0) : x / y;  // integer division by zero: 0 (checked below)
  }
};
template <class T> struct MinF { T operator()(T x, T y) const { return (std::isnan(double(x)) || x < y) ? x : y; } };
template <class T> struct MaxF { T operator()(T x, T y) const { return (std::isnan(double(x)) || x > y) ? x : y; } };
template <class T> struct PowF {
  T operator()(T x, T y) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (y == T(2)) return x * x;
      if (y == T(0.5)) return std::sqrt(x);
      return std::pow(x, y);
    } else {
      return static_cast<T>(std::pow(static_cast<double>(x), static_cast<double>(y)));
    }
  }
};
template <class T> struct EqF { bool operator()(T x, T y) const { return x == y; } };
template <class T> struct GtF { bool operator()(T x, T y) const { return x > y; } };
template <class T> struct LtF { bool operator()(T x, T y) const { return x < y; } };
template <class T> struct GeF { bool operator()(T x, T y) const { return x >= y; } };
template <class T> struct LeF { bool operator()(T x, T y) const { return x <= y; } };
template <class T> struct PReluF { T operator()(T x, T s) const { return x < T(0) ? x * s : x; } };
template <class T> struct AndF { bool operator()(bool x, bool y) const { return x && y; } };
template <class T> struct OrF { bool operator()(bool x, bool y) const { return x || y; } };
template <class T> struct XorF { bool operator()(bool x, bool y) const { return x != y; } };

template <template <class> class F, Kind K, bool Fast>
void binary_kernel(KernelContext& c) {
  c.outputs[0] = apply<F, K>(c, c.in(0), c.in(1), Fast);
}

void check_int_divisor(KernelContext& c) {
  const Tensor& b = c.in(1);
  if (b.dtype() == DType::Int64 || b.dtype() == DType::Int32)
    for (int64_t v : b.to_i64())
      if (v == 0) c.error("integer division by zero");
}

template <bool Fast>
void div_kernel(KernelContext& c) {
  check_int_divisor(c);
  c.outputs[0] = apply<DivF, Kind::Arith>(c, c.in(0), c.in(1), Fast);
}

// Pow: the exponent may have another type than the base.
template <bool Fast>
void pow_kernel(KernelContext& c) {
  Tensor a = c.in(0), b = c.in(1);
  if (a.dtype() == DType::Float16) a = a.cast(DType::Float32);
  if (b.dtype() != a.dtype()) {
    if (b.dtype() == DType::Bool) c.error("bool exponent");
    b = b.cast(a.dtype());
  }
  c.outputs[0] = apply<PowF, Kind::Arith>(c, a, b, Fast);
}

// Min / Max / Sum / Mean take 1..N inputs.
template <template <class> class F, bool Fast>
void variadic_kernel(KernelContext& c) {
  Tensor acc = c.in(0);
  for (size_t i = 1; i < c.num_inputs(); ++i) acc = apply<F, Kind::Arith>(c, acc, c.in(i), Fast);
  if (c.num_inputs() == 1) acc = acc.clone();
  c.outputs[0] = acc;
}

template <bool Fast>
void mean_kernel(KernelContext& c) {
  variadic_kernel<AddF, Fast>(c);
  Tensor& o = c.outputs[0];
  if (o.dtype() != DType::Float32) c.error("Mean needs float inputs");
  if (c.num_inputs() == 1) return;
  float k = 1.f / static_cast<float>(c.num_inputs());
  float* p = o.data<float>();
  for (int64_t i = 0; i < o.numel(); ++i) p[i] *= k;
}

#define BINARY(NAME, F, K) \
  PPOCR_OP(NAME).reference(binary_kernel<F, K, false>).fast(binary_kernel<F, K, true>).inputs(2, 2)

BINARY(Add, AddF, Kind::Arith);
BINARY(Sub, SubF, Kind::Arith);
BINARY(Mul, MulF, Kind::Arith);
BINARY(PRelu, PReluF, Kind::Arith);
BINARY(Equal, EqF, Kind::Compare);
BINARY(Greater, GtF, Kind::Compare);
BINARY(Less, LtF, Kind::Compare);
BINARY(GreaterOrEqual, GeF, Kind::Compare);
BINARY(LessOrEqual, LeF, Kind::Compare);
BINARY(And, AndF, Kind::Logic);
BINARY(Or, OrF, Kind::Logic);
BINARY(Xor, XorF, Kind::Logic);
PPOCR_OP(Div).reference(div_kernel<false>).fast(div_kernel<true>).inputs(2, 2);
PPOCR_OP(Pow).reference(pow_kernel<false>).fast(pow_kernel<true>).inputs(2, 2);
PPOCR_OP(Min).reference(variadic_kernel<MinF, false>).fast(variadic_kernel<MinF, true>).inputs(1, 64);
PPOCR_OP(Max).reference(variadic_kernel<MaxF, false>).fast(variadic_kernel<MaxF, true>).inputs(1, 64);
PPOCR_OP(Sum).reference(variadic_kernel<AddF, false>).fast(variadic_kernel<AddF, true>).inputs(1, 64);
PPOCR_OP(Mean).reference(mean_kernel<false>).fast(mean_kernel<true>).inputs(1, 64);

}  // namespace
}  // namespace ppocr::engine::ops
