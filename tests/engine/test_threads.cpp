// ThreadBudget (intra-op threads shared by concurrent runs) and run_ordered
// (the bounded, ordered page parallelism of the OCR pipeline).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/model.h"
#include "engine/op.h"
#include "engine/ordered_workers.h"
#include "engine/threads.h"

using namespace ppocr::engine;

TEST(ThreadBudget, SharesItsThreadsAmongScopes) {
  ThreadBudget b(4);
  EXPECT_EQ(run_threads(3), 3);  // outside any scope: the model's own setting
  EXPECT_EQ(ThreadBudget::current(), nullptr);
  {
    ThreadBudget::Scope s1(b);
    EXPECT_EQ(ThreadBudget::current(), &b);
    EXPECT_EQ(b.active(), 1);
    EXPECT_EQ(run_threads(1), 4);
    std::thread other([&] {
      ThreadBudget::Scope s2(b);
      EXPECT_EQ(run_threads(1), 2);
      std::thread third([&] {
        ThreadBudget::Scope s3(b);
        EXPECT_EQ(run_threads(8), 1);  // 4 / 3, rounded down
      });
      third.join();
    });
    other.join();
    EXPECT_EQ(b.active(), 1);
    ThreadBudget inner(1);
    {
      ThreadBudget::Scope s4(inner);  // the innermost budget applies
      EXPECT_EQ(run_threads(4), 1);
    }
    EXPECT_EQ(ThreadBudget::current(), &b);
    {
      ThreadBudget::Scope again(b);  // the same budget on the same thread counts once
      EXPECT_EQ(b.active(), 1);
      EXPECT_EQ(run_threads(1), 4);
    }
    EXPECT_EQ(b.active(), 1);
  }
  EXPECT_EQ(b.active(), 0);
  EXPECT_EQ(ThreadBudget::current(), nullptr);
  EXPECT_EQ(ThreadBudget(0).threads(), 1);
  EXPECT_GE(available_cpus(), 1);
}

// A test operator that outputs the intra-op threads its kernel was given.
std::atomic<int> g_seen_threads{0};
PPOCR_OP(TestSeenThreads)
    .reference([](KernelContext& ctx) {
      g_seen_threads = ctx.num_threads;
      ctx.outputs[0] = ctx.in(0);
    })
    .inputs(1, 1);

TEST(ThreadBudget, ModelRunsTakeTheShare) {
  Graph g;
  int x = g.add_value("x"), y = g.add_value("y");
  g.inputs = {x};
  g.add_node("TestSeenThreads", "t", {x}, {y});
  g.outputs = {y};
  ModelOptions mo;
  mo.num_threads = 3;
  mo.optimize = false;
  auto m = Model::from_graph(g, mo);
  Tensor in = Tensor::from_vector<float>({1}, {1.f});
  m->run(std::vector<Tensor>{in});
  EXPECT_EQ(g_seen_threads.load(), 3);
  ThreadBudget b(2);
  {
    ThreadBudget::Scope s(b);
    m->run(std::vector<Tensor>{in});
    EXPECT_EQ(g_seen_threads.load(), 2);
    std::thread other([&] {
      ThreadBudget::Scope s2(b);
      m->run(std::vector<Tensor>{in});
    });
    other.join();
    EXPECT_EQ(g_seen_threads.load(), 1);
  }
  m->run(std::vector<Tensor>{in});
  EXPECT_EQ(g_seen_threads.load(), 3);
}

namespace {

// Runs run_ordered over 0..n-1 with random work times; returns what give() saw.
std::vector<int> ordered_run(int workers, int window, int n, std::atomic<int>* max_out = nullptr) {
  std::vector<int> seen;
  int next = 0;
  std::atomic<int> out{0};
  run_ordered<int, int>(
      workers, window,
      [&](int& item) {
        if (next == n) return false;
        item = next++;
        int o = ++out;
        if (max_out && o > max_out->load()) *max_out = o;
        return true;
      },
      [&](int&& item) {
        thread_local std::mt19937 rng(std::hash<std::thread::id>()(std::this_thread::get_id()));
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 2000));
        return item * 10;
      },
      [&](int&& r) {
        --out;
        seen.push_back(r);
        return true;
      });
  return seen;
}

}  // namespace

TEST(RunOrdered, GivesResultsInOrderWithinTheWindow) {
  for (int workers : {1, 2, 3, 5}) {
    std::atomic<int> max_out{0};
    std::vector<int> seen = ordered_run(workers, workers + 1, 40, &max_out);
    ASSERT_EQ(seen.size(), 40u) << workers;
    for (int i = 0; i < 40; ++i) EXPECT_EQ(seen[i], i * 10) << workers;
    EXPECT_LE(max_out.load(), workers + 1) << workers;
  }
  EXPECT_TRUE(ordered_run(3, 4, 0).empty());
}

TEST(RunOrdered, RunsItemsAtOnce) {
  std::atomic<int> running{0}, most{0};
  int next = 0;
  run_ordered<int, int>(
      3, 4,
      [&](int& item) {
        item = next++;
        return item < 9;
      },
      [&](int&& item) {
        int r = ++running;
        if (r > most) most = r;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --running;
        return item;
      },
      [&](int&&) { return true; });
  EXPECT_GE(most.load(), 2);
  EXPECT_LE(most.load(), 3);
}

TEST(RunOrdered, StopsWhenGiveSaysSo) {
  for (int workers : {1, 3}) {
    int taken = 0, given = 0;
    run_ordered<int, int>(
        workers, workers + 1,
        [&](int& item) {
          item = taken++;
          return true;  // endless
        },
        [&](int&& item) { return item; },
        [&](int&& r) {
          EXPECT_EQ(r, given);
          return ++given < 5;
        });
    EXPECT_EQ(given, 5);
    EXPECT_LE(taken, 5 + workers + 1);
  }
}

TEST(RunOrdered, RethrowsAfterJoining) {
  for (int workers : {1, 2}) {
    int next = 0;
    EXPECT_THROW((run_ordered<int, int>(
                     workers, workers + 1,
                     [&](int& item) {
                       if (next == 3) throw std::runtime_error("take failed");
                       item = next++;
                       return true;
                     },
                     [&](int&& item) { return item; }, [&](int&&) { return true; })),
                 std::runtime_error);
    next = 0;
    EXPECT_THROW((run_ordered<int, int>(
                     workers, workers + 1,
                     [&](int& item) {
                       item = next++;
                       return item < 6;
                     },
                     [&](int&& item) {
                       if (item == 2) throw std::runtime_error("work failed");
                       return item;
                     },
                     [&](int&&) { return true; })),
                 std::runtime_error);
    next = 0;
    int given = 0;
    EXPECT_THROW((run_ordered<int, int>(
                     workers, workers + 1,
                     [&](int& item) {
                       item = next++;
                       return item < 6;
                     },
                     [&](int&& item) { return item; },
                     [&](int&& r) {
                       ++given;
                       if (r == 1) throw std::runtime_error("give failed");
                       return true;
                     })),
                 std::runtime_error);
    EXPECT_EQ(given, 2);
  }
}
