// inference.yml parsing, classifier pre-processing, unwarping output,
// orientation helper, default model names.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "engine/error.h"
#include "modules/classification/cls_preprocess.h"
#include "modules/common/model_config.h"
#include "modules/doc_unwarping/unwarp_post.h"
#include "ppocr/modules.h"
#include "ppocr/options.h"

using namespace ppocr;
using namespace ppocr::modules;

TEST(ModelConfig, ParsesOpsPostProcessAndKeepsTextScalars) {
  auto c = ModelConfig::parse(R"(Global:
  model_name: X_det
PreProcess:
  transform_ops:
  - DecodeImage:
      img_mode: BGR
  - NormalizeImage:
      scale: 1./255.
      mean: [0.485, 0.456, 0.406]
  - ToCHWImage: null
PostProcess:
  name: CTCLabelDecode
  thresh: 0.3
  use_space_char: false
  character_dict: ["0", "1", "a", " ", "'"]
)", "mem");
  EXPECT_EQ(c.model_name, "X_det");
  const Json* norm = c.transform_op("NormalizeImage");
  ASSERT_NE(norm, nullptr);
  EXPECT_NEAR(*json_number(json_get(norm, "scale")), 1.0 / 255.0, 1e-12);
  EXPECT_EQ(json_numbers(json_get(norm, "mean")).size(), 3u);
  EXPECT_NE(c.transform_op("ToCHWImage"), nullptr);
  EXPECT_EQ(c.transform_op("Missing"), nullptr);
  EXPECT_NEAR(*json_number(json_get(&c.post_process(), "thresh")), 0.3, 1e-12);
  EXPECT_EQ(json_bool(json_get(&c.post_process(), "use_space_char")), false);
  EXPECT_EQ(json_strings(json_get(&c.post_process(), "character_dict")),
            (std::vector<std::string>{"0", "1", "a", " ", "'"}));
}

TEST(ModelConfig, MalformedYmlIsAnErrorNamingTheFile) {
  try {
    ModelConfig::parse("PreProcess: [unclosed", "bad.yml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.yml"), std::string::npos);
  }
  EXPECT_THROW(ModelConfig::parse("- a\n- b\n", "list.yml"), Error);
  EXPECT_THROW(ModelConfig::parse("PostProcess: [1, 2]\n", "post.yml"), Error);
  // No inference.yml at all: an empty config.
  EXPECT_TRUE(ModelConfig::load(test::temp_dir("noyml")).path.empty());
}

TEST(ModelConfig, EveryShippedYmlParses) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  for (const char* d : {"onnx/PP-OCRv6_tiny_det", "onnx/PP-OCRv6_tiny_rec", "onnx/en_number_mobile_v2.0_rec",
                        "paddle/PP-LCNet_x0_25_textline_ori", "graph-only/PP-LCNet_x1_0_doc_ori",
                        "graph-only/UVDoc", "ncnn/latin_PP-OCRv5_mobile_rec"}) {
    auto c = ModelConfig::load(test::shared_path(std::string("models/") + d));
    EXPECT_FALSE(c.model_name.empty()) << d;
  }
  auto rec = ModelConfig::load(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"));
  EXPECT_EQ(json_strings(json_get(&rec.post_process(), "character_dict")).size(), 6904u);
  auto ori = ModelConfig::load(test::shared_path("models/graph-only/PP-LCNet_x1_0_doc_ori"));
  EXPECT_EQ(json_strings(json_get(json_get(&ori.post_process(), "Topk"), "label_list")),
            (std::vector<std::string>{"0", "90", "180", "270"}));
}

TEST(ClsPreprocess, ShortSideResizeThenCentreCrop) {
  ClsPreprocess p;
  p.resize_short = 256;
  p.crop = 224;
  cv::Mat img(300, 600, CV_8UC3, cv::Scalar(10, 20, 30));  // B G R
  cv::Mat g = p.geometry(img);
  EXPECT_EQ(g.size(), cv::Size(224, 224));
  EXPECT_EQ(g.at<cv::Vec3b>(100, 100), cv::Vec3b(30, 20, 10));  // RGB order
  cv::Mat n = p(img);
  EXPECT_EQ(n.type(), CV_32FC3);
  EXPECT_NEAR(n.at<cv::Vec3f>(0, 0)[0], (30 / 255.f - 0.485f) / 0.229f, 1e-5);
}

