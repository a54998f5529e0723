// One thread that runs callbacks at given times (the service's per-request
// --timeout_s). Callbacks run on the timer's thread, one at a time, and must
// be short; stop() drops the ones not yet due.
#pragma once
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace ppocr::server {

class DeadlineTimer {
 public:
  using Clock = std::chrono::steady_clock;
  DeadlineTimer();
  ~DeadlineTimer();  // = stop()
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  void at(Clock::time_point when, std::function<void()> fn);
  // Joins the thread; callbacks not yet due never run.
  void stop();
  size_t pending() const;

 private:
  void loop();
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<Clock::time_point, std::function<void()>> due_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ppocr::server
