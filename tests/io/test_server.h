// A local HTTP server for tests (cpp-httplib on 127.0.0.1, random port).
#pragma once
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

#include <memory>
#include <string>
#include <thread>

namespace ppocr::test {

class LocalServer {
 public:
  LocalServer() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  httplib::Server& server() { return server_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  int port() const { return port_; }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// A TCP listener on `ip` that accepts and closes connections, counting them.
class CountingListener {
 public:
  explicit CountingListener(const char* ip = "127.0.0.1") : ip_(ip) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    bound_ = (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) && ::listen(fd_, 16) == 0;
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
          ++accepts_;
          ::close(c);
        }
      }
    });
  }
  ~CountingListener() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  bool ok() const { return bound_; }
  int port() const { return port_; }
  int accepts() const { return accepts_.load(); }
  std::string url(const std::string& path) const { return "http://" + ip_ + ":" + std::to_string(port_) + path; }

 private:
  std::string ip_;
  int fd_ = -1, port_ = 0;
  bool bound_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepts_{0};
  std::thread thread_;
};

// A port nothing listens on (bound then released).
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace ppocr::test
