// Text-line crops (PaddleX CropByPolys, quad mode): the minimum-area rectangle
// of the quad, perspective-warped upright (cubic, replicated border); crops at
// least 1.5 times taller than wide are turned 90 degrees counter-clockwise.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "ppocr/result.h"

namespace ppocr::modules {

// Perspective crop of the quad `pts` (TL, TR, BR, BL) from `img`.
cv::Mat rotate_crop(const cv::Mat& img, const std::vector<cv::Point2f>& pts);
// Crop of one detected polygon (min-area rectangle first).
cv::Mat crop_text_line(const cv::Mat& img, const Polygon& poly);

}  // namespace ppocr::modules
