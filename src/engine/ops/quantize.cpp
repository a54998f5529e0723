// QuantizeLinear / DequantizeLinear, per tensor (scalar scale) or per axis
// (1-D scale along `axis`, default 1), int8 / uint8 (int32 for Dequantize).
#include <algorithm>
#include <cmath>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

// For element i, the index into a per-axis scale/zero point (0 if per tensor).
struct AxisMap {
  int64_t inner = 1, len = 1;
  bool per_axis = false;
  int64_t at(int64_t i) const { return per_axis ? (i / inner) % len : 0; }
};

AxisMap axis_map(const KernelContext& c, const Tensor& x, const Tensor& scale, const Tensor* zp) {
  AxisMap m;
  if (scale.numel() == 0) c.error("scale is empty");
  if (scale.rank() > 1 || (scale.rank() == 1 && scale.numel() != 1)) {
    if (scale.rank() != 1) c.error("scale must be a scalar or 1-D, got " + scale.desc());
    const int axis = norm_axis(c, c.node.attrs.i("axis", 1), x.rank());
    if (x.dim(axis) != scale.numel()) c.error("scale " + scale.desc() + " does not match axis of " + x.desc());
    m.per_axis = true;
    m.len = scale.numel();
    for (int d = axis + 1; d < x.rank(); ++d) m.inner *= x.dim(d);
  }
  if (zp && zp->numel() != scale.numel()) c.error("zero point and scale differ in size");
  return m;
}

void quantize(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  Tensor scale = as_f32(c, c.in(1));
  const Tensor* zp = c.has_input(2) ? &c.in(2) : nullptr;
  const DType dt = zp ? zp->dtype() : DType::UInt8;
  if (dt != DType::UInt8 && dt != DType::Int8) c.error("only int8 / uint8 quantisation is supported");
  AxisMap m = axis_map(c, x, scale, zp);
  std::vector<int64_t> z = zp ? zp->to_i64() : std::vector<int64_t>(scale.numel(), 0);
  const float lo = dt == DType::UInt8 ? 0.f : -128.f, hi = dt == DType::UInt8 ? 255.f : 127.f;
  Tensor& o = c.alloc_output(0, dt, x.shape());
  const float* px = x.data<float>();
  const float* ps = scale.data<float>();
  const int64_t n = x.numel();
  auto q = [&](int64_t i) {
    const int64_t k = m.at(i);
    float v = std::nearbyint(px[i] / ps[k]) + static_cast<float>(z[k]);
    return std::isnan(v) ? 0.f : std::min(hi, std::max(lo, v));
  };
  if (dt == DType::UInt8) {
    uint8_t* po = o.data<uint8_t>();
#pragma omp parallel for if (n >= (1 << 15))
    for (int64_t i = 0; i < n; ++i) po[i] = static_cast<uint8_t>(q(i));
  } else {
    int8_t* po = o.data<int8_t>();
#pragma omp parallel for if (n >= (1 << 15))
    for (int64_t i = 0; i < n; ++i) po[i] = static_cast<int8_t>(q(i));
  }
}

void dequantize(KernelContext& c) {
  const Tensor& x = c.in(0);
  Tensor scale = as_f32(c, c.in(1));
  const Tensor* zp = c.has_input(2) ? &c.in(2) : nullptr;
  if (x.dtype() != DType::UInt8 && x.dtype() != DType::Int8 && x.dtype() != DType::Int32)
    c.error("input must be int8, uint8 or int32, got " + x.desc());
  if (zp && zp->dtype() != x.dtype()) c.error("zero point type differs from the input's");
  AxisMap m = axis_map(c, x, scale, zp);
  std::vector<int64_t> z = zp ? zp->to_i64() : std::vector<int64_t>(scale.numel(), 0);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* ps = scale.data<float>();
  float* po = o.data<float>();
  const int64_t n = x.numel();
  auto run = [&](auto* px) {
#pragma omp parallel for if (n >= (1 << 15))
    for (int64_t i = 0; i < n; ++i) {
      const int64_t k = m.at(i);
      po[i] = static_cast<float>(static_cast<int64_t>(px[i]) - z[k]) * ps[k];
    }
  };
  if (x.dtype() == DType::UInt8) run(x.data<uint8_t>());
  else if (x.dtype() == DType::Int8) run(x.data<int8_t>());
  else run(x.data<int32_t>());
}

// FakeQuant (engine op, made by fuse_fake_quant from a per-tensor QuantizeLinear
// read only by a DequantizeLinear with the same scale and zero point):
//   Y = (clamp(round_half_even(X / scale) + zero_point, qmin, qmax) - zero_point) * scale
// exactly what the pair computes (NaN quantises to 0), in one pass and in fp32.
// Elementwise, so any layout (the `layout` attribute is informational).
struct FakeQuantArgs {
  float scale, zp, lo, hi;
};

FakeQuantArgs fake_quant_args(const KernelContext& c) {
  const auto& at = c.node.attrs;
  FakeQuantArgs a{at.f("scale", 0.f), static_cast<float>(at.i("zero_point", 0)), static_cast<float>(at.i("qmin", 0)),
                  static_cast<float>(at.i("qmax", 255))};
  if (!(a.scale > 0.f) || !(a.lo <= a.zp && a.zp <= a.hi)) c.error("bad FakeQuant scale / zero point / range");
  return a;
}

void fake_quant_ref(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const FakeQuantArgs a = fake_quant_args(c);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) po[i] = fake_quant_value(px[i], a.scale, a.zp, a.lo, a.hi);
}

__attribute__((target_clones("avx2", "default"))) void fake_quant_loop(const float* x, float* y, int64_t n,
                                                                        FakeQuantArgs a) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] = fake_quant_value(x[i], a.scale, a.zp, a.lo, a.hi);
}

void fake_quant_fast(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const FakeQuantArgs a = fake_quant_args(c);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const int64_t n = x.numel(), chunk = 1 << 14, chunks = (n + chunk - 1) / chunk;
  const float* px = x.data<float>();
  float* po = o.data<float>();
#pragma omp parallel for if (chunks > 1)
  for (int64_t k = 0; k < chunks; ++k) fake_quant_loop(px + k * chunk, po + k * chunk, std::min(chunk, n - k * chunk), a);
}

PPOCR_OP(QuantizeLinear).reference(quantize).inputs(2, 3);
PPOCR_OP(FakeQuant).reference(fake_quant_ref).fast(fake_quant_fast).inputs(1, 1);
PPOCR_OP(DequantizeLinear).reference(dequantize).inputs(2, 3);

}  // namespace
}  // namespace ppocr::engine::ops
