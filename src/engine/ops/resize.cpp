// Resize (opset-11+ form: X, roi, scales, sizes; `axes` attribute of opset 18).
// Modes nearest (nearest_mode round_prefer_floor/round_prefer_ceil/floor/ceil,
// and the engine's `simple` = opset-10 Upsample/Resize rounding), linear and
// cubic; coordinate_transformation_mode half_pixel, pytorch_half_pixel,
// align_corners, asymmetric, tf_half_pixel_for_nn, tf_crop_and_resize,
// half_pixel_symmetric. The reference resizes one axis at a time (the
// interpolations are separable); the fast kernel does the last two axes of
// a float tensor in one pass. Engine attribute layout = "NHWC" (set by
// assign_conv_layouts): X is 4-D stored [N,H,W,C]; roi/scales/sizes still name
// the N, C, H, W axes.
#include <algorithm>
#include <cmath>

#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

struct Params {
  std::string mode, coord, nearest;
  float cubic_a = -0.75f, extrapolation = 0.f;
  bool exclude_outside = false;
  Shape out;
  std::vector<float> scale;            // per axis
  std::vector<float> roi_start, roi_end;  // per axis (tf_crop_and_resize)
};

Params make_params(const KernelContext& c, const Tensor& x) {
  const Attrs& at = c.node.attrs;
  Params p;
  p.mode = at.s("mode", "nearest");
  p.coord = at.s("coordinate_transformation_mode", "half_pixel");
  p.nearest = at.s("nearest_mode", "round_prefer_floor");
  p.cubic_a = at.f("cubic_coeff_a", -0.75f);
  p.exclude_outside = at.i("exclude_outside", 0) != 0;
  p.extrapolation = at.f("extrapolation_value", 0.f);
  if (p.mode != "nearest" && p.mode != "linear" && p.mode != "cubic") c.error("unknown mode '" + p.mode + "'");
  if (at.i("antialias", 0) != 0) c.error("antialias is not supported");
  const std::string policy = at.s("keep_aspect_ratio_policy", "stretch");
  if (policy != "stretch") c.error("keep_aspect_ratio_policy '" + policy + "' is not supported");
  const int r = x.rank();
  std::vector<int64_t> axes = at.ints("axes");
  if (at.s("layout", "NCHW") == "NHWC") {  // X stored [N,H,W,C]: roi/scales/sizes name N, C, H, W
    if (r != 4 || !axes.empty()) c.error("NHWC Resize needs a 4-D X and no axes attribute");
    axes = {0, 3, 1, 2};
  }
  if (axes.empty())
    for (int i = 0; i < r; ++i) axes.push_back(i);
  for (auto& a : axes) a = norm_axis(c, a, r);
  const size_t na = axes.size();
  p.out = x.shape();
  p.scale.assign(r, 1.f);
  p.roi_start.assign(r, 0.f);
  p.roi_end.assign(r, 1.f);
  if (c.has_input(1) && c.in(1).numel() > 0) {
    std::vector<float> roi = c.in(1).to_f32();
    if (roi.size() != 2 * na) c.error("roi has " + std::to_string(roi.size()) + " values");
    for (size_t i = 0; i < na; ++i) {
      p.roi_start[axes[i]] = roi[i];
      p.roi_end[axes[i]] = roi[i + na];
    }
  }
  const bool has_scales = c.has_input(2) && c.in(2).numel() > 0;
  const bool has_sizes = c.has_input(3) && c.in(3).numel() > 0;
  if (has_scales == has_sizes) c.error("exactly one of scales and sizes must be given");
  if (has_scales) {
    std::vector<float> s = c.in(2).to_f32();
    if (s.size() != na) c.error("scales has " + std::to_string(s.size()) + " values for " + std::to_string(na) + " axes");
    for (size_t i = 0; i < na; ++i) {
      const int a = static_cast<int>(axes[i]);
      if (!(s[i] > 0.f) || s[i] > 4096.f) c.error("scale " + std::to_string(s[i]) + " is out of range");
      p.scale[a] = s[i];
      const double len = p.coord == "tf_crop_and_resize" ? x.dim(a) * double(p.roi_end[a] - p.roi_start[a]) : x.dim(a);
      p.out[a] = static_cast<int64_t>(std::floor(len * s[i]));
    }
  } else {
    std::vector<int64_t> s = c.in(3).to_i64();
    if (s.size() != na) c.error("sizes has " + std::to_string(s.size()) + " values for " + std::to_string(na) + " axes");
    for (size_t i = 0; i < na; ++i) {
      const int a = static_cast<int>(axes[i]);
      if (s[i] < 0 || s[i] > (int64_t(1) << 24)) c.error("size " + std::to_string(s[i]) + " is out of range");
      p.out[a] = s[i];
      p.scale[a] = x.dim(a) ? static_cast<float>(s[i]) / static_cast<float>(x.dim(a)) : 1.f;
    }
  }
  if (shape_numel(p.out) > (int64_t(1) << 31)) c.error("output " + shape_str(p.out) + " is too large");
  for (int a = 0; a < r; ++a)
    if (p.out[a] > 0 && x.dim(a) == 0) c.error("cannot resize an empty dim to a non-empty one");
  return p;
}

