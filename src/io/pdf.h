// PDF pages rendered to images with poppler, one page at a time. PaddleX
// renders every page at zoom 2.0 (144 dpi); so do we by default.
//
// Where poppler runs: by default (PdfRenderer::kAuto) in helper processes,
// Debian's poppler-utils `pdfinfo` (page count and sizes, once per document)
// and `pdftoppm` (one process per page, pixel-identical to poppler-cpp's
// renderer), each under a time and address-space budget and a cancellation
// callback, killed when one runs out; nothing is shared between documents, so
// a page that takes minutes to render stops at its budget and holds up no
// other PDF. Without poppler-utils, kAuto falls back to poppler-cpp in this
// process, where a render cannot be stopped and all documents share one lock
// (poppler keeps process-wide state); kProcess refuses instead.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "io/page_range.h"

namespace ppocr::io {

enum class PdfRenderer {
  kAuto,       // helper processes when poppler-utils is installed, else in process
  kProcess,    // helper processes only (an error when poppler-utils is missing)
  kInProcess,  // poppler-cpp in this process (no budget can stop a render)
};

struct PdfOptions {
  double dpi = 144.0;       // 72 dpi * PaddleX's zoom 2.0
  std::vector<PageRange> page_ranges;  // the pages to render ("1,3-5"; empty = all)
  int max_pages = 0;        // render at most this many of them (0 = all)
  int64_t max_pixels = 200'000'000;  // per rendered page
  PdfRenderer renderer = PdfRenderer::kAuto;
  // Budgets of one helper process (reading the document, or rendering one page);
  // a page over either is refused with ErrorCode::kTooLarge. 0 = none (the
  // defaults, as for a local file; the server sets both).
  double page_timeout_s = 0;
  size_t page_max_bytes = 0;  // address space of the helper process, bytes
  // Polled about every 20 ms while a helper runs; true kills it and the call
  // throws (ErrorCode::kGeneric, "cancelled"). The server passes "the request timed out".
  std::function<bool()> cancelled;
  // How the caller's users name these limits (the server: its flags), added to
  // the messages of errors about them as " (name)"; empty: nothing added.
  std::string max_pixels_name, page_timeout_name, page_max_bytes_name;
};

struct PdfPageSize {
  int64_t width = 0, height = 0;  // pixels at the options' dpi (0 when unknown)
};

class PdfDocument {
 public:
  // Errors (naming `what`) for unreadable, corrupt, encrypted/locked or
  // zero-page documents, and when page_ranges selects none of its pages.
  static PdfDocument open_file(const std::string& path, const PdfOptions& opts = {});
  static PdfDocument open_memory(std::string bytes, const std::string& what, const PdfOptions& opts = {});

  PdfDocument(PdfDocument&&) noexcept;
  PdfDocument& operator=(PdfDocument&&) noexcept;
  ~PdfDocument();

  // Pages in the document.
  int page_count() const;
  // The pages that will be rendered: 0-based indices, in document order
  // (page_ranges, then max_pages), and how many.
  const std::vector<int>& selected_pages() const;
  int pages_to_render() const;
  // The size page `index` (one of selected_pages()) will render to, from its
  // crop box and rotation, known before rendering it.
  PdfPageSize page_size(int index) const;
  // Page `index` (0-based, any page of the document) as BGR 8-bit.
  cv::Mat render_page(int index) const;
  const std::string& name() const;
  // Whether pages render in helper processes (false: in this process).
  bool renders_in_process() const;

 private:
  struct Impl;
  explicit PdfDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether poppler-utils (pdfinfo and pdftoppm) was found, i.e. whether
// PdfRenderer::kProcess works. Looked up once: $PPOCR_POPPLER_UTILS_DIR, else $PATH.
bool pdf_helpers_available();

}  // namespace ppocr::io
