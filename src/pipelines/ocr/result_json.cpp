// OCRResult: JSON (PaddleOCR 3.x's field names, order and types), print,
// save_to_json.
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

nlohmann::json nullable(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }
nlohmann::json nullable(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json polys(const std::vector<Polygon>& ps) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : ps) {
    nlohmann::json q = nlohmann::json::array();
    for (const auto& pt : p) q.push_back({pt.x, pt.y});
    a.push_back(std::move(q));
  }
  return a;
}

}  // namespace

nlohmann::json OCRResult::res_json() const {
  nlohmann::json j;
  j["input_path"] = nullable(input_path);
  j["page_index"] = nullable(page_index);
  j["model_settings"] = {{"use_doc_preprocessor", use_doc_preprocessor},
                         {"use_textline_orientation", use_textline_orientation}};
  if (use_doc_preprocessor && doc_preprocessor_res) {
    const auto& d = *doc_preprocessor_res;
    j["doc_preprocessor_res"] = {
        {"input_path", nullable(d.input_path)},
        {"page_index", nullable(d.page_index)},
        {"model_settings",
         {{"use_doc_orientation_classify", d.use_doc_orientation_classify}, {"use_doc_unwarping", d.use_doc_unwarping}}},
        {"angle", d.angle}};
  }
  j["dt_polys"] = polys(dt_polys);
  j["text_det_params"] = {{"limit_side_len", text_det_params.limit_side_len},
                          {"limit_type", text_det_params.limit_type},
                          {"thresh", tidy(text_det_params.thresh)},
                          {"max_side_limit", text_det_params.max_side_limit},
                          {"box_thresh", tidy(text_det_params.box_thresh)},
                          {"unclip_ratio", tidy(text_det_params.unclip_ratio)}};
  j["text_type"] = text_type;
  j["textline_orientation_angles"] = textline_orientation_angles;
  j["text_rec_score_thresh"] = tidy(text_rec_score_thresh);
  // Texts are sanitised to valid UTF-8 so that every dump succeeds.
  nlohmann::json texts = nlohmann::json::array();
  for (const auto& t : rec_texts)
    texts.push_back(nlohmann::json::parse(
        nlohmann::json(t).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  j["rec_texts"] = texts;
  j["rec_scores"] = rec_scores;
  j["rec_polys"] = polys(rec_polys);
  nlohmann::json boxes = nlohmann::json::array();
  for (const auto& b : rec_boxes) boxes.push_back({b[0], b[1], b[2], b[3]});
  j["rec_boxes"] = boxes;
  return j;
}

nlohmann::json OCRResult::to_json() const { return {{"res", res_json()}}; }

nlohmann::json OCRResult::pruned_json() const {
  nlohmann::json j = res_json();
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
// Key order matters to people reading the files: write in PaddleOCR's order.
std::string dump_ordered(const OCRResult& r, int indent, bool ensure_ascii) {
  // nlohmann::json sorts keys; rebuild in PaddleOCR's order.
  static const char* keys[] = {"input_path", "page_index", "model_settings", "doc_preprocessor_res",
                               "dt_polys", "text_det_params", "text_type", "textline_orientation_angles",
                               "text_rec_score_thresh", "rec_texts", "rec_scores", "rec_polys", "rec_boxes"};
  nlohmann::json res = r.res_json();
  nlohmann::ordered_json o;
  for (const char* k : keys) {
    if (!res.contains(k)) continue;
    if (std::string(k) == "text_det_params") {
      nlohmann::ordered_json p;
      for (const char* pk : {"limit_side_len", "limit_type", "thresh", "max_side_limit", "box_thresh", "unclip_ratio"})
        p[pk] = res[k][pk];
      o[k] = p;
    } else if (std::string(k) == "doc_preprocessor_res") {
      nlohmann::ordered_json d;
      for (const char* dk : {"input_path", "page_index", "model_settings", "angle"}) d[dk] = res[k][dk];
      o[k] = d;
    } else {
      o[k] = res[k];
    }
  }
  nlohmann::ordered_json top;
  top["res"] = o;
  return top.dump(indent, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
}
}  // namespace

void OCRResult::print(int indent) const { std::cout << dump_ordered(*this, indent, false) << std::endl; }

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
  f << dump_ordered(*this, indent, ensure_ascii) << "\n";
  PPOCR_CHECK(f.good(), "error writing ", file.string());
  return file.string();
}

}  // namespace ppocr
