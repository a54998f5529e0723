// Official model names, the local model cache and downloads.
//
// Names follow PaddleOCR 3.7: `lang` + `ocr_version` pick the detection and
// recognition models as paddleocr/_pipelines/ocr.py does. A name resolves to
// a directory in the cache: $PPOCR_HOME/<name> when PPOCR_HOME is set, else
// $PADDLE_PDX_CACHE_HOME/official_models/<name> (PaddleX's variable), else
// ~/.paddlex/official_models/<name> (PaddleX's own cache, so models it
// downloaded are found). Missing models are downloaded from
// <base>/<name>_infer.tar, base = $PPOCR_MODEL_SOURCE or PaddleX's official
// inference-model location, then verified and extracted (see docs/models.md).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/url_fetch.h"

namespace ppocr::io {

struct OcrModelNames {
  std::string det, rec;
};

// PaddleOCR 3.7's choice for lang/ocr_version (either may be empty = None):
// PP-OCRv6_medium for the languages PP-OCRv6 covers, else PP-OCRv5, else v3.
// Error for an unsupported ocr_version; nullopt when no model exists for the
// combination (PaddleOCR raises "No models are available ...").
std::optional<OcrModelNames> ocr_model_names(const std::string& lang, const std::string& ocr_version);
extern const char* const kSupportedOcrVersions[4];
// Whether the PP-OCRv6 tier ("tiny", "small", "medium") reads `lang`: ch,
// chinese_cht, en, japan (not tiny) and the Latin-script languages but pi.
bool is_ppocrv6_lang(const std::string& lang, const std::string& tier);

// The other modules' default model names (PaddleX OCR pipeline config).
extern const char* const kDefaultDocOrientationModel;  // PP-LCNet_x1_0_doc_ori
extern const char* const kDefaultDocUnwarpingModel;    // UVDoc
extern const char* const kDefaultTextlineOrientationModel;  // PP-LCNet_x1_0_textline_ori
// The pipeline's default without lang/ocr_version (PaddleOCR 3.7's OCR.yaml).
extern const char* const kPaddleOcrDefaultDet;  // PP-OCRv6_medium_det
extern const char* const kPaddleOcrDefaultRec;  // PP-OCRv6_medium_rec

// Known official models and the SHA-256 of their archive when we know it ("" = unknown).
struct RegistryEntry {
  const char* name;
  const char* role;  // det, rec, textline_ori, doc_ori, unwarping
  const char* sha256;
};
const std::vector<RegistryEntry>& registry();
const RegistryEntry* find_registry_entry(const std::string& name);

// Cache root: $PPOCR_HOME, else $PADDLE_PDX_CACHE_HOME/official_models, else
// $HOME/.paddlex/official_models.
std::string model_cache_root();
// Download base URL: $PPOCR_MODEL_SOURCE, else PaddleX's official (BOS)
// location. PaddleX's PADDLE_PDX_MODEL_SOURCE is read after ours: "bos" is
// that location; huggingface/modelscope/aistudio serve file-by-file
// repositories, which ppocr does not fetch: they keep BOS, with a note
// (logged when a download starts) saying so, as does an unknown value.
struct ModelSource {
  std::string base;
  std::string note;  // "" when the environment is followed as it is
};
ModelSource model_source();
std::string model_source_base();  // model_source().base
extern const char* const kOfficialModelBase;

// <root>/<name>, whether or not it exists.
std::string cached_model_path(const std::string& name, const std::string& root = "");
// Whether <root>/<name> holds a loadable model directory.
bool is_model_cached(const std::string& name, const std::string& root = "");

struct DownloadOptions {
  std::string cache_root;   // "" = model_cache_root()
  std::string base_url;     // "" = model_source_base()
  std::string expected_sha256;  // "" = from the registry table, else trust-on-first-download
  bool allow_download = true;
  FetchOptions fetch = [] {
    FetchOptions f;
    f.max_bytes = size_t(2) << 30;
    f.timeout_s = 1800;
    return f;
  }();
  // Progress messages ("downloading X from Y"); nullptr = silent.
  std::function<void(const std::string&)> log;
};

// A model directory for `name`: the cached one, or downloaded + verified +
// extracted into the cache. Error with what to do when it is missing and
// cannot be downloaded (offline, 404, bad checksum, corrupt archive); a failed
// download leaves nothing behind in the cache.
std::string resolve_model(const std::string& name, const DownloadOptions& opts = {});

// Downloads <base>/<name>_infer.tar and installs it as <root>/<name>,
// replacing nothing that exists. Returns the model directory.
std::string download_model(const std::string& name, const DownloadOptions& opts = {});

// Model name validity: letters, digits, '_', '-', '.', no "..", no '/'.
bool is_valid_model_name(const std::string& name);

}  // namespace ppocr::io
