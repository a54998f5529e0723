// How many intra-op threads a Model::run call takes, when several calls share
// a fixed number of cores (docs/engine.md, "Threading and thread safety").
//
// A ThreadBudget is `threads` cores shared by whatever work holds a Scope on
// it: each Model::run started by a thread inside a Scope takes
// max(1, threads / active) intra-op threads, `active` being the Scopes open at
// that moment (all threads). So one page alone on 2 cores runs its models on
// 2 threads, and two pages at once (two workers, or two server requests) run
// on 1 thread each, never 4 threads on 2 cores. Outside any Scope a run takes
// its ModelOptions::num_threads, as before.
//
//   engine::ThreadBudget budget(2);
//   { engine::ThreadBudget::Scope s(budget); model->run(...); }   // 1 or 2 threads
#pragma once
#include <atomic>

namespace ppocr::engine {

class ThreadBudget {
 public:
  explicit ThreadBudget(int threads) : threads_(threads < 1 ? 1 : threads) {}
  ThreadBudget(const ThreadBudget&) = delete;
  ThreadBudget& operator=(const ThreadBudget&) = delete;

  int threads() const { return threads_; }
  int active() const { return active_.load(std::memory_order_relaxed); }
  // Intra-op threads for a run starting now (at least 1).
  int share() const {
    const int a = active();
    return a <= 1 ? threads_ : (threads_ / a > 1 ? threads_ / a : 1);
  }

  // RAII: the calling thread's work counts as active on `b`, and its
  // Model::run calls take b.share() threads. Scopes nest: the innermost
  // budget applies, and a thread counts once on a budget (a Scope inside a
  // Scope of the same budget on the same thread changes nothing).
  class Scope {
   public:
    explicit Scope(ThreadBudget& b);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    ThreadBudget& b_;
    ThreadBudget* prev_;
    bool counted_;
  };

  // The budget of the calling thread's innermost Scope, or null.
  static ThreadBudget* current();

 private:
  const int threads_;
  std::atomic<int> active_{0};
};

// Intra-op threads for a Model::run started now by the calling thread: the
// current budget's share, else `model_threads`.
int run_threads(int model_threads);

// CPUs this process may run on: its affinity mask, lowered by a cgroup CPU
// quota (cpu.max / cfs_quota_us, rounded up) when one is set. At least 1.
int available_cpus();

}  // namespace ppocr::engine
