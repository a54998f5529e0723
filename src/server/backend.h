// What the service needs from the OCR pipeline: one call per page. The real
// implementation wraps the shared, thread-safe ppocr::OCR (pipeline_backend.h);
// tests plug in small fakes.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "server/request.h"

namespace ppocr::server {

struct PageOutput {
  nlohmann::ordered_json res;    // the pipeline's result JSON for the page (its "res" object, PaddleX's key order)
  cv::Mat ocr_image;             // OCR visualisation (BGR); may be empty when not visualising
  cv::Mat preprocessed_image;    // document preprocessing output (BGR); empty when not used
  cv::Mat result_image;          // the image the result's boxes refer to (for outputFormats); may be empty
};

// Called concurrently from several workers; must be thread-safe.
using OcrFn = std::function<PageOutput(const cv::Mat& bgr, const ppocr::OCRParams& params, bool visualize)>;

}  // namespace ppocr::server
