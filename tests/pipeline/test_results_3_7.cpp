// PaddleOCR 3.7's result additions and fixes on real inputs (issue 12):
// dt_scores, return_word_box (text_word / text_word_region), UVDoc's colour
// order, the doc-preprocessor image, names of unnamed inputs, and text that
// keeps its descenders in the visualisation. Skips without ../shared.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "modules/tiny_onnx.h"
#include "pipelines/ocr/visualize.h"
#include "ppocr/ppocr.h"

using namespace ppocr;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

OCROptions tiny_options() {
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  o.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  o.use_doc_orientation_classify = false;
  o.use_doc_unwarping = false;
  o.use_textline_orientation = false;
  o.cpu_threads = 1;
  o.log = [](const std::string&) {};
  return o;
}

const OCR& tiny_ocr() {
  static OCR ocr(tiny_options());
  return ocr;
}

OCRParams with_words() {
  OCRParams p;
  p.return_word_box = true;
  return p;
}

// Every line's words join to its text, and every word region lies in the line's box.
void expect_word_boxes_fit(const OCRResult& r, const std::string& what) {
  ASSERT_TRUE(r.return_word_box);
  ASSERT_EQ(r.text_word.size(), r.rec_texts.size()) << what;
  ASSERT_EQ(r.text_word_region.size(), r.rec_texts.size()) << what;
  size_t words = 0;
  for (size_t i = 0; i < r.rec_texts.size(); ++i) {
    std::string joined;
    for (const auto& w : r.text_word[i]) joined += w;
    EXPECT_EQ(joined, r.rec_texts[i]) << what << " line " << i;
    // Each CJK character and each other run is one word, with one region.
    EXPECT_EQ(r.text_word_region[i].size(), r.text_word[i].size()) << what << " line " << i;
    const auto& b = r.rec_boxes[i];
    for (const auto& region : r.text_word_region[i]) {
      ASSERT_EQ(region.size(), 4u);
      for (const auto& pt : region) {
        EXPECT_GE(pt.x, b[0]) << what << " line " << i << " '" << r.rec_texts[i] << "'";
        EXPECT_LE(pt.x, b[2]) << what << " line " << i << " '" << r.rec_texts[i] << "'";
        EXPECT_GE(pt.y, b[1]) << what << " line " << i;
        EXPECT_LE(pt.y, b[3]) << what << " line " << i;
      }
      EXPECT_LE(region[0].x, region[1].x) << what << " line " << i;
    }
    words += r.text_word[i].size();
  }
  EXPECT_GT(words, r.rec_texts.size() / 2) << what;
}

}  // namespace

#define REQUIRE_TINY() REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec")

