#include "io/url_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include "engine/error.h"

namespace ppocr::io {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  const std::function<void(const char*, size_t)>* sink = nullptr;
  size_t max_bytes = 0;
  size_t received = 0;
  bool too_big = false;
  std::string sink_error;
};

size_t on_data(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (t->max_bytes && t->received + n > t->max_bytes) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->received += n;
  try {
    (*t->sink)(ptr, n);
  } catch (const std::exception& e) {
    t->sink_error = e.what();
    return 0;
  }
  return n;
}

// Refuses connections to private targets: runs after DNS resolution, for every
// connection (redirect targets included).
curl_socket_t open_socket(void* clientp, curlsocktype, struct curl_sockaddr* addr) {
  auto* blocked = static_cast<std::string*>(clientp);
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr->addr)->sin_addr, buf, sizeof buf);
  } else if (addr->family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr->addr)->sin6_addr, buf, sizeof buf);
  } else {
    *blocked = "non-IP address family";
    return CURL_SOCKET_BAD;
  }
  if (is_private_address(buf)) {
    *blocked = buf;
    return CURL_SOCKET_BAD;
  }
  return socket(addr->family, addr->socktype, addr->protocol);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

bool is_url(const std::string& s) {
  std::string l = lower(s.substr(0, 8));
  return l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0;
}

