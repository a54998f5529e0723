// Classifier pre-processing (PaddleX ClasPredictor): BGR -> RGB, ResizeImage
// (fixed size, or short side + centre CropImage), NormalizeImage.
#pragma once
#include <array>

#include <opencv2/core.hpp>

namespace ppocr::modules {

struct ClsPreprocess {
  int resize_w = 0, resize_h = 0;  // fixed size when > 0
  int resize_short = 0;            // else: short side to this
  int crop = 0;                    // centre crop (square) when > 0
  float scale = 1.f / 255.f;
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f}, std{0.229f, 0.224f, 0.225f};
  // Resized + cropped 8-bit RGB image (before normalisation).
  cv::Mat geometry(const cv::Mat& bgr) const;
  // geometry() then normalise: HWC float32.
  cv::Mat operator()(const cv::Mat& bgr) const;
};

// Softmax over `n` values unless they already look like probabilities.
void ensure_probabilities(float* v, int n);

}  // namespace ppocr::modules
