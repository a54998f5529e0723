#include "server/deadline_timer.h"

namespace ppocr::server {

DeadlineTimer::DeadlineTimer() : thread_([this] { loop(); }) {}

DeadlineTimer::~DeadlineTimer() { stop(); }

void DeadlineTimer::at(Clock::time_point when, std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    due_.emplace(when, std::move(fn));
  }
  cv_.notify_one();
}

void DeadlineTimer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  due_.clear();
}

size_t DeadlineTimer::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return due_.size();
}

void DeadlineTimer::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (first->first > Clock::now()) {
      cv_.wait_until(lock, first->first);
      continue;
    }
    std::function<void()> fn = std::move(first->second);
    due_.erase(first);
    lock.unlock();
    try {
      fn();
    } catch (...) {
    }
    fn = nullptr;  // whatever it holds is released outside the lock
    lock.lock();
  }
}

}  // namespace ppocr::server
