// HttpError: a request failure that the service answers with this HTTP status and
// message in PaddleX's error envelope (errorCode = status, errorMsg = message).
// to_http_error() is the service's one translation of ppocr::Error (what io and
// the pipeline throw) into an HttpError, by the error's code.
#pragma once
#include <stdexcept>
#include <string>

#include "ppocr/error.h"

namespace ppocr::server {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& msg) : std::runtime_error(msg), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

// The HTTP status for an ErrorCode:
//   kInvalidInput, kFetchFailed, kNotFound, kUnsupported -> 400
//   kForbidden -> 403, kTooLarge -> 413, kInvalidArgument -> 422, kGeneric -> 500
int http_status(ErrorCode code);

// What the request was doing when the error came: the message gets the
// server's flag that governs it (--allow_local_urls, --max_body_mb,
// --max_pixels) where one does.
enum class Stage { kFetch, kDecode, kOcr };

HttpError to_http_error(const ppocr::Error& e, Stage stage);

}  // namespace ppocr::server
