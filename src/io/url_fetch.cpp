#include "io/url_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/error.h"

namespace ppocr::io {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
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

// file:///path or file://localhost/path: a regular file (opened without
// blocking, so a FIFO cannot hold the caller), under local_root when set.
std::string read_file_url(const std::string& url, const FetchOptions& opts) {
  PPOCR_CHECK_AS(opts.allow_file_urls, kForbidden, url, ": file:// URLs are refused (only http and https URLs are fetched)");
  std::string path = url.substr(7);
  if (lower(path.substr(0, 10)) == "localhost/") path = path.substr(9);
  PPOCR_CHECK_AS(!path.empty() && path[0] == '/', kInvalidArgument, url,
                 ": a file:// URL needs an absolute path (file:///path)");
  namespace fs = std::filesystem;
  if (!opts.local_root.empty()) {
    std::error_code ec;
    fs::path root = fs::weakly_canonical(fs::absolute(opts.local_root), ec);
    auto under_root = [&](const fs::path& p) {
      auto r = root.begin(), q = p.begin();
      for (; r != root.end(); ++r, ++q)
        if (q == p.end() || *q != *r) return r != root.end() && r->empty();  // "dir/" ends in an empty element
      return true;
    };
    const std::string refused = url + ": file:// URLs are read only from the configured directory";
    // Lexically first (".." cannot climb out), then with symbolic links resolved.
    fs::path lexical = fs::path(path).lexically_normal();
    PPOCR_CHECK_AS(!ec && under_root(lexical), kForbidden, refused);
    fs::path real = fs::canonical(lexical, ec);
    PPOCR_CHECK_AS(!ec, kNotFound, url, ": cannot open local file ", path);
    PPOCR_CHECK_AS(under_root(real), kForbidden, refused);
    path = real.string();
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  PPOCR_CHECK_AS(fd >= 0, kNotFound, url, ": cannot open local file ", path);
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  struct stat st {};
  PPOCR_CHECK_AS(::fstat(fd, &st) == 0, kNotFound, url, ": cannot read local file ", path);
  PPOCR_CHECK_AS(S_ISREG(st.st_mode), kInvalidInput, url, ": ", path, " is not a regular file");
  PPOCR_CHECK_AS(opts.max_bytes == 0 || size_t(st.st_size) <= opts.max_bytes, kTooLarge, "the file at ", url,
                 " is larger than the limit of ", opts.max_bytes, " bytes");
  std::string data(size_t(st.st_size), '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t k = ::pread(fd, &data[got], data.size() - got, off_t(got));
    if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    PPOCR_CHECK_AS(k > 0, kFetchFailed, url, ": cannot read local file ", path);
    got += size_t(k);
  }
  return data;
}

// The host and port a URL connects to, parsed by libcurl's own URL parser (so
// what is checked is what libcurl connects to).
struct Target {
  std::string scheme, host;  // host without IPv6 brackets
  int port = 0;
  bool literal = false;  // the host is an IP address
};

Target parse_target(const std::string& url) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
  PPOCR_CHECK(u, url, ": cannot initialise libcurl");
  PPOCR_CHECK_AS(curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK, kInvalidArgument, url,
                 ": not a valid URL");
  auto part = [&](CURLUPart what, unsigned flags) {
    char* v = nullptr;
    std::string s;
    if (curl_url_get(u.get(), what, &v, flags) == CURLUE_OK && v) s = v;
    curl_free(v);
    return s;
  };
  Target t;
  t.scheme = lower(part(CURLUPART_SCHEME, 0));
  t.host = part(CURLUPART_HOST, 0);
  PPOCR_CHECK_AS(!t.host.empty(), kInvalidArgument, url, ": the URL has no host");
  if (t.host.size() > 2 && t.host.front() == '[' && t.host.back() == ']') t.host = t.host.substr(1, t.host.size() - 2);
  t.port = std::atoi(part(CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str());
  unsigned char buf[16];
  t.literal = inet_pton(AF_INET, t.host.c_str(), buf) == 1 || inet_pton(AF_INET6, t.host.c_str(), buf) == 1;
  return t;
}

// Every address `host` resolves to (numeric strings), or empty when it does not resolve.
std::vector<std::string> resolve(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::vector<std::string> out;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return out;
  for (addrinfo* a = res; a; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {0};
    if (a->ai_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf, sizeof buf);
    else if (a->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, buf, sizeof buf);
    else
      continue;
    if (std::find(out.begin(), out.end(), buf) == out.end()) out.push_back(buf);
  }
  freeaddrinfo(res);
  return out;
}

// What the socket callback lets through.
struct SocketPolicy {
  bool check = false;                // refuse anything not in `allowed`
  std::vector<std::string> allowed;  // the checked addresses of this hop
  const std::function<bool(const std::string&)>* forbidden = nullptr;
  bool blocked = false;
};

std::string address_of(const curl_sockaddr* addr) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr->family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr->addr)->sin_addr, buf, sizeof buf);
  else if (addr->family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr->addr)->sin6_addr, buf, sizeof buf);
  return buf;
}

