#include "io/pdf.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "engine/error.h"
#include "io/subprocess.h"

namespace ppocr::io {
namespace {

std::string hint(const std::string& name) { return name.empty() ? std::string() : " (" + name + ")"; }

std::string num(double v) { return std::to_string(static_cast<unsigned long long>(std::min(v, 1e18))); }

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", s);
  return b;
}

// ---- poppler-utils --------------------------------------------------------

struct Helpers {
  std::string pdfinfo, pdftoppm;
  bool ok() const { return !pdfinfo.empty() && !pdftoppm.empty(); }
};

const Helpers& helpers() {
  static const Helpers h = [] {
    Helpers r;
    if (const char* dir = std::getenv("PPOCR_POPPLER_UTILS_DIR"); dir && *dir) {
      for (auto* p : {&r.pdfinfo, &r.pdftoppm}) {
        std::string cand = std::string(dir) + (p == &r.pdfinfo ? "/pdfinfo" : "/pdftoppm");
        if (::access(cand.c_str(), X_OK) == 0) *p = cand;
      }
    } else {
      r.pdfinfo = find_program("pdfinfo");
      r.pdftoppm = find_program("pdftoppm");
    }
    return r;
  }();
  return h;
}

// ---- poppler-cpp in this process (the fallback) -----------------------------

// poppler prints parse warnings to stderr by default; our errors say enough.
void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

// One lock around every in-process poppler call (loading, page access,
// rendering, closing), for all documents: a poppler document is not
// thread-safe, and poppler keeps process-wide state (GlobalParams, fonts, error
// handling) that concurrent use of different documents touches. Helper
// processes need none of this.
std::mutex& poppler_mutex() {
  static std::mutex mu;
  return mu;
}

// The render size of a page of `w_pt` x `h_pt` points (crop box, rotation
// applied) at `dpi`, as pdftoppm and poppler-cpp compute it: ceil(points * dpi / 72).
PdfPageSize render_size(double w_pt, double h_pt, double dpi) {
  double w = std::ceil(std::fabs(w_pt) * dpi / 72.0), h = std::ceil(std::fabs(h_pt) * dpi / 72.0);
  PdfPageSize s;
  // Anything absurd (NaN, 1e30) is kept as a large finite number for the checks.
  s.width = std::isfinite(w) ? int64_t(std::min(w, 1e18)) : (std::isnan(w) ? 0 : int64_t(1e18));
  s.height = std::isfinite(h) ? int64_t(std::min(h, 1e18)) : (std::isnan(h) ? 0 : int64_t(1e18));
  return s;
}

}  // namespace

bool pdf_helpers_available() { return helpers().ok(); }

struct PdfDocument::Impl {
  std::string what;
  PdfOptions opts;
  int pages = 0;
  std::vector<int> selected;       // the pages to render (0-based)
  std::vector<PdfPageSize> sizes;  // of the pages listed (0-based, up to the last one to render)
  // Helper processes: the document as a file descriptor (a memfd holding the
  // bytes, or the opened file), given to each helper as its stdin; one helper at
  // a time per document, as they share the descriptor's offset.
  bool process = false;
  int fd = -1;
  mutable std::mutex mu;
  // In process.
  std::string bytes;  // keeps raw data alive for load_from_raw_data
  std::unique_ptr<poppler::document> doc;

  ~Impl() {
    if (fd >= 0) ::close(fd);
    if (doc) {
      std::lock_guard<std::mutex> lock(poppler_mutex());
      doc.reset();
    }
  }

