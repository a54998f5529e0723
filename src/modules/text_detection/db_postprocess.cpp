#include "modules/text_detection/db_postprocess.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <polyclipping/clipper.hpp>

#include "engine/error.h"
#include "modules/common/image_ops.h"

namespace ppocr::modules {

std::vector<cv::Point2f> mini_box(const std::vector<cv::Point2f>& pts, float* short_side) {
  cv::RotatedRect r = cv::minAreaRect(pts);
  cv::Point2f v[4];
  r.points(v);
  std::vector<cv::Point2f> p(v, v + 4);
  std::stable_sort(p.begin(), p.end(), [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  int i1 = 0, i2 = 1, i3 = 2, i4 = 3;
  if (p[1].y > p[0].y) { i1 = 0; i4 = 1; } else { i1 = 1; i4 = 0; }
  if (p[3].y > p[2].y) { i2 = 2; i3 = 3; } else { i2 = 3; i3 = 2; }
  if (short_side) *short_side = std::min(r.size.width, r.size.height);
  return {p[i1], p[i2], p[i3], p[i4]};
}

float box_score_fast(const cv::Mat& prob, const std::vector<cv::Point2f>& box) {
  const int h = prob.rows, w = prob.cols;
  float fx0 = box[0].x, fx1 = box[0].x, fy0 = box[0].y, fy1 = box[0].y;
  for (const auto& q : box) {
    fx0 = std::min(fx0, q.x); fx1 = std::max(fx1, q.x);
    fy0 = std::min(fy0, q.y); fy1 = std::max(fy1, q.y);
  }
  auto clampi = [](double v, int hi) { return std::max(0, std::min(static_cast<int>(v), hi)); };
  int xmin = clampi(std::floor(fx0), w - 1), xmax = clampi(std::ceil(fx1), w - 1);
  int ymin = clampi(std::floor(fy0), h - 1), ymax = clampi(std::ceil(fy1), h - 1);
  cv::Mat mask = cv::Mat::zeros(ymax - ymin + 1, xmax - xmin + 1, CV_8U);
  std::vector<cv::Point> poly;
  for (const auto& q : box) poly.emplace_back(static_cast<int>(q.x - xmin), static_cast<int>(q.y - ymin));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, cv::Scalar(1));
  return static_cast<float>(cv::mean(prob(cv::Rect(xmin, ymin, xmax - xmin + 1, ymax - ymin + 1)), mask)[0]);
}

std::vector<std::vector<cv::Point>> unclip(const std::vector<cv::Point2f>& box, float ratio) {
  double area = std::fabs(cv::contourArea(box));
  double length = cv::arcLength(box, true);
  std::vector<std::vector<cv::Point>> out;
  if (length <= 0) return out;
  double distance = area * ratio / length;
  ClipperLib::Path path;
  for (const auto& q : box)
    path.emplace_back(static_cast<ClipperLib::cInt>(q.x), static_cast<ClipperLib::cInt>(q.y));
  ClipperLib::ClipperOffset off;  // miter limit 2, arc tolerance 0.25, as pyclipper
  off.AddPath(path, ClipperLib::jtRound, ClipperLib::etClosedPolygon);
  ClipperLib::Paths solution;
  off.Execute(solution, distance);
  for (const auto& s : solution) {
    std::vector<cv::Point> poly;
    for (const auto& ip : s) poly.emplace_back(static_cast<int>(ip.X), static_cast<int>(ip.Y));
    out.push_back(std::move(poly));
  }
  return out;
}

DBBoxes db_postprocess(const cv::Mat& prob, int dest_w, int dest_h, const DBParams& p) {
  PPOCR_CHECK(prob.type() == CV_32F && !prob.empty(), "DB post-processing: expected a float32 map");
  const int height = prob.rows, width = prob.cols;
  cv::Mat bitmap = prob > p.thresh;  // 0 / 255
  if (p.use_dilation) cv::dilate(bitmap, bitmap, cv::Mat::ones(2, 2, CV_8U));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const size_t n = std::min(contours.size(), static_cast<size_t>(std::max(0, p.max_candidates)));
  const double sx = double(dest_w) / width, sy = double(dest_h) / height;
  DBBoxes res;
  for (size_t i = 0; i < n; ++i) {
    std::vector<cv::Point2f> c(contours[i].begin(), contours[i].end());
    float sside = 0;
    std::vector<cv::Point2f> pts = mini_box(c, &sside);
    if (sside < p.min_size) continue;
    float score = box_score_fast(prob, pts);
    if (p.box_thresh > score) continue;
    auto expanded = unclip(pts, p.unclip_ratio);
    if (expanded.size() != 1 || expanded[0].size() < 3) continue;
    std::vector<cv::Point2f> ex(expanded[0].begin(), expanded[0].end());
    std::vector<cv::Point2f> box = mini_box(ex, &sside);
    if (sside < p.min_size + 2) continue;
    Polygon q;
    for (const auto& b : box) {
      int x = static_cast<int>(std::max(0.0, std::min(round_half_even(b.x * sx), double(dest_w))));
      int y = static_cast<int>(std::max(0.0, std::min(round_half_even(b.y * sy), double(dest_h))));
      q.emplace_back(x, y);
    }
    res.boxes.push_back(std::move(q));
    res.scores.push_back(score);
  }
  return res;
}

}  // namespace ppocr::modules
