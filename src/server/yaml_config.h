// `ppocr serve --config FILE`: a YAML file whose keys are the command's long
// option names (without dashes), e.g.
//   port: 8080
//   workers: 4
//   text_detection_model_dir: models/PP-OCRv5_mobile_det
//   use_doc_unwarping: false
// Options given on the command line win over the file.
#pragma once
#include <CLI/CLI.hpp>

namespace ppocr::server {

// Parses the YAML file. CLI11 only reads config files for the main app, so a
// subcommand applies them itself with apply_yaml_config().
class YamlConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

// Gives every option of `app` named in the file that was not given on the
// command line the file's value (and runs its callback). Unknown keys, bad
// YAML and bad values throw CLI::ParseError subclasses naming the file.
void apply_yaml_config(CLI::App& app, const std::string& path);

}  // namespace ppocr::server
