// MaxPool (ONNX opset 12+: dilations, ceil_mode, storage_order, optional Indices
// output). Kernels in pool_util.cpp.
#include "engine/ops/pool_util.h"

namespace ppocr::engine {

PPOCR_OP(MaxPool)
    .reference([](KernelContext& c) { nn::pool_ref(c, nn::PoolKind::Max); })
    .fast([](KernelContext& c) { nn::pool_fast(c, nn::PoolKind::Max); })
    .inputs(1, 1);

}  // namespace ppocr::engine
