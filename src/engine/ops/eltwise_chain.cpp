// EltwiseChain (engine op, made by fuse_eltwise_chains): a run of elementwise
// steps on one activation X in a single pass, as PaddleX QDQ exports emit after
// every Conv (FakeQuant, bias Add, affine Mul/Add, HardSwish, FakeQuant).
//   inputs: X, then the 1-D per-channel vectors the steps name
//   attrs:  steps  (ints)   step kinds, in order (enum Step below)
//           params (floats) 4 per step
//           layout "NCHW" (channel axis 1) | "NHWC" (channel axis last); X is 4-D
//                  when a step is per channel
// Each step rounds to fp32 as the separate operators do. The reference applies
// the steps element by element; the fast kernel runs them step by step over
// blocks that stay in L1.
#include <algorithm>
#include <cmath>

#include "engine/ops/fast_math.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

enum Step : int {
  kFakeQuant = 0,   // scale, zero point, qmin, qmax
  kMulScalar = 1,   // a
  kAddScalar = 2,   // a
  kMulChannel = 3,  // input index
  kAddChannel = 4,  // input index
  kRelu = 5,
  kHardSigmoid = 6,     // alpha, beta
  kMulHardSigmoid = 7,  // alpha, beta: x * HardSigmoid(x)
  kSigmoid = 8,
  kClip = 9,  // lo, hi
};

struct Chain {
  std::vector<int64_t> steps;
  std::vector<float> p;                    // 4 per step
  std::vector<std::vector<float>> vec;     // per step: the channel vector (or empty)
  int64_t outer = 1, channels = 1, inner = 1;  // X viewed as [outer, channels, inner]
};

Chain chain_of(const KernelContext& c, const Tensor& x) {
  Chain ch;
  ch.steps = c.node.attrs.ints("steps", {});
  ch.p = c.node.attrs.floats("params", {});
  if (ch.steps.empty() || ch.p.size() != 4 * ch.steps.size()) c.error("steps / params do not match");
  const bool nhwc = c.node.attrs.s("layout", "NCHW") == "NHWC";
  ch.vec.resize(ch.steps.size());
  bool per_channel = false;
  for (size_t i = 0; i < ch.steps.size(); ++i) {
    const int64_t s = ch.steps[i];
    if (s < kFakeQuant || s > kClip) c.error("unknown step " + std::to_string(s));
    if (s == kMulChannel || s == kAddChannel) {
      const auto k = static_cast<size_t>(ch.p[4 * i]);
      if (k < 1 || k >= c.num_inputs() || !c.has_input(k)) c.error("step names a missing input");
      ch.vec[i] = c.in(k).to_f32();
      per_channel = true;
    }
  }
  if (per_channel) {
    if (x.rank() != 4) c.error("per-channel steps need a 4-D X, got " + x.desc());
    ch.channels = nhwc ? x.dim(3) : x.dim(1);
    ch.outer = nhwc ? x.dim(0) * x.dim(1) * x.dim(2) : x.dim(0);
    ch.inner = nhwc ? 1 : x.dim(2) * x.dim(3);
    for (const auto& v : ch.vec)
      if (!v.empty() && static_cast<int64_t>(v.size()) != ch.channels) c.error("channel vector does not match X");
  } else {
    ch.inner = x.numel();
  }
  return ch;
}

inline float hard_sigmoid(float v, float a, float b) {
  const float t = a * v + b;
  return t < 0.f ? 0.f : (t > 1.f ? 1.f : t);
}

void chain_ref(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const Chain ch = chain_of(c, x);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t k = (i / ch.inner) % ch.channels;
    float v = px[i];
    for (size_t s = 0; s < ch.steps.size(); ++s) {
      const float* q = &ch.p[4 * s];
      switch (ch.steps[s]) {
        case kFakeQuant: v = fake_quant_value(v, q[0], q[1], q[2], q[3]); break;
        case kMulScalar: v = v * q[0]; break;
        case kAddScalar: v = v + q[0]; break;
        case kMulChannel: v = v * ch.vec[s][k]; break;
        case kAddChannel: v = v + ch.vec[s][k]; break;
        case kRelu: v = v > 0.f ? v : 0.f; break;
        case kHardSigmoid: v = hard_sigmoid(v, q[0], q[1]); break;
        case kMulHardSigmoid: v = v * hard_sigmoid(v, q[0], q[1]); break;
        case kSigmoid: v = 1.f / (1.f + std::exp(-v)); break;
        case kClip: v = std::min(std::max(v, q[0]), q[1]); break;
      }
    }
    po[i] = v;
  }
}

