// GlobalAveragePool: mean over all spatial dims -> [N, C, 1, ...]. A plain
// loop over contiguous planes (memory-bound; no oneDNN primitive needed).
#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

void global_avg(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  Tensor x = nn::f32_input(c, 0);
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
