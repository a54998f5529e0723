#include "pipelines/ocr/model_selection.h"

#include "engine/error.h"
#include "io/model_registry.h"

namespace ppocr {
namespace {

using Opt = std::optional<std::string>;

const char* const kDefaultPairs[][2] = {
    {io::kPaddleOcrDefaultDet, io::kPaddleOcrDefaultRec},
    {"PP-OCRv5_server_det", "PP-OCRv5_server_rec"},
    {"PP-OCRv6_tiny_det", "PP-OCRv6_tiny_rec"},
};

bool has(const Opt& o) { return o && !o->empty(); }

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
      std::string msg = e.what();
      msg = msg.substr(0, msg.find('\n'));
      std::string flag = std::string("use_") + stage;
      notes.push_back("--" + flag + " is off: its model " + *name + " is not available (" + msg + "); pass --" +
                      flag + " True with a model to require it");
      name.reset();
      dir.reset();
    }
  }
};

}  // namespace

std::vector<ModelChoice> select_models(OCROptions& o, std::vector<std::string>& notes) {
  Selector s{o, {}, notes, {}};
  s.dl.allow_download = o.allow_download.value_or(true);
  s.dl.log = o.log;
  bool given = has(o.text_detection_model_name) || has(o.text_detection_model_dir) ||
               has(o.text_recognition_model_name) || has(o.text_recognition_model_dir);
  bool by_lang = has(o.lang) || has(o.ocr_version);
  if (given && by_lang)
    notes.push_back("`lang` and `ocr_version` are ignored for the models given by name or directory");
  std::string det = io::kPaddleOcrDefaultDet, rec = io::kPaddleOcrDefaultRec;
  std::string why = "PaddleOCR's default";
  if (by_lang) {
    auto names = io::ocr_model_names(o.lang.value_or(""), o.ocr_version.value_or(""));
    PPOCR_CHECK_AS(names, kInvalidArgument, "No models are available for the language '", o.lang.value_or("ch"),
                   "' and OCR version '", o.ocr_version.value_or("default"), "'");
    det = names->det;
    rec = names->rec;
    why = "lang/ocr_version";
  } else {
    for (const auto& pair : kDefaultPairs)
      if (io::is_model_cached(pair[0], s.root()) && io::is_model_cached(pair[1], s.root())) {
        if (det != pair[0]) why = std::string("the first default pair in the model cache (") + io::kPaddleOcrDefaultDet +
                                  " is not cached)";
        det = pair[0];
        rec = pair[1];
        break;
      }
  }
  std::string det_why = has(o.text_detection_model_name) ? "given name" : why;
  std::string rec_why = has(o.text_recognition_model_name) ? "given name" : why;
  if (!has(o.text_detection_model_dir) && !has(o.text_detection_model_name)) o.text_detection_model_name = det;
  if (!has(o.text_recognition_model_dir) && !has(o.text_recognition_model_name)) o.text_recognition_model_name = rec;

  s.optional_stage("doc_orientation_classify", o.use_doc_orientation_classify, o.doc_orientation_classify_model_name,
                   o.doc_orientation_classify_model_dir, {io::kDefaultDocOrientationModel});
  s.optional_stage("doc_unwarping", o.use_doc_unwarping, o.doc_unwarping_model_name, o.doc_unwarping_model_dir,
                   {io::kDefaultDocUnwarpingModel});
  s.resolve("text_detection", o.text_detection_model_name, o.text_detection_model_dir, det_why);
  s.optional_stage("textline_orientation", o.use_textline_orientation, o.textline_orientation_model_name,
                   o.textline_orientation_model_dir, {io::kDefaultTextlineOrientationModel, "PP-LCNet_x0_25_textline_ori"});
  s.resolve("text_recognition", o.text_recognition_model_name, o.text_recognition_model_dir, rec_why);
  return s.chosen;
}

}  // namespace ppocr
