// The real OCR function of the service: one shared, thread-safe ppocr::OCR
// (models loaded once) called per page with the request's overrides.
#pragma once
#include <memory>

#include "ppocr/ocr.h"
#include "server/backend.h"

namespace ppocr::server {

// Requests for a stage the pipeline was built without (e.g. useDocUnwarping
// true when started with --use_doc_unwarping False) are answered 422.
OcrFn make_pipeline_backend(std::shared_ptr<const ppocr::OCR> ocr);

}  // namespace ppocr::server
