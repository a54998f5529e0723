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
#include "engine/error.h"
#include "io/hooks.h"
#include "io/paddlex_config.h"
#include "ppocr/ocr.h"
#include "server/pipeline_backend.h"
#include "server/server.h"
#include "server/yaml_config.h"

namespace ppocr::cli {
namespace {

struct ServeArgs {
  server::ServerOptions server;
  OCROptions ocr;
  double max_body_mb = 32;
  std::string paddlex_config;
  std::string config_file;
};

// PaddleOCR-style boolean option ("--use_doc_unwarping False").
CLI::Option* add_bool(CLI::App* app, const std::string& name, std::optional<bool>& target, const std::string& help) {
  return app->add_option_function<std::string>(
         name,
         [&target, name](const std::string& v) {
           if (v == "True" || v == "true" || v == "1") target = true;
           else if (v == "False" || v == "false" || v == "0") target = false;
           else throw CLI::ValidationError(name, "expects True or False, got '" + v + "'");
         },
         help)
      ->type_name("BOOL");
}

template <class T>
CLI::Option* add_opt(CLI::App* app, const std::string& name, std::optional<T>& target, const std::string& help) {
  return app->add_option_function<T>(name, [&target](const T& v) { target = v; }, help);
}

void add_pipeline_options(CLI::App* sc, OCROptions& o, std::string& paddlex_config) {
  const char* g = "Pipeline";
  for (auto [stage, dir, name] :
       {std::tuple{"doc_orientation_classify", &o.doc_orientation_classify_model_dir, &o.doc_orientation_classify_model_name},
        std::tuple{"doc_unwarping", &o.doc_unwarping_model_dir, &o.doc_unwarping_model_name},
        std::tuple{"text_detection", &o.text_detection_model_dir, &o.text_detection_model_name},
        std::tuple{"textline_orientation", &o.textline_orientation_model_dir, &o.textline_orientation_model_name},
        std::tuple{"text_recognition", &o.text_recognition_model_dir, &o.text_recognition_model_name}}) {
    add_opt(sc, std::string("--") + stage + "_model_dir", *dir, std::string("Model directory of ") + stage)->group(g);
    add_opt(sc, std::string("--") + stage + "_model_name", *name, std::string("Model name of ") + stage)->group(g);
  }
  add_bool(sc, "--use_doc_orientation_classify", o.use_doc_orientation_classify, "Load and use the document orientation classifier")->group(g);
  add_bool(sc, "--use_doc_unwarping", o.use_doc_unwarping, "Load and use document unwarping")->group(g);
  add_bool(sc, "--use_textline_orientation", o.use_textline_orientation, "Load and use the text-line orientation classifier")->group(g);
  add_opt(sc, "--text_det_limit_side_len", o.text_det_limit_side_len, "Detector resize side limit")->group(g);
  add_opt(sc, "--text_det_limit_type", o.text_det_limit_type, "min or max")->group(g);
  add_opt(sc, "--text_det_thresh", o.text_det_thresh, "DB pixel threshold")->group(g);
  add_opt(sc, "--text_det_box_thresh", o.text_det_box_thresh, "DB box threshold")->group(g);
  add_opt(sc, "--text_det_unclip_ratio", o.text_det_unclip_ratio, "DB unclip ratio")->group(g);
  add_opt(sc, "--text_rec_score_thresh", o.text_rec_score_thresh, "Drop recognised texts under this score")->group(g);
  add_opt(sc, "--text_recognition_batch_size", o.text_recognition_batch_size, "Recognizer batch size")->group(g);
  add_opt(sc, "--textline_orientation_batch_size", o.textline_orientation_batch_size, "Text-line classifier batch size")->group(g);
  add_opt(sc, "--lang", o.lang, "Language (picks the default recognizer)")->group(g);
  add_opt(sc, "--ocr_version", o.ocr_version, "PP-OCRv5, PP-OCRv4 or PP-OCRv3")->group(g);
  add_opt(sc, "--device", o.device, "cpu")->group(g);
  add_opt(sc, "--cpu_threads", o.cpu_threads, "Threads per inference call (each worker runs one call at a time)")->group(g);
  add_bool(sc, "--enable_mkldnn", o.enable_mkldnn, "oneDNN kernels (False: reference C++ kernels)")->group(g);
  add_opt(sc, "--precision", o.precision, "fp32 or fp16")->group(g);
  sc->add_option("--paddlex_config", paddlex_config, "PaddleX OCR pipeline config (YAML); flags win over it")->group(g);
}

void serve(ServeArgs& a) {
  auto& so = a.server.service;
  PPOCR_CHECK(a.max_body_mb > 0, "--max_body_mb must be > 0");
  so.max_body_bytes = static_cast<size_t>(a.max_body_mb * 1024 * 1024);
  io::install_io_hooks();
  OCROptions opts;
  if (!a.paddlex_config.empty())
    for (const auto& w : io::load_paddlex_config(a.paddlex_config, opts)) std::cerr << "warning: " << w << "\n";
  // Flags given on the command line override the PaddleX config.
  const OCROptions& f = a.ocr;
  auto take = [](auto& dst, const auto& src) {
    if (src) dst = src;
  };
  take(opts.doc_orientation_classify_model_dir, f.doc_orientation_classify_model_dir);
  take(opts.doc_orientation_classify_model_name, f.doc_orientation_classify_model_name);
  take(opts.doc_unwarping_model_dir, f.doc_unwarping_model_dir);
  take(opts.doc_unwarping_model_name, f.doc_unwarping_model_name);
  take(opts.text_detection_model_dir, f.text_detection_model_dir);
  take(opts.text_detection_model_name, f.text_detection_model_name);
  take(opts.textline_orientation_model_dir, f.textline_orientation_model_dir);
  take(opts.textline_orientation_model_name, f.textline_orientation_model_name);
  take(opts.text_recognition_model_dir, f.text_recognition_model_dir);
  take(opts.text_recognition_model_name, f.text_recognition_model_name);
  take(opts.use_doc_orientation_classify, f.use_doc_orientation_classify);
  take(opts.use_doc_unwarping, f.use_doc_unwarping);
  take(opts.use_textline_orientation, f.use_textline_orientation);
  take(opts.text_det_limit_side_len, f.text_det_limit_side_len);
  take(opts.text_det_limit_type, f.text_det_limit_type);
  take(opts.text_det_thresh, f.text_det_thresh);
  take(opts.text_det_box_thresh, f.text_det_box_thresh);
  take(opts.text_det_unclip_ratio, f.text_det_unclip_ratio);
  take(opts.text_rec_score_thresh, f.text_rec_score_thresh);
  take(opts.text_recognition_batch_size, f.text_recognition_batch_size);
  take(opts.textline_orientation_batch_size, f.textline_orientation_batch_size);
  take(opts.lang, f.lang);
  take(opts.ocr_version, f.ocr_version);
  take(opts.device, f.device);
  take(opts.cpu_threads, f.cpu_threads);
  take(opts.enable_mkldnn, f.enable_mkldnn);
  take(opts.precision, f.precision);

  // Block the stop signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto t0 = std::chrono::steady_clock::now();
  auto ocr = std::make_shared<const OCR>(opts);
  double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  server::Server srv(a.server, server::make_pipeline_backend(ocr));
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
          if (v == "True" || v == "true" || v == "1") a->server.service.visualize = true;
          else if (v == "False" || v == "false" || v == "0") a->server.service.visualize = false;
          else throw CLI::ValidationError("--visualize", "expects True or False, got '" + v + "'");
        },
        "Return result images when a request does not say (default True)")
      ->type_name("BOOL")->group(g);
  sc->add_option("--max_output_img_size", so.max_output_img_side, "Returned images fit in this square (0 = as is)")
      ->capture_default_str()->group(g);
  sc->add_option("--fetch_timeout_s", so.fetch_timeout_s, "Time limit for fetching a URL, s")->capture_default_str()->group(g);
  sc->add_option("--http_threads", a->server.http_threads, "Connection threads (0 = workers + queue_size + 8)")->group(g);
  sc->add_flag("--access_log", a->server.access_log, "Log every request to stderr")->group(g);
  add_pipeline_options(sc, a->ocr, a->paddlex_config);
  sc->callback([a, sc] {
    if (!a->config_file.empty()) server::apply_yaml_config(*sc, a->config_file);
    serve(*a);
  });
});

}  // namespace
}  // namespace ppocr::cli
