// Fusion passes: each pattern is built with random constant weights; the
// optimised graph must compute what the unoptimised one does (reference and
// fast kernels), and the fused nodes must be gone.
#include <functional>
#include <limits>
#include <tuple>

#include "engine/model.h"
#include "engine/passes/passes.h"
#include "kernel_test_util.h"

using namespace kt;

namespace {

// The elementwise operators belong to the `onnx` branch; when this test binary
// is built without them, minimal versions are registered here so that the
// unfused graphs can run. They never replace a registered kernel.
void unary(const char* name, std::function<float(const Node&, float)> f) {
  if (OpRegistry::get().find(name)) return;
  OpRegistry::get().add(name).reference = [f](KernelContext& c) {
    const Tensor& x = c.in(0);
    Tensor& y = c.alloc_output(0, DType::Float32, x.shape());
    float lo = -1e30f, hi = 1e30f;
    if (c.has_input(1)) lo = c.in(1).to_f32()[0];
    if (c.has_input(2)) hi = c.in(2).to_f32()[0];
    for (int64_t i = 0; i < x.numel(); ++i) {
      float v = f(c.node, x.data<float>()[i]);
      if (c.node.op == "Clip") v = std::min(std::max(v, lo), hi);
      y.data<float>()[i] = v;
    }
  };
}

void binary(const char* name, std::function<float(float, float)> f) {
  if (OpRegistry::get().find(name)) return;
  OpRegistry::get().add(name).reference = [f](KernelContext& c) {
    const Tensor &a = c.in(0), &b = c.in(1);
    const int r = std::max(a.rank(), b.rank());
    Shape s(r);
    auto dim = [&](const Tensor& t, int i) { return i - (r - t.rank()) >= 0 ? t.shape()[i - (r - t.rank())] : 1; };
    for (int i = 0; i < r; ++i) s[i] = std::max(dim(a, i), dim(b, i));
    Tensor& y = c.alloc_output(0, DType::Float32, s);
    for (int64_t k = 0; k < y.numel(); ++k) {
      int64_t rem = k, ia = 0, ib = 0, sa = 1, sb = 1;
      for (int i = r - 1; i >= 0; --i) {
        int64_t idx = rem % s[i];
        rem /= s[i];
        if (dim(a, i) != 1) ia += idx * sa;
        if (dim(b, i) != 1) ib += idx * sb;
        sa *= dim(a, i);
        sb *= dim(b, i);
      }
      y.data<float>()[k] = f(a.data<float>()[ia], b.data<float>()[ib]);
    }
  };
}

void ensure_elementwise_ops() {
  unary("Relu", [](const Node&, float v) { return v > 0 ? v : 0.f; });
  unary("Clip", [](const Node&, float v) { return v; });
  unary("Sigmoid", [](const Node&, float v) { return 1.f / (1.f + std::exp(-v)); });
  unary("Tanh", [](const Node&, float v) { return std::tanh(v); });
  unary("LeakyRelu", [](const Node& n, float v) { return v >= 0 ? v : n.attrs.f("alpha", 0.01f) * v; });
  unary("HardSigmoid", [](const Node& n, float v) {
    return std::max(0.f, std::min(1.f, n.attrs.f("alpha", 0.2f) * v + n.attrs.f("beta", 0.5f)));
  });
  unary("HardSwish", [](const Node&, float v) { return v * std::max(0.f, std::min(1.f, v / 6 + 0.5f)); });
  binary("Add", [](float a, float b) { return a + b; });
  binary("Mul", [](float a, float b) { return a * b; });
}

struct Builder {
  Graph g;
  uint32_t seed = 100;
  int input(const Shape& s) {
    int x = g.add_value("x");
    g.values[x].has_shape = true;
    g.values[x].shape = s;
    g.inputs.push_back(x);
    return x;
  }
  int constant(const Shape& s, float lo = -1.f, float hi = 1.f) {
    const uint32_t id = seed++;
    return g.add_constant("c" + std::to_string(id), rnd(s, id, lo, hi));
  }
  int node(const std::string& op, std::vector<int> ins, Attrs a = {}) {
    int y = g.add_value(op + "_out");
    g.add_node(op, op + std::to_string(g.nodes.size()), std::move(ins), {y}).attrs = std::move(a);
    return y;
  }
  int conv(int x, int64_t cin, int64_t cout, int64_t k, int64_t group = 1, bool bias = true) {
    Attrs a;
    a.set("pads", std::vector<int64_t>(4, k / 2));
    a.set("group", group);
    std::vector<int> ins{x, constant({cout, cin / group, k, k})};
    if (bias) ins.push_back(constant({cout}));
    return node("Conv", ins, a);
  }
  int bn(int x, int64_t ch) {
    Attrs a;
    a.set("epsilon", 1e-5f);
    return node("BatchNormalization",
                {x, constant({ch}, 0.5f, 1.5f), constant({ch}), constant({ch}), constant({ch}, 0.2f, 2.f)}, a);
  }
};

// Runs the graph unoptimised (reference kernels) and optimised (both kernel
// sets); checks the results agree and returns the optimised graph's op histogram.
std::map<std::string, int> check_fusion(const Graph& g, const Tensor& x) {
  ModelOptions plain;
  plain.optimize = false;
  plain.fast_kernels = false;
  auto want = Model::from_graph(g, plain)->run(std::vector<Tensor>{x});
  ModelOptions opt;
  opt.num_threads = 2;
  std::shared_ptr<Model> fused;
  for (bool fast : {false, true}) {
    opt.fast_kernels = fast;
    fused = Model::from_graph(g, opt);
    auto got = fused->run(std::vector<Tensor>{x});
    EXPECT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size() && i < want.size(); ++i) expect_close(got[i], want[i], 1e-4f, 1e-4f);
    got = fused->run(std::vector<Tensor>{x});  // second run: cached primitives and weights
    expect_close(got[0], want[0], 1e-4f, 1e-4f);
  }
  return fused->graph().op_histogram();
}

}  // namespace

