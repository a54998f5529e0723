// `ppocr options [--markdown]`: the option table (src/pipelines/ocr/option_table.cpp)
// as text or as the Markdown of docs/options.md, so the docs come from the table.
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "pipelines/ocr/option_table.h"

namespace ppocr::cli {
namespace {

std::string range_of(const options::Spec& s) {
  std::string t = options::type_name(s);
  if (!s.choices.empty()) {
    std::string c;
    for (const auto& x : s.choices) c += (c.empty() ? "" : ", ") + x;
    return c;
  }
  if (t == "bool" || t == "str") return "";
  auto num = [](double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  };
  if (t == "C,H,W") return s.min <= -1 ? "C in {1, 3}; H, W >= 1 or -1" : "C in {1, 3}; H, W >= 1";
  if (s.max >= 1e299) return ">= " + num(s.min);
  return (s.min_open ? "(" : "[") + num(s.min) + ", " + num(s.max) + "]";
}

void print_table(bool markdown) {
  if (markdown) {
    std::cout << "| option | type | default | allowed | PaddleX config key | serving field | 2.x alias | help |\n"
              << "| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  }
  for (const auto& s : options::table()) {
    std::string aliases;
    for (const char* a : s.aliases) aliases += (aliases.empty() ? "" : ", ") + std::string(a);
    std::string flag = (s.surfaces & options::kCli) ? std::string("--") + s.name : std::string("(") + s.name + ")";
    if (markdown) {
      auto code = [](const std::string& v) { return v.empty() ? std::string() : "`" + v + "`"; };
      std::cout << "| " << code(flag) << " | " << options::type_name(s) << " | " << s.default_text << " | "
                << range_of(s) << " | " << code(s.yaml_path ? s.yaml_path : "") << " | "
                << code(s.serving ? s.serving : "") << " | " << code(aliases.empty() ? "" : "--" + aliases) << " | "
                << s.help << " |\n";
    } else {
      std::cout << flag << " (" << options::type_name(s) << ", default " << s.default_text << ")"
                << (range_of(s).empty() ? "" : " " + range_of(s)) << ": " << s.help << "\n";
    }
  }
}

CommandRegistrar reg([](CLI::App& app) {
  auto markdown = std::make_shared<bool>(false);
  auto* c = app.add_subcommand("options", "List the pipeline's options (names, types, defaults, ranges, config keys)");
  c->add_flag("--markdown", *markdown, "As the Markdown table of docs/options.md");
  c->callback([markdown] { print_table(*markdown); });
});

}  // namespace
}  // namespace ppocr::cli
