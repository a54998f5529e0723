// Small hand-written ncnn models, one or two layers each, checked against
// values worked out by hand or by direct loops written from ncnn's documented
// semantics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <random>

#include "common/shared.h"
#include "engine/error.h"
#include "engine/model.h"
#include "engine/tensor.h"
#include "formats/importers.h"

using ppocr::engine::Shape;
using ppocr::engine::Tensor;

namespace {

struct Bin {
  std::vector<uint8_t> bytes;
  Bin& raw(const std::vector<float>& v) {  // type 1 (no tag)
    for (float f : v) {
      uint8_t b[4];
      std::memcpy(b, &f, 4);
      bytes.insert(bytes.end(), b, b + 4);
    }
    return *this;
  }
  Bin& tagged(const std::vector<float>& v) {  // type 0, fp32 tag
    raw({0.f});
    return raw(v);
  }
  Bin& int8(const std::vector<int8_t>& v) {
    uint32_t tag = 0x000D4B38;
    uint8_t t[4];
    std::memcpy(t, &tag, 4);
    bytes.insert(bytes.end(), t, t + 4);
    for (int8_t x : v) bytes.push_back(static_cast<uint8_t>(x));
    while (bytes.size() % 4) bytes.push_back(0);
    return *this;
  }
};

std::vector<Tensor> run(const std::string& layers, const Bin& bin, const std::vector<Tensor>& inputs) {
  // Header counts: layer lines, and a generous blob count.
  int n = 0;
  for (char c : layers) n += c == '\n';
  std::string dir = ppocr::test::temp_dir("ncnn_layers");
  std::string param = dir + "/m.param", weights = dir + "/m.bin";
  std::ofstream(param) << "7767517\n" << n << " 64\n" << layers;
  std::ofstream(weights, std::ios::binary)
      .write(reinterpret_cast<const char*>(bin.bytes.data()), static_cast<std::streamsize>(bin.bytes.size()));
  auto m = ppocr::engine::Model::from_graph(ppocr::formats::import_ncnn(param, weights));
  return m->run(inputs);
}

Tensor iota(Shape s, float start = 0.f, float step = 1.f) {
  Tensor t(ppocr::engine::DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = start + step * float(i);
  return t;
}

Tensor random(Shape s, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  Tensor t(ppocr::engine::DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

std::vector<float> values(const Tensor& t) { return std::vector<float>(t.data<float>(), t.data<float>() + t.numel()); }

void expect_near(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

}  // namespace

TEST(NcnnLayers, PermuteOrderTypes) {
  Tensor x = iota({1, 2, 3, 4});  // c=2, h=3, w=4
  // 1 = HWC: swap h and w in each channel.
  Tensor y = run("Input in 0 1 x 0=4 1=3 2=2\nPermute p 1 1 x y 0=1\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 2, 4, 3}));
  EXPECT_EQ(y.data<float>()[1 * 12 + 2 * 3 + 1], x.data<float>()[1 * 12 + 1 * 4 + 2]);
  // 5 = CHW: out (c=w, h=h, w=c): out[a][b][c] = in[c][b][a].
  y = run("Input in 0 1 x 0=4 1=3 2=2\nPermute p 1 1 x y 0=5\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 4, 3, 2}));
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 3; ++b)
      for (int c = 0; c < 2; ++c) EXPECT_EQ(y.data<float>()[(a * 3 + b) * 2 + c], x.data<float>()[(c * 3 + b) * 4 + a]);
  // 4 = HCW: out w = in h, out h = in c, out c = in w: out[a][b][c] = in[b][c][a].
  y = run("Input in 0 1 x 0=4 1=3 2=2\nPermute p 1 1 x y 0=4\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 4, 2, 3}));
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c) EXPECT_EQ(y.data<float>()[(a * 2 + b) * 3 + c], x.data<float>()[(b * 3 + c) * 4 + a]);
}

TEST(NcnnLayers, BinaryOpBroadcastingAndScalar) {
  Tensor a = iota({1, 2, 3, 4});  // c=2,h=3,w=4
  // 2-D (h=2, w=3) into 3-D lines up with (c, h): b[c][h] added along w.
  Tensor b2 = iota({1, 2, 3}, 100.f, 100.f);
  Tensor y = run("Input a 0 1 a 0=4 1=3 2=2\nInput b 0 1 b 0=3 1=2\nBinaryOp add 2 1 a b y 0=0\n", {}, {a, b2})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 2, 3, 4}));
  for (int c = 0; c < 2; ++c)
    for (int h = 0; h < 3; ++h)
      for (int w = 0; w < 4; ++w)
        EXPECT_EQ(y.data<float>()[(c * 3 + h) * 4 + w], a.data<float>()[(c * 3 + h) * 4 + w] + 100.f * (c * 3 + h + 1));
  // 1-D of length c: per channel. 1-D of length w: per column.
  Tensor bc = iota({1, 2}, 10.f, 10.f);
  y = run("Input a 0 1 a 0=4 1=3 2=2\nInput b 0 1 b 0=2\nBinaryOp mul 2 1 a b y 0=2\n", {}, {a, bc})[0];
  EXPECT_EQ(y.data<float>()[13], a.data<float>()[13] * 20.f);
  Tensor bw = iota({1, 4}, 1.f);
  y = run("Input a 0 1 a 0=4 1=3 2=2\nInput b 0 1 b 0=4\nBinaryOp sub 2 1 b a y 0=1\n", {}, {a, bw})[0];
  EXPECT_EQ(y.data<float>()[13], 2.f - a.data<float>()[13]);  // b - a, w index 1
  // Scalar forms: RSUB (b - x), RDIV (b / x), POW.
  y = run("Input a 0 1 a\nBinaryOp r 1 1 a y 0=7 1=1 2=10.0\n", {}, {a})[0];
  EXPECT_EQ(y.data<float>()[5], 10.f - 5.f);
  y = run("Input a 0 1 a\nBinaryOp r 1 1 a y 0=8 1=1 2=10.0\n", {}, {a})[0];
  EXPECT_FLOAT_EQ(y.data<float>()[5], 2.f);
  y = run("Input a 0 1 a\nBinaryOp r 1 1 a y 0=6 1=1 2=2.0\n", {}, {a})[0];
  EXPECT_FLOAT_EQ(y.data<float>()[5], 25.f);
}

TEST(NcnnLayers, ReshapeFlattenSqueezeExpand) {
  Tensor x = iota({2, 2, 3, 4});
  Tensor y = run("Input in 0 1 x\nReshape r 1 1 x y 0=-1 1=6\n", {}, {x})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 6, 4}));
  EXPECT_EQ(values(y), values(x));
  y = run("Input in 0 1 x\nFlatten f 1 1 x y\n", {}, {x})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 24}));
  // Same-rank 0 copies the dim.
  y = run("Input in 0 1 x\nReshape r 1 1 x y 0=2 1=0 2=-1\n", {}, {x})[0];
  EXPECT_EQ(y.shape(), (Shape{2, 4, 3, 2}));
  Tensor z = iota({1, 5, 1, 7});
  y = run("Input in 0 1 x\nSqueeze s 1 1 x y -23303=1,1\nExpandDims e 1 1 y z -23303=1,0\n", {}, {z})[0];
  EXPECT_EQ(y.shape(), (Shape{1, 1, 5, 7}));
  EXPECT_EQ(values(y), values(z));
}

