#include "pipelines/ocr/pages.h"

#include <cctype>
#include <filesystem>

#include "engine/error.h"
#include "io/image_decode.h"
#include "io/page_range.h"

namespace ppocr {

cv::Mat to_bgr8(const cv::Mat& img) { return io::to_bgr8(img); }

namespace {
std::string lower_ext(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}
}  // namespace

bool is_saved_image_file(const std::string& path) {
  std::string e = lower_ext(path);
  for (const char* x : {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
    if (e == x) return true;
  return false;
}

std::string saved_image_ext(const std::string& input_path) {
  return is_saved_image_file(input_path) ? lower_ext(input_path) : ".png";
}

io::InputOptions input_options(const OCROptions& o) {
  io::InputOptions in;
  if (o.max_image_pixels) in.decode.max_pixels = in.pdf.max_pixels = *o.max_image_pixels;
  if (o.pdf_max_pages) in.pdf.max_pages = *o.pdf_max_pages;
  if (o.pdf_page_range) in.pdf.page_ranges = io::parse_page_ranges(*o.pdf_page_range, "pdf_page_range");
  if (o.pdf_dpi) in.pdf.dpi = *o.pdf_dpi;
  return in;
}

Page to_page(io::InputItem&& item) {
  if (!item.ok()) throw Error(item.error, item.error_code);
  Page p;
  p.image = std::move(item.image);
  p.input_path = std::move(item.input_path);
  if (item.page_index >= 0) p.page_index = item.page_index;
  p.name = std::move(item.name);
  return p;
}

void for_each_page(const Input& in, const io::InputOptions& opts, const std::function<bool(Page&&)>& sink) {
  if (in.kind == Input::Kind::kImage) {
    Page p;
    p.image = io::to_bgr8(in.image);
    p.name = in.name;
    sink(std::move(p));
    return;
  }
  io::InputStream s = in.kind == Input::Kind::kPath
                          ? io::InputStream({in.path}, opts)
                          : io::InputStream::from_memory(in.bytes, in.name, io::InputKind::Auto, opts);
  io::InputItem item;
  while (s.next(item))
    if (!sink(to_page(std::move(item)))) return;
}

}  // namespace ppocr
