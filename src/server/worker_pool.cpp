#include "server/worker_pool.h"

#include <algorithm>

namespace ppocr::server {

bool Job::wait_until(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [&] { return state_ == State::kDone || state_ == State::kSkipped; });
}

bool Job::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  cancelled_ = true;
  if (state_ != State::kQueued) return false;
  state_ = State::kSkipped;
  return true;
}

void Job::run(const std::function<void()>& before_done) {
  bool skipped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    skipped = state_ != State::kQueued;  // cancelled while waiting
    if (!skipped) state_ = State::kRunning;
  }
  if (skipped) {
    fn_ = nullptr;
    before_done();
    return;
  }
  try {
    fn_(*this);
  } catch (...) {
    // The job function reports its own errors; nothing may escape a worker.
  }
  fn_ = nullptr;  // free what the closure holds as soon as possible
  before_done();
  {
    std::lock_guard<std::mutex> lock(mu_);
    state_ = State::kDone;
  }
  cv_.notify_all();
}

WorkerPool::WorkerPool(int workers, int queue_size)
    : workers_(std::max(1, workers)), queue_size_(std::max(0, queue_size)) {
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { loop(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

std::shared_ptr<Job> WorkerPool::submit(std::function<void(const Job&)> fn) {
  auto job = std::make_shared<Job>(std::move(fn));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return nullptr;
    // Capacity: every worker busy plus queue_size jobs waiting.
    if (running_.load() + static_cast<int>(queue_.size()) >= workers_ + queue_size_) return nullptr;
    queue_.push_back(job);
  }
  cv_.notify_one();
  return job;
}

void WorkerPool::loop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      job = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    job->run([this] { --running_; });
  }
}

int WorkerPool::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

void WorkerPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace ppocr::server
