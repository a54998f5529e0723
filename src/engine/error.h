// ppocr::Error (include/ppocr/error.h) and the helpers that build it: fail()
// and PPOCR_CHECK() for unclassified errors, fail_as() and PPOCR_CHECK_AS()
// with an ErrorCode.
#pragma once
#include <sstream>
#include <string>

#include "ppocr/error.h"

namespace ppocr {

namespace detail {
inline void cat(std::ostringstream&) {}
template <class T, class... R>
void cat(std::ostringstream& os, const T& v, const R&... r) {
  os << v;
  cat(os, r...);
}
}  // namespace detail

// Builds a message from its parts: fail("node ", name, ": bad rank ", r).
template <class... A>
[[noreturn]] void fail(const A&... a) {
  std::ostringstream os;
  detail::cat(os, a...);
  throw Error(os.str());
}

// The same with a code: fail_as(ErrorCode::kTooLarge, "image is ", w, "x", h).
template <class... A>
[[noreturn]] void fail_as(ErrorCode code, const A&... a) {
  std::ostringstream os;
  detail::cat(os, a...);
  throw Error(os.str(), code);
}

#define PPOCR_CHECK(cond, ...)              \
  do {                                      \
    if (!(cond)) ::ppocr::fail(__VA_ARGS__); \
  } while (0)

#define PPOCR_CHECK_AS(cond, code, ...)                               \
  do {                                                                \
    if (!(cond)) ::ppocr::fail_as(::ppocr::ErrorCode::code, __VA_ARGS__); \
  } while (0)

}  // namespace ppocr
