// Modules on real models of every format (skip without ../shared).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "ppocr/error.h"
#include "ppocr/modules.h"

using namespace ppocr;

namespace {
// "word_1.png JOINT" lines of the ICDAR 2015 word-crop labels.
std::vector<std::pair<std::string, std::string>> word_labels(size_t n) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream f(test::shared_path("data/icdar2015_words/labels.txt"));
  std::string line;
  while (out.size() < n && std::getline(f, line)) {
    std::istringstream ss(line);
    std::string name, text;
    ss >> name;
    std::getline(ss, text);
    if (!text.empty() && text[0] == ' ') text.erase(0, 1);
    out.emplace_back(name, text);
  }
  return out;
}
// The crop images of those labels, in order.
std::vector<cv::Mat> word_crops(const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<cv::Mat> crops;
  for (auto& [name, text] : labels) crops.push_back(cv::imread(test::shared_path("data/icdar2015_words/images/" + name)));
  return crops;
}
ModuleOptions one_thread() {
  ModuleOptions o;
  o.cpu_threads = 1;
  return o;
}
}  // namespace

TEST(Models, RecognitionOnnxAndNcnnReadWordCrops) {
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  REQUIRE_SHARED("models/ncnn/latin_PP-OCRv5_mobile_rec");
  auto labels = word_labels(40);
  ASSERT_EQ(labels.size(), 40u);
  std::vector<cv::Mat> crops = word_crops(labels);
  for (const char* dir : {"models/onnx/PP-OCRv6_tiny_rec", "models/ncnn/latin_PP-OCRv5_mobile_rec"}) {
    TextRecognitionOptions o;
    static_cast<ModuleOptions&>(o) = one_thread();
    o.batch_size = 6;
    TextRecognition rec(test::shared_path(dir), o);
    auto res = rec.predict(crops);
    ASSERT_EQ(res.size(), crops.size());
    EXPECT_EQ(res[0].rec_text, "JOINT") << dir;  // results come back in input order
    int exact = 0;
    for (size_t i = 0; i < res.size(); ++i) exact += res[i].rec_text == labels[i].second;
    // Both models read about 2/3 (v6 tiny) to 4/5 (latin v5) of these crops exactly.
    EXPECT_GE(exact, 22) << dir;
    // Batch size does not change the texts much (padding only).
    TextRecognitionOptions one = o;
    one.batch_size = 1;
    auto single = TextRecognition(test::shared_path(dir), one).predict(crops);
    int same = 0;
    for (size_t i = 0; i < res.size(); ++i) same += single[i].rec_text == res[i].rec_text;
    EXPECT_GE(same, 36) << dir;
  }
}

// Width bucketing pads each batch to a multiple of width_bucket px: the texts stay (nearly) those of exact
// padding, and an invalid bucket is a clear error.
TEST(Models, RecognitionWidthBucketKeepsTexts) {
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  std::vector<cv::Mat> crops = word_crops(word_labels(40));
  TextRecognitionOptions o;
  static_cast<ModuleOptions&>(o) = one_thread();
  o.width_bucket = 1;
  auto exact = TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o).predict(crops);
  o.width_bucket = 32;
  auto bucketed = TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o).predict(crops);
  ASSERT_EQ(exact.size(), bucketed.size());
  int same = 0;
  for (size_t i = 0; i < exact.size(); ++i) same += exact[i].rec_text == bucketed[i].rec_text;
  EXPECT_GE(same, 37);
  EXPECT_EQ(bucketed[0].rec_text, "JOINT");
  o.width_bucket = 0;
  EXPECT_THROW(TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o), Error);
}

