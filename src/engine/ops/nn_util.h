// Shared helpers of the compute operators (Conv, ConvTranspose, pooling,
// MatMul, Gemm): ONNX window geometry, the fused activation epilogue, and
// float16 handling (fp16 tensors are computed in fp32 and cast back).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/op.h"

namespace ppocr::engine::nn {

// ---- float16 ---------------------------------------------------------------
// The float32 view of a float input (fp16 is converted); Error for other dtypes.
inline Tensor f32_input(const KernelContext& c, size_t i) {
  const Tensor& t = c.in(i);
  if (t.dtype() == DType::Float32) return t;
  if (t.dtype() == DType::Float16) return t.cast(DType::Float32);
  c.error("input " + std::to_string(i) + " must be float32 or float16, got " + t.desc());
}
// Casts the kernel's float32 outputs to `dt` (when input 0 was float16).
inline void restore_dtype(KernelContext& c, DType dt) {
  if (dt != DType::Float16) return;
  for (auto& o : c.outputs)
    if (!o.empty() && o.dtype() == DType::Float32) o = o.cast(DType::Float16);
}

// ---- fused activation --------------------------------------------------------
enum class Act { None, Relu, Clip, HardSigmoid, HardSwish, Sigmoid, LeakyRelu, Tanh, Swish, Gelu };

struct Epilogue {
  Act act = Act::None;
  float alpha = 0, beta = 0;  // Clip: min/max; HardSigmoid: alpha/beta; LeakyRelu: alpha
  float post_scale = 1, post_shift = 0;  // applied after the activation
  bool none() const { return act == Act::None && post_scale == 1.f && post_shift == 0.f; }
};

// Reads the `activation`, `activation_alpha`, `activation_beta` attributes
// (the fused form documented in docs/engine.md).
Epilogue parse_epilogue(const KernelContext& c);
// Attribute defaults of an activation name ("" for an unknown name).
bool activation_known(const std::string& name);

inline float sigmoidf(float x) { return 1.f / (1.f + std::exp(-x)); }

inline float apply_act_only(const Epilogue& e, float x) {
  switch (e.act) {
    case Act::None: return x;
    case Act::Relu: return x > 0 ? x : 0.f;
    case Act::Clip: return std::min(std::max(x, e.alpha), e.beta);
    case Act::HardSigmoid: return std::max(0.f, std::min(1.f, e.alpha * x + e.beta));
    case Act::HardSwish: return x * std::max(0.f, std::min(1.f, x / 6.f + 0.5f));
    case Act::Sigmoid: return sigmoidf(x);
    case Act::LeakyRelu: return x >= 0 ? x : e.alpha * x;
    case Act::Tanh: return std::tanh(x);
    case Act::Swish: return x * sigmoidf(x);
    case Act::Gelu: return 0.5f * x * (1.f + std::erf(x * 0.70710678118654752f));
  }
  return x;
}

inline float apply_act(const Epilogue& e, float x) { return apply_act_only(e, x) * e.post_scale + e.post_shift; }

// ---- window geometry ---------------------------------------------------------
// Spatial parameters normalised to 3 dims (leading dims are 1 / 0 padding).
struct Window {
  int nsp = 0;  // real spatial rank (1..3)
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1};
  int64_t s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, pb[3] = {0, 0, 0}, pe[3] = {0, 0, 0};
  int64_t out_numel() const { return out[0] * out[1] * out[2]; }
  int64_t in_numel() const { return in[0] * in[1] * in[2]; }
  int64_t k_numel() const { return k[0] * k[1] * k[2]; }
};

// Forward window (Conv / pooling): reads strides, dilations, pads, auto_pad
// from the node; `ceil_mode` for pooling. Errors on bad attribute sizes or an
// empty output.
Window forward_window(const KernelContext& c, const Shape& x, const std::vector<int64_t>& kernel,
                      bool ceil_mode, bool use_dilations = true);
// ConvTranspose window (output_padding, output_shape, auto_pad).
Window transpose_window(const KernelContext& c, const Shape& x, const std::vector<int64_t>& kernel);
// Output shape [N, C, out...] of the real spatial rank.
Shape window_shape(int64_t n, int64_t ch, const Window& w);

}  // namespace ppocr::engine::nn

namespace ppocr::engine::nn {
// y[i] += b[broadcast(i)] for a b unidirectionally broadcastable to y_shape
// (numpy rules); Error otherwise.
void add_broadcast(const KernelContext& c, float* y, const Shape& y_shape, const Tensor& b, float scale = 1.f);
// 4-D layout changes: [N,C,H,W] <-> [N,H,W,C] (new tensors from `pool`).
Tensor nchw_to_nhwc(const Tensor& t, BufferPool* pool);
Tensor nhwc_to_nchw(const Tensor& t, BufferPool* pool);
// An engine layout attribute (x_layout / r_layout / y_layout of Conv, ConvTranspose, ChannelMul; set by
// assign_conv_layouts): true for "NHWC", false for "NCHW" or unset; Error naming the node otherwise.
bool nhwc_attr(const KernelContext& c, const char* name);
// Logical NCHW shape of a tensor: its shape, or [N,C,H,W] of a 4-D tensor stored NHWC (`nhwc`).
Shape logical_shape(const Tensor& t, bool nhwc);
// Applies the epilogue in place over n values (OpenMP-parallel / on this thread only).
void apply_act_inplace(const Epilogue& e, float* y, int64_t n);
inline void apply_act_inplace_serial(const Epilogue& e, float* y, int64_t n) {
  if (e.none()) return;
  // The common cases get their own loops (vectorisable, no per-element switch).
  // (omp simd: branch-free; a compare-and-branch per value mispredicts on real activations.)
  if (e.act == Act::Relu) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = y[i] > 0.f ? y[i] : 0.f;
  } else if (e.act == Act::Clip) {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = std::min(std::max(y[i], e.alpha), e.beta);
  } else if (e.act == Act::Sigmoid) {
    for (int64_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + std::exp(-y[i]));
  } else if (e.act != Act::None) {
    for (int64_t i = 0; i < n; ++i) y[i] = apply_act_only(e, y[i]);
  }
  if (e.post_scale != 1.f || e.post_shift != 0.f)
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) y[i] = y[i] * e.post_scale + e.post_shift;
}
}  // namespace ppocr::engine::nn
