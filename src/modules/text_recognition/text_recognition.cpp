// TextRecognition: CTC text-line recogniser module. Crops are sorted by
// aspect ratio and batched as PaddleOCR does, which sets each crop's resize
// and padded width; resized/normalised, run, and decoded greedily.
//
// Where the model allows it (engine::WidthPadding: every operator local along
// the width but squeeze-and-excitation averages), a crop is run in a tensor
// only as wide as its content plus the columns the model needs to see the
// padding as padding, the averages being corrected for the columns left out,
// and crops are grouped into runs by that width instead of by PaddleOCR's
// batches: the same texts for less work (docs/performance.md, "Recognition").
// The model's trailing Softmax is cut off: decoding needs the arg-max, and
// the probability only of the steps it keeps.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <numeric>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "engine/threads.h"
#include "engine/width_pad.h"
#include "modules/common/image_ops.h"
#include "modules/common/model_config.h"
#include "modules/common/runner.h"
#include "modules/text_recognition/ctc_decode.h"
#include "modules/text_recognition/rec_resize.h"
#include "ppocr/modules.h"

namespace ppocr {
using namespace modules;

namespace {

// Cuts a trailing Softmax over the last axis (behind Cast/Identity nodes) off
// output 0; true when it did.
bool cut_trailing_softmax(engine::Graph& g) {
  if (g.outputs.empty()) return false;
  std::vector<int> prod = g.producers();
  int v = g.outputs[0];
  for (int hops = 0; hops < 4; ++hops) {
    const int p = prod[v];
    if (p < 0) return false;
    const engine::Node& n = g.nodes[p];
    if (n.op == "Cast" || n.op == "Identity") {
      if (n.inputs.empty() || n.inputs[0] < 0) return false;
      v = n.inputs[0];
      continue;
    }
    if (n.op != "Softmax" || n.inputs.empty() || n.inputs[0] < 0) return false;
    const engine::Value& x = g.values[n.inputs[0]];
    if (!x.has_shape || x.shape.empty() || x.dtype != engine::DType::Float32) return false;
    const int r = static_cast<int>(x.shape.size());
    const bool coerce = n.attrs.i("coerce_2d", 0) != 0;
    int64_t axis = n.attrs.i("axis", coerce ? 1 : -1);
    if (axis < 0) axis += r;
    if (axis != r - 1) return false;
    g.outputs[0] = n.inputs[0];
    g.remove_dead();
    return true;
  }
  return false;
}

bool env_off(const char* name) {
  const char* v = std::getenv(name);
  return v && std::string(v) == "0";
}

}  // namespace

struct TextRecognition::Impl {
  std::unique_ptr<Runner> runner;
  RecShape shape;
  int batch_size = 1;
  int width_bucket = 1;
  bool rgb = false;
  std::unique_ptr<CTCDecoder> decoder, decoder_no_space;
  bool logits = false;                      // output 0 is the logits (trailing Softmax cut off)
  std::optional<engine::WidthPadding> pad;  // virtual right padding, when the model allows it