  // Once `pages` is known: the pages to render, none of them an error.
  void select() {
    selected = select_pages_of(opts.page_ranges, pages, opts.max_pages, what);
  }
  // How many pages to list sizes of: up to the last one to render.
  int to_list() const { return selected.empty() ? 0 : selected.back() + 1; }
  void check_options() const {
    PPOCR_CHECK(opts.dpi > 0 && opts.dpi <= 2400, what, ": bad PDF render dpi ", opts.dpi);
  }
  ProcessOptions budget() const {
    ProcessOptions po;
    po.timeout_s = opts.page_timeout_s;
    po.max_address_space = opts.page_max_bytes;
    po.cancelled = opts.cancelled;
    return po;
  }
  // Throws for a helper that was stopped by a budget or crashed; `doing` says what it was doing.
  void check_budget(const ProcessOutcome& r, const std::string& doing) const {
    using End = ProcessOutcome::End;
    if (r.end == End::kCancelled) fail(what, ": cancelled while ", doing);
    if (r.end == End::kTimedOut)
      fail_as(ErrorCode::kTooLarge, what, ": ", doing, " took longer than the time budget of ", seconds(opts.page_timeout_s),
              " s", hint(opts.page_timeout_name));
    if (r.end == End::kSpawnFailed) fail(what, ": cannot run the PDF renderer: ", r.err);
    // poppler prints "Out of memory" when the address-space budget runs out, then
    // aborts, or (a page bitmap it cannot allocate) renders a 1x1 page and exits 0.
    if ((r.end == End::kSignalled || r.end == End::kExited) && r.err.find("Out of memory") != std::string::npos)
      fail_as(ErrorCode::kTooLarge, what, ": ", doing, " needs more memory than the budget of ",
              opts.page_max_bytes >> 20, " MiB", hint(opts.page_max_bytes_name));
    if (r.end == End::kSignalled)
      fail_as(ErrorCode::kInvalidInput, what, ": the PDF renderer failed while ", doing, " (signal ", r.signal, ")");
  }
  void open_with_helper();
  void open_in_process();
  cv::Mat render_with_helper(int index) const;
  cv::Mat render_in_process(int index) const;
};

PdfDocument::PdfDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;
PdfDocument::~PdfDocument() = default;

namespace {

bool use_helpers(const PdfOptions& o, const std::string& what) {
  if (o.renderer == PdfRenderer::kInProcess) return false;
  if (helpers().ok()) return true;
  PPOCR_CHECK_AS(o.renderer != PdfRenderer::kProcess, kUnsupported, what,
                 ": PDF input needs poppler-utils (pdfinfo and pdftoppm), which was not found on PATH");
  return false;
}

// "Page   12 size:  595.276 x 841.89 pts (A4)" / "Page   12 rot:   90": the page number and the rest.
bool page_line(const std::string& line, const char* field, long& page, std::string& rest) {
  if (line.compare(0, 5, "Page ") != 0) return false;
  size_t i = 5;
  while (i < line.size() && line[i] == ' ') ++i;
  size_t j = i;
  while (j < line.size() && std::isdigit(static_cast<unsigned char>(line[j]))) ++j;
  if (j == i || j - i > 10) return false;
  std::string f = std::string(" ") + field + ":";
  if (line.compare(j, f.size(), f) != 0) return false;
  page = std::strtol(line.c_str() + i, nullptr, 10);
  rest = line.substr(j + f.size());
  return true;
}

}  // namespace

// pdfinfo gives the page count and each page's crop-box size and rotation. Its
// output starts with the document's metadata (Title, Author...), which the
// document's author controls and which may hold line breaks and fake lines: only
// the last "Pages:" line and the lines after it are read (nothing after it
// comes from the document's text).
void PdfDocument::Impl::open_with_helper() {
  const int last = last_page_needed(opts.page_ranges, opts.max_pages);
  std::vector<std::string> argv = {helpers().pdfinfo, "-f", "1", "-l", std::to_string(last), "-"};
  std::string out;
  const size_t max_out = size_t(64) << 20;
  bool too_long = false;
  if (::lseek(fd, 0, SEEK_SET) != 0) fail(what, ": cannot read the PDF (", std::strerror(errno), ")");
  ProcessOutcome r = run_process(argv, fd, [&](const char* p, size_t n) {
    if (out.size() + n > max_out) return !(too_long = true);
    out.append(p, n);
    return true;
  }, budget());
  PPOCR_CHECK_AS(!too_long, kTooLarge, what, ": the PDF has too many pages to list");
  check_budget(r, "reading the document");
  if (!r.ok()) {
    PPOCR_CHECK_AS(r.err.find("Incorrect password") == std::string::npos, kInvalidInput, what,
                   ": PDF is encrypted/password-protected");
    PPOCR_CHECK_AS(r.err.find("Invalid page count 0") == std::string::npos &&
                       r.err.find("Wrong page range") == std::string::npos,
                   kInvalidInput, what, ": PDF has no pages");
    fail_as(ErrorCode::kInvalidInput, what, ": not a readable PDF (corrupt, truncated, encrypted or not a PDF)");
  }
  std::vector<std::string> lines;
  for (size_t s = 0; s < out.size();) {
    size_t e = out.find('\n', s);
    if (e == std::string::npos) e = out.size();
    lines.push_back(out.substr(s, e - s));
    s = e + 1;
  }
  long pages_line = -1;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].compare(0, 6, "Pages:") == 0) pages_line = long(i);
  PPOCR_CHECK_AS(pages_line >= 0, kInvalidInput, what, ": not a readable PDF (corrupt, truncated, encrypted or not a PDF)");
  char* end = nullptr;
  long n = std::strtol(lines[size_t(pages_line)].c_str() + 6, &end, 10);
  PPOCR_CHECK_AS(n > 0 && n < INT_MAX, kInvalidInput, what, ": PDF has no pages");
  pages = int(n);
  select();
  std::vector<double> w_pt(size_t(to_list()), -1), h_pt(size_t(to_list()), -1);
  std::vector<int> rot(size_t(to_list()), 0);
  for (size_t i = size_t(pages_line) + 1; i < lines.size(); ++i) {
    long page = 0;
    std::string rest;
    if (page_line(lines[i], "size", page, rest)) {
      if (page < 1 || page > to_list()) continue;
      const char* s = rest.c_str();
      double w = std::strtod(s, &end);
      const char* x = std::strstr(end, " x ");
      if (!x) continue;
      double h = std::strtod(x + 3, nullptr);
      w_pt[size_t(page - 1)] = w;
      h_pt[size_t(page - 1)] = h;
    } else if (page_line(lines[i], "rot", page, rest)) {
      if (page >= 1 && page <= to_list()) rot[size_t(page - 1)] = int(std::strtol(rest.c_str(), nullptr, 10));
    }
  }
  sizes.resize(size_t(to_list()));
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (w_pt[i] < 0) continue;  // not listed: unknown until rendered
    int r90 = ((rot[i] % 360) + 360) % 360;
    sizes[i] = r90 == 90 || r90 == 270 ? render_size(h_pt[i], w_pt[i], opts.dpi) : render_size(w_pt[i], h_pt[i], opts.dpi);
  }
}

