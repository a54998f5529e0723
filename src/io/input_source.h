// Pipeline inputs as a lazy stream: image files, folders (sorted, recursive,
// image files and PDFs; other files are skipped. PaddleX's ImageBatchSampler
// skips PDFs in folders too, we read them), PDFs and multi-page TIFFs (one
// item per page, with page_index; opts.pdf.page_ranges and max_pages choose
// the pages of both), http(s) URLs of images or PDFs, and encoded bytes in memory.
// Nothing is decoded before next() reaches it, so a 500-page PDF or a big
// folder never sits in memory at once. A bad input gives an item with `error`
// set and the stream goes on with the rest.
#pragma once
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "io/image_decode.h"
#include "ppocr/error.h"
#include "io/pdf.h"
#include "io/url_fetch.h"

namespace ppocr::io {

struct InputOptions {
  DecodeOptions decode;
  FetchOptions fetch;
  PdfOptions pdf;
  bool allow_urls = true;
  bool allow_local_paths = true;  // false for untrusted callers (the server)
  // Pixels of all the pages a stream gives together (images, and PDF pages as
  // rendered): a PDF whose pages to render would go over is refused when it is
  // opened, from the pages' sizes, before any page is rendered; an image before
  // it is decoded, from its header. 0 = no limit. The server's per-request budget.
  int64_t max_total_pixels = 0;
  std::string max_total_pixels_name;  // how the caller's users name it (the server: its flag)
};

struct InputItem {
  std::string input_path;  // file path or URL this came from ("" for memory input)
  std::string name;        // save stem: file name without extension (PDF pages: the PDF's; add page_index yourself)
  int page_index = -1;     // 0-based page of a PDF or multi-page TIFF, -1 otherwise (PaddleX: None)
  int page_count = 0;      // pages in that document (0 for single images)
  cv::Mat image;           // BGR 8-bit; empty when error is set
  std::string error;       // why this input failed
  ErrorCode error_code = ErrorCode::kGeneric;  // what kind of failure (ppocr/error.h)
  bool ok() const { return error.empty(); }
};

enum class InputKind { Auto, Image, Pdf };

// The one list of image file extensions: the formats OpenCV decodes here
// (PaddleX's folders take jpg, jpeg, png, bmp; we add the rest we decode:
// jpe, dib, tif, tiff, webp, pbm, pgm, ppm, pnm, jp2, ras, sr, hdr, pic).
// Lower case, without the dot.
const std::vector<std::string>& image_extensions();
// Whether a path or file name ends in one of image_extensions() / ".pdf"
// (case-insensitive).
bool is_image_file_name(const std::string& path);
bool is_pdf_file_name(const std::string& path);

// What a file is, as far as its name says (a path, a file name, or a URL:
// the last path segment without query and fragment); Auto when the name does
// not tell (no or unknown extension, or a URL without a path).
InputKind input_kind_from_name(const std::string& name_or_url);
// What the bytes are, from their signature: "%PDF-" within the first 1 KiB ->
// Pdf, a known image signature (image_format_name) -> Image, else Auto.
InputKind input_kind_from_bytes(const void* data, size_t size);

// Files of a folder as the pipeline reads them: recursive, sorted, image files
// and PDFs (by extension).
std::vector<std::string> list_input_files(const std::string& dir);

class InputStream {
 public:
  explicit InputStream(std::vector<std::string> inputs, InputOptions opts = {});
  // One encoded image or PDF in memory; `name` is used for item names and errors.
  static InputStream from_memory(std::string bytes, std::string name, InputKind kind = InputKind::Auto,
                                 InputOptions opts = {});

  InputStream(InputStream&&) noexcept;
  InputStream& operator=(InputStream&&) noexcept;
  ~InputStream();

  // The next item; false when the stream is exhausted.
  bool next(InputItem& item);
  // Items produced so far and items known to remain (grows as folders and
  // PDFs are opened): a progress bar's denominator is done() + known_remaining().
  int64_t done() const { return done_; }
  int64_t known_remaining() const;
  // Whether any input is a folder or PDF (CLI: show a progress bar).
  bool is_batch() const;

 private:
  struct Pending {
    std::string path;  // file, folder or URL
    std::string bytes; // memory input when from_memory
    bool memory = false;
    InputKind kind = InputKind::Auto;
    bool from_folder = false;
  };
  // The document whose pages are being given: a PDF, or a multi-page TIFF
  // (its bytes, whose first-page pointer is set to each page in turn).
  struct OpenDoc {
    std::unique_ptr<PdfDocument> pdf;
    std::string tiff;
    std::vector<uint64_t> tiff_pages;  // directory offsets
    std::vector<int> pages;            // the pages to give (0-based)
    size_t next = 0;
    int page_count = 0;
    std::string input_path, stem, what;
  };
  InputStream() = default;
  void open_pdf(const Pending& p, std::string bytes, InputItem& item);
  // An image, or the first page of a multi-page TIFF.
  void open_image(const Pending& p, std::string bytes, InputItem& item);
  void emit_page(InputItem& item);
  cv::Mat decode(const std::string& bytes, const std::string& what);
  // Throws kTooLarge when `pixels` more would go over max_total_pixels.
  void check_budget(double pixels, const std::string& what, const std::string& which) const;

  InputOptions opts_;
  std::deque<Pending> pending_;
  std::optional<OpenDoc> doc_;
  int64_t done_ = 0;
  int64_t pixels_used_ = 0;  // by the pages given so far (max_total_pixels)
  bool batch_ = false;
};

// Convenience for small inputs (tests): every item of one memory input,
// throwing the first error (with its ErrorCode).
std::vector<InputItem> decode_all(std::string bytes, const std::string& name, InputKind kind,
                                  const InputOptions& opts = {});

}  // namespace ppocr::io
