// Fetching URL inputs and model downloads: http(s) with libcurl, and file://
// where the caller allows it. This is the one place that decides what a URL may
// reach: the server fetches request URLs through it with forbid_private set.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace ppocr::io {

struct FetchOptions {
  double connect_timeout_s = 10;  // TCP/TLS connect (capped by timeout_s)
  double timeout_s = 120;         // whole transfer; 0 = none
  long low_speed_time_s = 30;     // abort when under 1 byte/s for this long
  size_t max_bytes = size_t(200) << 20;  // refuse bodies larger than this; 0 = no limit
  int max_redirects = 5;
  // Server use: refuse loopback, private, link-local, multicast and other
  // non-public addresses (is_private_address), checked on the address of every
  // connection after DNS resolution, redirects included, so a public name that
  // resolves or redirects to a private address is refused too. Only http and
  // https are ever followed by redirects.
  bool forbid_private = false;
  // Read file:// URLs (file:///path or file://localhost/path) as local files,
  // within max_bytes. Off: a file:// URL is refused (ErrorCode::kForbidden).
  bool allow_file_urls = false;
  std::string user_agent = "ppocr/0.1";
};

// True for strings starting with http:// or https:// (case-insensitive).
bool is_url(const std::string& s);

// True for strings that start with a URL scheme ("name://", the name made of
// letters, digits, '+', '-', '.', starting with a letter), as opposed to, e.g.,
// Base64 text or a path. fetch_url says whether the scheme is supported.
bool has_url_scheme(const std::string& s);

// Fetches `url` and returns the body. http(s): a GET that follows redirects;
// file://: see allow_file_urls. Errors (naming the URL) with their ErrorCode:
//   kForbidden    forbidden target (forbid_private) or file:// not allowed
//   kUnsupported  any other scheme (ftp://, ...), also as a redirect target
//   kTooLarge     body (or local file) larger than max_bytes
//   kNotFound     file:// path that cannot be opened
//   kFetchFailed  DNS, connection, timeout, TLS, non-2xx HTTP status
std::string fetch_url(const std::string& url, const FetchOptions& opts = {});

// Streams an http(s) body into `sink` (called with each chunk); same checks as fetch_url.
void fetch_url_to(const std::string& url, const std::function<void(const char*, size_t)>& sink,
                  const FetchOptions& opts = {});

// The last path component of a URL without query/fragment ("" when none).
std::string url_file_name(const std::string& url);

// Whether an IPv4/IPv6 address literal is one a public service must not be
// made to call: loopback, private, link-local, CGNAT, multicast, reserved,
// unspecified, and IPv6 forms embedding such an IPv4 address (mapped,
// compatible, 6to4, NAT64). Anything unparsable counts as private.
bool is_private_address(const std::string& ip);

}  // namespace ppocr::io
