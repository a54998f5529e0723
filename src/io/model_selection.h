// Which models an OCR run uses, resolved to directories before the pipeline
// is built (the CLI's policy; see docs/models.md):
// - text detection/recognition: given dirs or names win; else lang/ocr_version
//   pick names as PaddleOCR 3.x does; else the first default pair present in
//   the cache (PP-OCRv5_mobile, PP-OCRv5_server, PP-OCRv6_tiny), else
//   PaddleOCR's default names (downloaded when missing).
// - doc orientation, unwarping, text-line orientation: when their use_* switch
//   is unset, the stage runs only if its model is available (cached, or
//   downloadable); otherwise it is switched off with a note. When the switch
//   is True, a missing model is an Error.
#pragma once
#include <string>
#include <vector>

#include "io/model_registry.h"
#include "ppocr/options.h"

namespace ppocr::io {

// Fills every *_model_dir the enabled stages need and the use_* switches;
// `notes` gets human-readable remarks (stages switched off, ignored lang).
void select_ocr_models(OCROptions& o, const DownloadOptions& dl, std::vector<std::string>& notes);

}  // namespace ppocr::io
