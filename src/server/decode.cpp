#include "server/decode.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-image.h>
#include <poppler-page-renderer.h>
#include <poppler-page.h>

#include "server/http_error.h"
#include "server/image_probe.h"

namespace ppocr::server {
namespace {

void check_pixels(double w, double h, long max_pixels, const std::string& what) {
  auto num = [](double v) { return std::to_string(static_cast<unsigned long long>(std::min(v, 1e18))); };
  if (!(w >= 1 && h >= 1)) throw HttpError(400, what + " has an empty or invalid size " + num(std::max(w, 0.0)) + "x" +
                                                     num(std::max(h, 0.0)));
  if (max_pixels > 0 && w * h > static_cast<double>(max_pixels))
    throw HttpError(413, what + " is " + num(w) + "x" + num(h) + " = " + num(w * h) +
                             " pixels, above the server's limit of " + std::to_string(max_pixels) + " (--max_pixels)");
}

// Poppler keeps global state; one PDF at a time is the safe use.
std::mutex& pdf_mutex() {
  static std::mutex mu;
  return mu;
}

void quiet_poppler(const std::string&, void*) {}

}  // namespace

DecodedInput decode_image(const std::string& bytes, const DecodeLimits& limits) {
  // libjpeg "decodes" a truncated JPEG by padding it with grey; refuse it instead.
  if (image_format_name(bytes) == "jpeg" && bytes.rfind("\xFF\xD9") == std::string::npos)
    throw HttpError(400, "the JPEG is truncated (it has no end-of-image marker)");
  if (auto size = probe_image_size(bytes)) check_pixels(size->width, size->height, limits.max_pixels, "the image");
  cv::Mat img;
  try {
    img = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data())),
                       cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw HttpError(400, std::string("the file could not be decoded as an image: ") + e.what());
  }
  if (img.empty()) {
    std::string fmt = image_format_name(bytes);
    throw HttpError(400, fmt.empty() ? "the file is not an image in a supported format (no known image signature)"
                                     : "the file looks like " + fmt + " but could not be decoded (corrupt or truncated)");
  }
  check_pixels(img.cols, img.rows, limits.max_pixels, "the image");
  DecodedInput out;
  out.data_info = {{"width", img.cols}, {"height", img.rows}, {"type", "image"}};
  out.pages.push_back(std::move(img));
  return out;
}

DecodedInput decode_pdf(const std::string& bytes, const DecodeLimits& limits) {
  std::lock_guard<std::mutex> lock(pdf_mutex());
  static std::once_flag quiet;
  std::call_once(quiet, [] { poppler::set_debug_error_function(quiet_poppler, nullptr); });
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) throw HttpError(413, "the PDF is too large");
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc) throw HttpError(400, "the file is not a readable PDF (corrupt, truncated or encrypted)");
  if (doc->is_locked()) throw HttpError(400, "the PDF is encrypted (password protected) and cannot be read");
  int n = doc->pages();
  if (n <= 0) throw HttpError(400, "the PDF has no pages");
  int use = limits.pdf_max_pages > 0 ? std::min(n, limits.pdf_max_pages) : n;
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_argb32);
  DecodedInput out;
  nlohmann::json pages = nlohmann::json::array();
  double dpi = 72.0 * limits.pdf_scale;
  for (int i = 0; i < use; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) throw HttpError(400, "PDF page " + std::to_string(i + 1) + " cannot be read");
    poppler::rectf r = page->page_rect();
    // Checked in floating point: a MediaBox may hold any number (1e30, negative, NaN).
    check_pixels(std::fabs(r.width()) * limits.pdf_scale, std::fabs(r.height()) * limits.pdf_scale, limits.max_pixels,
                 "PDF page " + std::to_string(i + 1) + " (rendered)");
    poppler::image im = renderer.render_page(page.get(), dpi, dpi);
    if (!im.is_valid() || im.width() <= 0 || im.height() <= 0)
      throw HttpError(400, "PDF page " + std::to_string(i + 1) + " could not be rendered");
    check_pixels(im.width(), im.height(), limits.max_pixels, "PDF page " + std::to_string(i + 1) + " (rendered)");
    cv::Mat bgra(im.height(), im.width(), CV_8UC4, const_cast<char*>(im.const_data()), im.bytes_per_row());
    cv::Mat bgr;
    cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
    pages.push_back({{"width", bgr.cols}, {"height", bgr.rows}});
    out.pages.push_back(std::move(bgr));
  }
  out.data_info = {{"numPages", static_cast<int>(out.pages.size())}, {"pages", pages}, {"type", "pdf"}};
  return out;
}

DecodedInput decode_input(const std::string& bytes, FileKind kind, const DecodeLimits& limits) {
  if (bytes.empty()) throw HttpError(400, "the file is empty (0 bytes)");
  return kind == FileKind::kPdf ? decode_pdf(bytes, limits) : decode_image(bytes, limits);
}

}  // namespace ppocr::server
