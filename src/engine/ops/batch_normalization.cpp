// BatchNormalization (inference): Y = scale * (X - mean) / sqrt(var + epsilon) + B
// over channel axis 1. Usually folded into the preceding Conv by fuse_batchnorm.
// The fast kernel precomputes a per-channel multiply-add.
#include <cmath>

#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

void bn(KernelContext& c, bool precompute) {
  const DType dt = c.in(0).dtype();
  Tensor x = nn::f32_input(c, 0);
  if (x.rank() < 2) c.error("X must have rank >= 2, got " + x.desc());
  const int64_t ch = x.dim(1);
  std::vector<float> p[4];
  const char* names[4] = {"scale", "B", "mean", "var"};
  for (int i = 0; i < 4; ++i) {
    Tensor t = nn::f32_input(c, 1 + i);
    if (t.numel() != ch) c.error(std::string(names[i]) + " must have " + std::to_string(ch) + " values, got " + t.desc());
    p[i] = t.to_f32();
  }
  const float eps = c.node.attrs.f("epsilon", 1e-5f);
  std::vector<float> mul(ch), add(ch);
  for (int64_t k = 0; k < ch; ++k) {
    mul[k] = p[0][k] / std::sqrt(p[3][k] + eps);
    add[k] = p[1][k] - p[2][k] * mul[k];
  }
  const int64_t n = x.dim(0), sp = n * ch != 0 ? x.numel() / (n * ch) : 0;
  Tensor& y = c.alloc_output(0, DType::Float32, x.shape());
  const float* X = x.data<float>();
  float* Y = y.data<float>();
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < n * ch; ++pl) {
    const int64_t k = pl % ch;
    const float* in = X + pl * sp;
    float* out = Y + pl * sp;
    if (precompute) {
      for (int64_t i = 0; i < sp; ++i) out[i] = in[i] * mul[k] + add[k];
    } else {
      const float inv = 1.f / std::sqrt(p[3][k] + eps);
      for (int64_t i = 0; i < sp; ++i) out[i] = p[0][k] * (in[i] - p[2][k]) * inv + p[1][k];
    }
  }
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(BatchNormalization)
    .reference([](KernelContext& c) { bn(c, false); })
    .fast([](KernelContext& c) { bn(c, true); })
    .inputs(5, 5);

}  // namespace ppocr::engine