TEST(NcnnLayers, SliceConcatCropPadding) {
  Tensor x = iota({1, 3, 2, 2});
  auto outs = run("Input in 0 1 x\nSlice s 1 2 x a b -23300=2,1,-233 1=0\n", {}, {x});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(outs[0].shape(), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(outs[1].shape(), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(outs[1].data<float>()[0], 4.f);
  Tensor y = run("Input in 0 1 x\nSplit sp 1 2 x a b\nConcat c 2 1 a b y 0=1\n", {}, {x})[0];
  EXPECT_EQ(y.shape(), (Shape{1, 3, 4, 2}));
  EXPECT_EQ(y.data<float>()[4], 0.f);  // second copy of channel 0 starts at row 2
  y = run("Input in 0 1 x\nCrop c 1 1 x y -23309=1,1 -23310=1,3 -23311=1,0\n", {}, {x})[0];
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
  EXPECT_EQ(y.data<float>()[0], 4.f);
  y = run("Input in 0 1 x\nPadding p 1 1 x y 0=1 1=0 2=2 3=1 4=0 5=-1.5\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 3, 3, 5}));
  EXPECT_EQ(y.data<float>()[0], -1.5f);
  EXPECT_EQ(y.data<float>()[5 + 2], 0.f);  // row 1, col 2 = x[0][0][0]
  EXPECT_EQ(y.data<float>()[5 + 3], 1.f);
}

TEST(NcnnLayers, InterpAndPooling) {
  Tensor x = iota({1, 1, 2, 2});  // [[0,1],[2,3]]
  Tensor y = run("Input in 0 1 x\nInterp i 1 1 x y 0=2 1=2.0 2=2.0 6=0\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 4, 4}));
  // half-pixel bilinear: row 0 = 0, .25, .75, 1
  expect_near(std::vector<float>(y.data<float>(), y.data<float>() + 4), {0.f, 0.25f, 0.75f, 1.f});
  y = run("Input in 0 1 x\nInterp i 1 1 x y 0=1 1=2.0 2=2.0\n", {}, {x})[0];
  expect_near(std::vector<float>(y.data<float>(), y.data<float>() + 4), {0.f, 0.f, 1.f, 1.f});
  y = run("Input in 0 1 x\nInterp i 1 1 x y 0=2 3=3 4=3 6=1\n", {}, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_NEAR(y.data<float>()[4], 1.5f, 1e-6);  // align corners: centre = mean
  // Size taken from a second blob (dynamic_target_size).
  y = run("Input in 0 1 x\nInput r 0 1 r\nInterp i 2 1 x r y 0=1 5=1\n", {}, {x, iota({1, 5, 6, 4})})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 6, 4}));
  EXPECT_EQ(y.data<float>()[3 * 4 + 2], 3.f);
  Tensor p = iota({1, 1, 3, 3});
  // Full padding (pad_mode 0): 3x3, kernel 2, stride 2 -> 2x2 (ceil).
  y = run("Input in 0 1 x\nPooling p 1 1 x y 0=0 1=2 2=2 5=0\n", {}, {p})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  expect_near(values(y), {4.f, 5.f, 7.f, 8.f});
  y = run("Input in 0 1 x\nPooling p 1 1 x y 0=1 1=2 2=2 5=1\n", {}, {p})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 1, 1}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 2.f);
  y = run("Input in 0 1 x\nPooling p 1 1 x y 0=1 4=1\n", {}, {p})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 4.f);
}

