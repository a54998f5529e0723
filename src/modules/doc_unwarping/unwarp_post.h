// UVDoc post-processing. The official inference graph returns the unwarped
// image itself ([1, 3, H, W], RGB in 0..1): it is scaled to 0..255 and turned
// back to BGR (PaddleX DocTrPostProcess). A graph that stops at UVDoc's
// coarse grid ([1, 2, gh, gw], x/y in -1..1) is handled too: the grid is
// resized to the image size (bilinear) and the image sampled through it.
#pragma once
#include <opencv2/core.hpp>

#include "engine/tensor.h"

namespace ppocr::modules {

cv::Mat unwarp_from_output(const engine::Tensor& out, const cv::Mat& src_bgr);
// Samples `src` at grid positions (x, y in -1..1, align_corners=True).
cv::Mat remap_with_grid(const cv::Mat& src, const cv::Mat& grid_x, const cv::Mat& grid_y);

}  // namespace ppocr::modules
