#include "io/url_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
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

bool is_private_address(const std::string& ip) {
  unsigned char a[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) {
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
  if (inet_pton(AF_INET6, ip.c_str(), a) == 1) {
    static const unsigned char zero[16] = {0};
    if (!std::memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;                   // fe80::/10 link-local
    if ((a[0] & 0xFE) == 0xFC) return true;                                   // fc00::/7 unique local
    if (a[0] == 0xFF) return true;                                            // multicast
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (!std::memcmp(a, v4mapped, 12) || !std::memcmp(a, zero, 12)) {         // ::ffff:a.b.c.d, ::a.b.c.d
      char v4[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, a + 12, v4, sizeof v4);
      return is_private_address(v4);
    }
    if (a[0] == 0x20 && a[1] == 0x02) {  // 6to4 embeds an IPv4 address
      char v4[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, a + 2, v4, sizeof v4);
      return is_private_address(v4);
    }
    return false;
  }
  return true;  // not an address we understand: treat as forbidden
}

void fetch_url_to(const std::string& url, const std::function<void(const char*, size_t)>& sink,
                  const FetchOptions& opts) {
  PPOCR_CHECK_AS(is_url(url), kForbidden, url, ": only http:// and https:// URLs are supported");
  global_init();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  PPOCR_CHECK(curl, url, ": cannot initialise libcurl");
  CURL* c = curl.get();
  Transfer t;
  t.sink = &sink;
  t.max_bytes = opts.max_bytes;
  std::string blocked;
  char errbuf[CURL_ERROR_SIZE] = {0};
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
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, opts.timeout_s);
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
  if (rc == CURLE_OK) return;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (!t.sink_error.empty()) fail_as(ErrorCode::kFetchFailed, url, ": ", t.sink_error);
  if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED)
    fail_as(ErrorCode::kTooLarge, url, ": response larger than the limit of ", opts.max_bytes, " bytes");
  if (!blocked.empty()) fail_as(ErrorCode::kForbidden, url, ": refused to connect to a private/loopback address (", blocked, ")");
  if (rc == CURLE_HTTP_RETURNED_ERROR) fail_as(ErrorCode::kFetchFailed, url, ": HTTP status ", status);
  if (rc == CURLE_TOO_MANY_REDIRECTS) fail_as(ErrorCode::kFetchFailed, url, ": more than ", opts.max_redirects, " redirects");
  if (rc == CURLE_OPERATION_TIMEDOUT) fail_as(ErrorCode::kFetchFailed, url, ": timed out (", errbuf, ")");
  if (rc == CURLE_COULDNT_RESOLVE_HOST)
    fail_as(ErrorCode::kFetchFailed, url, ": cannot resolve host (offline or no DNS?) (", errbuf, ")");
  if (rc == CURLE_COULDNT_CONNECT) fail_as(ErrorCode::kFetchFailed, url, ": cannot connect (server down or no network) (", errbuf, ")");
  if (rc == CURLE_UNSUPPORTED_PROTOCOL) fail_as(ErrorCode::kForbidden, url, ": protocol not allowed (only http/https)");
  fail_as(ErrorCode::kFetchFailed, url, ": download failed: ", curl_easy_strerror(rc), errbuf[0] ? std::string(" (") + errbuf + ")" : "");
}

std::string fetch_url(const std::string& url, const FetchOptions& opts) {
  std::string body;
  fetch_url_to(url, [&](const char* p, size_t n) { body.append(p, n); }, opts);
  return body;
}

}  // namespace ppocr::io
