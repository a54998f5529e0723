#include "server/request.h"

#include <nlohmann/json.hpp>

#include "engine/error.h"
#include "pipelines/ocr/option_table.h"
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

}  // namespace

OcrRequest parse_ocr_request(const std::string& body_text) {
  json body;
  try {
    body = json::parse(body_text);
  } catch (const json::parse_error& e) {
    // The parser's own message names its internals; the byte offset is what a client needs.
    throw HttpError(422, "invalid request: body is not valid JSON (error at byte " + std::to_string(e.byte) + ")");
  } catch (const json::exception&) {  // e.g. a number out of range (1e400)
    throw HttpError(422, "invalid request: body is not valid JSON (a number is out of range)");
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
  if (const json* v = field(body, "visualize")) {
    if (!v->is_boolean()) invalid("visualize", std::string("must be a boolean or null, got ") + type_name(*v));
    r.visualize = v->get<bool>();
  }
  OCROptions o;
  for (const options::Spec& spec : options::table()) {
    if (!spec.serving) continue;
    const json* v = field(body, spec.serving);
    if (!v) continue;
    try {
      options::set_json(o, spec, *v, std::string("field '") + spec.serving + "'");
    } catch (const Error& e) {
      throw HttpError(422, std::string("invalid request: ") + e.what());
    }
  }
  r.params = o;  // the runtime part (OCRParams)
  r.output_formats = o.output_formats;
  r.pdf_page_range = o.pdf_page_range;
  return r;
}

}  // namespace ppocr::server
