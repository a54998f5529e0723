// Hand-checkable tests of the elementwise operators: broadcasting, fast vs
// reference paths, integer arithmetic, comparisons, Where, activations, Clip.
#include <cmath>

#include "op_util.h"

using namespace ot;
using ppocr::Error;

TEST(Elementwise, AddBroadcastsNumpyStyle) {
  Tensor a = f32({2, 3, 1}, {0, 1, 2, 3, 4, 5});
  Tensor b = f32({1, 4}, {10, 20, 30, 40});
  Tensor o = run2("Add", {}, {a, b});
  ASSERT_EQ(o.shape(), (Shape{2, 3, 4}));
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(o.data<float>()[i * 4 + j], float(i) + 10.f * (j + 1));
}

TEST(Elementwise, NonCommutativeWithBroadcastOnEitherSide) {
  Tensor x = f32({2, 2}, {1, 2, 3, 4});
  Tensor s = Tensor::scalar_f32(10.f);
  expect_values(run2("Sub", {}, {s, x}), {2, 2}, {9, 8, 7, 6});
  expect_values(run2("Sub", {}, {x, s}), {2, 2}, {-9, -8, -7, -6});
  expect_values(run2("Div", {}, {s, x}), {2, 2}, {10, 5, 10.f / 3, 2.5});
  Tensor row = f32({2}, {1, 2});
  expect_values(run2("Sub", {}, {row, x}), {2, 2}, {0, 0, -2, -2});
  expect_values(run2("Pow", {}, {x, f32({}, {2})}), {2, 2}, {1, 4, 9, 16});
}

TEST(Elementwise, ChannelBroadcastFastPathMatchesReference) {
  Tensor x = rnd({2, 3, 5, 7}, 1);
  Tensor c = rnd({1, 3, 1, 1}, 2);
  Tensor m = run2("Mul", {}, {x, c});
  for (int n = 0; n < 2; ++n)
    for (int ch = 0; ch < 3; ++ch)
      for (int k = 0; k < 35; ++k) {
        int64_t i = (n * 3 + ch) * 35 + k;
        EXPECT_FLOAT_EQ(m.data<float>()[i], x.data<float>()[i] * c.data<float>()[ch]);
      }
  run2("Add", {}, {c, x});
  run2("Div", {}, {x, rnd({7}, 3, 1.f, 2.f)});
  run2("Sub", {}, {rnd({3, 1, 1}, 4), x});
  run2("Max", {}, {x, rnd({2, 1, 5, 1}, 5)});  // generic path
}

TEST(Elementwise, IntegerArithmeticAndErrors) {
  Tensor a = i64v({7, -7, 9});
  Tensor b = i64v({2, 2, 3});
  Tensor d = run2("Div", {}, {a, b});
  EXPECT_EQ(d.dtype(), DType::Int64);
  EXPECT_EQ(d.to_i64(), (std::vector<int64_t>{3, -3, 3}));
  EXPECT_EQ(run2("Mul", {}, {a, b}).to_i64(), (std::vector<int64_t>{14, -14, 27}));
  EXPECT_THROW(run("Div", {}, {a, i64v({1, 0, 1})}), Error);
  EXPECT_THROW(run("Add", {}, {a, f32({3}, {1, 2, 3})}), Error);
  EXPECT_THROW(run("Add", {}, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2}, {1, 2})}), Error);
}

