#include "engine/profile.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <sstream>

namespace ppocr::engine {
namespace {

struct Row {
  long calls = 0;
  double ms = 0, cpu_ms = 0;
};

struct Table {
  std::mutex mu;
  std::map<std::string, Row> by_op, by_detail;
  ~Table() { print(); }
  void print() {
    if (by_op.empty()) return;
    double total = 0;
    for (auto& [k, r] : by_op) total += r.ms;
    auto dump = [&](const std::map<std::string, Row>& m, const char* title) {
      std::vector<std::pair<std::string, Row>> v(m.begin(), m.end());
      std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second.ms > b.second.ms; });
      std::fprintf(stderr, "%-60s %8s %10s %6s %10s\n", title, "calls", "total_ms", "share", "thread_cpu");
      for (auto& [k, r] : v)
        std::fprintf(stderr, "%-60s %8ld %10.2f %5.1f%% %10.2f\n", k.c_str(), r.calls, r.ms,
                     total > 0 ? 100 * r.ms / total : 0., r.cpu_ms);
    };
    std::fprintf(stderr, "\n== ppocr profile (PPOCR_PROFILE=%d), all runs, %.2f ms in kernels\n", profile_level(), total);
    dump(by_op, "op");
    if (profile_level() >= 2) {
      std::fprintf(stderr, "\n");
      dump(by_detail, "op detail");
    }
  }
};

Table& table() {
  static Table t;
  return t;
}

std::string detail(const KernelContext& c) {
  std::ostringstream os;
  os << c.node.op;
  if (c.node.attrs.has("activation")) os << "+" << c.node.attrs.s("activation");
  for (size_t i = 0; i < c.inputs.size() && i < 2; ++i)
    if (c.inputs[i]) os << ' ' << shape_str(c.inputs[i]->shape());
  if (c.node.attrs.has("group") && c.node.attrs.i("group", 1) > 1) os << " g" << c.node.attrs.i("group", 1);
  if (c.node.attrs.has("strides")) os << " s" << shape_str(c.node.attrs.ints("strides"));
  return os.str();
}

}  // namespace

int profile_level() {
  static const int level = [] {
    const char* e = std::getenv("PPOCR_PROFILE");
    return e ? std::atoi(e) : 0;
  }();
  return level;
}

double thread_cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

void profile_record(const KernelContext& c, double ms, double cpu_ms) {
  Table& t = table();
  std::string d = profile_level() >= 2 ? detail(c) : std::string();
  std::lock_guard<std::mutex> lk(t.mu);
  Row& r = t.by_op[c.node.op];
  ++r.calls;
  r.ms += ms;
  r.cpu_ms += cpu_ms;
  if (!d.empty()) {
    Row& rd = t.by_detail[d];
    ++rd.calls;
    rd.ms += ms;
    rd.cpu_ms += cpu_ms;
  }
}

}  // namespace ppocr::engine
