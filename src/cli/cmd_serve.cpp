// `ppocr serve`: the PaddleX-compatible OCR service (POST /ocr, GET /health).
// Loads the pipeline once, serves it from a fixed worker pool, and shuts down
// gracefully on SIGINT/SIGTERM (in-flight requests finish; a second signal
// exits at once).
#include <signal.h>
#include <sys/resource.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "cli/command.h"
#include "cli/ocr_flags.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/pdf.h"
#include "pipelines/ocr/option_table.h"
#include "pipelines/ocr/paddlex_config.h"
#include "ppocr/ocr.h"
#include "server/http_policy.h"
#include "server/pipeline_backend.h"
#include "server/server.h"
#include "server/yaml_config.h"

namespace ppocr::cli {
namespace {

struct ServeArgs {
  server::ServerOptions server;
  OcrFlags ocr;  // the pipeline flags of `ppocr ocr` (src/cli/ocr_flags.h)
  double max_body_mb = 32;
  std::string config_file;
  std::string allowed_hosts, cors_origin;  // comma-separated lists
};

// Raises the open-file limit to its hard maximum and keeps --max_connections
// below what it allows (each connection is a descriptor; the rest is headroom).
void fit_connection_limit(server::ServerOptions& so) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur == RLIM_INFINITY) return;
  long room = static_cast<long>(rl.rlim_cur) - 64;
  if (room < so.max_connections) {
    std::cerr << "warning: --max_connections " << so.max_connections << " lowered to " << std::max(16L, room)
              << " (open-file limit " << rl.rlim_cur << ")\n";
    so.max_connections = static_cast<int>(std::max(16L, room));
  }
}

// OpenCV 4.6 reads OPENCV_IO_MAX_IMAGE_PIXELS / _WIDTH / _HEIGHT once, when
// libopencv_imgcodecs is loaded, before main(): a setenv() now would change
// nothing. So when the environment does not already carry the limits for
// --max_pixels, set them and re-execute this program (same pid, same
// arguments; before any thread or model exists). A limit the environment already
// sets lower is kept. OpenCV then refuses, from each decoder's own header, any
// image over --max_pixels, behind io's header checks.
void ensure_opencv_decode_limits(long max_pixels) {
  const char* kGuard = "PPOCR_SERVE_REEXECUTED";
  const bool reexecuted = std::getenv(kGuard) != nullptr;
  unsetenv(kGuard);
  bool same = true;
  auto wanted = io::opencv_decode_limits_env(max_pixels);
  for (auto& [name, value] : wanted) {
    const char* cur = std::getenv(name.c_str());
    char* end = nullptr;
    long long c = cur ? std::strtoll(cur, &end, 10) : -1;
    if (cur && end && *end == '\0' && c > 0 && c < std::stoll(value)) value = cur;  // stricter already
    if (!cur || value != cur) same = false;
  }
  if (same) return;
  if (reexecuted) {
    std::cerr << "warning: could not set OpenCV's decode limits (OPENCV_IO_MAX_IMAGE_PIXELS); io's own checks apply\n";
    return;
  }
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t s = 0; s < all.size();) {
    size_t e = all.find('\0', s);
    if (e == std::string::npos) e = all.size();
    args.push_back(all.substr(s, e - s));
    s = e + 1;
  }
  if (args.empty()) return;
  for (auto& [name, value] : wanted) setenv(name.c_str(), value.c_str(), 1);
  setenv(kGuard, "1", 1);
  std::vector<char*> argv;
  for (auto& x : args) argv.push_back(x.data());
  argv.push_back(nullptr);
  execv("/proc/self/exe", argv.data());
  unsetenv(kGuard);
  std::cerr << "warning: could not re-execute to set OpenCV's decode limits; io's own checks apply\n";
}

