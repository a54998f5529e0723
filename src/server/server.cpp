#include "server/server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "engine/error.h"
#include "server/log_id.h"

namespace ppocr::server {
namespace {

std::string default_message(int status, const httplib::Request& req, size_t max_body) {
  switch (status) {
    case 400: return "bad HTTP request";
    case 404: return "no such endpoint: " + req.method + " " + req.path + " (use POST /ocr or GET /health)";
    case 405: return "method not allowed: " + req.method + " " + req.path;
    case 413:
      return "request body too large: the limit is " + std::to_string(max_body) + " bytes (--max_body_mb)";
    case 414: return "request URI too long";
    case 415: return "unsupported media type";
    default: return "HTTP error " + std::to_string(status);
  }
}

}  // namespace

Server::Server(ServerOptions opts, OcrFn ocr, std::function<void()> release_buffers)
    : opts_(std::move(opts)),
      service_(std::make_unique<OcrService>(opts_.service, std::move(ocr), std::move(release_buffers))),
      http_(std::make_unique<httplib::Server>()) {
  const ServiceOptions& so = opts_.service;
  int threads = opts_.http_threads > 0 ? opts_.http_threads : so.workers + so.queue_size + 8;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http_->set_payload_max_length(so.max_body_bytes);
  http_->set_read_timeout(30, 0);
  http_->set_write_timeout(30, 0);
  http_->set_keep_alive_max_count(1000);
  http_->set_tcp_nodelay(true);

  OcrService* svc = service_.get();
  // The body is read through a content reader so that any Content-Type works
  // (httplib would otherwise parse form-urlencoded bodies and cap them at 8 KiB).
  http_->Post("/ocr", [svc](const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& read) {
    std::string body;
    if (req.has_header("Content-Length")) {
      size_t n = static_cast<size_t>(std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10));
      if (n <= svc->options().max_body_bytes) body.reserve(n);
    }
    // httplib enforces the payload limit for Content-Length bodies; chunked ones are capped here.
    size_t max_body = svc->options().max_body_bytes;
    bool too_large = false;
    bool ok = read([&](const char* data, size_t len) {
      if (body.size() + len > max_body) {
        too_large = true;
        return false;
      }
      body.append(data, len);
      return true;
    });
    if (too_large) res.status = 413;
    if (!ok || too_large) {  // too large, or a broken connection: the error handler writes the JSON
      if (res.status < 400) res.status = 400;
      return;
    }
    Reply r = svc->handle_ocr(body);
    res.status = r.status;
    res.set_content(std::move(r.body), "application/json");
  });
  http_->Get("/health", [svc](const httplib::Request&, httplib::Response& res) {
    Reply r = svc->health();
    res.status = r.status;
    res.set_content(std::move(r.body), "application/json");
  });
  size_t max_body = so.max_body_bytes;
  http_->set_error_handler(httplib::Server::HandlerWithResponse(
      [max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // already a JSON envelope
    res.set_content(error_body(new_log_id(), res.status, default_message(res.status, req, max_body)),
                    "application/json");
    return httplib::Server::HandlerResponse::Handled;
  }));
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string msg = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      msg += std::string(": ") + e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(error_body(new_log_id(), 500, msg), "application/json");
  });
  if (opts_.access_log) {
    http_->set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::cerr << req.method << " " << req.path << " " << res.status << " " << req.body.size() << "B in, "
                << res.body.size() << "B out\n";
    });
  }
}

Server::~Server() {
  stop();
  service_->shutdown();
}

void Server::bind() {
  if (port_ >= 0) return;
  if (opts_.port == 0) {
    port_ = http_->bind_to_any_port(opts_.host);
    PPOCR_CHECK(port_ > 0, "cannot listen on ", opts_.host, ": no free port or bad address");
  } else {
    PPOCR_CHECK(http_->bind_to_port(opts_.host, opts_.port), "cannot listen on ", opts_.host, ":", opts_.port,
                " (address in use or not available)");
    port_ = opts_.port;
  }
}

void Server::run() {
  bind();
  run_entered_ = true;
  if (!stopping_) http_->listen_after_bind();
  run_done_ = true;
  // listen_after_bind returns after stop(), once every connection thread has
  // finished its request; then the worker pool runs what is left and joins.
  service_->shutdown();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  // httplib ignores stop() until its listen loop runs; wait for that if run() has begun.
  if (run_entered_) {
    while (!http_->is_running() && !run_done_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  http_->stop();
}

}  // namespace ppocr::server
