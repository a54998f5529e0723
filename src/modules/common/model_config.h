// A model directory's inference.yml, parsed into JSON (all scalars kept as
// strings, so that dictionaries such as ["0", "1"] stay text); typed getters
// parse numbers on demand. A directory without inference.yml gives an empty
// config (every lookup falls back to its default).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ppocr::modules {

using Json = nlohmann::json;

struct ModelConfig {
  std::string path;        // the yml file; empty when absent
  std::string model_name;  // Global.model_name
  Json root;               // the whole document

  // Loads DIR/inference.yml (or the file itself); Error naming the file when
  // it is malformed: not YAML, not a mapping, or a section the modules read
  // of the wrong kind (Global / PreProcess / PostProcess not mappings,
  // transform_ops not a list, model_name / PostProcess.name not a string,
  // character_dict / label_list not a list of strings). Odd transform_ops
  // entries are not errors (transform_op skips them).
  static ModelConfig load(const std::string& model_dir_or_yml);
  static ModelConfig parse(const std::string& yaml_text, const std::string& origin);

  // PreProcess.transform_ops entry named `op` (its parameter map; an empty
  // object when the op has no parameters), or nullptr when absent.
  const Json* transform_op(const std::string& op) const;
  // PostProcess section (empty object when absent).
  const Json& post_process() const;
};

// Typed reads of a scalar stored as text. `def` when j is null/absent.
std::optional<double> json_number(const Json* j);
std::optional<int> json_int(const Json* j);
std::optional<bool> json_bool(const Json* j);
std::optional<std::string> json_string(const Json* j);
std::vector<double> json_numbers(const Json* j);
std::vector<std::string> json_strings(const Json* j);
// Member lookup that tolerates non-objects: nullptr when absent.
const Json* json_get(const Json* j, const std::string& key);

}  // namespace ppocr::modules