TEST(Fuse, BatchNormIntoConvAndConvTranspose) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 4, 8, 8});
  int y = b.bn(b.conv(x, 4, 8, 3), 8);
  y = b.bn(b.conv(y, 8, 8, 3, 8, false), 8);  // depthwise without bias
  Attrs t;
  t.set("strides", std::vector<int64_t>{2, 2});
  t.set("group", int64_t(2));
  y = b.bn(b.node("ConvTranspose", {y, b.constant({8, 3, 2, 2})}, t), 6);
  b.g.outputs = {y};
  auto h = check_fusion(b.g, rnd({1, 4, 8, 8}, 1));
  EXPECT_EQ(h.count("BatchNormalization"), 0u);
  EXPECT_EQ(h["Conv"], 2);
  EXPECT_EQ(h["ConvTranspose"], 1);
}

TEST(Fuse, BatchNormKeptWhenConvOutputIsShared) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 3, 6, 6});
  int c = b.conv(x, 3, 4, 3);
  int y = b.bn(c, 4);
  b.g.outputs = {y, c};
  auto h = check_fusion(b.g, rnd({1, 3, 6, 6}, 2));
  EXPECT_EQ(h["BatchNormalization"], 1);
}

TEST(Fuse, ActivationsIntoConv) {
  ensure_elementwise_ops();
  struct Case {
    const char* op;
    Attrs attrs;
    bool clip_inputs;
  };
  Attrs leaky, hsig;
  leaky.set("alpha", 0.2f);
  hsig.set("alpha", 0.25f);
  hsig.set("beta", 0.4f);
  std::vector<Case> cases = {{"Relu", {}, false},     {"Clip", {}, true},        {"HardSigmoid", hsig, false},
                             {"HardSwish", {}, false}, {"Sigmoid", {}, false},    {"LeakyRelu", leaky, false},
                             {"Tanh", {}, false}};
  for (auto& k : cases) {
    SCOPED_TRACE(k.op);
    Builder b;
    int x = b.input({1, 6, 7, 9});
    int c = b.bn(b.conv(x, 6, 6, 3), 6);
    std::vector<int> ins{c};
    if (k.clip_inputs) {
      ins.push_back(b.g.add_constant("lo", Tensor::scalar_f32(0.f)));
      ins.push_back(b.g.add_constant("hi", Tensor::scalar_f32(0.5f)));
    }
    int y = b.node(k.op, ins, k.attrs);
    y = b.node(k.op, {b.conv(y, 6, 6, 3, 6)}, k.attrs);  // depthwise; a Clip without bounds
    b.g.outputs = {y};
    auto h = check_fusion(b.g, rnd({1, 6, 7, 9}, 3, -3.f, 3.f));
    EXPECT_EQ(h.count(k.op), 0u);
    EXPECT_EQ(h.size(), 1u) << "only Conv nodes remain";
  }
}

