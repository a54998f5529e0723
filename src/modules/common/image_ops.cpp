#include "modules/common/image_ops.h"

#include <cmath>
#include <cstring>

#include <opencv2/imgproc.hpp>

namespace ppocr::modules {

cv::Mat normalize(const cv::Mat& img, float scale, const std::array<float, 3>& mean,
                  const std::array<float, 3>& std) {
  PPOCR_CHECK(img.type() == CV_8UC3, "normalize: expected an 8-bit 3-channel image");
  cv::Mat out(img.rows, img.cols, CV_32FC3);
  float alpha[3], beta[3];
  for (int c = 0; c < 3; ++c) {
    PPOCR_CHECK(std[c] != 0.f, "normalize: std must not be 0");
    alpha[c] = scale / std[c];
    beta[c] = -mean[c] / std[c];
  }
  for (int y = 0; y < img.rows; ++y) {
    const uint8_t* s = img.ptr<uint8_t>(y);
    float* d = out.ptr<float>(y);
    for (int x = 0; x < img.cols; ++x)
      for (int c = 0; c < 3; ++c) d[x * 3 + c] = s[x * 3 + c] * alpha[c] + beta[c];
  }
  return out;
}

engine::Tensor normalize_to_nchw(const cv::Mat& img, float scale, const std::array<float, 3>& mean,
                                 const std::array<float, 3>& std) {
  PPOCR_CHECK(img.type() == CV_8UC3, "normalize: expected an 8-bit 3-channel image");
  float alpha[3], beta[3];
  for (int c = 0; c < 3; ++c) {
    PPOCR_CHECK(std[c] != 0.f, "normalize: std must not be 0");
    alpha[c] = scale / std[c];
    beta[c] = -mean[c] / std[c];
  }
  const int64_t H = img.rows, W = img.cols;
  engine::Tensor t(engine::DType::Float32, {1, 3, H, W});
  float* dst = t.data<float>();
  for (int c = 0; c < 3; ++c) {
    const float a = alpha[c], b = beta[c];
    for (int64_t y = 0; y < H; ++y) {
      const uint8_t* s = img.ptr<uint8_t>(static_cast<int>(y)) + c;
      float* d = dst + (c * H + y) * W;
      for (int64_t x = 0; x < W; ++x) d[x] = s[x * 3] * a + b;  // normalize()'s expression, written planar
    }
  }
  return t;
}

engine::Tensor to_nchw_padded(const std::vector<cv::Mat>& imgs, int width, float pad) {
  PPOCR_CHECK(!imgs.empty(), "to_nchw: no images");
  const int h = imgs[0].rows, ch = imgs[0].channels();
  int w = width;
  for (const auto& m : imgs) {
    PPOCR_CHECK(m.depth() == CV_32F && m.rows == h && m.channels() == ch,
                "to_nchw: images must be float32 of equal height and channel count");
    w = std::max(w, m.cols);
  }
  engine::Tensor t(engine::DType::Float32, {static_cast<int64_t>(imgs.size()), ch, h, w});
  float* dst = t.data<float>();
  const size_t plane = static_cast<size_t>(h) * w;
  for (size_t n = 0; n < imgs.size(); ++n) {
    const cv::Mat& m = imgs[n];
    float* base = dst + n * ch * plane;
    for (int c = 0; c < ch; ++c) {
      float* p = base + c * plane;
      for (int y = 0; y < h; ++y) {
        const float* row = m.ptr<float>(y);
        float* o = p + static_cast<size_t>(y) * w;
        for (int x = 0; x < m.cols; ++x) o[x] = row[x * ch + c];
        for (int x = m.cols; x < w; ++x) o[x] = pad;
      }
    }
  }
  return t;
}

engine::Tensor to_nchw(const std::vector<cv::Mat>& imgs) {
  for (const auto& m : imgs) PPOCR_CHECK(m.cols == imgs[0].cols, "to_nchw: images differ in width");
  return to_nchw_padded(imgs);
}

double round_half_even(double v) { return std::nearbyint(v); }

}  // namespace ppocr::modules