TEST(ClsPreprocess, FixedSizeAndProbabilities) {
  ClsPreprocess p;
  p.resize_w = 160;
  p.resize_h = 80;
  EXPECT_EQ(p.geometry(cv::Mat(30, 500, CV_8UC3, cv::Scalar::all(0))).size(), cv::Size(160, 80));
  float probs[2] = {0.25f, 0.75f};
  ensure_probabilities(probs, 2);
  EXPECT_FLOAT_EQ(probs[1], 0.75f);  // already probabilities: untouched
  float logits[2] = {0.f, std::log(3.f)};
  ensure_probabilities(logits, 2);
  EXPECT_NEAR(logits[1], 0.75f, 1e-6);
}

TEST(Unwarp, ImageOutputIsScaledAndTurnedToBgr) {
  engine::Tensor t(engine::DType::Float32, {1, 3, 2, 2});
  float* d = t.data<float>();
  for (int i = 0; i < 4; ++i) {
    d[i] = 1.f;       // R
    d[4 + i] = 0.5f;  // G
    d[8 + i] = 0.f;   // B
  }
  cv::Mat img = unwarp_from_output(t, cv::Mat(2, 2, CV_8UC3));
  EXPECT_EQ(img.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 128, 255));
}

TEST(Unwarp, IdentityGridReproducesTheImage) {
  cv::Mat src(40, 60, CV_8UC3);
  cv::randu(src, 0, 255);
  engine::Tensor g(engine::DType::Float32, {1, 2, 40, 60});
  float* d = g.data<float>();
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 60; ++x) {
      d[y * 60 + x] = -1.f + 2.f * x / 59.f;
      d[2400 + y * 60 + x] = -1.f + 2.f * y / 39.f;
    }
  cv::Mat out = unwarp_from_output(g, src);
  cv::Mat diff;
  cv::absdiff(out, src, diff);
  EXPECT_LE(cv::norm(diff, cv::NORM_INF), 1.0);
  EXPECT_THROW(unwarp_from_output(engine::Tensor(engine::DType::Float32, {1, 5, 4, 4}), src), Error);
}

TEST(Orientation, RotateUprightUndoesRotation) {
  cv::Mat img(20, 40, CV_8UC3, cv::Scalar::all(0));
  img.at<cv::Vec3b>(0, 0) = cv::Vec3b(255, 255, 255);  // marker top-left
  for (int angle : {90, 180, 270}) {
    cv::Mat rotated;
    // A page rotated clockwise by `angle` is labelled `angle`... turned back counter-clockwise.
    cv::rotate(img, rotated, angle == 90 ? cv::ROTATE_90_CLOCKWISE : angle == 180 ? cv::ROTATE_180 : cv::ROTATE_90_COUNTERCLOCKWISE);
    cv::Mat back = rotate_upright(rotated, angle);
    ASSERT_EQ(back.size(), img.size()) << angle;
    EXPECT_EQ(back.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255)) << angle;
  }
  EXPECT_THROW(rotate_upright(img, 45), Error);
}

TEST(DefaultModels, FollowLangAndVersion) {
  auto d = default_model_names(std::nullopt, std::nullopt);
  EXPECT_EQ(d.text_detection, "PP-OCRv6_medium_det");  // PaddleOCR 3.7
  EXPECT_EQ(d.text_recognition, "PP-OCRv6_medium_rec");
  EXPECT_EQ(default_model_names(std::string("fr"), std::nullopt).text_recognition, "PP-OCRv6_medium_rec");
  EXPECT_EQ(default_model_names(std::string("ru"), std::nullopt).text_recognition, "eslav_PP-OCRv5_mobile_rec");
  EXPECT_EQ(default_model_names(std::string("en"), std::string("PP-OCRv5")).text_recognition, "en_PP-OCRv5_mobile_rec");
  EXPECT_EQ(default_model_names(std::string("ka"), std::nullopt).text_detection, "PP-OCRv3_mobile_det");
  EXPECT_EQ(default_model_names(std::string("en"), std::string("PP-OCRv4")).text_recognition, "en_PP-OCRv4_mobile_rec");
  EXPECT_EQ(default_model_names(std::string("japan"), std::string("PP-OCRv3")).text_recognition,
            "japan_PP-OCRv3_mobile_rec");
  EXPECT_THROW(default_model_names(std::string("ch"), std::string("PP-OCRv9")), Error);
  EXPECT_THROW(default_model_names(std::string("klingon"), std::nullopt), Error);
}