TEST(Fuse, SwishHardSwishAndResidual) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 8, 10, 6});
  // Swish: conv -> Sigmoid -> Mul(conv, sigmoid)
  int c1 = b.conv(x, 8, 8, 1);
  int y1 = b.node("Mul", {b.node("Sigmoid", {c1}), c1});
  // HardSwish as x * HardSigmoid(x, 1/6, 0.5)
  Attrs hs;
  hs.set("alpha", 1.f / 6.f);
  hs.set("beta", 0.5f);
  int c2 = b.conv(y1, 8, 8, 3, 8);
  int y2 = b.node("Mul", {c2, b.node("HardSigmoid", {c2}, hs)});
  // Residual: conv + y1, then Relu (fused as act(conv + R)).
  int c3 = b.bn(b.conv(y2, 8, 8, 1), 8);
  int y3 = b.node("Relu", {b.node("Add", {y1, c3})});
  // Residual with a broadcast operand [1, 8, 1, 1] (like a per-channel bias)
  int y4 = b.node("Add", {b.conv(y3, 8, 8, 3), b.constant({1, 8, 1, 1})});
  b.g.outputs = {y4};
  auto h = check_fusion(b.g, rnd({1, 8, 10, 6}, 4, -2.f, 2.f));
  EXPECT_EQ(h.size(), 1u) << "only Conv nodes remain";
  EXPECT_EQ(h["Conv"], 4);
}

TEST(Fuse, ResidualThatBroadcastsTheConvOutput) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 2, 5, 5});
  int c = b.conv(x, 2, 1, 3);                      // [1, 1, 5, 5]
  int y = b.node("Add", {c, b.constant({1, 4, 5, 5})});  // output grows to [1, 4, 5, 5]
  b.g.outputs = {y};
  check_fusion(b.g, rnd({1, 2, 5, 5}, 5));
}

TEST(Fuse, MatMulBiasAndActivation) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({2, 5, 16});
  int m = b.node("MatMul", {x, b.constant({16, 12})});
  int y = b.node("Relu", {b.node("Add", {m, b.constant({12})})});
  int z = b.node("Add", {b.constant({12}), b.node("MatMul", {y, b.constant({12, 12})})});
  b.g.outputs = {z};
  auto h = check_fusion(b.g, rnd({2, 5, 16}, 6));
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h["MatMul"], 2);
}

TEST(Fuse, GeluBothForms) {
  ensure_elementwise_ops();
  for (const char* op : {"Div", "Erf"})
    if (!OpRegistry::get().find(op)) GTEST_SKIP() << op << " is not registered (onnx branch)";
  for (int form = 0; form < 2; ++form) {
    SCOPED_TRACE(form);
    Builder b;
    int x = b.input({1, 4, 6, 6});
    int y = b.conv(x, 4, 4, 3);
    int d = b.node("Div", {y, b.g.add_constant("sqrt2", Tensor::scalar_f32(1.4142135f))});
    int a = b.node("Add", {b.node("Erf", {d}), b.g.add_constant("one", Tensor::scalar_f32(1.f))});
    int half = b.g.add_constant("half", Tensor::scalar_f32(0.5f));
    int out = form == 0 ? b.node("Mul", {b.node("Mul", {y, a}), half}) : b.node("Mul", {b.node("Mul", {half, y}), a});
    b.g.outputs = {out};
    auto h = check_fusion(b.g, rnd({1, 4, 6, 6}, 7, -3.f, 3.f));
    EXPECT_EQ(h.size(), 1u) << "only the Conv remains";
  }
}

TEST(Fuse, ChannelConstantAddFoldsIntoBias) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 4, 5, 5});
  int y = b.node("Add", {b.conv(x, 4, 6, 3, 1, false), b.constant({1, 6, 1, 1})});  // conv without bias
  Attrs t;
  t.set("strides", std::vector<int64_t>{2, 2});
  int z = b.node("Add", {b.constant({6, 1, 1}), b.node("ConvTranspose", {y, b.constant({6, 6, 2, 2}), b.constant({6})}, t)});
  z = b.node("Relu", {z});
  // Not per-channel: kept as an Add.
  int u = b.node("Add", {b.conv(z, 6, 2, 1), b.constant({1, 1, 10, 1})});
  b.g.outputs = {u};
  auto h = check_fusion(b.g, rnd({1, 4, 5, 5}, 8));
  EXPECT_EQ(h["Conv"], 2);
  EXPECT_EQ(h["ConvTranspose"], 1);
  EXPECT_EQ(h.count("Add"), 0u) << "the last Add becomes the Conv's broadcast residual";
  EXPECT_EQ(h.count("Relu"), 0u);
}

