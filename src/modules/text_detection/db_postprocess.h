// DB (differentiable binarisation) post-processing: probability map -> text
// quads in source-image pixels (PaddleOCR/PaddleX DBPostProcess, quad boxes,
// 'fast' box score).
#pragma once
#include <vector>

#include <opencv2/core.hpp>

#include "ppocr/result.h"

namespace ppocr::modules {

struct DBParams {
  float thresh = 0.3f;
  float box_thresh = 0.6f;
  float unclip_ratio = 1.5f;
  int max_candidates = 1000;
  int min_size = 3;
  bool use_dilation = false;
};

struct DBBoxes {
  std::vector<Polygon> boxes;  // 4 points each: top-left, top-right, bottom-right, bottom-left
  std::vector<float> scores;
};

// `prob` is the CV_32F map (H x W) of the detector's input size; the boxes are
// scaled to dest_w x dest_h (the source image) and clipped to it.
DBBoxes db_postprocess(const cv::Mat& prob, int dest_w, int dest_h, const DBParams& p);

// Helpers, exposed for tests.
// Minimum-area rectangle of `pts`, ordered TL, TR, BR, BL as PaddleOCR's
// get_mini_boxes; `short_side` receives min(width, height) of the rectangle.
std::vector<cv::Point2f> mini_box(const std::vector<cv::Point2f>& pts, float* short_side);
// Mean of `prob` inside the polygon (bounding-box window, polygon mask).
float box_score_fast(const cv::Mat& prob, const std::vector<cv::Point2f>& box);
// Expands a polygon by area * ratio / perimeter with round joins (Clipper).
// Returns every resulting path (normally one).
std::vector<std::vector<cv::Point>> unclip(const std::vector<cv::Point2f>& box, float ratio);

}  // namespace ppocr::modules
