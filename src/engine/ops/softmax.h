// The Softmax fast kernel's row function, for callers that need some rows of
// a softmax bit for bit as the kernel computes them (the text recogniser
// decodes from logits and normalises only the columns it keeps).
#pragma once
#include <cstdint>

namespace ppocr::engine::ops {

// out[k] = exp(in[k] - max) / sum, as the Softmax fast kernel does per row.
void softmax_row(const float* in, float* out, int64_t len);

}  // namespace ppocr::engine::ops
