// OCRResult: JSON (PaddleOCR 3.x's field names, order and types), print,
// save_to_json.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/error.h"
#include "ppocr/result.h"

namespace fs = std::filesystem;

namespace ppocr {
namespace {

// A float parameter as the shortest decimal that round-trips through float
// (0.3f -> 0.3, as Python prints the value it was given).
double tidy(float f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(f));
  return std::strtod(buf, nullptr);
}

using ojson = nlohmann::ordered_json;

ojson nullable(const std::string& s) { return s.empty() ? ojson(nullptr) : ojson(s); }
ojson nullable(const std::optional<int>& v) { return v ? ojson(*v) : ojson(nullptr); }

ojson polys(const std::vector<Polygon>& ps) {
  ojson a = ojson::array();
  for (const auto& p : ps) {
    ojson q = ojson::array();
    for (const auto& pt : p) q.push_back({pt.x, pt.y});
    a.push_back(std::move(q));
  }
  return a;
}

// Text sanitised to valid UTF-8, so that every dump succeeds.
ojson text(const std::string& t) {
  return ojson::parse(ojson(t).dump(-1, ' ', false, ojson::error_handler_t::replace));
}

// PaddleX's convert_points_to_boxes: each polygon's x_min, y_min, x_max, y_max.
ojson boxes_of(const std::vector<Polygon>& ps) {
  ojson a = ojson::array();
  for (const auto& p : ps) {
    if (p.empty()) continue;
    int x0 = p[0].x, y0 = p[0].y, x1 = x0, y1 = y0;
    for (const auto& pt : p) {
      x0 = std::min(x0, pt.x), x1 = std::max(x1, pt.x);
      y0 = std::min(y0, pt.y), y1 = std::max(y1, pt.y);
    }
    a.push_back({x0, y0, x1, y1});
  }
  return a;
}

}  // namespace

// Keys in PaddleOCR 3.7's order (OCRResult._to_json; dt_scores after dt_polys
// as its docs list them; the word boxes last).
ojson OCRResult::res_json() const {
  ojson j;
  j["input_path"] = nullable(input_path);
  j["page_index"] = nullable(page_index);
  j["model_settings"] = {{"use_doc_preprocessor", use_doc_preprocessor},
                         {"use_textline_orientation", use_textline_orientation}};
  if (use_doc_preprocessor && doc_preprocessor_res) {
    const auto& d = *doc_preprocessor_res;
    ojson dj;
    dj["input_path"] = nullable(d.input_path);
    dj["page_index"] = nullable(d.page_index);
    dj["model_settings"] = {{"use_doc_orientation_classify", d.use_doc_orientation_classify},
                            {"use_doc_unwarping", d.use_doc_unwarping}};
    dj["angle"] = d.angle;
    j["doc_preprocessor_res"] = std::move(dj);
  }
  j["dt_polys"] = polys(dt_polys);
  j["dt_scores"] = dt_scores;
  ojson p;
  p["limit_side_len"] = text_det_params.limit_side_len;
  p["limit_type"] = text_det_params.limit_type;
  p["thresh"] = tidy(text_det_params.thresh);
  p["max_side_limit"] = text_det_params.max_side_limit;
  p["box_thresh"] = tidy(text_det_params.box_thresh);
  p["unclip_ratio"] = tidy(text_det_params.unclip_ratio);
  j["text_det_params"] = std::move(p);
  j["text_type"] = text_type;
  j["textline_orientation_angles"] = textline_orientation_angles;
  j["text_rec_score_thresh"] = tidy(text_rec_score_thresh);
  j["return_word_box"] = return_word_box;
  ojson texts = ojson::array();
  for (const auto& t : rec_texts) texts.push_back(text(t));
  j["rec_texts"] = std::move(texts);
  j["rec_scores"] = rec_scores;
  j["rec_polys"] = polys(rec_polys);
  ojson boxes = ojson::array();
  for (const auto& b : rec_boxes) boxes.push_back({b[0], b[1], b[2], b[3]});
  j["rec_boxes"] = std::move(boxes);
  if (return_word_box) {
    ojson words = ojson::array(), regions = ojson::array(), word_boxes = ojson::array();
    for (const auto& line : text_word) {
      ojson w = ojson::array();
      for (const auto& t : line) w.push_back(text(t));
      words.push_back(std::move(w));
    }
    for (const auto& line : text_word_region) {
      regions.push_back(polys(line));
      word_boxes.push_back(boxes_of(line));
    }
    j["text_word"] = std::move(words);
    j["text_word_region"] = std::move(regions);
    j["text_word_boxes"] = std::move(word_boxes);
  }
  return j;
}

ojson OCRResult::to_json() const {
  ojson top;
  top["res"] = res_json();
  return top;
}

ojson OCRResult::pruned_json() const {
  ojson j = res_json();
  j.erase("input_path");
  j.erase("page_index");
  return j;
}

std::string OCRResult::file_stem() const {
  std::string stem = !name.empty() ? name : (!input_path.empty() ? fs::path(input_path).stem().string() : "res");
  if (page_index) stem += "_" + std::to_string(*page_index);
  return stem;
}

namespace {
std::string dump(const OCRResult& r, int indent, bool ensure_ascii) {
  return r.to_json().dump(indent, ' ', ensure_ascii, ojson::error_handler_t::replace);
}
}  // namespace

void OCRResult::print(int indent) const { std::cout << dump(*this, indent, false) << std::endl; }

std::string OCRResult::save_to_json(const std::string& path, int indent, bool ensure_ascii) const {
  std::error_code ec;
  fs::path p(path);
  fs::path file;
  if (fs::is_directory(p, ec) || p.extension() != ".json") {
    fs::create_directories(p, ec);
    PPOCR_CHECK(fs::is_directory(p, ec), "cannot create directory ", p.string());
    file = p / (file_stem() + "_res.json");
  } else {
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    file = p;
  }
  std::ofstream f(file, std::ios::binary);
  PPOCR_CHECK(f.good(), "cannot write ", file.string());
  f << dump(*this, indent, ensure_ascii) << "\n";
  PPOCR_CHECK(f.good(), "error writing ", file.string());
  return file.string();
}

}  // namespace ppocr
