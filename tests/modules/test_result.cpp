// OCRResult JSON: PaddleOCR's field names, nesting and types; file names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "ppocr/result.h"

using namespace ppocr;
using nlohmann::json;

namespace {
OCRResult sample() {
  OCRResult r;
  r.input_path = "/data/img_7.jpg";
  r.name = "img_7";
  r.use_doc_preprocessor = true;
  r.use_textline_orientation = false;
  DocPreprocessorResult d;
  d.use_doc_orientation_classify = true;
  d.use_doc_unwarping = false;
  d.angle = 180;
  r.doc_preprocessor_res = d;
  r.dt_polys = {{{1, 2}, {30, 2}, {30, 12}, {1, 12}}, {{5, 40}, {50, 41}, {50, 60}, {5, 59}}};
  r.dt_scores = {0.875f, 0.75f};
  r.textline_orientation_angles = {-1, -1};
  r.text_rec_score_thresh = 0.5f;
  r.rec_texts = {"Hello", "Wörld"};
  r.rec_scores = {0.98f, 0.51f};
  r.rec_polys = r.dt_polys;
  r.rec_boxes = {{1, 2, 30, 12}, {5, 40, 50, 60}};
  r.image = cv::Mat(80, 60, CV_8UC3, cv::Scalar::all(128));
  return r;
}
}  // namespace

TEST(ResultJson, FieldsNamesAndTypes) {
  nlohmann::ordered_json top = sample().to_json();
  ASSERT_TRUE(top.contains("res"));
  const nlohmann::ordered_json& j = top["res"];
  // PaddleOCR 3.7's keys, in its order.
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"input_path", "page_index", "model_settings", "doc_preprocessor_res",
                                            "dt_polys", "dt_scores", "text_det_params", "text_type",
                                            "textline_orientation_angles", "text_rec_score_thresh", "return_word_box",
                                            "rec_texts", "rec_scores", "rec_polys", "rec_boxes"}));
  std::vector<std::string> det_keys;
  for (auto it = j["text_det_params"].begin(); it != j["text_det_params"].end(); ++it) det_keys.push_back(it.key());
  EXPECT_EQ(det_keys, (std::vector<std::string>{"limit_side_len", "limit_type", "thresh", "max_side_limit",
                                                "box_thresh", "unclip_ratio"}));
  EXPECT_EQ(j["dt_scores"].size(), j["dt_polys"].size());
  EXPECT_DOUBLE_EQ(j["dt_scores"][0].get<double>(), 0.875);
  EXPECT_EQ(j["return_word_box"], false);
  EXPECT_FALSE(j.contains("text_word"));
  EXPECT_EQ(j["input_path"], "/data/img_7.jpg");
  EXPECT_TRUE(j["page_index"].is_null());
  EXPECT_EQ(json(j["model_settings"]), json({{"use_doc_preprocessor", true}, {"use_textline_orientation", false}}));
  const auto& d = j["doc_preprocessor_res"];
  EXPECT_TRUE(d["input_path"].is_null());
  EXPECT_EQ(d["model_settings"]["use_doc_orientation_classify"], true);
  EXPECT_EQ(d["model_settings"]["use_doc_unwarping"], false);
  EXPECT_TRUE(d["angle"].is_number_integer());
  EXPECT_EQ(d["angle"], 180);
  EXPECT_TRUE(j["dt_polys"][0][0][0].is_number_integer());
  EXPECT_EQ(json(j["dt_polys"][1][1]), json({50, 41}));
  const auto& p = j["text_det_params"];
  EXPECT_TRUE(p["limit_side_len"].is_number_integer());
  EXPECT_TRUE(p["max_side_limit"].is_number_integer());
  EXPECT_EQ(p["limit_type"], "max");
  EXPECT_TRUE(p["thresh"].is_number_float());
  EXPECT_DOUBLE_EQ(p["thresh"].get<double>(), 0.3);  // printed as the value given, not 0.30000001
  EXPECT_DOUBLE_EQ(p["unclip_ratio"].get<double>(), 1.5);
  EXPECT_EQ(j["text_type"], "general");
  EXPECT_EQ(json(j["textline_orientation_angles"]), json({-1, -1}));
  EXPECT_DOUBLE_EQ(j["text_rec_score_thresh"].get<double>(), 0.5);
  EXPECT_EQ(j["rec_texts"][1], "Wörld");
  EXPECT_TRUE(j["rec_scores"][0].is_number_float());
  EXPECT_EQ(json(j["rec_boxes"][1]), json({5, 40, 50, 60}));
}