void PdfDocument::Impl::open_in_process() {
  PPOCR_CHECK_AS(doc, kInvalidInput, what, ": not a readable PDF (corrupt, truncated, encrypted or not a PDF)");
  PPOCR_CHECK_AS(!doc->is_locked(), kInvalidInput, what, ": PDF is encrypted/password-protected");
  pages = doc->pages();
  PPOCR_CHECK_AS(pages > 0, kInvalidInput, what, ": PDF has no pages");
  select();
  sizes.resize(size_t(to_list()));
  for (int i : selected) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    poppler::rectf box = page->page_rect();  // crop box, rotation applied
    sizes[size_t(i)] = render_size(box.width(), box.height(), opts.dpi);
  }
}

PdfDocument PdfDocument::open_file(const std::string& path, const PdfOptions& opts) {
  auto im = std::make_unique<Impl>();
  im->what = path;
  im->opts = opts;
  im->check_options();
  if (use_helpers(opts, path)) {
    im->process = true;
    im->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    PPOCR_CHECK_AS(im->fd >= 0, kInvalidInput, path, ": not a readable PDF (cannot open the file: ", std::strerror(errno), ")");
    struct stat st {};
    PPOCR_CHECK_AS(::fstat(im->fd, &st) == 0 && S_ISREG(st.st_mode), kInvalidInput, path, ": not a regular file");
    ::fcntl(im->fd, F_SETFL, ::fcntl(im->fd, F_GETFL) & ~O_NONBLOCK);
    im->open_with_helper();
    return PdfDocument(std::move(im));
  }
  quiet_poppler();
  std::lock_guard<std::mutex> lock(poppler_mutex());
  im->doc.reset(poppler::document::load_from_file(path));
  im->open_in_process();
  return PdfDocument(std::move(im));
}

PdfDocument PdfDocument::open_memory(std::string bytes, const std::string& what, const PdfOptions& opts) {
  PPOCR_CHECK_AS(!bytes.empty(), kInvalidInput, what, ": empty PDF data");
  PPOCR_CHECK_AS(bytes.size() < size_t(INT_MAX), kTooLarge, what, ": PDF too large");
  auto im = std::make_unique<Impl>();
  im->what = what;
  im->opts = opts;
  im->check_options();
  if (use_helpers(opts, what)) {
    im->process = true;
    im->fd = ::memfd_create("ppocr-pdf", MFD_CLOEXEC);
    PPOCR_CHECK(im->fd >= 0, what, ": cannot hold the PDF for its renderer (memfd_create: ", std::strerror(errno), ")");
    for (size_t off = 0; off < bytes.size();) {
      ssize_t k = ::write(im->fd, bytes.data() + off, bytes.size() - off);
      if (k < 0 && errno == EINTR) continue;
      PPOCR_CHECK(k > 0, what, ": cannot hold the PDF for its renderer (", std::strerror(errno), ")");
      off += size_t(k);
    }
    std::string().swap(bytes);  // the helpers read the memfd
    im->open_with_helper();
    return PdfDocument(std::move(im));
  }
  quiet_poppler();
  im->bytes = std::move(bytes);
  std::lock_guard<std::mutex> lock(poppler_mutex());
  im->doc.reset(poppler::document::load_from_raw_data(im->bytes.data(), int(im->bytes.size())));
  im->open_in_process();
  return PdfDocument(std::move(im));
}

