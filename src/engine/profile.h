// Opt-in per-operator timing. With PPOCR_PROFILE=1 in the environment, the
// executor times every kernel call and a table of op types (calls, total ms,
// share) is printed to stderr at process exit; PPOCR_PROFILE=2 also lists each
// distinct (op, input shapes, kernel attributes) row. Off: one branch per node.
#pragma once
#include "engine/op.h"

namespace ppocr::engine {

// Level from PPOCR_PROFILE (0 = off), read once.
int profile_level();
// Adds one kernel call to the process-wide table (thread-safe).
void profile_record(const KernelContext& ctx, double ms);

}  // namespace ppocr::engine
