// Elementwise unary operators and activations: Relu LeakyRelu Sigmoid Tanh
// HardSigmoid HardSwish Erf Sqrt Exp Log Neg Abs Reciprocal Floor Ceil Round
// Sin Cos Gelu Softplus Elu Selu Sign Swish(=SiLU) Not, and Clip (bounds as inputs).
#include <algorithm>
#include <cmath>

#include "engine/ops/fast_math.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

constexpr int64_t kParallelMin = 1 << 14;

template <class F>
void float_map(KernelContext& c, F f) {
  Tensor x = as_f32(c, c.in(0));
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  const int64_t n = x.numel();
#pragma omp parallel for simd if (n >= kParallelMin)
  for (int64_t i = 0; i < n; ++i) po[i] = f(px[i]);
}

// Float, or integer types for the ops that make sense on them.
template <class F>
void numeric_map(KernelContext& c, F f) {
  const Tensor& x = c.in(0);
  auto run = [&](auto tag) {
    using T = decltype(tag);
    Tensor& o = c.alloc_output(0, x.dtype(), x.shape());
    const T* px = x.data<T>();
    T* po = o.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i) po[i] = static_cast<T>(f(px[i]));
  };
  switch (x.dtype()) {
    case DType::Int64: run(int64_t()); break;
    case DType::Int32: run(int32_t()); break;
    default: float_map(c, f);
  }
}

inline float sigmoid(float v) { return 1.f / (1.f + std::exp(-v)); }

void relu(KernelContext& c) { numeric_map(c, [](auto v) { return v > 0 ? v : decltype(v)(0); }); }
void leaky_relu(KernelContext& c) {
  const float a = c.node.attrs.f("alpha", 0.01f);
  float_map(c, [a](float v) { return v >= 0.f ? v : v * a; });
}
void sigmoid_k(KernelContext& c) { float_map(c, [](float v) { return sigmoid(v); }); }
void tanh_k(KernelContext& c) { float_map(c, [](float v) { return std::tanh(v); }); }
void hard_sigmoid(KernelContext& c) {
  const float a = c.node.attrs.f("alpha", 0.2f), b = c.node.attrs.f("beta", 0.5f);
  float_map(c, [a, b](float v) { return std::min(1.f, std::max(0.f, a * v + b)); });
}
void hard_swish(KernelContext& c) {
  float_map(c, [](float v) { return v * std::min(1.f, std::max(0.f, v / 6.f + 0.5f)); });
}
void swish(KernelContext& c) { float_map(c, [](float v) { return v * sigmoid(v); }); }
void erf_k(KernelContext& c) { float_map(c, [](float v) { return std::erf(v); }); }
void sqrt_k(KernelContext& c) { float_map(c, [](float v) { return std::sqrt(v); }); }
void exp_k(KernelContext& c) { float_map(c, [](float v) { return std::exp(v); }); }
void log_k(KernelContext& c) { float_map(c, [](float v) { return std::log(v); }); }
void neg(KernelContext& c) { numeric_map(c, [](auto v) { return -v; }); }
void abs_k(KernelContext& c) { numeric_map(c, [](auto v) { return v < 0 ? -v : v; }); }
void sign(KernelContext& c) { numeric_map(c, [](auto v) { return v > 0 ? 1 : (v < 0 ? -1 : 0); }); }
void reciprocal(KernelContext& c) { float_map(c, [](float v) { return 1.f / v; }); }
void floor_k(KernelContext& c) { float_map(c, [](float v) { return std::floor(v); }); }
void ceil_k(KernelContext& c) { float_map(c, [](float v) { return std::ceil(v); }); }
void round_k(KernelContext& c) { float_map(c, [](float v) { return std::nearbyint(v); }); }  // half to even
void sin_k(KernelContext& c) { float_map(c, [](float v) { return std::sin(v); }); }
void cos_k(KernelContext& c) { float_map(c, [](float v) { return std::cos(v); }); }
void gelu(KernelContext& c) {
  const std::string approx = c.node.attrs.s("approximate", "none");
  if (approx == "tanh") {
    float_map(c, [](float v) {
      const float k = 0.7978845608028654f;  // sqrt(2/pi)
      return 0.5f * v * (1.f + std::tanh(k * (v + 0.044715f * v * v * v)));
    });
  } else if (approx == "none") {
    float_map(c, [](float v) { return 0.5f * v * (1.f + std::erf(v * 0.7071067811865476f)); });
  } else {
    c.error("unknown approximate='" + approx + "'");
  }
}
void softplus(KernelContext& c) {
  float_map(c, [](float v) { return v > 20.f ? v : std::log1p(std::exp(v)); });
}
void elu(KernelContext& c) {
  const float a = c.node.attrs.f("alpha", 1.f);
  float_map(c, [a](float v) { return v >= 0.f ? v : a * (std::exp(v) - 1.f); });
}
void selu(KernelContext& c) {
  const float a = c.node.attrs.f("alpha", 1.67326319217681884765625f);
  const float g = c.node.attrs.f("gamma", 1.05070102214813232421875f);
  float_map(c, [a, g](float v) { return v > 0.f ? g * v : g * a * (std::exp(v) - 1.f); });
}
// Fast kernels: plain loops over chunks, vectorised (with an AVX2 clone
// picked at run time by CPU feature) and using the approximations of fast_math.h.
#define PPOCR_FAST_LOOP(NAME, EXPR)                                                            \
  __attribute__((target_clones("avx2", "default"))) void NAME(const float* x, float* y, \
                                                                      int64_t n, float a, float b) { \
    _Pragma("omp simd") for (int64_t i = 0; i < n; ++i) {                                      \
      const float v = x[i];                                                                    \
      y[i] = (EXPR);                                                                           \
    }                                                                                          \
  }

