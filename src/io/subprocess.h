// Running a helper program (the PDF renderer, Debian's poppler-utils) as a
// child process that a budget can stop: a wall-clock limit, a limit on its
// address space, a cancellation callback polled while it runs, and a consumer
// of its standard output that may stop it. The child is started with vfork +
// execve (no copy of a large parent's page tables), gets a clean signal mask,
// no file descriptors but its own three, and is killed with SIGKILL and reaped
// whenever it is stopped early. Nothing here takes a lock shared by callers.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace ppocr::io {

struct ProcessOptions {
  double timeout_s = 0;           // wall clock from the start; 0 = none
  size_t max_address_space = 0;   // RLIMIT_AS of the child, bytes; 0 = inherited
  // Polled about every 20 ms while the child runs; true stops (kills) it.
  std::function<bool()> cancelled;
  size_t max_stderr = 16384;      // the last this many bytes of stderr are kept
};

struct ProcessOutcome {
  enum class End {
    kExited,       // exit_code is set
    kSignalled,    // died of `signal` (not ours)
    kTimedOut,     // killed at timeout_s
    kCancelled,    // killed because cancelled() said so
    kStopped,      // killed because the stdout consumer returned false
    kSpawnFailed,  // could not be started (message in err)
  };
  End end = End::kSpawnFailed;
  int exit_code = -1;
  int signal = 0;
  std::string err;  // the end of the child's stderr (max_stderr bytes), or why it could not start
  double seconds = 0;
  bool ok() const { return end == End::kExited && exit_code == 0; }
};

// Runs argv[0] (an absolute path) with `argv`, stdin from `stdin_fd` (read from
// its current offset; -1 = /dev/null) and stdout streamed to `on_stdout`, which
// returns false to stop the child. Returns once the child has been reaped.
ProcessOutcome run_process(const std::vector<std::string>& argv, int stdin_fd,
                           const std::function<bool(const char*, size_t)>& on_stdout, const ProcessOptions& opts);

// The absolute path of an executable named `name` on $PATH (or /usr/bin, /bin
// when PATH is unset); "" when there is none.
std::string find_program(const std::string& name);

}  // namespace ppocr::io