TEST(NcnnLayers, ConvolutionInt8AndDeconvolutionLayout) {
  Tensor x = iota({1, 1, 1, 2}, 1.f);  // [1, 2]
  // int8 weights 10, -20 with scales 10, 20 -> 1, -1; bias 0.5, 0.
  Bin b;
  b.int8({10, -20}).raw({0.5f, 0.f}).raw({10.f, 20.f}).raw({1.f});
  Tensor y = run("Input in 0 1 x 0=2 1=1 2=1\nConvolution c 1 1 x y 0=2 1=1 5=1 6=2 8=1\n", b, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 2, 1, 2}));
  expect_near(values(y), {1.5f, 2.5f, -1.f, -2.f});
  // Deconvolution 1x1, 2 in -> 2 out: out[o] = sum_i x_i * W[o][i] with ncnn's [out][in] layout.
  Tensor d = Tensor::from_vector<float>({1, 2, 1, 1}, {1.f, 10.f});
  Bin w;
  w.tagged({1.f, 2.f, 3.f, 4.f});
  y = run("Input in 0 1 x\nDeconvolution d 1 1 x y 0=2 1=1 6=4\n", w, {d})[0];
  expect_near(values(y), {21.f, 43.f});
  // Stride 2, kernel 2: a single input pixel paints the kernel.
  Bin k;
  k.tagged({1.f, 2.f, 3.f, 4.f}).raw({0.5f});
  y = run("Input in 0 1 x\nDeconvolution d 1 1 x y 0=1 1=2 3=2 5=1 6=4 9=1\n", k, {Tensor::from_vector<float>({1, 1, 1, 1}, {-1.f})})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  expect_near(values(y), {0.f, 0.f, 0.f, 0.f});  // relu(-k + 0.5)
}

