// Which models an OCR pipeline uses: the one policy, called by OCR's
// constructor, so the CLI, the service and library users get the same models
// for the same options (see docs/models.md):
// - text detection/recognition: given dirs or names win (lang/ocr_version then
//   pick nothing, as in PaddleOCR); else lang/ocr_version pick names as
//   PaddleOCR 3.7 does; else PaddleOCR 3.7's default pair, PP-OCRv6_medium
//   (cached or downloaded), and only where that cannot be had, the first pair
//   the cache holds (PP-OCRv6_small, PP-OCRv5_server, PP-OCRv6_tiny,
//   PP-OCRv5_mobile, PP-OCRv4_mobile), with the reason in the stage's `why`.
// - doc orientation, unwarping, text-line orientation: when their use_* switch
//   is unset, the stage runs only if its model is available (cached, or
//   downloadable); otherwise it is switched off with a note. When the switch
//   is True, a missing model is an Error.
#pragma once
#include <string>
#include <vector>

#include "ppocr/options.h"

namespace ppocr {

struct ModelChoice {
  std::string stage;  // "text_detection", ...
  std::string name;   // model name ("" when only a directory was given)
  std::string dir;    // the directory loaded
  std::string why;    // how it was chosen, for the log
};

// Fills every *_model_dir the enabled stages need and sets every use_*
// switch; `notes` gets remarks (stages switched off, lang ignored, --engine).
std::vector<ModelChoice> select_models(OCROptions& o, std::vector<std::string>& notes);

}  // namespace ppocr
