// Small helpers shared by the ONNX-semantics operators: axis normalisation,
// numpy broadcasting, strides, and reading parameter inputs (axes, shapes).
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/op.h"

namespace ppocr::engine::ops {

// Axis in [-rank, rank) -> [0, rank); Error (naming the node) when out of range.
int norm_axis(const KernelContext& c, int64_t axis, int rank);

// C-order strides of a shape.
std::vector<int64_t> strides_of(const Shape& s);

// numpy broadcast of two shapes; Error when incompatible.
Shape broadcast_shapes(const KernelContext& c, const Shape& a, const Shape& b);

// Strides of `in` seen through the broadcast shape `out` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);

// The values of an optional integer input (empty vector when omitted).
std::vector<int64_t> int_input(const KernelContext& c, size_t i);

// Iterates a multi-index over `shape` calling f(out_index, offset_a, offset_b)
// for two broadcast inputs. Generic (slow) path; callers handle fast cases.
template <class F>
void for_each_broadcast(const Shape& out, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb,
                        F&& f) {
  const int r = static_cast<int>(out.size());
  int64_t n = 1;
  for (int64_t d : out) n *= d;
  if (n == 0) return;
  if (r == 0) {
    f(0, 0, 0);
    return;
  }
  std::vector<int64_t> idx(r, 0);
  int64_t oa = 0, ob = 0;
  const int64_t inner = out[r - 1], ia = sa[r - 1], ib = sb[r - 1];
  for (int64_t i = 0; i < n; i += inner) {
    for (int64_t k = 0; k < inner; ++k) f(i + k, oa + k * ia, ob + k * ib);
    // advance the outer index (dims 0..r-2)
    for (int d = r - 2; d >= 0; --d) {
      ++idx[d];
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < out[d]) break;
      oa -= sa[d] * out[d];
      ob -= sb[d] * out[d];
      idx[d] = 0;
    }
  }
}

// Error when a shape computed from data (Expand, Tile, ConstantOfShape, Pad...)
// would exceed kMaxElements: corrupt models must not ask for terabytes.
constexpr int64_t kMaxElements = int64_t(1) << 31;
void check_output_size(const KernelContext& c, const Shape& s);

// Float tensors (float16 is converted) as float32; Error for other dtypes.
Tensor as_f32(const KernelContext& c, const Tensor& t);

// QuantizeLinear then DequantizeLinear of one value, per tensor (FakeQuant, EltwiseChain):
// (clamp(round_half_even(v / scale) + zp, lo, hi) - zp) * scale, NaN quantising to 0. Branch-free, so
// loops over it vectorise.
inline float fake_quant_value(float v, float scale, float zp, float lo, float hi) {
  const float r = std::nearbyint(v / scale) + zp;
  const float q = r != r ? 0.f : (r < lo ? lo : (r > hi ? hi : r));
  return (q - zp) * scale;
}

}  // namespace ppocr::engine::ops
