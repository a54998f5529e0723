#include "server/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ppocr::server {

bool HeapTrimmer::maybe_trim() { return trim(false); }

bool HeapTrimmer::trim_now() { return trim(true); }

bool HeapTrimmer::trim(bool force) {
  if (interval_s_ <= 0) return false;
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return false;  // another worker is trimming right now
  const auto now = Clock::now();
  if (!force && last_ != Clock::time_point{} && std::chrono::duration<double>(now - last_).count() < interval_s_)
    return false;
  last_ = now;
#if defined(__GLIBC__)
  malloc_trim(0);
  return true;
#else
  return false;  // other C libraries return memory on their own terms
#endif
}

}  // namespace ppocr::server
