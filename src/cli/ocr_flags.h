// `ppocr ocr` / `ppocr serve` pipeline flags. Every option flag comes from the
// option table (src/pipelines/ocr/option_table.cpp): its name, help, default,
// deprecated PaddleOCR 2.x aliases and checks. Only the command's own flags
// (inputs, outputs, config files) are declared here.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ppocr/options.h"

namespace ppocr::cli {

struct OcrFlags {
  std::vector<std::string> inputs;
  std::string save_path;
  std::string paddlex_config, export_config;
  bool quiet = false, timing = false, no_progress = false, no_download = false;
  // The table's options as given: (flag name without "--", value text), in command-line order.
  std::vector<std::pair<std::string, std::string>> given;
};

// Adds the command's own flags and every table option with the kCli surface,
// except those named in `skip` (e.g. the server's own limits).
void add_ocr_flags(CLI::App& sub, OcrFlags& f, const std::vector<std::string>& skip = {});

// Applies the flags onto `o` (after --paddlex_config was applied): each value
// is checked against the table (Error naming the flag); a deprecated alias is
// mapped with a warning (into `warnings`); an alias given together with its
// new name is an Error.
void apply_ocr_flags(const OcrFlags& f, OCROptions& o, std::vector<std::string>& warnings);

}  // namespace ppocr::cli
