// Gives the memory that freed allocations leave in malloc's heaps back to the
// system. glibc keeps what a thread frees in that thread's arena, resident; with
// request images of every size the arenas fragment and a server's resident size
// creeps up request after request. malloc_trim(0) returns every free page.
#pragma once
#include <chrono>
#include <mutex>

namespace ppocr::server {

class HeapTrimmer {
 public:
  // interval_s <= 0: never trims.
  explicit HeapTrimmer(double interval_s) : interval_s_(interval_s) {}
  // Trims unless the last trim was less than interval_s ago (or another thread is
  // trimming); true when it trimmed. Cheap to call after every request.
  bool maybe_trim();
  // Trims now, whatever the interval (unless interval_s <= 0 or another thread is trimming).
  bool trim_now();

 private:
  bool trim(bool force);
  using Clock = std::chrono::steady_clock;
  const double interval_s_;
  std::mutex mu_;
  Clock::time_point last_{};
};

}  // namespace ppocr::server
