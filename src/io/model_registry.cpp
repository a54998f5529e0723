#include "io/model_registry.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "formats/load.h"
#include "io/sha256.h"
#include "io/tar_reader.h"

namespace fs = std::filesystem;

namespace ppocr::io {

const char* const kSupportedOcrVersions[4] = {"PP-OCRv3", "PP-OCRv4", "PP-OCRv5", "PP-OCRv6"};
const char* const kDefaultDocOrientationModel = "PP-LCNet_x1_0_doc_ori";
const char* const kDefaultDocUnwarpingModel = "UVDoc";
const char* const kDefaultTextlineOrientationModel = "PP-LCNet_x1_0_textline_ori";
const char* const kPaddleOcrDefaultDet = "PP-OCRv6_medium_det";
const char* const kPaddleOcrDefaultRec = "PP-OCRv6_medium_rec";
const char* const kOfficialModelBase =
    "https://paddle-model-ecology.bj.bcebos.com/paddlex/official_inference_model/paddle3.0.0";

namespace {

bool in(const std::string& s, std::initializer_list<const char*> list) {
  for (const char* x : list)
    if (s == x) return true;
  return false;
}

#define LATIN_LANGS                                                                                            \
  {"af", "az", "bs", "cs", "cy", "da", "de", "es", "et", "fr", "ga", "hr", "hu", "id", "is", "it", "ku", "la", \
   "lt", "lv", "mi", "ms", "mt", "nl", "no", "oc", "pi", "pl", "pt", "ro", "rs_latin", "sk", "sl", "sq", "sv", \
   "sw", "tl", "tr", "uz", "vi", "french", "german", "fi", "eu", "gl", "lb", "rm", "ca", "qu"}
#define ARABIC_LANGS {"ar", "fa", "ug", "ur", "ps", "ku", "sd", "bal"}
#define ESLAV_LANGS {"ru", "be", "uk"}
#define CYRILLIC_LANGS                                                                                         \
  {"ru", "rs_cyrillic", "be", "bg", "uk", "mn", "abq", "ady", "kbd", "ava", "dar", "inh", "che", "lbe", "lez", \
   "tab", "kk", "ky", "tg", "mk", "tt", "cv", "ba", "mhr", "mo", "udm", "kv", "os", "bua", "xal", "tyv", "sah", \
   "kaa"}
#define DEVANAGARI_LANGS {"hi", "mr", "ne", "bh", "mai", "ang", "bho", "mah", "sck", "new", "gom", "sa", "bgc"}
#define SPECIFIC_LANGS {"ch", "en", "korean", "japan", "chinese_cht", "te", "ka", "ta"}

}  // namespace

bool is_ppocrv6_lang(const std::string& lang, const std::string& tier) {
  // PaddleOCR 3.7: one model per tier for Chinese (simplified and traditional), English, Japanese and the
  // Latin-script languages but "pi" (Pali); tiny has no Japanese.
  if (in(lang, {"ch", "chinese_cht", "en"})) return true;
  if (lang == "japan") return tier != "tiny";
  return lang != "pi" && in(lang, LATIN_LANGS);
}

std::optional<OcrModelNames> ocr_model_names(const std::string& lang_in, const std::string& version_in) {
  if (!version_in.empty()) {
    bool ok = false;
    for (const char* v : kSupportedOcrVersions) ok |= version_in == v;
    PPOCR_CHECK(ok, "invalid OCR version: ", version_in,
                "; supported values are PP-OCRv3, PP-OCRv4, PP-OCRv5, PP-OCRv6");
  }
  std::string lang = lang_in.empty() ? "ch" : lang_in;
  std::string version = version_in;
  if (version.empty()) {  // PaddleOCR 3.7: PP-OCRv6 where it covers the language, else PP-OCRv5, else v3
    if (is_ppocrv6_lang(lang, "medium"))
      version = "PP-OCRv6";
    else if (in(lang, {"ch", "chinese_cht", "en", "japan", "korean", "th", "el", "te", "ta"}) ||
             in(lang, LATIN_LANGS) || in(lang, ESLAV_LANGS) || in(lang, ARABIC_LANGS) ||
             in(lang, CYRILLIC_LANGS) || in(lang, DEVANAGARI_LANGS))
      version = "PP-OCRv5";
    else if (in(lang, SPECIFIC_LANGS))
      version = "PP-OCRv3";
    else
      return std::nullopt;
  }
  if (version == "PP-OCRv6") {
    if (!is_ppocrv6_lang(lang, "medium")) return std::nullopt;
    return OcrModelNames{"PP-OCRv6_medium_det", "PP-OCRv6_medium_rec"};
  }
  if (version == "PP-OCRv5") {
    std::string rec, rec_lang;
    if (in(lang, {"ch", "chinese_cht", "japan"})) rec = "PP-OCRv5_server_rec";
    else if (lang == "en") rec = "en_PP-OCRv5_mobile_rec";
    else if (in(lang, LATIN_LANGS)) rec_lang = "latin";
    else if (in(lang, ESLAV_LANGS)) rec_lang = "eslav";
    else if (in(lang, ARABIC_LANGS)) rec_lang = "arabic";
    else if (in(lang, CYRILLIC_LANGS)) rec_lang = "cyrillic";
    else if (in(lang, DEVANAGARI_LANGS)) rec_lang = "devanagari";
    else if (in(lang, {"korean", "th", "el", "te", "ta"})) rec_lang = lang;
    if (!rec_lang.empty()) rec = rec_lang + "_PP-OCRv5_mobile_rec";
    if (rec.empty()) return std::nullopt;
    return OcrModelNames{"PP-OCRv5_server_det", rec};
  }
  if (version == "PP-OCRv4") {
    if (lang == "ch") return OcrModelNames{"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec"};
    if (lang == "en") return OcrModelNames{"PP-OCRv4_mobile_det", "en_PP-OCRv4_mobile_rec"};
    return std::nullopt;
  }
  std::string rec_lang;  // PP-OCRv3
  if (in(lang, LATIN_LANGS)) rec_lang = "latin";
  else if (in(lang, ARABIC_LANGS)) rec_lang = "arabic";
  else if (in(lang, CYRILLIC_LANGS)) rec_lang = "cyrillic";
  else if (in(lang, DEVANAGARI_LANGS)) rec_lang = "devanagari";
  else if (in(lang, SPECIFIC_LANGS)) rec_lang = lang;
  if (rec_lang.empty()) return std::nullopt;
  return OcrModelNames{"PP-OCRv3_mobile_det",
                       rec_lang == "ch" ? std::string("PP-OCRv3_mobile_rec") : rec_lang + "_PP-OCRv3_mobile_rec"};
}

const std::vector<RegistryEntry>& registry() {
  // Official PaddleX model names (downloadable as <base>/<name>_infer.tar).
  // PaddleX publishes no archive checksums; sha256 is filled where known.
  static const std::vector<RegistryEntry> r = {
      {"PP-OCRv6_medium_det", "det", ""},        {"PP-OCRv6_small_det", "det", ""},
      {"PP-OCRv6_tiny_det", "det", ""},          {"PP-OCRv6_medium_rec", "rec", ""},
      {"PP-OCRv6_small_rec", "rec", ""},         {"PP-OCRv6_tiny_rec", "rec", ""},
      {"PP-OCRv5_server_det", "det", ""},        {"PP-OCRv5_mobile_det", "det", ""},
      {"PP-OCRv4_server_det", "det", ""},        {"PP-OCRv4_mobile_det", "det", ""},
      {"PP-OCRv3_server_det", "det", ""},        {"PP-OCRv3_mobile_det", "det", ""},
      {"PP-OCRv5_server_rec", "rec", ""},        {"PP-OCRv5_mobile_rec", "rec", ""},
      {"en_PP-OCRv5_mobile_rec", "rec", ""},     {"latin_PP-OCRv5_mobile_rec", "rec", ""},
      {"eslav_PP-OCRv5_mobile_rec", "rec", ""},  {"arabic_PP-OCRv5_mobile_rec", "rec", ""},
      {"cyrillic_PP-OCRv5_mobile_rec", "rec", ""}, {"devanagari_PP-OCRv5_mobile_rec", "rec", ""},
      {"korean_PP-OCRv5_mobile_rec", "rec", ""}, {"th_PP-OCRv5_mobile_rec", "rec", ""},
      {"el_PP-OCRv5_mobile_rec", "rec", ""},     {"te_PP-OCRv5_mobile_rec", "rec", ""},
      {"ta_PP-OCRv5_mobile_rec", "rec", ""},     {"PP-OCRv4_server_rec", "rec", ""},
      {"PP-OCRv4_server_rec_doc", "rec", ""},    {"PP-OCRv4_mobile_rec", "rec", ""},
      {"en_PP-OCRv4_mobile_rec", "rec", ""},     {"PP-OCRv3_mobile_rec", "rec", ""},
      {"en_PP-OCRv3_mobile_rec", "rec", ""},     {"korean_PP-OCRv3_mobile_rec", "rec", ""},
      {"japan_PP-OCRv3_mobile_rec", "rec", ""},  {"chinese_cht_PP-OCRv3_mobile_rec", "rec", ""},
      {"te_PP-OCRv3_mobile_rec", "rec", ""},     {"ka_PP-OCRv3_mobile_rec", "rec", ""},
      {"ta_PP-OCRv3_mobile_rec", "rec", ""},     {"latin_PP-OCRv3_mobile_rec", "rec", ""},
      {"arabic_PP-OCRv3_mobile_rec", "rec", ""}, {"cyrillic_PP-OCRv3_mobile_rec", "rec", ""},
      {"devanagari_PP-OCRv3_mobile_rec", "rec", ""},
      {"PP-LCNet_x1_0_textline_ori", "textline_ori", ""}, {"PP-LCNet_x0_25_textline_ori", "textline_ori", ""},
      {"PP-LCNet_x1_0_doc_ori", "doc_ori", ""},  {"UVDoc", "unwarping", ""},
  };
  return r;
}

const RegistryEntry* find_registry_entry(const std::string& name) {
  for (const auto& e : registry())
    if (name == e.name) return &e;
  return nullptr;
}

bool is_valid_model_name(const std::string& name) {
  if (name.empty() || name.size() > 200 || name == "." || name == ".." || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  return name.find("..") == std::string::npos;
}

std::string model_cache_root() {
  if (const char* h = std::getenv("PPOCR_HOME"); h && *h) return h;
  // PaddleX's own variable: its models live in $PADDLE_PDX_CACHE_HOME/official_models.
  if (const char* p = std::getenv("PADDLE_PDX_CACHE_HOME"); p && *p)
    return (fs::path(p) / "official_models").string();
  const char* home = std::getenv("HOME");
  PPOCR_CHECK(home && *home, "cannot locate the model cache: none of PPOCR_HOME, PADDLE_PDX_CACHE_HOME, HOME is set");
  return (fs::path(home) / ".paddlex" / "official_models").string();
}

ModelSource model_source() {
  if (const char* s = std::getenv("PPOCR_MODEL_SOURCE"); s && *s) return {s, ""};
  const char* p = std::getenv("PADDLE_PDX_MODEL_SOURCE");
  if (!p || !*p) return {kOfficialModelBase, ""};
  std::string v = p;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (v == "bos") return {kOfficialModelBase, ""};  // PaddleX's BOS host: the archives we download
  if (v == "huggingface" || v == "modelscope" || v == "aistudio")
    return {kOfficialModelBase, std::string("PADDLE_PDX_MODEL_SOURCE=") + p +
                                    ": ppocr downloads PaddleX's model archives from its BOS host only (" +
                                    kOfficialModelBase + "); set PPOCR_MODEL_SOURCE to use another location"};
  return {kOfficialModelBase, std::string("PADDLE_PDX_MODEL_SOURCE=") + p +
                                  " is not one of PaddleX's sources (huggingface, modelscope, aistudio, bos); "
                                  "using BOS (set PPOCR_MODEL_SOURCE for a URL of your own)"};
}

std::string model_source_base() { return model_source().base; }

std::string cached_model_path(const std::string& name, const std::string& root) {
  PPOCR_CHECK(is_valid_model_name(name), "invalid model name: \"", name, "\"");
  return (fs::path(root.empty() ? model_cache_root() : root) / name).string();
}

bool is_model_cached(const std::string& name, const std::string& root) {
  if (!is_valid_model_name(name)) return false;
  std::string dir = cached_model_path(name, root);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return false;
  try {
    formats::find_model_files(dir);
    return true;
  } catch (const Error&) {
    return false;
  }
}

namespace {

// Removes a directory tree when it goes out of scope (failed downloads leave nothing).
struct TempDir {
  fs::path path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
};

std::string temp_name(const std::string& name) {
  static std::atomic<unsigned> counter{0};
  auto t = std::chrono::steady_clock::now().time_since_epoch().count();
  return ".tmp-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(t % 1000000);
}

// The directory inside an extracted archive that holds the model: the root,
// or its single subdirectory (PaddleX archives wrap files in <name>_infer/).
fs::path model_root_in(const fs::path& x) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(x)) entries.push_back(e.path());
  if (entries.size() == 1 && fs::is_directory(entries[0])) return entries[0];
  return x;
}

}  // namespace

