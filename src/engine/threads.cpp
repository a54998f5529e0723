#include "engine/threads.h"

#include <sched.h>

#include <cmath>
#include <fstream>
#include <string>
#include <thread>

namespace ppocr::engine {

namespace {
thread_local ThreadBudget* t_budget = nullptr;
}

ThreadBudget::Scope::Scope(ThreadBudget& b) : b_(b), prev_(t_budget), counted_(t_budget != &b) {
  if (counted_) b_.active_.fetch_add(1, std::memory_order_relaxed);
  t_budget = &b_;
}

ThreadBudget::Scope::~Scope() {
  t_budget = prev_;
  if (counted_) b_.active_.fetch_sub(1, std::memory_order_relaxed);
}

ThreadBudget* ThreadBudget::current() { return t_budget; }

int run_threads(int model_threads) {
  if (const ThreadBudget* b = t_budget) return b->share();
  return model_threads > 0 ? model_threads : 1;
}

namespace {

// CPUs a cgroup quota allows (0 = no quota found).
int cgroup_cpus() {
  {
    std::ifstream f("/sys/fs/cgroup/cpu.max");  // cgroup v2: "max 100000" or "200000 100000"
    std::string quota;
    double period = 0;
    if (f >> quota >> period && quota != "max" && period > 0) {
      try {
        double q = std::stod(quota);
        if (q > 0) return static_cast<int>(std::ceil(q / period));
      } catch (const std::exception&) {
      }
    }
  }
  std::ifstream q("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), p("/sys/fs/cgroup/cpu/cpu.cfs_period_us");  // v1
  double quota = -1, period = 0;
  if (q >> quota && p >> period && quota > 0 && period > 0) return static_cast<int>(std::ceil(quota / period));
  return 0;
}

}  // namespace

int available_cpus() {
  static const int n = [] {
    int cpus = 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
    if (cpus <= 0) cpus = static_cast<int>(std::thread::hardware_concurrency());
    const int quota = cgroup_cpus();
    if (quota > 0 && (cpus <= 0 || quota < cpus)) cpus = quota;
    return cpus > 0 ? cpus : 1;
  }();
  return n;
}

}  // namespace ppocr::engine
