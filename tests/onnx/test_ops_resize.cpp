// Resize: nearest rounding modes, linear with each coordinate transformation,
// scales vs sizes, fast (2-D) vs reference (separable) kernels, bad sizes.
#include "op_util.h"

using namespace ot;
using ppocr::Error;

namespace {

Tensor resize(const Tensor& x, const Attrs& a, const Tensor& scales, const Tensor& sizes = Tensor()) {
  return run2("Resize", a, {x, Tensor(), scales, sizes});
}

Attrs mode(const std::string& m, const std::string& coord, const std::string& nearest = "round_prefer_floor") {
  return attrs({{"mode", m}, {"coordinate_transformation_mode", coord}, {"nearest_mode", nearest}});
}

}  // namespace

TEST(Resize, LinearCoordinateModes) {
  Tensor x = f32({1, 1, 1, 2}, {0, 1});
  Tensor s = f32({4}, {1, 1, 1, 2});
  expect_values(resize(x, mode("linear", "half_pixel"), s), {1, 1, 1, 4}, {0, 0.25f, 0.75f, 1});
  expect_values(resize(x, mode("linear", "pytorch_half_pixel"), s), {1, 1, 1, 4}, {0, 0.25f, 0.75f, 1});
  expect_values(resize(x, mode("linear", "align_corners"), s), {1, 1, 1, 4}, {0, 1.f / 3, 2.f / 3, 1});
  expect_values(resize(x, mode("linear", "asymmetric"), s), {1, 1, 1, 4}, {0, 0.5f, 1, 1});
  // pytorch_half_pixel maps a length-1 output to 0, half_pixel to the centre.
  Tensor one = i64v({1, 1, 1, 1});
  expect_values(run2("Resize", mode("linear", "pytorch_half_pixel"), {x, Tensor(), Tensor(), one}), {1, 1, 1, 1}, {0});
  expect_values(run2("Resize", mode("linear", "half_pixel"), {x, Tensor(), Tensor(), one}), {1, 1, 1, 1}, {0.5f});
}

TEST(Resize, BilinearTwoAxes) {
  Tensor x = f32({1, 1, 2, 2}, {0, 1, 2, 3});
  Tensor o = resize(x, mode("linear", "align_corners"), Tensor(), i64v({1, 1, 3, 3}));
  expect_values(o, {1, 1, 3, 3}, {0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3});
}

TEST(Resize, NearestRoundingModes) {
  Tensor x = f32({1, 1, 1, 2}, {1, 2});
  Tensor s = f32({4}, {1, 1, 1, 2});
  expect_values(resize(x, mode("nearest", "half_pixel"), s), {1, 1, 1, 4}, {1, 1, 2, 2});
  expect_values(resize(x, mode("nearest", "asymmetric", "floor"), s), {1, 1, 1, 4}, {1, 1, 2, 2});
  expect_values(resize(x, mode("nearest", "asymmetric", "ceil"), s), {1, 1, 1, 4}, {1, 2, 2, 2});
  expect_values(resize(x, mode("nearest", "asymmetric", "round_prefer_ceil"), s), {1, 1, 1, 4}, {1, 2, 2, 2});
  expect_values(resize(x, mode("nearest", "asymmetric", "round_prefer_floor"), s), {1, 1, 1, 4}, {1, 1, 2, 2});
  // Downsampling 4 -> 2 with half_pixel samples at 0.5 and 2.5: the tie decides.
  Tensor y = f32({1, 1, 1, 4}, {10, 11, 12, 13});
  Tensor h = f32({4}, {1, 1, 1, 0.5f});
  expect_values(resize(y, mode("nearest", "half_pixel", "round_prefer_floor"), h), {1, 1, 1, 2}, {10, 12});
  expect_values(resize(y, mode("nearest", "half_pixel", "round_prefer_ceil"), h), {1, 1, 1, 2}, {11, 13});
  // Opset-10 / Upsample rounding ("simple"): floor when upsampling.
  expect_values(resize(x, mode("nearest", "asymmetric", "simple"), f32({4}, {1, 1, 1, 3})), {1, 1, 1, 6},
                {1, 1, 1, 2, 2, 2});
}

TEST(Resize, FastMatchesReferenceOnFeatureMaps) {
  Tensor x = rnd({2, 3, 5, 7}, 11);
  for (const char* coord : {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel"})
    for (const char* m : {"nearest", "linear"}) {
      resize(x, mode(m, coord), f32({4}, {1, 1, 2, 2}));
      resize(x, mode(m, coord), Tensor(), i64v({2, 3, 3, 11}));
    }
  // Cubic keeps a constant image constant.
  Tensor c = Tensor(DType::Float32, {1, 1, 4, 4});
  for (int i = 0; i < 16; ++i) c.data<float>()[i] = 5.f;
  Tensor o = resize(c, mode("cubic", "half_pixel"), f32({4}, {1, 1, 2, 2}));
  for (int i = 0; i < 64; ++i) EXPECT_NEAR(o.data<float>()[i], 5.f, 1e-5);
}

TEST(Resize, BadParametersAreErrors) {
  Tensor x = iota({1, 1, 2, 2});
  EXPECT_THROW(run("Resize", {}, {x, Tensor(), f32({2}, {2, 2})}), Error);
  EXPECT_THROW(run("Resize", {}, {x, Tensor(), f32({4}, {1, 1, 1e9f, 1e9f})}), Error);
  EXPECT_THROW(run("Resize", {}, {x, Tensor(), Tensor(), i64v({1, 1, -2, 2})}), Error);
  EXPECT_THROW(run("Resize", {}, {x, Tensor(), f32({4}, {1, 1, 2, 2}), i64v({1, 1, 4, 4})}), Error);
  EXPECT_THROW(run("Resize", {}, {x, Tensor(), Tensor(), i64v({1, 1, 1 << 20, 1 << 20})}), Error);
  EXPECT_THROW(run("Resize", attrs({{"mode", std::string("bogus")}}), {x, Tensor(), f32({4}, {1, 1, 2, 2})}), Error);
}