TEST(Elementwise, ComparisonsLogicAndWhere) {
  Tensor a = f32({4}, {1, 2, 3, 4});
  Tensor b = f32({}, {2.5f});
  Tensor gt = run2("Greater", {}, {a, b});
  EXPECT_EQ(gt.dtype(), DType::Bool);
  EXPECT_EQ(gt.to_i64(), (std::vector<int64_t>{0, 0, 1, 1}));
  EXPECT_EQ(run2("LessOrEqual", {}, {a, f32({}, {2})}).to_i64(), (std::vector<int64_t>{1, 1, 0, 0}));
  EXPECT_EQ(run2("Equal", {}, {i64v({1, 2}), i64v({1, 3})}).to_i64(), (std::vector<int64_t>{1, 0}));
  Tensor lt = run2("Less", {}, {a, b});
  EXPECT_EQ(run2("Or", {}, {gt, lt}).to_i64(), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(run2("And", {}, {gt, lt}).to_i64(), (std::vector<int64_t>{0, 0, 0, 0}));
  EXPECT_EQ(run("Not", {}, {gt})[0].to_i64(), (std::vector<int64_t>{1, 1, 0, 0}));
  Tensor w = run("Where", {}, {gt, a, f32({2, 1}, {-1, -2})})[0];
  expect_values(w, {2, 4}, {-1, -1, 3, 4, -2, -2, 3, 4});
  EXPECT_THROW(run("Where", {}, {a, a, a}), Error);
}

TEST(Elementwise, Activations) {
  Tensor x = f32({5}, {-3, -0.5f, 0, 0.5f, 3});
  expect_values(run2("Relu", {}, {x}), {5}, {0, 0, 0, 0.5f, 3});
  expect_values(run2("LeakyRelu", attrs({{"alpha", 0.1f}}), {x}), {5}, {-0.3f, -0.05f, 0, 0.5f, 3});
  expect_values(run2("HardSigmoid", {}, {x}), {5}, {0, 0.4f, 0.5f, 0.6f, 1});
  expect_values(run2("HardSwish", {}, {x}), {5}, {0, -0.5f * (2.5f / 6), 0, 0.5f * (3.5f / 6), 3});
  expect_values(run2("Sigmoid", {}, {x}), {5},
                {1 / (1 + std::exp(3.f)), 1 / (1 + std::exp(0.5f)), 0.5f, 1 / (1 + std::exp(-0.5f)), 1 / (1 + std::exp(-3.f))});
  expect_values(run2("Erf", {}, {x}), {5}, {std::erf(-3.f), std::erf(-0.5f), 0, std::erf(0.5f), std::erf(3.f)});
  expect_values(run2("Gelu", {}, {x}), {5},
                {-3 * 0.5f * (1 + std::erf(-3 / std::sqrt(2.f))), -0.5f * 0.5f * (1 + std::erf(-0.5f / std::sqrt(2.f))),
                 0, 0.5f * 0.5f * (1 + std::erf(0.5f / std::sqrt(2.f))), 3 * 0.5f * (1 + std::erf(3 / std::sqrt(2.f)))});
  expect_values(run2("Elu", {}, {x}), {5}, {std::exp(-3.f) - 1, std::exp(-0.5f) - 1, 0, 0.5f, 3});
  expect_values(run2("Softplus", {}, {x}), {5},
                {std::log1p(std::exp(-3.f)), std::log1p(std::exp(-0.5f)), std::log(2.f), std::log1p(std::exp(0.5f)),
                 std::log1p(std::exp(3.f))});
  expect_values(run2("Abs", {}, {x}), {5}, {3, 0.5f, 0, 0.5f, 3});
  expect_values(run2("Neg", {}, {x}), {5}, {3, 0.5f, 0, -0.5f, -3});
  expect_values(run2("Round", {}, {f32({4}, {0.5f, 1.5f, 2.5f, -0.5f})}), {4}, {0, 2, 2, -0.f});
  expect_values(run2("Floor", {}, {x}), {5}, {-3, -1, 0, 0, 3});
  expect_values(run2("Ceil", {}, {x}), {5}, {-3, -0.f, 0, 1, 3});
  expect_values(run2("Reciprocal", {}, {f32({2}, {2, -4})}), {2}, {0.5f, -0.25f});
  expect_values(run2("Sqrt", {}, {f32({2}, {4, 9})}), {2}, {2, 3});
  expect_values(run2("PRelu", {}, {f32({1, 2, 2}, {-1, 1, -2, 2}), f32({2, 1}, {0.5f, 0.25f})}), {1, 2, 2},
                {-0.5f, 1, -0.5f, 2});
}

TEST(Elementwise, ClipWithOptionalBounds) {
  Tensor x = f32({4}, {-2, -0.5f, 0.5f, 2});
  expect_values(run2("Clip", {}, {x, f32({}, {-1}), f32({}, {1})}), {4}, {-1, -0.5f, 0.5f, 1});
  expect_values(run2("Clip", {}, {x, Tensor(), f32({}, {0})}), {4}, {-2, -0.5f, 0, 0});
  expect_values(run2("Clip", {}, {x}), {4}, {-2, -0.5f, 0.5f, 2});
  EXPECT_EQ(run2("Clip", {}, {i64v({-5, 5}), i64({}, {0}), i64({}, {3})}).to_i64(), (std::vector<int64_t>{0, 3}));
}

TEST(Elementwise, SoftmaxAndLogSoftmax) {
  Tensor x = f32({2, 3}, {1, 2, 3, 0, 0, 0});
  const float e = std::exp(1.f), s = 1 + e + e * e;
  expect_values(run2("Softmax", {}, {x}), {2, 3}, {1 / s, e / s, e * e / s, 1.f / 3, 1.f / 3, 1.f / 3});
  expect_values(run2("LogSoftmax", {}, {x}), {2, 3}, {-std::log(s), 1 - std::log(s), 2 - std::log(s),
                                                     -std::log(3.f), -std::log(3.f), -std::log(3.f)});
  // axis 0 of a 2-D tensor (opset 13) vs the opset<13 2-D coercion at axis 0 (all elements).
  Tensor a0 = run2("Softmax", attrs({{"axis", int64_t(0)}}), {x});
  EXPECT_NEAR(a0.data<float>()[0], e / (e + 1), 1e-6);
  Tensor c0 = run2("Softmax", attrs({{"axis", int64_t(0)}, {"coerce_2d", int64_t(1)}}), {x});
  float total = 0;
  for (int i = 0; i < 6; ++i) total += c0.data<float>()[i];
  EXPECT_NEAR(total, 1.f, 1e-6);
}

#include "engine/ops/fast_math.h"

TEST(Elementwise, FastMathApproximationsAreAccurate) {
  using namespace ppocr::engine::ops;
  double e_exp = 0, e_erf = 0, e_tanh = 0, e_sig = 0;
  for (int i = -200000; i <= 200000; ++i) {
    const float x = i * 1e-4f * 4.f;  // [-80, 80]
    e_exp = std::max(e_exp, std::abs(double(fast_exp(x)) - std::exp(double(x))) / std::exp(double(x)));
    e_erf = std::max(e_erf, std::abs(double(fast_erf(x)) - std::erf(double(x))));
    e_tanh = std::max(e_tanh, std::abs(double(fast_tanh(x)) - std::tanh(double(x))));
    e_sig = std::max(e_sig, std::abs(double(fast_sigmoid(x)) - 1.0 / (1.0 + std::exp(-double(x)))));
  }
  EXPECT_LT(e_exp, 1e-6);
  EXPECT_LT(e_erf, 5e-7);
  EXPECT_LT(e_tanh, 1e-6);
  EXPECT_LT(e_sig, 1e-6);
  EXPECT_EQ(fast_exp(-1000.f) < 1e-30f, true);
  EXPECT_TRUE(std::isfinite(fast_exp(1000.f)));
}
