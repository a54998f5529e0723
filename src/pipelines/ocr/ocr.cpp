// ppocr::OCR: the general OCR pipeline (PaddleX _OCRPipeline's flow).
#include "ppocr/ocr.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <random>
#include <set>

#include <opencv2/core.hpp>

#include "engine/error.h"
#include "engine/ordered_workers.h"
#include "engine/threads.h"
#include "modules/text_recognition/crop.h"
#include "modules/text_recognition/word_boxes.h"
#include "pipelines/ocr/model_selection.h"
#include "pipelines/ocr/option_table.h"
#include "pipelines/ocr/pages.h"
#include "pipelines/ocr/paddlex_config.h"
#include "ppocr/modules.h"

namespace ppocr {
namespace {

void check_params(const OCRParams& p) {
  OCROptions o;
  static_cast<OCRParams&>(o) = p;
  options::validate(o);
}

void say(const OCROptions& o, const std::string& msg) {
  if (o.log) o.log(msg);
  else std::cerr << "ppocr: " << msg << "\n";
}

// The saved-file name of an unnamed in-memory input, as PaddleX names it
// ("{unix time}_{1000..9999}"), never the same twice in this process.
std::string unnamed_input_name() {
  static std::mutex mu;
  static std::mt19937 rng(std::random_device{}());
  static long long second = -1;
  static std::set<int> used;  // the numbers given out in `second`
  std::lock_guard<std::mutex> lk(mu);
  long long now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (now != second) {
    second = now;
    used.clear();
  }
  if (used.size() >= 9000) {  // all taken this second: move on to the next one
    ++second;
    used.clear();
  }
  std::uniform_int_distribution<int> d(1000, 9999);
  int n;
  do n = d(rng);
  while (!used.insert(n).second);
  return std::to_string(second) + "_" + std::to_string(n);
}

}  // namespace

struct OCR::Impl {
  OCROptions eff;
  io::InputOptions inputs;
  std::vector<std::string> model_notes;
  bool use_doc_preprocessor = false;
  std::unique_ptr<Classification> doc_ori, textline;
  std::unique_ptr<TextImageUnwarping> unwarp;
  std::unique_ptr<TextDetection> det;
  std::unique_ptr<TextRecognition> rec;
  // The cores all calls share: min(cpu_threads, CPUs available). Each page being
  // run holds a Scope, so each model run takes threads / (pages running) of them,
  // and predict_stream runs that many pages at once.
  std::unique_ptr<engine::ThreadBudget> budget;