TEST(Fuse, IdentityNodesDoNotBlockFusion) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 3, 6, 6});
  int c = b.node("Identity", {b.bn(b.conv(x, 3, 4, 3), 4)});
  int y = b.node("Identity", {b.node("Relu", {b.node("Identity", {c})})});
  b.g.outputs = {y};
  auto h = check_fusion(b.g, rnd({1, 3, 6, 6}, 9));
  EXPECT_EQ(h["Conv"], 1);
  EXPECT_EQ(h["Identity"], 1) << "the one producing the graph output stays";
  EXPECT_EQ(h.size(), 2u);
}

TEST(Fuse, AffineBlocksAndClipHardSwish) {
  ensure_elementwise_ops();
  if (!OpRegistry::get().find("Div")) GTEST_SKIP() << "Div is not registered (onnx branch)";
  Builder b;
  int x = b.input({1, 4, 6, 7});
  auto scalar = [&](float v) { return b.g.add_constant("s" + std::to_string(b.seed++), Tensor::from_vector<float>({1}, {v})); };
  // PP-OCRv5 "learnable affine block": conv * a + b, HardSwish (HardSigmoid form), then * a2 + b2.
  int c = b.conv(x, 4, 4, 3);
  int y = b.node("Add", {b.node("Mul", {scalar(1.5f), c}), scalar(-0.25f)});
  Attrs hs;
  hs.set("alpha", 1.f / 6.f);
  hs.set("beta", 0.5f);
  y = b.node("Mul", {b.node("HardSigmoid", {y}, hs), y});
  y = b.node("Add", {b.node("Mul", {scalar(0.75f), y}), scalar(0.5f)});
  // PP-OCRv3 HardSwish: Div(Mul(y, Clip(Add(y, 3), 0, 6)), 6), after a per-channel Mul.
  int c2 = b.node("Mul", {b.conv(y, 4, 4, 1), b.constant({1, 4, 1, 1})});
  int cl = b.node("Clip", {b.node("Add", {c2, b.g.add_constant("three", Tensor::scalar_f32(3.f))}),
                           b.g.add_constant("zero", Tensor::scalar_f32(0.f)), b.g.add_constant("six", Tensor::scalar_f32(6.f))});
  int out = b.node("Div", {b.node("Mul", {c2, cl}), b.g.add_constant("six2", Tensor::scalar_f32(6.f))});
  b.g.outputs = {out};
  auto h = check_fusion(b.g, rnd({1, 4, 6, 7}, 10, -4.f, 4.f));
  EXPECT_EQ(h.size(), 1u) << "only Convs remain";
  EXPECT_EQ(h["Conv"], 2);
}

TEST(Fuse, SqueezeExcitationStaysNHWC) {
  ensure_elementwise_ops();
  if (!OpRegistry::get().find("ReduceMean")) GTEST_SKIP() << "ReduceMean is not registered (onnx branch)";
  Builder b;
  int x = b.input({2, 8, 9, 7});
  int y = b.conv(b.conv(x, 8, 8, 1), 8, 8, 3, 8);  // pointwise, depthwise
  Attrs rm;
  rm.set("axes", std::vector<int64_t>{2, 3});
  int s = b.node("ReduceMean", {y}, rm);
  s = b.node("Relu", {b.conv(s, 8, 4, 1)});
  Attrs hs;
  hs.set("alpha", 0.2f);
  hs.set("beta", 0.5f);
  s = b.node("HardSigmoid", {b.conv(s, 4, 8, 1)}, hs);
  int m = b.node("Mul", {y, s});
  int z = b.node("Add", {b.conv(m, 8, 8, 1), m});  // residual from the scaled tensor
  int out = b.node("GlobalAveragePool", {b.conv(z, 8, 8, 3)});
  b.g.outputs = {out, z};
  auto h = check_fusion(b.g, rnd({2, 8, 9, 7}, 11));
  EXPECT_EQ(h["ChannelMul"], 1);
  EXPECT_EQ(h["GlobalAveragePool"], 2);
  EXPECT_EQ(h.count("Mul"), 0u);
  ModelOptions o;
  auto model = Model::from_graph(b.g, o);
  int nhwc = 0;
  for (const Node& n : model->graph().nodes) nhwc += n.attrs.s("y_layout", "") == "NHWC";
  EXPECT_GE(nhwc, 3) << "pointwise -> depthwise -> ChannelMul -> conv chain";
}

