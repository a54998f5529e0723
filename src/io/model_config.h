// A model directory's inference.yml (PaddleX's schema): model name,
// PreProcess transform ops and PostProcess settings, in a form modules can
// query without yaml-cpp. Values are converted to nlohmann::json: quoted
// scalars stay strings, plain scalars become null/bool/int/float when they
// look like one, else strings.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ppocr::io {

struct TransformOp {
  std::string name;       // e.g. "DetResizeForTest"
  nlohmann::json params;  // its mapping ({} when the yml says null)
};

struct ModelConfig {
  std::string path;        // the yml file ("" when parsed from text)
  std::string model_name;  // Global.model_name ("" when absent)
  std::vector<TransformOp> preprocess;  // PreProcess.transform_ops, in order
  std::string postprocess_name;  // PostProcess.name, or its single key ("Topk") when there is no name
  nlohmann::json postprocess;    // PostProcess mapping ({} when absent)
  std::vector<std::string> character_dict;  // PostProcess.character_dict, verbatim strings
  std::vector<std::string> label_list;      // PostProcess[.Topk].label_list, verbatim strings
  nlohmann::json raw;                       // the whole document

  // The first transform op with this name, or nullptr.
  const TransformOp* find_op(const std::string& name) const;
  // PostProcess.<key> (also looked up under PostProcess.<postprocess_name>.<key>), or nullopt.
  std::optional<nlohmann::json> post(const std::string& key) const;
  double post_number(const std::string& key, double fallback) const;
};

// Reads `path` (an inference.yml, or a model directory containing one).
// Error naming the file when it is missing, not YAML, or not the schema.
ModelConfig load_model_config(const std::string& path);
ModelConfig parse_model_config(const std::string& text, const std::string& what);

// A number from a yml value: 0.5, 2, "0.5", or a fraction/product such as
// "1./255." (NormalizeImage.scale is written that way). Error naming `what`.
double yaml_number(const nlohmann::json& v, const std::string& what);

}  // namespace ppocr::io
