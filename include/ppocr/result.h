// OCRResult: one page's result, with exactly PaddleOCR 3.x's JSON fields.
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

namespace ppocr {

// A polygon in pixel coordinates (4 points, clockwise from top-left, for quads).
using Polygon = std::vector<cv::Point>;

struct TextDetParams {
  int limit_side_len = 960;
  std::string limit_type = "max";
  float thresh = 0.3f;
  int max_side_limit = 4000;
  float box_thresh = 0.6f;
  float unclip_ratio = 1.5f;
};

struct DocPreprocessorResult {
  std::string input_path;         // empty = null
  std::optional<int> page_index;
  bool use_doc_orientation_classify = false;
  bool use_doc_unwarping = false;
  int angle = -1;                 // 0, 90, 180, 270; -1 when orientation classification is off
  cv::Mat input_img;              // the page as given (BGR)
  cv::Mat rot_img;                // after rotating it upright (= input_img when orientation is off)
  cv::Mat output_img;             // the preprocessed image (rotated back, unwarped)
  // PaddleX's visualisation: original | rotated | unwarped side by side, each
  // captioned below ("Rotated Image (True, 180)"). Empty without the images.
  cv::Mat img() const;
};

struct OCRResult {
  std::string input_path;         // empty = null (in-memory input)
  std::optional<int> page_index;  // PDF pages only
  std::string name;               // base name for saved files

  bool use_doc_preprocessor = false;
  bool use_textline_orientation = false;
  std::optional<DocPreprocessorResult> doc_preprocessor_res;  // present iff use_doc_preprocessor

  std::vector<Polygon> dt_polys;
  std::vector<float> dt_scores;   // the detection score of each dt_poly
  TextDetParams text_det_params;
  std::string text_type = "general";
  std::vector<int> textline_orientation_angles;  // per dt_poly; -1 when the module is off
  float text_rec_score_thresh = 0.0f;
  bool return_word_box = false;
  std::vector<std::string> rec_texts;
  std::vector<float> rec_scores;
  std::vector<Polygon> rec_polys;                // the dt_polys kept after the score filter
  std::vector<std::array<int, 4>> rec_boxes;     // x_min, y_min, x_max, y_max of each rec_poly
  // With return_word_box (else empty), per rec_text: its words (CJK characters
  // one each; the words joined give the text) and each word's region, 4
  // points clockwise from top-left, from the CTC alignment as PaddleX computes
  // them. The JSON adds text_word_boxes: each region as x_min, y_min, x_max, y_max.
  std::vector<std::vector<std::string>> text_word;
  std::vector<std::vector<Polygon>> text_word_region;

  cv::Mat image;                  // the image the boxes refer to (after doc preprocessing)

  // PaddleOCR's `.json`: {"res": {...}}, keys in PaddleOCR's order (an
  // ordered_json converts to nlohmann::json, which sorts them).
  nlohmann::ordered_json to_json() const;
  // The inner object ("res").
  nlohmann::ordered_json res_json() const;
  // The serving API's prunedResult: res_json() without input_path and page_index.
  nlohmann::ordered_json pruned_json() const;
  // Prints to_json() to stdout, indented like PaddleOCR's print().
  void print(int indent = 4) const;
  // Writes {"res": ...} to `path`: a directory gets `{name}_res.json`, anything
  // else is taken as the file name. Returns the file written.
  std::string save_to_json(const std::string& path, int indent = 4, bool ensure_ascii = false) const;
  // PaddleOCR's visualisations: "ocr_res_img" (input with boxes | white canvas with
  // the texts) and, with doc preprocessing, "preprocessed_img" (DocPreprocessorResult::img()).
  std::map<std::string, cv::Mat> img() const;
  // Writes `{stem}_ocr_res_img.{ext}` (+ `{stem}_preprocessed_img.{ext}`, as
  // PaddleX names them) into the directory `path` (or the first to `path`
  // itself when it has an image extension). Returns the files written.
  std::vector<std::string> save_to_img(const std::string& path) const;
  // The saved-file stem: name, else the input file's stem, else "res"; plus
  // "_{page_index}" for PDF pages. (The pipeline names unnamed in-memory inputs
  // as PaddleX does: "{unix time}_{4 random digits}".)
  std::string file_stem() const;
};

}  // namespace ppocr
