// `ppocr serve`'s HTTP side: an event-driven front on libmicrohttpd (epoll,
// a few event threads) that routes POST /ocr, GET /health and the web page,
// enforces the connection limits and deadlines, the Host / Origin / API-key
// policy and strict framing, and writes the access log. OCR runs on the
// service's worker pool: an /ocr connection is suspended while its job waits
// and runs, so the event threads never block on OCR. stop() closes the
// listening socket, lets the requests in flight finish, then drains the pool.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/service.h"

namespace ppocr::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;             // 0 = any free port (see port())
  int http_threads = 0;        // event threads; 0 = 2
  bool access_log = false;     // one line per request
  std::function<void(const std::string&)> access_log_sink;  // default: stderr (tests capture it)

  // Connections (docs/serving.md, "Limits").
  int max_connections = 1000;        // open connections in all; more are closed at accept
  int max_connections_per_ip = 256;  // per client address; 0 = no per-address limit
  int listen_backlog = 1024;
  double header_timeout_s = 10;      // request line + headers complete within this, from connect / request line
  double body_timeout_s = 60;        // the whole body within this after the headers; also the limit for sending an answer
  double keepalive_timeout_s = 5;    // idle time between requests on a connection
  int keepalive_max_requests = 100;  // requests per connection, then it is closed
  size_t max_inflight_body_bytes = 0;  // request bodies being received, all connections; 0 = 8 x max_body_bytes

  // Exposure.
  std::string api_key;                     // non-empty: POST /ocr needs "Authorization: Bearer <key>"
  std::vector<std::string> allowed_hosts;  // Host header values (normalized); empty = default_allowed_hosts(host)
  std::vector<std::string> cors_origins;   // origins allowed cross-origin ("*" = any); empty = none
  std::optional<bool> web_ui;              // GET / page; unset = on when bound to loopback

  ServiceOptions service;
};

class Server {
 public:
  // release_buffers: see OcrService.
  Server(ServerOptions opts, OcrFn ocr, std::function<void()> release_buffers = {});
  ~Server();

  // Binds the listening socket; throws ppocr::Error when it cannot.
  void bind();
  int port() const { return port_; }
  // Serves until stop(); binds first if bind() was not called.
  void run();
  // Thread-safe, idempotent; returns at once (run() returns when drained).
  void stop();

  OcrService& service() { return *service_; }
  const ServerOptions& options() const { return opts_; }
  bool web_ui_enabled() const;
  int open_connections() const;  // as the front counts them (tests)

  struct Impl;

 private:
  ServerOptions opts_;
  std::unique_ptr<OcrService> service_;
  std::unique_ptr<Impl> impl_;
  int port_ = -1;
};

}  // namespace ppocr::server