// PaddleOCR pads every batch to at least the model's width (3x48x320: 320 px), so a crop narrower than that is
// read from the same tensor row alone or batched with other narrow crops: identical texts and scores. (Padding
// only to the batch's widest crop, as an earlier version did, changes the inputs and some of the texts.)
TEST(Models, RecognitionPadsNarrowBatchesToModelWidth) {
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  std::vector<cv::Mat> crops;
  for (cv::Mat& m : word_crops(word_labels(60)))
    if (!m.empty() && m.cols < 4 * m.rows) crops.push_back(m);  // all well under 320/48
  ASSERT_GE(crops.size(), 12u);
  TextRecognitionOptions o;
  static_cast<ModuleOptions&>(o) = one_thread();
  o.batch_size = 1;
  auto alone = TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o).predict(crops);
  o.batch_size = 6;
  auto batched = TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o).predict(crops);
  ASSERT_EQ(alone.size(), batched.size());
  for (size_t i = 0; i < alone.size(); ++i) {
    EXPECT_EQ(alone[i].rec_text, batched[i].rec_text) << i;
    EXPECT_NEAR(alone[i].rec_score, batched[i].rec_score, 1e-4) << i;
  }
}

TEST(Models, TextlineOrientationPaddleAndNcnn) {
  REQUIRE_SHARED("models/paddle/PP-LCNet_x0_25_textline_ori");
  REQUIRE_SHARED("models/ncnn/PP-LCNet_x1_0_textline_ori");
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  std::vector<cv::Mat> upright, flipped;
  for (cv::Mat& m : word_crops(word_labels(40))) {
    if (m.cols < 2 * m.rows) continue;  // short words are ambiguous
    upright.push_back(m);
    cv::Mat f;
    cv::rotate(m, f, cv::ROTATE_180);
    flipped.push_back(f);
  }
  ASSERT_GE(upright.size(), 10u);
  for (const char* dir : {"models/paddle/PP-LCNet_x0_25_textline_ori", "models/ncnn/PP-LCNet_x1_0_textline_ori"}) {
    ClassificationOptions o;
    static_cast<ModuleOptions&>(o) = one_thread();
    o.batch_size = 4;
    Classification cls(test::shared_path(dir), o);
    EXPECT_EQ(cls.labels(), (std::vector<std::string>{"0_degree", "180_degree"}));
    auto a = cls.predict(upright), b = cls.predict(flipped);
    size_t right = 0;
    for (auto& r : a) right += r.class_id == 0;
    for (auto& r : b) right += r.class_id == 1 && r.label_name == "180_degree";
    EXPECT_GE(right, (upright.size() * 2) * 7 / 10) << dir;
    for (auto& r : a) {
      EXPECT_GE(r.score, 0.5f);
      EXPECT_LE(r.score, 1.0f);
    }
  }
}

TEST(Models, DetectionModuleOnAllFormats) {
  REQUIRE_SHARED("models/ncnn/PP-OCRv6_tiny_det");
  cv::Mat img = cv::imread(test::shared_path("data/icdar2015/images/img_10.jpg"));
  ASSERT_FALSE(img.empty());
  std::map<std::string, size_t> counts;
  for (const char* dir : {"models/onnx/PP-OCRv6_tiny_det", "models/ncnn/PP-OCRv6_tiny_det",
                          "models/paddle/ch_PP-OCRv3_det"}) {
    if (!test::shared_exists(dir)) continue;
    TextDetectionOptions o;
    static_cast<ModuleOptions&>(o) = one_thread();
    TextDetection det(test::shared_path(dir), o);
    auto r = det.predict(img);
    EXPECT_GE(r.dt_polys.size(), 3u) << dir;
    EXPECT_EQ(r.dt_polys.size(), r.dt_scores.size());
    for (float s : r.dt_scores) EXPECT_GE(s, 0.6f);
    auto j = r.to_json();
    EXPECT_TRUE(j["res"]["dt_polys"].is_array());
    counts[dir] = r.dt_polys.size();
  }
  // The same network in two formats finds the same lines.
  EXPECT_EQ(counts["models/onnx/PP-OCRv6_tiny_det"], counts["models/ncnn/PP-OCRv6_tiny_det"]);
}
