// Conv / ConvTranspose: known answers (ONNX operator examples), shape rules,
// fast (oneDNN) vs reference on many configurations, fused epilogues, errors.
#include "kernel_test_util.h"

using namespace kt;

namespace {

Attrs conv_attrs(std::vector<int64_t> pads, std::vector<int64_t> strides = {1, 1}, int64_t group = 1,
                 std::vector<int64_t> dil = {1, 1}) {
  Attrs a;
  a.set("pads", pads);
  a.set("strides", strides);
  a.set("group", group);
  a.set("dilations", dil);
  return a;
}

Tensor ones(const Shape& s) {
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = 1.f;
  return t;
}

}  // namespace

TEST(Conv, OnnxExamplesBothKernels) {
  Tensor x = iota({1, 1, 5, 5}), w = ones({1, 1, 3, 3});
  for (bool fast : {false, true}) {
    auto y = run("Conv", conv_attrs({1, 1, 1, 1}), {x, w}, fast)[0];
    expect_close(y, Tensor::from_vector<float>({1, 1, 5, 5}, {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108,
                                                               117, 81, 93, 144, 153, 162, 111, 72, 111, 117, 123, 84}));
    y = run("Conv", conv_attrs({0, 0, 0, 0}), {x, w}, fast)[0];
    expect_close(y, Tensor::from_vector<float>({1, 1, 3, 3}, {54, 63, 72, 99, 108, 117, 144, 153, 162}));
    y = run("Conv", conv_attrs({1, 1, 1, 1}, {2, 2}), {x, w}, fast)[0];
    expect_close(y, Tensor::from_vector<float>({1, 1, 3, 3}, {12, 27, 24, 63, 108, 81, 72, 117, 84}));
  }
}

TEST(Conv, AutoPadShapes) {
  Tensor x = rnd({1, 2, 7, 6}, 1), w = rnd({4, 2, 3, 3}, 2);
  for (const char* mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    Attrs a;
    a.set("auto_pad", std::string(mode));
    a.set("strides", std::vector<int64_t>{2, 2});
    auto y = run("Conv", a, {x, w}, false)[0];
    if (std::string(mode) == "VALID") EXPECT_EQ(y.shape(), (Shape{1, 4, 3, 2}));
    else EXPECT_EQ(y.shape(), (Shape{1, 4, 4, 3}));
    check_fast_vs_ref("Conv", a, {x, w});
  }
  // SAME_UPPER vs SAME_LOWER put the odd padding at different ends: compare with explicit pads.
  Tensor x2 = rnd({1, 1, 6, 6}, 3), w2 = rnd({1, 1, 2, 2}, 4);
  Attrs up;
  up.set("auto_pad", std::string("SAME_UPPER"));
  Attrs lo;
  lo.set("auto_pad", std::string("SAME_LOWER"));
  expect_close(run("Conv", up, {x2, w2}, false)[0], run("Conv", conv_attrs({0, 0, 1, 1}), {x2, w2}, false)[0]);
  expect_close(run("Conv", lo, {x2, w2}, false)[0], run("Conv", conv_attrs({1, 1, 0, 0}), {x2, w2}, false)[0]);
}

struct ConvCase {
  Shape x, w;
  std::vector<int64_t> pads, strides, dil;
  int64_t group;
  bool bias;
};

