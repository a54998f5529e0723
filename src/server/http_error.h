// HttpError: a request failure that the service answers with this HTTP status and
// message in PaddleX's error envelope (errorCode = status, errorMsg = message).
#pragma once
#include <stdexcept>
#include <string>

namespace ppocr::server {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& msg) : std::runtime_error(msg), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace ppocr::server
