#include "common/shared.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include <filesystem>

namespace fs = std::filesystem;

namespace ppocr::test {

std::string shared_dir() {
  const char* env = std::getenv("PPOCR_SHARED_DIR");
  std::string d = env && *env ? env : PPOCR_DEFAULT_SHARED_DIR;
  std::error_code ec;
  if (!fs::is_directory(d, ec)) return "";
  return fs::weakly_canonical(d, ec).string();
}

std::string shared_path(const std::string& rel) {
  const char* env = std::getenv("PPOCR_SHARED_DIR");
  std::string d = env && *env ? env : PPOCR_DEFAULT_SHARED_DIR;
  return d + "/" + rel;
}

bool shared_exists(const std::string& rel) {
  std::error_code ec;
  return !shared_dir().empty() && fs::exists(shared_path(rel), ec);
}

std::string ppocr_binary() { return std::string(PPOCR_BINARY_DIR) + "/ppocr"; }

std::string temp_dir(const std::string& tag) {
  auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = tag;
  if (info) name += std::string("_") + info->test_suite_name() + "_" + info->name();
  fs::path p = fs::temp_directory_path() / ("ppocr_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

int run_command(const std::string& cmd, std::string* out) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace ppocr::test
