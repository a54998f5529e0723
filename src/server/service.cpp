#include "server/service.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "io/input_source.h"
#include "io/url_fetch.h"
#include "ppocr/outputs.h"
#include "server/base64.h"
#include "server/http_error.h"
#include "server/log_id.h"

namespace ppocr::server {

// Ordered: keys come out in the order of PaddleX's serving docs and of the pipeline's result.
using json = nlohmann::ordered_json;

std::string error_body(const std::string& log_id, int status, const std::string& msg) {
  json j = {{"logId", log_id}, {"errorCode", status}, {"errorMsg", msg}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string success_body(const std::string& log_id, json result) {
  json j = {{"logId", log_id}, {"errorCode", 0}, {"errorMsg", "Success"}, {"result", std::move(result)}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json prune_result(const json& res) {
  if (res.is_object()) {
    json out = json::object();
    for (auto it = res.begin(); it != res.end(); ++it)
      if (it.key() != "input_path" && it.key() != "page_index") out[it.key()] = prune_result(it.value());
    return out;
  }
  if (res.is_array()) {
    json out = json::array();
    for (const auto& v : res) out.push_back(prune_result(v));
    return out;
  }
  return res;
}

OcrService::OcrService(ServiceOptions opts, OcrFn ocr, std::function<void()> release_buffers)
    : opts_(opts),
      ocr_(std::move(ocr)),
      release_buffers_(std::move(release_buffers)),
      trimmer_(opts.heap_trim_s),
      pool_(opts.workers, opts.queue_size),
      fetch_pool_(std::max(1, opts.fetch_workers), opts.queue_size) {
  if (opts_.idle_release_s > 0) watcher_ = std::thread([this] { watch_idle(); });
}

OcrService::~OcrService() { shutdown(); }

void OcrService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(idle_mu_);
    stop_watch_ = true;
  }
  idle_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  fetch_pool_.shutdown();  // downloads queued and running finish and queue their OCR
  pool_.shutdown();  // runs what is queued; their replies go out
  timer_.stop();
}

static int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void OcrService::watch_idle() {
  const auto idle_ns = static_cast<int64_t>(opts_.idle_release_s * 1e9);
  const auto poll = std::chrono::duration<double>(std::min(1.0, opts_.idle_release_s / 4));
  std::unique_lock<std::mutex> lock(idle_mu_);
  while (!idle_cv_.wait_for(lock, poll, [&] { return stop_watch_; })) {
    if (released_.load() || pool_.running() > 0 || pool_.waiting() > 0) continue;
    if (steady_ns() - last_active_ns_.load() < idle_ns) continue;
    released_ = true;
    lock.unlock();
    if (release_buffers_) release_buffers_();
    trimmer_.trim_now();
    ++idle_releases_;
    lock.lock();
  }
}

Reply OcrService::health() const { return {200, error_body(new_log_id(), 0, "Healthy")}; }

std::string OcrService::encode_image(const cv::Mat& img) const {
  if (img.empty()) return {};
  cv::Mat out = img;
  int side = opts_.max_output_img_side;
  if (side > 0 && (img.cols > side || img.rows > side)) {
    double f = std::min(double(side) / img.cols, double(side) / img.rows);
    cv::resize(img, out, cv::Size(std::max(1, int(img.cols * f)), std::max(1, int(img.rows * f))), 0, 0,
               cv::INTER_AREA);
  }
  std::vector<uchar> jpg;
  if (!cv::imencode(".jpg", out, jpg)) throw HttpError(500, "cannot encode a result image as JPEG");
  return base64_encode(std::string_view(reinterpret_cast<const char*>(jpg.data()), jpg.size()));
}

namespace {

std::string seconds_text(double s) {
  std::string secs = std::to_string(s);
  secs.erase(secs.find_last_not_of('0') + 1);
  if (secs.back() == '.') secs.pop_back();
  return secs;
}

}  // namespace

// A request in flight: answered exactly once, by whoever comes first (a
// worker, the fetch pool on a failed download, or the timer at timeout_s).
// `job` is the job the request is in now (its download, then its OCR); the
// mutex orders the hand-over from one to the other against the timer.
struct OcrService::Pending {
  std::atomic<bool> answered{false};
  std::function<void(Reply)> done;
  std::mutex mu;
  std::weak_ptr<Job> job;
  bool fetching = false;
  bool timed_out = false;
  void answer(Reply r) {
    if (!answered.exchange(true)) done(std::move(r));
  }
};

void OcrService::submit_ocr(std::string body, const std::string& log_id, std::function<void(Reply)> done) {
  OcrRequest req;
  try {
    req = parse_ocr_request(body);
  } catch (const HttpError& e) {
    done({e.status(), error_body(log_id, e.status(), e.what())});
    return;
  }
  body.clear();
  body.shrink_to_fit();
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  auto request = std::make_shared<const OcrRequest>(std::move(req));
  if (io::has_url_scheme(request->file)) {
    // The download runs on the fetch pool; the OCR job is queued when it is done.
    std::lock_guard<std::mutex> lock(pending->mu);
    auto job = fetch_pool_.submit([this, pending, request, log_id](const Job& j) {
      io::FetchOptions fo;
      fo.forbid_private = !opts_.allow_local_urls;
      fo.allow_file_urls = opts_.allow_local_urls && !opts_.local_url_root.empty();
      fo.local_root = opts_.local_url_root;
      fo.proxy = opts_.fetch_proxy;
      fo.max_bytes = opts_.max_body_bytes;
      fo.timeout_s = opts_.fetch_timeout_s;
      fo.user_agent = "ppocr-serve/0.1";
      fo.cancelled = [&j] { return j.cancelled(); };
      auto bytes = std::make_shared<std::string>();
      try {
        *bytes = io::fetch_url(request->file, fo);
      } catch (const ppocr::Error& e) {
        HttpError h = to_http_error(e, Stage::kFetch);
        pending->answer({h.status(), error_body(log_id, h.status(), h.what())});
        return;
      } catch (const std::bad_alloc&) {
        pending->answer({503, error_body(log_id, 503, "out of memory while fetching the file")});
        return;
      }
      start_ocr(pending, request, std::move(bytes), log_id);
    });
    if (!job) {
      std::string msg = "server busy: all " + std::to_string(std::max(1, opts_.fetch_workers)) +
                        " downloads are running and " + std::to_string(opts_.queue_size) +
                        " are queued; retry later";
      pending->answered = true;
      pending->done({503, error_body(log_id, 503, msg)});
      return;
    }
    pending->job = job;
    pending->fetching = true;
  } else {
    start_ocr(pending, request, nullptr, log_id);
  }
  if (opts_.timeout_s <= 0 || pending->answered) return;
  auto deadline = Job::Clock::now() +
                  std::chrono::duration_cast<Job::Clock::duration>(std::chrono::duration<double>(opts_.timeout_s));
  std::weak_ptr<Pending> weak = pending;
  timer_.at(deadline, [weak, log_id, secs = seconds_text(opts_.timeout_s)] {
    auto p = weak.lock();
    if (!p || p->answered) return;
    std::shared_ptr<Job> j;
    bool fetching;
    {
      std::lock_guard<std::mutex> lock(p->mu);
      p->timed_out = true;  // no OCR job is queued after this
      j = p->job.lock();
      fetching = p->fetching;
    }
    bool never_started = j && j->cancel();
    if (never_started)
      p->answer({503, error_body(log_id, 503,
                                 "timed out after " + secs + " s waiting for a free " +
                                     (fetching ? "download slot" : "worker") + " (--timeout_s)")});
    else
      p->answer({504, error_body(log_id, 504,
                                 "timed out after " + secs + " s while " + (fetching ? "fetching the file" : "processing") +
                                     " (--timeout_s)")});
  });
}

void OcrService::start_ocr(const std::shared_ptr<Pending>& pending, const std::shared_ptr<const OcrRequest>& request,
                           std::shared_ptr<std::string> fetched, const std::string& log_id) {
  std::lock_guard<std::mutex> lock(pending->mu);
  if (pending->timed_out || pending->answered) return;
  // The job owns `pending` (the timer holds it weakly), so a finished or skipped
  // job frees the request at once.
  auto job = pool_.submit([this, pending, request, fetched, log_id](const Job& j) {
    Reply r = process(*request, fetched.get(), log_id, j);
    last_active_ns_ = steady_ns();
    released_ = false;
    trimmer_.maybe_trim();  // what earlier requests freed; see heap_trim.h
    pending->answer(std::move(r));
  });
  if (!job) {
    std::string msg = "server busy: all " + std::to_string(opts_.workers) + " workers are busy and " +
                      std::to_string(opts_.queue_size) + " requests are queued (--queue_size); retry later";
    pending->answer({503, error_body(log_id, 503, msg)});
    return;
  }
  pending->job = job;
  pending->fetching = false;
}

Reply OcrService::handle_ocr(const std::string& body) {
  auto promise = std::make_shared<std::promise<Reply>>();
  auto reply = promise->get_future();
  submit_ocr(body, new_log_id(), [promise](Reply r) { promise->set_value(std::move(r)); });
  return reply.get();
}

namespace {

io::InputKind kind_of(const OcrRequest& req) {
  if (req.file_type) return *req.file_type == 0 ? io::InputKind::Pdf : io::InputKind::Image;
  return io::InputKind::Auto;
}

}  // namespace

Reply OcrService::process(const OcrRequest& req, std::string* fetched, const std::string& log_id,
                          const Job& job) const {
  auto fail_reply = [&](int status, const std::string& msg) { return Reply{status, error_body(log_id, status, msg)}; };
  Stage stage = Stage::kFetch;
  try {
    // The bytes: fetched from the URL (by the fetch pool), or the Base64 decoded.
    std::string bytes, name;
    io::InputKind kind = kind_of(req);
    if (fetched) {
      if (kind == io::InputKind::Auto) kind = io::input_kind_from_name(req.file);
      bytes = std::move(*fetched);
      name = req.file;
    } else {
      std::string why;
      auto decoded = base64_decode(req.file, &why);
      if (!decoded) return fail_reply(400, "field 'file' is neither an http(s) URL nor valid Base64: " + why);
      bytes = std::move(*decoded);
      name = "the file";
    }
    if (kind == io::InputKind::Auto) kind = io::input_kind_from_bytes(bytes.data(), bytes.size());
    if (kind == io::InputKind::Auto)
      return fail_reply(422, "the file type cannot be determined: the data is neither a PDF nor an image in a known "
                             "format (set fileType to 0 for PDF or 1 for an image)");

    // The pages, one at a time (a PDF page is rendered when its turn comes).
    stage = Stage::kDecode;
    io::InputOptions in;
    in.decode.max_pixels = opts_.max_pixels;
    in.decode.max_pixels_name = "--max_pixels";
    in.decode.max_bytes = 0;  // the body / download limit applies already
    in.decode.reject_truncated_jpeg = true;
    in.pdf.max_pixels = opts_.max_pixels;
    in.pdf.max_pixels_name = "--max_pixels";
    in.pdf.max_pages = opts_.pdf_max_pages;
    in.pdf.page_ranges = io::parse_page_ranges(req.pdf_page_range.value_or(opts_.pdf_page_range), "pdfPageRange");
    in.pdf.dpi = opts_.pdf_dpi;
    // PDFs render in helper processes under a time and memory budget per page,
    // killed as soon as the request times out (job.cancelled()).
    in.pdf.renderer = io::PdfRenderer::kProcess;
    in.pdf.page_timeout_s = opts_.pdf_page_timeout_s;
    in.pdf.page_timeout_name = "--pdf_page_timeout_s";
    in.pdf.page_max_bytes = size_t(std::max(0, opts_.pdf_page_mb)) << 20;
    in.pdf.page_max_bytes_name = "--pdf_page_mb";
    in.pdf.cancelled = [&job] { return job.cancelled(); };
    in.max_total_pixels = opts_.max_request_pixels;
    in.max_total_pixels_name = "--max_request_pixels";
    in.allow_urls = false;
    in.allow_local_paths = false;
    io::InputStream pages = io::InputStream::from_memory(std::move(bytes), name, kind, in);
    bool visualize = req.visualize.value_or(opts_.visualize);
    json results = json::array(), page_sizes = json::array();
    bool is_pdf = false;
    // outputFormats: the documents of all pages (docs/outputs.md), in result.outputs.
    std::unique_ptr<DocumentWriter> docs;
    if (req.output_formats) {
      std::vector<OutputFormat> formats = parse_output_formats(*req.output_formats);
      OutputOptions oo;
      oo.pdf_dpi = opts_.pdf_dpi;
      if (!formats.empty()) docs = std::make_unique<DocumentWriter>(formats, oo);
    }
    io::InputItem page;
    while (true) {
      if (job.cancelled()) return fail_reply(504, "cancelled: the request timed out");
      stage = Stage::kDecode;
      if (!pages.next(page)) break;
      if (job.cancelled()) return fail_reply(504, "cancelled: the request timed out");
      if (!page.ok()) throw ppocr::Error(page.error, page.error_code);
      is_pdf = page.page_index >= 0;
      page_sizes.push_back({{"width", page.image.cols}, {"height", page.image.rows}});
      stage = Stage::kOcr;
      PageOutput out = ocr_(page.image, req.params, visualize);
      json item = {{"prunedResult", prune_result(out.res)}};
      if (docs) {
        OCRResult r = result_from_json(nlohmann::json(out.res), out.result_image.empty() ? page.image : out.result_image);
        if (page.page_index >= 0) r.page_index = page.page_index;
        item["prunedResult"]["reading_order"] = reading_order(r).to_json(r);
        docs->add_page(r);
      }
      item["ocrImage"] = nullptr;
      item["docPreprocessingImage"] = nullptr;
      item["inputImage"] = nullptr;
      if (visualize) {
        if (!out.ocr_image.empty()) item["ocrImage"] = encode_image(out.ocr_image);
        if (!out.preprocessed_image.empty()) item["docPreprocessingImage"] = encode_image(out.preprocessed_image);
        item["inputImage"] = encode_image(page.image);
      }
      results.push_back(std::move(item));
      page.image.release();
    }
    // PaddleX's dataInfo: the image's size, or the processed PDF pages' (numPages counts those processed).
    json data_info;
    if (is_pdf)
      data_info = {{"numPages", page_sizes.size()}, {"pages", std::move(page_sizes)}, {"type", "pdf"}};
    else
      data_info = {{"width", page_sizes.at(0)["width"]}, {"height", page_sizes.at(0)["height"]}, {"type", "image"}};
    json result = {{"ocrResults", std::move(results)}, {"dataInfo", std::move(data_info)}};
    if (docs) {
      json o = json::object();
      for (auto& [f, bytes] : docs->finish())
        o[output_format_name(f)] = f == OutputFormat::kPdf ? json(base64_encode(bytes)) : json(std::move(bytes));
      result["outputs"] = std::move(o);
    }
    return {200, success_body(log_id, std::move(result))};
  } catch (const HttpError& e) {
    return fail_reply(e.status(), e.what());
  } catch (const ppocr::Error& e) {
    HttpError h = to_http_error(e, stage);
    return fail_reply(h.status(), h.what());
  } catch (const std::bad_alloc&) {
    return fail_reply(503, "out of memory while processing the request");
  } catch (const cv::Exception& e) {
    return fail_reply(500, std::string("image processing failed: ") + e.what());
  } catch (const std::exception& e) {
    return fail_reply(500, std::string("internal error: ") + e.what());
  }
}

}  // namespace ppocr::server
