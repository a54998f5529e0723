// The OCR service without the HTTP transport: takes a request body, answers a
// status and PaddleX's JSON envelope. Validation happens on the caller's
// thread; a URL is downloaded by a small fetch pool of its own (a slow URL
// never holds an OCR worker), then decoding, OCR and image encoding run on the
// worker pool. The file behind a request goes through the io layer like any
// other input: io::fetch_url for URLs, then io::InputStream (images, PDF pages
// one at a time, rendered in helper processes that the request's timeout
// kills) with the limits below; io's ppocr::Errors become HTTP statuses by
// their code (http_error.h).
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <memory>
#include <string>

#include "server/backend.h"
#include "server/deadline_timer.h"
#include "server/heap_trim.h"
#include "server/worker_pool.h"

namespace ppocr::server {

struct ServiceOptions {
  int workers = 2;
  int queue_size = 16;           // jobs waiting beyond the busy workers; more -> 503
  double timeout_s = 60;         // per request, queueing included; 0 = none
  size_t max_body_bytes = 32u << 20;  // request body; also the cap for files fetched by URL
  long max_pixels = 40'000'000;  // per image / rendered PDF page (checked from headers before decoding); 0 = none
  int pdf_max_pages = 10;        // 0 = all pages
  double pdf_dpi = 144;          // PDF render resolution (PaddleX: zoom 2.0)
  std::string pdf_page_range;    // pages of PDFs/multi-page TIFFs when a request names none ("" = all)
  bool allow_local_urls = false;  // file:// URLs and http(s) to loopback/private addresses
  bool visualize = true;         // default when the request's `visualize` is null/absent
  int max_output_img_side = 2000;  // returned images are shrunk to fit this box (0 = no limit)
  double fetch_timeout_s = 30;
  int fetch_workers = 4;         // threads downloading URL inputs, apart from the OCR workers
  std::string local_url_root;    // with allow_local_urls: file:// URLs only for regular files under this directory
  std::string fetch_proxy;       // proxy for URL inputs; "" = none (http_proxy & co. in the environment are ignored)
  long long max_request_pixels = 200'000'000;  // all pages of one request together (images, rendered PDF pages); 0 = none
  double pdf_page_timeout_s = 30;  // time budget to render one PDF page (or read the document); 0 = none
  int pdf_page_mb = 1024;        // address-space budget of one PDF render process, MiB; 0 = none
  double heap_trim_s = 10;       // give freed heap memory back to the system at most this often (0 = never)
  double idle_release_s = 30;    // no request for this long: free the models' cached buffers too (0 = never)
};

struct Reply {
  int status = 200;
  std::string body;  // JSON
};

// PaddleX's envelopes.
std::string error_body(const std::string& log_id, int status, const std::string& msg);
std::string success_body(const std::string& log_id, nlohmann::ordered_json result);
// The result JSON minus every "input_path" and "page_index" key, at any depth.
nlohmann::ordered_json prune_result(const nlohmann::ordered_json& res);

class OcrService {
 public:
  // release_buffers (optional): frees what the OCR function keeps between calls;
  // called once the service has been idle for idle_release_s.
  OcrService(ServiceOptions opts, OcrFn ocr, std::function<void()> release_buffers = {});
  ~OcrService();

  // POST /ocr without blocking: validates the body on the caller's thread and
  // queues the work; `done` gets the reply exactly once: at once (invalid
  // request, queue full), from a worker when the work is done, or from the
  // timer thread when timeout_s runs out (503 still queued, 504 running).
  // `log_id` goes into the reply's envelope. The HTTP front uses this.
  void submit_ocr(std::string body, const std::string& log_id, std::function<void(Reply)> done);
  // submit_ocr with a fresh logId, waiting for the reply (tests, in-process callers).
  Reply handle_ocr(const std::string& body);
  Reply health() const;
  // Stops taking new work, finishes what is queued and running.
  void shutdown();

  const ServiceOptions& options() const { return opts_; }
  int waiting() const { return pool_.waiting(); }
  int running() const { return pool_.running(); }
  int fetching() const { return fetch_pool_.running(); }  // URL downloads in progress
  int idle_releases() const { return idle_releases_.load(); }  // times memory was released on idling

 private:
  struct Pending;
  // Queues the OCR job of a request whose bytes are at hand (fetched, or the
  // Base64 still to decode when `fetched` is null).
  void start_ocr(const std::shared_ptr<Pending>& pending, const std::shared_ptr<const OcrRequest>& request,
                 std::shared_ptr<std::string> fetched, const std::string& log_id);
  Reply process(const OcrRequest& req, std::string* fetched, const std::string& log_id, const Job& job) const;
  std::string encode_image(const cv::Mat& img) const;

  ServiceOptions opts_;
  void watch_idle();  // the idle watcher thread

  OcrFn ocr_;
  std::function<void()> release_buffers_;
  HeapTrimmer trimmer_;
  WorkerPool pool_;
  WorkerPool fetch_pool_;  // URL downloads (fetch_workers, queue_size waiting)
  DeadlineTimer timer_;  // timeout_s per request
  // Idle release: the watcher wakes regularly and, once no request has run for
  // idle_release_s, frees the cached buffers and trims the heaps (once per idle spell).
  std::atomic<int64_t> last_active_ns_{0};  // steady clock, end of the latest request
  std::atomic<bool> released_{true};        // nothing to give back since the last release
  std::atomic<int> idle_releases_{0};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  bool stop_watch_ = false;
  std::thread watcher_;
};

}  // namespace ppocr::server
