// Raw HTTP over loopback sockets for the hostile-client tests: connect from a
// chosen 127.x source address, send exact bytes, read answers one at a time,
// and see when the server closes. Every wait is bounded.
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ppocr::test {

using SteadyClock = std::chrono::steady_clock;

inline double seconds_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// The open-file limit raised to its maximum (the suite holds hundreds of sockets).
inline void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class RawConn {
 public:
  // Connects to 127.0.0.1:port from `source` (any 127.x address works on Linux).
  explicit RawConn(int port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    if (source) {
      sockaddr_in src{};
      src.sin_family = AF_INET;
      inet_pton(AF_INET, source, &src.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
        close();
        return;
      }
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close();
      return;
    }
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawConn() { close(); }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;
  RawConn(RawConn&& o) noexcept : fd_(o.fd_), buf_(std::move(o.buf_)) { o.fd_ = -1; }

  bool ok() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads what arrives within `timeout_s` into the buffer; false when the peer
  // closed (or reset) the connection.
  bool fill(double timeout_s) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout_s * 1000)) <= 0) return true;  // nothing yet
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  // One response (Content-Length framed, as the server always answers), or
  // nothing when none arrived within timeout_s or the connection closed first.
  std::optional<RawResponse> read_response(double timeout_s = 10) {
    auto t0 = SteadyClock::now();
    while (true) {
      size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        RawResponse r;
        std::string head = buf_.substr(0, end);
        size_t sp = head.find(' ');
        if (head.rfind("HTTP/1.", 0) != 0 || sp == std::string::npos) return std::nullopt;
        r.status = std::atoi(head.c_str() + sp + 1);
        size_t pos = head.find("\r\n");
        while (pos != std::string::npos && pos < head.size()) {
          size_t next = head.find("\r\n", pos + 2);
          std::string line = head.substr(pos + 2, (next == std::string::npos ? head.size() : next) - pos - 2);
          size_t colon = line.find(':');
          if (colon != std::string::npos) {
            std::string name = line.substr(0, colon), value = line.substr(colon + 1);
            for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            r.headers[name] = value;
          }
          pos = next;
        }
        size_t length = static_cast<size_t>(std::atoll(r.header("content-length").c_str()));
        bool no_body = r.status == 204 || r.status == 304 || head_request_;
        size_t need = end + 4 + (no_body ? 0 : length);
        while (buf_.size() < need) {
          if (seconds_since(t0) > timeout_s) return std::nullopt;
          if (!fill(0.05) && buf_.size() < need) return std::nullopt;
        }
        r.body = buf_.substr(end + 4, need - end - 4);
        buf_.erase(0, need);
        return r;
      }
      if (seconds_since(t0) > timeout_s) return std::nullopt;
      if (!fill(0.05)) {
        if (buf_.find("\r\n\r\n") == std::string::npos) return std::nullopt;
      }
    }
  }

  // Waits until the server closes the connection (true), at most timeout_s.
  bool wait_closed(double timeout_s) {
    auto t0 = SteadyClock::now();
    while (!closed_ && seconds_since(t0) < timeout_s) fill(0.05);
    return closed_;
  }
  // Whether the server has closed it already (no waiting).
  bool closed_now() {
    fill(0);
    return closed_;
  }
  // Everything that arrives until the server closes or timeout_s passes.
  std::string read_all(double timeout_s) {
    wait_closed(timeout_s);
    std::string out = std::move(buf_);
    buf_.clear();
    return out;
  }
  void expect_head_response(bool head) { head_request_ = head; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  bool head_request_ = false;
  std::string buf_;
};

// "GET /health" and friends as exact bytes.
inline std::string http_get(const std::string& path, const std::string& host = "127.0.0.1",
                            const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

inline std::string http_post(const std::string& path, const std::string& body,
                             const std::string& content_type = "application/json", const std::string& extra = "",
                             const std::string& host = "127.0.0.1") {
  return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

}  // namespace ppocr::test
