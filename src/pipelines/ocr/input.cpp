// Input expansion: the installable loader and the default one (one image
// file, or a folder of images, read with OpenCV).
#include <algorithm>
#include <filesystem>
#include <mutex>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "modules/common/image_ops.h"
#include "ppocr/input.h"

namespace fs = std::filesystem;

namespace ppocr {
namespace {

std::mutex& loader_mu() {
  static std::mutex m;
  return m;
}
InputLoader& loader() {
  static InputLoader l;
  return l;
}

bool is_image_ext(std::string ext) {
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* e : {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".jp2", ".pbm", ".pgm", ".ppm"})
    if (ext == e) return true;
  return false;
}

bool read_one(const fs::path& p, const PageSink& sink) {
  cv::Mat img = cv::imread(p.string(), cv::IMREAD_COLOR);
  PPOCR_CHECK(!img.empty(), "cannot read image ", p.string());
  Page page;
  page.image = img;
  page.input_path = p.string();
  page.name = p.stem().string();
  return sink(std::move(page));
}

void default_loader(const Input& in, const PageSink& sink) {
  if (!in.is_path()) {
    Page page;
    page.image = to_bgr8(in.image);
    page.name = in.name;
    sink(std::move(page));
    return;
  }
  std::error_code ec;
  fs::path p(in.path);
  PPOCR_CHECK(fs::exists(p, ec), "input ", in.path, " does not exist");
  if (!fs::is_directory(p, ec)) {
    read_one(p, sink);
    return;
  }
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(p, ec))
    if (e.is_regular_file() && is_image_ext(e.path().extension().string())) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files)
    if (!read_one(f, sink)) return;
}

}  // namespace

void set_input_loader(InputLoader l) {
  std::lock_guard<std::mutex> lk(loader_mu());
  loader() = std::move(l);
}

void load_input(const Input& in, const PageSink& sink) {
  InputLoader l;
  {
    std::lock_guard<std::mutex> lk(loader_mu());
    l = loader();
  }
  if (l && in.is_path()) l(in, sink);
  else default_loader(in, sink);
}

cv::Mat to_bgr8(const cv::Mat& img) { return modules::ensure_bgr8(img); }

}  // namespace ppocr
