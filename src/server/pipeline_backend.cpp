#include "server/pipeline_backend.h"

#include "server/http_error.h"

namespace ppocr::server {

OcrFn make_pipeline_backend(std::shared_ptr<const ppocr::OCR> ocr) {
  const OCROptions& eff = ocr->effective_options();
  bool has_ori = eff.use_doc_orientation_classify.value_or(false);
  bool has_unwarp = eff.use_doc_unwarping.value_or(false);
  bool has_textline = eff.use_textline_orientation.value_or(false);
  return [ocr, has_ori, has_unwarp, has_textline](const cv::Mat& bgr, const OCRParams& p, bool visualize) {
    auto refuse = [](const char* field, const char* flag) {
      throw HttpError(422, std::string(field) + " is true, but the server was started without that stage (" + flag +
                               " False); restart it with " + flag + " True to allow it");
    };
    if (p.use_doc_orientation_classify.value_or(false) && !has_ori)
      refuse("useDocOrientationClassify", "--use_doc_orientation_classify");
    if (p.use_doc_unwarping.value_or(false) && !has_unwarp) refuse("useDocUnwarping", "--use_doc_unwarping");
    if (p.use_textline_orientation.value_or(false) && !has_textline)
      refuse("useTextlineOrientation", "--use_textline_orientation");
    ppocr::Page page;
    page.image = bgr;
    OCRResult r = ocr->predict_page(page, p);
    PageOutput out;
    out.res = r.res_json();
    out.result_image = r.image;  // shares the pixels
    if (visualize) {
      auto imgs = r.img();
      if (auto it = imgs.find("ocr_res_img"); it != imgs.end()) out.ocr_image = it->second;
      if (auto it = imgs.find("preprocessed_img"); it != imgs.end()) out.preprocessed_image = it->second;
    }
    return out;
  };
}

}  // namespace ppocr::server
