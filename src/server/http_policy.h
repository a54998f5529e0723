// The HTTP front's policy, as pure functions (unit-tested in tests/server):
// which Host and Origin values are accepted, bearer-token checks, the JSON
// Content-Type rule, and the access-log line with its escaping.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ppocr::server {

// "Example.COM.:8080" -> "example.com", "[::1]:80" -> "[::1]", "::1" -> "[::1]";
// empty when the value is not a plausible host (spaces, control bytes, bad port).
std::string normalize_host(std::string_view host_header);

// The hosts accepted in the Host header when --allowed_hosts is not given:
// the bound address, localhost, 127.0.0.1 and [::1]; for a wildcard bind
// (0.0.0.0, ::) also this machine's interface addresses and host name.
std::vector<std::string> default_allowed_hosts(const std::string& bound_host);

// A list as given on the command line ("a.example, b.example:8080"), normalized.
// "*" stays "*" (any host).
std::vector<std::string> parse_host_list(const std::string& list);

bool host_allowed(const std::vector<std::string>& allowed, std::string_view host_header);

struct Origin {
  std::string scheme, host;  // host normalized (see normalize_host)
  int port = 0;
  bool ok = false;
};
Origin parse_origin(std::string_view origin_header);

// Whether the Origin header names the server the request was sent to: the same
// host and port as the Host header (no port there: the scheme's default), and
// that host allowed.
bool same_origin(const std::vector<std::string>& allowed_hosts, std::string_view host_header,
                 std::string_view origin_header);

// "--cors_origin" entries are compared as exact origins ("https://app.example:8443"), or "*".
std::vector<std::string> parse_origin_list(const std::string& list);
bool origin_listed(const std::vector<std::string>& cors_origins, std::string_view origin_header);

// "application/json" or "application/json; charset=utf-8" (media type case-insensitive).
bool is_json_content_type(std::string_view content_type);

// Authorization: "Bearer <token>" with token == key, compared in constant time.
bool bearer_matches(std::string_view authorization_header, const std::string& key);
bool constant_time_equal(std::string_view a, std::string_view b);

// Bytes outside printable ASCII, '"', '\\' and spaces as \xHH: a logged value can
// never start a new line or fake a field.
std::string escape_for_log(std::string_view s, size_t max_len = 512);

struct AccessLogEntry {
  std::string client;     // IP address
  std::string method, path;
  int status = 0;         // 0: no answer was sent (connection dropped)
  size_t bytes_in = 0;    // request body bytes
  size_t bytes_out = 0;   // response body bytes
  double ms = 0;          // from the request line to the end of the answer
  std::string log_id;     // "-" when none
};
// One line without the newline:
// 2026-12-05T00:11:22.333Z 127.0.0.1 "POST /ocr" 200 in=1234 out=567 ms=321.0 logId=...
std::string format_access_log(const AccessLogEntry& e, long long unix_ms);

}  // namespace ppocr::server