TEST(NcnnLayers, DeconvolutionDepthWiseGroupsAndEltwise) {
  // 4 in, 4 out, 2 groups, 1x1: out[g*2+o] = sum_i x[g*2+i] * W[g][o][i] (ncnn layout [g][out/g][in/g]).
  Tensor x = Tensor::from_vector<float>({1, 4, 1, 1}, {1.f, 10.f, 100.f, 1000.f});
  Bin w;
  w.tagged({1, 2, 3, 4, 5, 6, 7, 8});
  Tensor y = run("Input in 0 1 x\nDeconvolutionDepthWise d 1 1 x y 0=4 1=1 6=8 7=2\n", w, {x})[0];
  expect_near(values(y), {21.f, 43.f, 6500.f, 8700.f});
  Tensor a = iota({1, 2, 2, 2}), b = iota({1, 2, 2, 2}, 1.f);
  y = run("Input a 0 1 a\nInput b 0 1 b\nEltwise e 2 1 a b y 0=1 -23301=2,2.0,-1.0\n", {}, {a, b})[0];
  for (int i = 0; i < 8; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], 2.f * i - (i + 1.f));
  y = run("Input a 0 1 a\nInput b 0 1 b\nEltwise e 2 1 a b y 0=2\n", {}, {a, b})[0];
  EXPECT_EQ(values(y), values(b));
  // Crop, offset form: w offset 1, 1 wide; c offset 1 to the end.
  y = run("Input a 0 1 a\nCrop c 1 1 a y 0=1 3=1 2=1\n", {}, {a})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 1, 2, 1}));
  expect_near(values(y), {5.f, 7.f});
}

TEST(NcnnLayers, InnerProductGemmSoftmaxReduction) {
  Tensor x = iota({2, 2, 1, 2}, 1.f);  // per sample 4 values
  Bin b;
  b.tagged({1, 0, 0, 0, 0, 0, 0, 1}).raw({0.f, 1.f});
  Tensor y = run("Input in 0 1 x\nInnerProduct ip 1 1 x y 0=2 1=1 2=8\n", b, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{2, 2}));
  expect_near(values(y), {1.f, 5.f, 5.f, 9.f});
  // Gemm: A (h=2, w=3) x B (K=3, N=2, transB=0) + C per column (type 4).
  Tensor a = iota({1, 2, 3});
  Bin g;
  g.tagged({1, 0, 0, 1, 1, 1}).tagged({10.f, 20.f});
  y = run("Input in 0 1 x 0=3 1=2\nGemm g 1 1 x y 3=0 5=1 6=1 8=2 9=3 10=4\n", g, {a})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 2, 2}));
  expect_near(values(y), {0 + 2 + 10.f, 1 + 2 + 20.f, 3 + 5 + 10.f, 4 + 5 + 20.f});
  // Softmax over h of a 2-D blob: every column sums to one.
  y = run("Input in 0 1 x 0=3 1=2\nSoftmax s 1 1 x y 0=0 1=1\n", {}, {a})[0];
  for (int w = 0; w < 3; ++w) EXPECT_NEAR(y.data<float>()[w] + y.data<float>()[3 + w], 1.f, 1e-6);
  // Reduction: sum over (h, w) without keepdims -> 1-D of channels, times coeff.
  Tensor r = iota({1, 2, 2, 2});
  y = run("Input in 0 1 x\nReduction r 1 1 x y 0=0 1=0 2=0.5 -23303=2,1,2 4=0\n", {}, {r})[0];
  ASSERT_EQ(y.shape(), (Shape{1, 2}));
  expect_near(values(y), {3.f, 11.f});
}

