#include <unistd.h>

#include <cstring>
#include <iostream>

#include "cli/command.h"
#include "engine/error.h"

namespace {

// GNU OpenMP (oneDNN's and our kernels' threads) spins for a long time at
// every barrier before it sleeps (GOMP_SPINCOUNT 300000 by default). When the
// cores are shared (another busy process, more runs than cores), a spinning
// thread burns the core its partner needs, and a run on every core became
// several times slower (docs/performance.md, "Threads and busy machines").
// libgomp reads its settings once, in its constructor, before main(): a
// setenv() in main() changes nothing (checked with libgomp 12). So unless the
// environment already says how OpenMP should wait (OMP_WAIT_POLICY or
// GOMP_SPINCOUNT), this program puts kSpinSetting (spin briefly, then sleep)
// into its environment before any library's constructor runs:
// - in place of the variable "_" (the shell's "last argument", meaningless to
//   this program), when the environment has one: the environment array is
//   fixed at this point (libc's start-up resets `environ` to it, so setenv()
//   would be lost), but its entries can be replaced; this costs nothing;
// - else by re-executing itself with the setting added (~60 ms: the dynamic
//   loading happens twice).
// PPOCR_OMP_SPIN_DEFAULT=0 keeps libgomp's own default. 1000 spins: as fast as
// libgomp's 300000 on an idle host (2-thread detector 16.6 vs 16.6 ms; passive
// waiting, 0 spins, 22.3 ms), and one image on 2 threads on a busy host 0.38 s
// against 7.4 s with 300000 and 0.34 s passive (docs/performance.md).
char kSpinSetting[] = "GOMP_SPINCOUNT=1000";
char* g_env[4096];

void set_openmp_wait(int, char** argv, char** envp) {
  if (!argv || !argv[0] || !envp) return;
  char** underscore = nullptr;
  size_t n = 0;
  for (char** e = envp; *e; ++e, ++n) {
    if (std::strncmp(*e, "OMP_WAIT_POLICY=", 16) == 0 || std::strncmp(*e, "GOMP_SPINCOUNT=", 15) == 0 ||
        std::strcmp(*e, "PPOCR_OMP_SPIN_DEFAULT=0") == 0)
      return;
    if (std::strncmp(*e, "_=", 2) == 0) underscore = e;
  }
  if (underscore) {
    *underscore = kSpinSetting;
    return;
  }
  if (n + 2 > sizeof(g_env) / sizeof(g_env[0])) return;
  for (size_t i = 0; i < n; ++i) g_env[i] = envp[i];
  g_env[n] = kSpinSetting;
  g_env[n + 1] = nullptr;
  execve("/proc/self/exe", argv, g_env);  // returns only on failure: go on with libgomp's default
}

// Functions in .preinit_array run before the constructors of every shared
// library (libgomp's included); only an executable can have them.
__attribute__((section(".preinit_array"), used)) void (*const g_set_openmp_wait)(int, char**, char**) =
    &set_openmp_wait;

}  // namespace

namespace ppocr::cli {
std::vector<CommandSetup>& commands() {
  static std::vector<CommandSetup> c;
  return c;
}
int& exit_code() {
  static int c = 0;
  return c;
}
}  // namespace ppocr::cli

int main(int argc, char** argv) {
  CLI::App app{"ppocr: PaddleOCR's General OCR pipeline as one native program"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ppocr 0.1.0");
  for (auto& setup : ppocr::cli::commands()) setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const ppocr::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return ppocr::cli::exit_code();
}
