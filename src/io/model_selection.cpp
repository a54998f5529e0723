#include "io/model_selection.h"

#include "engine/error.h"

namespace ppocr::io {
namespace {

using Opt = std::optional<std::string>;

const char* const kDefaultPairs[][2] = {
    {kPaddleOcrDefaultDet, kPaddleOcrDefaultRec},
    {"PP-OCRv5_server_det", "PP-OCRv5_server_rec"},
    {"PP-OCRv6_tiny_det", "PP-OCRv6_tiny_rec"},
};

bool has(const Opt& o) { return o && !o->empty(); }

std::string cache_root(const DownloadOptions& dl) { return dl.cache_root.empty() ? model_cache_root() : dl.cache_root; }

void resolve_into(const Opt& name, Opt& dir, const DownloadOptions& dl) {
  if (has(dir)) return;
  PPOCR_CHECK(has(name), "internal: no model name to resolve");
  dir = resolve_model(*name, dl);
}

// An optional stage: use_flag unset -> on only if a model can be had.
void optional_stage(std::optional<bool>& use, Opt& name, Opt& dir, const std::vector<const char*>& defaults,
                    const char* flag, const DownloadOptions& dl, std::vector<std::string>& notes) {
  if (use && !*use) return;
  if (has(dir)) {
    use = true;
    return;
  }
  if (!has(name)) {
    for (const char* d : defaults)
      if (is_model_cached(d, cache_root(dl))) {
        name = d;
        break;
      }
    if (!has(name)) name = defaults.front();
  }
  if (use) {  // explicitly True: a missing model is an Error
    resolve_into(name, dir, dl);
    return;
  }
  try {
    resolve_into(name, dir, dl);
    use = true;
  } catch (const Error& e) {
    use = false;
    std::string why = e.what();
    why = why.substr(0, why.find('\n'));
    notes.push_back(std::string("--") + flag + " is off: its model " + *name + " is not available (" + why +
                    "); pass --" + flag + " True with a model to require it");
    name.reset();
    dir.reset();
  }
}

}  // namespace

void select_ocr_models(OCROptions& o, const DownloadOptions& dl, std::vector<std::string>& notes) {
  bool given = has(o.text_detection_model_name) || has(o.text_detection_model_dir) ||
               has(o.text_recognition_model_name) || has(o.text_recognition_model_dir);
  bool by_lang = has(o.lang) || has(o.ocr_version);
  if (given && by_lang)
    notes.push_back("`lang` and `ocr_version` are ignored when model names or model directories are given");
  std::string det_default = kPaddleOcrDefaultDet, rec_default = kPaddleOcrDefaultRec;
  if (by_lang) {
    auto names = ocr_model_names(o.lang.value_or(""), o.ocr_version.value_or(""));
    PPOCR_CHECK(names, "No models are available for the language '", o.lang.value_or("ch"), "' and OCR version '",
                o.ocr_version.value_or("default"), "'");
    det_default = names->det;
    rec_default = names->rec;
  } else {
    std::string root = cache_root(dl);
    for (const auto& pair : kDefaultPairs)
      if (is_model_cached(pair[0], root) && is_model_cached(pair[1], root)) {
        det_default = pair[0];
        rec_default = pair[1];
        break;
      }
  }
  if (!has(o.text_detection_model_dir) && !has(o.text_detection_model_name)) o.text_detection_model_name = det_default;
  if (!has(o.text_recognition_model_dir) && !has(o.text_recognition_model_name))
    o.text_recognition_model_name = rec_default;
  resolve_into(o.text_detection_model_name, o.text_detection_model_dir, dl);
  resolve_into(o.text_recognition_model_name, o.text_recognition_model_dir, dl);

  optional_stage(o.use_doc_orientation_classify, o.doc_orientation_classify_model_name,
                 o.doc_orientation_classify_model_dir, {kDefaultDocOrientationModel}, "use_doc_orientation_classify",
                 dl, notes);
  optional_stage(o.use_doc_unwarping, o.doc_unwarping_model_name, o.doc_unwarping_model_dir,
                 {kDefaultDocUnwarpingModel}, "use_doc_unwarping", dl, notes);
  optional_stage(o.use_textline_orientation, o.textline_orientation_model_name, o.textline_orientation_model_dir,
                 {kDefaultTextlineOrientationModel, "PP-LCNet_x0_25_textline_ori"}, "use_textline_orientation", dl,
                 notes);
}

}  // namespace ppocr::io
