// Detector input sizing (PaddleX DetResizeForTest): limit_side_len with
// limit_type min|max|resize_long, max_side_limit, sides rounded to multiples
// of 32 (Python rounding), or a fixed input shape.
#pragma once
#include <string>

#include <opencv2/core.hpp>

namespace ppocr::modules {

struct DetResizeParams {
  int limit_side_len = 960;
  std::string limit_type = "max";  // "min" | "max" | "resize_long"
  int max_side_limit = 4000;
  int fixed_h = 0, fixed_w = 0;    // > 0: resize to exactly this (input_shape)
};

// Target (height, width) for an image of h x w.
cv::Size det_target_size(int h, int w, const DetResizeParams& p);
// Pads tiny images (h + w < 64) to at least 32x32 with black, as PaddleX does,
// then resizes (bilinear) to det_target_size.
cv::Mat det_resize(const cv::Mat& bgr, const DetResizeParams& p);

}  // namespace ppocr::modules
