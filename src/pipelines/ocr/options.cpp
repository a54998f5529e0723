// Model resolver hook and PaddleOCR 3.x's default model names.
#include <mutex>

#include "engine/error.h"
#include "io/model_registry.h"
#include "ppocr/options.h"

namespace ppocr {
namespace {

std::mutex& resolver_mu() {
  static std::mutex m;
  return m;
}
ModelResolver& resolver() {
  static ModelResolver r;
  return r;
}

}  // namespace

void set_model_resolver(ModelResolver r) {
  std::lock_guard<std::mutex> lk(resolver_mu());
  resolver() = std::move(r);
}

std::string resolve_model(const std::string& name) {
  ModelResolver r;
  {
    std::lock_guard<std::mutex> lk(resolver_mu());
    r = resolver();
  }
  PPOCR_CHECK(static_cast<bool>(r), "model '", name,
              "' was given by name, but no model registry is available: give its directory (*_model_dir)");
  return r(name);
}

DefaultModelNames default_model_names(const std::optional<std::string>& lang_opt,
                                      const std::optional<std::string>& version_opt) {
  // One table: the io registry follows paddleocr/_pipelines/ocr.py.
  const std::string lang = lang_opt.value_or(""), ver = version_opt.value_or("");
  auto names = io::ocr_model_names(lang, ver);  // Error for an unknown ocr_version
  if (!names)
    fail("no models are available for lang '", lang.empty() ? "ch" : lang, "' and ocr_version '",
         ver.empty() ? "(default)" : ver, "'");
  DefaultModelNames n;
  n.doc_orientation_classify = io::kDefaultDocOrientationModel;
  n.doc_unwarping = io::kDefaultDocUnwarpingModel;
  n.textline_orientation = io::kDefaultTextlineOrientationModel;
  n.text_detection = names->det;
  n.text_recognition = names->rec;
  return n;
}

}  // namespace ppocr
