#include "cli/ocr_flags.h"

#include <algorithm>
#include <map>

#include "engine/error.h"
#include "pipelines/ocr/option_table.h"

namespace ppocr::cli {
namespace {

void add_table_flag(CLI::App& s, OcrFlags& f, const options::Spec& spec, const char* flag, bool alias) {
  std::string name = flag;
  std::string help = alias ? std::string("[Deprecated] use --") + spec.name
                           : std::string(spec.help) + " [default: " + spec.default_text + "]";
  std::string type = options::type_name(spec);
  CLI::Option* opt;
  if (type == "C,H,W") {
    // "3 48 320" or "3,48,320": collect up to 3 tokens; the table checks the count.
    opt = s.add_option_function<std::vector<std::string>>(
               "--" + name,
               [&f, name](const std::vector<std::string>& v) {
                 std::string joined;
                 for (const auto& x : v) joined += (joined.empty() ? "" : ",") + x;
                 f.given.emplace_back(name, joined);
               },
               help)
              ->expected(1, 3);
  } else {
    opt = s.add_option_function<std::string>(
        "--" + name, [&f, name](const std::string& v) { f.given.emplace_back(name, v); }, help);
  }
  std::string shown;  // --help's value column: FLOAT, min|max, C,H,W
  for (const auto& c : spec.choices) shown += (shown.empty() ? "" : "|") + c;
  if (shown.empty()) {
    shown = type;
    std::transform(shown.begin(), shown.end(), shown.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  }
  opt->type_name(shown);
  opt->group(alias ? "Deprecated (PaddleOCR 2.x)" : spec.group);
}

}  // namespace

void add_ocr_flags(CLI::App& s, OcrFlags& f, const std::vector<std::string>& skip) {
  s.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // argparse: the last one wins
  const char* g = "Input and output";
  s.add_option("-i,--input", f.inputs, "Image file, folder, PDF or http(s) URL (repeatable) [default: none]")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(g);
  s.add_option("--save_path", f.save_path, "Directory for {name}_res.json and {name}_ocr_res_img.{ext} [default: none]")
      ->group(g);
  s.add_option("--paddlex_config", f.paddlex_config, "PaddleX OCR pipeline config (YAML); flags override it [default: none]")->group(g);
  s.add_option("--export_config", f.export_config, "Write the effective config as PaddleX YAML to this file (- = stdout) [default: none]")->group(g);
  s.add_flag("-q,--quiet", f.quiet, "Do not print results")->group(g);
  s.add_flag("--timing", f.timing, "Print a timing summary to stderr")->group(g);
  s.add_flag("--no_progress", f.no_progress, "No progress bar")->group(g);
  s.add_flag("--no_download", f.no_download, "Never download models; use the cache only")->group(g);
  for (const options::Spec& spec : options::table()) {
    if (!(spec.surfaces & options::kCli)) continue;
    if (std::find(skip.begin(), skip.end(), spec.name) != skip.end()) continue;
    add_table_flag(s, f, spec, spec.name, false);
  }
  for (const options::Spec& spec : options::table())  // after the rest, so their group comes last in --help
    if ((spec.surfaces & options::kCli) && std::find(skip.begin(), skip.end(), spec.name) == skip.end())
      for (const char* a : spec.aliases) add_table_flag(s, f, spec, a, true);
}

void apply_ocr_flags(const OcrFlags& f, OCROptions& o, std::vector<std::string>& warnings) {
  std::map<std::string, std::string> by_name;  // the last value wins, as argparse does
  for (const auto& [name, value] : f.given) by_name[name] = value;
  for (const auto& [name, value] : by_name) {
    const options::Spec* spec = options::find(name);
    PPOCR_CHECK(spec, "internal: unknown option --", name);
    if (name != spec->name) {
      PPOCR_CHECK_AS(!by_name.count(spec->name), kInvalidArgument, "`--", name, "` and `--", spec->name,
                     "` are mutually exclusive");
      warnings.push_back("`--" + name + "` is deprecated and will be removed; please use `--" + spec->name +
                         "` instead");
    }
    options::set_text(o, *spec, value, "--" + name);
  }
  if (f.no_download) o.allow_download = false;
}

}  // namespace ppocr::cli
