// Turns the request's file bytes into the BGR pages the pipeline runs on, and
// PaddleX's `dataInfo` for them. Limits guard memory: images above max_pixels
// and PDF pages that would render above it are refused (413) before decoding.
#pragma once
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "server/file_type.h"

namespace ppocr::server {

struct DecodeLimits {
  long max_pixels = 40'000'000;  // per image / rendered page
  int pdf_max_pages = 10;        // pages processed; 0 = all
  double pdf_scale = 2.0;        // render zoom (PaddleX renders PDFs at 2x, i.e. 144 dpi)
};

struct DecodedInput {
  std::vector<cv::Mat> pages;  // 8-bit BGR
  nlohmann::json data_info;    // {"width","height","type":"image"} or {"numPages","pages":[...],"type":"pdf"}
};

DecodedInput decode_image(const std::string& bytes, const DecodeLimits& limits);
DecodedInput decode_pdf(const std::string& bytes, const DecodeLimits& limits);
DecodedInput decode_input(const std::string& bytes, FileKind kind, const DecodeLimits& limits);

}  // namespace ppocr::server