TEST(NcnnLayers, LayerNormAndMultiHeadAttentionMatchDirectLoops) {
  const int S = 3, E = 4, H = 2, hd = E / H;
  Tensor x = random({1, S, E}, 7);
  std::vector<std::vector<float>> W(4), B(4);
  Bin bin;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-0.5f, 0.5f);
  for (int k = 0; k < 4; ++k) {
    for (int i = 0; i < E * E; ++i) W[k].push_back(d(rng));
    for (int i = 0; i < E; ++i) B[k].push_back(d(rng));
    bin.tagged(W[k]).raw(B[k]);
  }
  Tensor y = run("Input in 0 1 x 0=4 1=3\nMultiHeadAttention m 1 1 x y 0=4 1=2 2=16\n", bin, {x})[0];
  ASSERT_EQ(y.shape(), (Shape{1, S, E}));
  const float* xp = x.data<float>();
  auto proj = [&](int k, const float* in, int s, int j) {
    float v = B[k][j];
    for (int i = 0; i < E; ++i) v += in[s * E + i] * W[k][j * E + i];
    return v;
  };
  std::vector<float> merged(S * E);
  for (int h = 0; h < H; ++h)
    for (int s = 0; s < S; ++s) {
      std::vector<float> att(S);
      float mx = -1e30f, sum = 0;
      for (int t = 0; t < S; ++t) {
        float v = 0;
        for (int j = 0; j < hd; ++j) v += proj(0, xp, s, h * hd + j) * proj(1, xp, t, h * hd + j);
        att[t] = v / std::sqrt(float(hd));
        mx = std::max(mx, att[t]);
      }
      for (auto& v : att) sum += (v = std::exp(v - mx));
      for (int j = 0; j < hd; ++j) {
        float v = 0;
        for (int t = 0; t < S; ++t) v += att[t] / sum * proj(2, xp, t, h * hd + j);
        merged[s * E + h * hd + j] = v;
      }
    }
  std::vector<float> want;
  for (int s = 0; s < S; ++s)
    for (int j = 0; j < E; ++j) want.push_back(proj(3, merged.data(), s, j));
  expect_near(values(y), want, 1e-5f);

  Bin ln;
  ln.raw({1.f, 2.f, 1.f, 0.5f}).raw({0.f, 0.f, 1.f, 0.f});
  y = run("Input in 0 1 x 0=4 1=3\nLayerNorm n 1 1 x y 0=4 1=1e-5 2=1\n", ln, {x})[0];
  for (int s = 0; s < S; ++s) {
    float mean = 0, var = 0;
    for (int j = 0; j < E; ++j) mean += xp[s * E + j] / E;
    for (int j = 0; j < E; ++j) var += (xp[s * E + j] - mean) * (xp[s * E + j] - mean) / E;
    const float g[] = {1.f, 2.f, 1.f, 0.5f}, bt[] = {0.f, 0.f, 1.f, 0.f};
    for (int j = 0; j < E; ++j)
      EXPECT_NEAR(y.data<float>()[s * E + j], (xp[s * E + j] - mean) / std::sqrt(var + 1e-5f) * g[j] + bt[j], 1e-5);
  }
}

TEST(NcnnLayers, UnsupportedAndInvalidAreClearErrors) {
  Tensor x = iota({1, 1, 2, 2});
  auto err = [&](const std::string& layers, const Bin& b) {
    try {
      run(layers, b, {x});
    } catch (const ppocr::Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(err("Input in 0 1 x\nFancyLayer f 1 1 x y\n", {}).find("unsupported ncnn layer type 'FancyLayer'"),
            std::string::npos);
  std::string e = err("Input in 0 1 x\nConvolution c 1 1 x y 0=2 1=1 6=3\n", {});
  EXPECT_NE(e.find("m.param:4"), std::string::npos) << e;
  EXPECT_NE(e.find("weight_data_size"), std::string::npos) << e;
  e = err("Input in 0 1 x\nConvolution c 1 1 x y 0=2 1=1 6=2\n", {});  // no weights in .bin
  EXPECT_NE(e.find("m.bin"), std::string::npos) << e;
  EXPECT_NE(e.find("'c'"), std::string::npos) << e;
  EXPECT_NE(err("Input in 0 1 x\nReshape r 1 1 x y 0=-1 1=-1\n", {}).find("more than one -1"), std::string::npos);
  EXPECT_NE(err("Input in 0 1 x\nPermute p 1 1 x y 0=9\n", {}).find("order_type"), std::string::npos);
}
