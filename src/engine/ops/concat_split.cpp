// Concat (along `axis`, all other dims equal; engine attribute layout = "NHWC":
// 4-D inputs stored [N,H,W,C], concatenated on channels) and Split (sizes from input 1,
// the `split` attribute, or equal parts over the outputs / num_outputs).
#include <algorithm>
#include <cstring>


#include "engine/ops/pool_util.h"
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

// Input `pool_input` of an NHWC Concat is a MaxPool's input (assign_conv_layouts
// folded the MaxPool in: kernel_shape, strides, pads, dilations, ceil_mode on
// this node): pooled here into channels [at, at + C) of each output pixel.
void pool_into(const KernelContext& c, const Tensor& x, float* dst, int64_t ctot, int64_t at, int64_t oh, int64_t ow) {
  const nn::Window w = nn::forward_window(c, {x.dim(0), x.dim(3), x.dim(1), x.dim(2)},
                                          c.node.attrs.ints("kernel_shape", {}), c.node.attrs.i("ceil_mode", 0) != 0);
  if (w.nsp != 2 || w.out[1] != oh || w.out[2] != ow) c.error("pooled input does not match the other inputs");
  nn::max_pool_nhwc_into(x, w, dst, ctot, at);
}

// Copies `outer` runs of k floats, src runs back to back, dst runs `stride` apart: the NHWC channel
// concatenations (k = 8..64 channels per pixel). Runs of whole 8-float blocks are copied with
// fixed-size moves the compiler inlines, not with one memmove call per run.
__attribute__((target_clones("avx2", "default"))) void copy_runs(const float* src, int64_t k, float* dst,
                                                                 int64_t stride, int64_t outer) {
  if (k % 8 == 0) {
    for (int64_t q = 0; q < outer; ++q, src += k, dst += stride)
      for (int64_t j = 0; j < k; j += 8) std::memcpy(dst + j, src + j, 8 * sizeof(float));
    return;
  }
  for (int64_t q = 0; q < outer; ++q) std::copy(src + q * k, src + (q + 1) * k, dst + q * stride);
}