// PP-OCRv3's residual SE: Add(X, X * S) becomes one ChannelMul with residual = 1 (Y = X * (S + 1)).
TEST(Fuse, ResidualSqueezeExcitationIsOneChannelMul) {
  ensure_elementwise_ops();
  if (!OpRegistry::get().find("ReduceMean")) GTEST_SKIP() << "ReduceMean is not registered (onnx branch)";
  Builder b;
  int x = b.input({1, 8, 11, 9});
  int y = b.conv(x, 8, 8, 3);
  Attrs rm;
  rm.set("axes", std::vector<int64_t>{2, 3});
  int s = b.node("ReduceMean", {y}, rm);
  s = b.node("Relu", {b.conv(s, 8, 2, 1)});
  Attrs hs;
  hs.set("alpha", 0.2f);
  hs.set("beta", 0.5f);
  s = b.node("HardSigmoid", {b.conv(s, 2, 8, 1)}, hs);
  int z = b.node("Add", {y, b.node("Mul", {y, s})});
  b.g.outputs = {b.conv(z, 8, 4, 3)};
  auto h = check_fusion(b.g, rnd({1, 8, 11, 9}, 21));
  EXPECT_EQ(h["ChannelMul"], 1);
  EXPECT_EQ(h.count("Add"), 0u);
  EXPECT_EQ(h.count("Mul"), 0u);
}

