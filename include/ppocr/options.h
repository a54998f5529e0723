// Options of the general OCR pipeline, named as PaddleOCR 3.x's PaddleOCR()
// constructor parameters. An unset value (std::nullopt) means "not given":
// it falls back to the model directory's inference.yml, then to PaddleOCR's
// default (see docs/api.md, "Where each value comes from"). Every field is
// described once, with its range and default, in the option table
// (src/pipelines/ocr/option_table.cpp) that also drives the CLI flags, the
// PaddleX YAML reader/writer and the service's request fields; OCR's
// constructor checks the values against it.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ppocr {

// The runtime parameters that predict() may override per call (PaddleOCR's
// predict() keyword arguments). Unset = the pipeline's value.
struct OCRParams {
  std::optional<bool> use_doc_orientation_classify;
  std::optional<bool> use_doc_unwarping;
  std::optional<bool> use_textline_orientation;
  std::optional<int> text_det_limit_side_len;
  std::optional<std::string> text_det_limit_type;  // "min" | "max"
  std::optional<float> text_det_thresh;
  std::optional<float> text_det_box_thresh;
  std::optional<float> text_det_unclip_ratio;
  std::optional<float> text_rec_score_thresh;
  // Also give each text line's words and their boxes (text_word,
  // text_word_region, text_word_boxes), from the recogniser's CTC alignment as
  // PaddleX computes them; default false.
  std::optional<bool> return_word_box;
};

struct OCROptions : OCRParams {
  // Models: a directory wins over a name; a name is looked up in the model
  // cache and downloaded when missing (allow_download). Unset names follow
  // lang + ocr_version as PaddleOCR does; see docs/models.md for the policy.
  std::optional<std::string> doc_orientation_classify_model_name, doc_orientation_classify_model_dir;
  std::optional<std::string> doc_unwarping_model_name, doc_unwarping_model_dir;
  std::optional<std::string> text_detection_model_name, text_detection_model_dir;
  std::optional<std::string> textline_orientation_model_name, textline_orientation_model_dir;
  std::optional<std::string> text_recognition_model_name, text_recognition_model_dir;

  std::optional<int> textline_orientation_batch_size;  // default 6 (PaddleX OCR.yaml)
  std::optional<int> text_recognition_batch_size;      // default 6 (PaddleX OCR.yaml)
  // Fixed detector / recognizer input shape [C, H, W] (H/W of the detector may be
  // -1 = dynamic); overrides inference.yml.
  std::optional<std::vector<int>> text_det_input_shape;
  std::optional<std::vector<int>> text_rec_input_shape;
  std::optional<int> text_det_max_side_limit;  // PaddleX's max_side_limit, default 4000

  std::optional<std::string> lang;         // default "ch"
  std::optional<std::string> ocr_version;  // "PP-OCRv6" | "PP-OCRv5" | "PP-OCRv4" | "PP-OCRv3" (see docs/models.md)

  std::optional<std::string> device;       // "cpu" only; other devices are an Error
  std::optional<int> cpu_threads;          // default 8 (PaddleOCR's)
  std::optional<bool> enable_mkldnn;       // default true; false = reference C++ kernels
  // Input shapes whose oneDNN primitives each model keeps (Paddle's meaning; 0 = no bound);
  // unset = ppocr's own bound (1024 primitives per model).
  std::optional<int> mkldnn_cache_capacity;
  std::optional<std::string> precision;    // "fp32" (default) | "fp16" (TensorRT's; computes in fp32)
  std::optional<bool> enable_hpi;          // only false
  std::optional<bool> use_tensorrt;        // only false
  std::optional<int> min_subgraph_size;    // accepted (a TensorRT setting); no effect
  std::optional<bool> enable_cinn;         // accepted (Paddle's CINN compiler); no effect
  // PaddleOCR 3.5+'s inference engine (paddle, paddle_static, paddle_dynamic,
  // onnxruntime, transformers) and its settings: accepted; every model runs on
  // ppocr's own engine, and a note says so.
  std::optional<std::string> engine;
  std::optional<std::string> engine_config;

  // Inputs: path inputs (files, folders, PDFs, URLs) are read by the pipeline.
  std::optional<double> pdf_dpi;            // PDF render resolution, default 144 (PaddleX's zoom 2)
  std::optional<int> pdf_max_pages;         // pages read per PDF / multi-page TIFF, default 0 = all
  std::optional<std::string> pdf_page_range;  // pages to read, "1,3-5,8-" (1-based), default all
  std::optional<int64_t> max_image_pixels;  // refuse larger images/pages, default 200,000,000

  // Model files: whether a model missing from the cache may be downloaded
  // (default true); the cache is $PPOCR_HOME, else ~/.paddlex/official_models.
  std::optional<bool> allow_download;

  // Documents to write per input besides the JSON: a comma-separated list of
  // txt, md, hocr, alto, pdf (see ppocr/outputs.h, docs/outputs.md). The CLI
  // and the service read it; predict() does not.
  std::optional<std::string> output_formats;

  // Where the pipeline's notes go (which models it loaded and why, stages
  // switched off, download progress). Unset = stderr; set a no-op to silence.
  std::function<void(const std::string&)> log;
};

// PaddleOCR 3.x's default model names for a language and OCR version (the
// recognizer depends on both). Error for unknown combinations.
struct DefaultModelNames {
  std::string doc_orientation_classify = "PP-LCNet_x1_0_doc_ori";
  std::string doc_unwarping = "UVDoc";
  std::string text_detection;
  std::string textline_orientation = "PP-LCNet_x1_0_textline_ori";
  std::string text_recognition;
};
DefaultModelNames default_model_names(const std::optional<std::string>& lang,
                                      const std::optional<std::string>& ocr_version);

// PaddleOCR 3.7's default model of a module ("text_detection",
// "text_recognition", "textline_orientation_classification",
// "doc_img_orientation_classification", "text_image_unwarping"): what the
// module commands and the Python module classes load when given no model.
// Error(kInvalidArgument) for another name.
std::string default_module_model_name(const std::string& module);

}  // namespace ppocr
