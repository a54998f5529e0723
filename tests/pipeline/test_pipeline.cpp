// End-to-end: the C++ API on shared images (skips without ../shared).
#include <gtest/gtest.h>

#include <chrono>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "ppocr/ppocr.h"

using namespace ppocr;
namespace fs = std::filesystem;

namespace {

OCROptions tiny_options() {
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  o.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  o.use_doc_orientation_classify = false;
  o.use_doc_unwarping = false;
  o.use_textline_orientation = false;
  o.cpu_threads = 1;
  return o;
}

// One pipeline for the whole suite (loading takes a moment).
const OCR& shared_ocr() {
  static OCR ocr(tiny_options());
  return ocr;
}

std::string joined(const OCRResult& r) {
  std::string s;
  for (const auto& t : r.rec_texts) s += t + "\n";
  return s;
}

}  // namespace

#define REQUIRE_TINY() REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec")

TEST(Pipeline, ReadsASceneImage) {
  REQUIRE_TINY();
  auto res = shared_ocr().predict(Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg")));
  ASSERT_EQ(res.size(), 1u);
  const OCRResult& r = res[0];
  std::string text = joined(r);
  std::string squeezed = text;  // the word gaps of this line come and go with the batch's padding (batch 6)
  squeezed.erase(std::remove(squeezed.begin(), squeezed.end(), ' '), squeezed.end());
  EXPECT_NE(squeezed.find("whenyoupassby"), std::string::npos) << text;
  EXPECT_NE(text.find("residential areas"), std::string::npos) << text;
  EXPECT_EQ(r.rec_texts.size(), r.rec_scores.size());
  EXPECT_EQ(r.rec_texts.size(), r.rec_polys.size());
  EXPECT_EQ(r.rec_boxes.size(), r.rec_polys.size());
  EXPECT_EQ(r.textline_orientation_angles, std::vector<int>(r.dt_polys.size(), -1));
  EXPECT_FALSE(r.use_doc_preprocessor);
  EXPECT_FALSE(r.doc_preprocessor_res.has_value());
  EXPECT_EQ(r.text_det_params.limit_side_len, 960);  // from the model's inference.yml
  EXPECT_EQ(r.text_det_params.limit_type, "max");
  EXPECT_FLOAT_EQ(r.text_det_params.unclip_ratio, 1.5f);
  // Reading order: top to bottom.
  for (size_t i = 1; i < r.dt_polys.size(); ++i) EXPECT_LE(r.dt_polys[i - 1][0].y, r.dt_polys[i][0].y + 10);
  for (size_t i = 0; i < r.rec_boxes.size(); ++i) {
    EXPECT_LE(r.rec_boxes[i][0], r.rec_boxes[i][2]);
    EXPECT_LE(r.rec_boxes[i][1], r.rec_boxes[i][3]);
    EXPECT_LE(r.rec_boxes[i][2], r.image.cols);
    EXPECT_LE(r.rec_boxes[i][3], r.image.rows);
  }
}

TEST(Pipeline, PerCallOverrides) {
  REQUIRE_TINY();
  Input in = Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg"));
  auto base = shared_ocr().predict(in).at(0);
  ASSERT_FALSE(base.rec_scores.empty());
  OCRParams p;
  p.text_rec_score_thresh = 0.999f;
  auto strict = shared_ocr().predict(in, p).at(0);
  EXPECT_LT(strict.rec_texts.size(), base.rec_texts.size());
  EXPECT_EQ(strict.dt_polys.size(), base.dt_polys.size());  // detection unchanged
  EXPECT_FLOAT_EQ(strict.text_rec_score_thresh, 0.999f);
  for (float s : strict.rec_scores) EXPECT_GE(s, 0.999f);
  OCRParams d;
  d.text_det_box_thresh = 0.99f;
  auto fewer = shared_ocr().predict(in, d).at(0);
  EXPECT_LT(fewer.dt_polys.size(), base.dt_polys.size());
  OCRParams small;
  small.text_det_limit_side_len = 320;
  EXPECT_EQ(shared_ocr().predict(in, small).at(0).text_det_params.limit_side_len, 320);
  // Stages the pipeline was built without cannot be switched on per call.
  OCRParams tl;
  tl.use_textline_orientation = true;
  EXPECT_THROW(shared_ocr().predict(in, tl), Error);
  OCRParams bad;
  bad.text_det_limit_type = "diagonal";
  EXPECT_THROW(shared_ocr().predict(in, bad), Error);
}

TEST(Pipeline, InMemoryImageAndStreaming) {
  REQUIRE_TINY();
  cv::Mat img = cv::imread(test::shared_path("data/icdar2015/images/img_10.jpg"));
  ASSERT_FALSE(img.empty());
  auto r = shared_ocr().predict(Input::from_image(img, "mem")).at(0);
  EXPECT_TRUE(r.input_path.empty());
  EXPECT_TRUE(r.to_json()["res"]["input_path"].is_null());
  EXPECT_EQ(r.file_stem(), "mem");
  auto from_file = shared_ocr().predict(Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg"))).at(0);
  EXPECT_EQ(r.rec_texts, from_file.rec_texts);

  // A folder streams one result per image; the sink can stop early.
  int seen = 0;
  shared_ocr().predict_iter({Input::from_path(test::shared_path("data/icdar2015/images"))}, [&](OCRResult&& res) {
    EXPECT_FALSE(res.input_path.empty());
    return ++seen < 2;
  });
  EXPECT_EQ(seen, 2);
}

TEST(Pipeline, ThreadSafePredict) {
  REQUIRE_TINY();
  std::vector<std::string> files;
  for (const char* f : {"img_10.jpg", "img_100.jpg", "img_11.jpg"})
    files.push_back(test::shared_path(std::string("data/icdar2015/images/") + f));
  std::vector<std::vector<std::string>> expect;
  for (const auto& f : files) expect.push_back(shared_ocr().predict(Input::from_path(f)).at(0).rec_texts);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int k = 0; k < 2; ++k) {
        size_t i = (t + k) % files.size();
        if (shared_ocr().predict(Input::from_path(files[i])).at(0).rec_texts != expect[i]) ++mismatches;
      }
    });
  // Freeing the cached buffers while calls run (as `ppocr serve` does when idle) changes nothing.
  std::atomic<bool> done{false};
  std::thread releaser([&] {
    while (!done) {
      shared_ocr().release_buffers();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  for (auto& th : threads) th.join();
  done = true;
  releaser.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(Pipeline, SavesJsonAndVisualisation) {
  REQUIRE_TINY();
  std::string dir = test::temp_dir("pipeline_save");
  auto r = shared_ocr().predict(Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg"))).at(0);
  EXPECT_EQ(fs::path(r.save_to_json(dir)).filename(), "img_10_res.json");
  auto imgs = r.save_to_img(dir);
  ASSERT_EQ(imgs.size(), 1u);
  cv::Mat vis = cv::imread(imgs[0]);
  EXPECT_EQ(vis.cols, 2 * r.image.cols);
  EXPECT_EQ(vis.rows, r.image.rows);
}

TEST(Pipeline, BadInputsAreErrors) {
  REQUIRE_TINY();
  EXPECT_THROW(shared_ocr().predict(Input::from_path("/nonexistent/file.png")), Error);
  EXPECT_THROW(shared_ocr().predict(Input::from_image(cv::Mat())), Error);
  std::string dir = test::temp_dir("pipeline_bad");
  { std::ofstream(dir + "/x.png") << "not an image"; }
  EXPECT_THROW(shared_ocr().predict(Input::from_path(dir + "/x.png")), Error);
  // A blank image gives an empty, well-formed result.
  auto r = shared_ocr().predict(Input::from_image(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(255)))).at(0);
  EXPECT_TRUE(r.dt_polys.empty());
  EXPECT_TRUE(r.to_json()["res"]["rec_boxes"].is_array());
  // A 1x1 image does not crash.
  EXPECT_NO_THROW(shared_ocr().predict(Input::from_image(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(0)))));
}

TEST(Pipeline, BadOptionsAreErrors) {
  REQUIRE_TINY();
  OCROptions o = tiny_options();
  o.text_detection_model_dir = test::temp_dir("empty_model");
  EXPECT_THROW(OCR{o}, Error);
  o = tiny_options();
  o.device = "gpu:0";
  EXPECT_THROW(OCR{o}, Error);
  o = tiny_options();
  o.use_textline_orientation = true;  // a name that is neither cached nor downloadable
  o.textline_orientation_model_dir.reset();
  o.textline_orientation_model_name = "No_such_model";
  o.allow_download = false;
  EXPECT_THROW(OCR{o}, Error);
  o = tiny_options();
  o.text_det_thresh = 2.f;
  EXPECT_THROW(OCR{o}, Error);
}


// The document-preprocessor path, with a real two-class orientation classifier
// (the text-line model relabelled 0 / 180) standing in for the weightless
// PP-LCNet_x1_0_doc_ori: a page turned upside down is detected and turned back.
TEST(Pipeline, DocOrientationStage) {
  REQUIRE_TINY();
  REQUIRE_SHARED("models/paddle/PP-LCNet_x0_25_textline_ori");
  REQUIRE_SHARED("data/tesseract/phototest-rotated-180.png");
  std::string dir = test::temp_dir("doc_ori_model");
  fs::path src = test::shared_path("models/paddle/PP-LCNet_x0_25_textline_ori");
  for (const char* f : {"inference.json", "inference.pdiparams"}) fs::copy_file(src / f, fs::path(dir) / f);
  std::ofstream(dir + "/inference.yml") << "Global:\n  model_name: test_doc_ori\nPreProcess:\n  transform_ops:\n"
                                           "  - ResizeImage:\n      size: [160, 80]\n  - NormalizeImage: null\n"
                                           "PostProcess:\n  Topk:\n    topk: 1\n    label_list: ['0', '180']\n";
  OCROptions o = tiny_options();
  o.use_doc_orientation_classify = true;
  o.doc_orientation_classify_model_dir = dir;
  OCR ocr(o);
  cv::Mat page = cv::imread(test::shared_path("data/tesseract/phototest-rotated-180.png"));
  auto r = ocr.predict(Input::from_image(page, "rot")).at(0);
  EXPECT_TRUE(r.use_doc_preprocessor);
  ASSERT_TRUE(r.doc_preprocessor_res.has_value());
  auto j = r.to_json()["res"]["doc_preprocessor_res"];
  EXPECT_EQ(j["model_settings"]["use_doc_orientation_classify"], true);
  EXPECT_EQ(j["model_settings"]["use_doc_unwarping"], false);
  EXPECT_TRUE(j["angle"] == 0 || j["angle"] == 180);
  EXPECT_EQ(r.doc_preprocessor_res->output_img.size(), page.size());
  // Switched off per call: no preprocessing, no doc_preprocessor_res.
  OCRParams off;
  off.use_doc_orientation_classify = false;
  auto plain = ocr.predict(Input::from_image(page, "rot"), off).at(0);
  EXPECT_FALSE(plain.use_doc_preprocessor);
  EXPECT_FALSE(plain.to_json()["res"].contains("doc_preprocessor_res"));
  // Unwarping was not built: asking for it is an error.
  OCRParams unwarp;
  unwarp.use_doc_unwarping = true;
  EXPECT_THROW(ocr.predict(Input::from_image(page, "rot"), unwarp), Error);
}