// QDQ models: FakeQuant computes exactly QuantizeLinear -> DequantizeLinear (round half to even, saturation,
// NaN -> 0), and the pass turns activation Q/DQ pairs into it; FakeQuant -> BatchNormalization -> Relu then
// becomes one EltwiseChain, and the tensors between the Convs stay NHWC.
TEST(Fuse, QdqPairsBecomeFakeQuantAndStayNHWC) {
  ensure_elementwise_ops();
  for (const char* op : {"QuantizeLinear", "DequantizeLinear", "FakeQuant", "BatchNormalization"})
    if (!OpRegistry::get().find(op)) GTEST_SKIP() << op << " is not registered (onnx branch)";
  // Kernel: ties, saturation and NaN, against the pair on the reference kernels.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::from_vector<float>({12}, {0.25f, 0.75f, -0.25f, 1.25f, -1.75f, 200.f, -200.f, nan, 0.f, 3.1f, -0.3f, 7.75f});
  Tensor scale = Tensor::scalar_f32(0.5f);
  for (auto [zt, zv, lo, hi] : {std::tuple<DType, int64_t, int64_t, int64_t>{DType::Int8, -3, -128, 127},
                                {DType::UInt8, 128, 0, 255}}) {
    Tensor zp = zt == DType::Int8 ? Tensor::from_vector<int8_t>({}, {static_cast<int8_t>(zv)})
                                  : Tensor::from_vector<uint8_t>({}, {static_cast<uint8_t>(zv)});
    Tensor want = run("DequantizeLinear", {}, {run("QuantizeLinear", {}, {x, scale, zp}, false)[0], scale, zp}, false)[0];
    Attrs a;
    a.set("scale", 0.5f);
    a.set("zero_point", zv);
    a.set("qmin", lo);
    a.set("qmax", hi);
    for (bool fast : {false, true}) {
      Tensor got = run("FakeQuant", a, {x}, fast)[0];
      for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(got.data<float>()[i], want.data<float>()[i]) << i << " fast " << fast;
    }
  }
  // Graph: input Q/DQ -> Conv -> Q/DQ -> BatchNormalization -> Relu -> Conv.
  Builder b;
  int in = b.input({1, 4, 9, 7});
  auto qdq = [&](int v, float sc, int64_t z) {
    int s1 = b.g.add_constant("s" + std::to_string(b.seed), Tensor::scalar_f32(sc));
    int z1 = b.g.add_constant("z" + std::to_string(b.seed++), Tensor::from_vector<uint8_t>({}, {static_cast<uint8_t>(z)}));
    return b.node("DequantizeLinear", {b.node("QuantizeLinear", {v, s1, z1}), s1, z1});
  };
  int y = b.node("Relu", {b.bn(qdq(b.conv(qdq(in, 0.02f, 128), 4, 8, 3), 0.05f, 100), 8)});
  b.g.outputs = {b.conv(y, 8, 4, 1)};
  const Tensor xin = rnd({1, 4, 9, 7}, 4);
  ModelOptions plain;
  plain.optimize = false;
  plain.fast_kernels = false;
  Tensor want = Model::from_graph(b.g, plain)->run(std::vector<Tensor>{xin})[0];
  ModelOptions o;
  auto model = Model::from_graph(b.g, o);
  Tensor got = model->run(std::vector<Tensor>{xin})[0];
  ASSERT_EQ(got.shape(), want.shape());
  // A Conv output within 1e-6 of a quantisation boundary may land in the next step (0.05) when the Conv
  // kernels differ in the last bits: nearly every value agrees to 1e-4, none by more than a few steps.
  int close = 0;
  for (int64_t i = 0; i < got.numel(); ++i) {
    const float d = std::fabs(got.data<float>()[i] - want.data<float>()[i]);
    close += d <= 1e-4f;
    EXPECT_LE(d, 0.5f) << i;
  }
  EXPECT_GE(close, got.numel() * 97 / 100);
  std::map<std::string, int> ops, nhwc;
  for (const Node& n : model->graph().nodes) {
    ++ops[n.op];
    nhwc[n.op] += n.attrs.s("layout", "") == "NHWC" || n.attrs.s("x_layout", "") == "NHWC";
  }
  EXPECT_EQ(ops["FakeQuant"], 1);     // the input's
  EXPECT_EQ(ops["EltwiseChain"], 1);  // FakeQuant -> BatchNormalization -> Relu between the Convs
  EXPECT_EQ(ops.count("QuantizeLinear") + ops.count("DequantizeLinear") + ops.count("BatchNormalization"), 0u);
  EXPECT_EQ(nhwc["EltwiseChain"], 1);
  EXPECT_EQ(nhwc["Conv"], 1);  // the second Conv reads NHWC
}

// A run of elementwise nodes after a Conv (per-channel Add, scalar Mul, exported HardSwish = y * HardSigmoid(y),
// Clip, scalar Sub, Sigmoid) becomes one EltwiseChain that stays NHWC between the Convs; same answers as the
// unoptimised graph with both kernel sets.
TEST(Fuse, ElementwiseRunsBecomeOneChain) {
  ensure_elementwise_ops();
  for (const char* op : {"EltwiseChain", "Clip", "Sub"})
    if (!OpRegistry::get().find(op)) GTEST_SKIP() << op << " is not registered (onnx branch)";
  Builder b;
  int x = b.input({2, 6, 9, 11});
  int y = b.conv(x, 6, 8, 3, 1, false);
  y = b.node("Relu", {y});  // fused into the Conv; the chain starts after it
  y = b.node("Add", {b.constant({1, 8, 1, 1}), y});
  y = b.node("Mul", {y, b.g.add_constant("half", Tensor::scalar_f32(0.5f))});
  Attrs hs;
  hs.set("alpha", 1.f / 6);
  hs.set("beta", 0.5f);
  y = b.node("Mul", {b.node("HardSigmoid", {y}, hs), y});
  y = b.node("Clip", {y, b.g.add_constant("lo", Tensor::scalar_f32(-0.4f)), b.g.add_constant("hi", Tensor::scalar_f32(2.f))});
  y = b.node("Sigmoid", {b.node("Sub", {y, b.g.add_constant("third", Tensor::scalar_f32(0.3f))})});
  b.g.outputs = {b.conv(y, 8, 3, 1)};
  auto h = check_fusion(b.g, rnd({2, 6, 9, 11}, 31));
  EXPECT_EQ(h["EltwiseChain"], 1);
  EXPECT_EQ(h.count("Add") + h.count("Mul") + h.count("Sub") + h.count("HardSigmoid") + h.count("Clip"), 0u);
  ModelOptions o;
  auto model = Model::from_graph(b.g, o);
  int nhwc = 0;
  for (const Node& n : model->graph().nodes) nhwc += n.attrs.s("layout", "") == "NHWC";
  EXPECT_EQ(nhwc, 1);
}

