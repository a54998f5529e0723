// Real Paddle models: the Paddle 2 files reproduce the ONNX goldens of the
// same weights, and the official PP-OCRv4 mobile pair gives the outputs of its
// ONNX export; the Paddle 3 text-line orientation model classifies SROIE
// line crops; every graph-only model imports and runs with generated weights.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstdio>
#include <tuple>

#include "common/shared.h"
#include "common/sroie_lines.h"
#include "formats/load.h"
#include "formats/paddle/paddle_import.h"
#include "io/npy.h"
#include "modules/common/model_config.h"
#include "paddle/paddle_test_util.h"

using namespace ppocr;
using namespace ppocr::test;

namespace {

void check_golden(const std::string& name, const std::string& input) {
  std::string dir = "models/paddle/" + name;
  REQUIRE_SHARED(dir);
  REQUIRE_SHARED("golden/onnx/" + name + ".npy");
  auto model = formats::load_model(shared_path(dir));
  EXPECT_EQ(model->format(), "paddle2");
  engine::Tensor x = io::read_npy(shared_path("golden/inputs/" + input));
  engine::Tensor want = io::read_npy(shared_path("golden/onnx/" + name + ".npy"));
  engine::Tensor got = run1(*model, x);
  float d = max_abs_diff(got, want);
  std::printf("[ paddle2 ] %s: max abs diff to the ONNX golden %.3g\n", name.c_str(), d);
  EXPECT_LE(d, 1e-4f) << name;
}

}  // namespace

TEST(PaddleGolden, ChPPOCRv3Det) { check_golden("ch_PP-OCRv3_det", "det_1x3x640x416.npy"); }
TEST(PaddleGolden, ChPPOCRv2Det) { check_golden("ch_PP-OCRv2_det", "det_1x3x640x416.npy"); }
TEST(PaddleGolden, ChPPOCRMobileV2Cls) { check_golden("ch_ppocr_mobile_v2.0_cls", "cls_4x3x48x192.npy"); }

TEST(PaddleGolden, ReferenceKernelsAgree) {
  // The same Paddle 2 model with plain C++ kernels only (no oneDNN, no fusion).
  std::string dir = "models/paddle/ch_ppocr_mobile_v2.0_cls";
  REQUIRE_SHARED(dir);
  engine::ModelOptions o;
  o.fast_kernels = false;
  o.optimize = false;
  auto model = formats::load_model(shared_path(dir), o);
  engine::Tensor x = io::read_npy(shared_path("golden/inputs/cls_4x3x48x192.npy"));
  engine::Tensor want = io::read_npy(shared_path("golden/onnx/ch_ppocr_mobile_v2.0_cls.npy"));
  EXPECT_LE(max_abs_diff(run1(*model, x), want), 1e-4f);
}

// The official PP-OCRv4 mobile pair exists in two formats with the same fp32 weights: Paddle 2 (models/paddle)
// and ONNX (models/onnx). Both imports give the same outputs on the golden inputs within the fp32 tolerance
// (1e-4), with our fast kernels and with the Paddle 2 model on the plain reference kernels.
namespace {
void check_cross_format(const std::string& name, const std::string& input, const engine::Shape& shape) {
  REQUIRE_SHARED("models/paddle/" + name);
  REQUIRE_SHARED("models/onnx/" + name);
  engine::ModelOptions fast;
  fast.num_threads = 2;
  auto paddle = formats::load_model(shared_path("models/paddle/" + name), fast);
  auto onnx = formats::load_model(shared_path("models/onnx/" + name), fast);
  EXPECT_EQ(paddle->format(), "paddle2");
  EXPECT_EQ(onnx->format(), "onnx");
  engine::Tensor x = io::read_npy(shared_path("golden/inputs/" + input));
  engine::Tensor from_onnx = run1(*onnx, x);
  ASSERT_EQ(engine::shape_str(from_onnx.shape()), engine::shape_str(shape));
  float d = max_abs_diff(run1(*paddle, x), from_onnx);
  std::printf("[ paddle2 ] %s: max abs diff Paddle 2 vs ONNX %.3g\n", name.c_str(), d);
  EXPECT_LE(d, 1e-4f) << name;
  engine::ModelOptions ref;
  ref.fast_kernels = false;
  ref.optimize = false;
  auto paddle_ref = formats::load_model(shared_path("models/paddle/" + name), ref);
  float r = max_abs_diff(run1(*paddle_ref, x), from_onnx);
  std::printf("[ paddle2 ] %s: max abs diff Paddle 2 (reference kernels) vs ONNX %.3g\n", name.c_str(), r);
  EXPECT_LE(r, 1e-4f) << name;
}
}  // namespace

