// ChannelMul (engine op, made by assign_conv_layouts from the Mul of
// squeeze-and-excitation blocks): Y = X * S with X [N,C,H,W] and S [N|1, C|1, 1, 1].
// Attributes x_layout / y_layout ("NCHW" default, "NHWC": the tensor is stored
// [N,H,W,C]) let X and Y live in the layout of the Convs around it; residual = 1
// (residual SE blocks, set by assign_conv_layouts) computes Y = X * S + X.
#include <algorithm>

#include "engine/ops/nn_util.h"

namespace ppocr::engine {
namespace {

void channel_mul(KernelContext& c) {
  const DType dt = c.in(0).dtype();
  Tensor x = nn::f32_input(c, 0), s = nn::f32_input(c, 1);
  const bool xn = nn::nhwc_attr(c, "x_layout"), yn = nn::nhwc_attr(c, "y_layout");
  if (x.rank() != 4) c.error("X must be 4-D, got " + x.desc());
  const Shape& p = x.shape();
  const int64_t N = p[0], C = xn ? p[3] : p[1], H = xn ? p[1] : p[2], W = xn ? p[2] : p[3], HW = H * W;
  if (s.rank() != 4 || s.dim(2) != 1 || s.dim(3) != 1 || (s.dim(0) != 1 && s.dim(0) != N) ||
      (s.dim(1) != 1 && s.dim(1) != C))
    c.error("S " + s.desc() + " must be [N or 1, C or 1, 1, 1] for X with N=" + std::to_string(N) +
            ", C=" + std::to_string(C));
  const int64_t sn = s.dim(0) == 1 ? 0 : s.dim(1), sc = s.dim(1) == 1 ? 0 : 1;
  const float plus = c.node.attrs.i("residual", 0) != 0 ? 1.f : 0.f;  // Y = X * (S + plus)
  Tensor& y = c.alloc_output(0, DType::Float32, yn ? Shape{N, H, W, C} : Shape{N, C, H, W});
  const float* X = x.data<float>();
  const float* S = s.data<float>();
  float* Y = y.data<float>();
  if (xn && yn) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t q = 0; q < HW; ++q) {
        const float* sv = S + n * sn;
        const float* in = X + (n * HW + q) * C;
        float* out = Y + (n * HW + q) * C;
        for (int64_t k = 0; k < C; ++k) out[k] = in[k] * (sv[k * sc] + plus);
      }
  } else if (!xn && !yn) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < C; ++k) {
        const float v = S[n * sn + k * sc] + plus;
        const float* in = X + (n * C + k) * HW;
        float* out = Y + (n * C + k) * HW;
        for (int64_t q = 0; q < HW; ++q) out[q] = in[q] * v;
      }
  } else {
    // A transpose on the way: blocks of kBlock pixels x all channels (kBlock * C floats, in L1 for C <= 64),
    // so that every cache line read and written is used whole.
    constexpr int64_t kBlock = 64;
    const int64_t blocks = (HW + kBlock - 1) / kBlock;
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t q0 = b * kBlock, len = std::min(kBlock, HW - q0);
        for (int64_t k = 0; k < C; ++k) {
          const float v = S[n * sn + k * sc] + plus;
          float* nchw_y = Y + (n * C + k) * HW + q0;
          const float* nhwc_x = X + (n * HW + q0) * C + k;
          const float* nchw_x = X + (n * C + k) * HW + q0;
          float* nhwc_y = Y + (n * HW + q0) * C + k;
          if (xn)
            for (int64_t q = 0; q < len; ++q) nchw_y[q] = nhwc_x[q * C] * v;
          else
            for (int64_t q = 0; q < len; ++q) nhwc_y[q * C] = nchw_x[q] * v;
        }
      }
  }
  nn::restore_dtype(c, dt);
}

}  // namespace

PPOCR_OP(ChannelMul).reference(channel_mul).inputs(2, 2);

}  // namespace ppocr::engine
