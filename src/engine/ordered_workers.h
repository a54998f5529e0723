// run_ordered: a bounded, ordered parallel map over a pulled stream of items
// (the OCR pipeline's page parallelism, docs/performance.md "Threads").
//
//   run_ordered<Item, Out>(workers, window, take, work, give);
//
// - take(Item&) -> bool hands out the next item (false: no more). It is called
//   by the workers, one call at a time, so reading/decoding the next item
//   overlaps the work on the others.
// - work(Item&&) -> Out runs on a worker thread, several items at once. It
//   should not throw (catch and put the error into Out); if it does, the run
//   stops and the exception is rethrown.
// - give(Out&&) -> bool runs on the calling thread, in the order take() handed
//   the items out; false stops the run (nothing more is taken; items being
//   worked on are finished and dropped).
// - At most `window` items are out at once (taken, and not yet through
//   give()), so memory is bounded whatever order the work finishes in.
// - workers <= 1: no threads; take, work and give alternate on the calling
//   thread, one item at a time.
// An exception from take() or give() stops the run; run_ordered rethrows it
// after every worker has finished.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ppocr::engine {

// - around(body), when given, runs each worker's whole loop: body() is the
//   loop (e.g. to hold a ThreadBudget::Scope for as long as the worker takes
//   items: a worker reading its next item still counts as busy).
struct NoWrap {
  template <class Body>
  void operator()(Body&& body) const { body(); }
};

template <class Item, class Out, class Take, class Work, class Give, class Around = NoWrap>
void run_ordered(int workers, int window, Take&& take, Work&& work, Give&& give, Around&& around = Around()) {
  if (workers <= 1) {
    around([&] {
      for (;;) {
        Item item;
        if (!take(item)) return;
        if (!give(work(std::move(item)))) return;
      }
    });
    return;
  }
  if (window < workers) window = workers;

  std::mutex mu;                   // guards everything below
  std::mutex take_mu;              // one take() at a time
  std::condition_variable room;    // workers: the window has room, or the run is over
  std::condition_variable ready;   // caller: the next result is in, or the run is over
  uint64_t taken = 0, given = 0;   // items handed out by take(); results handed to give()
  int running = workers;           // workers not yet finished
  bool exhausted = false, stop = false;
  std::exception_ptr error;
  std::map<uint64_t, Out> done;    // finished, waiting for their turn

  auto fail = [&](std::exception_ptr e) {
    std::lock_guard<std::mutex> lk(mu);
    if (!error) error = e;
    stop = true;
    room.notify_all();
    ready.notify_all();
  };

  auto loop = [&] {
    for (;;) {
      Item item;
      uint64_t seq;
      {
        std::lock_guard<std::mutex> tk(take_mu);
        {
          std::unique_lock<std::mutex> lk(mu);
          room.wait(lk, [&] { return stop || exhausted || taken - given < static_cast<uint64_t>(window); });
          if (stop || exhausted) break;
        }
        bool got;
        try {
          got = take(item);
        } catch (...) {
          fail(std::current_exception());
          break;
        }
        std::lock_guard<std::mutex> lk(mu);
        if (!got) {
          exhausted = true;
          room.notify_all();
          ready.notify_all();
          break;
        }
        seq = taken++;
      }
      try {
        Out o = work(std::move(item));
        std::lock_guard<std::mutex> lk(mu);
        done.emplace(seq, std::move(o));
        ready.notify_all();
      } catch (...) {
        fail(std::current_exception());
        break;
      }
    }
  };
  auto worker = [&] {
    try {
      around(loop);
    } catch (...) {
      fail(std::current_exception());
    }
    std::lock_guard<std::mutex> lk(mu);
    --running;
    ready.notify_all();
  };

  std::vector<std::thread> threads;
  threads.reserve(workers);
  try {
    for (int i = 0; i < workers; ++i) threads.emplace_back(worker);
  } catch (...) {
    fail(std::current_exception());
  }

  for (;;) {
    std::unique_lock<std::mutex> lk(mu);
    ready.wait(lk, [&] {
      return stop || done.count(given) || (exhausted && given == taken) || running == 0;
    });
    if (stop) break;
    auto it = done.find(given);
    if (it == done.end()) break;  // exhausted and all given, or every worker gone
    Out o = std::move(it->second);
    done.erase(it);
    lk.unlock();
    bool go_on;
    try {
      go_on = give(std::move(o));
    } catch (...) {
      fail(std::current_exception());
      break;
    }
    std::lock_guard<std::mutex> g(mu);
    ++given;  // counted out of the window only now: the result given is still in memory until give() returns
    room.notify_all();
    if (!go_on) {
      stop = true;
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lk(mu);
    stop = true;
    room.notify_all();
  }
  for (auto& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace ppocr::engine