// Source coordinate of output position i along an axis; sets `outside` for
// tf_crop_and_resize points beyond the input.
float source_coord(const Params& p, int axis, int64_t i, int64_t in, int64_t out, bool& outside) {
  const float s = p.scale[axis];
  const float x = static_cast<float>(i);
  outside = false;
  if (p.coord == "half_pixel") return (x + 0.5f) / s - 0.5f;
  if (p.coord == "pytorch_half_pixel") return out > 1 ? (x + 0.5f) / s - 0.5f : 0.f;
  if (p.coord == "align_corners") return out == 1 ? 0.f : x * static_cast<float>(in - 1) / static_cast<float>(out - 1);
  if (p.coord == "asymmetric") return x / s;
  if (p.coord == "tf_half_pixel_for_nn") return (x + 0.5f) / s;
  if (p.coord == "half_pixel_symmetric") {
    const float adj = static_cast<float>(out) / (s * static_cast<float>(in));
    const float center = static_cast<float>(in) / 2.f;
    return center * (1.f - adj) + (x + 0.5f) / s - 0.5f;
  }
  if (p.coord == "tf_crop_and_resize") {
    const float a = p.roi_start[axis], b = p.roi_end[axis];
    const float v = out > 1 ? a * (in - 1) + x * (b - a) * (in - 1) / static_cast<float>(out - 1)
                            : 0.5f * (a + b) * (in - 1);
    outside = v < 0.f || v > static_cast<float>(in - 1);
    return v;
  }
  fail("Resize: unknown coordinate_transformation_mode '", p.coord, "'");
}

int64_t nearest_index(const Params& p, float v, int64_t in, bool downsample) {
  float r;
  if (p.nearest == "round_prefer_floor") r = (v == std::floor(v) + 0.5f) ? std::floor(v) : std::round(v);
  else if (p.nearest == "round_prefer_ceil") r = std::round(v);
  else if (p.nearest == "floor") r = std::floor(v);
  else if (p.nearest == "ceil") r = std::ceil(v);
  else if (p.nearest == "simple") r = downsample ? std::ceil(v) : std::floor(v);
  else fail("Resize: unknown nearest_mode '", p.nearest, "'");
  if (!(r >= 0.f)) return 0;  // also NaN
  return std::min<int64_t>(static_cast<int64_t>(std::min(r, 1e9f)), in - 1);
}

// For one axis: each output position reads taps idx[k] with weights w[k].
struct Taps {
  int n = 1;                  // taps per output position
  std::vector<int64_t> idx;   // out * n
  std::vector<float> w;       // out * n
  std::vector<char> outside;  // out (tf_crop_and_resize extrapolation)
};

