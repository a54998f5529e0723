// Installs the io layer (input loader: files, folders, PDFs, URLs; model
// resolver: cache + download) for every subcommand at start-up; `ppocr ocr`
// re-installs it with its own limits.
#include <cstdio>

#include "cli/command.h"
#include "io/hooks.h"

namespace ppocr::cli {
namespace {

CommandRegistrar reg([](CLI::App&) {
  io::DownloadOptions dl;
  dl.log = [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); };
  io::install_io_hooks({}, dl);
});

}  // namespace
}  // namespace ppocr::cli
