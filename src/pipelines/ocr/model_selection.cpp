#include "pipelines/ocr/model_selection.h"

#include "engine/error.h"
#include "io/model_registry.h"

namespace ppocr {
namespace {

using Opt = std::optional<std::string>;

// Where PaddleOCR 3.7's default (PP-OCRv6_medium) cannot be had: pairs taken from
// the model cache, most accurate first (PaddleOCR's own figures: v6 small 81.3%,
// v5 server ~78%, v6 tiny 73.5% recognition accuracy). install_models.sh
// registers the PP-OCRv6_tiny and PP-OCRv4_mobile pairs.
const char* const kCachedFallbacks[][3] = {
    {"PP-OCRv6_small_det", "PP-OCRv6_small_rec", "PP-OCRv6_small"},
    {"PP-OCRv5_server_det", "PP-OCRv5_server_rec", "PP-OCRv5_server"},
    {"PP-OCRv6_tiny_det", "PP-OCRv6_tiny_rec", "PP-OCRv6_tiny"},
    {"PP-OCRv5_mobile_det", "PP-OCRv5_mobile_rec", "PP-OCRv5_mobile"},
    {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec", "PP-OCRv4_mobile"},
};

bool has(const Opt& o) { return o && !o->empty(); }

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

struct Selector {
  OCROptions& o;
  io::DownloadOptions dl;
  std::vector<std::string>& notes;
  std::vector<ModelChoice> chosen;

  std::string root() const { return dl.cache_root.empty() ? io::model_cache_root() : dl.cache_root; }

  // Resolves a stage whose name or dir is set; records why.
  void resolve(const char* stage, Opt& name, Opt& dir, const std::string& why) {
    if (has(dir)) {
      chosen.push_back({stage, name.value_or(""), *dir, "given directory"});
      return;
    }
    PPOCR_CHECK(has(name), "internal: no model name to resolve for ", stage);
    dir = io::resolve_model(*name, dl);
    chosen.push_back({stage, *name, *dir, why});
  }

  // An optional stage: use unset -> on only if a model can be had.
  void optional_stage(const char* stage, std::optional<bool>& use, Opt& name, Opt& dir,
                      const std::vector<const char*>& defaults) {
    if (use && !*use) return;
    std::string why = has(name) ? "given name" : "default";
    if (!has(dir) && !has(name)) {
      for (const char* d : defaults)
        if (io::is_model_cached(d, root())) {
          name = d;
          break;
        }
      if (!has(name)) name = defaults.front();
    }
    if (use) {  // explicitly True: a missing model is an Error
      resolve(stage, name, dir, why);
      return;
    }
    try {
      resolve(stage, name, dir, why);
      use = true;
    } catch (const Error& e) {
      use = false;
      std::string flag = std::string("use_") + stage;
      notes.push_back("--" + flag + " is off: its model " + *name + " is not available (" + first_line(e.what()) +
                      "); pass --" + flag + " True with a model to require it");
      name.reset();
      dir.reset();
    }
  }
};

// The detector and recognizer: what is given, else lang/ocr_version's names,
// else PaddleOCR's default pair, else a pair from the cache.
struct TextPair {
  Opt det_name, det_dir, rec_name, rec_dir;
  std::string det_why, rec_why;
};

TextPair text_pair(OCROptions& o, Selector& s) {
  TextPair p{o.text_detection_model_name, o.text_detection_model_dir, o.text_recognition_model_name,
             o.text_recognition_model_dir, has(o.text_detection_model_dir) ? "given directory" : "given name",
             has(o.text_recognition_model_dir) ? "given directory" : "given name"};
  const bool det_given = has(p.det_name) || has(p.det_dir), rec_given = has(p.rec_name) || has(p.rec_dir);
  auto resolve_given = [&] {
    if (det_given && !has(p.det_dir)) p.det_dir = io::resolve_model(*p.det_name, s.dl);
    if (rec_given && !has(p.rec_dir)) p.rec_dir = io::resolve_model(*p.rec_name, s.dl);
  };
  const bool by_lang = has(o.lang) || has(o.ocr_version);
  if (!det_given && !rec_given && by_lang) {
    // PaddleOCR: lang/ocr_version name both models; no fallback (they were asked for).
    auto names = io::ocr_model_names(o.lang.value_or(""), o.ocr_version.value_or(""));
    PPOCR_CHECK_AS(names, kInvalidArgument, "No models are available for the language '", o.lang.value_or("ch"),
                   "' and OCR version '", o.ocr_version.value_or("default"), "'");
    std::string why = "lang/ocr_version (PaddleOCR 3.7's choice for lang '" + o.lang.value_or("ch") + "'" +
                      (has(o.ocr_version) ? " and " + *o.ocr_version : std::string()) + ")";
    p.det_name = names->det;
    p.rec_name = names->rec;
    p.det_why = p.rec_why = why;
    try {
      p.det_dir = io::resolve_model(names->det, s.dl);
      p.rec_dir = io::resolve_model(names->rec, s.dl);
    } catch (const Error& e) {
      std::string hint;
      for (const auto& f : kCachedFallbacks)
        if (io::is_model_cached(f[0], s.root()) && io::is_model_cached(f[1], s.root())) {
          hint = std::string("\n  The model cache holds the ") + f[2] + " pair: pass --text_detection_model_name " +
                 f[0] + " --text_recognition_model_name " + f[1] + " to use it.";
          break;
        }
      fail_as(e.code(), e.what(), hint);
    }
    return p;
  }
  resolve_given();
  if (det_given && rec_given) return p;
  // PaddleOCR 3.7's default for the stage(s) not given: PP-OCRv6_medium.
  const std::string det = io::kPaddleOcrDefaultDet, rec = io::kPaddleOcrDefaultRec;
  try {
    if (!det_given) p.det_dir = io::resolve_model(det, s.dl);
    if (!rec_given) p.rec_dir = io::resolve_model(rec, s.dl);
    if (!det_given) p.det_name = det, p.det_why = "PaddleOCR 3.7's default";
    if (!rec_given) p.rec_name = rec, p.rec_why = "PaddleOCR 3.7's default";
    return p;
  } catch (const Error& e) {
    const std::string missing = !det_given && !io::is_model_cached(det, s.root()) ? det : rec;
    std::string cause = first_line(e.what());
    const std::string prefix = "model " + missing + " could not be downloaded: ";
    if (cause.rfind(prefix, 0) == 0) cause = cause.substr(prefix.size());
    const std::string reason = !s.dl.allow_download ? "downloads are off" : "could not be downloaded (" + cause + ")";
    for (const auto& f : kCachedFallbacks) {
      if ((!det_given && !io::is_model_cached(f[0], s.root())) || (!rec_given && !io::is_model_cached(f[1], s.root())))
        continue;
      std::string why = "PaddleOCR 3.7's default " + missing + " is not cached and " + reason + ": using the cached " +
                        f[2] + " pair";
      if (!det_given) p.det_name = f[0], p.det_dir = io::cached_model_path(f[0], s.root()), p.det_why = why;
      if (!rec_given) p.rec_name = f[1], p.rec_dir = io::cached_model_path(f[1], s.root()), p.rec_why = why;
      return p;
    }
    std::string pairs;
    for (const auto& f : kCachedFallbacks) pairs += std::string(pairs.empty() ? "" : ", ") + f[2];
    fail_as(e.code(), e.what(), "\n  No other model pair is cached either (looked for ", pairs, ").");
  }
}

}  // namespace

std::vector<ModelChoice> select_models(OCROptions& o, std::vector<std::string>& notes) {
  Selector s{o, {}, notes, {}};
  s.dl.allow_download = o.allow_download.value_or(true);
  s.dl.log = o.log;
  bool given = has(o.text_detection_model_name) || has(o.text_detection_model_dir) ||
               has(o.text_recognition_model_name) || has(o.text_recognition_model_dir);
  bool by_lang = has(o.lang) || has(o.ocr_version);
  if (given && by_lang)  // as PaddleOCR: they pick no model then, not even the one not given
    notes.push_back("`lang` and `ocr_version` are ignored when model names or model directories are given");
  if (has(o.engine))
    notes.push_back("--engine " + *o.engine +
                    ": ppocr runs every model on its own engine (oneDNN kernels, no Paddle, ONNX Runtime or "
                    "Transformers); the choice has no effect");

  // The text models first: their fallback must not depend on what the optional stages find.
  TextPair p = text_pair(o, s);
  s.optional_stage("doc_orientation_classify", o.use_doc_orientation_classify, o.doc_orientation_classify_model_name,
                   o.doc_orientation_classify_model_dir, {io::kDefaultDocOrientationModel});
  s.optional_stage("doc_unwarping", o.use_doc_unwarping, o.doc_unwarping_model_name, o.doc_unwarping_model_dir,
                   {io::kDefaultDocUnwarpingModel});
  o.text_detection_model_name = p.det_name;
  o.text_detection_model_dir = p.det_dir;
  s.chosen.push_back({"text_detection", p.det_name.value_or(""), *p.det_dir, p.det_why});
  s.optional_stage("textline_orientation", o.use_textline_orientation, o.textline_orientation_model_name,
                   o.textline_orientation_model_dir, {io::kDefaultTextlineOrientationModel, "PP-LCNet_x0_25_textline_ori"});
  o.text_recognition_model_name = p.rec_name;
  o.text_recognition_model_dir = p.rec_dir;
  s.chosen.push_back({"text_recognition", p.rec_name.value_or(""), *p.rec_dir, p.rec_why});
  return s.chosen;
}

}  // namespace ppocr
