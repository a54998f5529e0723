// `ppocr serve`'s HTTP side: cpp-httplib routes POST /ocr and GET /health to
// an OcrService, turns transport errors (unknown path, body too large, handler
// exceptions) into PaddleX JSON envelopes, and stops gracefully: stop() closes
// the listening socket, lets the requests in flight finish, then drains the
// worker pool.
#pragma once
#include <atomic>
#include <memory>
#include <string>

#include "server/service.h"

namespace httplib {
class Server;
}

namespace ppocr::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;        // 0 = any free port (see port())
  int http_threads = 0;   // connection threads; 0 = workers + queue_size + 8
  bool access_log = false;
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

 private:
  ServerOptions opts_;
  std::unique_ptr<OcrService> service_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = -1;
  std::atomic<bool> stopping_{false}, run_entered_{false}, run_done_{false};
};

}  // namespace ppocr::server
