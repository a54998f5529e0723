// Helpers of the Paddle importer tests.
#pragma once
#include <string>

#include "engine/model.h"
#include "engine/tensor.h"

namespace ppocr::test {

// Max |a - b| over two float tensors of the same shape (fails the test on shape mismatch).
float max_abs_diff(const engine::Tensor& a, const engine::Tensor& b);

// Runs a one-input, first-output model.
engine::Tensor run1(const engine::Model& m, const engine::Tensor& x);

// Deterministic float tensor in [-1, 1].
engine::Tensor pattern(const engine::Shape& s, uint32_t seed = 7);

}  // namespace ppocr::test
