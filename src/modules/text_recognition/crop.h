// Text-line crops (PaddleOCR TextSystem's get_rotate_crop_image): a detected
// quad, clamped to the image's pixel centres, perspective-warped upright (cubic,
// replicated border); crops at least 1.5 times taller than wide are turned 90
// degrees counter-clockwise. Other polygons use their minimum-area rectangle.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "ppocr/result.h"

namespace ppocr::modules {

// Perspective crop of the quad `pts` (TL, TR, BR, BL) from `img`.
cv::Mat rotate_crop(const cv::Mat& img, const std::vector<cv::Point2f>& pts);
// Crop of one detected polygon (quads clamped to the image; others: min-area rectangle).
cv::Mat crop_text_line(const cv::Mat& img, const Polygon& poly);

}  // namespace ppocr::modules
