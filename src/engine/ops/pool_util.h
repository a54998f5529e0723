// Shared implementation of MaxPool / AveragePool (ONNX: kernel_shape, strides,
// pads, auto_pad, dilations, ceil_mode, count_include_pad, MaxPool's optional
// Indices output): a reference loop and a cached oneDNN pooling.
#pragma once
#include "engine/op.h"

namespace ppocr::engine::nn {

enum class PoolKind { Max, Avg };
void pool_ref(KernelContext& c, PoolKind kind);
void pool_fast(KernelContext& c, PoolKind kind);

}  // namespace ppocr::engine::nn