PPOCR_FAST_LOOP(relu_loop, v > 0.f ? v : 0.f)
PPOCR_FAST_LOOP(leaky_relu_loop, v >= 0.f ? v : v * a)
PPOCR_FAST_LOOP(sigmoid_loop, fast_sigmoid(v))
PPOCR_FAST_LOOP(tanh_loop, fast_tanh(v))
PPOCR_FAST_LOOP(erf_loop, fast_erf(v))
PPOCR_FAST_LOOP(exp_loop, fast_exp(v))
PPOCR_FAST_LOOP(swish_loop, v * fast_sigmoid(v))
PPOCR_FAST_LOOP(gelu_loop, 0.5f * v * (1.f + fast_erf(v * 0.7071067811865476f)))
PPOCR_FAST_LOOP(hard_sigmoid_loop, a * v + b < 0.f ? 0.f : (a * v + b > 1.f ? 1.f : a * v + b))
PPOCR_FAST_LOOP(hard_swish_loop, v * (v < -3.f ? 0.f : (v > 3.f ? 1.f : v * (1.f / 6.f) + 0.5f)))
PPOCR_FAST_LOOP(clip_loop, v < a ? a : (v > b ? b : v))

using Loop = void (*)(const float*, float*, int64_t, float, float);

void run_loop(KernelContext& c, Loop f, float a = 0.f, float b = 0.f) {
  Tensor x = as_f32(c, c.in(0));
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  const int64_t n = x.numel(), chunk = 1 << 14, chunks = (n + chunk - 1) / chunk;
#pragma omp parallel for if (chunks > 1)
  for (int64_t k = 0; k < chunks; ++k) f(px + k * chunk, po + k * chunk, std::min(chunk, n - k * chunk), a, b);
}

bool is_float(const KernelContext& c) {
  return c.in(0).dtype() == DType::Float32 || c.in(0).dtype() == DType::Float16;
}