TEST(Results37, DetectionScoresOnePerPolygon) {
  REQUIRE_TINY();
  auto r = tiny_ocr().predict(Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg"))).at(0);
  ASSERT_FALSE(r.dt_polys.empty());
  EXPECT_EQ(r.dt_scores.size(), r.dt_polys.size());
  for (float s : r.dt_scores) EXPECT_GE(s, r.text_det_params.box_thresh);
  nlohmann::ordered_json j = r.res_json();
  EXPECT_EQ(j["dt_scores"].size(), j["dt_polys"].size());
  EXPECT_EQ(j["text_det_params"]["max_side_limit"], 4000);
  EXPECT_EQ(j["return_word_box"], false);
  EXPECT_FALSE(j.contains("text_word"));
  EXPECT_TRUE(r.text_word.empty());
}

TEST(Results37, WordBoxesOnASceneImageAndAReceipt) {
  REQUIRE_TINY();
  REQUIRE_SHARED("data/sroie/images/000.jpg");
  for (const char* rel : {"data/icdar2015/images/img_10.jpg", "data/sroie/images/000.jpg"}) {
    auto plain = tiny_ocr().predict(Input::from_path(test::shared_path(rel))).at(0);
    auto r = tiny_ocr().predict(Input::from_path(test::shared_path(rel)), with_words()).at(0);
    EXPECT_EQ(r.rec_texts, plain.rec_texts) << rel;  // word boxes change no text
    expect_word_boxes_fit(r, rel);
    nlohmann::ordered_json j = r.res_json();
    EXPECT_EQ(j["return_word_box"], true);
    ASSERT_EQ(j["text_word_boxes"].size(), r.rec_texts.size());
    for (size_t i = 0; i < r.text_word_region.size(); ++i)
      for (size_t k = 0; k < r.text_word_region[i].size(); ++k) {
        const auto& reg = r.text_word_region[i][k];
        EXPECT_EQ(json(j["text_word_boxes"][i][k]), json({reg[0].x, reg[0].y, reg[2].x, reg[2].y}));
      }
  }
}

TEST(Results37, WordBoxesForChineseAreOneCharacterEach) {
  REQUIRE_TINY();
  REQUIRE_SHARED("data/paddleocr_demo/imgs/11.jpg");
  auto r = tiny_ocr().predict(Input::from_path(test::shared_path("data/paddleocr_demo/imgs/11.jpg")), with_words()).at(0);
  expect_word_boxes_fit(r, "11.jpg");
  size_t cjk_words = 0;
  for (const auto& line : r.text_word)
    for (const auto& w : line)
      if (w.size() == 3 && static_cast<unsigned char>(w[0]) >= 0xE4 && static_cast<unsigned char>(w[0]) <= 0xE9)
        ++cjk_words;  // one CJK ideograph (U+4E00..U+9FFF) alone
  EXPECT_GT(cjk_words, 10u);
}

TEST(Results37, EmptyPageGivesEmptyWordLists) {
  REQUIRE_TINY();
  cv::Mat blank(320, 480, CV_8UC3, cv::Scalar::all(255));
  auto r = tiny_ocr().predict(Input::from_image(blank, "blank"), with_words()).at(0);
  EXPECT_TRUE(r.dt_polys.empty());
  nlohmann::ordered_json j = r.res_json();
  EXPECT_EQ(json(j["dt_scores"]), json::array());
  EXPECT_EQ(json(j["text_word"]), json::array());
  EXPECT_EQ(json(j["text_word_region"]), json::array());
  EXPECT_EQ(json(j["text_word_boxes"]), json::array());
  std::string dir = test::temp_dir("empty_words");
  EXPECT_NO_THROW(r.save_to_json(dir));
  EXPECT_NO_THROW(r.save_to_img(dir));
}

TEST(Results37, ReturnWordBoxFromTheOptionsAndPerCall) {
  REQUIRE_TINY();
  OCROptions o = tiny_options();
  o.return_word_box = true;
  OCR ocr(o);
  EXPECT_EQ(ocr.effective_options().return_word_box, true);
  Input in = Input::from_path(test::shared_path("data/icdar2015/images/img_10.jpg"));
  auto on = ocr.predict(in).at(0);
  EXPECT_TRUE(on.return_word_box);
  EXPECT_EQ(on.text_word.size(), on.rec_texts.size());
  OCRParams off;
  off.return_word_box = false;
  auto r = ocr.predict(in, off).at(0);
  EXPECT_FALSE(r.return_word_box);
  EXPECT_TRUE(r.text_word.empty());
  EXPECT_EQ(tiny_ocr().effective_options().return_word_box, false);
}

TEST(Results37, UnwarpingIdentityStandInKeepsColoursAndSavesPaddleXImage) {
  REQUIRE_TINY();
  REQUIRE_SHARED("data/sroie/images/000.jpg");
  std::string model = test::temp_dir("uvdoc_identity_pipeline");
  test::write_one_node_onnx(model, "Relu");  // 0..1 in, the same out: a page that needs no unwarping
  OCROptions o = tiny_options();
  o.use_doc_unwarping = true;
  o.doc_unwarping_model_dir = model;
  OCR ocr(o);
  cv::Mat page = cv::imread(test::shared_path("data/sroie/images/000.jpg"));
  ASSERT_FALSE(page.empty());
  page(cv::Rect(0, 0, 40, 40)).setTo(cv::Scalar(0, 0, 255));  // a red corner
  auto r = ocr.predict(Input::from_image(page, "receipt")).at(0);
  ASSERT_TRUE(r.doc_preprocessor_res.has_value());
  const cv::Mat& out = r.doc_preprocessor_res->output_img;
  ASSERT_EQ(out.size(), page.size());
  EXPECT_EQ(out.at<cv::Vec3b>(10, 10), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(cv::norm(out, page, cv::NORM_INF), 0.0);
  // Texts equal those without the stage.
  auto plain = tiny_ocr().predict(Input::from_image(page, "receipt")).at(0);
  EXPECT_EQ(r.rec_texts, plain.rec_texts);

  // The saved image: PaddleX's name and panels (original | rotated | unwarped, captions below).
  std::string dir = test::temp_dir("preprocessed_img");
  auto files = r.save_to_img(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(fs::path(files[1]).filename(), "receipt_preprocessed_img.png");
  cv::Mat panels = cv::imread(files[1]);
  ASSERT_EQ(panels.size(), cv::Size(3 * page.cols, page.rows + 25));
  for (int k = 0; k < 3; ++k) {
    cv::Mat p = panels(cv::Rect(k * page.cols, 0, page.cols, page.rows));
    EXPECT_LE(cv::norm(p, page, cv::NORM_L1) / double(page.total() * 3), 3.0) << "panel " << k;  // png: exact
  }
  cv::Mat caption = panels(cv::Rect(0, page.rows, panels.cols, 25)), gray;
  cv::cvtColor(caption, gray, cv::COLOR_BGR2GRAY);
  EXPECT_GT(cv::countNonZero(gray < 128), 50) << "no caption text";
  EXPECT_EQ(r.doc_preprocessor_res->rot_img.size(), page.size());
  EXPECT_EQ(r.doc_preprocessor_res->input_img.size(), page.size());
}

TEST(Results37, UnnamedInMemoryInputsGetPaddleXNames) {
  REQUIRE_TINY();
  cv::Mat img = cv::imread(test::shared_path("data/icdar2015/images/img_10.jpg"));
  std::set<std::string> stems;
  for (int i = 0; i < 3; ++i) {
    auto r = tiny_ocr().predict(Input::from_image(img)).at(0);
    EXPECT_TRUE(r.input_path.empty());
    std::string stem = r.file_stem();
    // "{unix time}_{1000..9999}", as PaddleX names results of numpy inputs.
    auto us = stem.find('_');
    ASSERT_NE(us, std::string::npos) << stem;
    EXPECT_EQ(stem.size() - us - 1, 4u) << stem;
    EXPECT_GT(std::stoll(stem.substr(0, us)), 1600000000LL) << stem;
    stems.insert(stem);
  }
  EXPECT_EQ(stems.size(), 3u);  // not all res_res.json any more
  std::string dir = test::temp_dir("unnamed");
  auto r = tiny_ocr().predict(Input::from_image(img)).at(0);
  EXPECT_EQ(fs::path(r.save_to_json(dir)).filename(), r.file_stem() + "_res.json");
  EXPECT_EQ(tiny_ocr().predict(Input::from_image(img, "named")).at(0).file_stem(), "named");
}

TEST(Visualisation, TextKeepsItsDescenders) {
  // "gjpqy" drawn into a box must leave ink in its lower part, inside the box, and none outside.
  cv::Mat canvas(120, 400, CV_8UC3, cv::Scalar::all(255));
  const cv::Rect box(20, 30, 300, 40);
  pipelines::put_text(canvas, "Agjpqy", box);
  cv::Mat gray, ink;
  cv::cvtColor(canvas, gray, cv::COLOR_BGR2GRAY);
  ink = gray < 160;
  cv::Rect bound = cv::boundingRect(ink);
  ASSERT_GT(bound.area(), 0);
  EXPECT_GE(bound.y, box.y);
  EXPECT_LE(bound.y + bound.height, box.y + box.height);
  EXPECT_GE(bound.x, box.x);
  EXPECT_LE(bound.x + bound.width, box.x + box.width);
  EXPECT_GT(bound.height, box.height * 0.75) << "text much smaller than its box";
  // The descenders reach the lower fifth of the box (they were cut off at the box's bottom).
  EXPECT_GT(cv::countNonZero(ink(cv::Rect(box.x, box.y + box.height * 4 / 5, box.width, box.height / 5))), 5);

  // And in the OCR visualisation: a line box whose text has descenders draws them inside the box.
  cv::Mat img(60, 200, CV_8UC3, cv::Scalar::all(200));
  Polygon p = {{10, 10}, {190, 10}, {190, 40}, {10, 40}};
  cv::Mat vis = pipelines::draw_ocr(img, {p}, {"gyp"});
  cv::Mat right = vis(cv::Rect(200, 0, 200, 60)), rg;
  cv::cvtColor(right, rg, cv::COLOR_BGR2GRAY);
  cv::Mat text_ink = rg < 100;
  cv::Rect tb = cv::boundingRect(text_ink(cv::Rect(12, 12, 176, 27)));  // inside the box outline
  ASSERT_GT(tb.area(), 0);
  EXPECT_GT(12 + tb.y + tb.height, 34);  // the descenders reach the box's lower part
}
