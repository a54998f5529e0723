// Subcommands of the `ppocr` program register themselves here; main() builds
// the CLI11 app from the list. Each cmd_*.cpp file owns one (or a family).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace ppocr::cli {

// setup adds the subcommand to the app and sets its callback. The callback
// reports its exit status through exit_code().
using CommandSetup = std::function<void(CLI::App& app)>;
std::vector<CommandSetup>& commands();
int& exit_code();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSetup s) { commands().push_back(std::move(s)); }
};

}  // namespace ppocr::cli
