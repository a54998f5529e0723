// Model resolver hook and PaddleOCR 3.x's default model names.
#include <mutex>

#include "engine/error.h"
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

bool one_of(const std::string& s, std::initializer_list<const char*> set) {
  for (const char* v : set)
    if (s == v) return true;
  return false;
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
  const std::string lang = lang_opt.value_or("ch");
  const std::string ver = version_opt.value_or("PP-OCRv5");
  static const std::initializer_list<const char*> latin = {
      "fr", "de", "it", "es", "pt", "af", "az", "bs", "cs", "cy", "da", "et", "ga", "hr", "hu", "id",
      "is", "ku", "la", "lt", "lv", "mi", "ms", "mt", "nl", "no", "oc", "pi", "pl", "ro", "rs_latin",
      "sk", "sl", "sq", "sv", "sw", "tl", "tr", "uz", "vi", "french", "german", "fi", "eu", "gl", "lb",
      "rm", "ca", "qu"};
  DefaultModelNames n;
  if (ver == "PP-OCRv5") {
    n.text_detection = "PP-OCRv5_server_det";
    if (one_of(lang, {"ch", "chinese_cht", "en", "japan"})) n.text_recognition = "PP-OCRv5_server_rec";
    else if (lang == "korean") n.text_recognition = "korean_PP-OCRv5_mobile_rec";
    else if (one_of(lang, latin)) n.text_recognition = "latin_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"th"})) n.text_recognition = "th_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"el"})) n.text_recognition = "el_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"ru", "be", "uk", "bg", "mn", "kk", "sr", "mk"}))
      n.text_recognition = "eslav_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"ta"})) n.text_recognition = "ta_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"te"})) n.text_recognition = "te_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"ar", "fa", "ug", "ur", "ps", "ku_arabic", "sd", "bal"}))
      n.text_recognition = "arabic_PP-OCRv5_mobile_rec";
    else if (one_of(lang, {"hi", "mr", "ne", "bh", "mai", "ang", "bho", "mah", "sck", "new", "gom", "sa", "bgc"}))
      n.text_recognition = "devanagari_PP-OCRv5_mobile_rec";
    else fail("lang '", lang, "' has no PP-OCRv5 recognition model; try ocr_version PP-OCRv3");
  } else if (ver == "PP-OCRv4") {
    n.text_detection = "PP-OCRv4_mobile_det";
    if (lang == "ch") n.text_recognition = "PP-OCRv4_mobile_rec";
    else if (lang == "en") n.text_recognition = "en_PP-OCRv4_mobile_rec";
    else fail("lang '", lang, "' has no PP-OCRv4 recognition model; try ocr_version PP-OCRv3");
  } else if (ver == "PP-OCRv3") {
    n.text_detection = "PP-OCRv3_mobile_det";
    if (lang == "ch") n.text_recognition = "PP-OCRv3_mobile_rec";
    else if (one_of(lang, {"en", "korean", "japan", "chinese_cht", "te", "ka", "ta"}))
      n.text_recognition = lang + "_PP-OCRv3_mobile_rec";
    else if (one_of(lang, latin)) n.text_recognition = "latin_PP-OCRv3_mobile_rec";
    else if (one_of(lang, {"ar", "fa", "ug", "ur"})) n.text_recognition = "arabic_PP-OCRv3_mobile_rec";
    else if (one_of(lang, {"ru", "rs_cyrillic", "be", "bg", "uk", "mn"}))
      n.text_recognition = "cyrillic_PP-OCRv3_mobile_rec";
    else if (one_of(lang, {"hi", "mr", "ne"})) n.text_recognition = "devanagari_PP-OCRv3_mobile_rec";
    else fail("lang '", lang, "' is not supported by PP-OCRv3");
  } else {
    fail("ocr_version must be PP-OCRv5, PP-OCRv4 or PP-OCRv3, got '", ver, "'");
  }
  return n;
}

}  // namespace ppocr
