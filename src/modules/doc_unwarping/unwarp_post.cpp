#include "modules/doc_unwarping/unwarp_post.h"

#include <opencv2/imgproc.hpp>

#include "engine/error.h"

namespace ppocr::modules {

cv::Mat remap_with_grid(const cv::Mat& src, const cv::Mat& gx, const cv::Mat& gy) {
  PPOCR_CHECK(gx.size() == gy.size() && gx.type() == CV_32F && gy.type() == CV_32F, "unwarp: bad grid");
  cv::Mat mx(gx.size(), CV_32F), my(gy.size(), CV_32F);
  const float sx = (src.cols - 1) * 0.5f, sy = (src.rows - 1) * 0.5f;
  for (int y = 0; y < gx.rows; ++y)
    for (int x = 0; x < gx.cols; ++x) {
      mx.at<float>(y, x) = (gx.at<float>(y, x) + 1.f) * sx;
      my.at<float>(y, x) = (gy.at<float>(y, x) + 1.f) * sy;
    }
  cv::Mat out;
  cv::remap(src, out, mx, my, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

cv::Mat unwarp_from_output(const engine::Tensor& out, const cv::Mat& src) {
  PPOCR_CHECK(out.rank() == 4 && out.dim(0) == 1 && out.dim(2) > 0 && out.dim(3) > 0,
              "text image unwarping: unexpected model output ", out.desc());
  const int c = static_cast<int>(out.dim(1)), h = static_cast<int>(out.dim(2)), w = static_cast<int>(out.dim(3));
  const float* d = out.data<float>();
  const size_t plane = size_t(h) * w;
  if (c == 3) {
    cv::Mat img(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y) {
      uint8_t* row = img.ptr<uint8_t>(y);
      for (int x = 0; x < w; ++x)
        for (int k = 0; k < 3; ++k)  // output RGB -> BGR
          row[x * 3 + k] = cv::saturate_cast<uint8_t>(d[(2 - k) * plane + size_t(y) * w + x] * 255.f);
    }
    return img;
  }
  PPOCR_CHECK(c == 2, "text image unwarping: output with ", c, " channels (expected 3 = image or 2 = grid)");
  cv::Mat gx(h, w, CV_32F, const_cast<float*>(d)), gy(h, w, CV_32F, const_cast<float*>(d + plane));
  cv::Mat fx, fy;
  cv::resize(gx, fx, src.size(), 0, 0, cv::INTER_LINEAR);
  cv::resize(gy, fy, src.size(), 0, 0, cv::INTER_LINEAR);
  return remap_with_grid(src, fx, fy);
}

}  // namespace ppocr::modules
