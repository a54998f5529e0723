// Image pre-processing shared by the modules: normalisation and packing into
// NCHW float tensors, colour order, resizing helpers.
#pragma once
#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "engine/tensor.h"
#include "io/image_decode.h"

namespace ppocr::modules {

// out = (img * scale - mean[c]) / std[c], per channel, as float32 (HWC).
cv::Mat normalize(const cv::Mat& img, float scale, const std::array<float, 3>& mean,
                  const std::array<float, 3>& std);
// normalize() and to_nchw() of one image in one pass: the same values, as a
// [1, 3, H, W] tensor.
engine::Tensor normalize_to_nchw(const cv::Mat& img, float scale, const std::array<float, 3>& mean,
                                 const std::array<float, 3>& std);
// Packs HWC float32 images of equal size into one NCHW tensor.
engine::Tensor to_nchw(const std::vector<cv::Mat>& imgs);
// Packs HWC float32 images of equal height into one NCHW tensor, padding each
// on the right with `pad` up to the widest (or to `width` if larger).
engine::Tensor to_nchw_padded(const std::vector<cv::Mat>& imgs, int width = 0, float pad = 0.f);
// The one image converter (any depth/channels -> CV_8UC3 BGR) is io's.
using io::to_bgr8;
// Python's round(): halves go to the even neighbour.
double round_half_even(double v);

}  // namespace ppocr::modules
