// PDF rendering in helper processes (poppler-utils): the same pixels as
// poppler-cpp in process, a time and memory budget per page, cancellation that
// kills the render at once, no lock shared between documents, and a total
// pixel budget per stream checked before the first page renders.
#include <gtest/gtest.h>
#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "common/shared.h"
#include "engine/error.h"
#include "io/hostile_samples.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "io/pdf.h"

using namespace ppocr;
using namespace ppocr::io;

namespace {

std::optional<Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Child processes of this process that are still there (zombies included).
int children() {
  int n = 0;
  std::string me = std::to_string(getpid());
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    std::ifstream f(std::string("/proc/") + e->d_name + "/stat");
    std::string pid, comm, state, ppid;
    if (f >> pid >> comm >> state >> ppid && ppid == me) ++n;
  }
  if (d) closedir(d);
  return n;
}

#define REQUIRE_HELPERS()                                                              \
  do {                                                                                 \
    if (!pdf_helpers_available()) GTEST_SKIP() << "poppler-utils (pdftoppm) not installed"; \
  } while (0)

PdfOptions process_options() {
  PdfOptions o;
  o.renderer = PdfRenderer::kProcess;
  return o;
}

}  // namespace

TEST(PdfProcess, SamePixelsAsPopplerInProcess) {
  REQUIRE_HELPERS();
  std::vector<std::string> pdfs = {ppocr::test::pages_pdf(2, 300, 200)};
  for (const char* f : {"data/pdf/pdflatex-4-pages.pdf", "data/pdf/linn.pdf"})
    if (ppocr::test::shared_exists(f)) pdfs.push_back(read_file_bytes(ppocr::test::shared_path(f)));
  PdfOptions in = process_options();
  in.renderer = PdfRenderer::kInProcess;
  for (const auto& bytes : pdfs) {
    PdfDocument a = PdfDocument::open_memory(bytes, "a.pdf", process_options());
    PdfDocument b = PdfDocument::open_memory(bytes, "b.pdf", in);
    EXPECT_FALSE(a.renders_in_process());
    EXPECT_TRUE(b.renders_in_process());
    ASSERT_EQ(a.page_count(), b.page_count());
    for (int i = 0; i < std::min(2, a.page_count()); ++i) {
      cv::Mat x = a.render_page(i), y = b.render_page(i);
      ASSERT_EQ(x.size(), y.size());
      EXPECT_EQ(cv::norm(x, y, cv::NORM_INF), 0) << "page " << i;
      EXPECT_EQ(a.page_size(i).width, x.cols);
      EXPECT_EQ(a.page_size(i).height, x.rows);
    }
  }
}

TEST(PdfProcess, ErrorsAreTheSameAsInProcess) {
  REQUIRE_HELPERS();
  auto msg = [](const std::function<void()>& f) {
    auto e = error_of(f);
    return e ? std::string(e->what()) : std::string("no error");
  };
  EXPECT_NE(msg([] { PdfDocument::open_memory(ppocr::test::zero_page_pdf(), "z.pdf", process_options()); }).find("no pages"),
            std::string::npos);
  EXPECT_NE(msg([] { PdfDocument::open_memory(ppocr::test::encrypted_pdf(), "e.pdf", process_options()); }).find("encrypted"),
            std::string::npos);
  EXPECT_NE(msg([] { PdfDocument::open_memory("%PDF-1.4\ngarbage", "g.pdf", process_options()); }).find("not a readable PDF"),
            std::string::npos);
  EXPECT_NE(msg([] { PdfDocument::open_file("/nonexistent.pdf", process_options()); }).find("not a readable PDF"),
            std::string::npos);
  // Metadata that fakes pdfinfo's output lines changes nothing.
  std::string title = ppocr::test::make_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
       "<< /Title (x\nPages: 99\nPage    1 size: 1 x 1 pts\nEncrypted: no) >>"},
      "/Info 4 0 R");
  PdfDocument d = PdfDocument::open_memory(title, "t.pdf", process_options());
  EXPECT_EQ(d.page_count(), 1);
  EXPECT_EQ(d.page_size(0).width, 400);
  EXPECT_EQ(d.page_size(0).height, 200);
  // A crop box and /Rotate: the rendered size.
  std::string rot = ppocr::test::make_pdf(
      {"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /CropBox [10 10 110 60] /Rotate 90 >>"},
      "");
  PdfDocument r = PdfDocument::open_memory(rot, "r.pdf", process_options());
  cv::Mat page = r.render_page(0);
  EXPECT_EQ(page.size(), cv::Size(100, 200));
  EXPECT_EQ(r.page_size(0).width, 100);
  EXPECT_EQ(r.page_size(0).height, 200);
}

