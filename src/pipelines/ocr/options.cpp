// PaddleOCR 3.x's default model names (from the io registry's table).
#include "engine/error.h"
#include "io/model_registry.h"
#include "ppocr/options.h"

namespace ppocr {

DefaultModelNames default_model_names(const std::optional<std::string>& lang_opt,
                                      const std::optional<std::string>& version_opt) {
  // One table: the io registry follows paddleocr/_pipelines/ocr.py.
  const std::string lang = lang_opt.value_or(""), ver = version_opt.value_or("");
  auto names = io::ocr_model_names(lang, ver);  // Error for an unknown ocr_version
  if (!names)
    fail_as(ErrorCode::kInvalidArgument, "no models are available for lang '", lang.empty() ? "ch" : lang,
            "' and ocr_version '", ver.empty() ? "(default)" : ver, "'");
  DefaultModelNames n;
  n.doc_orientation_classify = io::kDefaultDocOrientationModel;
  n.doc_unwarping = io::kDefaultDocUnwarpingModel;
  n.textline_orientation = io::kDefaultTextlineOrientationModel;
  n.text_detection = names->det;
  n.text_recognition = names->rec;
  return n;
}

std::string default_module_model_name(const std::string& module) {
  const DefaultModelNames n = default_model_names(std::nullopt, std::nullopt);
  if (module == "text_detection") return n.text_detection;
  if (module == "text_recognition") return n.text_recognition;
  if (module == "textline_orientation_classification") return n.textline_orientation;
  if (module == "doc_img_orientation_classification") return n.doc_orientation_classify;
  if (module == "text_image_unwarping") return n.doc_unwarping;
  fail_as(ErrorCode::kInvalidArgument, "unknown module '", module, "'");
}

}  // namespace ppocr
