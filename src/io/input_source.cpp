#include "io/input_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "engine/error.h"

namespace fs = std::filesystem;

namespace ppocr::io {
namespace {

std::string ext_lower(const std::string& path) {
  std::string e = fs::path(path).extension().string();
  if (!e.empty() && e[0] == '.') e = e.substr(1);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return e;
}

// A TIFF may hold many pages: shown as a batch (progress bar) like a PDF.
bool is_tiff_name(const std::string& path) { return ext_lower(path) == "tif" || ext_lower(path) == "tiff"; }

std::string stem_of(const std::string& path) {
  std::string s = fs::path(path).stem().string();
  return s.empty() ? std::string("input") : s;
}

}  // namespace

const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> exts = {"jpg", "jpeg", "jpe", "png", "bmp", "dib", "tif", "tiff", "webp", "pbm",
                                                "pgm", "ppm", "pnm", "jp2", "ras", "sr", "hdr", "pic"};
  return exts;
}

bool is_image_file_name(const std::string& path) {
  std::string e = ext_lower(path);
  const auto& exts = image_extensions();
  return !e.empty() && std::find(exts.begin(), exts.end(), e) != exts.end();
}

bool is_pdf_file_name(const std::string& path) { return ext_lower(path) == "pdf"; }

InputKind input_kind_from_name(const std::string& name_or_url) {
  std::string name = has_url_scheme(name_or_url) ? url_file_name(name_or_url) : name_or_url;
  if (is_pdf_file_name(name)) return InputKind::Pdf;
  if (is_image_file_name(name)) return InputKind::Image;
  return InputKind::Auto;
}

InputKind input_kind_from_bytes(const void* data, size_t size) {
  if (looks_like_pdf(data, size)) return InputKind::Pdf;
  if (!image_format_name(data, size).empty()) return InputKind::Image;
  return InputKind::Auto;
}

std::vector<std::string> list_input_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  PPOCR_CHECK_AS(!ec, kNotFound, dir, ": cannot list folder: ", ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) fail(dir, ": error while listing folder: ", ec.message());
    std::error_code ec2;
    const std::string f = it->path().string();
    if (it->is_regular_file(ec2) && (is_image_file_name(f) || is_pdf_file_name(f))) files.push_back(f);
  }
  std::sort(files.begin(), files.end());
  return files;
}

InputStream::InputStream(std::vector<std::string> inputs, InputOptions opts) : opts_(std::move(opts)) {
  for (auto& s : inputs) {
    Pending p;
    p.path = s;
    std::error_code ec;
    if (!is_url(s) && (fs::is_directory(s, ec) || is_pdf_file_name(s) || is_tiff_name(s))) batch_ = true;
    if (is_url(s) && is_pdf_file_name(url_file_name(s))) batch_ = true;
    pending_.push_back(std::move(p));
  }
  if (pending_.size() > 1) batch_ = true;
}

InputStream InputStream::from_memory(std::string bytes, std::string name, InputKind kind, InputOptions opts) {
  InputStream s;
  s.opts_ = std::move(opts);
  Pending p;
  p.path = std::move(name);
  p.bytes = std::move(bytes);
  p.memory = true;
  p.kind = kind;
  s.pending_.push_back(std::move(p));
  return s;
}

InputStream::InputStream(InputStream&&) noexcept = default;
InputStream& InputStream::operator=(InputStream&&) noexcept = default;
InputStream::~InputStream() = default;

bool InputStream::is_batch() const { return batch_; }

int64_t InputStream::known_remaining() const {
  int64_t n = int64_t(pending_.size());
  if (doc_) n += int64_t(doc_->pages.size() - doc_->next);
  return n;
}

void InputStream::check_budget(double pixels, const std::string& what, const std::string& which) const {
  const int64_t max = opts_.max_total_pixels;
  if (max <= 0 || double(pixels_used_) + pixels <= double(max)) return;
  std::string name = opts_.max_total_pixels_name.empty() ? std::string() : " (" + opts_.max_total_pixels_name + ")";
  fail_as(ErrorCode::kTooLarge, what, ": ", which, " ", static_cast<long long>(std::min(pixels, 9e18)), " pixels",
          pixels_used_ > 0 ? " more" : "", ", over the limit of ", max, " pixels for all pages together", name);
}