  OCRResult run(const Page& page, const OCRParams& p) const;
  int page_workers() const { return budget->threads(); }
};

OCR::OCR(const OCROptions& o) : impl_(std::make_unique<Impl>()) {
  options::validate(o);
  auto& e = impl_->eff;
  e = o;
  if (e.device) {
    std::string d = *e.device;
    PPOCR_CHECK_AS(d == "cpu" || d.rfind("cpu:", 0) == 0, kUnsupported, "device '", d,
                   "' is not supported (ppocr runs on the CPU only)");
  }
  PPOCR_CHECK_AS(!e.enable_hpi.value_or(false), kUnsupported, "enable_hpi True is not supported");
  PPOCR_CHECK_AS(!e.use_tensorrt.value_or(false), kUnsupported, "use_tensorrt True is not supported (CPU only)");
  e.device = e.device.value_or("cpu");
  e.precision = e.precision.value_or("fp32");
  e.cpu_threads = e.cpu_threads.value_or(8);
  e.enable_mkldnn = e.enable_mkldnn.value_or(true);
  e.textline_orientation_batch_size = e.textline_orientation_batch_size.value_or(6);  // PaddleX OCR.yaml
  e.text_recognition_batch_size = e.text_recognition_batch_size.value_or(6);
  impl_->inputs = input_options(e);
  impl_->budget = std::make_unique<engine::ThreadBudget>(std::min(*e.cpu_threads, engine::available_cpus()));

  std::vector<std::string> notes;
  for (const ModelChoice& c : select_models(e, notes))
    impl_->model_notes.push_back(c.stage + ": " + (c.name.empty() ? c.dir : c.name + " (" + c.dir) +
                                 (c.name.empty() ? " (" : "; ") + c.why + ")");
  for (const auto& n : notes) say(e, "warning: " + n);
  for (const auto& n : impl_->model_notes) say(e, n);

  ModuleOptions mo;
  mo.cpu_threads = *e.cpu_threads;
  mo.enable_mkldnn = *e.enable_mkldnn;
  mo.mkldnn_cache_capacity = e.mkldnn_cache_capacity;

  impl_->use_doc_preprocessor = *e.use_doc_orientation_classify || *e.use_doc_unwarping;
  if (*e.use_doc_orientation_classify) {
    ClassificationOptions co;
    static_cast<ModuleOptions&>(co) = mo;
    impl_->doc_ori = std::make_unique<Classification>(*e.doc_orientation_classify_model_dir, co);
  }
  if (*e.use_doc_unwarping) impl_->unwarp = std::make_unique<TextImageUnwarping>(*e.doc_unwarping_model_dir, mo);
  if (*e.use_textline_orientation) {
    ClassificationOptions co;
    static_cast<ModuleOptions&>(co) = mo;
    co.batch_size = *e.textline_orientation_batch_size;
    impl_->textline = std::make_unique<Classification>(*e.textline_orientation_model_dir, co);
  }

  TextDetectionOptions dopt;
  static_cast<ModuleOptions&>(dopt) = mo;
  dopt.limit_side_len = e.text_det_limit_side_len;
  dopt.limit_type = e.text_det_limit_type;
  dopt.max_side_limit = e.text_det_max_side_limit;
  dopt.thresh = e.text_det_thresh;
  dopt.box_thresh = e.text_det_box_thresh;
  dopt.unclip_ratio = e.text_det_unclip_ratio;
  if (e.text_det_input_shape) dopt.input_shape = e.text_det_input_shape;
  impl_->det = std::make_unique<TextDetection>(*e.text_detection_model_dir, dopt);
  TextDetParams dp = impl_->det->params();
  e.text_det_limit_side_len = dp.limit_side_len;
  e.text_det_limit_type = dp.limit_type;
  e.text_det_max_side_limit = dp.max_side_limit;
  e.text_det_thresh = dp.thresh;
  e.text_det_box_thresh = dp.box_thresh;
  e.text_det_unclip_ratio = dp.unclip_ratio;

  TextRecognitionOptions ropt;
  static_cast<ModuleOptions&>(ropt) = mo;
  ropt.batch_size = *e.text_recognition_batch_size;
  ropt.input_shape = e.text_rec_input_shape;
  impl_->rec = std::make_unique<TextRecognition>(*e.text_recognition_model_dir, ropt);
  e.text_rec_score_thresh = e.text_rec_score_thresh.value_or(0.0f);
  e.return_word_box = e.return_word_box.value_or(false);
}

const std::vector<std::string>& OCR::model_notes() const { return impl_->model_notes; }

OCR::~OCR() = default;

void OCR::release_buffers() const {
  const Impl& im = *impl_;
  if (im.doc_ori) im.doc_ori->release_buffers();
  if (im.unwarp) im.unwarp->release_buffers();
  if (im.det) im.det->release_buffers();
  if (im.textline) im.textline->release_buffers();
  if (im.rec) im.rec->release_buffers();
}

const OCROptions& OCR::effective_options() const { return impl_->eff; }

int OCR::pages_at_once() const { return impl_->page_workers(); }

OCRResult OCR::Impl::run(const Page& page, const OCRParams& p) const {
  check_params(p);
  PPOCR_CHECK(!page.image.empty(), "empty image", page.input_path.empty() ? "" : " from " + page.input_path);
  engine::ThreadBudget::Scope cores(*budget);  // this page's model runs take their share of the cores
  OCRResult r;
  r.input_path = page.input_path;
  r.page_index = page.page_index;
  r.name = page.name;
  if (r.name.empty() && r.input_path.empty()) r.name = unnamed_input_name();

  // Model settings, as PaddleX's get_model_settings.
  bool use_pre;
  if (!p.use_doc_orientation_classify && !p.use_doc_unwarping) use_pre = use_doc_preprocessor;
  else use_pre = p.use_doc_orientation_classify.value_or(false) || p.use_doc_unwarping.value_or(false);
  bool use_tl = p.use_textline_orientation.value_or(*eff.use_textline_orientation);
  r.use_doc_preprocessor = use_pre;
  r.use_textline_orientation = use_tl;

  cv::Mat img = to_bgr8(page.image);
  if (use_pre) {
    DocPreprocessorResult d;
    d.use_doc_orientation_classify = p.use_doc_orientation_classify.value_or(*eff.use_doc_orientation_classify);
    d.use_doc_unwarping = p.use_doc_unwarping.value_or(*eff.use_doc_unwarping);
    PPOCR_CHECK(!d.use_doc_orientation_classify || doc_ori,
                "use_doc_orientation_classify was requested, but the pipeline was built without it");
    PPOCR_CHECK(!d.use_doc_unwarping || unwarp, "use_doc_unwarping was requested, but the pipeline was built without it");
    d.input_img = img;
    if (d.use_doc_orientation_classify) {
      auto c = doc_ori->predict({img}).at(0);
      size_t used = 0;
      try {
        d.angle = std::stoi(c.label_name, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      PPOCR_CHECK(used > 0 && used == c.label_name.size(), "document orientation model: label '", c.label_name,
                  "' is not an angle (expected 0, 90, 180 or 270)");
      img = rotate_upright(img, d.angle);
    }
    d.rot_img = img;
    if (d.use_doc_unwarping) img = unwarp->predict(img).doctr_img;
    d.output_img = img;
    r.doc_preprocessor_res = d;
  }
  PPOCR_CHECK(!use_tl || textline, "use_textline_orientation was requested, but the pipeline was built without it");

  TextDetectionOptions ov;
  ov.limit_side_len = p.text_det_limit_side_len;
  ov.limit_type = p.text_det_limit_type;
  ov.thresh = p.text_det_thresh;
  ov.box_thresh = p.text_det_box_thresh;
  ov.unclip_ratio = p.text_det_unclip_ratio;
  r.text_det_params = det->params(&ov);
  TextDetectionResult dr = det->predict(img, &ov);
  r.dt_polys = dr.dt_polys;
  r.dt_scores = dr.dt_scores;
  r.text_rec_score_thresh = p.text_rec_score_thresh.value_or(*eff.text_rec_score_thresh);
  r.return_word_box = p.return_word_box.value_or(*eff.return_word_box);
  r.image = img;

  std::vector<cv::Mat> crops;
  crops.reserve(r.dt_polys.size());
  for (const auto& poly : r.dt_polys) crops.push_back(modules::crop_text_line(img, poly));
  if (use_tl && !crops.empty()) {
    auto cls = textline->predict(crops);
    for (size_t i = 0; i < crops.size(); ++i) {
      r.textline_orientation_angles.push_back(cls[i].class_id);
      if (cls[i].class_id == 1) cv::rotate(crops[i], crops[i], cv::ROTATE_180);
    }
  } else {
    r.textline_orientation_angles.assign(crops.size(), -1);
  }
  if (!crops.empty()) {
    auto rec_res = rec->predict(crops);
    for (size_t i = 0; i < crops.size(); ++i) {
      if (rec_res[i].rec_score < r.text_rec_score_thresh) continue;
      r.rec_texts.push_back(rec_res[i].rec_text);
      r.rec_scores.push_back(rec_res[i].rec_score);
      r.rec_polys.push_back(r.dt_polys[i]);
      if (r.return_word_box) {
        auto words = modules::word_boxes(
            r.dt_polys[i], rec_res[i].rec_col_num,
            modules::group_words(rec_res[i].rec_chars, rec_res[i].rec_char_cols));
        r.text_word.push_back(std::move(words.words));
        r.text_word_region.push_back(std::move(words.regions));
      }
    }
  }
  for (const auto& poly : r.rec_polys) {
    int x0 = poly[0].x, y0 = poly[0].y, x1 = x0, y1 = y0;
    for (const auto& pt : poly) {
      x0 = std::min(x0, pt.x); x1 = std::max(x1, pt.x);
      y0 = std::min(y0, pt.y); y1 = std::max(y1, pt.y);
    }
    r.rec_boxes.push_back({x0, y0, x1, y1});
  }
  return r;
}

OCRResult OCR::predict_page(const Page& page, const OCRParams& params) const { return impl_->run(page, params); }

void OCR::predict_stream(const std::function<bool(PageJob&)>& next, const std::function<bool(PageOutcome&&)>& sink,
                         const OCRParams& params) const {
  check_params(params);
  const Impl& im = *impl_;
  const int workers = im.page_workers();
  engine::run_ordered<PageJob, PageOutcome>(
      workers, workers + 1, [&](PageJob& job) { return next(job); },
      [&](PageJob&& job) {
        PageOutcome o;
        o.tag = job.tag;
        if (job.error) {
          o.error = std::move(job.error);
          return o;
        }
        const auto t0 = std::chrono::steady_clock::now();
        try {
          o.result = im.run(job.page, params);
        } catch (const Error& e) {
          o.error = e;
        } catch (const std::exception& e) {
          o.error = Error(e.what());
        }
        o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return o;
      },
      [&](PageOutcome&& o) { return sink(std::move(o)); },
      // A worker counts on the cores for as long as it takes pages (reading the next one too), so that pages
      // side by side run on one thread each; the last pages, once the others' workers are done, get more.
      [&](const auto& body) {
        engine::ThreadBudget::Scope cores(*im.budget);
        body();
      });
}

void OCR::predict_iter(const std::vector<Input>& inputs, const std::function<bool(OCRResult&&)>& sink,
                       const OCRParams& params) const {
  // The pages of `inputs` in order, pulled one at a time by predict_stream's workers.
  size_t next_input = 0;
  std::optional<io::InputStream> stream;
  std::string name;  // all pages of an unnamed in-memory input (a PDF's too) share one name
  auto next = [&](PageJob& job) -> bool {
    try {
      for (;;) {
        if (stream) {
          io::InputItem item;
          if (stream->next(item)) {
            job.page = to_page(std::move(item));
            if (job.page.name.empty() && job.page.input_path.empty()) job.page.name = name;
            return true;
          }
          stream.reset();
        }
        if (next_input == inputs.size()) return false;
        const Input& in = inputs[next_input++];
        name = in.kind != Input::Kind::kPath && in.name.empty() ? unnamed_input_name() : "";
        if (in.kind == Input::Kind::kImage) {
          job.page.image = io::to_bgr8(in.image);
          job.page.name = in.name.empty() ? name : in.name;
          return true;
        }
        stream.emplace(in.kind == Input::Kind::kPath
                           ? io::InputStream({in.path}, impl_->inputs)
                           : io::InputStream::from_memory(in.bytes, in.name, io::InputKind::Auto, impl_->inputs));
      }
    } catch (const Error& e) {
      job.error = e;  // raised in its turn, after the pages before it
      stream.reset();
      next_input = inputs.size();
      return true;
    }
  };
  predict_stream(next, [&](PageOutcome&& o) {
    if (o.error) throw *o.error;
    return sink(std::move(o.result));
  }, params);
}

struct ResultStream::State {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<OCRResult> slot;  // one result waiting for next()
  bool done = false, stop = false;
  std::exception_ptr error;
  std::thread runner;
};

std::unique_ptr<ResultStream> OCR::stream(std::vector<Input> inputs, const OCRParams& params) const {
  check_params(params);
  std::unique_ptr<ResultStream> rs(new ResultStream());
  auto st = std::make_shared<ResultStream::State>();
  rs->state_ = st;
  st->runner = std::thread([this, st, inputs = std::move(inputs), params] {
    try {
      predict_iter(inputs, [&](OCRResult&& r) {
        std::unique_lock<std::mutex> lk(st->mu);
        st->cv.wait(lk, [&] { return st->stop || !st->slot; });
        if (st->stop) return false;
        st->slot = std::move(r);
        st->cv.notify_all();
        return true;
      }, params);
    } catch (...) {
      std::lock_guard<std::mutex> lk(st->mu);
      st->error = std::current_exception();
    }
    std::lock_guard<std::mutex> lk(st->mu);
    st->done = true;
    st->cv.notify_all();
  });
  return rs;
}

bool ResultStream::next(OCRResult& result) {
  State& st = *state_;
  std::unique_lock<std::mutex> lk(st.mu);
  st.cv.wait(lk, [&] { return st.slot || st.done; });
  if (st.slot) {
    result = std::move(*st.slot);
    st.slot.reset();
    st.cv.notify_all();
    return true;
  }
  if (st.error) {
    std::exception_ptr e = st.error;
    st.error = nullptr;
    std::rethrow_exception(e);
  }
  return false;
}

ResultStream::~ResultStream() {
  if (!state_) return;
  {
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->stop = true;
    state_->cv.notify_all();
  }
  if (state_->runner.joinable()) state_->runner.join();
}

std::vector<OCRResult> OCR::predict(const std::vector<Input>& inputs, const OCRParams& params) const {
  std::vector<OCRResult> out;
  predict_iter(inputs, [&](OCRResult&& r) {
    out.push_back(std::move(r));
    return true;
  }, params);
  return out;
}

std::vector<OCRResult> OCR::predict(const Input& input, const OCRParams& params) const {
  return predict(std::vector<Input>{input}, params);
}

std::string OCR::export_paddlex_config_yaml() const { return to_paddlex_config_yaml(impl_->eff); }

}  // namespace ppocr
