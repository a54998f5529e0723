#include "modules/classification/cls_preprocess.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "modules/common/image_ops.h"

namespace ppocr::modules {

cv::Mat ClsPreprocess::geometry(const cv::Mat& bgr) const {
  cv::Mat img;
  cv::cvtColor(to_bgr8(bgr), img, cv::COLOR_BGR2RGB);
  if (resize_w > 0 && resize_h > 0) {
    cv::resize(img, img, cv::Size(resize_w, resize_h), 0, 0, cv::INTER_LINEAR);
  } else if (resize_short > 0) {
    double s = resize_short / double(std::min(img.rows, img.cols));
    int h = static_cast<int>(round_half_even(img.rows * s)), w = static_cast<int>(round_half_even(img.cols * s));
    cv::resize(img, img, cv::Size(std::max(w, 1), std::max(h, 1)), 0, 0, cv::INTER_LINEAR);
  }
  if (crop > 0) {
    int cw = std::min(crop, img.cols), ch = std::min(crop, img.rows);
    int x = std::max(0, (img.cols - crop) / 2), y = std::max(0, (img.rows - crop) / 2);
    img = img(cv::Rect(x, y, cw, ch)).clone();
  }
  return img;
}

cv::Mat ClsPreprocess::operator()(const cv::Mat& bgr) const {
  return normalize(geometry(bgr), scale, mean, std);
}

void ensure_probabilities(float* v, int n) {
  if (n <= 0) return;
  double sum = 0;
  bool in_range = true;
  for (int i = 0; i < n; ++i) {
    sum += v[i];
    if (v[i] < 0.f || v[i] > 1.f) in_range = false;
  }
  if (in_range && std::fabs(sum - 1.0) < 1e-3) return;
  float mx = *std::max_element(v, v + n);
  double z = 0;
  for (int i = 0; i < n; ++i) z += std::exp(double(v[i]) - mx);
  for (int i = 0; i < n; ++i) v[i] = static_cast<float>(std::exp(double(v[i]) - mx) / z);
}

}  // namespace ppocr::modules