cv::Mat InputStream::decode(const std::string& bytes, const std::string& what) {
  ImageSize sz;
  // An image over the per-image limit is left to decode_image, whose message names that limit.
  if (opts_.max_total_pixels > 0 && probe_image_size(bytes.data(), bytes.size(), sz) &&
      (opts_.decode.max_pixels <= 0 || double(sz.width) * double(sz.height) <= double(opts_.decode.max_pixels)))
    check_budget(double(sz.width) * double(sz.height), what, "the image has");
  cv::Mat img = decode_image(bytes, what, opts_.decode);
  pixels_used_ += int64_t(img.cols) * img.rows;
  return img;
}

void InputStream::emit_page(InputItem& item) {
  OpenDoc& d = *doc_;
  const int page = d.pages[d.next++];
  item.input_path = d.input_path;
  item.page_index = page;
  item.page_count = d.page_count;
  item.name = d.stem;
  try {
    if (d.pdf) {
      PdfPageSize sz = d.pdf->page_size(page);
      double px = double(sz.width) * double(sz.height);
      if (opts_.pdf.max_pixels <= 0 || px <= double(opts_.pdf.max_pixels))  // else render_page refuses it, naming that limit
        check_budget(px, d.what, "page " + std::to_string(page) + " would render to");
      cv::Mat img = d.pdf->render_page(page);
      check_budget(double(img.cols) * img.rows, d.what, "page " + std::to_string(page) + " rendered to");
      pixels_used_ += int64_t(img.cols) * img.rows;
      item.image = std::move(img);
    } else {
      set_tiff_first_page(d.tiff, d.tiff_pages[size_t(page)]);
      item.image = decode(d.tiff, d.what + " page " + std::to_string(page));
    }
  } catch (const Error& e) {
    item.image.release();
    item.error = e.what();
    item.error_code = e.code();
  }
  if (d.next >= d.pages.size()) doc_.reset();
}

void InputStream::open_pdf(const Pending& p, std::string bytes, InputItem& item) {
  OpenDoc d;
  d.input_path = p.memory ? std::string() : p.path;
  d.stem = stem_of(p.memory ? p.path : (is_url(p.path) ? url_file_name(p.path) : p.path));
  if (bytes.empty() && !p.memory && !is_url(p.path))
    d.pdf = std::make_unique<PdfDocument>(PdfDocument::open_file(p.path, opts_.pdf));
  else
    d.pdf = std::make_unique<PdfDocument>(PdfDocument::open_memory(std::move(bytes), p.path, opts_.pdf));
  d.what = d.pdf->name();
  d.pages = d.pdf->selected_pages();
  d.page_count = d.pdf->page_count();
  // The whole budget is checked before the first page is rendered. A page over
  // the per-page limit is not counted: it will not be rendered (its item says why).
  double total = 0;
  const double per_page = opts_.pdf.max_pixels > 0 ? double(opts_.pdf.max_pixels) : 1e300;
  for (int i : d.pages) {
    PdfPageSize sz = d.pdf->page_size(i);
    double px = double(sz.width) * double(sz.height);
    if (px <= per_page) total += px;
  }
  const size_t n = d.pages.size();
  check_budget(total, d.what,
               n == 1 ? std::string("the page would render to")
                      : "the " + std::to_string(n) + " pages to process would render to");
  doc_ = std::move(d);
  emit_page(item);
}

