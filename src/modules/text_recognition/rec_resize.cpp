#include "modules/text_recognition/rec_resize.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "engine/error.h"

namespace ppocr::modules {

static constexpr int kMaxRecWidth = 3200;

int rec_batch_width(const RecShape& s, double max_wh_ratio) {
  return std::min(kMaxRecWidth, std::max(1, static_cast<int>(s.h * max_wh_ratio)));
}

cv::Mat rec_resize_norm(const cv::Mat& img, const RecShape& s, double max_wh_ratio) {
  PPOCR_CHECK(!img.empty() && img.rows > 0 && img.cols > 0, "text recognition: empty crop");
  PPOCR_CHECK(img.type() == CV_8UC3, "text recognition: expected an 8-bit 3-channel crop");
  int imgw = static_cast<int>(s.h * max_wh_ratio);
  int rw;
  if (imgw > kMaxRecWidth) {
    rw = kMaxRecWidth;
  } else {
    double ratio = img.cols / double(img.rows);
    double want = std::ceil(s.h * ratio);
    rw = want > imgw ? imgw : static_cast<int>(want);
  }
  rw = std::max(rw, 1);
  cv::Mat resized;
  cv::resize(img, resized, cv::Size(rw, s.h), 0, 0, cv::INTER_LINEAR);
  cv::Mat out;
  resized.convertTo(out, CV_32FC3, 2.0 / 255.0, -1.0);
  return out;
}

}  // namespace ppocr::modules
