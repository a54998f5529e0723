#include <iostream>

#include "cli/command.h"
#include "engine/error.h"

namespace ppocr::cli {
std::vector<CommandSetup>& commands() {
  static std::vector<CommandSetup> c;
  return c;
}
int& exit_code() {
  static int c = 0;
  return c;
}
}  // namespace ppocr::cli

int main(int argc, char** argv) {
  CLI::App app{"ppocr: PaddleOCR's General OCR pipeline as one native program"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ppocr 0.1.0");
  for (auto& setup : ppocr::cli::commands()) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ppocr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return ppocr::cli::exit_code();
}
