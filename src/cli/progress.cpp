#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ppocr::cli {

Progress::Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

void Progress::update(int64_t done, int64_t total, const std::string& label) {
  if (!enabled_) return;
  const int width = 30;
  double frac = total > 0 ? double(done) / double(total) : 0.0;
  int fill = int(frac * width + 0.5);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string bar(size_t(fill), '#');
  bar.resize(width, '.');
  std::string name = label.size() > 40 ? "..." + label.substr(label.size() - 37) : label;
  std::fprintf(stderr, "\r\033[K[%s] %lld/%lld %.1fs %s", bar.c_str(), static_cast<long long>(done),
               static_cast<long long>(total), secs, name.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ppocr::cli
