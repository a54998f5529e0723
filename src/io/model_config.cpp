#include "io/model_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace ppocr::io {
namespace {

bool parse_int(const std::string& s, long long& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end && *end == '\0';
}

bool parse_float(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  v = std::strtod(s.c_str(), &end);
  if (!(end && *end == '\0' && errno == 0)) return false;
  // Reject things strtod accepts but YAML would not call numbers (hex, inf/nan spelled oddly).
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
      return false;
  return true;
}

nlohmann::json scalar_to_json(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted: always a string
  if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  long long i;
  if (parse_int(s, i)) return i;
  double d;
  if (parse_float(s, d)) return d;
  return s;
}

nlohmann::json to_json(const YAML::Node& n, int depth = 0) {
  PPOCR_CHECK(depth < 64, "YAML nested too deeply");
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Scalar: return scalar_to_json(n);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(to_json(e, depth + 1));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : n) {
        PPOCR_CHECK(kv.first.IsScalar(), "YAML mapping key is not a scalar");
        o[kv.first.Scalar()] = to_json(kv.second, depth + 1);
      }
      return o;
    }
  }
  return nullptr;
}

std::vector<std::string> string_list(const YAML::Node& n, const std::string& what, const char* key) {
  std::vector<std::string> out;
  if (!n) return out;
  PPOCR_CHECK(n.IsSequence(), what, ": PostProcess.", key, " is not a list");
  out.reserve(n.size());
  for (const auto& e : n) {
    if (e.IsNull()) {
      out.emplace_back("");
      continue;
    }
    PPOCR_CHECK(e.IsScalar(), what, ": PostProcess.", key, " has a non-string entry");
    out.push_back(e.Scalar());
  }
  return out;
}

}  // namespace

const TransformOp* ModelConfig::find_op(const std::string& name) const {
  for (const auto& op : preprocess)
    if (op.name == name) return &op;
  return nullptr;
}

std::optional<nlohmann::json> ModelConfig::post(const std::string& key) const {
  if (postprocess.is_object()) {
    auto it = postprocess.find(key);
    if (it != postprocess.end()) return *it;
    auto sub = postprocess.find(postprocess_name);
    if (sub != postprocess.end() && sub->is_object()) {
      auto it2 = sub->find(key);
      if (it2 != sub->end()) return *it2;
    }
  }
  return std::nullopt;
}

double ModelConfig::post_number(const std::string& key, double fallback) const {
  auto v = post(key);
  if (!v || v->is_null()) return fallback;
  return yaml_number(*v, (path.empty() ? std::string("inference.yml") : path) + ": PostProcess." + key);
}

double yaml_number(const nlohmann::json& v, const std::string& what) {
  if (v.is_number()) return v.get<double>();
  PPOCR_CHECK(v.is_string(), what, ": expected a number, got ", v.dump());
  std::string s = v.get<std::string>();
  // Products and quotients of plain numbers, left to right: "1./255.", "1/255", "2*0.5".
  double acc = 0;
  char op = 0;
  size_t i = 0;
  bool any = false;
  while (i <= s.size()) {
    size_t j = s.find_first_of("*/", i);
    std::string tok = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
    while (!tok.empty() && tok.front() == ' ') tok.erase(tok.begin());
    while (!tok.empty() && tok.back() == ' ') tok.pop_back();
    double d;
    PPOCR_CHECK(parse_float(tok, d), what, ": not a number: \"", s, "\"");
    if (!any) acc = d;
    else if (op == '*') acc *= d;
    else {
      PPOCR_CHECK(d != 0, what, ": division by zero in \"", s, "\"");
      acc /= d;
    }
    any = true;
    if (j == std::string::npos) break;
    op = s[j];
    i = j + 1;
  }
  return acc;
}

ModelConfig parse_model_config(const std::string& text, const std::string& what) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail(what, ": not valid YAML: ", e.what());
  }
  PPOCR_CHECK(root.IsMap(), what, ": expected a YAML mapping at the top level (Global/PreProcess/PostProcess)");
  ModelConfig c;
  try {
    c.raw = to_json(root);
    if (YAML::Node g = root["Global"]) {
      PPOCR_CHECK(g.IsMap(), what, ": Global is not a mapping");
      if (g["model_name"]) {
        PPOCR_CHECK(g["model_name"].IsScalar(), what, ": Global.model_name is not a string");
        c.model_name = g["model_name"].Scalar();
      }
    }
    if (YAML::Node pre = root["PreProcess"]) {
      PPOCR_CHECK(pre.IsMap(), what, ": PreProcess is not a mapping");
      YAML::Node ops = pre["transform_ops"];
      if (ops && !ops.IsNull()) {
        PPOCR_CHECK(ops.IsSequence(), what, ": PreProcess.transform_ops is not a list");
        for (const auto& op : ops) {
          PPOCR_CHECK(op.IsMap() && op.size() == 1, what,
                      ": each PreProcess.transform_ops entry must be a one-key mapping {OpName: params}");
          auto kv = *op.begin();
          PPOCR_CHECK(kv.first.IsScalar(), what, ": transform op name is not a string");
          TransformOp t;
          t.name = kv.first.Scalar();
          t.params = to_json(kv.second);
          if (t.params.is_null()) t.params = nlohmann::json::object();
          PPOCR_CHECK(t.params.is_object(), what, ": parameters of transform op ", t.name, " are not a mapping");
          c.preprocess.push_back(std::move(t));
        }
      }
    }
    c.postprocess = nlohmann::json::object();
    if (YAML::Node post = root["PostProcess"]) {
      PPOCR_CHECK(post.IsMap(), what, ": PostProcess is not a mapping");
      c.postprocess = to_json(post);
      if (post["name"]) {
        PPOCR_CHECK(post["name"].IsScalar(), what, ": PostProcess.name is not a string");
        c.postprocess_name = post["name"].Scalar();
      } else if (post.size() == 1) {
        c.postprocess_name = post.begin()->first.Scalar();
      }
      c.character_dict = string_list(post["character_dict"], what, "character_dict");
      YAML::Node labels = post["label_list"];
      if (!labels && !c.postprocess_name.empty() && post[c.postprocess_name].IsMap())
        labels = post[c.postprocess_name]["label_list"];
      c.label_list = string_list(labels, what, "label_list");
    }
  } catch (const YAML::Exception& e) {
    fail(what, ": malformed inference.yml: ", e.what());
  }
  return c;
}

ModelConfig load_model_config(const std::string& path) {
  namespace fs = std::filesystem;
  std::string file = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) file = (fs::path(path) / "inference.yml").string();
  PPOCR_CHECK(fs::is_regular_file(file, ec), file, ": no such file (a model directory needs an inference.yml)");
  std::ifstream f(file, std::ios::binary);
  PPOCR_CHECK(f.good(), file, ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  PPOCR_CHECK(ss.str().size() < (size_t(64) << 20), file, ": too large for an inference.yml");
  ModelConfig c = parse_model_config(ss.str(), file);
  c.path = file;
  return c;
}

}  // namespace ppocr::io
