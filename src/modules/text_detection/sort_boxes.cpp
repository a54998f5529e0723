#include "modules/text_detection/sort_boxes.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>

namespace ppocr::modules {

std::vector<size_t> reading_order(const std::vector<Polygon>& boxes) {
  std::vector<size_t> idx(boxes.size());
  std::iota(idx.begin(), idx.end(), 0);
  auto first = [&](size_t i) { return boxes[i].empty() ? cv::Point() : boxes[i][0]; };
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    cv::Point pa = first(a), pb = first(b);
    return pa.y != pb.y ? pa.y < pb.y : pa.x < pb.x;
  });
  for (size_t i = 0; i + 1 < idx.size(); ++i) {
    for (size_t j = i + 1; j-- > 0;) {
      cv::Point cur = first(idx[j]), next = first(idx[j + 1]);
      if (std::abs(next.y - cur.y) < 10 && next.x < cur.x) std::swap(idx[j], idx[j + 1]);
      else break;
    }
  }
  return idx;
}

}  // namespace ppocr::modules