void concat(KernelContext& c) {
  std::vector<const Tensor*> ins;
  for (size_t i = 0; i < c.num_inputs(); ++i) ins.push_back(&c.in(i));
  const int64_t pooled = c.node.attrs.i("pool_input", -1);
  if (pooled >= 0) {
    if (pooled >= static_cast<int64_t>(ins.size()) || c.node.attrs.s("layout", "") != "NHWC" || ins.size() < 2)
      c.error("pool_input needs an NHWC Concat of at least two inputs");
    const Tensor* other = ins[pooled == 0 ? 1 : 0];
    const Tensor& x = *ins[pooled];
    if (x.rank() != 4 || other->rank() != 4 || x.dtype() != DType::Float32) c.error("pooled Concat needs 4-D float inputs");
    int64_t ctot = 0, at = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      if (ins[i]->rank() != 4 || ins[i]->dtype() != DType::Float32) c.error("pooled Concat needs 4-D float inputs");
      if (static_cast<int64_t>(i) == pooled) at = ctot;
      ctot += ins[i]->dim(3);
    }
    const int64_t N = other->dim(0), oh = other->dim(1), ow = other->dim(2);
    Tensor& o = c.alloc_output(0, DType::Float32, {N, oh, ow, ctot});
    float* dst = o.data<float>();
    pool_into(c, x, dst, ctot, at, oh, ow);
    int64_t off = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      const int64_t k = ins[i]->dim(3);
      if (static_cast<int64_t>(i) != pooled) {
        const Tensor& t = *ins[i];
        if (t.dim(0) != N || t.dim(1) != oh || t.dim(2) != ow) c.error("inputs differ outside the concat axis");
        copy_runs(t.data<float>(), k, dst + off, ctot, N * oh * ow);
      }
      off += k;
    }
    return;
  }
  const Tensor& first = *ins[0];
  const int r = first.rank();
  if (r == 0) c.error("cannot concatenate scalars");
  int axis = norm_axis(c, c.node.attrs.i("axis", 0), r);
  if (c.node.attrs.s("layout", "NCHW") == "NHWC") {  // channel concat of [N,H,W,C] tensors (assign_conv_layouts)
    if (r != 4 || axis != 1) c.error("NHWC Concat needs 4-D inputs and axis 1");
    axis = 3;
  }
  Shape os = first.shape();
  os[axis] = 0;
  std::vector<Tensor> conv(ins.size());
  for (size_t i = 0; i < ins.size(); ++i) {
    const Tensor* t = ins[i];
    if (t->dtype() != first.dtype()) {
      if (first.dtype() == DType::Float32 && t->dtype() == DType::Float16) {
        conv[i] = t->cast(DType::Float32);
        ins[i] = t = &conv[i];
      } else {
        c.error("input types differ: " + first.desc() + " and " + t->desc());
      }
    }
    if (t->rank() != r) c.error("inputs have different ranks: " + first.desc() + " and " + t->desc());
    for (int d = 0; d < r; ++d)
      if (d != axis && t->dim(d) != first.dim(d))
        c.error("inputs differ outside the concat axis: " + first.desc() + " and " + t->desc());
    os[axis] += t->dim(axis);
  }
  Tensor& o = c.alloc_output(0, first.dtype(), os);
  if (o.numel() == 0) return;
  if (axis == r - 1 && first.dtype() == DType::Float32 && os[axis] <= 256) {
    // Concatenating short last-axis runs (NHWC channels): copy them inline, pixel by pixel, instead of one
    // memcpy call per run.
    const int64_t outer = o.numel() / os[axis];
    float* dst = o.data<float>();
    int64_t at = 0;
    for (const Tensor* t : ins) {
      const int64_t k = t->dim(axis);
      copy_runs(t->data<float>(), k, dst + at, os[axis], outer);
      at += k;
    }
    return;
  }
  const size_t es = dtype_size(first.dtype());
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= os[d];
  for (int d = axis + 1; d < r; ++d) inner *= os[d];
  char* dst = static_cast<char*>(o.raw());
  const size_t out_row = os[axis] * inner * es;
  size_t at = 0;
  for (const Tensor* t : ins) {
    const size_t row = t->dim(axis) * inner * es;
    const char* src = static_cast<const char*>(t->raw());
    if (row)
      for (int64_t k = 0; k < outer; ++k) std::memcpy(dst + k * out_row + at, src + k * row, row);
    at += row;
  }
}

void split(KernelContext& c) {
  const Tensor& x = c.in(0);
  const int r = x.rank();
  if (r == 0) c.error("cannot split a scalar");
  const int axis = norm_axis(c, c.node.attrs.i("axis", 0), r);
  const int64_t len = x.dim(axis);
  const size_t nout = c.outputs.size();
  std::vector<int64_t> sizes = c.has_input(1) ? int_input(c, 1) : c.node.attrs.ints("split");
  if (sizes.empty()) {
    if (nout == 0) c.error("no outputs");
    const int64_t part = (len + static_cast<int64_t>(nout) - 1) / static_cast<int64_t>(nout);
    for (size_t i = 0; i < nout; ++i) sizes.push_back(std::max<int64_t>(0, std::min(part, len - part * static_cast<int64_t>(i))));
  }
  if (sizes.size() != nout) c.error(std::to_string(sizes.size()) + " split sizes for " + std::to_string(nout) + " outputs");
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) c.error("negative split size");
    total += s;
  }
  if (total != len) c.error("split sizes sum to " + std::to_string(total) + ", axis has " + std::to_string(len));
  const size_t es = dtype_size(x.dtype());
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.dim(d);
  for (int d = axis + 1; d < r; ++d) inner *= x.dim(d);
  const char* src = static_cast<const char*>(x.raw());
  const size_t in_row = len * inner * es;
  size_t at = 0;
  for (size_t i = 0; i < nout; ++i) {
    Shape s = x.shape();
    s[axis] = sizes[i];
    Tensor& o = c.alloc_output(i, x.dtype(), s);
    const size_t row = sizes[i] * inner * es;
    char* dst = static_cast<char*>(o.raw());
    if (row)
      for (int64_t k = 0; k < outer; ++k) std::memcpy(dst + k * row, src + k * in_row + at, row);
    at += row;
  }
}

PPOCR_OP(Concat).reference(concat).inputs(1, 4096);
PPOCR_OP(Split).reference(split).inputs(1, 2);

}  // namespace
}  // namespace ppocr::engine::ops