// NHWC flows through "pass-through" nodes (Concat on channels, MaxPool, Resize, Cast, elementwise Add) when
// every producer and reader of their tensors can take it, as in PP-HGNet's stem (MaxPool + Concat) and a DB
// neck (Resize + Add + Concat): same answers as the unoptimised graph, and those nodes run in NHWC.
TEST(Fuse, StemAndNeckStayNHWCThroughPoolConcatResizeAdd) {
  ensure_elementwise_ops();
  for (const char* op : {"MaxPool", "Concat", "Resize", "Cast"})
    if (!OpRegistry::get().find(op)) GTEST_SKIP() << op << " is not registered (onnx branch)";
  Builder b;
  int x = b.input({1, 3, 20, 18});
  int a = b.node("Relu", {b.conv(x, 3, 8, 3)});
  Attrs mp;  // PP-HGNet stem pool: 2x2, stride 1, padded right/bottom
  mp.set("kernel_shape", std::vector<int64_t>{2, 2});
  mp.set("strides", std::vector<int64_t>{1, 1});
  mp.set("pads", std::vector<int64_t>{0, 0, 1, 1});
  int p = b.node("MaxPool", {a}, mp);
  Attrs cat;
  cat.set("axis", int64_t{1});
  int c = b.node("Concat", {p, b.conv(a, 8, 8, 3)}, cat);
  Attrs down;
  down.set("kernel_shape", std::vector<int64_t>{2, 2});
  down.set("strides", std::vector<int64_t>{2, 2});
  int r = b.conv(b.node("MaxPool", {c}, down), 16, 8, 3);  // [1,8,10,9]
  const int roi = b.g.add_constant("roi", Tensor(DType::Float32, {0}));
  const int scales = b.g.add_constant("scales", Tensor::from_vector<float>({4}, {1.f, 1.f, 2.f, 2.f}));
  Attrs nearest, linear, cast;
  nearest.set("mode", std::string("nearest"));
  nearest.set("coordinate_transformation_mode", std::string("asymmetric"));
  nearest.set("nearest_mode", std::string("floor"));
  linear.set("mode", std::string("linear"));
  cast.set("to", int64_t{1});
  int up = b.node("Cast", {b.node("Resize", {b.node("Cast", {r}, cast), roi, scales}, nearest)}, cast);
  int up2 = b.node("Resize", {r, roi, scales}, linear);
  int e = b.node("Add", {up, b.node("Relu", {b.conv(a, 8, 8, 1)})});  // not a residual: the Conv has an activation
  int out = b.conv(b.node("Concat", {e, up2}, cat), 16, 4, 3);
  b.g.outputs = {out};
  check_fusion(b.g, rnd({1, 3, 20, 18}, 5));
  ModelOptions o;
  auto model = Model::from_graph(b.g, o);
  std::map<std::string, int> nhwc;
  for (const Node& n : model->graph().nodes) nhwc[n.op] += n.attrs.s("layout", "") == "NHWC";
  EXPECT_EQ(nhwc["MaxPool"], 1);  // the stem's pool is computed inside its Concat
  EXPECT_EQ(nhwc["Concat"], 2);
  int pooled = 0;
  for (const Node& n : model->graph().nodes) pooled += n.op == "Concat" && n.attrs.i("pool_input", -1) == 0;
  EXPECT_EQ(pooled, 1);
  EXPECT_EQ(nhwc["Resize"], 2);
  EXPECT_EQ(nhwc["Cast"], 2);
  EXPECT_EQ(nhwc["Add"], 1);
}