void InputStream::open_image(const Pending& p, std::string bytes, InputItem& item) {
  std::vector<uint64_t> pages = tiff_pages(bytes.data(), bytes.size());
  if (pages.size() <= 1) {
    item.image = decode(bytes, p.path);
    return;
  }
  OpenDoc d;
  d.input_path = item.input_path;
  d.stem = item.name;
  d.what = p.path;
  d.page_count = int(pages.size());
  d.pages = select_pages_of(opts_.pdf.page_ranges, d.page_count, opts_.pdf.max_pages, p.path);
  // As for a PDF, the whole budget before the first page is decoded (pages
  // whose header cannot be read fail on their own, when their turn comes).
  if (opts_.max_total_pixels > 0) {
    double total = 0;
    for (int i : d.pages) {
      set_tiff_first_page(bytes, pages[size_t(i)]);
      ImageSize sz;
      if (probe_image_size(bytes.data(), bytes.size(), sz)) total += double(sz.width) * double(sz.height);
    }
    check_budget(total, p.path, "the " + std::to_string(d.pages.size()) + " pages to process have");
  }
  d.tiff = std::move(bytes);
  d.tiff_pages = std::move(pages);
  doc_ = std::move(d);
  emit_page(item);
}

bool InputStream::next(InputItem& item) {
  item = InputItem{};
  if (doc_) {
    emit_page(item);
    ++done_;
    return true;
  }
  while (!pending_.empty()) {
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    item = InputItem{};
    item.input_path = p.memory ? std::string() : p.path;
    item.name = stem_of(p.memory ? p.path : (is_url(p.path) ? url_file_name(p.path) : p.path));
    try {
      std::string bytes;
      if (p.memory) {
        bytes = std::move(p.bytes);
        if (p.kind == InputKind::Pdf || (p.kind == InputKind::Auto && looks_like_pdf(bytes.data(), bytes.size()))) {
          open_pdf(p, std::move(bytes), item);
          ++done_;
          return true;
        }
      } else if (is_url(p.path)) {
        PPOCR_CHECK_AS(opts_.allow_urls, kForbidden, p.path, ": URL inputs are not allowed here");
        bytes = fetch_url(p.path, opts_.fetch);
      } else {
        PPOCR_CHECK_AS(opts_.allow_local_paths, kForbidden, p.path, ": local paths are not allowed here");
        std::error_code ec;
        fs::file_status st = fs::status(p.path, ec);
        PPOCR_CHECK_AS(fs::exists(st), kNotFound, p.path, ": no such file or folder");
        if (fs::is_directory(st)) {
          std::vector<std::string> files = list_input_files(p.path);
          PPOCR_CHECK_AS(!files.empty(), kNotFound, p.path, ": folder contains no image or PDF files");
          for (auto f = files.rbegin(); f != files.rend(); ++f) {
            Pending q;
            q.path = *f;
            q.from_folder = true;
            pending_.push_front(std::move(q));
          }
          continue;
        }
        PPOCR_CHECK_AS(fs::is_regular_file(st), kInvalidInput, p.path, ": not a regular file");
        if (is_pdf_file_name(p.path)) {
          open_pdf(p, std::string(), item);
          ++done_;
          return true;
        }
        bytes = read_file_bytes(p.path, opts_.decode.max_bytes);
      }
      if (!p.memory && looks_like_pdf(bytes.data(), bytes.size())) {
        open_pdf(p, std::move(bytes), item);
        ++done_;
        return true;
      }
      open_image(p, std::move(bytes), item);
    } catch (const Error& e) {
      item.image.release();
      item.error = e.what();
      item.error_code = e.code();
    } catch (const std::bad_alloc&) {
      item.image.release();
      item.error = p.path + ": out of memory while reading input";
      item.error_code = ErrorCode::kTooLarge;
    }
    ++done_;
    return true;
  }
  return false;
}

std::vector<InputItem> decode_all(std::string bytes, const std::string& name, InputKind kind,
                                  const InputOptions& opts) {
  InputStream s = InputStream::from_memory(std::move(bytes), name, kind, opts);
  std::vector<InputItem> out;
  InputItem it;
  while (s.next(it)) {
    if (!it.ok()) throw Error(it.error, it.error_code);
    out.push_back(std::move(it));
  }
  return out;
}

}  // namespace ppocr::io
