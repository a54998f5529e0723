// GlobalAveragePool: mean over all spatial dims -> [N, C, 1, ...]. A plain
// loop over contiguous planes (memory-bound; no oneDNN primitive needed).
// Engine attribute x_layout = "NHWC": X is a 4-D tensor stored [N,H,W,C]
// (set by assign_conv_layouts); the output is [N,C,1,1] either way.
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

void global_avg_nhwc(KernelContext& c, const Tensor& x, DType dt) {
  if (x.rank() != 4) c.error("NHWC X must be 4-D, got " + x.desc());
  const int64_t N = x.dim(0), HW = x.dim(1) * x.dim(2), C = x.dim(3);
  Tensor& y = c.alloc_output(0, DType::Float32, {N, C, 1, 1});
  const float* X = x.data<float>();
  float* Y = y.data<float>();
  for (int64_t n = 0; n < N; ++n) {
    float* acc = Y + n * C;
    for (int64_t k = 0; k < C; ++k) acc[k] = 0.f;
    for (int64_t q = 0; q < HW; ++q) {
      const float* in = X + (n * HW + q) * C;
      for (int64_t k = 0; k < C; ++k) acc[k] += in[k];
    }
    for (int64_t k = 0; k < C; ++k) acc[k] = HW ? acc[k] / static_cast<float>(HW) : 0.f;
  }
  nn::restore_dtype(c, dt);
}

void global_avg(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  Tensor x = nn::f32_input(c, 0);
  if (c.node.attrs.s("x_layout", "NCHW") == "NHWC") return global_avg_nhwc(c, x, dt);
  if (x.rank() < 3) c.error("X must have rank >= 3, got " + x.desc());
  Shape ys = x.shape();
  for (size_t i = 2; i < ys.size(); ++i) ys[i] = 1;
  const int64_t planes = x.dim(0) * x.dim(1), sp = planes ? x.numel() / planes : 0;
  Tensor& y = c.alloc_output(0, DType::Float32, ys);
  const float* X = x.data<float>();
  float* Y = y.data<float>();
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = X + p * sp;
    float s = 0.f;
    for (int64_t i = 0; i < sp; ++i) s += in[i];
    Y[p] = sp ? s / static_cast<float>(sp) : 0.f;
  }
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(GlobalAveragePool).reference(global_avg).inputs(1, 1);

}  // namespace ppocr::engine
