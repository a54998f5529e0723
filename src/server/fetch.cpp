#include "server/fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>

#include "server/http_error.h"

namespace ppocr::server {
namespace {

struct Transfer {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
  bool allow_local = false;
  std::string refused_ip;
};

size_t on_data(char* ptr, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  if (t->body.size() + len > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(ptr, len);
  return len;
}

// Called once per connection (the first and every redirect) before the request is sent.
int on_connected(void* user, char* primary_ip, char*, int, int) {
  auto* t = static_cast<Transfer*>(user);
  if (!t->allow_local && is_non_public_ip(primary_ip ? primary_ip : "")) {
    t->refused_ip = primary_ip ? primary_ip : "?";
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

bool v4_non_public(const uint8_t a[4]) {
  return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 100 && (a[1] & 0xC0) == 64) ||
         (a[0] == 169 && a[1] == 254) || (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
         (a[0] == 192 && a[1] == 0 && a[2] == 0) || (a[0] == 198 && (a[1] & 0xFE) == 18) || a[0] >= 224;
}

std::string scheme_of(std::string_view url) {
  std::string s(url.substr(0, url.find("://")));
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string read_local(const std::string& url, const FetchOptions& opts) {
  if (!opts.allow_local) throw HttpError(403, "file:// URLs are refused (start the server with --allow_local_urls)");
  std::string path = url.substr(7);
  if (path.rfind("localhost/", 0) == 0) path = path.substr(9);
  std::ifstream f(path, std::ios::binary);
  if (!f) throw HttpError(400, "cannot open local file " + path);
  f.seekg(0, std::ios::end);
  std::streamoff size = f.tellg();
  if (size < 0) throw HttpError(400, "cannot read local file " + path);
  if (static_cast<size_t>(size) > opts.max_bytes)
    throw HttpError(413, "local file " + path + " is larger than the limit of " + std::to_string(opts.max_bytes) + " bytes");
  std::string data(static_cast<size_t>(size), '\0');
  f.seekg(0);
  f.read(data.data(), size);
  if (!f) throw HttpError(400, "cannot read local file " + path);
  return data;
}

}  // namespace

bool looks_like_url(std::string_view file) {
  size_t p = file.find("://");
  if (p == std::string_view::npos || p == 0 || p > 32) return false;
  if (!std::isalpha(static_cast<unsigned char>(file[0]))) return false;
  for (size_t i = 0; i < p; ++i) {
    unsigned char c = file[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_non_public_ip(const std::string& ip) {
  uint8_t a[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) return v4_non_public(a);
  if (inet_pton(AF_INET6, ip.c_str(), a) == 1) {
    static const uint8_t zero[16] = {};
    if (std::memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (std::memcmp(a, mapped, 12) == 0) return v4_non_public(a + 12);            // ::ffff:a.b.c.d
    if (std::memcmp(a, zero, 12) == 0) return v4_non_public(a + 12);              // ::a.b.c.d
    if ((a[0] & 0xFE) == 0xFC) return true;                                        // fc00::/7 unique local
    if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;                       // fe80::/10 link-local
    if (a[0] == 0xFF) return true;                                                 // multicast
    if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B) return v4_non_public(a + 12);  // NAT64
    return false;
  }
  return true;  // unparsable: refuse
}

std::string fetch_url(const std::string& url, const FetchOptions& opts) {
  std::string scheme = scheme_of(url);
  if (scheme == "file") return read_local(url, opts);
  if (scheme != "http" && scheme != "https")
    throw HttpError(400, "unsupported URL scheme '" + scheme + "://' (only http and https URLs are fetched)");
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw HttpError(500, "cannot start an HTTP client");
  Transfer t;
  t.max_bytes = opts.max_bytes;
  t.allow_local = opts.allow_local;
  char err[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, opts.timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(opts.timeout_ms, 10000L));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_connected);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &t);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "ppocr-serve/0.1");
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opts.max_bytes));
  CURLcode rc = curl_easy_perform(c);
  if (!t.refused_ip.empty())
    throw HttpError(403, "refused to fetch " + url + ": it connects to the non-public address " + t.refused_ip +
                             " (start the server with --allow_local_urls to allow loopback/private URLs)");
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    throw HttpError(413, "the file at " + url + " is larger than the limit of " + std::to_string(opts.max_bytes) + " bytes");
  if (rc != CURLE_OK)
    throw HttpError(400, "cannot fetch " + url + ": " + (err[0] ? std::string(err) : curl_easy_strerror(rc)));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300)
    throw HttpError(400, "cannot fetch " + url + ": the server answered HTTP " + std::to_string(status));
  return std::move(t.body);
}

}  // namespace ppocr::server
