// Shared implementation of MaxPool / AveragePool (ONNX: kernel_shape, strides,
// pads, auto_pad, dilations, ceil_mode, count_include_pad, MaxPool's optional
// Indices output): a reference loop and a cached oneDNN pooling.
#pragma once
#include "engine/op.h"
#include "engine/ops/nn_util.h"

namespace ppocr::engine::nn {

enum class PoolKind { Max, Avg };
void pool_ref(KernelContext& c, PoolKind kind);
void pool_fast(KernelContext& c, PoolKind kind);
// Direct 2-D max pooling of an NHWC tensor x ([N,H,W,C], window w from its logical NCHW shape): for each
// output pixel the elementwise max of the C-vectors of its taps inside x, written to
// dst + pixel * dst_pixel + dst_offset (a Concat's slice, or a plain [N,OH,OW,C] tensor).
void max_pool_nhwc_into(const Tensor& x, const Window& w, float* dst, int64_t dst_pixel, int64_t dst_offset);

}  // namespace ppocr::engine::nn
