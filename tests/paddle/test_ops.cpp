// Operator semantics of the Paddle converters on small PIR programs built
// here, checked against values computed by hand from Paddle's definitions;
// and the .pdiparams codec.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>

#include "engine/model.h"
#include "formats/paddle/paddle_import.h"
#include "formats/paddle/pdiparams.h"

using namespace ppocr;
using namespace ppocr::formats::paddle;
using engine::DType;
using engine::Shape;
using engine::Tensor;
using nlohmann::json;

namespace {

json a_i(int64_t v) { return {{"#", "0.a_i64"}, {"D", v}}; }
json a_f(double v) { return {{"#", "0.a_f32"}, {"D", v}}; }
json a_b(bool v) { return {{"#", "0.a_bool"}, {"D", v}}; }
json a_s(const std::string& v) { return {{"#", "0.a_str"}, {"D", v}}; }
json a_ints(const std::vector<int64_t>& v) {
  json d = json::array();
  for (auto x : v) d.push_back(a_i(x));
  return {{"#", "0.a_array"}, {"D", d}};
}
json a_floats(const std::vector<double>& v) {
  json d = json::array();
  for (auto x : v) d.push_back(a_f(x));
  return {{"#", "0.a_array"}, {"D", d}};
}

// A PIR program in the compact JSON encoding of inference.json.
struct Pir {
  json ops = json::array();
  int next = 1;
  std::vector<std::pair<std::string, Tensor>> params;

