#include "modules/text_detection/det_resize.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "modules/common/image_ops.h"

namespace ppocr::modules {

cv::Size det_target_size(int h, int w, const DetResizeParams& p) {
  PPOCR_CHECK(h > 0 && w > 0, "text detection: empty image");
  if (p.fixed_h > 0 && p.fixed_w > 0) return {p.fixed_w, p.fixed_h};
  PPOCR_CHECK(p.limit_side_len > 0, "text_det_limit_side_len must be > 0, got ", p.limit_side_len);
  double ratio = 1.0;
  if (p.limit_type == "max") {
    if (std::max(h, w) > p.limit_side_len) ratio = double(p.limit_side_len) / std::max(h, w);
  } else if (p.limit_type == "min") {
    if (std::min(h, w) < p.limit_side_len) ratio = double(p.limit_side_len) / std::min(h, w);
  } else if (p.limit_type == "resize_long") {
    ratio = double(p.limit_side_len) / std::max(h, w);
  } else {
    fail("text_det_limit_type must be 'min' or 'max', got '", p.limit_type, "'");
  }
  double rh = std::floor(h * ratio), rw = std::floor(w * ratio);
  if (p.max_side_limit > 0 && std::max(rh, rw) > p.max_side_limit) {
    double r = double(p.max_side_limit) / std::max(rh, rw);
    rh = std::floor(rh * r);
    rw = std::floor(rw * r);
  }
  int oh = std::max(static_cast<int>(round_half_even(rh / 32.0) * 32), 32);
  int ow = std::max(static_cast<int>(round_half_even(rw / 32.0) * 32), 32);
  return {ow, oh};
}

cv::Mat det_resize(const cv::Mat& bgr, const DetResizeParams& p) {
  cv::Mat img = bgr;
  if (img.rows + img.cols < 64) {
    cv::Mat pad(std::max(32, img.rows), std::max(32, img.cols), img.type(), cv::Scalar::all(0));
    img.copyTo(pad(cv::Rect(0, 0, img.cols, img.rows)));
    img = pad;
  }
  cv::Size t = det_target_size(img.rows, img.cols, p);
  if (t.width == img.cols && t.height == img.rows) return img;
  cv::Mat out;
  cv::resize(img, out, t, 0, 0, cv::INTER_LINEAR);
  return out;
}

}  // namespace ppocr::modules