// A DB head: Conv -> ConvTranspose (kernel = stride 2) + Relu -> ConvTranspose + Sigmoid. The up-sampling
// ConvTransposes read NHWC and run as chunked matmuls + scatter (2257 input pixels: chunks of 1024 or 2048, 128, 64,
// 16 and a padded tail); the first also writes NHWC. Same answers as the unoptimised graph.
TEST(Fuse, UpsamplingConvTransposeRunsNHWC) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 4, 37, 61});
  int h = b.node("Relu", {b.conv(x, 4, 12, 3)});
  Attrs up;
  up.set("strides", std::vector<int64_t>{2, 2});
  int d1 = b.node("Relu", {b.node("ConvTranspose", {h, b.constant({12, 6, 2, 2}), b.constant({6})}, up)});
  int d2 = b.node("Sigmoid", {b.node("ConvTranspose", {d1, b.constant({6, 1, 2, 2}), b.constant({1})}, up)});
  b.g.outputs = {d2};
  check_fusion(b.g, rnd({1, 4, 37, 61}, 9));
  ModelOptions o;
  auto model = Model::from_graph(b.g, o);
  int x_nhwc = 0, y_nhwc = 0;
  for (const Node& n : model->graph().nodes)
    if (n.op == "ConvTranspose") {
      x_nhwc += n.attrs.s("x_layout", "") == "NHWC";
      y_nhwc += n.attrs.s("y_layout", "") == "NHWC";
    }
  EXPECT_EQ(x_nhwc, 2);
  EXPECT_EQ(y_nhwc, 1);  // the last one writes the graph output: NCHW
}

// Convolutions of NHWC outputs run as chunks of rows with one primitive per chunk size (pointwise ones
// directly, small stems on gathered patches): the same answers as the reference kernels on an unoptimised
// graph, for many input shapes in one model (row counts below, between and above the chunk sizes), with a
// residual, on the same cached primitives.
TEST(Fuse, ConvRowsMatchReferenceAcrossShapes) {
  ensure_elementwise_ops();
  Builder b;
  int x = b.input({1, 3, -1, -1});
  Attrs stem;
  stem.set("pads", std::vector<int64_t>{1, 1, 1, 1});
  stem.set("strides", std::vector<int64_t>{2, 2});
  int y = b.node("Relu", {b.node("Conv", {x, b.constant({8, 3, 3, 3}), b.constant({8})}, stem)});
  y = b.node("Relu", {b.conv(y, 8, 24, 1)});
  y = b.conv(y, 24, 24, 3, 24);                           // depthwise
  y = b.node("Add", {b.conv(y, 24, 24, 1), y});           // pointwise + residual
  Attrs dil;
  dil.set("pads", std::vector<int64_t>{2, 2, 2, 2});
  dil.set("dilations", std::vector<int64_t>{2, 2});
  y = b.node("Conv", {y, b.constant({16, 24, 3, 3})}, dil);  // 216 inputs per output: patches, no bias
  b.g.outputs = {b.conv(y, 16, 8, 1)};
  ModelOptions plain;
  plain.optimize = false;
  plain.fast_kernels = false;
  auto ref = Model::from_graph(b.g, plain);
  ModelOptions o;
  o.num_threads = 2;
  auto fast = Model::from_graph(b.g, o);
  int nhwc = 0;
  for (const Node& n : fast->graph().nodes) nhwc += n.attrs.s("y_layout", "") == "NHWC";
  EXPECT_GE(nhwc, 3);
  for (int64_t w : {40, 6, 58, 300, 41, 1400, 40}) {  // 3x3 to 24x700 output rows; a shape seen before last
    for (int64_t h : {12, 48}) {
      Tensor in = rnd({1, 3, h, w}, static_cast<uint32_t>(h * 1000 + w));
      auto want = ref->run(std::vector<Tensor>{in});
      auto got = fast->run(std::vector<Tensor>{in});
      SCOPED_TRACE("input 1x3x" + std::to_string(h) + "x" + std::to_string(w));
      expect_close(got[0], want[0], 1e-3f, 1e-3f);  // sums of up to 216 products of values ~1: fp32 order
    }
  }
  // More shapes cycling than a small cache holds (a server seeing many page sizes): shapes whose own
  // primitives keep being evicted fall back to the chunks; the answers stay the same on every pass.
  ModelOptions small = o;
  small.cache_capacity = 24;
  auto cycling = Model::from_graph(b.g, small);
  for (int pass = 0; pass < 5; ++pass)
    for (int64_t w : {40, 58, 41, 77}) {
      Tensor in = rnd({1, 3, 20, w}, static_cast<uint32_t>(w));
      SCOPED_TRACE("cycling pass " + std::to_string(pass) + ", width " + std::to_string(w));
      expect_close(cycling->run(std::vector<Tensor>{in})[0], ref->run(std::vector<Tensor>{in})[0], 1e-3f, 1e-3f);
    }
}