TEST(Conv, FastMatchesReference) {
  std::vector<ConvCase> cases = {
      {{1, 3, 17, 13}, {8, 3, 3, 3}, {1, 1, 1, 1}, {2, 2}, {1, 1}, 1, true},        // stem
      {{2, 16, 9, 11}, {16, 1, 3, 3}, {1, 1, 1, 1}, {1, 1}, {1, 1}, 16, true},      // depthwise
      {{1, 32, 8, 8}, {32, 1, 5, 5}, {2, 2, 2, 2}, {2, 2}, {1, 1}, 32, false},      // depthwise 5x5 s2
      {{1, 24, 10, 7}, {40, 24, 1, 1}, {0, 0, 0, 0}, {1, 1}, {1, 1}, 1, true},      // pointwise
      {{1, 8, 12, 12}, {8, 4, 3, 3}, {2, 2, 2, 2}, {1, 1}, {2, 2}, 2, true},        // grouped, dilated
      {{1, 6, 11, 9}, {4, 6, 3, 2}, {0, 1, 2, 0}, {3, 2}, {1, 1}, 1, true},         // asymmetric pads
      {{1, 4, 6, 40}, {12, 4, 1, 3}, {0, 1, 0, 1}, {1, 1}, {1, 1}, 1, true},        // 1xk
  };
  uint32_t seed = 10;
  for (auto& k : cases) {
    Attrs a = conv_attrs(k.pads, k.strides, k.group, k.dil);
    std::vector<Tensor> ins{rnd(k.x, seed++), rnd(k.w, seed++)};
    if (k.bias) ins.push_back(rnd({k.w[0]}, seed++));
    SCOPED_TRACE(shape_str(k.x) + " w " + shape_str(k.w));
    check_fast_vs_ref("Conv", a, ins);
  }
}

TEST(Conv, OneAndThreeSpatialDims) {
  Attrs a1;
  a1.set("pads", std::vector<int64_t>{1, 2});
  a1.set("strides", std::vector<int64_t>{2});
  Tensor x1 = rnd({2, 3, 20}, 1), w1 = rnd({5, 3, 4}, 2);
  auto y1 = run("Conv", a1, {x1, w1}, false)[0];
  EXPECT_EQ(y1.shape(), (Shape{2, 5, 10}));
  check_fast_vs_ref("Conv", a1, {x1, w1});
  Attrs a3;
  a3.set("pads", std::vector<int64_t>{1, 1, 1, 1, 1, 1});
  Tensor x3 = rnd({1, 2, 4, 5, 6}, 3), w3 = rnd({3, 2, 3, 3, 3}, 4);
  EXPECT_EQ(run("Conv", a3, {x3, w3}, false)[0].shape(), (Shape{1, 3, 4, 5, 6}));
  check_fast_vs_ref("Conv", a3, {x3, w3});
}

TEST(Conv, FusedEpilogues) {
  Tensor x = rnd({1, 8, 9, 9}, 5), w = rnd({8, 8, 3, 3}, 6), b = rnd({8}, 7), r = rnd({1, 8, 9, 9}, 8);
  Attrs base = conv_attrs({1, 1, 1, 1});
  auto plain = run("Conv", base, {x, w, b}, false)[0];
  struct Act {
    const char* name;
    float alpha, beta;
    float (*f)(float, float, float);
  };
  std::vector<Act> acts = {
      {"Relu", 0, 0, [](float v, float, float) { return v > 0 ? v : 0.f; }},
      {"Clip", 0, 6, [](float v, float a, float b) { return std::min(std::max(v, a), b); }},
      {"HardSigmoid", 0.2f, 0.5f, [](float v, float a, float b) { return std::max(0.f, std::min(1.f, a * v + b)); }},
      {"HardSwish", 0, 0, [](float v, float, float) { return v * std::max(0.f, std::min(1.f, v / 6 + 0.5f)); }},
      {"Sigmoid", 0, 0, [](float v, float, float) { return 1.f / (1.f + std::exp(-v)); }},
      {"LeakyRelu", 0.1f, 0, [](float v, float a, float) { return v >= 0 ? v : a * v; }},
      {"Tanh", 0, 0, [](float v, float, float) { return std::tanh(v); }},
      {"Swish", 0, 0, [](float v, float, float) { return v / (1.f + std::exp(-v)); }},
  };
  for (bool residual : {false, true}) {
    for (auto& act : acts) {
      SCOPED_TRACE(std::string(act.name) + (residual ? " + residual" : ""));
      Attrs a = base;
      a.set("activation", std::string(act.name));
      a.set("activation_alpha", act.alpha);
      a.set("activation_beta", act.beta);
      std::vector<Tensor> ins{x, w, b};
      if (residual) ins.push_back(r);
      Tensor want(DType::Float32, plain.shape());
      for (int64_t i = 0; i < want.numel(); ++i)
        want.data<float>()[i] =
            act.f(plain.data<float>()[i] + (residual ? r.data<float>()[i] : 0.f), act.alpha, act.beta);
      expect_close(run("Conv", a, ins, false)[0], want, 1e-5f, 1e-5f);
      expect_close(run("Conv", a, ins, true)[0], want, 1e-4f, 1e-4f);
    }
  }
}