Taps make_taps(const Params& p, int axis, int64_t in, int64_t out) {
  Taps t;
  t.n = p.mode == "nearest" ? 1 : (p.mode == "linear" ? 2 : 4);
  t.idx.resize(out * t.n);
  t.w.resize(out * t.n);
  t.outside.assign(out, 0);
  const bool down = p.scale[axis] < 1.f;
  for (int64_t i = 0; i < out; ++i) {
    bool outside;
    float v = source_coord(p, axis, i, in, out, outside);
    t.outside[i] = outside;
    int64_t* ix = &t.idx[i * t.n];
    float* w = &t.w[i * t.n];
    if (t.n == 1) {
      ix[0] = nearest_index(p, v, in, down);
      w[0] = 1.f;
    } else if (t.n == 2) {
      v = std::min(std::max(v, 0.f), static_cast<float>(in - 1));
      int64_t i0 = std::min<int64_t>(static_cast<int64_t>(v), in - 1);
      int64_t i1 = std::min<int64_t>(i0 + 1, in - 1);
      float f = v - static_cast<float>(i0);
      ix[0] = i0;
      ix[1] = i1;
      w[0] = 1.f - f;
      w[1] = f;
    } else {
      const float a = p.cubic_a;
      const float fl = std::floor(v), f = v - fl;
      const int64_t base = static_cast<int64_t>(fl) - 1;
      const float d[4] = {f + 1.f, f, 1.f - f, 2.f - f};
      float sum = 0.f;
      for (int k = 0; k < 4; ++k) {
        const float x = d[k];
        float c = x <= 1.f ? ((a + 2.f) * x - (a + 3.f)) * x * x + 1.f
                           : ((a * x - 5.f * a) * x + 8.f * a) * x - 4.f * a;
        const int64_t j = base + k;
        if (p.exclude_outside && (j < 0 || j >= in)) c = 0.f;
        ix[k] = std::min(std::max<int64_t>(j, 0), in - 1);
        w[k] = c;
        sum += c;
      }
      if (p.exclude_outside && sum != 0.f)
        for (int k = 0; k < 4; ++k) w[k] /= sum;
    }
  }
  return t;
}

// Resizes float data along one axis: [outer, in, inner] -> [outer, out, inner].
Tensor resize_axis(const Params& p, const Tensor& x, int axis, int64_t out) {
  const int64_t in = x.dim(axis);
  Shape os = x.shape();
  os[axis] = out;
  Tensor o(DType::Float32, os);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int d = axis + 1; d < x.rank(); ++d) inner *= x.dim(d);
  Taps t = make_taps(p, axis, in, out);
  const float* px = x.data<float>();
  float* po = o.data<float>();
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < out; ++i) {
      float* dst = po + (a * out + i) * inner;
      if (t.outside[i]) {
        std::fill(dst, dst + inner, p.extrapolation);
        continue;
      }
      std::fill(dst, dst + inner, 0.f);
      for (int k = 0; k < t.n; ++k) {
        const float w = t.w[i * t.n + k];
        const float* src = px + (a * in + t.idx[i * t.n + k]) * inner;
        for (int64_t j = 0; j < inner; ++j) dst[j] += w * src[j];
      }
    }
  return o;
}

Tensor float_input(const KernelContext& c, DType& orig) {
  const Tensor& x = c.in(0);
  orig = x.dtype();
  if (x.dtype() == DType::Float32) return x;
  if (x.dtype() == DType::Bool) c.error("cannot resize a bool tensor");
  return x.cast(DType::Float32);
}

void resize_ref(KernelContext& c) {
  DType orig;
  Tensor x = float_input(c, orig);
  Params p = make_params(c, x);
  for (int a = 0; a < x.rank(); ++a) {
    const bool identity = p.out[a] == x.dim(a) && p.scale[a] == 1.f && p.coord != "tf_crop_and_resize";
    if (!identity) x = resize_axis(p, x, a, p.out[a]);
  }
  if (orig == DType::Float16) orig = DType::Float32;
  c.outputs[0] = x.cast(orig).clone();
}

