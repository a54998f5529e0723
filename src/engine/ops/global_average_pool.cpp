// GlobalAveragePool: mean over all spatial dims -> [N, C, 1, ...]. A plain
// loop over contiguous planes (memory-bound; no oneDNN primitive needed).
// Engine attribute x_layout = "NHWC": X is a 4-D tensor stored [N,H,W,C]
// (set by assign_conv_layouts); the output is [N,C,1,1] either way.
// Engine input 1 (WidthPadding, engine/width_pad.h): P [N, pools, 2] and
// attribute pad_index p: for sample n, (col, extra) = P[n, p]; with extra != 0
// the mean is taken as if X (4-D) had `extra` more columns equal to column
// `col`: (sum + extra * sum_h X[n,c,h,col]) / (H * (W + extra)).
#include <vector>

#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

// Per sample: the far column and the columns to add (0: none), from input 1.
struct VirtualCols {
  std::vector<int64_t> col, extra;
  bool any = false;
};

VirtualCols virtual_cols(const KernelContext& c, const Tensor& x) {
  VirtualCols v;
  if (!c.has_input(1)) return v;
  const Tensor& p = c.in(1);
  const int64_t N = x.dim(0), index = c.node.attrs.i("pad_index", 0);
  if (x.rank() != 4 || p.dtype() != DType::Float32 || p.rank() != 3 || p.dim(0) != N || p.dim(2) != 2 ||
      index < 0 || index >= p.dim(1))
    c.error("virtual columns: expected X 4-D and P float [N, pools, 2] with pad_index < pools, got X " + x.desc() +
            ", P " + p.desc());
  const int64_t W = c.node.attrs.s("x_layout", "NCHW") == "NHWC" ? x.dim(2) : x.dim(3);
  const float* P = p.data<float>();
  v.col.resize(N);
  v.extra.resize(N);
  for (int64_t n = 0; n < N; ++n) {
    const float* q = P + (n * p.dim(1) + index) * 2;
    v.col[n] = static_cast<int64_t>(q[0]);
    v.extra[n] = static_cast<int64_t>(q[1]);
    if (v.extra[n] == 0) continue;
    if (v.col[n] < 0 || v.col[n] >= W || W + v.extra[n] <= 0)
      c.error("virtual columns: column " + std::to_string(v.col[n]) + " of " + std::to_string(W) + ", " +
              std::to_string(v.extra[n]) + " more");
    v.any = true;
  }
  return v;
}

void global_avg_nhwc(KernelContext& c, const Tensor& x, DType dt, const VirtualCols& v) {
  if (x.rank() != 4) c.error("NHWC X must be 4-D, got " + x.desc());
  const int64_t N = x.dim(0), H = x.dim(1), W = x.dim(2), HW = H * W, C = x.dim(3);
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
    if (v.any && v.extra[n] != 0) {
      const float e = static_cast<float>(v.extra[n]);
      for (int64_t k = 0; k < C; ++k) {
        float col = 0.f;
        for (int64_t h = 0; h < H; ++h) col += X[((n * H + h) * W + v.col[n]) * C + k];
        acc[k] = (acc[k] + e * col) / static_cast<float>(H * (W + v.extra[n]));
      }
      continue;
    }
    for (int64_t k = 0; k < C; ++k) acc[k] = HW ? acc[k] / static_cast<float>(HW) : 0.f;
  }
  nn::restore_dtype(c, dt);
}

void global_avg(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  Tensor x = nn::f32_input(c, 0);
  const VirtualCols v = virtual_cols(c, x);
  if (c.node.attrs.s("x_layout", "NCHW") == "NHWC") return global_avg_nhwc(c, x, dt, v);
  if (x.rank() < 3) c.error("X must have rank >= 3, got " + x.desc());
  Shape ys = x.shape();
  for (size_t i = 2; i < ys.size(); ++i) ys[i] = 1;
  const int64_t planes = x.dim(0) * x.dim(1), sp = planes ? x.numel() / planes : 0;
  const int64_t C = x.dim(1), W = x.dim(x.rank() - 1), H = W ? sp / W : 0;
  Tensor& y = c.alloc_output(0, DType::Float32, ys);
  const float* X = x.data<float>();
  float* Y = y.data<float>();
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < planes; ++p) {
    const float* in = X + p * sp;
    float s = 0.f;
    for (int64_t i = 0; i < sp; ++i) s += in[i];
    const int64_t n = C ? p / C : 0;
    if (v.any && v.extra[n] != 0) {
      float col = 0.f;
      for (int64_t h = 0; h < H; ++h) col += in[h * W + v.col[n]];
      Y[p] = (s + static_cast<float>(v.extra[n]) * col) / static_cast<float>(H * (W + v.extra[n]));
      continue;
    }
    Y[p] = sp ? s / static_cast<float>(sp) : 0.f;
  }
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(GlobalAveragePool).reference(global_avg).inputs(1, 2);

}  // namespace ppocr::engine
