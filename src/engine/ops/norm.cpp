// LayerNormalization (over dims axis..rank-1; optional Mean / InvStdDev
// outputs) and InstanceNormalization (per sample and channel).
#include <cmath>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

void layer_norm(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0)), scale = as_f32(c, c.in(1));
  Tensor bias = c.has_input(2) ? as_f32(c, c.in(2)) : Tensor();
  const int r = x.rank();
  if (r == 0) c.error("input must have rank >= 1");
  const int axis = norm_axis(c, c.node.attrs.i("axis", -1), r);
  const float eps = c.node.attrs.f("epsilon", 1e-5f);
  int64_t rows = 1, len = 1;
  for (int d = 0; d < r; ++d) (d < axis ? rows : len) *= x.dim(d);
  if (scale.numel() != len && scale.numel() != 1) c.error("Scale " + scale.desc() + " does not match the normalised size");
  if (!bias.empty() && bias.numel() != len && bias.numel() != 1) c.error("B " + bias.desc() + " does not match the normalised size");
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  Shape ss = x.shape();
  for (int d = axis; d < r; ++d) ss[d] = 1;
  Tensor mean_t(DType::Float32, ss), inv_t(DType::Float32, ss);
  const float* px = x.data<float>();
  const float* ps = scale.data<float>();
  const float* pb = bias.empty() ? nullptr : bias.data<float>();
  const bool s1 = scale.numel() == 1, b1 = !bias.empty() && bias.numel() == 1;
  float* po = o.data<float>();
#pragma omp parallel for if (rows * len >= (1 << 15))
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = px + i * len;
    double s = 0, sq = 0;
    for (int64_t k = 0; k < len; ++k) s += row[k];
    const double m = len ? s / static_cast<double>(len) : 0;
    for (int64_t k = 0; k < len; ++k) sq += (row[k] - m) * (row[k] - m);
    const float var = static_cast<float>(len ? sq / static_cast<double>(len) : 0);
    const float inv = 1.f / std::sqrt(var + eps), mf = static_cast<float>(m);
    float* out = po + i * len;
    for (int64_t k = 0; k < len; ++k) {
      float v = (row[k] - mf) * inv * ps[s1 ? 0 : k];
      if (pb) v += pb[b1 ? 0 : k];
      out[k] = v;
    }
    mean_t.data<float>()[i] = mf;
    inv_t.data<float>()[i] = inv;
  }
  if (c.outputs.size() > 1) c.outputs[1] = mean_t;
  if (c.outputs.size() > 2) c.outputs[2] = inv_t;
}

void instance_norm(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0)), scale = as_f32(c, c.in(1)), bias = as_f32(c, c.in(2));
  if (x.rank() < 2) c.error("input must have rank >= 2");
  const int64_t n = x.dim(0), ch = x.dim(1);
  const int64_t len = n * ch > 0 ? x.numel() / (n * ch) : 0;
  if (scale.numel() != ch || bias.numel() != ch) c.error("scale and B must have C = " + std::to_string(ch) + " values");
  const float eps = c.node.attrs.f("epsilon", 1e-5f);
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
#pragma omp parallel for if (x.numel() >= (1 << 15))
  for (int64_t i = 0; i < n * ch; ++i) {
    const float* row = px + i * len;
    double s = 0, sq = 0;
    for (int64_t k = 0; k < len; ++k) s += row[k];
    const double m = len ? s / static_cast<double>(len) : 0;
    for (int64_t k = 0; k < len; ++k) sq += (row[k] - m) * (row[k] - m);
    const float var = static_cast<float>(len ? sq / static_cast<double>(len) : 0);
    const float a = scale.data<float>()[i % ch] / std::sqrt(var + eps);
    const float b = bias.data<float>()[i % ch] - static_cast<float>(m) * a;
    float* out = po + i * len;
    for (int64_t k = 0; k < len; ++k) out[k] = row[k] * a + b;
  }
}

PPOCR_OP(LayerNormalization).reference(layer_norm).inputs(2, 3);
PPOCR_OP(InstanceNormalization).reference(instance_norm).inputs(3, 3);

}  // namespace
}  // namespace ppocr::engine::ops
