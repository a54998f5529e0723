#include "pipelines/ocr/option_table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "engine/error.h"
#include "io/page_range.h"

namespace ppocr::options {
namespace {

using O = OCROptions;
constexpr unsigned kCliRuntime = kCli | kRuntime;

const char* const kPre = "Doc preprocessing";
const char* const kDet = "Text detection";
const char* const kRec = "Text recognition";
const char* const kTl = "Text-line orientation";
const char* const kModels = "Model selection";
const char* const kRun = "Inference";
const char* const kIn = "Inputs";
const char* const kOut = "Outputs";

std::vector<Spec> make_table() {
  std::vector<Spec> t;
  auto add = [&t](Spec s) { t.push_back(std::move(s)); };
  // ---- stages (runtime switches) ----
  add({"use_doc_orientation_classify", &O::use_doc_orientation_classify, kPre,
       "Classify the page orientation (0/90/180/270) and rotate it upright", "True", kCliRuntime, -1e300, 1e300, false,
       {}, "SubPipelines.DocPreprocessor.use_doc_orientation_classify", "useDocOrientationClassify"});
  add({"use_doc_unwarping", &O::use_doc_unwarping, kPre, "Unwarp photographed pages (UVDoc)", "True", kCliRuntime,
       -1e300, 1e300, false, {}, "SubPipelines.DocPreprocessor.use_doc_unwarping", "useDocUnwarping"});
  add({"use_textline_orientation", &O::use_textline_orientation, kTl,
       "Classify each text line as upright or upside down (0/180) and turn it", "True", kCliRuntime, -1e300, 1e300,
       false, {}, "use_textline_orientation", "useTextlineOrientation", {"use_angle_cls"}});
  // ---- text detection ----
  add({"text_det_limit_side_len", &O::text_det_limit_side_len, kDet, "Side length limit of the detector's input",
       "inference.yml, else 960", kCliRuntime, 1, 100000, false, {}, "SubModules.TextDetection.limit_side_len",
       "textDetLimitSideLen", {"det_limit_side_len"}});
  add({"text_det_limit_type", &O::text_det_limit_type, kDet,
       "min: the short side is at least the limit; max: the long side is at most the limit", "inference.yml, else max",
       kCliRuntime, -1e300, 1e300, false, {"min", "max"}, "SubModules.TextDetection.limit_type", "textDetLimitType",
       {"det_limit_type"}});
  add({"text_det_max_side_limit", &O::text_det_max_side_limit, kDet,
       "Upper bound of the detector input's long side", "4000", kCli, 1, 100000, false, {},
       "SubModules.TextDetection.max_side_limit"});
  add({"text_det_thresh", &O::text_det_thresh, kDet, "Pixel threshold of the text probability map",
       "inference.yml, else 0.3", kCliRuntime, 0, 1, false, {}, "SubModules.TextDetection.thresh", "textDetThresh",
       {"det_db_thresh"}});
  add({"text_det_box_thresh", &O::text_det_box_thresh, kDet, "Keep boxes whose mean probability is above this",
       "inference.yml, else 0.6", kCliRuntime, 0, 1, false, {}, "SubModules.TextDetection.box_thresh",
       "textDetBoxThresh", {"det_db_box_thresh"}});
  add({"text_det_unclip_ratio", &O::text_det_unclip_ratio, kDet, "How far boxes are expanded (larger = bigger boxes)",
       "inference.yml, else 2.0", kCliRuntime, 0, 10, true, {}, "SubModules.TextDetection.unclip_ratio",
       "textDetUnclipRatio", {"det_db_unclip_ratio"}});
  add({"text_det_input_shape", &O::text_det_input_shape, kDet,
       "Fixed detector input C,H,W (H and W may be -1 = dynamic)", "inference.yml, else dynamic", kCli, -1, 100000,
       false, {}, "SubModules.TextDetection.input_shape"});
  // ---- text recognition ----
  add({"text_rec_score_thresh", &O::text_rec_score_thresh, kRec, "Drop texts that score below this",
       "0.0 (keep all)", kCliRuntime, 0, 1, false, {}, "SubModules.TextRecognition.score_thresh",
       "textRecScoreThresh"});
  add({"return_word_box", &O::return_word_box, kRec,
       "Also return each line's words and their boxes (text_word, text_word_region, text_word_boxes), from the "
       "recognizer's CTC alignment; CJK characters are one word each",
       "False", kCliRuntime, -1e300, 1e300, false, {}, "SubModules.TextRecognition.return_word_box", "returnWordBox"});
  add({"text_rec_input_shape", &O::text_rec_input_shape, kRec, "Recognizer input C,H,W (H must suit the model)",
       "inference.yml, else 3,48,320", kCli, 1, 100000, false, {}, "SubModules.TextRecognition.input_shape"});
  add({"text_recognition_batch_size", &O::text_recognition_batch_size, kRec, "Text lines per recognizer run", "6",
       kCli, 1, 1024, false, {}, "SubModules.TextRecognition.batch_size", nullptr, {"rec_batch_num"}});
  add({"textline_orientation_batch_size", &O::textline_orientation_batch_size, kTl,
       "Text lines per orientation-classifier run", "6", kCli, 1, 1024, false, {},
       "SubModules.TextLineOrientation.batch_size", nullptr, {"cls_batch_num"}});
  // ---- models ----
  add({"lang", &O::lang, kModels,
       "Language of the text: picks the models with ocr_version (ch, chinese_cht, en, japan, korean, fr, de, ru, "
       "ar, hi, ...)",
       "ch"});
  add({"ocr_version", &O::ocr_version, kModels,
       "Model generation picked by lang: PP-OCRv6 (medium) for Chinese, English, Japanese and Latin-script "
       "languages, PP-OCRv5 for the other scripts",
       "by lang (PP-OCRv6 for ch)", kCli, -1e300, 1e300, false, {"PP-OCRv3", "PP-OCRv4", "PP-OCRv5", "PP-OCRv6"}});
  struct M {
    const char *stage, *what, *yaml, *default_name;
    std::optional<std::string> O::*name;
    std::optional<std::string> O::*dir;
    const char* dir_alias;
  };
  const M models[] = {
      {"doc_orientation_classify", "document orientation", "SubPipelines.DocPreprocessor.SubModules.DocOrientationClassify",
       "PP-LCNet_x1_0_doc_ori", &O::doc_orientation_classify_model_name, &O::doc_orientation_classify_model_dir, nullptr},
      {"doc_unwarping", "unwarping", "SubPipelines.DocPreprocessor.SubModules.DocUnwarping", "UVDoc",
       &O::doc_unwarping_model_name, &O::doc_unwarping_model_dir, nullptr},
      {"text_detection", "text detection", "SubModules.TextDetection",
       "by lang/ocr_version, else PP-OCRv6_medium_det, else the cache (docs/models.md)", &O::text_detection_model_name,
       &O::text_detection_model_dir, "det_model_dir"},
      {"textline_orientation", "text-line orientation", "SubModules.TextLineOrientation",
       "PP-LCNet_x1_0_textline_ori", &O::textline_orientation_model_name, &O::textline_orientation_model_dir, "cls_model_dir"},
      {"text_recognition", "text recognition", "SubModules.TextRecognition",
       "by lang/ocr_version, else PP-OCRv6_medium_rec, else the cache (docs/models.md)", &O::text_recognition_model_name,
       &O::text_recognition_model_dir, "rec_model_dir"},
  };
  // The strings must outlive the table: kept in a static store.
  static std::vector<std::string> store;
  store.reserve(4 * 5);
  auto keep = [](std::string s) { return store.emplace_back(std::move(s)).c_str(); };
  for (const M& m : models) {
    add({keep(std::string(m.stage) + "_model_name"), m.name, kModels,
         keep(std::string("Official name of the ") + m.what + " model (looked up in the model cache, downloaded if "
                                                                "missing)"),
         m.default_name, kCli, -1e300, 1e300, false, {}, keep(std::string(m.yaml) + ".model_name")});
    Spec d{keep(std::string(m.stage) + "_model_dir"), m.dir, kModels,
           keep(std::string("Directory of the ") + m.what + " model (wins over the name)"), "the named model's cache dir",
           kCli, -1e300, 1e300, false, {}, keep(std::string(m.yaml) + ".model_dir")};
    if (m.dir_alias) d.aliases = {m.dir_alias};
    add(d);
  }
  add({"allow_download", &O::allow_download, kModels, "Download models missing from the cache", "True", 0});
  // ---- inference ----
  add({"device", &O::device, kRun, "Inference device: cpu or cpu:N (the only device)", "cpu"});
  add({"cpu_threads", &O::cpu_threads, kRun, "Threads per inference", "8", kCli, 1, 1024});
  add({"enable_mkldnn", &O::enable_mkldnn, kRun, "True: oneDNN kernels; False: the plain C++ reference kernels",
       "True"});
  add({"mkldnn_cache_capacity", &O::mkldnn_cache_capacity, kRun,
       "oneDNN primitive cache of each model, in input shapes (as Paddle; 0 = no bound): N keeps the primitives "
       "of about N image sizes",
       "ppocr's 1024 primitives per model (about 10 sizes; PaddleOCR: 10)", kCli, 0, 1e6});
  add({"precision", &O::precision, kRun,
       "TensorRT's precision (PaddleOCR uses it only with --use_tensorrt on a GPU); ppocr computes in fp32 "
       "(fp16-stored weights are widened at load)",
       "fp32", kCli, -1e300, 1e300, false, {"fp32", "fp16"}});
  add({"enable_hpi", &O::enable_hpi, kRun,
       "PaddleX's high-performance inference plugin: not available (ppocr is its own engine); only False", "False"});
  add({"use_tensorrt", &O::use_tensorrt, kRun,
       "Paddle Inference's TensorRT subgraph engine (NVIDIA GPUs): ppocr runs on the CPU, so only False", "False"});
  add({"min_subgraph_size", &O::min_subgraph_size, kRun,
       "Smallest subgraph handed to TensorRT (with --use_tensorrt): accepted, no effect in ppocr", "3", kCli, 1, 1e9});
  add({"enable_cinn", &O::enable_cinn, kRun,
       "Paddle's CINN compiler: accepted, no effect (ppocr's graph passes always run)", "False"});
  add({"engine", &O::engine, kRun,
       "PaddleOCR's inference engine: accepted, every model runs on ppocr's own engine (a note says so)",
       "none (ppocr's engine)", kCli, -1e300, 1e300, false,
       {"paddle", "paddle_static", "paddle_dynamic", "onnxruntime", "transformers"}});
  add({"engine_config", &O::engine_config, kRun,
       "Settings of PaddleOCR's --engine (JSON): accepted, no effect", "none"});
  // ---- inputs ----
  add({"pdf_dpi", &O::pdf_dpi, kIn, "PDF render resolution (144 = PaddleX's zoom 2.0)", "144", kCli, 0, 1200, true});
  add({"pdf_max_pages", &O::pdf_max_pages, kIn,
       "Read at most this many pages per PDF or multi-page TIFF (0 = all; after --pdf_page_range)", "0", kCli, 0, 1e9});
  Spec range{"pdf_page_range", &O::pdf_page_range, kIn,
             "Pages to read of each PDF or multi-page TIFF: 1-based, like 1,3-5,8- (8- = page 8 to the end); pages "
             "past the end are left out, a range selecting none of a document's pages is an error for it",
             "all pages", kCli, -1e300, 1e300, false, {}, nullptr, "pdfPageRange"};
  range.check = [](const std::string& v, const std::string& where) { io::parse_page_ranges(v, where); };
  add(range);
  add({"max_image_pixels", &O::max_image_pixels, kIn, "Refuse images and PDF pages with more pixels than this",
       "200000000", kCli, 1, 1e12});
  // ---- outputs ----
  add({"output_formats", &O::output_formats, kOut,
       "Documents to write per input beside {name}_res.json, a comma-separated list: txt, md, hocr, alto "
       "({name}_alto.xml), pdf (searchable, {name}_ocr.pdf); docs/outputs.md",
       "none", kCli, -1e300, 1e300, false, {"txt", "md", "hocr", "alto", "pdf"}, nullptr, "outputFormats", {}, true});
  return t;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string num_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  fail_as(ErrorCode::kInvalidArgument, where, " ", what);
}

void check_range(const Spec& s, double v, const std::string& where, const std::string& shown) {
  bool lo_ok = s.min_open ? v > s.min : v >= s.min;
  if (std::isfinite(v) && lo_ok && v <= s.max) return;
  std::string range = s.max >= 1e299 ? (s.min_open ? "> " : ">= ") + num_text(s.min)
                                     : std::string(s.min_open ? "(" : "[") + num_text(s.min) + ", " + num_text(s.max) + "]";
  bad(where, "must be " + (s.max >= 1e299 ? range : "in " + range) + ", got " + shown);
}

void check_choice(const Spec& s, const std::string& v, const std::string& where) {
  if (s.check) s.check(v, where);
  if (s.choices.empty()) return;
  std::string list;
  for (const auto& c : s.choices) list += (list.empty() ? "" : ", ") + c;
  if (s.list) {  // "txt, PDF": each item (trimmed, any case) one of the choices; "" = none
    std::istringstream is(v);
    std::string item;
    while (std::getline(is, item, ',')) {
      size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
      if (a == std::string::npos) continue;
      item = lower(item.substr(a, b - a + 1));
      if (std::find(s.choices.begin(), s.choices.end(), item) == s.choices.end())
        bad(where, "items must be among " + list + ", got '" + item + "'");
    }
    return;
  }
  if (std::find(s.choices.begin(), s.choices.end(), v) != s.choices.end()) return;
  bad(where, "must be one of " + list + ", got '" + v + "'");
}

void check_shape(const Spec& s, const std::vector<int>& v, const std::string& where) {
  std::string shown;
  for (int x : v) shown += (shown.empty() ? "" : ",") + std::to_string(x);
  if (v.size() != 3) bad(where, "must be 3 numbers C,H,W, got " + std::to_string(v.size()) + " (" + shown + ")");
  if (v[0] != 1 && v[0] != 3) bad(where, "must have 1 or 3 channels (C,H,W), got " + shown);
  for (int i = 1; i < 3; ++i) {
    bool dynamic = v[i] == -1 && s.min <= -1;
    if (!dynamic && (v[i] < 1 || v[i] > s.max))
      bad(where, std::string("H and W must be in [1, ") + num_text(s.max) + "]" + (s.min <= -1 ? " or -1" : "") +
                     ", got " + shown);
  }
}

bool parse_bool_text(const std::string& text, bool& out) {
  std::string l = lower(text);
  if (l == "true" || l == "t" || l == "yes" || l == "y" || l == "1") return out = true, true;
  if (l == "false" || l == "f" || l == "no" || l == "n" || l == "0") return out = false, true;
  return false;
}

// Whole-string number parse; false on trailing junk.
template <class T>
bool parse_number(const std::string& text, T& out) {
  std::istringstream is(text);
  is >> out;
  if (!is || !(is >> std::ws).eof()) return false;
  return true;
}

// Store a checked value into the field (the variant alternative must match T).
template <class T>
void store(OCROptions& o, const Spec& s, T v) {
  std::visit(
      [&](auto ptr) {
        using V = typename std::remove_reference_t<decltype(o.*ptr)>::value_type;
        if constexpr (std::is_same_v<V, T>) o.*ptr = std::move(v);
        else if constexpr (std::is_arithmetic_v<V> && std::is_arithmetic_v<T>) o.*ptr = static_cast<V>(v);
      },
      s.field);
}

enum class Kind { kBool, kInt, kFloat, kString, kShape };
Kind kind_of(const Spec& s) {
  switch (s.field.index()) {
    case 0: return Kind::kBool;
    case 1: case 2: return Kind::kInt;
    case 3: case 4: return Kind::kFloat;
    case 5: return Kind::kString;
    default: return Kind::kShape;
  }
}

void check_value(const Spec& s, const OCROptions& o, const std::string& where) {
  nlohmann::json v = get_json(o, s);
  if (v.is_null()) return;
  switch (kind_of(s)) {
    case Kind::kInt:
    case Kind::kFloat: check_range(s, v.get<double>(), where, v.dump()); break;
    case Kind::kString: check_choice(s, v.get<std::string>(), where); break;
    case Kind::kShape: check_shape(s, v.get<std::vector<int>>(), where); break;
    case Kind::kBool: break;
  }
}

}  // namespace

const std::vector<Spec>& table() {
  static const std::vector<Spec> t = make_table();
  return t;
}

const Spec* find(std::string_view name) {
  for (const Spec& s : table()) {
    if (name == s.name) return &s;
    for (const char* a : s.aliases)
      if (name == a) return &s;
  }
  return nullptr;
}

std::string type_name(const Spec& s) {
  switch (kind_of(s)) {
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kShape: return "C,H,W";
  }
  return "";
}

void set_text(OCROptions& o, const Spec& s, const std::string& text, const std::string& where) {
  switch (kind_of(s)) {
    case Kind::kBool: {
      store(o, s, parse_bool(text, where));
      break;
    }
    case Kind::kInt: {
      long long v;
      if (!parse_number(text, v)) bad(where, "expects an integer, got '" + text + "'");
      check_range(s, double(v), where, text);
      store(o, s, int64_t(v));
      break;
    }
    case Kind::kFloat: {
      double v;
      if (!parse_number(text, v)) bad(where, "expects a number, got '" + text + "'");
      check_range(s, v, where, text);
      store(o, s, v);
      break;
    }
    case Kind::kString:
      check_choice(s, text, where);
      store(o, s, text);
      break;
    case Kind::kShape: {
      std::string t = text;
      for (char& c : t)
        if (c == ',' || c == '[' || c == ']' || c == '(' || c == ')') c = ' ';
      std::istringstream is(t);
      std::vector<int> v;
      std::string tok;
      while (is >> tok) {
        int x;
        if (!parse_number(tok, x)) bad(where, "expects integers C,H,W, got '" + text + "'");
        v.push_back(x);
      }
      check_shape(s, v, where);
      store(o, s, v);
      break;
    }
  }
}

void set_json(OCROptions& o, const Spec& s, const nlohmann::json& v, const std::string& where) {
  if (v.is_null()) {
    std::visit([&](auto ptr) { (o.*ptr).reset(); }, s.field);
    return;
  }
  const char* got = v.type_name();
  if (v.is_number_integer() && !v.is_boolean()) got = "integer";
  switch (kind_of(s)) {
    case Kind::kBool:
      if (!v.is_boolean()) bad(where, std::string("must be a boolean or null, got ") + got);
      store(o, s, v.get<bool>());
      break;
    case Kind::kInt: {
      // 960.0 is an integer in JSON Schema terms.
      bool integral = v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                                std::floor(v.get<double>()) == v.get<double>());
      if (!integral) bad(where, std::string("must be an integer or null, got ") + got);
      double d = v.get<double>();
      check_range(s, d, where, v.dump());
      store(o, s, int64_t(d));
      break;
    }
    case Kind::kFloat:
      if (!v.is_number()) bad(where, std::string("must be a number or null, got ") + got);
      check_range(s, v.get<double>(), where, v.dump());
      store(o, s, v.get<double>());
      break;
    case Kind::kString: {
      std::string text;
      if (s.list && v.is_array()) {  // ["txt", "pdf"] as "txt,pdf"
        for (const auto& x : v) {
          if (!x.is_string()) bad(where, "must be a string or a list of strings, got " + v.dump());
          text += (text.empty() ? "" : ",") + x.get<std::string>();
        }
      } else {
        if (!v.is_string()) bad(where, std::string("must be a string or null, got ") + got);
        text = v.get<std::string>();
      }
      check_choice(s, text, where);
      store(o, s, text);
      break;
    }
    case Kind::kShape: {
      if (!v.is_array()) bad(where, std::string("must be a list of 3 integers [C, H, W], got ") + got);
      std::vector<int> shape;
      for (const auto& x : v) {
        if (!x.is_number_integer()) bad(where, "must be a list of 3 integers [C, H, W], got " + v.dump());
        shape.push_back(x.get<int>());
      }
      check_shape(s, shape, where);
      store(o, s, shape);
      break;
    }
  }
}

bool parse_bool(const std::string& text, const std::string& where) {
  bool b;
  if (!parse_bool_text(text, b)) bad(where, "expects a boolean (True/False), got '" + text + "'");
  return b;
}

bool is_float32(const Spec& s) { return std::holds_alternative<std::optional<float> OCROptions::*>(s.field); }

bool is_set(const OCROptions& o, const Spec& s) {
  return std::visit([&](auto ptr) { return (o.*ptr).has_value(); }, s.field);
}

nlohmann::json get_json(const OCROptions& o, const Spec& s) {
  return std::visit(
      [&](auto ptr) -> nlohmann::json {
        const auto& v = o.*ptr;
        if (!v) return nullptr;
        return *v;
      },
      s.field);
}

void validate(const OCROptions& o) {
  for (const Spec& s : table()) check_value(s, o, s.name);
}

}  // namespace ppocr::options
