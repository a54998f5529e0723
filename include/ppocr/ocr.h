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
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ppocr/error.h"
#include "ppocr/input.h"
#include "ppocr/options.h"
#include "ppocr/result.h"

namespace ppocr {

// One page for OCR::predict_stream: a page to run, or the error that kept it
// from being read (handed back in its place, in order). `tag` is the caller's
// own number for it, handed back with the outcome.
struct PageJob {
  Page page;
  std::optional<Error> error;
  int64_t tag = 0;
};
// What predict_stream hands back for each PageJob, in the jobs' order: the
// result, or the job's read error or the error its OCR raised.
struct PageOutcome {
  OCRResult result;
  std::optional<Error> error;
  int64_t tag = 0;
  double seconds = 0;  // wall time its OCR took on its worker (0 for a read error)
  bool ok() const { return !error; }
};

class OCR;

// Pull-based predict_iter (for consumers that ask for one result at a time:
// a Python generator, a server streaming pages): OCR::stream starts running
// the inputs' pages in the background, pipelined as predict_iter runs them,
// and next() hands the results out in order.
class ResultStream {
 public:
  ~ResultStream();  // stops the work: pages in flight are finished and dropped
  ResultStream(const ResultStream&) = delete;
  ResultStream& operator=(const ResultStream&) = delete;
  // The next result; false after the last. An unreadable input or a failed
  // page throws its Error here, in its turn (and the stream ends).
  bool next(OCRResult& result);

 private:
  friend class OCR;
  ResultStream() = default;
  struct State;
  std::shared_ptr<State> state_;
};

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
  // Streaming: results are handed to `sink` one at a time, in order (pages are
  // loaded lazily and pipelined as in predict_stream: a few pages are read and
  // run ahead of the one handed over); `sink` returns false to stop.
  void predict_iter(const std::vector<Input>& inputs, const std::function<bool(OCRResult&&)>& sink,
                    const OCRParams& params = {}) const;
  // predict_iter, pulled: see ResultStream. The OCR object must outlive the stream.
  std::unique_ptr<ResultStream> stream(std::vector<Input> inputs, const OCRParams& params = {}) const;
  // One decoded page (the building block of the above; the server uses it).
  OCRResult predict_page(const Page& page, const OCRParams& params = {}) const;
  // Pages from a source, pipelined (what predict/predict_iter do with their
  // pages; the CLI feeds its input stream): `next` fills in the next job and
  // returns false when there are none; it is called from worker threads, one
  // call at a time, so reading and decoding a page overlaps the others'
  // inference. Up to cpu_threads pages (at most the CPUs available) run at
  // once, each model run taking its share of the cpu_threads cores, and
  // `sink` gets each job's outcome on the calling thread, in the order `next`
  // gave the jobs; it returns false to stop. At most cpu_threads + 1 jobs are
  // out at a time. With cpu_threads 1 everything runs on the calling thread.
  void predict_stream(const std::function<bool(PageJob&)>& next, const std::function<bool(PageOutcome&&)>& sink,
                      const OCRParams& params = {}) const;

  // Pages predict_stream (and predict, predict_iter) run at once, and the cores
  // every call shares: cpu_threads, at most the CPUs this process may use.
  int pages_at_once() const;

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
