// Identity (also Dropout in inference: passes its input through).
#include "engine/op.h"

namespace ppocr::engine {

static void identity(KernelContext& c) { c.outputs[0] = c.in(0); }
static void dropout(KernelContext& c) {
  c.outputs[0] = c.in(0);
  if (c.outputs.size() > 1) c.outputs[1] = Tensor::zeros(DType::Bool, c.in(0).shape());
}

PPOCR_OP(Identity).reference(identity).inputs(1, 1);
PPOCR_OP(Dropout).reference(dropout).inputs(1, 3);

}  // namespace ppocr::engine