// Runs before each connection: the address libcurl is about to connect to must
// be one that was checked (defence in depth behind CURLOPT_RESOLVE).
curl_socket_t open_socket(void* clientp, curlsocktype, struct curl_sockaddr* addr) {
  auto* pol = static_cast<SocketPolicy*>(clientp);
  if (pol->check) {
    std::string a = address_of(addr);
    if (a.empty() || (*pol->forbidden)(a) ||
        std::find(pol->allowed.begin(), pol->allowed.end(), a) == pol->allowed.end()) {
      pol->blocked = true;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

struct Transfer {
  CURL* curl = nullptr;
  const std::function<void(const char*, size_t)>* sink = nullptr;
  size_t max_bytes = 0;
  size_t received = 0;
  bool too_big = false;
  size_t skipped = 0;  // body bytes of redirect answers, dropped
  std::string sink_error;
  const std::function<bool()>* cancelled = nullptr;
  bool was_cancelled = false;
};

size_t on_data(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300 && status < 400) {  // a redirect's own body: not the file
    t->skipped += n;
    return t->skipped > (size_t(1) << 20) ? 0 : n;
  }
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

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancelled && *t->cancelled && (*t->cancelled)()) {
    t->was_cancelled = true;
    return 1;  // aborts
  }
  return 0;
}

using Clock = std::chrono::steady_clock;

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
  // With forbid_private, everything that would tell a refused address from an
  // unreachable one (or an open port from a closed one) ends in this one text.
  const std::string unreachable =
      "cannot fetch " + url + ": the host cannot be reached, or is not one this server fetches from (only public "
      "addresses are fetched)";
  const bool guard = opts.forbid_private;
  const std::function<bool(const std::string&)> forbidden =
      opts.forbidden_address ? opts.forbidden_address : std::function<bool(const std::string&)>(is_private_address);
  const bool use_proxy = opts.proxy ? !opts.proxy->empty() : !guard;  // unset: the environment, unless guarded

  auto ms = [](double s) { return s > 0 ? std::max(1L, long(s * 1000 + 0.5)) : 0L; };
  const auto t0 = Clock::now();
  auto remaining_ms = [&]() -> long {  // of the whole fetch, redirects included
    if (opts.timeout_s <= 0) return 0;
    long left = ms(opts.timeout_s) - long(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
    return std::max(1L, left);
  };

  std::string current = url;
  for (int hop = 0;; ++hop) {
    Target target = parse_target(current);
    PPOCR_CHECK_AS(target.scheme == "http" || target.scheme == "https", kUnsupported, "cannot fetch ", url,
                   ": unsupported URL scheme in a redirect (only http and https URLs are fetched)");
    SocketPolicy policy;
    std::vector<std::string> addresses;
    if (guard) {
      // Resolve once, check every address, then connect only to those.
      addresses = target.literal ? std::vector<std::string>{target.host} : resolve(target.host, target.port);
      if (addresses.empty()) fail_as(ErrorCode::kFetchFailed, unreachable);
      for (const auto& a : addresses)
        if (forbidden(a)) fail_as(ErrorCode::kFetchFailed, unreachable);
      policy.check = !use_proxy;  // through a proxy, the connection goes to the proxy
      policy.allowed = addresses;
      policy.forbidden = &forbidden;
    }
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    PPOCR_CHECK(curl, url, ": cannot initialise libcurl");
    CURL* c = curl.get();
    Transfer t;
    t.curl = c;
    t.sink = &sink;
    t.max_bytes = opts.max_bytes;
    t.cancelled = &opts.cancelled;
    char errbuf[CURL_ERROR_SIZE] = {0};
    long timeout_ms = remaining_ms();
    long connect_ms = ms(opts.connect_timeout_s);
    if (timeout_ms > 0 && (connect_ms == 0 || connect_ms > timeout_ms)) connect_ms = timeout_ms;
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> pins(nullptr, curl_slist_free_all);
    if (guard && !target.literal) {
      std::string entry = target.host + ":" + std::to_string(target.port) + ":";
      for (size_t i = 0; i < addresses.size(); ++i)
        entry += (i ? "," : "") + (addresses[i].find(':') != std::string::npos ? "[" + addresses[i] + "]" : addresses[i]);
      pins.reset(curl_slist_append(nullptr, entry.c_str()));
      curl_easy_setopt(c, CURLOPT_RESOLVE, pins.get());
    }
    curl_easy_setopt(c, CURLOPT_URL, current.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // followed below, each hop checked
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, opts.low_speed_time_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_USERAGENT, opts.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    if (opts.max_bytes) curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(opts.max_bytes));
    if (!use_proxy) {
      curl_easy_setopt(c, CURLOPT_PROXY, "");
      curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    } else if (opts.proxy) {
      curl_easy_setopt(c, CURLOPT_PROXY, opts.proxy->c_str());
    }
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &policy);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (rc == CURLE_OK && status >= 300 && status < 400) {
      char* location = nullptr;
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location);
      PPOCR_CHECK_AS(location && *location, kFetchFailed, "cannot fetch ", url, ": the server answered HTTP ", status);
      PPOCR_CHECK_AS(hop < opts.max_redirects, kFetchFailed, "cannot fetch ", url, ": more than ", opts.max_redirects,
                     " redirects");
      std::string next = location;
      PPOCR_CHECK_AS(has_url_scheme(next) && (scheme_of(next) == "http" || scheme_of(next) == "https"), kUnsupported,
                     "cannot fetch ", url, ": unsupported URL scheme in a redirect (only http and https URLs are fetched)");
      current = next;
      continue;
    }
    if (rc == CURLE_OK) {
      // FAILONERROR covers 4xx/5xx; a 1xx final answer has no usable body either.
      PPOCR_CHECK_AS(status == 0 || (status >= 200 && status < 300), kFetchFailed, "cannot fetch ", url,
                     ": the server answered HTTP ", status);
      return;
    }
    std::string detail = errbuf[0] ? std::string(" (") + errbuf + ")" : std::string();
    if (t.was_cancelled) fail("cannot fetch ", url, ": cancelled");
    if (!t.sink_error.empty()) fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": ", t.sink_error);
    if (t.too_big || rc == CURLE_FILESIZE_EXCEEDED)
      fail_as(ErrorCode::kTooLarge, "the file at ", url, " is larger than the limit of ", opts.max_bytes, " bytes");
    long connected = 0;
    curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
    if (guard && (policy.blocked || rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                  rc == CURLE_COULDNT_RESOLVE_PROXY || (rc == CURLE_OPERATION_TIMEDOUT && connected == 0)))
      fail_as(ErrorCode::kFetchFailed, unreachable);
    if (rc == CURLE_HTTP_RETURNED_ERROR)
      fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": the server answered HTTP ", status);
    if (rc == CURLE_OPERATION_TIMEDOUT) fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": timed out", guard ? "" : detail);
    if (rc == CURLE_COULDNT_RESOLVE_HOST)
      fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": cannot resolve host (offline or no DNS?)", detail);
    if (rc == CURLE_COULDNT_CONNECT)
      fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": cannot connect (server down or no network)", detail);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL)
      fail_as(ErrorCode::kUnsupported, "cannot fetch ", url,
              ": unsupported URL scheme in a redirect (only http and https URLs are fetched)", detail);
    // Guarded: libcurl's own words (TLS library versions, internals) stay in the server.
    fail_as(ErrorCode::kFetchFailed, "cannot fetch ", url, ": download failed: ", curl_easy_strerror(rc), guard ? "" : detail);
  }
}

std::string fetch_url(const std::string& url, const FetchOptions& opts) {
  if (has_url_scheme(url) && scheme_of(url) == "file") return read_file_url(url, opts);
  std::string body;
  fetch_url_to(url, [&](const char* p, size_t n) { body.append(p, n); }, opts);
  return body;
}

}  // namespace ppocr::io
