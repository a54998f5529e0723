// AveragePool (ONNX opset 19: dilations, ceil_mode, count_include_pad).
// Kernels in pool_util.cpp.
#include "engine/ops/pool_util.h"

namespace ppocr::engine {

PPOCR_OP(AveragePool)
    .reference([](KernelContext& c) { nn::pool_ref(c, nn::PoolKind::Avg); })
    .fast([](KernelContext& c) { nn::pool_fast(c, nn::PoolKind::Avg); })
    .inputs(1, 1);

}  // namespace ppocr::engine
