// The SROIE dev line crops used for text-line orientation accuracy (see
// ../shared/golden/README.md): every 6th ground-truth line of
// data/sroie/gt/*.csv in file order (lines 0, 6, 12, ...), the first 400,
// cut from data/sroie/images/<stem>.jpg by the axis-aligned bounding box of
// the line's quadrilateral (clipped to the image).
#pragma once
#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace ppocr::test {

struct LineCrop {
  cv::Mat image;     // BGR, 8-bit
  std::string text;  // ground-truth transcription
  std::string where; // "<stem>.csv:<line>"
};

// Empty when the shared SROIE data is absent.
std::vector<LineCrop> sroie_dev_lines(size_t count = 400, size_t every = 6);

}  // namespace ppocr::test
