// GridSample (ONNX opset 16, 4-D): samples X [N,C,H,W] at the normalised
// (x, y) locations of grid [N,Ho,Wo,2] -> [N,C,Ho,Wo]. mode bilinear (also
// "linear") or nearest; padding_mode zeros, border or reflection; align_corners.
#include <cmath>

#include "engine/op.h"

namespace ppocr::engine {

namespace {

// Reflects x into [lo, hi] (ONNX's reflection padding).
float reflect(float x, float lo, float hi) {
  float range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    float d = lo - x;
    int flips = static_cast<int>(d / range);
    float extra = d - flips * range;
    return flips % 2 == 0 ? lo + extra : hi - extra;
  }
  if (x > hi) {
    float d = x - hi;
    int flips = static_cast<int>(d / range);
    float extra = d - flips * range;
    return flips % 2 == 0 ? hi - extra : lo + extra;
  }
  return x;
}

void grid_sample(KernelContext& c) {
  const Tensor& x = c.in(0);
  const Tensor& grid = c.in(1);
  if (x.dtype() != DType::Float32 || grid.dtype() != DType::Float32) c.error("float32 inputs expected");
  if (x.rank() != 4 || grid.rank() != 4 || grid.dim(3) != 2 || grid.dim(0) != x.dim(0))
    c.error("expects X [N,C,H,W] and grid [N,Ho,Wo,2], got " + x.desc() + " and " + grid.desc());
  const std::string mode = c.node.attrs.s("mode", "bilinear");
  const std::string pad = c.node.attrs.s("padding_mode", "zeros");
  const bool align = c.node.attrs.i("align_corners", 0) != 0;
  const bool nearest = mode == "nearest";
  if (!nearest && mode != "bilinear" && mode != "linear") c.error("unsupported mode " + mode);
  if (pad != "zeros" && pad != "border" && pad != "reflection") c.error("unsupported padding_mode " + pad);
  const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3), Ho = grid.dim(1), Wo = grid.dim(2);
  Tensor& y = c.alloc_output(0, DType::Float32, {N, C, Ho, Wo});
  const float* xp = x.data<float>();
  const float* gp = grid.data<float>();
  float* yp = y.data<float>();
  auto unnorm = [&](float g, int64_t size) {
    return align ? (g + 1.f) / 2.f * static_cast<float>(size - 1) : ((g + 1.f) * static_cast<float>(size) - 1.f) / 2.f;
  };
  auto fix = [&](float v, int64_t size) {
    if (pad == "border") return std::min(std::max(v, 0.f), static_cast<float>(size - 1));
    if (pad == "reflection") {
      v = align ? reflect(v, 0.f, static_cast<float>(size - 1)) : reflect(v, -0.5f, static_cast<float>(size) - 0.5f);
      return std::min(std::max(v, 0.f), static_cast<float>(size - 1));
    }
    return v;
  };
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t i = 0; i < Ho * Wo; ++i) {
      const float* g = gp + (n * Ho * Wo + i) * 2;
      float fx = std::isfinite(g[0]) ? fix(unnorm(g[0], W), W) : -2.f;
      float fy = std::isfinite(g[1]) ? fix(unnorm(g[1], H), H) : -2.f;
      for (int64_t ch = 0; ch < C; ++ch) {
        const float* plane = xp + (n * C + ch) * H * W;
        auto at = [&](int64_t yy, int64_t xx) {
          return (yy < 0 || yy >= H || xx < 0 || xx >= W) ? 0.f : plane[yy * W + xx];
        };
        float v;
        if (nearest) {
          v = at(static_cast<int64_t>(std::nearbyint(fy)), static_cast<int64_t>(std::nearbyint(fx)));
        } else {
          float x0f = std::floor(fx), y0f = std::floor(fy);
          int64_t x0 = static_cast<int64_t>(x0f), y0 = static_cast<int64_t>(y0f);
          float ax = fx - x0f, ay = fy - y0f;
          v = (1 - ay) * ((1 - ax) * at(y0, x0) + ax * at(y0, x0 + 1)) +
              ay * ((1 - ax) * at(y0 + 1, x0) + ax * at(y0 + 1, x0 + 1));
        }
        yp[((n * C + ch) * Ho * Wo) + i] = v;
      }
    }
  }
}

}  // namespace

PPOCR_OP(GridSample).reference(grid_sample).inputs(2, 2);

}  // namespace ppocr::engine
