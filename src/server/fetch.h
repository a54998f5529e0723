// Fetches the bytes behind a request's `file` URL. Only http(s) is fetched;
// file:// reads a local file. Unless allow_local is set, file:// is refused and
// so is any http(s) connection (redirects included) to a loopback, private,
// link-local or otherwise non-public address (checked on the resolved IP, so
// DNS tricks do not get around it). Failures are HttpErrors with clear messages.
#pragma once
#include <string>
#include <string_view>

namespace ppocr::server {

struct FetchOptions {
  bool allow_local = false;
  size_t max_bytes = 32u << 20;
  long timeout_ms = 30000;
};

// True when `file` is meant as a URL ("scheme://..."), as opposed to Base64.
bool looks_like_url(std::string_view file);

std::string fetch_url(const std::string& url, const FetchOptions& opts);

// True for addresses a public service must not be made to call.
bool is_non_public_ip(const std::string& ip);

}  // namespace ppocr::server
