#include "server/http_error.h"

namespace ppocr::server {

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
    case ErrorCode::kFetchFailed:
    case ErrorCode::kNotFound:     // a file:// URL naming no file
    case ErrorCode::kUnsupported:  // e.g. an ftp:// URL
      return 400;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kTooLarge: return 413;
    case ErrorCode::kInvalidArgument: return 422;
    case ErrorCode::kGeneric: break;
  }
  return 500;
}

HttpError to_http_error(const ppocr::Error& e, Stage stage) {
  std::string msg = e.what();
  const ErrorCode code = e.code();
  if (stage == Stage::kFetch && code == ErrorCode::kForbidden)
    msg += " (file:// URLs need --allow_local_urls and a file under --local_url_root)";
  else if (stage == Stage::kFetch && code == ErrorCode::kTooLarge)
    msg += " (the server's --max_body_mb)";
  else if (stage == Stage::kDecode && code == ErrorCode::kTooLarge && msg.find("(--") == std::string::npos)
    msg += " (the server's --max_pixels)";  // io names the limit itself when the service told it the flag
  else if (code == ErrorCode::kGeneric)
    msg = (stage == Stage::kOcr ? "OCR failed: " : "cannot read the file: ") + msg;
  return HttpError(http_status(code), msg);
}

}  // namespace ppocr::server
