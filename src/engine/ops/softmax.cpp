// Softmax / LogSoftmax along `axis` (opset-13 semantics, default -1). The
// importer marks opset < 13 nodes with `coerce_2d`=1: the input is then seen as
// 2-D [prod(dims < axis), prod(dims >= axis)] and normalised over the second dim.
#include <algorithm>
#include <cmath>

#include "engine/ops/fast_math.h"
#include "engine/ops/softmax.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

template <bool Log>
void softmax(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const int r = x.rank();
  const bool coerce = c.node.attrs.i("coerce_2d", 0) != 0;
  const int axis = norm_axis(c, c.node.attrs.i("axis", coerce ? 1 : -1), std::max(r, 1));
  int64_t outer = 1, len = 1, inner = 1;
  for (int i = 0; i < r; ++i) {
    if (i < axis) outer *= x.dim(i);
    else if (i == axis || coerce) len *= x.dim(i);
    else inner *= x.dim(i);
  }
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  if (x.numel() == 0) return;
#pragma omp parallel for collapse(2) if (outer * inner >= 64)
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      const float* in = px + a * len * inner + b;
      float* out = po + a * len * inner + b;
      float m = -INFINITY;
      for (int64_t k = 0; k < len; ++k) m = std::max(m, in[k * inner]);
      float sum = 0.f;
      for (int64_t k = 0; k < len; ++k) {
        float e = std::exp(in[k * inner] - m);
        sum += e;
        if (!Log) out[k * inner] = e;
      }
      if (Log) {
        const float ls = std::log(sum);
        for (int64_t k = 0; k < len; ++k) out[k * inner] = in[k * inner] - m - ls;
      } else {
        const float inv = 1.f / sum;
        for (int64_t k = 0; k < len; ++k) out[k * inner] *= inv;
      }
    }
}

}  // namespace

// Fast path: softmax over a contiguous last axis with the vectorised exp.
__attribute__((target_clones("avx2", "default"))) void softmax_row(const float* in, float* out, int64_t len) {
  float m = -INFINITY;
#pragma omp simd reduction(max : m)
  for (int64_t k = 0; k < len; ++k) m = in[k] > m ? in[k] : m;
  float sum = 0.f;
#pragma omp simd reduction(+ : sum)
  for (int64_t k = 0; k < len; ++k) {
    out[k] = fast_exp(in[k] - m);
    sum += out[k];
  }
  const float inv = 1.f / sum;
#pragma omp simd
  for (int64_t k = 0; k < len; ++k) out[k] *= inv;
}

namespace {

void softmax_fast(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  // Opset < 13 (coerce_2d) normalises over all dims >= axis: the same rows when axis is the last one.
  const bool coerce = c.node.attrs.i("coerce_2d", 0) != 0;
  if (x.dtype() != DType::Float32 || r == 0 || norm_axis(c, c.node.attrs.i("axis", coerce ? 1 : -1), r) != r - 1)
    return softmax<false>(c);
  const int64_t len = x.dim(r - 1), rows = len ? x.numel() / len : 0;
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
#pragma omp parallel for if (x.numel() >= (1 << 15))
  for (int64_t i = 0; i < rows; ++i) softmax_row(px + i * len, po + i * len, len);
}

PPOCR_OP(Softmax).reference(softmax<false>).fast(softmax_fast).inputs(1, 1);
// Hardmax: 1 at the first maximum along the axis (same axis rules), 0 elsewhere.
void hardmax(KernelContext& c) {
  Tensor x = as_f32(c, c.in(0));
  const int r = x.rank();
  const bool coerce = c.node.attrs.i("coerce_2d", 0) != 0;
  const int axis = norm_axis(c, c.node.attrs.i("axis", coerce ? 1 : -1), std::max(r, 1));
  int64_t outer = 1, len = 1, inner = 1;
  for (int i = 0; i < r; ++i) {
    if (i < axis) outer *= x.dim(i);
    else if (i == axis || coerce) len *= x.dim(i);
    else inner *= x.dim(i);
  }
  Tensor& o = c.alloc_output(0, DType::Float32, x.shape());
  const float* px = x.data<float>();
  float* po = o.data<float>();
  std::fill(po, po + o.numel(), 0.f);
  if (len == 0) return;
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t b = 0; b < inner; ++b) {
      const float* in = px + a * len * inner + b;
      int64_t best = 0;
      for (int64_t k = 1; k < len; ++k)
        if (in[k * inner] > in[best * inner]) best = k;
      po[a * len * inner + b + best * inner] = 1.f;
    }
}

PPOCR_OP(LogSoftmax).reference(softmax<true>).inputs(1, 1);
PPOCR_OP(Hardmax).reference(hardmax).inputs(1, 1);

}  // namespace
}  // namespace ppocr::engine::ops