int PdfDocument::page_count() const { return impl_->pages; }

const std::vector<int>& PdfDocument::selected_pages() const { return impl_->selected; }

int PdfDocument::pages_to_render() const { return int(impl_->selected.size()); }

PdfPageSize PdfDocument::page_size(int index) const {
  PPOCR_CHECK(index >= 0 && size_t(index) < impl_->sizes.size(), impl_->what, ": page index ", index,
              " is not one of the pages to render");
  return impl_->sizes[size_t(index)];
}

const std::string& PdfDocument::name() const { return impl_->what; }

bool PdfDocument::renders_in_process() const { return !impl_->process; }

namespace {

// Refuses a page whose size (known before rendering) is over the limit or
// cannot be rendered at all.
void check_page_size(const std::string& what, int index, double w, double h, const PdfOptions& o) {
  PPOCR_CHECK_AS(w >= 1 && h >= 1, kInvalidInput, what, ": page ", index, " has an empty or invalid size");
  PPOCR_CHECK_AS(o.max_pixels <= 0 || w * h <= double(o.max_pixels), kTooLarge, what, ": page ", index,
                 " would render to ", num(w), "x", num(h), " pixels, which exceeds the limit of ", o.max_pixels, " pixels",
                 hint(o.max_pixels_name));
  // Whatever the limit, a row of 4-byte pixels must fit poppler's int sizes.
  PPOCR_CHECK_AS(w < INT_MAX / 4 && h < INT_MAX / 4, kTooLarge, what, ": page ", index, " would render to ", num(w), "x",
                 num(h), " pixels, too large to render");
}

// pdftoppm's output: "P6\n<w> <h>\n255\n" then w*h RGB triples. The size is
// checked before the image is allocated.
struct PpmReader {
  const std::string& what;
  int index;
  const PdfOptions& opts;
  std::string head;
  bool have_head = false;
  cv::Mat img;
  size_t filled = 0, need = 0;
  std::string error;
  ErrorCode code = ErrorCode::kInvalidInput;

