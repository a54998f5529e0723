// ppocr::Error: the one exception type the library throws for bad input,
// bad models and unsupported features. Messages say what was wrong and where.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace ppocr {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

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

#define PPOCR_CHECK(cond, ...)              \
  do {                                      \
    if (!(cond)) ::ppocr::fail(__VA_ARGS__); \
  } while (0)

}  // namespace ppocr
