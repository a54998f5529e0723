// PaddleX OCR pipeline configs (the YAML `paddlex --get_pipeline_config OCR`
// writes, and PaddleOCR's --paddlex_config reads): pipeline_name, the
// use_* switches, SubModules (TextDetection, TextLineOrientation,
// TextRecognition) and SubPipelines.DocPreprocessor (DocOrientationClassify,
// DocUnwarping). Which key holds which option is the option table's
// yaml_path (option_table.cpp); this file only walks it.
#pragma once
#include <string>
#include <vector>

#include "ppocr/options.h"

namespace ppocr {

// Sets every option the config gives (others untouched); returns warnings for
// keys ppocr does not use. Error naming `what` and the key for malformed YAML,
// a pipeline_name other than OCR, or bad values.
std::vector<std::string> apply_paddlex_config(const std::string& yaml_text, const std::string& what, OCROptions& o);
std::vector<std::string> load_paddlex_config(const std::string& path, OCROptions& o);

// The options as a PaddleX OCR pipeline config (unset values as null). The
// one writer: `ppocr ocr --export_config` and OCR::export_paddlex_config_yaml.
std::string to_paddlex_config_yaml(const OCROptions& o);

}  // namespace ppocr
