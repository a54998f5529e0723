#include "modules/common/model_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/error.h"

namespace ppocr::modules {
namespace {

Json to_json(const YAML::Node& n, int depth, const std::string& origin) {
  PPOCR_CHECK(depth < 64, "model config ", origin, ": nested too deeply");
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      return n.Scalar();
    case YAML::NodeType::Sequence: {
      Json a = Json::array();
      for (const auto& e : n) a.push_back(to_json(e, depth + 1, origin));
      return a;
    }
    case YAML::NodeType::Map: {
      Json o = Json::object();
      for (const auto& kv : n) o[kv.first.Scalar()] = to_json(kv.second, depth + 1, origin);
      return o;
    }
  }
  return nullptr;
}

// Parses "0.5", "1e-3", "1./255.", "255" (a single division is allowed, as in
// PaddleOCR's `scale: 1./255.`).
std::optional<double> parse_number(const std::string& s) {
  auto one = [](const std::string& t) -> std::optional<double> {
    if (t.empty()) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end == t.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
    return v;
  };
  auto slash = s.find('/');
  if (slash == std::string::npos) return one(s);
  auto a = one(s.substr(0, slash)), b = one(s.substr(slash + 1));
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

bool absent_or(const Json* j, bool (Json::*is)() const) { return !j || j->is_null() || (j->*is)(); }

// A list of scalars (a dictionary or labels), or absent.
bool scalar_list(const Json* j) {
  if (!j || j->is_null()) return true;
  if (!j->is_array()) return false;
  for (const auto& e : *j)
    if (!e.is_string() && !e.is_null()) return false;
  return true;
}

}  // namespace

ModelConfig ModelConfig::parse(const std::string& text, const std::string& origin) {
  ModelConfig c;
  c.path = origin;
  try {
    YAML::Node doc = YAML::Load(text);
    c.root = to_json(doc, 0, origin);
  } catch (const YAML::Exception& e) {
    fail("model config ", origin, ": malformed YAML: ", e.what());
  }
  if (c.root.is_null()) c.root = Json::object();
  PPOCR_CHECK(c.root.is_object(), "model config ", origin, ": top level is not a mapping");
  // The sections the modules read must have PaddleX's shape (scalars are strings here; null = absent).
  const Json* global = json_get(&c.root, "Global");
  PPOCR_CHECK(absent_or(global, &Json::is_object), "model config ", origin, ": Global is not a mapping");
  PPOCR_CHECK(absent_or(json_get(global, "model_name"), &Json::is_string), "model config ", origin,
              ": Global.model_name is not a string");
  if (auto name = json_string(json_get(global, "model_name"))) c.model_name = *name;
  const Json* pre_section = json_get(&c.root, "PreProcess");
  PPOCR_CHECK(absent_or(pre_section, &Json::is_object), "model config ", origin, ": PreProcess is not a mapping");
  PPOCR_CHECK(absent_or(json_get(pre_section, "transform_ops"), &Json::is_array), "model config ", origin,
              ": PreProcess.transform_ops is not a list");
  const Json* post = json_get(&c.root, "PostProcess");
  PPOCR_CHECK(absent_or(post, &Json::is_object), "model config ", origin, ": PostProcess is not a mapping");
  PPOCR_CHECK(absent_or(json_get(post, "name"), &Json::is_string), "model config ", origin,
              ": PostProcess.name is not a string");
  // Dictionaries and labels, in PostProcess or one level down (PostProcess.Topk.label_list).
  auto check_lists = [&](const Json* m, const std::string& where) {
    for (const char* key : {"character_dict", "label_list"})
      PPOCR_CHECK(scalar_list(json_get(m, key)), "model config ", origin, ": ", where, key,
                  " is not a list of strings");
  };
  check_lists(post, "PostProcess.");
  if (post && post->is_object())
    for (auto it = post->begin(); it != post->end(); ++it)
      if (it->is_object()) check_lists(&*it, "PostProcess." + it.key() + ".");
  return c;
}

ModelConfig ModelConfig::load(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) p /= "inference.yml";
  if (!fs::exists(p, ec)) return ModelConfig{};
  std::ifstream f(p, std::ios::binary);
  PPOCR_CHECK(f.good(), "model config ", p.string(), ": cannot open");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), p.string());
}

const Json* ModelConfig::transform_op(const std::string& op) const {
  const Json* ops = json_get(json_get(&root, "PreProcess"), "transform_ops");
  if (!ops || !ops->is_array()) return nullptr;
  static const Json empty = Json::object();
  for (const auto& e : *ops) {
    if (e.is_object() && e.contains(op)) {
      const Json& v = e.at(op);
      return v.is_object() ? &v : &empty;
    }
    if (e.is_string() && e.get<std::string>() == op) return &empty;
  }
  return nullptr;
}

const Json& ModelConfig::post_process() const {
  static const Json empty = Json::object();
  const Json* p = json_get(&root, "PostProcess");
  return p && p->is_object() ? *p : empty;
}

const Json* json_get(const Json* j, const std::string& key) {
  if (!j || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

std::optional<double> json_number(const Json* j) {
  if (!j || j->is_null()) return std::nullopt;
  if (j->is_number()) return j->get<double>();
  if (j->is_string()) return parse_number(j->get<std::string>());
  return std::nullopt;
}

std::optional<int> json_int(const Json* j) {
  auto v = json_number(j);
  if (!v || std::fabs(*v) > 1e9) return std::nullopt;
  return static_cast<int>(std::lround(*v));
}

std::optional<bool> json_bool(const Json* j) {
  if (!j || j->is_null()) return std::nullopt;
  if (j->is_boolean()) return j->get<bool>();
  if (!j->is_string()) return std::nullopt;
  std::string s = j->get<std::string>();
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return std::nullopt;
}

std::optional<std::string> json_string(const Json* j) {
  if (!j || j->is_null()) return std::nullopt;
  if (j->is_string()) return j->get<std::string>();
  if (j->is_number() || j->is_boolean()) return j->dump();
  return std::nullopt;
}

std::vector<double> json_numbers(const Json* j) {
  std::vector<double> out;
  if (!j || !j->is_array()) return out;
  for (const auto& e : *j) {
    auto v = json_number(&e);
    PPOCR_CHECK(v.has_value(), "expected a list of numbers, got ", j->dump());
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> json_strings(const Json* j) {
  std::vector<std::string> out;
  if (!j || !j->is_array()) return out;
  for (const auto& e : *j) out.push_back(e.is_null() ? std::string() : json_string(&e).value_or(""));
  return out;
}

}  // namespace ppocr::modules
