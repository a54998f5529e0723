// `ppocr ocr` flags: PaddleOCR 3.x's names and value syntax (booleans as
// True/False), the deprecated PaddleOCR 2.x aliases, and our few extras.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "ppocr/options.h"

namespace ppocr::cli {

struct OcrFlags {
  std::vector<std::string> inputs;
  std::string save_path;
  std::string paddlex_config, export_config;
  bool quiet = false, timing = false, no_progress = false, no_download = false;
  int pdf_max_pages = 0;
  double pdf_dpi = 144.0;
  long long max_image_pixels = 200'000'000;

  // As given on the command line (strings for booleans: "True"/"False"/...).
  std::optional<std::string> use_doc_orientation_classify, use_doc_unwarping, use_textline_orientation;
  std::optional<int> text_det_limit_side_len;
  std::optional<std::string> text_det_limit_type;
  std::optional<float> text_det_thresh, text_det_box_thresh, text_det_unclip_ratio, text_rec_score_thresh;
  std::vector<int> text_det_input_shape, text_rec_input_shape;
  std::optional<std::string> lang, ocr_version;
  std::optional<std::string> doc_orientation_classify_model_name, doc_orientation_classify_model_dir;
  std::optional<std::string> doc_unwarping_model_name, doc_unwarping_model_dir;
  std::optional<std::string> text_detection_model_name, text_detection_model_dir;
  std::optional<std::string> textline_orientation_model_name, textline_orientation_model_dir;
  std::optional<std::string> text_recognition_model_name, text_recognition_model_dir;
  std::optional<int> textline_orientation_batch_size, text_recognition_batch_size;
  std::optional<std::string> device, precision, enable_mkldnn, enable_hpi, use_tensorrt;
  std::optional<int> cpu_threads, mkldnn_cache_capacity;

  // Deprecated aliases (PaddleOCR 3.x's _DEPRECATED_PARAM_NAME_MAPPING).
  std::optional<std::string> det_model_dir, rec_model_dir, cls_model_dir, det_limit_type, use_angle_cls;
  std::optional<int> det_limit_side_len, rec_batch_num, cls_batch_num;
  std::optional<float> det_db_thresh, det_db_box_thresh, det_db_unclip_ratio;
};

void add_ocr_flags(CLI::App& sub, OcrFlags& f);

// PaddleOCR's str2bool: true/false, yes/no, 1/0, t/f, y/n (any case). Error otherwise.
bool parse_bool(const std::string& flag, const std::string& v);

// Applies the flags onto `o` (after --paddlex_config was applied): deprecated
// aliases are mapped with a warning each (into `warnings`), and an alias given
// together with its new name is an Error.
void apply_ocr_flags(const OcrFlags& f, OCROptions& o, std::vector<std::string>& warnings);

}  // namespace ppocr::cli
