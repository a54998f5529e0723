// A one-line progress bar on stderr (only drawn when stderr is a terminal).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace ppocr::cli {

class Progress {
 public:
  explicit Progress(bool enabled);
  // done items of total (total grows as folders/PDFs open); label = current item.
  void update(int64_t done, int64_t total, const std::string& label);
  // Clears the line (call before printing other stderr text, and at the end).
  void clear();
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ppocr::cli
