#include "io/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace ppocr::io {
namespace {

using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Called in the vfork child only: async-signal-safe system calls, then exec.
[[noreturn]] void exec_child(int in_fd, int out_fd, int err_fd, const char* path, char* const* argv, char* const* envp,
                             const rlimit* as, const rlimit* cpu) {
  if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
  // Nothing of the parent's (sockets of other clients, files) reaches the child.
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
#endif
  {
    rlimit nofile{};
    long lim = ::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY ? long(nofile.rlim_cur) : 65536;
    for (long fd = 3; fd < lim; ++fd) ::close(int(fd));
  }
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  if (as) ::setrlimit(RLIMIT_AS, as);
  if (cpu) ::setrlimit(RLIMIT_CPU, cpu);
  // The server blocks SIGINT/SIGTERM in all its threads and may ignore SIGPIPE;
  // the helper starts with the defaults.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(path, argv, envp);
  ::_exit(127);
}

void set_nonblock(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::string find_program(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string path = env && *env ? env : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    start = end + 1;
    if (dir.empty() || dir[0] != '/') continue;  // only absolute directories
    std::string cand = dir + "/" + name;
    struct stat st {};
    if (::stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(cand.c_str(), X_OK) == 0) return cand;
  }
  return "";
}

ProcessOutcome run_process(const std::vector<std::string>& args, int stdin_fd,
                           const std::function<bool(const char*, size_t)>& on_stdout, const ProcessOptions& opts) {
  ProcessOutcome res;
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  if (args.empty() || args[0].empty() || args[0][0] != '/') {
    res.err = "no program to run";
    return res;
  }
  // Everything the child needs is prepared before vfork: it may not allocate.
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    res.err = std::string("pipe: ") + std::strerror(errno);
    return res;
  }
  Fd out_r(out_pipe[0]), out_w(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    res.err = std::string("pipe: ") + std::strerror(errno);
    return res;
  }
  Fd err_r(err_pipe[0]), err_w(err_pipe[1]);
  Fd devnull;
  int in_fd = stdin_fd;
  if (in_fd < 0) {
    devnull.fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    in_fd = devnull.fd;
    if (in_fd < 0) {
      res.err = std::string("/dev/null: ") + std::strerror(errno);
      return res;
    }
  }
  rlimit as{}, cpu{};
  const rlimit* as_p = nullptr;
  const rlimit* cpu_p = nullptr;
  if (opts.max_address_space > 0) {
    as.rlim_cur = as.rlim_max = rlim_t(opts.max_address_space);
    as_p = &as;
  }
  if (opts.timeout_s > 0) {  // a backstop should this process die before it can kill the child
    cpu.rlim_cur = rlim_t(opts.timeout_s) + 2;
    cpu.rlim_max = cpu.rlim_cur + 1;
    cpu_p = &cpu;
  }
  char** envp = environ;
  const char* path = argv[0];
  pid_t pid = ::vfork();
  if (pid == 0) exec_child(in_fd, out_w.fd, err_w.fd, path, argv.data(), envp, as_p, cpu_p);
  if (pid < 0) {
    res.err = std::string("cannot start ") + args[0] + ": " + std::strerror(errno);
    return res;
  }
  out_w.reset();
  err_w.reset();
  set_nonblock(out_r.fd);
  set_nonblock(err_r.fd);

  const bool has_deadline = opts.timeout_s > 0;
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opts.timeout_s));
  ProcessOutcome::End stop = ProcessOutcome::End::kExited;  // kExited: not stopped by us
  std::vector<char> buf(1 << 16);
  auto should_stop = [&]() -> bool {
    if (opts.cancelled && opts.cancelled()) {
      stop = ProcessOutcome::End::kCancelled;
      return true;
    }
    if (has_deadline && Clock::now() >= deadline) {
      stop = ProcessOutcome::End::kTimedOut;
      return true;
    }
    return false;
  };
  while ((out_r.fd >= 0 || err_r.fd >= 0) && stop == ProcessOutcome::End::kExited) {
    if (should_stop()) break;
    pollfd p[2];
    int n = 0;
    if (out_r.fd >= 0) p[n++] = {out_r.fd, POLLIN, 0};
    if (err_r.fd >= 0) p[n++] = {err_r.fd, POLLIN, 0};
    int r = ::poll(p, nfds_t(n), 20);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) continue;
    for (int i = 0; i < n && stop == ProcessOutcome::End::kExited; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const bool is_out = p[i].fd == out_r.fd;
      // Drain what is there (bounded per round so the budget checks keep running).
      for (int round = 0; round < 64; ++round) {
        ssize_t k = ::read(p[i].fd, buf.data(), buf.size());
        if (k > 0) {
          if (is_out) {
            if (!on_stdout(buf.data(), size_t(k))) {
              stop = ProcessOutcome::End::kStopped;
              break;
            }
          } else {  // the last max_stderr bytes: a helper's final words say what went wrong
            res.err.append(buf.data(), size_t(k));
            if (res.err.size() > opts.max_stderr) res.err.erase(0, res.err.size() - opts.max_stderr);
          }
          continue;
        }
        if (k == 0) (is_out ? out_r : err_r).reset();  // EOF
        else if (errno == EINTR) continue;
        else if (errno != EAGAIN && errno != EWOULDBLOCK) (is_out ? out_r : err_r).reset();
        break;
      }
    }
  }
  // Both pipes closed: the child is exiting (or closed them and goes on: the budget still applies).
  int status = 0;
  for (;;) {
    if (stop != ProcessOutcome::End::kExited) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      res.end = stop;
      res.seconds = elapsed();
      return res;
    }
    pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) {  // reaped by someone else (a SIGCHLD handler of the host program)
      res.end = ProcessOutcome::End::kSignalled;
      res.err = "the helper process was reaped elsewhere";
      res.seconds = elapsed();
      return res;
    }
    if (should_stop()) continue;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  res.seconds = elapsed();
  if (WIFEXITED(status)) {
    res.end = ProcessOutcome::End::kExited;
    res.exit_code = WEXITSTATUS(status);
  } else {
    res.end = ProcessOutcome::End::kSignalled;
    res.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  }
  return res;
}

}  // namespace ppocr::io