// v[i] = f(v[i], vec[i % period]) with vec, else f(v[i], c); n is a multiple of period.
template <class F>
__attribute__((always_inline)) inline void by_channel(float* v, int64_t n, int64_t period, const float* vec, float c,
                                                      F f) {
  if (vec) {
    for (int64_t p0 = 0; p0 < n; p0 += period) {
      float* w = v + p0;
#pragma omp simd
      for (int64_t k = 0; k < period; ++k) w[k] = f(w[k], vec[k]);
    }
  } else {
#pragma omp simd
    for (int64_t i = 0; i < n; ++i) v[i] = f(v[i], c);
  }
}

// One step over n values: per-channel steps use `cv` (NCHW: the block is one channel's) or, with `vec`,
// value i takes vec[i % period] (NHWC: the block is whole pixels of `period` channels).
__attribute__((target_clones("avx2", "default"))) void step_block(int64_t kind, const float* q, const float* vec,
                                                                   float cv, float* v, int64_t n, int64_t period) {
  switch (kind) {
    case kFakeQuant: {
      const float sc = q[0], zp = q[1], lo = q[2], hi = q[3];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = fake_quant_value(v[i], sc, zp, lo, hi);
      break;
    }
    case kMulScalar:
      by_channel(v, n, n, nullptr, q[0], [](float x, float y) { return x * y; });
      break;
    case kAddScalar:
      by_channel(v, n, n, nullptr, q[0], [](float x, float y) { return x + y; });
      break;
    case kMulChannel:
      by_channel(v, n, period, vec, cv, [](float x, float y) { return x * y; });
      break;
    case kAddChannel:
      by_channel(v, n, period, vec, cv, [](float x, float y) { return x + y; });
      break;
    case kRelu:
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] > 0.f ? v[i] : 0.f;
      break;
    case kHardSigmoid: {
      const float a = q[0], b = q[1];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = hard_sigmoid(v[i], a, b);
      break;
    }
    case kMulHardSigmoid: {
      const float a = q[0], b = q[1];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] * hard_sigmoid(v[i], a, b);
      break;
    }
    case kSigmoid:
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = fast_sigmoid(v[i]);
      break;
    case kClip: {
      const float lo = q[0], hi = q[1];
#pragma omp simd
      for (int64_t i = 0; i < n; ++i) v[i] = v[i] < lo ? lo : (v[i] > hi ? hi : v[i]);
      break;
    }
  }
}

void chain_fast(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const Chain ch = chain_of(c, x);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  const int64_t C = ch.channels, inner = ch.inner;
  auto run_steps = [&](float* v, int64_t n, int64_t k, bool nhwc_run) {
    for (size_t s = 0; s < ch.steps.size(); ++s) {
      const bool per_c = !ch.vec[s].empty();
      const float* vec = per_c && nhwc_run ? ch.vec[s].data() : nullptr;
      step_block(ch.steps[s], &ch.p[4 * s], vec, per_c && !nhwc_run ? ch.vec[s][k] : 0.f, v, n, C);
    }
  };
  if (inner == 1 && C > 1) {  // NHWC: blocks of whole pixels
    const int64_t pix = ch.outer, per_block = std::max<int64_t>(1, 2048 / C);
#pragma omp parallel for if (pix * C >= (1 << 16))
    for (int64_t b0 = 0; b0 < pix; b0 += per_block) {
      const int64_t b1 = std::min(pix, b0 + per_block);
      std::copy(px + b0 * C, px + b1 * C, po + b0 * C);
      run_steps(po + b0 * C, (b1 - b0) * C, 0, true);
    }
    return;
  }
  constexpr int64_t kBlock = 1024;
  const int64_t runs = ch.outer * C;
#pragma omp parallel for collapse(2) if (x.numel() >= (1 << 16))
  for (int64_t r = 0; r < runs; ++r)
    for (int64_t b0 = 0; b0 < inner; b0 += kBlock) {
      const int64_t n = std::min(kBlock, inner - b0);
      float* v = po + r * inner + b0;
      std::copy(px + r * inner + b0, px + r * inner + b0 + n, v);
      run_steps(v, n, r % C, false);
    }
}

}  // namespace

PPOCR_OP(EltwiseChain).reference(chain_ref).fast(chain_fast).inputs(1, 64);

}  // namespace ppocr::engine::ops