// The 2-million-operator page: its render is killed at the time budget, and
// at once when cancelled; no helper process is left behind.
TEST(PdfProcess, StallingPageStopsAtItsBudgetAndOnCancel) {
  REQUIRE_HELPERS();
  const std::string pdf = ppocr::test::stall_pdf();
  EXPECT_LT(pdf.size(), 100'000u);
  const int before = children();
  PdfOptions o = process_options();
  o.page_timeout_s = 1;
  o.page_timeout_name = "--pdf_page_timeout_s";
  PdfDocument d = PdfDocument::open_memory(pdf, "stall.pdf", o);
  auto t0 = std::chrono::steady_clock::now();
  auto e = error_of([&] { d.render_page(0); });
  double took = since(t0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kTooLarge);
  EXPECT_NE(std::string(e->what()).find("time budget of 1 s (--pdf_page_timeout_s)"), std::string::npos) << e->what();
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 2.0);
  // Cancelled from another thread after 0.3 s.
  std::atomic<bool> cancel{false};
  o.page_timeout_s = 0;
  o.cancelled = [&] { return cancel.load(); };
  PdfDocument c = PdfDocument::open_memory(pdf, "stall.pdf", o);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel = true;
  });
  t0 = std::chrono::steady_clock::now();
  e = error_of([&] { c.render_page(0); });
  took = since(t0);
  canceller.join();
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("cancelled"), std::string::npos) << e->what();
  EXPECT_LT(took, 1.0);
  EXPECT_EQ(children(), before);
}

// While one document's page renders for long, other documents render at once
// (nothing is shared between them).
TEST(PdfProcess, NoLockAcrossDocuments) {
  REQUIRE_HELPERS();
  PdfOptions o = process_options();
  o.page_timeout_s = 2;
  std::thread slow([&] {
    PdfDocument d = PdfDocument::open_memory(ppocr::test::stall_pdf(), "stall.pdf", o);
    (void)error_of([&] { d.render_page(0); });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto t0 = std::chrono::steady_clock::now();
  PdfDocument small = PdfDocument::open_memory(ppocr::test::pages_pdf(1, 200, 100), "small.pdf", o);
  cv::Mat m = small.render_page(0);
  EXPECT_LT(since(t0), 1.5);
  EXPECT_EQ(m.size(), cv::Size(400, 200));
  slow.join();
}

TEST(PdfProcess, MemoryBudgetPerPage) {
  REQUIRE_HELPERS();
  PdfOptions o = process_options();
  o.max_pixels = 0;                     // no pixel limit: the memory budget is what stops it
  o.page_max_bytes = size_t(64) << 20;  // 64 MiB of address space for the helper
  o.page_max_bytes_name = "--pdf_page_mb";
  o.page_timeout_s = 20;
  PdfDocument d = PdfDocument::open_memory(ppocr::test::pages_pdf(1, 6000, 6000), "big.pdf", o);  // 12000x12000 px
  auto t0 = std::chrono::steady_clock::now();
  auto e = error_of([&] { d.render_page(0); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kTooLarge) << e->what();
  EXPECT_NE(std::string(e->what()).find("memory"), std::string::npos) << e->what();
  EXPECT_LT(since(t0), 5.0);
}

TEST(PdfProcess, PageOverThePixelLimitIsRefusedBeforeRendering) {
  REQUIRE_HELPERS();
  PdfOptions o = process_options();
  o.max_pixels = 40'000'000;
  PdfDocument big = PdfDocument::open_memory(ppocr::test::one_page_pdf(14400, 14400), "big.pdf", o);
  EXPECT_EQ(big.page_size(0).width, 28800);
  auto t0 = std::chrono::steady_clock::now();
  auto e = error_of([&] { big.render_page(0); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kTooLarge);
  EXPECT_NE(std::string(e->what()).find("28800x28800"), std::string::npos) << e->what();
  EXPECT_LT(since(t0), 0.5);
}

// The stream's total budget: a PDF whose pages to render would go over is
// refused when opened, before any page renders.
TEST(PdfProcess, TotalPixelBudgetIsCheckedBeforeTheFirstPage) {
  REQUIRE_HELPERS();
  const std::string pdf = ppocr::test::pages_pdf(3, 500, 500);  // 1000x1000 px per page at 144 dpi
  InputOptions in;
  in.pdf = process_options();
  in.max_total_pixels = 2'999'999;
  in.max_total_pixels_name = "--max_request_pixels";
  InputStream s = InputStream::from_memory(pdf, "three.pdf", InputKind::Pdf, in);
  InputItem it;
  ASSERT_TRUE(s.next(it));
  EXPECT_FALSE(it.ok());
  EXPECT_EQ(it.error_code, ErrorCode::kTooLarge);
  EXPECT_NE(it.error.find("3 pages to process would render to 3000000 pixels"), std::string::npos) << it.error;
  EXPECT_NE(it.error.find("(--max_request_pixels)"), std::string::npos) << it.error;
  EXPECT_FALSE(s.next(it));
  in.max_total_pixels = 3'000'000;
  EXPECT_EQ(decode_all(pdf, "three.pdf", InputKind::Pdf, in).size(), 3u);
  in.pdf.max_pages = 2;  // only the pages to render count
  in.max_total_pixels = 2'000'000;
  EXPECT_EQ(decode_all(pdf, "three.pdf", InputKind::Pdf, in).size(), 2u);
}

TEST(PdfProcess, ProcessRendererIsRequiredWhenAsked) {
  if (pdf_helpers_available()) {
    EXPECT_FALSE(PdfDocument::open_memory(ppocr::test::pages_pdf(1, 100, 100), "a.pdf", process_options())
                     .renders_in_process());
  } else {
    auto e = error_of([] { PdfDocument::open_memory(ppocr::test::pages_pdf(1, 100, 100), "a.pdf", process_options()); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code(), ErrorCode::kUnsupported);
  }
}
