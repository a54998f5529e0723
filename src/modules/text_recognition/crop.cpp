#include "modules/text_recognition/crop.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "modules/text_detection/db_postprocess.h"

namespace ppocr::modules {

cv::Mat rotate_crop(const cv::Mat& img, const std::vector<cv::Point2f>& p) {
  PPOCR_CHECK(p.size() == 4, "crop: expected 4 points");
  auto dist = [](cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); };
  int w = static_cast<int>(std::max(dist(p[0], p[1]), dist(p[2], p[3])));
  int h = static_cast<int>(std::max(dist(p[0], p[3]), dist(p[1], p[2])));
  w = std::max(w, 1);
  h = std::max(h, 1);
  cv::Point2f dst[4] = {{0.f, 0.f}, {float(w), 0.f}, {float(w), float(h)}, {0.f, float(h)}};
  cv::Point2f src[4] = {p[0], p[1], p[2], p[3]};
  cv::Mat m = cv::getPerspectiveTransform(src, dst);
  cv::Mat out;
  cv::warpPerspective(img, out, m, cv::Size(w, h), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  if (out.rows * 1.0 / out.cols >= 1.5) cv::rotate(out, out, cv::ROTATE_90_COUNTERCLOCKWISE);
  return out;
}

cv::Mat crop_text_line(const cv::Mat& img, const Polygon& poly) {
  PPOCR_CHECK(poly.size() >= 3, "crop: polygon with fewer than 3 points");
  std::vector<cv::Point2f> pts(poly.begin(), poly.end());
  // A DB quad is already a minimum-area rectangle in reading order: crop it as
  // it is (PaddleOCR's TextSystem does; PaddleX 3.x re-fits a rectangle to the
  // rounded corners, which moves the crop by sub-pixel amounts and scored lower
  // here, see docs/accuracy.md). Like TextSystem's clip_det_res, its corners are
  // first clamped to the last pixel centre (DB boxes may reach x = width).
  // Other polygons get their minimum-area box.
  if (pts.size() == 4) {
    for (auto& q : pts) {
      q.x = std::clamp(q.x, 0.f, float(img.cols - 1));
      q.y = std::clamp(q.y, 0.f, float(img.rows - 1));
    }
    return rotate_crop(img, pts);
  }
  return rotate_crop(img, mini_box(pts, nullptr));
}

}  // namespace ppocr::modules