// `ppocr ocr` flags that mean nothing for a server (inputs and outputFormats come with requests).
const char* kNotServeFlags[] = {"--input",  "--save_path",   "--export_config", "--quiet",
                                "--timing", "--no_progress", "--output_formats"};
// Table options the server sets with its own flags (--pdf_max_pages with PaddleX's default 10, --max_pixels).
const std::vector<std::string> kServerOwnOptions = {"pdf_max_pages", "max_image_pixels"};

void serve(ServeArgs& a) {
  auto& so = a.server.service;
  ensure_opencv_decode_limits(so.max_pixels);  // may re-execute this program
  PPOCR_CHECK(a.max_body_mb > 0, "--max_body_mb must be > 0");
  if (!so.local_url_root.empty()) {
    std::error_code ec;
    PPOCR_CHECK(std::filesystem::is_directory(so.local_url_root, ec), "--local_url_root: not a directory: ",
                so.local_url_root);
    if (!so.allow_local_urls) std::cerr << "warning: --local_url_root has no effect without --allow_local_urls\n";
  }
  if (!io::pdf_helpers_available())
    std::cerr << "warning: poppler-utils (pdfinfo, pdftoppm) not found: PDF requests will be refused "
                 "(PDF pages are rendered in helper processes that a timeout can stop)\n";
  so.max_body_bytes = static_cast<size_t>(a.max_body_mb * 1024 * 1024);
  OCROptions opts;
  std::vector<std::string> notes;
  if (!a.ocr.paddlex_config.empty())
    for (const auto& w : load_paddlex_config(a.ocr.paddlex_config, opts))
      notes.push_back(a.ocr.paddlex_config + ": " + w);
  apply_ocr_flags(a.ocr, opts, notes);  // flags win over the PaddleX config
  for (const auto& n : notes) std::cerr << "warning: " << n << "\n";
  so.pdf_dpi = opts.pdf_dpi.value_or(so.pdf_dpi);
  so.pdf_page_range = opts.pdf_page_range.value_or(so.pdf_page_range);
  auto& hs = a.server;
  if (hs.api_key.empty())
    if (const char* k = std::getenv("PPOCR_API_KEY")) hs.api_key = k;
  if (!a.allowed_hosts.empty()) {
    hs.allowed_hosts = server::parse_host_list(a.allowed_hosts);
    PPOCR_CHECK(!hs.allowed_hosts.empty(), "--allowed_hosts: no valid host name in '", a.allowed_hosts, "'");
  }
  if (!a.cors_origin.empty()) {
    hs.cors_origins = server::parse_origin_list(a.cors_origin);
    PPOCR_CHECK(!hs.cors_origins.empty(), "--cors_origin: no valid origin (scheme://host[:port]) in '",
                a.cors_origin, "'");
  }
  fit_connection_limit(hs);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto t0 = std::chrono::steady_clock::now();
  auto ocr = std::make_shared<const OCR>(opts);
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server::Server srv(a.server, server::make_pipeline_backend(ocr), [ocr] { ocr->release_buffers(); });
  srv.bind();
  std::string base = "http://" + (a.server.host.find(':') != std::string::npos && a.server.host.front() != '['
                                      ? "[" + a.server.host + "]"
                                      : a.server.host) +
                     ":" + std::to_string(srv.port());
  std::cerr << "ppocr serve: pipeline loaded in " << load_s << " s; listening on " << base
            << " (POST /ocr, GET /health" << (srv.web_ui_enabled() ? ", web page GET /" : "") << "); " << so.workers
            << " workers, queue " << so.queue_size << (hs.api_key.empty() ? "" : "; API key required for /ocr")
            << std::endl;
  const std::string bound = server::normalize_host(a.server.host);
  if (hs.api_key.empty() && bound != "localhost" && bound != "[::1]" && bound.rfind("127.", 0) != 0)
    std::cerr << "warning: listening beyond loopback without an API key (--api_key or PPOCR_API_KEY)" << std::endl;

  std::thread([&srv, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cerr << "ppocr serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
              << ": stopping; finishing the requests in flight (signal again to exit at once)" << std::endl;
    srv.stop();
    sigwait(&stop_signals, &sig);
    std::_Exit(128 + sig);
  }).detach();
  srv.run();
  std::cerr << "ppocr serve: stopped" << std::endl;
}

