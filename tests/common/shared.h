// Where tests find ../shared (models, goldens, data): $PPOCR_SHARED_DIR, else
// the directory configured at build time (default: ../shared beside the checkout).
#pragma once
#include <gtest/gtest.h>

#include <string>

namespace ppocr::test {

// Empty when the shared directory does not exist.
std::string shared_dir();
// Path under the shared directory.
std::string shared_path(const std::string& rel);
bool shared_exists(const std::string& rel);
// Path of the built `ppocr` binary.
std::string ppocr_binary();
// A fresh empty temporary directory for this test.
std::string temp_dir(const std::string& tag);
// Runs a shell command, appends its stdout to *out; returns its exit status (-1 if it did not exit).
int run_command(const std::string& cmd, std::string* out);

}  // namespace ppocr::test

// Skips the test with a clear message when the shared material (or a path in it) is absent.
#define REQUIRE_SHARED(rel)                                                                  \
  do {                                                                                      \
    if (!::ppocr::test::shared_exists(rel))                                                 \
      GTEST_SKIP() << "shared material not found: " << ::ppocr::test::shared_path(rel)      \
                   << " (set PPOCR_SHARED_DIR to the shared/ directory)";                   \
  } while (0)
