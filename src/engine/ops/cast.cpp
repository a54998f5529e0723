// Cast to the ONNX element type in `to`. The engine computes in float32:
// float16 and double targets produce float32 (fp16 models run in fp32).
#include "engine/ops/op_helpers.h"

namespace ppocr::engine::ops {
namespace {

DType target(const KernelContext& c, int64_t to) {
  switch (to) {
    case 1: case 10: case 11: case 16: return DType::Float32;  // float, float16, double, bfloat16
    case 2: return DType::UInt8;
    case 3: return DType::Int8;
    case 5: case 6: return DType::Int32;  // int16 widened
    case 4: case 12: return DType::Int64;  // uint16, uint32 widened
    case 7: return DType::Int64;
    case 9: return DType::Bool;
    default: c.error("unsupported target type " + std::to_string(to));
  }
}

void cast(KernelContext& c) {
  if (!c.node.attrs.has("to")) c.error("missing attribute 'to'");
  const DType to = target(c, c.node.attrs.i("to"));
  Tensor x = c.in(0);
  if (x.dtype() == DType::Float16) x = x.cast(DType::Float32);
  c.outputs[0] = x.dtype() == to ? x : x.cast(to);
}

// CastLike: to the dtype of input 1.
void cast_like(KernelContext& c) {
  Tensor x = c.in(0);
  DType to = c.in(1).dtype() == DType::Float16 ? DType::Float32 : c.in(1).dtype();
  if (x.dtype() == DType::Float16) x = x.cast(DType::Float32);
  c.outputs[0] = x.cast(to);
}

PPOCR_OP(Cast).reference(cast).inputs(1, 1);
PPOCR_OP(CastLike).reference(cast_like).inputs(2, 2);

}  // namespace
}  // namespace ppocr::engine::ops