  static json type(const Shape& s, const char* t = "0.t_f32") {
    return {{"#", "0.t_dtensor"}, {"D", json::array({{{"#", t}}, s, "NCHW", json::array(), 0})}};
  }
  int param(const std::string& name, Tensor t) {
    int id = next++;
    ops.push_back({{"#", "p"}, {"A", json::array({0, 1, 1, name})}, {"O", {{"%", id}, {"TT", type(t.shape())}}}});
    params.push_back({name, t});
    return id;
  }
  int data(const Shape& s) {
    int id = next++;
    ops.push_back({{"#", "1.data"},
                   {"A", json::array({{{"N", "name"}, {"AT", a_s("x")}}})},
                   {"I", json::array()},
                   {"O", json::array({{{"%", id}, {"TT", type(s)}}})}});
    return id;
  }
  int op(const std::string& name, const std::vector<int>& ins, const std::map<std::string, json>& attrs,
         const Shape& out, const char* t = "0.t_f32") {
    json a = json::array(), i = json::array();
    for (auto& [k, v] : attrs) a.push_back({{"N", k}, {"AT", v}});
    for (int v : ins) i.push_back({{"%", v}});
    int id = next++;
    ops.push_back({{"#", "1." + name}, {"A", a}, {"I", i}, {"O", json::array({{{"%", id}, {"TT", type(out, t)}}})}});
    return id;
  }
  int ints(const std::vector<int64_t>& v) {
    return op("full_int_array", {}, {{"value", a_ints(v)}}, {static_cast<int64_t>(v.size())}, "0.t_i64");
  }
  void fetch(int v) {
    ops.push_back({{"#", "1.fetch"},
                   {"A", json::array({{{"N", "name"}, {"AT", a_s("out")}}, {{"N", "col"}, {"AT", a_i(0)}}})},
                   {"I", json::array({{{"%", v}}})},
                   {"O", json::array({{{"%", next++}}})}});
  }
  Tensor run(const Tensor& x) {
    json root = {{"base_code", {{"magic", "pir"}, {"version", 1}}},
                 {"program", {{"regions", json::array({{{"#", "region_0"}, {"blocks", json::array({{{"#", "block_0"}, {"args", json::array()}, {"ops", ops}}})}}})}}}};
    auto sorted = params;
    std::sort(sorted.begin(), sorted.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<Tensor> w;
    for (auto& p : sorted) w.push_back(p.second);
    engine::Graph g = import_paddle3_bytes(root.dump(), "test.json", weights_from_tensors(w, "test.pdiparams"));
    auto m = engine::Model::from_graph(std::move(g));
    return m->run(std::vector<Tensor>{x}).at(0);
  }
};

Tensor iota(const Shape& s, float scale = 1.f) {
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i) * scale;
  return t;
}

void expect_values(const Tensor& t, const Shape& s, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(engine::shape_str(t.shape()), engine::shape_str(s));
  auto got = t.to_f32();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

}  // namespace

TEST(PaddleOps, ElementwiseAxisBroadcast) {
  // Paddle: Y [3] added to X [2,3,2] at axis 1 -> Y lines up with dim 1.
  Pir p;
  int x = p.data({2, 3, 2});
  int y = p.param("y", Tensor::from_vector<float>({3}, {10, 20, 30}));
  p.fetch(p.op("add", {x, y}, {{"axis", a_i(1)}}, {2, 3, 2}));
  Tensor out = p.run(iota({2, 3, 2}));
  std::vector<float> want;
  for (int i = 0; i < 12; ++i) want.push_back(static_cast<float>(i) + 10.f * (1 + (i / 2) % 3));
  expect_values(out, {2, 3, 2}, want);
}

TEST(PaddleOps, NearestInterpScale) {
  // align_corners false: src = floor(dst / scale).
  Pir p;
  int x = p.data({1, 1, 2, 3});
  p.fetch(p.op("nearest_interp", {x, 0, 0, 0},
               {{"scale", a_floats({2.0, 2.0})}, {"interp_method", a_s("nearest")}, {"align_corners", a_b(false)},
                {"align_mode", a_i(1)}, {"out_h", a_i(-1)}, {"out_w", a_i(-1)}, {"data_format", a_s("NCHW")}},
               {1, 1, 4, 6}));
  Tensor out = p.run(iota({1, 1, 2, 3}));
  std::vector<float> want;
  for (int yy = 0; yy < 4; ++yy)
    for (int xx = 0; xx < 6; ++xx) want.push_back(static_cast<float>((yy / 2) * 3 + xx / 2));
  expect_values(out, {1, 1, 4, 6}, want);
}

// Paddle's bilinear sampling of one output coordinate.
static float src_coord(int dst, int in, int out, bool align, int mode) {
  if (align) return out > 1 ? static_cast<float>(dst) * (in - 1) / (out - 1) : 0.f;
  float ratio = static_cast<float>(in) / out;
  if (mode == 0) return std::max(ratio * (dst + 0.5f) - 0.5f, 0.f);
  return ratio * dst;
}

static void bilinear_case(bool align, int mode) {
  const int H = 3, W = 4, OH = 5, OW = 7;
  Pir p;
  int x = p.data({1, 1, H, W});
  p.fetch(p.op("bilinear_interp", {x, 0, 0, 0},
               {{"interp_method", a_s("bilinear")}, {"align_corners", a_b(align)}, {"align_mode", a_i(mode)},
                {"out_h", a_i(OH)}, {"out_w", a_i(OW)}, {"data_format", a_s("NCHW")}},
               {1, 1, OH, OW}));
  Tensor in = iota({1, 1, H, W});
  for (int64_t i = 0; i < in.numel(); ++i) in.data<float>()[i] = std::sin(static_cast<float>(i));
  Tensor out = p.run(in);
  std::vector<float> want;
  const float* v = in.data<float>();
  for (int yy = 0; yy < OH; ++yy)
    for (int xx = 0; xx < OW; ++xx) {
      float sy = src_coord(yy, H, OH, align, mode), sx = src_coord(xx, W, OW, align, mode);
      int y0 = std::min(static_cast<int>(sy), H - 1), x0 = std::min(static_cast<int>(sx), W - 1);
      int y1 = std::min(y0 + 1, H - 1), x1 = std::min(x0 + 1, W - 1);
      float ly = sy - y0, lx = sx - x0;
      want.push_back((1 - ly) * ((1 - lx) * v[y0 * W + x0] + lx * v[y0 * W + x1]) +
                     ly * ((1 - lx) * v[y1 * W + x0] + lx * v[y1 * W + x1]));
    }
  expect_values(out, {1, 1, OH, OW}, want, 1e-5f);
}

TEST(PaddleOps, BilinearInterpAlignCorners) { bilinear_case(true, 0); }
TEST(PaddleOps, BilinearInterpHalfPixel) { bilinear_case(false, 0); }
TEST(PaddleOps, BilinearInterpAsymmetric) { bilinear_case(false, 1); }

TEST(PaddleOps, AdaptivePoolAndFlatten) {
  Pir p;
  int x = p.data({1, 2, 4, 4});
  int k = p.ints({2, 2});
  int pool = p.op("pool2d", {x, k},
                  {{"pooling_type", a_s("avg")}, {"adaptive", a_b(true)}, {"global_pooling", a_b(false)},
                   {"strides", a_ints({1, 1})}, {"paddings", a_ints({0, 0})}, {"exclusive", a_b(true)},
                   {"ceil_mode", a_b(false)}, {"padding_algorithm", a_s("EXPLICIT")}, {"data_format", a_s("NCHW")}},
                  {1, 2, 2, 2});
  p.fetch(p.op("flatten", {pool}, {{"start_axis", a_i(1)}, {"stop_axis", a_i(2)}}, {1, 4, 2}));
  Tensor out = p.run(iota({1, 2, 4, 4}));
  // Quadrant means of 0..15 and 16..31.
  expect_values(out, {1, 4, 2}, {2.5f, 4.5f, 10.5f, 12.5f, 18.5f, 20.5f, 26.5f, 28.5f});
}

TEST(PaddleOps, ScaleBiasBeforeAndAfter) {
  for (bool after : {true, false}) {
    Pir p;
    int x = p.data({4});
    int s = p.op("full", {}, {{"shape", {{"#", "1.a_intarray"}, {"D", {1}}}}, {"value", a_f(3.0)},
                              {"dtype", {{"#", "1.a_dtype"}, {"D", "float32"}}}}, {1});
    p.fetch(p.op("scale", {x, s}, {{"bias", a_f(1.0)}, {"bias_after_scale", a_b(after)}}, {4}));
    Tensor out = p.run(iota({4}));
    std::vector<float> want;
    for (int i = 0; i < 4; ++i) want.push_back(after ? 3.f * i + 1.f : 3.f * (i + 1.f));
    expect_values(out, {4}, want);
  }
}

TEST(PaddleOps, SliceDecreaseAndMatmulTranspose) {
  Pir p;
  int x = p.data({3, 4});
  int st = p.ints({1}), en = p.ints({2});
  int row = p.op("slice", {x, st, en}, {{"axes", a_ints({0})}, {"decrease_axis", a_ints({0})}}, {4});
  // [4] x W^T with W [2,4] (transpose_y) -> [2]
  int w = p.param("w", Tensor::from_vector<float>({2, 4}, {1, 0, 0, 0, 1, 1, 1, 1}));
  p.fetch(p.op("matmul", {row, w}, {{"transpose_x", a_b(false)}, {"transpose_y", a_b(true)}}, {2}));
  Tensor out = p.run(iota({3, 4}));
  expect_values(out, {2}, {4.f, 4.f + 5 + 6 + 7});
}

TEST(PaddleOps, DropoutDowngradeInInferScales) {
  Pir p;
  int x = p.data({3});
  int prob = p.op("full", {}, {{"shape", {{"#", "1.a_intarray"}, {"D", {1}}}}, {"value", a_f(0.25)},
                               {"dtype", {{"#", "1.a_dtype"}, {"D", "float32"}}}}, {1});
  p.fetch(p.op("dropout", {x, 0, prob}, {{"mode", a_s("downgrade_in_infer")}, {"is_test", a_b(true)}}, {3}));
  expect_values(p.run(iota({3})), {3}, {0.f, 0.75f, 1.5f});
}

TEST(PaddleOps, HardActivations) {
  Pir p;
  int x = p.data({5});
  int hs = p.op("hardswish", {x}, {}, {5});
  p.fetch(p.op("hardsigmoid", {hs}, {{"slope", a_f(0.2)}, {"offset", a_f(0.5)}}, {5}));
  Tensor in = Tensor::from_vector<float>({5}, {-4.f, -1.f, 0.f, 1.f, 4.f});
  std::vector<float> want;
  for (float v : in.to_f32()) {
    float h = v * std::min(std::max(v + 3.f, 0.f), 6.f) / 6.f;
    want.push_back(std::min(std::max(0.2f * h + 0.5f, 0.f), 1.f));
  }
  expect_values(p.run(in), {5}, want);
}

TEST(PaddleOps, UnsupportedDataFormatIsAnError) {
  Pir p;
  int x = p.data({1, 4, 4, 3});
  int w = p.param("w", iota({2, 3, 1, 1}));
  p.fetch(p.op("conv2d", {x, w}, {{"data_format", a_s("NHWC")}, {"strides", a_ints({1, 1})},
                                 {"paddings", a_ints({0, 0})}, {"dilations", a_ints({1, 1})}, {"groups", a_i(1)}},
               {1, 4, 4, 2}));
  EXPECT_THROW(p.run(iota({1, 4, 4, 3})), Error);
}

TEST(Pdiparams, RoundTripAllTypes) {
  std::vector<Tensor> in{iota({2, 3}, 0.5f), Tensor::from_vector<int64_t>({3}, {-1, 0, 1LL << 40}),
                         Tensor::from_vector<int32_t>({2}, {-7, 9}), Tensor::from_vector<int8_t>({2}, {-3, 4}),
                         Tensor::from_vector<uint8_t>({1, 1}, {250}), iota({0})};
  Tensor h(DType::Float16, {3});
  for (int i = 0; i < 3; ++i) reinterpret_cast<uint16_t*>(h.raw())[i] = engine::float_to_half(0.25f * i - 1.f);
  in.push_back(h);
  std::string bytes = encode_pdiparams(in);
  auto out = parse_pdiparams(bytes.data(), bytes.size(), "mem");
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    EXPECT_EQ(out[i].dtype(), in[i].dtype()) << i;
    EXPECT_EQ(out[i].shape(), in[i].shape()) << i;
    EXPECT_EQ(0, std::memcmp(out[i].raw(), in[i].raw(), in[i].bytes())) << i;
  }
  EXPECT_EQ(out.back().dtype(), DType::Float32);  // fp16 is widened
  expect_values(out.back(), {3}, {-1.f, -0.75f, -0.5f});
}