  PpmReader(const std::string& w, int i, const PdfOptions& o) : what(w), index(i), opts(o) {}
  bool fail(const char* why) {
    error = what + ": cannot render page " + std::to_string(index) + " (" + why + ")";
    return false;
  }
  // The header's length once `head` holds all of it, 0 while incomplete, -1 when malformed.
  long header_length(long long v[3]) const {
    if (head.size() < 2) return 0;
    if (head[0] != 'P' || head[1] != '6') return -1;
    size_t i = 2;
    for (int f = 0; f < 3; ++f) {
      size_t ws = i;
      while (i < head.size() && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
      if (i == ws) return i < head.size() ? -1 : 0;
      size_t s = i;
      while (i < head.size() && std::isdigit(static_cast<unsigned char>(head[i]))) ++i;
      if (i >= head.size()) return 0;
      if (i == s || i - s > 12) return -1;
      v[f] = std::atoll(head.c_str() + s);
    }
    if (!std::isspace(static_cast<unsigned char>(head[i]))) return -1;
    return long(i + 1);  // one whitespace byte after maxval
  }
  bool feed(const char* p, size_t n) {
    if (have_head) {
      if (n > need - filled) return fail("more image data than its size");
      std::memcpy(img.data + filled, p, n);
      filled += n;
      return true;
    }
    head.append(p, n);
    long long v[3] = {0, 0, 0};
    long len = header_length(v);
    if (len < 0 || (len == 0 && head.size() > 64)) return fail("bad PPM header");
    if (len == 0) return true;  // more to come
    if (v[2] != 255) return fail("unexpected PPM depth");
    try {
      check_page_size(what, index, double(v[0]), double(v[1]), opts);
    } catch (const Error& e) {
      error = e.what();
      code = e.code();
      return false;
    }
    img.create(int(v[1]), int(v[0]), CV_8UC3);
    need = size_t(v[0]) * size_t(v[1]) * 3;
    have_head = true;
    std::string rest = head.substr(size_t(len));
    head.clear();
    return rest.empty() || feed(rest.data(), rest.size());
  }
};

}  // namespace

cv::Mat PdfDocument::Impl::render_with_helper(int index) const {
  // Refused before rendering when pdfinfo listed the page (pages past max_pages are not listed).
  if (size_t(index) < sizes.size() && (sizes[size_t(index)].width > 0 || sizes[size_t(index)].height > 0))
    check_page_size(what, index, double(sizes[size_t(index)].width), double(sizes[size_t(index)].height), opts);
  char dpi[32];
  std::snprintf(dpi, sizeof dpi, "%.10g", opts.dpi);
  std::string page = std::to_string(index + 1);
  // -cropbox: the crop box, as poppler-cpp's renderer (pixel-identical output).
  std::vector<std::string> argv = {helpers().pdftoppm, "-r", dpi, "-f", page, "-l", page, "-cropbox", "-aa", "yes",
                                   "-aaVector", "yes", "-"};
  PpmReader ppm(what, index, opts);
  std::lock_guard<std::mutex> lock(mu);
  if (::lseek(fd, 0, SEEK_SET) != 0) fail(what, ": cannot read the PDF (", std::strerror(errno), ")");
  ProcessOutcome r = run_process(argv, fd, [&](const char* p, size_t n) { return ppm.feed(p, n); }, budget());
  if (r.end == ProcessOutcome::End::kStopped) throw Error(ppm.error, ppm.code);
  check_budget(r, "rendering page " + std::to_string(index));
  PPOCR_CHECK_AS(r.ok() && ppm.have_head && ppm.filled == ppm.need, kInvalidInput, what, ": cannot render page ", index);
  // The size pdfinfo gave (from the same crop box; its points are rounded to 6 digits).
  if (size_t(index) < sizes.size() && sizes[size_t(index)].width > 0) {
    const PdfPageSize& want = sizes[size_t(index)];
    PPOCR_CHECK_AS(std::abs(ppm.img.cols - want.width) <= 1 && std::abs(ppm.img.rows - want.height) <= 1, kInvalidInput,
                   what, ": page ", index, " rendered to ", ppm.img.cols, "x", ppm.img.rows, " pixels instead of ",
                   want.width, "x", want.height);
  }
  cv::cvtColor(ppm.img, ppm.img, cv::COLOR_RGB2BGR);
  return ppm.img;
}

cv::Mat PdfDocument::Impl::render_in_process(int index) const {
  std::lock_guard<std::mutex> lock(poppler_mutex());
  std::unique_ptr<poppler::page> page(doc->create_page(index));
  PPOCR_CHECK_AS(page, kInvalidInput, what, ": cannot read page ", index);
  // Checked in floating point: a MediaBox may hold any number (1e30, negative, NaN).
  poppler::rectf box = page->page_rect();
  double scale = opts.dpi / 72.0;
  check_page_size(what, index, std::ceil(std::fabs(box.width()) * scale), std::ceil(std::fabs(box.height()) * scale), opts);
  poppler::page_renderer r;
  r.set_render_hint(poppler::page_renderer::antialiasing, true);
  r.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  r.set_image_format(poppler::image::format_argb32);
  poppler::image img = r.render_page(page.get(), opts.dpi, opts.dpi);
  PPOCR_CHECK_AS(img.is_valid() && img.width() > 0 && img.height() > 0, kInvalidInput, what, ": cannot render page ", index);
  PPOCR_CHECK(img.format() == poppler::image::format_argb32, what, ": unexpected render format on page ", index);
  // argb32 is stored as native-endian 32-bit words: B,G,R,A in memory on little endian.
  cv::Mat bgra(img.height(), img.width(), CV_8UC4, const_cast<char*>(img.const_data()), size_t(img.bytes_per_row()));
  cv::Mat bgr;
  cv::cvtColor(bgra, bgr, cv::COLOR_BGRA2BGR);
  return bgr;
}

cv::Mat PdfDocument::render_page(int index) const {
  PPOCR_CHECK(index >= 0 && index < impl_->pages, impl_->what, ": page index ", index, " out of range (", impl_->pages,
              " pages)");
  return impl_->process ? impl_->render_with_helper(index) : impl_->render_in_process(index);
}

}  // namespace ppocr::io
