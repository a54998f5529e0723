// Image pre-processing shared by the modules: normalisation and packing into
// NCHW float tensors, colour order, resizing helpers.
#pragma once
#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/tensor.h"

namespace ppocr::modules {

// out = (img * scale - mean[c]) / std[c], per channel, as float32 (HWC).
cv::Mat normalize(const cv::Mat& img, float scale, const std::array<float, 3>& mean,
                  const std::array<float, 3>& std);
// Packs HWC float32 images of equal size into one NCHW tensor.
engine::Tensor to_nchw(const std::vector<cv::Mat>& imgs);
// Packs HWC float32 images of equal height into one NCHW tensor, padding each
// on the right with `pad` up to the widest (or to `width` if larger).
engine::Tensor to_nchw_padded(const std::vector<cv::Mat>& imgs, int width = 0, float pad = 0.f);
// Ensures CV_8UC3 BGR (grey and BGRA converted); Error when empty.
cv::Mat ensure_bgr8(const cv::Mat& img);
// Python's round(): halves go to the even neighbour.
double round_half_even(double v);

}  // namespace ppocr::modules