void relu_fast(KernelContext& c) { is_float(c) ? run_loop(c, relu_loop) : relu(c); }
void leaky_relu_fast(KernelContext& c) { run_loop(c, leaky_relu_loop, c.node.attrs.f("alpha", 0.01f)); }
void sigmoid_fast(KernelContext& c) { run_loop(c, sigmoid_loop); }
void tanh_fast(KernelContext& c) { run_loop(c, tanh_loop); }
void erf_fast(KernelContext& c) { run_loop(c, erf_loop); }
void exp_fast(KernelContext& c) { run_loop(c, exp_loop); }
void swish_fast(KernelContext& c) { run_loop(c, swish_loop); }
void gelu_fast(KernelContext& c) {
  if (c.node.attrs.s("approximate", "none") == "none") run_loop(c, gelu_loop);
  else gelu(c);
}
void hard_sigmoid_fast(KernelContext& c) {
  run_loop(c, hard_sigmoid_loop, c.node.attrs.f("alpha", 0.2f), c.node.attrs.f("beta", 0.5f));
}
void hard_swish_fast(KernelContext& c) { run_loop(c, hard_swish_loop); }

void not_k(KernelContext& c) {
  const Tensor& x = c.in(0);
  if (x.dtype() != DType::Bool) c.error("expects a bool input, got " + x.desc());
  Tensor& o = c.alloc_output(0, DType::Bool, x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) o.data<bool>()[i] = !x.data<bool>()[i];
}

// Clip: min/max are optional scalar inputs (opset >= 11 form).
void clip(KernelContext& c) {
  const Tensor& x = c.in(0);
  auto bound = [&](size_t i, double def) {
    if (!c.has_input(i)) return def;
    const Tensor& t = c.in(i);
    if (t.numel() != 1) c.error("min/max must be scalars, got " + t.desc());
    return static_cast<double>(t.cast(DType::Float32).to_f32()[0]);
  };
  if (x.dtype() == DType::Int64 || x.dtype() == DType::Int32) {
    const double lo = bound(1, -9.2e18), hi = bound(2, 9.2e18);
    numeric_map(c, [lo, hi](auto v) { return v < lo ? decltype(v)(lo) : (v > hi ? decltype(v)(hi) : v); });
    return;
  }
  const float lo = static_cast<float>(bound(1, -INFINITY)), hi = static_cast<float>(bound(2, INFINITY));
  float_map(c, [lo, hi](float v) { return std::min(hi, std::max(lo, v)); });
}

void clip_fast(KernelContext& c) {
  if (!is_float(c)) return clip(c);
  float lo = -INFINITY, hi = INFINITY;
  for (size_t i = 1; i < 3; ++i) {
    if (!c.has_input(i)) continue;
    if (c.in(i).numel() != 1) c.error("min/max must be scalars, got " + c.in(i).desc());
    (i == 1 ? lo : hi) = c.in(i).to_f32()[0];
  }
  run_loop(c, clip_loop, lo, hi);
}

#define UNARY(NAME, FN) PPOCR_OP(NAME).reference(FN).inputs(1, 1)

UNARY(Relu, relu).fast(relu_fast);
UNARY(LeakyRelu, leaky_relu).fast(leaky_relu_fast);
UNARY(Sigmoid, sigmoid_k).fast(sigmoid_fast);
UNARY(Tanh, tanh_k).fast(tanh_fast);
UNARY(HardSigmoid, hard_sigmoid).fast(hard_sigmoid_fast);
UNARY(HardSwish, hard_swish).fast(hard_swish_fast);
UNARY(Swish, swish).fast(swish_fast);
UNARY(Erf, erf_k).fast(erf_fast);
UNARY(Sqrt, sqrt_k);
UNARY(Exp, exp_k).fast(exp_fast);
UNARY(Log, log_k);
UNARY(Neg, neg);
UNARY(Abs, abs_k);
UNARY(Sign, sign);
UNARY(Reciprocal, reciprocal);
UNARY(Floor, floor_k);
UNARY(Ceil, ceil_k);
UNARY(Round, round_k);
UNARY(Sin, sin_k);
UNARY(Cos, cos_k);
UNARY(Gelu, gelu).fast(gelu_fast);
UNARY(Softplus, softplus);
UNARY(Elu, elu);
UNARY(Selu, selu);
UNARY(Not, not_k);
PPOCR_OP(Clip).reference(clip).fast(clip_fast).inputs(1, 3);

}  // namespace
}  // namespace ppocr::engine::ops