// NHWC (layout attribute, 4-D): one pass over H and W moving whole C-vectors.
void resize_nhwc(KernelContext& c, const Params& p, const Tensor& x) {
  if (p.out[0] != x.dim(0) || p.out[3] != x.dim(3)) return resize_ref(c);
  const int64_t N = x.dim(0), ih = x.dim(1), iw = x.dim(2), C = x.dim(3), oh = p.out[1], ow = p.out[2];
  Taps ty = make_taps(p, 1, ih, oh), tx = make_taps(p, 2, iw, ow);
  Tensor& o = c.alloc_output(0, DType::Float32, p.out);
  const float* px = x.data<float>();
  float* po = o.data<float>();
  const int n = ty.n;
#pragma omp parallel for collapse(2) if (o.numel() >= (1 << 15))
  for (int64_t b = 0; b < N; ++b)
    for (int64_t y = 0; y < oh; ++y) {
      const float* src = px + b * ih * iw * C;
      float* dst = po + (b * oh + y) * ow * C;
      if (n == 1) {
        const float* row = src + ty.idx[y] * iw * C;
        for (int64_t xo = 0; xo < ow; ++xo) std::copy_n(row + tx.idx[xo] * C, C, dst + xo * C);
      } else {
        const float* r0 = src + ty.idx[2 * y] * iw * C;
        const float* r1 = src + ty.idx[2 * y + 1] * iw * C;
        const float wy0 = ty.w[2 * y], wy1 = ty.w[2 * y + 1];
        for (int64_t xo = 0; xo < ow; ++xo) {
          const float* a0 = r0 + tx.idx[2 * xo] * C;
          const float* a1 = r0 + tx.idx[2 * xo + 1] * C;
          const float* b0 = r1 + tx.idx[2 * xo] * C;
          const float* b1 = r1 + tx.idx[2 * xo + 1] * C;
          const float wx0 = tx.w[2 * xo], wx1 = tx.w[2 * xo + 1];
          float* d = dst + xo * C;
#pragma omp simd
          for (int64_t k = 0; k < C; ++k) d[k] = wy0 * (wx0 * a0[k] + wx1 * a1[k]) + wy1 * (wx0 * b0[k] + wx1 * b1[k]);
        }
      }
    }
}

// One pass over the last two axes (nearest or linear), the common NCHW case.
void resize_fast(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  if (x.dtype() != DType::Float32 || r < 2 || c.node.attrs.s("mode", "nearest") == "cubic" ||
      c.node.attrs.s("coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize")
    return resize_ref(c);
  Params p = make_params(c, x);
  if (c.node.attrs.s("layout", "NCHW") == "NHWC") return resize_nhwc(c, p, x);
  for (int a = 0; a < r - 2; ++a)
    if (p.out[a] != x.dim(a)) return resize_ref(c);
  const int64_t ih = x.dim(r - 2), iw = x.dim(r - 1), oh = p.out[r - 2], ow = p.out[r - 1];
  Taps ty = make_taps(p, r - 2, ih, oh), tx = make_taps(p, r - 1, iw, ow);
  Tensor& o = c.alloc_output(0, DType::Float32, p.out);
  const int64_t planes = ih * iw > 0 ? x.numel() / (ih * iw) : 0;
  const float* px = x.data<float>();
  float* po = o.data<float>();
  const int n = ty.n;
#pragma omp parallel for collapse(2) if (o.numel() >= (1 << 15))
  for (int64_t pl = 0; pl < planes; ++pl)
    for (int64_t y = 0; y < oh; ++y) {
      const float* src = px + pl * ih * iw;
      float* dst = po + (pl * oh + y) * ow;
      if (n == 1) {
        const float* row = src + ty.idx[y] * iw;
        for (int64_t xo = 0; xo < ow; ++xo) dst[xo] = row[tx.idx[xo]];
      } else {
        const float* r0 = src + ty.idx[2 * y] * iw;
        const float* r1 = src + ty.idx[2 * y + 1] * iw;
        const float wy0 = ty.w[2 * y], wy1 = ty.w[2 * y + 1];
        for (int64_t xo = 0; xo < ow; ++xo) {
          const int64_t x0 = tx.idx[2 * xo], x1 = tx.idx[2 * xo + 1];
          const float wx0 = tx.w[2 * xo], wx1 = tx.w[2 * xo + 1];
          dst[xo] = wy0 * (wx0 * r0[x0] + wx1 * r0[x1]) + wy1 * (wx0 * r1[x0] + wx1 * r1[x1]);
        }
      }
    }
}

PPOCR_OP(Resize).reference(resize_ref).fast(resize_fast).inputs(1, 4);

}  // namespace
}  // namespace ppocr::engine::ops