CommandRegistrar reg([](CLI::App& app) {
  auto a = std::make_shared<ServeArgs>();
  auto* sc = app.add_subcommand("serve", "Serve the OCR pipeline over HTTP (PaddleX's serving API: POST /ocr)");
  auto& so = a->server.service;
  const char* g = "Server";
  // Pipeline flags exactly as `ppocr ocr` takes them, minus those that make no sense here.
  add_ocr_flags(*sc, a->ocr, kServerOwnOptions);
  for (const char* name : kNotServeFlags)
    if (CLI::Option* o = sc->get_option_no_throw(name)) sc->remove_option(o);
  sc->add_option("--config", a->config_file, "YAML file of option: value pairs (command-line flags win)");
  sc->add_option("--host", a->server.host, "Address to listen on")->capture_default_str()->group(g);
  sc->add_option("--port", a->server.port, "Port (0 = any free port)")->capture_default_str()->check(CLI::Range(0, 65535))->group(g);
  sc->add_option("--workers", so.workers, "OCR worker threads sharing the one loaded pipeline")
      ->capture_default_str()->check(CLI::Range(1, 256))->group(g);
  sc->add_option("--queue_size", so.queue_size, "Requests that may wait for a worker; beyond it: 503")
      ->capture_default_str()->check(CLI::Range(0, 100000))->group(g);
  sc->add_option("--max_body_mb", a->max_body_mb, "Largest request body (and file fetched by URL), MiB; beyond it: 413")
      ->capture_default_str()->group(g);
  sc->add_option("--timeout_s", so.timeout_s, "Per-request time limit incl. queueing, s (0 = none); beyond it: 504")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--pdf_max_pages", so.pdf_max_pages, "PDF pages processed per request (0 = all)")
      ->capture_default_str()->check(CLI::Range(0, 100000))->group(g);
  sc->add_option("--max_pixels", so.max_pixels, "Largest image / rendered PDF page in pixels; beyond it: 413")
      ->capture_default_str()->check(CLI::Range(1L, 4'000'000'000L))->group(g);
  sc->add_flag("--allow_local_urls", so.allow_local_urls,
               "Allow URLs to loopback/private-network addresses, and file:// URLs under --local_url_root")
      ->group(g);
  sc->add_option("--local_url_root", so.local_url_root,
                 "With --allow_local_urls: file:// URLs may read regular files under this directory (default: none)")
      ->group(g);
  sc->add_option_function<std::string>(
        "--visualize",
        [a](const std::string& v) {
          a->server.service.visualize = options::parse_bool(v, "--visualize");
        },
        "Return result images when a request does not say (default True)")
      ->type_name("BOOL")->group(g);
  sc->add_option("--max_output_img_size", so.max_output_img_side, "Returned images fit in this square (0 = as is)")
      ->capture_default_str()->group(g);
  sc->add_option("--fetch_timeout_s", so.fetch_timeout_s, "Time limit for fetching a URL, s")->capture_default_str()->group(g);
  sc->add_option("--fetch_workers", so.fetch_workers, "Threads downloading URL inputs (apart from the OCR workers)")
      ->capture_default_str()->check(CLI::Range(1, 256))->group(g);
  sc->add_option("--fetch_proxy", so.fetch_proxy,
                 "Proxy for URL inputs, e.g. http://proxy:3128 (default: none; http_proxy & co. are ignored)")
      ->group(g);
  sc->add_option("--max_request_pixels", so.max_request_pixels,
                 "Pixels of all pages of one request together (images, rendered PDF pages); beyond it: 413 (0 = no limit)")
      ->capture_default_str()->check(CLI::Range(0LL, 1'000'000'000'000LL))->group(g);
  sc->add_option("--pdf_page_timeout_s", so.pdf_page_timeout_s,
                 "Time budget to render one PDF page (or read the document), s; beyond it: 413 (0 = none)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--pdf_page_mb", so.pdf_page_mb,
                 "Memory budget of the process rendering one PDF page, MiB; beyond it: 413 (0 = none)")
      ->capture_default_str()->check(CLI::Range(0, 1'000'000))->group(g);
  sc->add_option("--heap_trim_s", so.heap_trim_s, "Give freed heap memory back to the system at most this often, s (0 = never)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--idle_release_s", so.idle_release_s,
                 "After this long without a request, free the models' cached buffers and trim the heaps, s (0 = never)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--http_threads", a->server.http_threads, "HTTP event threads (0 = 2); OCR runs on the workers")
      ->capture_default_str()->check(CLI::Range(0, 64))->group(g);
  sc->add_flag("--access_log", a->server.access_log,
               "One line per request on stderr: time, client, method, path, status, bytes in/out, ms, logId")
      ->group(g);
  auto& hs = a->server;
  const char* h = "HTTP limits and exposure";
  sc->add_option("--max_connections", hs.max_connections, "Open connections in all; more are closed at once")
      ->capture_default_str()->check(CLI::Range(1, 1000000))->group(h);
  sc->add_option("--max_connections_per_ip", hs.max_connections_per_ip, "Open connections per client address (0 = no limit)")
      ->capture_default_str()->check(CLI::Range(0, 1000000))->group(h);
  sc->add_option("--listen_backlog", hs.listen_backlog, "Connections the kernel may queue before they are accepted")
      ->capture_default_str()->check(CLI::Range(16, 65535))->group(h);
  sc->add_option("--header_timeout_s", hs.header_timeout_s,
                 "A request's line and headers must arrive within this many seconds (from connect or request line)")
      ->capture_default_str()->check(CLI::Range(0.1, 3600.0))->group(h);
  sc->add_option("--body_timeout_s", hs.body_timeout_s,
                 "A request body must arrive, and an answer be taken, within this many seconds")
      ->capture_default_str()->check(CLI::Range(0.1, 86400.0))->group(h);
  sc->add_option("--keepalive_timeout_s", hs.keepalive_timeout_s, "Idle time allowed between requests on a connection, s")
      ->capture_default_str()->check(CLI::Range(0.1, 3600.0))->group(h);
  sc->add_option("--keepalive_max_requests", hs.keepalive_max_requests, "Requests per connection before it is closed")
      ->capture_default_str()->check(CLI::Range(1, 1000000))->group(h);
  sc->add_option("--api_key", hs.api_key,
                 "Require \"Authorization: Bearer KEY\" on POST /ocr (default: env PPOCR_API_KEY; empty = no auth)")
      ->group(h);
  sc->add_option("--allowed_hosts", a->allowed_hosts,
                 "Comma-separated Host header values answered ('*' = any; default: the bound address, localhost, "
                 "127.0.0.1, [::1]; for 0.0.0.0 also this machine's addresses and name)")
      ->group(h);
  sc->add_option("--cors_origin", a->cors_origin,
                 "Comma-separated origins (scheme://host[:port], or '*') allowed to call /ocr from a browser; "
                 "default: none")
      ->group(h);
  sc->add_option_function<std::string>(
        "--web_ui",
        [a](const std::string& v) { a->server.web_ui = options::parse_bool(v, "--web_ui"); },
        "Serve the web page at GET / (default: True when bound to loopback)")
      ->type_name("BOOL")->group(h);
  sc->callback([a, sc] {
    if (!a->config_file.empty()) server::apply_yaml_config(*sc, a->config_file);
    serve(*a);
  });
});

}  // namespace
}  // namespace ppocr::cli
