// ppocr::Error, the one exception every ppocr call throws on bad input, bad
// models or unsupported options. code() says what kind of problem it was, so
// that callers (the HTTP service, the Python package) can map it to their own
// errors without parsing messages.
#pragma once
#include <stdexcept>
#include <string>

namespace ppocr {

enum class ErrorCode {
  kGeneric = 0,     // anything not classified below (e.g. a corrupt model file)
  kInvalidArgument, // a bad option or parameter value
  kInvalidInput,    // input data that cannot be read: corrupt image/PDF, unknown format
  kTooLarge,        // input above a configured limit (pixels, bytes, pages)
  kNotFound,        // a file, folder or model that does not exist
  kForbidden,       // an input the settings do not allow (private URL, local path)
  kFetchFailed,     // a URL could not be fetched (DNS, connection, HTTP status)
  kUnsupported,     // a feature or device ppocr does not have
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& msg, ErrorCode code = ErrorCode::kGeneric)
      : std::runtime_error(msg), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace ppocr
