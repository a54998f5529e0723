#include "server/request.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "server/http_error.h"

namespace ppocr::server {
namespace {

using nlohmann::json;

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::string: return "string";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    default: return "unknown";
  }
}

[[noreturn]] void invalid(const std::string& field, const std::string& what) {
  throw HttpError(422, "invalid request: field '" + field + "' " + what);
}

// The value of an optional field, or nullptr when absent or null.
const json* field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<bool> get_bool(const json& body, const char* name) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) invalid(name, std::string("must be a boolean or null, got ") + type_name(*v));
  return v->get<bool>();
}

std::optional<int> get_int(const json& body, const char* name, long lo, long hi) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  long x;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<unsigned long long>() > static_cast<unsigned long long>(hi))
      invalid(name, "is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
    x = v->get<long>();
  } else if (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>() &&
             std::fabs(v->get<double>()) < 1e15) {
    x = static_cast<long>(v->get<double>());  // 960.0 is an integer in JSON Schema terms
  } else {
    invalid(name, std::string("must be an integer or null, got ") + type_name(*v));
  }
  if (x < lo || x > hi)
    invalid(name, "is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]: " + std::to_string(x));
  return static_cast<int>(x);
}

std::optional<double> get_number(const json& body, const char* name, double lo, double hi) {
  const json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_number()) invalid(name, std::string("must be a number or null, got ") + type_name(*v));
  double x = v->get<double>();
  if (!std::isfinite(x) || x < lo || x > hi)
    invalid(name, "is out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]: " + v->dump());
  return x;
}

}  // namespace

OcrRequest parse_ocr_request(const std::string& body_text) {
  json body;
  try {
    body = json::parse(body_text);
  } catch (const json::parse_error& e) {
    throw HttpError(422, std::string("invalid request: body is not valid JSON: ") + e.what());
  }
  if (!body.is_object())
    throw HttpError(422, std::string("invalid request: body must be a JSON object, got ") + type_name(body));
  OcrRequest r;
  auto f = body.find("file");
  if (f == body.end() || f->is_null()) invalid("file", "is required (a URL or the Base64 of an image or PDF)");
  if (!f->is_string()) invalid("file", std::string("must be a string, got ") + type_name(*f));
  r.file = f->get<std::string>();
  if (r.file.empty()) invalid("file", "is empty");
  if (const json* t = field(body, "fileType")) {
    if (!t->is_number_integer() || (t->get<long>() != 0 && t->get<long>() != 1))
      invalid("fileType", "must be 0 (PDF), 1 (image) or null, got " + t->dump());
    r.file_type = t->get<int>();
  }
  r.visualize = get_bool(body, "visualize");
  OcrParams& p = r.params;
  p.use_doc_orientation_classify = get_bool(body, "useDocOrientationClassify");
  p.use_doc_unwarping = get_bool(body, "useDocUnwarping");
  p.use_textline_orientation = get_bool(body, "useTextlineOrientation");
  p.text_det_limit_side_len = get_int(body, "textDetLimitSideLen", 1, 100000);
  if (const json* t = field(body, "textDetLimitType")) {
    if (!t->is_string() || (t->get<std::string>() != "min" && t->get<std::string>() != "max"))
      invalid("textDetLimitType", "must be \"min\", \"max\" or null, got " + t->dump());
    p.text_det_limit_type = t->get<std::string>();
  }
  p.text_det_thresh = get_number(body, "textDetThresh", 0.0, 1.0);
  p.text_det_box_thresh = get_number(body, "textDetBoxThresh", 0.0, 1.0);
  p.text_det_unclip_ratio = get_number(body, "textDetUnclipRatio", 0.0, 100.0);
  p.text_rec_score_thresh = get_number(body, "textRecScoreThresh", 0.0, 1.0);
  return r;
}

}  // namespace ppocr::server
