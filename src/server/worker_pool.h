// A fixed set of worker threads taking jobs from a bounded queue. submit()
// never blocks: when `queue_size` jobs are already waiting it refuses (the
// service answers 503). A job that has not started can be cancelled (its
// caller timed out); a running one sees cancelled() and may stop early.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ppocr::server {

class Job {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Job(std::function<void(const Job&)> fn) : fn_(std::move(fn)) {}
  // Waits until the job has run; false when the deadline passed first.
  bool wait_until(Clock::time_point deadline);
  // Marks the job cancelled; true when it had not started (it never will).
  bool cancel();
  bool cancelled() const { return cancelled_.load(); }

 private:
  friend class WorkerPool;
  enum class State { kQueued, kRunning, kDone, kSkipped };
  void run(const std::function<void()>& before_done);
  std::function<void(const Job&)> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  State state_ = State::kQueued;
  std::atomic<bool> cancelled_{false};
};

class WorkerPool {
 public:
  WorkerPool(int workers, int queue_size);
  ~WorkerPool();  // = shutdown()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // nullptr when the queue is full or the pool is shutting down.
  std::shared_ptr<Job> submit(std::function<void(const Job&)> fn);
  // Stops accepting jobs, runs the ones already queued, joins the workers.
  void shutdown();

  int workers() const { return workers_; }
  int queue_size() const { return queue_size_; }
  int waiting() const;  // queued, not yet started
  int running() const { return running_.load(); }

 private:
  void loop();
  const int workers_;
  const int queue_size_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
  bool stopping_ = false;
};

}  // namespace ppocr::server
