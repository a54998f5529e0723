// The body of `POST /ocr` (PaddleX's OCR InferRequest), parsed and validated.
// Every problem is an HttpError(422, "<field>: what was wrong"), as PaddleX
// answers schema violations.
#pragma once
#include <optional>
#include <string>

namespace ppocr::server {

// Per-request pipeline overrides; unset means "the pipeline's configured default".
struct OcrParams {
  std::optional<bool> use_doc_orientation_classify;
  std::optional<bool> use_doc_unwarping;
  std::optional<bool> use_textline_orientation;
  std::optional<int> text_det_limit_side_len;
  std::optional<std::string> text_det_limit_type;  // "min" or "max"
  std::optional<double> text_det_thresh;
  std::optional<double> text_det_box_thresh;
  std::optional<double> text_det_unclip_ratio;
  std::optional<double> text_rec_score_thresh;
};

struct OcrRequest {
  std::string file;               // URL or Base64
  std::optional<int> file_type;   // 0 = PDF, 1 = image, unset = inferred
  std::optional<bool> visualize;  // unset = the server's --visualize setting
  OcrParams params;
};

OcrRequest parse_ocr_request(const std::string& body);

}  // namespace ppocr::server