TEST(Conv, Float16Inputs) {
  Tensor x = rnd({1, 4, 6, 6}, 1), w = rnd({4, 4, 3, 3}, 2);
  Attrs a = conv_attrs({1, 1, 1, 1});
  for (bool fast : {false, true}) {
    auto y = run("Conv", a, {x.cast(DType::Float16), w.cast(DType::Float16)}, fast)[0];
    EXPECT_EQ(y.dtype(), DType::Float16);
    expect_close(y.cast(DType::Float32), run("Conv", a, {x, w}, false)[0], 2e-2f, 2e-2f);
  }
}

TEST(Conv, BadShapesAreErrors) {
  Tensor x = rnd({1, 4, 6, 6}, 1);
  Attrs a;
  for (bool fast : {false, true}) {
    EXPECT_THROW(run("Conv", a, {x, rnd({4, 3, 3, 3}, 2)}, fast), ppocr::Error);          // channels
    EXPECT_THROW(run("Conv", a, {x, rnd({4, 4, 3}, 2)}, fast), ppocr::Error);             // rank
    EXPECT_THROW(run("Conv", a, {x, rnd({4, 4, 9, 9}, 2)}, fast), ppocr::Error);          // kernel too big
    EXPECT_THROW(run("Conv", a, {x, rnd({4, 4, 3, 3}, 2), rnd({3}, 3)}, fast), ppocr::Error);  // bias
    Attrs g;
    g.set("group", int64_t(3));
    EXPECT_THROW(run("Conv", g, {x, rnd({3, 1, 3, 3}, 2)}, fast), ppocr::Error);
    Attrs p;
    p.set("pads", std::vector<int64_t>{1, 1});
    EXPECT_THROW(run("Conv", p, {x, rnd({4, 4, 3, 3}, 2)}, fast), ppocr::Error);
    Attrs act;
    act.set("activation", std::string("Gelu9"));
    EXPECT_THROW(run("Conv", act, {x, rnd({4, 4, 3, 3}, 2)}, fast), ppocr::Error);
    EXPECT_THROW(run("Conv", a, {x, rnd({4, 4, 3, 3}, 2), Tensor(), rnd({1, 4, 5, 5}, 3)}, fast), ppocr::Error);
  }
}

TEST(ConvTranspose, OnnxExampleBothKernels) {
  Tensor x = iota({1, 1, 3, 3}), w = ones({1, 2, 3, 3});
  std::vector<float> ch = {0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8};
  std::vector<float> want = ch;
  want.insert(want.end(), ch.begin(), ch.end());
  for (bool fast : {false, true}) expect_close(run("ConvTranspose", {}, {x, w}, fast)[0], Tensor::from_vector<float>({1, 2, 5, 5}, want));
}