  const CTCDecoder& decoder_for(int classes) const {
    if (decoder_no_space && static_cast<size_t>(classes) == decoder_no_space->num_classes()) return *decoder_no_space;
    return *decoder;
  }
  void decode(const float* y, int T, int C, TextRecognitionResult& r) const {
    const CTCDecoder& dec = decoder_for(C);
    auto [text, score] = logits ? dec.decode_logits(y, T, C, &r.rec_chars, &r.rec_char_cols)
                                : dec.decode(y, T, C, &r.rec_chars, &r.rec_char_cols);
    r.rec_text = std::move(text);
    r.rec_score = score;
  }
};

TextRecognition::TextRecognition(const std::string& model_dir, const TextRecognitionOptions& o)
    : impl_(std::make_unique<Impl>()) {
  ModelConfig cfg = ModelConfig::load(model_dir);
  std::vector<int> shape;
  if (o.input_shape) shape = *o.input_shape;
  else if (const Json* rr = cfg.transform_op("RecResizeImg")) {
    for (double v : json_numbers(json_get(rr, "image_shape"))) shape.push_back(static_cast<int>(v));
  }
  if (!shape.empty()) {
    PPOCR_CHECK(shape.size() == 3 && shape[0] == 3 && shape[1] > 0 && shape[2] > 0,
                "text recognition: input shape must be [3, H, W] with H, W > 0");
    impl_->shape = {shape[0], shape[1], shape[2]};
  }
  PPOCR_CHECK(o.batch_size >= 1, "text_recognition_batch_size must be >= 1, got ", o.batch_size);
  impl_->batch_size = o.batch_size;
  PPOCR_CHECK(o.width_bucket >= 1, "text recognition width_bucket must be >= 1, got ", o.width_bucket);
  impl_->width_bucket = o.width_bucket;
  if (const Json* dec = cfg.transform_op("DecodeImage"))
    impl_->rgb = json_string(json_get(dec, "img_mode")).value_or("BGR") == "RGB";

  const Json& post = cfg.post_process();
  std::vector<std::string> dict = json_strings(json_get(&post, "character_dict"));
  if (dict.empty()) {
    if (auto p = json_string(json_get(&post, "character_dict_path"))) {
      std::string path = *p;
      if (!path.empty() && path[0] != '/') path = model_dir + "/" + path;
      dict = read_dict_file(path);
    }
  }
  PPOCR_CHECK(!dict.empty(), "text recognition model ", model_dir,
              ": inference.yml has no PostProcess.character_dict");
  if (auto name = json_string(json_get(&post, "name")))
    PPOCR_CHECK(*name == "CTCLabelDecode", "text recognition model ", model_dir, ": post-process '", *name,
                "' is not supported (only CTCLabelDecode)");
  bool space = json_bool(json_get(&post, "use_space_char")).value_or(true);
  impl_->decoder = std::make_unique<CTCDecoder>(dict, space);
  if (space) impl_->decoder_no_space = std::make_unique<CTCDecoder>(dict, false);
  // PPOCR_REC_VIRTUAL_PAD=0 / PPOCR_REC_SOFTMAX_CUT=0: run as PaddleOCR batches, keep the Softmax (comparisons).
  // The Softmax is cut only with the fast kernels (decode_logits reproduces the fast kernel's probabilities).
  const bool cut_softmax = o.enable_mkldnn && !env_off("PPOCR_REC_SOFTMAX_CUT");
  const bool virtual_pad = !env_off("PPOCR_REC_VIRTUAL_PAD");
  Impl& im = *impl_;
  im.runner = std::make_unique<Runner>(model_dir, o, [&](engine::Graph& g) {
    if (cut_softmax) im.logits = cut_trailing_softmax(g);
    if (virtual_pad) im.pad = engine::WidthPadding::attach(g);
  });
  // A height the graph cannot take would fail every crop at run time: refuse it once, here.
  engine::Shape in = impl_->runner->input_shape();
  if (in.size() == 4 && in[2] > 0)
    PPOCR_CHECK_AS(in[2] == impl_->shape.h, kInvalidArgument, "text recognition model ", model_dir,
                   " takes input height ", in[2], ", but the input shape asks for ", impl_->shape.h,
                   o.input_shape ? " (text_rec_input_shape)" : " (inference.yml RecResizeImg.image_shape)");
}

TextRecognition::~TextRecognition() = default;

namespace {

// One crop as PaddleOCR would run it: resized to the model height for its
// batch, inside a batch `width` px wide.
struct Planned {
  cv::Mat img;             // resized, normalised (HWC float), img.cols <= width
  int width = 0;           // the padded width PaddleOCR's batch gives it (incl. width_bucket)
  int natural_width = 0;   // the batch width without width_bucket
  double ratio = 0, batch_ratio = 0;
  // Virtual padding: the narrowest tensor width that computes the same (width when none does).
  int min_width = 0;
  bool exact = true;  // must run at `width` itself
};

}  // namespace

std::vector<TextRecognitionResult> TextRecognition::predict(const std::vector<cv::Mat>& crops) const {
  const auto& im = *impl_;
  std::vector<TextRecognitionResult> out(crops.size());
  std::vector<cv::Mat> imgs(crops.size());
  std::vector<double> ratio(crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    imgs[i] = to_bgr8(crops[i]);
    if (im.rgb) cv::cvtColor(imgs[i], imgs[i], cv::COLOR_BGR2RGB);
    ratio[i] = imgs[i].cols / double(imgs[i].rows);
  }
  std::vector<size_t> order(crops.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ratio[a] < ratio[b]; });
  const double base = im.shape.w / double(im.shape.h);