TEST(ResultJson, WordBoxesLastAndEmptyPagesHaveEmptyLists) {
  OCRResult r = sample();
  r.return_word_box = true;
  r.text_word = {{"Hello"}, {"W", "ö", "rld"}};
  r.text_word_region = {{{{1, 2}, {30, 2}, {30, 12}, {1, 12}}},
                        {{{5, 40}, {9, 40}, {9, 60}, {5, 60}},
                         {{9, 40}, {12, 40}, {12, 60}, {9, 60}},
                         {{12, 40}, {50, 40}, {50, 60}, {12, 60}}}};
  nlohmann::ordered_json j = r.res_json();
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  ASSERT_GE(keys.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(keys.end() - 4, keys.end()),
            (std::vector<std::string>{"rec_boxes", "text_word", "text_word_region", "text_word_boxes"}));
  EXPECT_EQ(j["return_word_box"], true);
  EXPECT_EQ(json(j["text_word"][1]), json({"W", "ö", "rld"}));
  EXPECT_EQ(json(j["text_word_region"][1][2]), json({{12, 40}, {50, 40}, {50, 60}, {12, 60}}));
  EXPECT_EQ(json(j["text_word_boxes"][1][2]), json({12, 40, 50, 60}));
  // PaddleOCR bug #16315: a page without text broke word boxes; here its lists are empty.
  OCRResult empty;
  empty.return_word_box = true;
  nlohmann::ordered_json e = empty.res_json();
  EXPECT_EQ(json(e["text_word"]), json::array());
  EXPECT_EQ(json(e["text_word_region"]), json::array());
  EXPECT_EQ(json(e["text_word_boxes"]), json::array());
  EXPECT_EQ(json(e["dt_scores"]), json::array());
}

TEST(ResultJson, DocPreprocessorAbsentWhenOffAndPruned) {
  OCRResult r = sample();
  r.use_doc_preprocessor = false;
  json j = r.res_json();
  EXPECT_FALSE(j.contains("doc_preprocessor_res"));
  json pr = r.pruned_json();
  EXPECT_FALSE(pr.contains("input_path"));
  EXPECT_FALSE(pr.contains("page_index"));
  EXPECT_TRUE(pr.contains("rec_texts"));
  r.input_path.clear();
  EXPECT_TRUE(r.res_json()["input_path"].is_null());
}

TEST(ResultJson, InvalidUtf8IsReplacedNotThrown) {
  OCRResult r = sample();
  r.rec_texts[0] = std::string("ab\xff\xfe", 4);
  EXPECT_NO_THROW(r.to_json().dump());
}

TEST(ResultFiles, SaveJsonAndImageNames) {
  std::string dir = test::temp_dir("result_files");
  OCRResult r = sample();
  std::string f = r.save_to_json(dir);
  EXPECT_EQ(std::filesystem::path(f).filename(), "img_7_res.json");
  std::ifstream in(f);
  json back = json::parse(in);
  EXPECT_EQ(back["res"]["rec_texts"][0], "Hello");
  // Keys are written in PaddleOCR's order.
  std::ifstream raw(f);
  std::string text((std::istreambuf_iterator<char>(raw)), {});
  EXPECT_LT(text.find("\"input_path\""), text.find("\"model_settings\""));
  EXPECT_LT(text.find("\"dt_polys\""), text.find("\"rec_texts\""));

  r.doc_preprocessor_res->output_img = r.image;
  auto imgs = r.save_to_img(dir);
  ASSERT_EQ(imgs.size(), 2u);
  EXPECT_EQ(std::filesystem::path(imgs[0]).filename(), "img_7_ocr_res_img.jpg");
  EXPECT_EQ(std::filesystem::path(imgs[1]).filename(), "img_7_preprocessed_img.jpg");  // PaddleX's name
  cv::Mat vis = cv::imread(imgs[0]);
  EXPECT_EQ(vis.size(), cv::Size(120, 80));  // image | text canvas
  // original | rotated | unwarped, 25 px of captions below (PaddleX's DocPreprocessorResult image).
  EXPECT_EQ(cv::imread(imgs[1]).size(), cv::Size(180, 105));

  OCRResult page = sample();
  page.page_index = 3;
  page.name = "doc";
  page.input_path = "/x/doc.pdf";
  EXPECT_EQ(page.file_stem(), "doc_3");
  EXPECT_EQ(std::filesystem::path(page.save_to_json(dir)).filename(), "doc_3_res.json");
  auto pimgs = page.save_to_img(dir);
  EXPECT_EQ(std::filesystem::path(pimgs[0]).filename(), "doc_3_ocr_res_img.png");
}
