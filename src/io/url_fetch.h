// HTTP(S) downloads with libcurl, for URL inputs and model downloads.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace ppocr::io {

struct FetchOptions {
  long connect_timeout_s = 10;   // TCP/TLS connect
  long timeout_s = 120;          // whole transfer; 0 = none
  long low_speed_time_s = 30;    // abort when under 1 byte/s for this long
  size_t max_bytes = size_t(200) << 20;  // refuse bodies larger than this; 0 = no limit
  int max_redirects = 5;
  // Server use: refuse loopback, private, link-local, multicast and unspecified
  // addresses (checked on every connection, redirects included). Only http and
  // https are ever allowed.
  bool forbid_private = false;
  std::string user_agent = "ppocr/0.1";
};

// True for strings starting with http:// or https:// (case-insensitive).
bool is_url(const std::string& s);

// GETs `url` and returns the body. Error (naming the URL) on non-2xx status,
// timeouts, DNS/connection failures, size limit, bad scheme or forbidden target.
std::string fetch_url(const std::string& url, const FetchOptions& opts = {});

// Streams the body into `sink` (called with each chunk); same checks as fetch_url.
void fetch_url_to(const std::string& url, const std::function<void(const char*, size_t)>& sink,
                  const FetchOptions& opts = {});

// The last path component of a URL without query/fragment ("" when none).
std::string url_file_name(const std::string& url);

// Whether an IPv4/IPv6 address literal is loopback/private/link-local/etc.
bool is_private_address(const std::string& ip);

}  // namespace ppocr::io