  // PaddleOCR's batches (as its TextRecognizer): the batch's widest aspect ratio (at least the model's W/H)
  // sets the batch width; each crop is resized to ceil(H * its ratio), capped at that width, and zero-padded
  // on the right.
  std::vector<Planned> plan(crops.size());
  std::vector<std::vector<size_t>> runs;  // crops run together, in one tensor
  for (size_t beg = 0; beg < order.size(); beg += im.batch_size) {
    size_t end = std::min(order.size(), beg + im.batch_size);
    double batch_ratio = base;
    for (size_t k = beg; k < end; ++k) batch_ratio = std::max(batch_ratio, ratio[order[k]]);
    const int natural_width = rec_batch_width(im.shape, batch_ratio);
    int width = natural_width;
    if (im.width_bucket > 1) width = (width + im.width_bucket - 1) / im.width_bucket * im.width_bucket;
    std::vector<size_t> run;
    for (size_t k = beg; k < end; ++k) {
      Planned& p = plan[order[k]];
      p.img = rec_resize_norm(imgs[order[k]], im.shape, batch_ratio);
      p.width = p.min_width = width;
      p.natural_width = natural_width;
      p.ratio = ratio[order[k]];
      p.batch_ratio = batch_ratio;
      run.push_back(order[k]);
    }
    if (!im.pad) runs.push_back(std::move(run));
  }

