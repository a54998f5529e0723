#include "pipelines/ocr/paddlex_config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "engine/error.h"
#include "pipelines/ocr/option_table.h"

namespace ppocr {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  return parts;
}

// The node at a dotted path, or an undefined node; Error when a step is not a mapping.
YAML::Node lookup(const YAML::Node& root, const std::string& path, const std::string& what) {
  YAML::Node n;
  n.reset(root);  // yaml-cpp: `=` would assign into the node, reset() rebinds
  std::string seen;
  for (const std::string& key : split_path(path)) {
    if (!n.IsMap()) fail_as(ErrorCode::kInvalidArgument, what, ": ", seen, " is not a mapping");
    YAML::Node next = static_cast<const YAML::Node&>(n)[key];  // const: a missing key is not created
    if (!next || next.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
    n.reset(next);
    seen += (seen.empty() ? "" : ".") + key;
  }
  return n;
}

// A float as its shortest decimal form (0.3, not 0.300000012).
std::string shortest(double v, bool is_float) {
  char buf[64];
  auto r = is_float ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                    : std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".e") == std::string::npos && s.find("inf") == std::string::npos) s += ".0";
  return s;
}

// Builds the document: each set key goes to its path (maps created on the way).
void put(YAML::Node root, const std::string& path, const YAML::Node& value) {
  std::vector<std::string> parts = split_path(path);
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < parts.size(); ++i) chain.push_back(chain.back()[parts[i]]);
  chain.back()[parts.back()] = value;
}

YAML::Node to_yaml(const options::Spec& s, const nlohmann::json& v) {
  if (v.is_null()) return YAML::Node(YAML::NodeType::Null);
  if (v.is_boolean()) return YAML::Node(v.get<bool>() ? "True" : "False");
  if (v.is_number_float()) return YAML::Node(shortest(v.get<double>(), options::is_float32(s)));
  if (v.is_number()) return YAML::Node(v.dump());
  if (v.is_string()) return YAML::Node(v.get<std::string>());
  YAML::Node seq(YAML::NodeType::Sequence);
  for (const auto& x : v) seq.push_back(x.get<int>());
  seq.SetStyle(YAML::EmitterStyle::Flow);
  return seq;
}

}  // namespace

std::vector<std::string> apply_paddlex_config(const std::string& text, const std::string& what, OCROptions& o) {
  std::vector<std::string> warnings;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail_as(ErrorCode::kInvalidArgument, what, ": not valid YAML: ", e.what());
  }
  PPOCR_CHECK_AS(root.IsMap(), kInvalidArgument, what, ": a PaddleX pipeline config must be a YAML mapping");
  try {
    if (YAML::Node n = root["pipeline_name"]) {
      std::string name = n.as<std::string>();
      PPOCR_CHECK_AS(name == "OCR", kInvalidArgument, what, ": pipeline_name is \"", name, "\", expected \"OCR\"");
    }
    if (root["text_type"] && root["text_type"].as<std::string>() != "general")
      warnings.push_back("text_type " + root["text_type"].as<std::string>() + " is not supported; using general");
    for (const options::Spec& s : options::table()) {
      if (!s.yaml_path) continue;
      YAML::Node n = lookup(root, s.yaml_path, what);
      if (!n) continue;
      std::string where = what + ": " + s.yaml_path;
      if (n.IsSequence()) {
        std::string joined;
        for (const auto& x : n) {
          PPOCR_CHECK_AS(x.IsScalar(), kInvalidArgument, where, " must be a list of numbers");
          joined += (joined.empty() ? "" : ",") + x.as<std::string>();
        }
        options::set_text(o, s, joined, where);
      } else {
        PPOCR_CHECK_AS(n.IsScalar(), kInvalidArgument, where, " must be a single value, got ", YAML::Dump(n));
        options::set_text(o, s, n.as<std::string>(), where);
      }
    }
    // The preprocessor switched off as a whole turns off both of its stages.
    if (YAML::Node n = root["use_doc_preprocessor"]; n && n.IsScalar()) {
      OCROptions tmp;
      options::set_text(tmp, *options::find("use_doc_orientation_classify"), n.as<std::string>(),
                        what + ": use_doc_preprocessor");
      if (!*tmp.use_doc_orientation_classify) o.use_doc_orientation_classify = o.use_doc_unwarping = false;
    }
  } catch (const YAML::Exception& e) {
    fail_as(ErrorCode::kInvalidArgument, what, ": malformed PaddleX config: ", e.what());
  }
  return warnings;
}

std::vector<std::string> load_paddlex_config(const std::string& path, OCROptions& o) {
  std::ifstream f(path, std::ios::binary);
  PPOCR_CHECK_AS(f.good(), kNotFound, path, ": cannot open the PaddleX config");
  std::stringstream ss;
  ss << f.rdbuf();
  return apply_paddlex_config(ss.str(), path, o);
}

std::string to_paddlex_config_yaml(const OCROptions& o) {
  YAML::Node root(YAML::NodeType::Map);
  root["pipeline_name"] = "OCR";
  root["text_type"] = "general";
  YAML::Node pre(YAML::NodeType::Null);
  if (o.use_doc_orientation_classify || o.use_doc_unwarping)
    pre = (o.use_doc_orientation_classify.value_or(false) || o.use_doc_unwarping.value_or(false)) ? "True" : "False";
  root["use_doc_preprocessor"] = pre;
  // PaddleX's fixed keys first, so the file reads like `paddlex --get_pipeline_config OCR`.
  put(root, "SubPipelines.DocPreprocessor.pipeline_name", YAML::Node("doc_preprocessor"));
  put(root, "SubPipelines.DocPreprocessor.SubModules.DocOrientationClassify.module_name",
      YAML::Node("doc_text_orientation"));
  put(root, "SubPipelines.DocPreprocessor.SubModules.DocUnwarping.module_name", YAML::Node("image_unwarping"));
  put(root, "SubModules.TextDetection.module_name", YAML::Node("text_detection"));
  put(root, "SubModules.TextLineOrientation.module_name", YAML::Node("textline_orientation"));
  put(root, "SubModules.TextRecognition.module_name", YAML::Node("text_recognition"));
  for (const options::Spec& s : options::table())
    if (s.yaml_path) put(root, s.yaml_path, to_yaml(s, options::get_json(o, s)));
  YAML::Emitter e;
  e << root;
  return std::string(e.c_str()) + "\n";
}

}  // namespace ppocr
