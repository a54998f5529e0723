// Recogniser input (PaddleX OCRReisizeNormImg): resize to the model height
// keeping the aspect ratio, width capped by max(W/H of the model shape, the
// crop's ratio) * H (at most 3200), scale to [-1, 1], pad right with 0.
#pragma once
#include <vector>

#include <opencv2/core.hpp>

namespace ppocr::modules {

struct RecShape {
  int c = 3, h = 48, w = 320;
};

// One crop -> HWC float32 image of height shape.h and width
// min(ceil(h * ratio), int(h * max_wh_ratio)) (unpadded).
cv::Mat rec_resize_norm(const cv::Mat& bgr, const RecShape& shape, double max_wh_ratio);
// Padded width for a batch whose largest width/height ratio is max_wh_ratio.
int rec_batch_width(const RecShape& shape, double max_wh_ratio);

}  // namespace ppocr::modules
