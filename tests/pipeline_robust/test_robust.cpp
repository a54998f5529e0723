// Robustness of the processors and modules against degenerate or hostile
// input: every case ends in a result or a ppocr::Error, never a crash (this
// folder also runs under ASan/UBSan).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "engine/error.h"
#include "modules/common/model_config.h"
#include "modules/text_detection/db_postprocess.h"
#include "modules/text_detection/det_resize.h"
#include "modules/text_recognition/crop.h"
#include "modules/text_recognition/ctc_decode.h"
#include "modules/text_recognition/rec_resize.h"
#include "ppocr/ppocr.h"

using namespace ppocr;
using namespace ppocr::modules;
namespace fs = std::filesystem;

TEST(RobustDB, NonFiniteAndExtremeMaps) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (float v : {nan, inf, -inf, 1.f, 0.f}) {
    cv::Mat prob(48, 48, CV_32F, cv::Scalar(v));
    prob(cv::Rect(4, 4, 20, 8)).setTo(0.9f);
    EXPECT_NO_THROW(db_postprocess(prob, 48, 48, DBParams{}));
  }
  EXPECT_NO_THROW(db_postprocess(cv::Mat(1, 1, CV_32F, cv::Scalar(1.f)), 1, 1, DBParams{}));
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.f, 1.f);
  cv::Mat noise(64, 96, CV_32F);
  for (int y = 0; y < noise.rows; ++y)
    for (int x = 0; x < noise.cols; ++x) noise.at<float>(y, x) = u(rng);
  DBParams p;
  p.unclip_ratio = 50.f;
  auto res = db_postprocess(noise, 10, 5000, p);
  for (const auto& b : res.boxes)
    for (const auto& pt : b) {
      EXPECT_GE(pt.x, 0);
      EXPECT_LE(pt.x, 10);
      EXPECT_LE(pt.y, 5000);
    }
  EXPECT_THROW(db_postprocess(cv::Mat(), 10, 10, DBParams{}), Error);
}

TEST(RobustCrop, DegenerateAndOutsidePolygons) {
  cv::Mat img(50, 80, CV_8UC3, cv::Scalar::all(90));
  EXPECT_NO_THROW(crop_text_line(img, Polygon{{5, 5}, {5, 5}, {5, 5}, {5, 5}}));
  EXPECT_NO_THROW(crop_text_line(img, Polygon{{-100, -100}, {500, -100}, {500, 400}, {-100, 400}}));
  EXPECT_NO_THROW(crop_text_line(img, Polygon{{0, 0}, {79, 0}, {79, 1}, {0, 1}}));
  EXPECT_THROW(crop_text_line(img, Polygon{{1, 1}}), Error);
}

TEST(RobustRec, ExtremeCropShapes) {
  RecShape s;
  for (cv::Size sz : {cv::Size(1, 1), cv::Size(5000, 1), cv::Size(1, 3000)}) {
    cv::Mat crop(sz, CV_8UC3, cv::Scalar::all(255));
    cv::Mat r = rec_resize_norm(crop, s, std::max(320.0 / 48, sz.width / double(sz.height)));
    EXPECT_EQ(r.rows, 48);
    EXPECT_GE(r.cols, 1);
    EXPECT_LE(r.cols, 3200);
  }
  CTCDecoder d({"a"}, true);
  std::vector<float> v(6, 0.f);
  EXPECT_THROW(d.decode(v.data(), 3, 2), Error);
  EXPECT_NO_THROW(d.decode(v.data(), 0, 3));
}

TEST(RobustResize, HugeAndTinySizes) {
  DetResizeParams p;
  EXPECT_NO_THROW(det_target_size(1, 100000, p));
  cv::Size s = det_target_size(100000, 3, p);
  EXPECT_GE(s.width, 32);
  EXPECT_LE(s.height, 4000);
  EXPECT_THROW(det_target_size(0, 10, p), Error);
}

TEST(RobustConfig, GarbageYml) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 200; ++i) {
    std::string s(64 + i, '\0');
    for (auto& c : s) c = static_cast<char>(byte(rng));
    try {
      ModelConfig::parse(s, "fuzz.yml");
    } catch (const Error&) {
    }
  }
  std::string deep(5000, '[');
  EXPECT_THROW(ModelConfig::parse(deep, "deep.yml"), Error);
  EXPECT_THROW(ModelConfig::parse("PreProcess:\n  transform_ops: 5\n", "x.yml"), Error);
  auto c = ModelConfig::parse("PreProcess:\n  transform_ops: [5, [1], {DetResizeForTest: 7}]\n", "x.yml");
  ASSERT_NE(c.transform_op("DetResizeForTest"), nullptr);  // present, without parameters
  EXPECT_FALSE(json_int(json_get(c.transform_op("DetResizeForTest"), "limit_side_len")).has_value());
  EXPECT_THROW(ModelConfig::parse("PreProcess:\n  transform_ops: {a: 1}\n", "x.yml"), Error);
}

TEST(RobustModules, BrokenModelDirectories) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  std::string dir = test::temp_dir("broken_rec");
  fs::copy_file(test::shared_path("models/onnx/PP-OCRv6_tiny_rec/inference.onnx"), fs::path(dir) / "inference.onnx");
  // No inference.yml: no dictionary -> a clear error.
  EXPECT_THROW(TextRecognition{dir}, Error);
  std::ofstream(dir + "/inference.yml") << "PostProcess:\n  name: CTCLabelDecode\n  character_dict: [a, b]\n";
  TextRecognitionOptions o;
  o.cpu_threads = 1;
  TextRecognition rec(dir, o);  // loads, but the dictionary does not fit the model
  EXPECT_THROW(rec.predict({cv::Mat(32, 100, CV_8UC3, cv::Scalar::all(255))}), Error);
  std::ofstream(dir + "/inference.yml") << "PostProcess: [unclosed\n";
  EXPECT_THROW(TextRecognition{dir}, Error);
  // A classifier yml without any resize.
  std::ofstream(dir + "/inference.yml") << "PostProcess:\n  Topk:\n    label_list: ['0', '180']\n";
  EXPECT_THROW(Classification{dir}, Error);
  // Truncated model file.
  std::string trunc = test::temp_dir("truncated_det");
  {
    std::ifstream in(test::shared_path("models/onnx/PP-OCRv6_tiny_det/inference.onnx"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(trunc + "/inference.onnx", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
  }
  EXPECT_THROW(TextDetection{trunc}, Error);
}

TEST(RobustPipeline, OddImages) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  o.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  o.use_doc_orientation_classify = o.use_doc_unwarping = o.use_textline_orientation = false;
  o.cpu_threads = 1;
  OCR ocr(o);
  cv::Mat stripes(40, 2000, CV_8UC3, cv::Scalar::all(255));
  for (int x = 0; x < stripes.cols; x += 8) cv::line(stripes, {x, 0}, {x, 39}, cv::Scalar::all(0), 2);
  for (const cv::Mat& m : {cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(0)), cv::Mat(3, 500, CV_8UC1, cv::Scalar(10)),
                           cv::Mat(31, 31, CV_8UC4, cv::Scalar::all(200)), cv::Mat(20, 20, CV_16UC3, cv::Scalar::all(60000)),
                           stripes}) {
    auto r = ocr.predict(Input::from_image(m)).at(0);
    EXPECT_EQ(r.rec_texts.size(), r.rec_polys.size());
    EXPECT_NO_THROW(r.to_json().dump());
  }
}
