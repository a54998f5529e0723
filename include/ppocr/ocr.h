// ppocr::OCR: PaddleOCR 3.x's general OCR pipeline (doc orientation +
// unwarping -> text detection -> text-line orientation -> text recognition).
//
//   ppocr::OCROptions o;
//   o.text_detection_model_dir = "models/PP-OCRv6_tiny_det";
//   o.text_recognition_model_dir = "models/PP-OCRv6_tiny_rec";
//   o.use_doc_orientation_classify = false; o.use_doc_unwarping = false;
//   o.use_textline_orientation = false;
//   ppocr::OCR ocr(o);                      // loads the models once
//   for (auto& r : ocr.predict(ppocr::Input::from_path("img.jpg"))) {
//     r.print(); r.save_to_json("out"); r.save_to_img("out");
//   }
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ppocr/input.h"
#include "ppocr/options.h"
#include "ppocr/result.h"

namespace ppocr {

class OCR {
 public:
  // Checks the options, chooses the models (docs/models.md: the same policy
  // for the CLI, the service and the API), says on opts.log (default stderr)
  // which model directories it loads and why, and loads them once. Error on a
  // bad option, a missing model or a bad model directory. Stages disabled in
  // `opts` (use_* == false) are not loaded and cannot be turned on per call.
  explicit OCR(const OCROptions& opts);
  ~OCR();
  OCR(const OCR&) = delete;
  OCR& operator=(const OCR&) = delete;

  // All methods below are thread-safe: many threads may predict at once.

  // One result per page (an image file gives one, a PDF one per page, a
  // folder one per image, in order). `params` overrides the runtime values.
  // Path inputs are read with the options' limits (max_image_pixels,
  // pdf_dpi, pdf_max_pages); the first unreadable page is an Error.
  std::vector<OCRResult> predict(const Input& input, const OCRParams& params = {}) const;
  std::vector<OCRResult> predict(const std::vector<Input>& inputs, const OCRParams& params = {}) const;
  // Streaming: results are handed to `sink` one at a time (pages are loaded
  // lazily); `sink` returns false to stop.
  void predict_iter(const std::vector<Input>& inputs, const std::function<bool(OCRResult&&)>& sink,
                    const OCRParams& params = {}) const;
  // One decoded page (the building block of the above; the server uses it).
  OCRResult predict_page(const Page& page, const OCRParams& params = {}) const;

  // The effective settings after inference.yml and defaults were applied
  // (model dirs resolved), e.g. for exporting a PaddleX config.
  const OCROptions& effective_options() const;

  // Frees the intermediate buffers every loaded model keeps for reuse between
  // calls (see modules.h); calls in progress keep theirs. For a long-lived
  // process going idle; the next call makes them again.
  void release_buffers() const;

  // Effective values as a PaddleX-style pipeline config (pipeline_name: OCR,
  // SubModules / SubPipelines).
  std::string export_paddlex_config_yaml() const;

  // The models loaded, one line per stage: "text_detection: PP-OCRv5_mobile_det
  // (/root/.paddlex/official_models/PP-OCRv5_mobile_det; PaddleOCR's default)".
  const std::vector<std::string>& model_notes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ppocr
