// PaddleOCR's OCR visualisation: the image with the detected polygons filled
// in random colours (blended 50%) on the left; a white canvas with each text
// drawn into its box on the right. Text uses Noto Sans CJK through OpenCV's
// freetype module when available (Hershey otherwise, ASCII only).
#pragma once
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "ppocr/result.h"

namespace ppocr::pipelines {

cv::Mat draw_ocr(const cv::Mat& image, const std::vector<Polygon>& polys, const std::vector<std::string>& texts);
// Draws `text` in black into `box` of `img`, left-aligned, as large as fits
// with all of its ink (accents and descenders) inside the box.
void put_text(cv::Mat& img, const std::string& text, const cv::Rect& box);
// The font file used (empty if none found). $PPOCR_FONT overrides.
std::string vis_font_path();

}  // namespace ppocr::pipelines
