// The one table of the OCR pipeline's options: name, type, range, default,
// help, PaddleOCR 2.x alias, PaddleX YAML path and serving field. The CLI
// flags and their --help, the PaddleX config reader and writer, the service's
// request fields and the checks in OCR's constructor all read it, so an
// option is described here and nowhere else.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "ppocr/options.h"

namespace ppocr::options {

// Where an option's value lives in OCROptions.
using Field = std::variant<std::optional<bool> OCROptions::*, std::optional<int> OCROptions::*,
                           std::optional<int64_t> OCROptions::*, std::optional<float> OCROptions::*,
                           std::optional<double> OCROptions::*, std::optional<std::string> OCROptions::*,
                           std::optional<std::vector<int>> OCROptions::*>;

enum Surface : unsigned {
  kCli = 1,      // a `ppocr ocr` / `ppocr serve` flag --name
  kRuntime = 2,  // a per-call override (a field of OCRParams)
};

struct Spec {
  const char* name;  // PaddleOCR 3.x's name: CLI flag, Python keyword
  Field field;
  const char* group;  // --help section
  const char* help;
  const char* default_text;  // what an unset value means, for --help and the docs
  unsigned surfaces = kCli;
  double min = -1e300, max = 1e300;  // numbers (shapes: per dimension, see shape_check)
  bool min_open = false;             // min itself not allowed
  std::vector<std::string> choices = {};  // strings: the allowed values (empty = any)
  const char* yaml_path = nullptr;   // PaddleX pipeline config key, "SubModules.TextDetection.thresh"
  const char* serving = nullptr;     // serving request field, "textDetThresh"
  std::vector<const char*> aliases = {};  // deprecated PaddleOCR 2.x names
  bool list = false;                 // strings: a comma-separated list of `choices` (JSON: also an array)
  // strings: a check of the value's syntax, throwing Error(kInvalidArgument) that starts with `where`
  void (*check)(const std::string& value, const std::string& where) = nullptr;
};

const std::vector<Spec>& table();
// By name or deprecated alias; nullptr when unknown.
const Spec* find(std::string_view name);

// The type's name for messages and --help ("bool", "int", "float", "str", "C,H,W").
std::string type_name(const Spec& s);

// Setting one value. Each checks type and range and throws
// Error(kInvalidArgument) that starts with `where` (e.g. "--text_det_thresh"
// or "field 'textDetThresh'").
// From text (CLI, YAML scalars): booleans as PaddleOCR's str2bool (True/False,
// yes/no, 1/0), shapes as "3,48,320" or "3 48 320".
void set_text(OCROptions& o, const Spec& s, const std::string& text, const std::string& where);
// From JSON (serving requests, Python): null unsets; types must match.
void set_json(OCROptions& o, const Spec& s, const nlohmann::json& v, const std::string& where);

// PaddleOCR's str2bool (True/False, yes/no, t/f, y/n, 1/0; any case);
// Error(kInvalidArgument) starting with `where` otherwise.
bool parse_bool(const std::string& text, const std::string& where);

// Whether the value is stored as a float (for printing it in its shortest form).
bool is_float32(const Spec& s);

// Whether the option is set in `o`, and its value as JSON (null when unset).
bool is_set(const OCROptions& o, const Spec& s);
nlohmann::json get_json(const OCROptions& o, const Spec& s);

// Checks every set value of `o` (the C++ API path: OCR's constructor).
void validate(const OCROptions& o);

}  // namespace ppocr::options