TEST(PaddleCrossFormat, PPOCRv4MobileDet) {
  check_cross_format("PP-OCRv4_mobile_det", "det_1x3x640x416.npy", {1, 1, 640, 416});
}
TEST(PaddleCrossFormat, PPOCRv4MobileRec) {
  check_cross_format("PP-OCRv4_mobile_rec", "rec_4x3x48x160.npy", {4, 20, 6625});
}

// The Paddle 2 graphs of the same models (formerly the graph-only ch_PP-OCRv4_det/rec) also import
// and run with generated weights, as the graph-only models below do.
TEST(PaddleCrossFormat, PPOCRv4GraphsRunWithGeneratedWeights) {
  for (auto [name, in, out] : {std::tuple<const char*, engine::Shape, engine::Shape>{
                                   "PP-OCRv4_mobile_det", {1, 3, 256, 320}, {1, 1, 256, 320}},
                               {"PP-OCRv4_mobile_rec", {1, 3, 48, 160}, {1, 20, 6625}}}) {
    std::string dir = std::string("models/paddle/") + name;
    REQUIRE_SHARED(dir);
    engine::Graph g = formats::paddle::import_paddle2_program(shared_path(dir + "/inference.pdmodel"),
                                                             formats::paddle::generated_weights(3));
    auto model = engine::Model::from_graph(std::move(g), {}, "paddle2");
    engine::Tensor y = run1(*model, pattern(in));
    EXPECT_EQ(engine::shape_str(y.shape()), engine::shape_str(out)) << name;
    for (float v : y.to_f32()) ASSERT_TRUE(std::isfinite(v)) << name;
  }
}

// Text-line orientation (Paddle 3 PIR JSON) with the preprocessing of its own inference.yml.
TEST(PaddleTextlineOri, SroieUprightAndRotated) {
  std::string dir = "models/paddle/PP-LCNet_x0_25_textline_ori";
  REQUIRE_SHARED(dir);
  REQUIRE_SHARED("data/sroie/gt");
  auto model = formats::load_model(shared_path(dir));
  EXPECT_EQ(model->format(), "paddle3");
  using namespace ppocr::modules;
  ModelConfig cfg = ModelConfig::load(shared_path(dir));
  const Json* rs = cfg.transform_op("ResizeImage");
  const Json* norm = cfg.transform_op("NormalizeImage");
  ASSERT_TRUE(rs && norm);
  std::vector<double> size = json_numbers(json_get(rs, "size"));
  ASSERT_EQ(size.size(), 2u);
  int w = static_cast<int>(size[0]), h = static_cast<int>(size[1]);
  double scale = json_number(json_get(norm, "scale")).value_or(0);
  std::vector<float> mean, stdv;
  for (double v : json_numbers(json_get(norm, "mean"))) mean.push_back(static_cast<float>(v));
  for (double v : json_numbers(json_get(norm, "std"))) stdv.push_back(static_cast<float>(v));
  ASSERT_EQ(mean.size(), 3u);
  ASSERT_EQ(stdv.size(), 3u);
  std::vector<std::string> labels = json_strings(json_get(json_get(&cfg.post_process(), "Topk"), "label_list"));
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0], "0_degree");

  auto crops = sroie_dev_lines(400, 6);
  ASSERT_EQ(crops.size(), 400u);
  const int batch = 8;
  int right = 0, total = 0;
  for (int rot = 0; rot < 2; ++rot) {
    for (size_t s = 0; s < crops.size(); s += batch) {
      int n = static_cast<int>(std::min<size_t>(batch, crops.size() - s));
      engine::Tensor x(engine::DType::Float32, {n, 3, h, w});
      float* p = x.data<float>();
      for (int i = 0; i < n; ++i) {
        cv::Mat img = crops[s + i].image, r;
        if (rot) cv::rotate(img, img, cv::ROTATE_180);
        cv::resize(img, r, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
        for (int c = 0; c < 3; ++c)
          for (int yy = 0; yy < h; ++yy)
            for (int xx = 0; xx < w; ++xx)
              p[((i * 3 + c) * h + yy) * w + xx] =
                  (static_cast<float>(r.at<cv::Vec3b>(yy, xx)[c] * scale) - mean[c]) / stdv[c];
      }
      engine::Tensor y = run1(*model, x);
      ASSERT_EQ(engine::shape_str(y.shape()), engine::shape_str({n, 2}));
      for (int i = 0; i < n; ++i) {
        int pred = y.data<float>()[i * 2 + 1] > y.data<float>()[i * 2] ? 1 : 0;
        right += pred == rot;
        ++total;
      }
    }
  }
  double acc = static_cast<double>(right) / total;
  std::printf("[ paddle3 ] PP-LCNet_x0_25_textline_ori on %d SROIE dev line crops (upright + 180 deg): %.1f%% right\n",
              total, 100 * acc);
  EXPECT_GE(acc, 0.85);
}

