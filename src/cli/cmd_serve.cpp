// `ppocr serve`: the PaddleX-compatible OCR service (POST /ocr, GET /health).
// Loads the pipeline once, serves it from a fixed worker pool, and shuts down
// gracefully on SIGINT/SIGTERM (in-flight requests finish; a second signal
// exits at once).
#include <signal.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli/command.h"
#include "cli/ocr_flags.h"
#include "engine/error.h"
#include "pipelines/ocr/option_table.h"
#include "pipelines/ocr/paddlex_config.h"
#include "ppocr/ocr.h"
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
};

// `ppocr ocr` flags that mean nothing for a server (inputs come with requests).
const char* kNotServeFlags[] = {"--input", "--save_path", "--export_config", "--quiet", "--timing", "--no_progress"};
// Table options the server sets with its own flags (--pdf_max_pages with PaddleX's default 10, --max_pixels).
const std::vector<std::string> kServerOwnOptions = {"pdf_max_pages", "max_image_pixels"};

void serve(ServeArgs& a) {
  auto& so = a.server.service;
  PPOCR_CHECK(a.max_body_mb > 0, "--max_body_mb must be > 0");
  so.max_body_bytes = static_cast<size_t>(a.max_body_mb * 1024 * 1024);
  OCROptions opts;
  std::vector<std::string> notes;
  if (!a.ocr.paddlex_config.empty())
    for (const auto& w : load_paddlex_config(a.ocr.paddlex_config, opts))
      notes.push_back(a.ocr.paddlex_config + ": " + w);
  apply_ocr_flags(a.ocr, opts, notes);  // flags win over the PaddleX config
  for (const auto& n : notes) std::cerr << "warning: " << n << "\n";
  so.pdf_dpi = opts.pdf_dpi.value_or(so.pdf_dpi);

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
  std::cerr << "ppocr serve: pipeline loaded in " << load_s << " s; listening on http://" << a.server.host << ":"
            << srv.port() << " (POST /ocr, GET /health); " << so.workers << " workers, queue " << so.queue_size
            << std::endl;

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
  sc->add_flag("--allow_local_urls", so.allow_local_urls, "Allow file:// and loopback/private-network URLs")->group(g);
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
  sc->add_option("--heap_trim_s", so.heap_trim_s, "Give freed heap memory back to the system at most this often, s (0 = never)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--idle_release_s", so.idle_release_s,
                 "After this long without a request, free the models' cached buffers and trim the heaps, s (0 = never)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0))->group(g);
  sc->add_option("--http_threads", a->server.http_threads, "Connection threads (0 = workers + queue_size + 8)")->group(g);
  sc->add_flag("--access_log", a->server.access_log, "Log every request to stderr")->group(g);
  sc->callback([a, sc] {
    if (!a->config_file.empty()) server::apply_yaml_config(*sc, a->config_file);
    serve(*a);
  });
});

}  // namespace
}  // namespace ppocr::cli
