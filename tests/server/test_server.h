// Test helpers: an in-process `ppocr serve` (ppocr::server::Server) on a free
// loopback port with a pluggable OCR function, and a fake OCR function whose
// output is computed from the page it gets (size, mean colour, the overrides).
#pragma once
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "server/base64.h"
#include "server/server.h"

namespace ppocr::test {

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Fake pipeline: res holds facts about the page it was given, plus keys that
// prune_result must drop; sleeps `delay_ms` to simulate slow OCR.
struct FakeOcr {
  std::shared_ptr<std::atomic<int>> delay_ms = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);

  server::OcrFn fn() const {
    auto delay = delay_ms;
    auto n = calls;
    return [delay, n](const cv::Mat& bgr, const ppocr::OCRParams& p, bool vis) {
      ++*n;
      if (int d = delay->load()) std::this_thread::sleep_for(std::chrono::milliseconds(d));
      server::PageOutput out;
      cv::Scalar m = cv::mean(bgr);
      out.res = {{"input_path", nullptr},
                 {"page_index", nullptr},
                 {"width", bgr.cols},
                 {"height", bgr.rows},
                 {"mean", {m[0], m[1], m[2]}},
                 {"doc_preprocessor_res", {{"page_index", nullptr}, {"angle", -1}}},
                 {"text_det_limit_side_len", p.text_det_limit_side_len ? *p.text_det_limit_side_len : -1},
                 {"text_det_limit_type", p.text_det_limit_type ? *p.text_det_limit_type : "unset"},
                 {"text_det_thresh", p.text_det_thresh ? *p.text_det_thresh : -1.0},
                 {"use_textline_orientation",
                  p.use_textline_orientation ? nlohmann::json(*p.use_textline_orientation) : nlohmann::json()}};
      if (vis) out.ocr_image = bgr.clone();
      return out;
    };
  }
};

// A server running on its own thread; stopped and joined on destruction.
class RunningServer {
 public:
  explicit RunningServer(server::ServerOptions opts, server::OcrFn fn) {
    opts.host = "127.0.0.1";
    opts.port = 0;
    server_ = std::make_unique<server::Server>(opts, std::move(fn));
    server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    // Wait until it answers.
    for (int i = 0; i < 500; ++i) {
      httplib::Client c("127.0.0.1", port());
      if (auto r = c.Get("/health"); r && r->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~RunningServer() { stop(); }
  void stop() {
    if (!server_) return;
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  // Stops in the background (as the SIGTERM handler does); join with stop().
  void stop_async() {
    std::thread([s = server_.get()] { s->stop(); }).detach();
  }
  int port() const { return server_->port(); }
  server::Server& server() { return *server_; }
  std::unique_ptr<httplib::Client> client(int read_timeout_s = 60) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port());
    c->set_read_timeout(read_timeout_s, 0);
    c->set_write_timeout(60, 0);
    return c;
  }

 private:
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
};

inline std::string ocr_body(const std::string& file, const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json j = extra;
  j["file"] = file;
  return j.dump();
}

inline std::string b64_file(const std::string& path) { return server::base64_encode(read_file(path)); }

}  // namespace ppocr::test
