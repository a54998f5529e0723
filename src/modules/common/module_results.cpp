// JSON of the module results (PaddleX module result schemas, keys in PaddleX's
// order) and the orientation helper.
#include <opencv2/core.hpp>

#include "engine/error.h"
#include "ppocr/modules.h"

namespace ppocr {
namespace {

using ojson = nlohmann::ordered_json;

ojson path_fields(const std::string& input_path, const std::optional<int>& page_index) {
  ojson j = ojson::object();
  j["input_path"] = input_path.empty() ? ojson(nullptr) : ojson(input_path);
  j["page_index"] = page_index ? ojson(*page_index) : ojson(nullptr);
  return j;
}

ojson polys_json(const std::vector<Polygon>& polys) {
  ojson a = ojson::array();
  for (const auto& p : polys) {
    ojson q = ojson::array();
    for (const auto& pt : p) q.push_back({pt.x, pt.y});
    a.push_back(std::move(q));
  }
  return a;
}

}  // namespace

ojson TextDetectionResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["dt_polys"] = polys_json(dt_polys);
  j["dt_scores"] = dt_scores;
  return {{"res", j}};
}

ojson TextRecognitionResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["rec_text"] = rec_text;
  j["rec_score"] = rec_score;
  return {{"res", j}};
}

ojson ClassificationResult::to_json() const {
  auto j = path_fields(input_path, page_index);
  j["class_ids"] = ojson::array({class_id});
  j["scores"] = ojson::array({score});
  j["label_names"] = ojson::array({label_name});
  return {{"res", j}};
}

ojson TextImageUnwarpingResult::to_json() const {
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
