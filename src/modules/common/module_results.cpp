// JSON of the module results (PaddleX module result schemas) and the
// orientation helper.
#include <opencv2/core.hpp>

#include "engine/error.h"
#include "ppocr/modules.h"

namespace ppocr {
namespace {

nlohmann::json path_fields(const std::string& input_path, const std::optional<int>& page_index) {
  nlohmann::json j = nlohmann::json::object();
  j["input_path"] = input_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(input_path);
  j["page_index"] = page_index ? nlohmann::json(*page_index) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json polys_json(const std::vector<Polygon>& polys) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& p : polys) {
    nlohmann::json q = nlohmann::json::array();
    for (const auto& pt : p) q.push_back({pt.x, pt.y});
    a.push_back(std::move(q));
  }
  return a;
}

}  // namespace

nlohmann::json TextDetectionResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["dt_polys"] = polys_json(dt_polys);
  j["dt_scores"] = dt_scores;
  return {{"res", j}};
}

nlohmann::json TextRecognitionResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["rec_text"] = rec_text;
  j["rec_score"] = rec_score;
  return {{"res", j}};
}

nlohmann::json ClassificationResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["class_ids"] = {class_id};
  j["scores"] = {score};
  j["label_names"] = {label_name};
  return {{"res", j}};
}

nlohmann::json TextImageUnwarpingResult::to_json() const {
  return {{"res", path_fields(input_path, page_index)}};
}

cv::Mat rotate_upright(const cv::Mat& img, int angle) {
  cv::Mat out;
  switch (angle) {
    case 0: return img;
    case 90: cv::rotate(img, out, cv::ROTATE_90_COUNTERCLOCKWISE); return out;
    case 180: cv::rotate(img, out, cv::ROTATE_180); return out;
    case 270: cv::rotate(img, out, cv::ROTATE_90_CLOCKWISE); return out;
  }
  fail("document orientation angle must be 0, 90, 180 or 270, got ", angle);
}

}  // namespace ppocr
