// `ppocr ocr`: PaddleOCR 3.x's `paddleocr ocr` command. Inputs stream through
// io::InputStream (files, folders, PDFs, URLs); OCR::predict_stream reads and
// runs a few pages at a time (cpu_threads of them) and hands the results back
// here in input order; results print like PaddleOCR and save as {name}_res.json +
// {name}_ocr_res_img.{ext}, and with --output_formats each input's documents
// (all its pages) beside them (ppocr/outputs.h). A bad input is reported and
// the rest go on; the exit status is 1 when any input failed.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include <opencv2/core/utils/logger.hpp>

#include "cli/command.h"
#include "cli/ocr_flags.h"
#include "cli/progress.h"
#include "engine/error.h"
#include "io/input_source.h"
#include "pipelines/ocr/pages.h"
#include "pipelines/ocr/paddlex_config.h"
#include "ppocr/ocr.h"
#include "ppocr/outputs.h"

namespace ppocr::cli {
namespace {

using Clock = std::chrono::steady_clock;
double secs_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string label_of(const io::InputItem& it) {
  std::string s = it.input_path.empty() ? it.name : it.input_path;
  if (it.page_index >= 0) s += " page " + std::to_string(it.page_index);
  return s;
}

int run_ocr(const OcrFlags& f) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);  // our errors say what failed
  PPOCR_CHECK(!f.inputs.empty() || !f.export_config.empty(), "--input is required");
  auto t_start = Clock::now();

  OCROptions o;
  std::vector<std::string> notes;
  if (!f.paddlex_config.empty())
    for (auto& w : load_paddlex_config(f.paddlex_config, o)) notes.push_back(f.paddlex_config + ": " + w);
  apply_ocr_flags(f, o, notes);
  for (auto& n : notes) std::cerr << "warning: " << n << "\n";

  auto t_load = Clock::now();
  OCR ocr(o);  // chooses the models and says which on stderr
  double load_s = secs_since(t_load);

  if (!f.export_config.empty()) {
    std::string yaml = ocr.export_paddlex_config_yaml();
    if (f.export_config == "-") {
      std::cout << yaml;
    } else {
      std::ofstream out(f.export_config);
      PPOCR_CHECK(out.good(), f.export_config, ": cannot write");
      out << yaml;
      PPOCR_CHECK(out.good(), f.export_config, ": write error");
      std::cerr << "wrote the effective config to " << f.export_config << "\n";
    }
  }
  if (f.inputs.empty()) return 0;
  if (!f.save_path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.save_path, ec);
    PPOCR_CHECK(!ec, f.save_path, ": cannot create the output directory: ", ec.message());
  }

  // --output_formats: one DocumentWriter per input (a PDF's pages go into one file each).
  std::vector<OutputFormat> formats;
  if (o.output_formats) formats = parse_output_formats(*o.output_formats);
  PPOCR_CHECK_AS(formats.empty() || !f.save_path.empty(), kInvalidArgument,
                 "--output_formats needs --save_path (the folder the documents are written to)");
  OutputOptions doc_opts;
  doc_opts.pdf_dpi = ocr.effective_options().pdf_dpi.value_or(144);
  std::unique_ptr<DocumentWriter> doc;
  std::string doc_key, doc_label;
  int64_t doc_failed = 0;
  auto flush_doc = [&] {
    if (doc && doc->page_count() > 0) {
      try {
        doc->save(f.save_path, "");
      } catch (const Error& e) {
        std::cerr << "error: " << doc_label << ": writing the documents: " << e.what() << "\n";
        ++doc_failed;
      }
    }
    doc.reset();
  };

  io::InputStream stream(f.inputs, input_options(ocr.effective_options()));
  Progress bar(!f.no_progress && stream.is_batch());
  int64_t ok = 0, failed = 0;
  double decode_s = 0, predict_s = 0, save_s = 0;
  // Pages are read by the pipeline's workers (ahead of the page being saved) and come back here in order;
  // what the loop needs of each item is kept by tag until its outcome arrives.
  struct ItemInfo {
    std::string label;
    bool read_failed = false;
    int64_t done = 0, total = 0;
  };
  std::mutex info_mu;
  std::map<int64_t, ItemInfo> infos;
  int64_t tags = 0;
  auto next = [&](PageJob& job) {
    auto t0 = Clock::now();
    io::InputItem item;
    if (!stream.next(item)) return false;
    ItemInfo info;
    info.label = label_of(item);
    info.read_failed = !item.ok();
    info.done = stream.done();
    info.total = stream.done() + stream.known_remaining();
    if (item.ok()) job.page = to_page(std::move(item));
    else job.error = Error(item.error, item.error_code);
    job.tag = tags++;
    std::lock_guard<std::mutex> lk(info_mu);
    infos[job.tag] = std::move(info);
    decode_s += secs_since(t0);
    return true;
  };
  auto t_run = Clock::now();
  ocr.predict_stream(next, [&](PageOutcome&& o) {
    ItemInfo info;
    {
      std::lock_guard<std::mutex> lk(info_mu);
      auto it = infos.find(o.tag);
      info = std::move(it->second);
      infos.erase(it);
    }
    bar.update(info.done - 1, info.total, info.label);
    if (!o.ok()) {
      bar.clear();
      if (info.read_failed) std::cerr << "error: " << o.error->what() << "\n";
      else std::cerr << "error: " << info.label << ": " << o.error->what() << "\n";
      ++failed;
      return true;
    }
    predict_s += o.seconds;
    OCRResult& r = o.result;
    try {
      bar.clear();
      if (!f.quiet) r.print();
      if (!f.save_path.empty()) {
        auto t2 = Clock::now();
        if (formats.empty()) r.save_to_json(f.save_path);
        else save_json_with_reading_order(r, f.save_path);
        r.save_to_img(f.save_path);
        if (!formats.empty()) {
          std::string key = r.input_path + "\n" + r.name;
          if (!doc || key != doc_key || r.page_index.value_or(0) == 0) {
            flush_doc();
            doc = std::make_unique<DocumentWriter>(formats, doc_opts);
            doc_key = key;
            doc_label = r.input_path.empty() ? r.name : r.input_path;
          }
          doc->add_page(r);
        }
        save_s += secs_since(t2);
      }
      ++ok;
    } catch (const Error& e) {
      bar.clear();
      std::cerr << "error: " << info.label << ": " << e.what() << "\n";
      ++failed;
    }
    return true;
  });
  bar.update(stream.done(), stream.done(), "");
  bar.clear();
  {
    auto t2 = Clock::now();
    flush_doc();
    save_s += secs_since(t2);
  }
  failed += doc_failed;
  if (failed) std::cerr << failed << " of " << (ok + failed) << " inputs failed\n";
  if (f.timing) {
    // read/decode and pipeline are summed over the pages (they overlap when pages run side by side);
    // "after model load" is the wall time from the first read to the last result saved.
    double total = secs_since(t_start), run = secs_since(t_run);
    std::fprintf(stderr,
                 "timing: %lld pages ok, %lld failed; model load %.3fs; read/decode %.3fs; pipeline %.3fs "
                 "(%.1f ms/page); save %.3fs; total %.3fs; %.2f pages/s (after model load %.2f; %d pages at a "
                 "time)\n",
                 static_cast<long long>(ok), static_cast<long long>(failed), load_s, decode_s, predict_s,
                 ok ? 1000.0 * predict_s / double(ok) : 0.0, save_s, total, ok ? double(ok) / total : 0.0,
                 run > 0 ? double(ok) / run : 0.0, ocr.pages_at_once());
  }
  return failed ? 1 : 0;
}

CommandRegistrar reg([](CLI::App& app) {
  auto flags = std::make_shared<OcrFlags>();
  CLI::App* sub = app.add_subcommand("ocr", "Run the general OCR pipeline (PaddleOCR 3.x's `paddleocr ocr`)");
  add_ocr_flags(*sub, *flags);
  sub->callback([flags] { exit_code() = run_ocr(*flags); });
});

}  // namespace
}  // namespace ppocr::cli
