// The body of `POST /ocr` (PaddleX's OCR InferRequest), parsed and validated.
// Every problem is an HttpError(422, "invalid request: field '<field>' what
// was wrong"), as PaddleX answers schema violations. The pipeline's fields,
// their types and ranges come from the option table.
#pragma once
#include <optional>
#include <string>

#include "ppocr/options.h"

namespace ppocr::server {

struct OcrRequest {
  std::string file;               // URL or Base64
  std::optional<int> file_type;   // 0 = PDF, 1 = image, unset = inferred
  std::optional<bool> visualize;  // unset = the server's --visualize setting
  ppocr::OCRParams params;  // the option table's runtime options, by their serving names
  std::optional<std::string> output_formats;  // outputFormats: "txt,pdf" or ["txt", "pdf"] (docs/outputs.md)
  std::optional<std::string> pdf_page_range;  // pdfPageRange: "1,3-5" (checked), unset = the server's --pdf_page_range
};

OcrRequest parse_ocr_request(const std::string& body);

}  // namespace ppocr::server