  if (im.pad) {
    // Each crop's narrowest width: as many columns as its content, plus what the model needs to have
    // far columns everywhere, in steps of the model's stride from its PaddleOCR width (same right border).
    const int S = im.pad->stride();
    std::vector<size_t> ids(crops.size());
    std::iota(ids.begin(), ids.end(), 0);
    for (size_t i : ids) {
      Planned& p = plan[i];
      const int c = p.img.cols;
      if (!im.pad->far_columns(c, p.width)) continue;  // no far column even at its own width: run it there
      p.exact = false;
      int w = p.width - (p.width - c) / S * S;          // the smallest width >= c with the same remainder
      while (w < p.width && !im.pad->far_columns(c, w)) w += S;
      p.min_width = w;
    }
    // Runs: crops of the same remainder by increasing width, up to batch_size each; a crop that must run at
    // its own width closes a run against wider ones.
    std::stable_sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
      const int ra = plan[a].width % S, rb = plan[b].width % S;
      return ra != rb ? ra < rb : plan[a].min_width < plan[b].min_width;
    });
    std::vector<size_t> run;
    int run_width = 0;
    bool run_exact = false;
    for (size_t i : ids) {
      const Planned& p = plan[i];
      const bool fits = !run.empty() && run.size() < static_cast<size_t>(im.batch_size) &&
                        plan[run[0]].width % S == p.width % S && !(run_exact && p.min_width > run_width);
      if (!fits && !run.empty()) {
        runs.push_back(std::move(run));
        run.clear();
        run_exact = false;
      }
      run_width = run.empty() ? p.min_width : std::max(run_width, p.min_width);
      run_exact |= p.exact;
      run.push_back(i);
    }
    if (!run.empty()) runs.push_back(std::move(run));
  }

  auto do_run = [&](const std::vector<size_t>& run) {
    int width = 0;
    for (size_t i : run) width = std::max(width, plan[i].min_width);
    std::vector<cv::Mat> batch;
    for (size_t i : run) batch.push_back(plan[i].img);
    std::vector<engine::Tensor> inputs{to_nchw_padded(batch, width)};
    // Per crop: the far columns at the run's width and at its own (virtual padding).
    std::vector<std::optional<engine::WidthPadding::Far>> far_run(run.size()), far_own(run.size());
    if (im.pad) {
      const int G = im.pad->pools();
      engine::Tensor P(engine::DType::Float32, {static_cast<int64_t>(run.size()), G, 2});
      float* pp = P.data<float>();
      std::fill(pp, pp + P.numel(), 0.f);
      for (size_t k = 0; k < run.size(); ++k) {
        const Planned& p = plan[run[k]];
        if (width == p.width) continue;
        far_run[k] = im.pad->far_columns(p.img.cols, width);
        far_own[k] = im.pad->far_columns(p.img.cols, p.width);
        PPOCR_CHECK(far_run[k] && far_own[k], "text recognition: no far columns for a crop of ", p.img.cols,
                    " px at ", width, " / ", p.width, " px");
        for (int g = 0; g < G; ++g) {
          pp[(k * G + g) * 2] = static_cast<float>(far_run[k]->pool_col[g]);
          pp[(k * G + g) * 2 + 1] = static_cast<float>(far_own[k]->pool_width[g] - far_run[k]->pool_width[g]);
        }
      }
      inputs.push_back(std::move(P));
    }
    engine::Tensor y = im.runner->run(std::move(inputs)).at(0);
    PPOCR_CHECK(y.rank() == 3 && y.dim(0) == static_cast<int64_t>(run.size()),
                "text recognition: unexpected model output ", y.desc());
    const int T = static_cast<int>(y.dim(1)), C = static_cast<int>(y.dim(2));
    for (size_t k = 0; k < run.size(); ++k) {
      const Planned& p = plan[run[k]];
      TextRecognitionResult& r = out[run[k]];
      im.decode(y.data<float>() + k * size_t(T) * C, T, C, r);
      // The output columns PaddleOCR's own batch would have had.
      int own_T = T;
      if (far_run[k]) {
        PPOCR_CHECK(far_run[k]->out_width == T, "text recognition: output has ", T, " columns, expected ",
                    far_run[k]->out_width);
        own_T = far_own[k]->out_width;
        // Columns right of the far ones (the right border's) sit own_T - T further right there.
        for (int& col : r.rec_char_cols)
          if (col > far_run[k]->out_col) col += own_T - T;
      }
      // The columns of the batch width PaddleX would use (no bucket padding); the crop spans its share of them.
      const double cols = own_T * double(p.natural_width) / p.width;
      r.rec_col_num = cols * p.ratio / p.batch_ratio;
    }
  };

  // Inside a pipeline whose cores this page has to itself (engine::ThreadBudget), the runs go side by side,
  // one thread each (this thread and share - 1 more), rather than each run on all of them.
  engine::ThreadBudget* budget = engine::ThreadBudget::current();
  const int side_by_side = budget ? std::min<int>(budget->share(), static_cast<int>(runs.size())) : 1;
  if (side_by_side <= 1) {
    for (const auto& run : runs) do_run(run);
    return out;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mu;
  auto work = [&] {
    try {
      for (size_t i; (i = next++) < runs.size();) do_run(runs[i]);
    } catch (...) {
      std::lock_guard<std::mutex> lk(error_mu);
      if (!error) error = std::current_exception();
      next = runs.size();
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < side_by_side; ++t)
    helpers.emplace_back([&] {
      engine::ThreadBudget::Scope scope(*budget);  // counts on the budget: every run here takes its share
      work();
    });
  work();
  for (auto& h : helpers) h.join();
  if (error) std::rethrow_exception(error);
  return out;
}

void TextRecognition::release_buffers() const { impl_->runner->release_buffers(); }

}  // namespace ppocr
