#include "io/pdf.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <mutex>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"

namespace ppocr::io {
namespace {

// poppler prints parse warnings to stderr by default; our errors say enough.
void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

// One lock around every poppler call (loading, page access, rendering,
// closing), for all documents. A poppler document is not thread-safe, and
// poppler also keeps process-wide state (GlobalParams, font and error
// handling) that concurrent use of different documents touches; the server
// renders PDFs of different requests on several workers at once. Pages render
// one at a time, process-wide: a render is short next to OCR of the page.
std::mutex& poppler_mutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

struct PdfDocument::Impl {
  std::string what;
  std::string bytes;  // keeps raw data alive for load_from_raw_data
  PdfOptions opts;
  std::unique_ptr<poppler::document> doc;
  int pages = 0;
  ~Impl() {
    std::lock_guard<std::mutex> lock(poppler_mutex());
    doc.reset();
  }
};

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;
PdfDocument::~PdfDocument() = default;

// Called with poppler_mutex() held.
void PdfDocument::finish_open(Impl* im) {
  PPOCR_CHECK_AS(im->doc, kInvalidInput, im->what, ": not a readable PDF (corrupt, truncated, encrypted or not a PDF)");
  PPOCR_CHECK_AS(!im->doc->is_locked(), kInvalidInput, im->what, ": PDF is encrypted/password-protected");
  im->pages = im->doc->pages();
  PPOCR_CHECK_AS(im->pages > 0, kInvalidInput, im->what, ": PDF has no pages");
  PPOCR_CHECK(im->opts.dpi > 0 && im->opts.dpi <= 2400, im->what, ": bad PDF render dpi ", im->opts.dpi);
}

PdfDocument PdfDocument::open_file(const std::string& path, const PdfOptions& opts) {
  quiet_poppler();
  auto im = std::make_unique<Impl>();
  im->what = path;
  im->opts = opts;
  std::lock_guard<std::mutex> lock(poppler_mutex());
  im->doc.reset(poppler::document::load_from_file(path));
  finish_open(im.get());
  return PdfDocument(std::move(im));
}

PdfDocument PdfDocument::open_memory(std::string bytes, const std::string& what, const PdfOptions& opts) {
  quiet_poppler();
  PPOCR_CHECK_AS(!bytes.empty(), kInvalidInput, what, ": empty PDF data");
  PPOCR_CHECK_AS(bytes.size() < size_t(INT_MAX), kTooLarge, what, ": PDF too large");
  auto im = std::make_unique<Impl>();
  im->what = what;
  im->opts = opts;
  im->bytes = std::move(bytes);
  std::lock_guard<std::mutex> lock(poppler_mutex());
  im->doc.reset(poppler::document::load_from_raw_data(im->bytes.data(), int(im->bytes.size())));
  finish_open(im.get());
  return PdfDocument(std::move(im));
}

int PdfDocument::page_count() const { return impl_->pages; }

int PdfDocument::pages_to_render() const {
  int m = impl_->opts.max_pages;
  return m > 0 && m < impl_->pages ? m : impl_->pages;
}

const std::string& PdfDocument::name() const { return impl_->what; }

cv::Mat PdfDocument::render_page(int index) const {
  std::lock_guard<std::mutex> lock(poppler_mutex());
  const auto& what = impl_->what;
  PPOCR_CHECK(index >= 0 && index < impl_->pages, what, ": page index ", index, " out of range (", impl_->pages,
              " pages)");
  std::unique_ptr<poppler::page> page(impl_->doc->create_page(index));
  PPOCR_CHECK_AS(page, kInvalidInput, what, ": cannot read page ", index);
  // Checked in floating point: a MediaBox may hold any number (1e30, negative, NaN).
  poppler::rectf box = page->page_rect();
  double scale = impl_->opts.dpi / 72.0;
  double w = std::ceil(std::fabs(box.width()) * scale), h = std::ceil(std::fabs(box.height()) * scale);
  PPOCR_CHECK_AS(w >= 1 && h >= 1, kInvalidInput, what, ": page ", index, " has an empty or invalid size");
  auto num = [](double v) { return std::to_string(static_cast<unsigned long long>(std::min(v, 1e18))); };
  PPOCR_CHECK_AS(impl_->opts.max_pixels <= 0 || w * h <= double(impl_->opts.max_pixels), kTooLarge, what, ": page ", index,
                 " would render to ", num(w), "x", num(h), " pixels, which exceeds the limit of ", impl_->opts.max_pixels,
                 " pixels");
  // Whatever the limit, a row of 4-byte pixels must fit poppler's int sizes.
  PPOCR_CHECK_AS(w < INT_MAX / 4 && h < INT_MAX / 4, kTooLarge, what, ": page ", index, " would render to ", num(w), "x",
                 num(h), " pixels, too large to render");
  poppler::page_renderer r;
  r.set_render_hint(poppler::page_renderer::antialiasing, true);
  r.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  r.set_image_format(poppler::image::format_argb32);
  poppler::image img = r.render_page(page.get(), impl_->opts.dpi, impl_->opts.dpi);
  PPOCR_CHECK_AS(img.is_valid() && img.width() > 0 && img.height() > 0, kInvalidInput, what, ": cannot render page ", index);
  PPOCR_CHECK(img.format() == poppler::image::format_argb32, what, ": unexpected render format on page ", index);
  // argb32 is stored as native-endian 32-bit words: B,G,R,A in memory on little endian.
  cv::Mat bgra(img.height(), img.width(), CV_8UC4, const_cast<char*>(img.const_data()), size_t(img.bytes_per_row()));
  cv::Mat bgr;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

}  // namespace ppocr::io