TEST(ConvTranspose, ShapesAndFastMatchesReference) {
  Tensor x = rnd({1, 8, 5, 7}, 1), w = rnd({8, 4, 2, 2}, 2), b = rnd({4}, 3);
  Attrs s2;
  s2.set("strides", std::vector<int64_t>{2, 2});
  EXPECT_EQ(run("ConvTranspose", s2, {x, w, b}, false)[0].shape(), (Shape{1, 4, 10, 14}));
  check_fast_vs_ref("ConvTranspose", s2, {x, w, b});
  // output_padding + pads + dilation
  Attrs a;
  a.set("strides", std::vector<int64_t>{3, 2});
  a.set("pads", std::vector<int64_t>{1, 0, 1, 1});
  a.set("output_padding", std::vector<int64_t>{1, 1});
  Tensor w3 = rnd({8, 3, 3, 3}, 4);
  auto y = run("ConvTranspose", a, {x, w3}, false)[0];
  EXPECT_EQ(y.shape(), (Shape{1, 3, 3 * 4 + 1 + 3 - 2, 2 * 6 + 1 + 3 - 1}));
  check_fast_vs_ref("ConvTranspose", a, {x, w3});
  // output_shape decides the padding
  Attrs o;
  o.set("strides", std::vector<int64_t>{2, 2});
  o.set("output_shape", std::vector<int64_t>{10, 15});
  EXPECT_EQ(run("ConvTranspose", o, {x, w3}, false)[0].shape(), (Shape{1, 3, 10, 15}));
  check_fast_vs_ref("ConvTranspose", o, {x, w3});
  // groups + fused activation
  Attrs g;
  g.set("group", int64_t(2));
  g.set("strides", std::vector<int64_t>{2, 2});
  g.set("activation", std::string("Relu"));
  Tensor wg = rnd({8, 3, 4, 4}, 5);
  EXPECT_EQ(run("ConvTranspose", g, {x, wg}, false)[0].shape(), (Shape{1, 6, 12, 16}));
  check_fast_vs_ref("ConvTranspose", g, {x, wg});
}

TEST(ConvTranspose, BadShapesAreErrors) {
  Tensor x = rnd({1, 8, 5, 7}, 1);
  for (bool fast : {false, true}) {
    EXPECT_THROW(run("ConvTranspose", {}, {x, rnd({4, 4, 2, 2}, 2)}, fast), ppocr::Error);
    Attrs op;
    op.set("output_padding", std::vector<int64_t>{1, 1});  // must be < stride
    EXPECT_THROW(run("ConvTranspose", op, {x, rnd({8, 4, 2, 2}, 2)}, fast), ppocr::Error);
  }
}

TEST(ConvTranspose, DepthwiseKernelEqualsStride) {
  Tensor x = rnd({2, 6, 5, 7}, 11), w = rnd({6, 1, 2, 3}, 12), b = rnd({6}, 13);
  Attrs a;
  a.set("group", int64_t(6));
  a.set("strides", std::vector<int64_t>{2, 3});
  EXPECT_EQ(run("ConvTranspose", a, {x, w, b}, false)[0].shape(), (Shape{2, 6, 10, 21}));
  check_fast_vs_ref("ConvTranspose", a, {x, w, b});
  a.set("activation", std::string("Sigmoid"));
  check_fast_vs_ref("ConvTranspose", a, {x, w});
}

TEST(ConvTranspose, FewOutputChannelsKernelEqualsStride) {
  Tensor x = rnd({1, 16, 6, 5}, 14), w = rnd({16, 1, 2, 2}, 15), b = rnd({1}, 16);
  Attrs a;
  a.set("strides", std::vector<int64_t>{2, 2});
  a.set("activation", std::string("Sigmoid"));
  check_fast_vs_ref("ConvTranspose", a, {x, w, b});
  Attrs g;
  g.set("strides", std::vector<int64_t>{2, 2});
  g.set("group", int64_t(2));
  check_fast_vs_ref("ConvTranspose", g, {x, rnd({16, 3, 2, 2}, 17), rnd({6}, 18)});
}

TEST(ConvTranspose, GemmPathKernelEqualsStride) {
  Tensor x = rnd({2, 24, 7, 5}, 19), w = rnd({24, 20, 2, 3}, 20), b = rnd({20}, 21);
  Attrs a;
  a.set("strides", std::vector<int64_t>{2, 3});
  a.set("activation", std::string("Relu"));
  EXPECT_EQ(run("ConvTranspose", a, {x, w, b}, true)[0].shape(), (Shape{2, 20, 14, 15}));
  check_fast_vs_ref("ConvTranspose", a, {x, w, b});
}
