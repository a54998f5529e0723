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

class YamlConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App* app, bool default_also, bool write_description,
                        std::string prefix) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace ppocr::server
