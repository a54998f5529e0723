// PaddleX OCR pipeline configs (the YAML `paddlex --get_pipeline_config OCR`
// writes, and PaddleOCR's --paddlex_config reads): pipeline_name, the
// use_* switches, SubModules (TextDetection, TextLineOrientation,
// TextRecognition) and SubPipelines.DocPreprocessor (DocOrientationClassify,
// DocUnwarping), each with model_name / model_dir / params.
#pragma once
#include <string>
#include <vector>

#include "ppocr/options.h"

namespace ppocr::io {

// Sets every field the config gives (others untouched); returns warnings for
// keys that have no equivalent (e.g. unsupported settings). Error naming
// `what` for malformed YAML, a pipeline_name other than OCR, or bad values.
std::vector<std::string> apply_paddlex_config(const std::string& yaml_text, const std::string& what, OCROptions& o);
std::vector<std::string> load_paddlex_config(const std::string& path, OCROptions& o);

// The options as a PaddleX OCR pipeline config (unset values as null).
std::string to_paddlex_config_yaml(const OCROptions& o);

}  // namespace ppocr::io
