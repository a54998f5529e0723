// Opt-in per-operator timing. With PPOCR_PROFILE=1 in the environment, the
// executor times every kernel call and a table of op types (calls, total ms,
// share, CPU time of the calling thread) is printed to stderr at process exit; PPOCR_PROFILE=2 also lists each
// distinct (op, input shapes, kernel attributes) row. Off: one branch per node.
#pragma once
#include "engine/op.h"

namespace ppocr::engine {

// Level from PPOCR_PROFILE (0 = off), read once.
int profile_level();
// CPU time of the calling thread (the whole kernel's CPU time when it runs on
// one thread: a load-independent measure on a busy machine).
double thread_cpu_ms();
// Adds one kernel call (wall ms, calling-thread CPU ms) to the process-wide table (thread-safe).
void profile_record(const KernelContext& ctx, double ms, double cpu_ms);

}  // namespace ppocr::engine
