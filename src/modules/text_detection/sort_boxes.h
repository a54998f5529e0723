// Reading order of quads (PaddleX SortQuadBoxes / PaddleOCR sorted_boxes):
// sort by the first point's (y, x), then swap neighbours on the same line
// (|dy| < 10) so that they run left to right.
#pragma once
#include <vector>

#include "ppocr/result.h"

namespace ppocr::modules {

// Returns the permutation (indices into `boxes`) in reading order.
std::vector<size_t> reading_order(const std::vector<Polygon>& boxes);

}  // namespace ppocr::modules
