#include "server/http_policy.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace ppocr::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  long v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v <= 65535;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string_view item = trim(std::string_view(list).substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string normalize_host(std::string_view h) {
  h = trim(h);
  if (h.empty() || h.size() > 255) return {};
  for (char c : h) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '/' || c == '\\' || c == '@' || c == '?' || c == '#') return {};
  }
  std::string host;
  if (h.front() == '[') {
    size_t close = h.find(']');
    if (close == std::string_view::npos || close < 2) return {};
    std::string_view rest = h.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return {};
    std::string_view inner = h.substr(1, close - 1);
    for (char c : inner)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return {};
    return "[" + lower(inner) + "]";
  }
  size_t colons = std::count(h.begin(), h.end(), ':');
  if (colons > 1) {  // a bare IPv6 address (as written in a list)
    for (char c : h)
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return {};
    return "[" + lower(h) + "]";
  }
  if (colons == 1) {
    size_t colon = h.find(':');
    if (!valid_port(h.substr(colon + 1))) return {};
    h = h.substr(0, colon);
  }
  if (!h.empty() && h.back() == '.') h.remove_suffix(1);
  if (h.empty()) return {};
  for (char c : h)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') return {};
  return lower(h);
}

std::vector<std::string> default_allowed_hosts(const std::string& bound_host) {
  std::vector<std::string> out = {"localhost", "127.0.0.1", "[::1]"};
  auto add = [&](const std::string& h) {
    std::string n = normalize_host(h);
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  };
  std::string b = normalize_host(bound_host);
  if (b == "0.0.0.0" || b == "[::]" || b.empty()) {
    ifaddrs* ifs = nullptr;
    if (getifaddrs(&ifs) == 0) {
      for (ifaddrs* i = ifs; i; i = i->ifa_next) {
        if (!i->ifa_addr) continue;
        char buf[INET6_ADDRSTRLEN] = {0};
        if (i->ifa_addr->sa_family == AF_INET)
          inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
        else if (i->ifa_addr->sa_family == AF_INET6)
          inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
        else
          continue;
        std::string a = buf;
        if (a.find('%') != std::string::npos) continue;  // link-local with a zone: not usable in Host
        add(a);
      }
      freeifaddrs(ifs);
    }
    char name[256] = {0};
    if (gethostname(name, sizeof name - 1) == 0) add(name);
  } else {
    add(bound_host);
  }
  return out;
}

std::vector<std::string> parse_host_list(const std::string& list) {
  std::vector<std::string> out;
  for (const std::string& item : split_list(list)) {
    if (item == "*") {
      out.push_back("*");
      continue;
    }
    std::string n = normalize_host(item);
    if (!n.empty()) out.push_back(n);
  }
  return out;
}

bool host_allowed(const std::vector<std::string>& allowed, std::string_view host_header) {
  std::string n = normalize_host(host_header);
  if (n.empty()) return false;
  for (const std::string& a : allowed)
    if (a == "*" || a == n) return true;
  return false;
}

Origin parse_origin(std::string_view s) {
  Origin o;
  s = trim(s);
  size_t sep = s.find("://");
  if (sep == std::string_view::npos) return o;
  o.scheme = lower(s.substr(0, sep));
  if (o.scheme != "http" && o.scheme != "https") return o;
  std::string_view rest = s.substr(sep + 3);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return o;
  o.host = normalize_host(rest);
  if (o.host.empty()) return o;
  o.port = o.scheme == "https" ? 443 : 80;
  size_t colon = rest.rfind(':');
  size_t bracket = rest.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
    o.port = std::stoi(std::string(rest.substr(colon + 1)));  // digits: checked by normalize_host
  o.ok = true;
  return o;
}

bool same_origin(const std::vector<std::string>& allowed_hosts, std::string_view host_header,
                 std::string_view origin_header) {
  Origin o = parse_origin(origin_header);
  std::string host = normalize_host(host_header);
  if (!o.ok || host.empty() || o.host != host || !host_allowed(allowed_hosts, host_header)) return false;
  host_header = trim(host_header);
  size_t colon = host_header.rfind(':');
  size_t bracket = host_header.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket))
    return o.port == std::stoi(std::string(host_header.substr(colon + 1)));
  return o.port == (o.scheme == "https" ? 443 : 80);
}

std::vector<std::string> parse_origin_list(const std::string& list) {
  std::vector<std::string> out;
  for (const std::string& item : split_list(list)) {
    if (item == "*") {
      out.push_back("*");
      continue;
    }
    Origin o = parse_origin(item);
    if (o.ok) out.push_back(o.scheme + "://" + o.host + ":" + std::to_string(o.port));
  }
  return out;
}

bool origin_listed(const std::vector<std::string>& cors_origins, std::string_view origin_header) {
  Origin o = parse_origin(origin_header);
  if (!o.ok) return false;
  std::string canon = o.scheme + "://" + o.host + ":" + std::to_string(o.port);
  for (const std::string& c : cors_origins)
    if (c == "*" || c == canon) return true;
  return false;
}

bool is_json_content_type(std::string_view ct) {
  size_t semi = ct.find(';');
  std::string media = lower(trim(ct.substr(0, semi)));
  return media == "application/json";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Runs over the longer input whatever the contents; the length difference
  // is folded into the result rather than returned early.
  size_t n = std::max(a.size(), b.size());
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

bool bearer_matches(std::string_view auth, const std::string& key) {
  auth = trim(auth);
  if (auth.size() < 7 || lower(auth.substr(0, 7)) != "bearer ") return false;
  std::string_view token = trim(auth.substr(7));
  return !key.empty() && constant_time_equal(token, key);
}

std::string escape_for_log(std::string_view s, size_t max_len) {
  std::string out;
  out.reserve(std::min(s.size(), max_len) + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    auto u = static_cast<unsigned char>(s[i]);
    if (u <= 0x20 || u >= 0x7F || u == '"' || u == '\\') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += static_cast<char>(u);
    }
  }
  return out;
}

std::string format_access_log(const AccessLogEntry& e, long long unix_ms) {
  time_t secs = static_cast<time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char when[40];
  std::snprintf(when, sizeof when, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", e.ms);
  std::string line = when;
  line += ' ';
  line += e.client.empty() ? "-" : escape_for_log(e.client, 64);
  line += " \"" + escape_for_log(e.method, 32) + ' ' + escape_for_log(e.path) + "\" ";
  line += e.status > 0 ? std::to_string(e.status) : std::string("-");
  line += " in=" + std::to_string(e.bytes_in) + " out=" + std::to_string(e.bytes_out) + " ms=" + ms;
  line += " logId=" + (e.log_id.empty() ? std::string("-") : escape_for_log(e.log_id, 64));
  return line;
}

}  // namespace ppocr::server