TEST(Pdiparams, TruncationNamesFileAndRecord) {
  std::string bytes = encode_pdiparams({iota({4}), iota({8})});
  try {
    parse_pdiparams(bytes.data(), bytes.size() - 3, "w.pdiparams");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("w.pdiparams"), std::string::npos) << m;
    EXPECT_NE(m.find("record 1"), std::string::npos) << m;
  }
}

TEST(PaddleOps, GridSampleIdentityAndShift) {
  // An identity grid (align_corners) reproduces the input; shifting it by one
  // pixel to the right reads the next column, with zeros past the border.
  const int H = 3, W = 4;
  for (int shift = 0; shift < 2; ++shift) {
    Pir p;
    int x = p.data({1, 2, H, W});
    Tensor g(DType::Float32, {1, H, W, 2});
    for (int yy = 0; yy < H; ++yy)
      for (int xx = 0; xx < W; ++xx) {
        g.data<float>()[(yy * W + xx) * 2] = -1.f + 2.f * (xx + shift) / (W - 1);
        g.data<float>()[(yy * W + xx) * 2 + 1] = -1.f + 2.f * yy / (H - 1);
      }
    int grid = p.param("grid", g);
    p.fetch(p.op("grid_sample", {x, grid},
                 {{"mode", a_s("bilinear")}, {"padding_mode", a_s("zeros")}, {"align_corners", a_b(true)}},
                 {1, 2, H, W}));
    Tensor in = iota({1, 2, H, W}, 1.f);
    std::vector<float> want;
    for (int c = 0; c < 2; ++c)
      for (int yy = 0; yy < H; ++yy)
        for (int xx = 0; xx < W; ++xx)
          want.push_back(xx + shift < W ? static_cast<float>((c * H + yy) * W + xx + shift) : 0.f);
    expect_values(p.run(in), {1, 2, H, W}, want);
  }
}
