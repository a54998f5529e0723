// Fetching URL inputs and model downloads: http(s) with libcurl, and file://
// where the caller allows it. This is the one place that decides what a URL may
// reach: the server fetches request URLs through it with forbid_private set.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace ppocr::io {

struct FetchOptions {
  double connect_timeout_s = 10;  // TCP/TLS connect (capped by timeout_s)
  double timeout_s = 120;         // whole transfer; 0 = none
  long low_speed_time_s = 30;     // abort when under 1 byte/s for this long
  size_t max_bytes = size_t(200) << 20;  // refuse bodies larger than this; 0 = no limit
  int max_redirects = 5;
  // Server use: refuse loopback, private, link-local, multicast and other
  // non-public addresses (is_private_address). The host of the URL, and of every
  // redirect (each followed here, http and https only), is resolved once, every
  // address it resolves to is checked before any connection is made, and the
  // transfer is pinned to the checked addresses (CURLOPT_RESOLVE, and a socket
  // callback that refuses any other address), so neither DNS rebinding nor a
  // redirect reaches a private address. A refused address, a name that does not
  // resolve and a target that cannot be connected to all give one and the same
  // error text (ErrorCode::kFetchFailed), so the error tells nothing about the
  // network behind the server.
  bool forbid_private = false;
  // With forbid_private: the test of an address (default: is_private_address).
  // Tests set it to treat one loopback address as public and another as not.
  std::function<bool(const std::string&)> forbidden_address;
  // The proxy to use: unset = libcurl's default (the http_proxy/https_proxy/
  // no_proxy environment), except that with forbid_private no proxy is used
  // unless one is set here; "" = none. With a proxy, the target's addresses are
  // still checked here, but the proxy resolves the name itself, so the pinning
  // is the proxy's business.
  std::optional<std::string> proxy;
  // Read file:// URLs (file:///path or file://localhost/path) as local files,
  // within max_bytes. Off: a file:// URL is refused (ErrorCode::kForbidden).
  // Only regular files are read (opened without blocking: a FIFO or a device is
  // refused, never waited on).
  bool allow_file_urls = false;
  // With allow_file_urls: when set, only files under this directory (after
  // resolving symbolic links) are read; anything else is kForbidden.
  std::string local_root;
  // Polled during the transfer (at least about once a second); true aborts it
  // (ErrorCode::kGeneric, "cancelled").
  std::function<bool()> cancelled;
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
//   kForbidden    file:// not allowed, or outside local_root
//   kUnsupported  any other scheme (ftp://, ...), also as a redirect target
//   kTooLarge     body (or local file) larger than max_bytes
//   kNotFound     file:// path that cannot be opened
//   kInvalidInput file:// path that is not a regular file
//   kFetchFailed  DNS, connection, timeout, TLS, non-2xx HTTP status, and
//                 (forbid_private) a non-public address, in one text
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
