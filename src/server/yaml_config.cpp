#include "server/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace ppocr::server {

std::string YamlConfig::to_config(const CLI::App* app, bool default_also, bool, std::string) const {
  std::ostringstream out;
  for (const CLI::Option* opt : app->get_options()) {
    if (opt->get_lnames().empty() || opt->get_configurable() == false) continue;
    std::string value = opt->as<std::string>();
    if (value.empty() && default_also) value = opt->get_default_str();
    if (!value.empty()) out << opt->get_lnames()[0] << ": " << value << "\n";
  }
  return out.str();
}

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  YAML::Node root;
  try {
    root = YAML::Load(input);
  } catch (const YAML::Exception& e) {
    throw CLI::ConversionError(std::string("--config: not valid YAML: ") + e.what());
  }
  std::vector<CLI::ConfigItem> items;
  if (root.IsNull()) return items;
  if (!root.IsMap()) throw CLI::ConversionError("--config: the YAML file must be a mapping of option: value");
  for (const auto& kv : root) {
    CLI::ConfigItem item;
    item.name = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (v.IsSequence()) {
      for (const auto& e : v) item.inputs.push_back(e.as<std::string>());
    } else if (v.IsScalar()) {
      std::string s = v.as<std::string>();
      // YAML booleans in any spelling become what the option parser takes.
      if (s == "true" || s == "True" || s == "TRUE" || s == "yes") s = "True";
      if (s == "false" || s == "False" || s == "FALSE" || s == "no") s = "False";
      item.inputs.push_back(s);
    } else if (v.IsNull()) {
      continue;  // unset
    } else {
      throw CLI::ConversionError("--config: the value of '" + item.name + "' must be a scalar or a list");
    }
    items.push_back(std::move(item));
  }
  return items;
}

void apply_yaml_config(CLI::App& app, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw CLI::FileError::Missing(path);
  for (const CLI::ConfigItem& item : YamlConfig().from_config(in)) {
    CLI::Option* opt = app.get_option_no_throw("--" + item.name);
    if (!opt || item.name == "config")
      throw CLI::ConversionError("--config " + path + ": unknown option '" + item.name + "'");
    if (opt->count() > 0) continue;  // the command line wins
    opt->add_result(item.inputs);
    opt->run_callback();
  }
}

}  // namespace ppocr::server
