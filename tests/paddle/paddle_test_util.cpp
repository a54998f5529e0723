#include "paddle/paddle_test_util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ppocr::test {

float max_abs_diff(const engine::Tensor& a, const engine::Tensor& b) {
  EXPECT_EQ(engine::shape_str(a.shape()), engine::shape_str(b.shape()));
  if (a.shape() != b.shape()) return INFINITY;
  auto x = a.to_f32(), y = b.to_f32();
  float m = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    float d = std::fabs(x[i] - y[i]);
    if (!(d <= m)) m = std::isnan(d) ? INFINITY : d;
  }
  return m;
}

engine::Tensor run1(const engine::Model& m, const engine::Tensor& x) { return m.run(std::vector<engine::Tensor>{x}).at(0); }

engine::Tensor pattern(const engine::Shape& s, uint32_t seed) {
  engine::Tensor t(engine::DType::Float32, s);
  uint32_t st = seed;
  for (int64_t i = 0; i < t.numel(); ++i) {
    st = st * 1664525u + 1013904223u;
    t.data<float>()[i] = static_cast<float>(st >> 8) / 8388608.f - 1.f;
  }
  return t;
}

}  // namespace ppocr::test