bool has_url_scheme(const std::string& s) {
  size_t p = s.find("://");
  if (p == std::string::npos || p == 0 || p > 32) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 0; i < p; ++i) {
    unsigned char c = s[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

std::string url_file_name(const std::string& url) {
  std::string u = url.substr(0, url.find_first_of("?#"));
  size_t scheme = u.find("://");
  if (scheme != std::string::npos) {
    u = u.substr(scheme + 3);
    size_t slash = u.find('/');
    if (slash == std::string::npos) return "";
    u = u.substr(slash);
  }
  size_t slash = u.rfind('/');
  return slash == std::string::npos ? u : u.substr(slash + 1);
}

namespace {

bool private_v4(const unsigned char a[4]) {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true;          // this-net, private, loopback
  if (a[0] == 169 && a[1] == 254) return true;                      // link-local
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;              // 172.16/12
  if (a[0] == 192 && a[1] == 168) return true;                      // 192.168/16
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;              // CGNAT 100.64/10
  if (a[0] == 192 && a[1] == 0 && a[2] == 0) return true;           // IETF protocol assignments
  if (a[0] == 198 && (a[1] & 0xFE) == 18) return true;              // benchmarking 198.18/15
  if (a[0] >= 224) return true;                                     // multicast, reserved, broadcast
  return false;
}

}  // namespace

bool is_private_address(const std::string& ip) {
  unsigned char a[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) return private_v4(a);
  if (inet_pton(AF_INET6, ip.c_str(), a) == 1) {
    static const unsigned char zero[16] = {0};
    if (!std::memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;                   // fe80::/10 link-local
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0xC0) return true;                   // fec0::/10 site-local (deprecated)
    if ((a[0] & 0xFE) == 0xFC) return true;                                   // fc00::/7 unique local
    if (a[0] == 0xFF) return true;                                            // multicast
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (!std::memcmp(a, v4mapped, 12) || !std::memcmp(a, zero, 12)) return private_v4(a + 12);  // ::ffff:a.b.c.d, ::a.b.c.d
    if (a[0] == 0x20 && a[1] == 0x02) return private_v4(a + 2);                // 6to4 2002:AABB:CCDD::/48
    static const unsigned char nat64[12] = {0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (!std::memcmp(a, nat64, 12)) return private_v4(a + 12);                 // NAT64 64:ff9b::a.b.c.d
    return false;
  }
  return true;  // not an address we understand: treat as forbidden
}

namespace {

std::string scheme_of(const std::string& url) { return lower(url.substr(0, url.find("://"))); }

// file:///path or file://localhost/path, read whole within max_bytes.
std::string read_file_url(const std::string& url, const FetchOptions& opts) {
  PPOCR_CHECK_AS(opts.allow_file_urls, kForbidden, url, ": file:// URLs are refused (only http and https URLs are fetched)");
  std::string path = url.substr(7);
  if (lower(path.substr(0, 10)) == "localhost/") path = path.substr(9);
  PPOCR_CHECK_AS(!path.empty() && path[0] == '/', kInvalidArgument, url,
                 ": a file:// URL needs an absolute path (file:///path)");
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  PPOCR_CHECK_AS(f.good(), kNotFound, url, ": cannot open local file ", path);
  std::streamoff len = f.tellg();
  PPOCR_CHECK_AS(len >= 0, kNotFound, url, ": cannot read local file ", path, " (is it a directory?)");
  PPOCR_CHECK_AS(opts.max_bytes == 0 || size_t(len) <= opts.max_bytes, kTooLarge, "the file at ", url,
                 " is larger than the limit of ", opts.max_bytes, " bytes");
  std::string data(size_t(len), '\0');
  f.seekg(0);
  if (len > 0) f.read(&data[0], len);
  PPOCR_CHECK_AS(f.good() && f.gcount() == len, kFetchFailed, url, ": cannot read local file ", path);
  return data;
}

}  // namespace

void fetch_url_to(const std::string& url, const std::function<void(const char*, size_t)>& sink,
                  const FetchOptions& opts) {
  PPOCR_CHECK_AS(has_url_scheme(url), kInvalidArgument, url, ": not a URL (only http:// and https:// URLs are fetched)");
  std::string scheme = scheme_of(url);
  PPOCR_CHECK_AS(scheme != "file", kForbidden, url,
                 ": file:// URLs are refused (only http and https URLs are fetched)");
  PPOCR_CHECK_AS(scheme == "http" || scheme == "https", kUnsupported, "cannot fetch ", url, ": unsupported URL scheme '",
                 scheme, "://' (only http and https URLs are fetched)");
  global_init();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  PPOCR_CHECK(curl, url, ": cannot initialise libcurl");
  CURL* c = curl.get();
  Transfer t;
  t.sink = &sink;
  t.max_bytes = opts.max_bytes;
  std::string blocked;
  char errbuf[CURL_ERROR_SIZE] = {0};
  auto ms = [](double s) { return s > 0 ? std::max(1L, long(s * 1000 + 0.5)) : 0L; };
  long timeout_ms = ms(opts.timeout_s);
  long connect_ms = ms(opts.connect_timeout_s);
  if (timeout_ms > 0 && (connect_ms == 0 || connect_ms > timeout_ms)) connect_ms = timeout_ms;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(c, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, opts.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, long(opts.max_redirects));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, opts.low_speed_time_s);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, opts.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (opts.max_bytes) curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(opts.max_bytes));
  if (opts.forbid_private) {
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &blocked);
  }
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc == CURLE_OK) {
    // FAILONERROR covers 4xx/5xx; a 1xx/3xx final answer (a redirect without
    // Location, 304) has no usable body either.
    PPOCR_CHECK_AS(status == 0 || (status >= 200 && status < 300), kFetchFailed, "cannot fetch ", url,
                   ": the server answered HTTP ", status);
    return;
  }
  std::string detail = errbuf[0] ? std::string(" (") + errbuf + ")" : std::string();
  if (!t.sink_error.empty()) fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": ", t.sink_error);
  if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED)
    fail_as(ErrorCode::kTooLarge, "the file at ", url, " is larger than the limit of ", opts.max_bytes, " bytes");
  if (!blocked.empty())
    fail_as(ErrorCode::kForbidden, "refused to fetch ", url, ": it connects to the non-public address ", blocked,
            " (private/loopback/link-local/multicast addresses are not fetched)");
  if (rc == CURLE_HTTP_RETURNED_ERROR)
    fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": the server answered HTTP ", status);
  if (rc == CURLE_TOO_MANY_REDIRECTS)
    fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": more than ", opts.max_redirects, " redirects");
  if (rc == CURLE_OPERATION_TIMEDOUT) fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": timed out", detail);
  if (rc == CURLE_COULDNT_RESOLVE_HOST)
    fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": cannot resolve host (offline or no DNS?)", detail);
  if (rc == CURLE_COULDNT_CONNECT)
    fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": cannot connect (server down or no network)", detail);
  if (rc == CURLE_UNSUPPORTED_PROTOCOL)
    fail_as(ErrorCode::kUnsupported, "cannot fetch ", url,
            ": unsupported URL scheme in a redirect (only http and https URLs are fetched)", detail);
  fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": download failed: ", curl_easy_strerror(rc), detail);
}

std::string fetch_url(const std::string& url, const FetchOptions& opts) {
  if (has_url_scheme(url) && scheme_of(url) == "file") return read_file_url(url, opts);
  std::string body;
  fetch_url_to(url, [&](const char* p, size_t n) { body.append(p, n); }, opts);
  return body;
}

}  // namespace ppocr::io
