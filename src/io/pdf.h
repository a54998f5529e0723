// PDF pages rendered to images with poppler-cpp, one page at a time. PaddleX
// renders every page at zoom 2.0 (144 dpi); so do we by default.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

namespace ppocr::io {

struct PdfOptions {
  double dpi = 144.0;       // 72 dpi * PaddleX's zoom 2.0
  int max_pages = 0;        // render at most this many pages (0 = all)
  int64_t max_pixels = 200'000'000;  // per rendered page
};

class PdfDocument {
 public:
  // Errors (naming `what`) for unreadable, corrupt, encrypted/locked or
  // zero-page documents.
  static PdfDocument open_file(const std::string& path, const PdfOptions& opts = {});
  static PdfDocument open_memory(std::string bytes, const std::string& what, const PdfOptions& opts = {});

  PdfDocument(PdfDocument&&) noexcept;
  PdfDocument& operator=(PdfDocument&&) noexcept;
  ~PdfDocument();

  // Pages in the document.
  int page_count() const;
  // Pages that will be rendered (page_count capped by max_pages).
  int pages_to_render() const;
  // Page `index` (0-based) as BGR 8-bit.
  cv::Mat render_page(int index) const;
  const std::string& name() const;

 private:
  struct Impl;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  static void finish_open(Impl* im);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ppocr::io