std::string download_model(const std::string& name, const DownloadOptions& opts) {
  PPOCR_CHECK(is_valid_model_name(name), "invalid model name: \"", name, "\"");
  std::string root = opts.cache_root.empty() ? model_cache_root() : opts.cache_root;
  ModelSource source = opts.base_url.empty() ? model_source() : ModelSource{opts.base_url, ""};
  std::string base = source.base;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/" + name + "_infer.tar";
  fs::path final_dir = fs::path(root) / name;
  std::error_code ec;
  fs::create_directories(root, ec);
  PPOCR_CHECK(!ec, root, ": cannot create the model cache directory: ", ec.message());

  TempDir tmp{fs::path(root) / temp_name(name)};
  fs::create_directories(tmp.path / "x", ec);
  PPOCR_CHECK(!ec, tmp.path.string(), ": cannot create a temporary directory: ", ec.message());
  fs::path archive = tmp.path / "archive.tar";
  if (opts.log && !source.note.empty()) opts.log(source.note);
  if (opts.log) opts.log("downloading model " + name + " from " + url);
  Sha256 hash;
  {
    std::ofstream f(archive, std::ios::binary);
    PPOCR_CHECK(f.good(), archive.string(), ": cannot create");
    try {
      fetch_url_to(url,
                   [&](const char* p, size_t n) {
                     hash.update(p, n);
                     f.write(p, std::streamsize(n));
                     if (!f.good()) fail(archive.string(), ": write error (disk full?)");
                   },
                   opts.fetch);
    } catch (const Error& e) {
      fail("model ", name, " could not be downloaded: ", e.what());
    }
  }
  std::string digest = hash.hex_digest();
  std::string expected = opts.expected_sha256;
  if (expected.empty())
    if (const RegistryEntry* r = find_registry_entry(name)) expected = r->sha256;
  PPOCR_CHECK(expected.empty() || expected == digest, "model ", name, ": checksum mismatch for ", url,
              ": expected sha256 ", expected, ", got ", digest, " (corrupt or tampered download; nothing installed)");
  TarSummary sum;
  try {
    sum = extract_tar_file(archive.string(), (tmp.path / "x").string());
  } catch (const Error& e) {
    fail("model ", name, ": downloaded archive is not usable: ", e.what());
  }
  fs::path model = model_root_in(tmp.path / "x");
  try {
    formats::find_model_files(model.string());
  } catch (const Error& e) {
    fail("model ", name, ": downloaded archive holds no model: ", e.what());
  }
  nlohmann::json manifest = {{"name", name}, {"url", url}, {"sha256", digest},
                             {"sha256_source", expected.empty() ? "recorded on first download" : "registry"},
                             {"files", sum.files}, {"bytes", sum.bytes}};
  {
    std::ofstream m(model / ".ppocr_download.json");
    m << manifest.dump(2) << "\n";
  }
  fs::rename(model, final_dir, ec);
  if (ec) {
    if (is_model_cached(name, root)) return final_dir.string();  // another process won the race
    fail("model ", name, ": cannot move into the cache at ", final_dir.string(), ": ", ec.message());
  }
  if (opts.log) opts.log("installed model " + name + " in " + final_dir.string() + " (sha256 " + digest + ")");
  return final_dir.string();
}

std::string resolve_model(const std::string& name, const DownloadOptions& opts) {
  PPOCR_CHECK_AS(is_valid_model_name(name), kInvalidArgument, "invalid model name: \"", name, "\"");
  std::string root = opts.cache_root.empty() ? model_cache_root() : opts.cache_root;
  if (is_model_cached(name, root)) return cached_model_path(name, root);
  std::string dir = cached_model_path(name, root);
  std::error_code ec;
  PPOCR_CHECK(!fs::exists(dir, ec), "model ", name, ": ", dir,
              " exists but holds no loadable model (inference.json/.pdmodel/.onnx/.ncnn.param); remove or fix it");
  PPOCR_CHECK_AS(opts.allow_download, kNotFound, "model ", name, " is not in the model cache (", root,
              ") and downloads are disabled; install it there or pass its directory with --*_model_dir");
  try {
    return download_model(name, opts);
  } catch (const Error& e) {
    fail(e.what(), "\n  The model cache is ", root,
         " (set PPOCR_HOME or PADDLE_PDX_CACHE_HOME to change it). Without network access, put a model directory at ", dir,
         " (scripts/install_models.sh registers the shared models), or pass a model directory with --*_model_dir.");
  }
}

}  // namespace ppocr::io