// Graph-only models: import with generated weights, run, check the output shape.
struct GraphOnlyCase {
  const char* name;
  engine::Shape input;
  engine::Shape output;
};

void PrintTo(const GraphOnlyCase& c, std::ostream* os) { *os << c.name; }

class PaddleGraphOnly : public ::testing::TestWithParam<GraphOnlyCase> {};

TEST_P(PaddleGraphOnly, RunsWithGeneratedWeights) {
  const GraphOnlyCase& c = GetParam();
  std::string dir = std::string("models/graph-only/") + c.name;
  REQUIRE_SHARED(dir);
  bool pir = shared_exists(dir + "/inference.json");
  std::string file = shared_path(dir + (pir ? "/inference.json" : "/inference.pdmodel"));
  // The public path refuses a model without its weights file.
  EXPECT_THROW(formats::load_model(shared_path(dir)), Error);
  auto gen = formats::paddle::generated_weights(3);
  engine::Graph g = pir ? formats::paddle::import_paddle3_program(file, gen)
                        : formats::paddle::import_paddle2_program(file, gen);
  EXPECT_GT(g.parameter_count(), 0);
  auto model = engine::Model::from_graph(std::move(g), {}, pir ? "paddle3" : "paddle2");
  engine::Tensor y = run1(*model, pattern(c.input));
  EXPECT_EQ(engine::shape_str(y.shape()), engine::shape_str(c.output));
  for (float v : y.to_f32()) ASSERT_TRUE(std::isfinite(v)) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Models, PaddleGraphOnly,
    ::testing::Values(GraphOnlyCase{"PP-LCNet_x1_0_doc_ori", {1, 3, 224, 224}, {1, 4}},
                      GraphOnlyCase{"UVDoc", {1, 3, 256, 192}, {1, 3, 256, 192}},
                      GraphOnlyCase{"PP-OCRv5_server_det", {1, 3, 256, 320}, {1, 1, 256, 320}},
                      GraphOnlyCase{"PP-OCRv5_server_rec", {1, 3, 48, 160}, {1, 20, 18385}},
                      GraphOnlyCase{"ch_PP-OCRv3_rec", {1, 3, 48, 160}, {1, 20, 6625}}),
    [](const ::testing::TestParamInfo<GraphOnlyCase>& i) {
      std::string n = i.param.name;
      for (char& ch : n)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });
