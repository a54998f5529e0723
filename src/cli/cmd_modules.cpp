// PaddleOCR's single-module commands:
//   ppocr text_detection -i IMG [--model_dir DIR | --model_name NAME] [--save_path DIR]
//   ppocr text_recognition -i CROP ...
//   ppocr textline_orientation_classification -i CROP ...
//   ppocr doc_img_orientation_classification -i IMG ...
//   ppocr text_image_unwarping -i IMG ...
// Each prints PaddleX's module result JSON per input and, with --save_path,
// writes {name}_res.json and a visualisation {name}_res.{ext}.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <utility>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "cli/command.h"
#include "engine/error.h"
#include "io/model_registry.h"
#include "pipelines/ocr/pages.h"
#include "ppocr/input.h"
#include "ppocr/modules.h"
#include "ppocr/options.h"

namespace fs = std::filesystem;

namespace ppocr::cli {
namespace {

struct ModuleArgs {
  std::vector<std::string> inputs;
  std::string model_dir, model_name, save_path, device = "cpu", enable_mkldnn = "True";
  int cpu_threads = 8, batch_size = 1;
  std::optional<int> limit_side_len;
  std::optional<std::string> limit_type;
  std::optional<float> thresh, box_thresh, unclip_ratio;
};

bool parse_bool(const std::string& s, const char* flag) {
  if (s == "True" || s == "true" || s == "1") return true;
  if (s == "False" || s == "false" || s == "0") return false;
  fail(flag, " expects True or False, got '", s, "'");
}

ModuleOptions module_options(const ModuleArgs& a) {
  PPOCR_CHECK(a.device == "cpu" || a.device.rfind("cpu:", 0) == 0, "device '", a.device, "' is not supported (only cpu)");
  ModuleOptions o;
  o.cpu_threads = a.cpu_threads;
  o.enable_mkldnn = parse_bool(a.enable_mkldnn, "--enable_mkldnn");
  return o;
}

// The module's model: --model_dir, else --model_name, else the default of
// PaddleOCR 3.7's module (said on stderr, as the pipeline says its choices).
std::string model_dir(const ModuleArgs& a, const std::string& module) {
  if (!a.model_dir.empty()) return a.model_dir;
  const std::string default_name = default_module_model_name(module);
  if (a.model_name.empty())
    std::cerr << "ppocr: " << module << ": " << default_name
              << " (PaddleOCR 3.7's default; --model_name or --model_dir to choose)\n";
  io::DownloadOptions dl;
  dl.log = [](const std::string& m) { std::cerr << m << "\n"; };
  try {
    return io::resolve_model(a.model_name.empty() ? default_name : a.model_name, dl);
  } catch (const Error& e) {
    // The registry's hints name the pipeline's flags (--text_detection_model_dir, ...): here it is --model_dir.
    std::string msg = e.what();
    const std::pair<std::string, std::string> flags[] = {{"--*_model_dir", "--model_dir"},
                                                         {"--*_model_name", "--model_name"}};
    for (const auto& [from, to] : flags)
      for (size_t at; (at = msg.find(from)) != std::string::npos;) msg.replace(at, from.size(), to);
    fail_as(e.code(), msg);
  }
}

// Walks every page of every input; per-page errors are reported and counted.
void for_each_page(const ModuleArgs& a, const std::function<void(const Page&)>& fn) {
  int failed = 0;
  for (const auto& in : a.inputs) {
    try {
      ppocr::for_each_page(Input::from_path(in), io::InputOptions{}, [&](Page&& page) {
        try {
          fn(page);
        } catch (const Error& e) {
          std::cerr << "error: " << (page.input_path.empty() ? in : page.input_path) << ": " << e.what() << "\n";
          ++failed;
        }
        return true;
      });
    } catch (const Error& e) {
      std::cerr << "error: " << in << ": " << e.what() << "\n";
      ++failed;
    }
  }
  if (failed) exit_code() = 1;
}

std::string stem_of(const Page& p) {
  std::string s = !p.name.empty() ? p.name : (p.input_path.empty() ? "res" : fs::path(p.input_path).stem().string());
  if (p.page_index) s += "_" + std::to_string(*p.page_index);
  return s;
}

// Prints the module's result JSON (keys in PaddleX's order) and saves it with the visualisation.
void emit(const ModuleArgs& a, const Page& page, nlohmann::ordered_json j, const cv::Mat& vis) {
  using ojson = nlohmann::ordered_json;
  j["res"]["input_path"] = page.input_path.empty() ? ojson(nullptr) : ojson(page.input_path);
  j["res"]["page_index"] = page.page_index ? ojson(*page.page_index) : ojson(nullptr);
  std::string text = j.dump(4, ' ', false, ojson::error_handler_t::replace);
  std::cout << text << std::endl;
  if (a.save_path.empty()) return;
  std::error_code ec;
  fs::create_directories(a.save_path, ec);
  PPOCR_CHECK(fs::is_directory(a.save_path, ec), "cannot create ", a.save_path);
  const std::string stem = stem_of(page);
  std::ofstream f(fs::path(a.save_path) / (stem + "_res.json"));
  f << text << "\n";
  PPOCR_CHECK(f.good(), "cannot write ", (fs::path(a.save_path) / (stem + "_res.json")).string());
  if (!vis.empty()) {
    auto img = fs::path(a.save_path) / (stem + "_res" + saved_image_ext(page.input_path));
    PPOCR_CHECK(cv::imwrite(img.string(), vis), "cannot write ", img.string());
  }
}

cv::Mat with_label(const cv::Mat& img, const std::string& label) {
  cv::Mat v = img.clone();
  double s = std::max(0.5, v.cols / 400.0);
  cv::putText(v, label, cv::Point(5, static_cast<int>(25 * s)), cv::FONT_HERSHEY_SIMPLEX, s, cv::Scalar(0, 0, 255),
              std::max(1, static_cast<int>(2 * s)), cv::LINE_AA);
  return v;
}

void add_common(CLI::App* c, ModuleArgs& a) {
  c->add_option("-i,--input", a.inputs, "Image file(s), folder(s), URL(s) or PDF(s)")->required();
  c->add_option("--model_dir", a.model_dir, "Model directory (any supported format)");
  c->add_option("--model_name", a.model_name,
                "Model name, resolved through the model registry [default: PaddleOCR 3.7's: PP-OCRv6_medium_det/_rec, "
                "PP-LCNet_x1_0_textline_ori, PP-LCNet_x1_0_doc_ori, UVDoc]");
  c->add_option("--save_path", a.save_path, "Directory for {name}_res.json and the visualisation");
  c->add_option("--device", a.device, "Only cpu");
  c->add_option("--cpu_threads", a.cpu_threads, "Threads per inference")->check(CLI::Range(1, 256));
  c->add_option("--enable_mkldnn", a.enable_mkldnn, "True: oneDNN kernels; False: reference kernels");
}

CommandRegistrar reg([](CLI::App& app) {
  {
    auto a = std::make_shared<ModuleArgs>();
    auto* c = app.add_subcommand("text_detection", "Text detection module (DB)");
    add_common(c, *a);
    c->add_option("--limit_side_len", a->limit_side_len, "Side length limit");
    c->add_option("--limit_type", a->limit_type, "min or max");
    c->add_option("--thresh", a->thresh, "Pixel threshold");
    c->add_option("--box_thresh", a->box_thresh, "Box score threshold");
    c->add_option("--unclip_ratio", a->unclip_ratio, "Box expansion ratio");
    c->callback([a] {
      TextDetectionOptions o;
      static_cast<ModuleOptions&>(o) = module_options(*a);
      o.limit_side_len = a->limit_side_len;
      o.limit_type = a->limit_type;
      o.thresh = a->thresh;
      o.box_thresh = a->box_thresh;
      o.unclip_ratio = a->unclip_ratio;
      TextDetection m(model_dir(*a, "text_detection"), o);
      for_each_page(*a, [&](const Page& p) {
        auto r = m.predict(p.image);
        cv::Mat vis = r.image.clone();
        cv::polylines(vis, r.dt_polys, true, cv::Scalar(0, 0, 255), 2);
        emit(*a, p, r.to_json(), vis);
      });
    });
  }
  {
    auto a = std::make_shared<ModuleArgs>();
    auto* c = app.add_subcommand("text_recognition", "Text recognition module (CTC)");
    add_common(c, *a);
    c->add_option("--batch_size", a->batch_size, "Crops per inference")->check(CLI::Range(1, 1024));
    c->callback([a] {
      TextRecognitionOptions o;
      static_cast<ModuleOptions&>(o) = module_options(*a);
      o.batch_size = a->batch_size;
      TextRecognition m(model_dir(*a, "text_recognition"), o);
      for_each_page(*a, [&](const Page& p) {
        auto r = m.predict({p.image}).at(0);
        emit(*a, p, r.to_json(), with_label(p.image, r.rec_text));
      });
    });
  }
  auto classify = [&app](const char* name, const char* help) {
    auto a = std::make_shared<ModuleArgs>();
    auto* c = app.add_subcommand(name, help);
    add_common(c, *a);
    c->add_option("--batch_size", a->batch_size, "Images per inference")->check(CLI::Range(1, 1024));
    std::string module = name;
    c->callback([a, module] {
      ClassificationOptions o;
      static_cast<ModuleOptions&>(o) = module_options(*a);
      o.batch_size = a->batch_size;
      Classification m(model_dir(*a, module), o);
      for_each_page(*a, [&](const Page& p) {
        auto r = m.predict({p.image}).at(0);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s %.2f", r.label_name.c_str(), r.score);
        emit(*a, p, r.to_json(), with_label(p.image, buf));
      });
    });
  };
  classify("textline_orientation_classification", "Text-line orientation module (0 / 180 degrees)");
  classify("doc_img_orientation_classification", "Document orientation module (0/90/180/270 degrees)");
  {
    auto a = std::make_shared<ModuleArgs>();
    auto* c = app.add_subcommand("text_image_unwarping", "Document unwarping module (UVDoc)");
    add_common(c, *a);
    c->callback([a] {
      TextImageUnwarping m(model_dir(*a, "text_image_unwarping"), module_options(*a));
      for_each_page(*a, [&](const Page& p) {
        auto r = m.predict(p.image);
        emit(*a, p, r.to_json(), r.doctr_img);
      });
    });
  }
});

}  // namespace
}  // namespace ppocr::cli
