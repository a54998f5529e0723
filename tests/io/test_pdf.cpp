// PDF inputs: page count, page_index, 144 dpi rendering, page limit, memory input,
// error codes, concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <optional>
#include <thread>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "io/pdf.h"
#include "server/pdf_samples.h"  // hand-built PDFs (zero pages, encrypted, any MediaBox)

using namespace ppocr;
using namespace ppocr::io;

TEST(Pdf, MultipageGivesSixPagesWithPageIndex) {
  REQUIRE_SHARED("data/pdf/multipage.pdf");
  std::string path = ppocr::test::shared_path("data/pdf/multipage.pdf");
  InputStream s({path});
  EXPECT_TRUE(s.is_batch());
  InputItem it;
  int n = 0;
  while (s.next(it)) {
    ASSERT_TRUE(it.ok()) << it.error;
    EXPECT_EQ(it.page_index, n);
    EXPECT_EQ(it.page_count, 6);
    EXPECT_EQ(it.input_path, path);
    EXPECT_EQ(it.name, "multipage");
    EXPECT_EQ(it.image.type(), CV_8UC3);
    EXPECT_GT(it.image.cols, 100);
    if (n == 0) {
      EXPECT_EQ(s.known_remaining(), 5);
    }
    ++n;
  }
  EXPECT_EQ(n, 6);
}

TEST(Pdf, RendersAt144DpiAndHonoursPageLimit) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  std::string path = ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf");
  PdfOptions o;
  PdfDocument d72 = PdfDocument::open_file(path, [] { PdfOptions p; p.dpi = 72; return p; }());
  PdfDocument d = PdfDocument::open_file(path, o);
  EXPECT_EQ(d.page_count(), 4);
  cv::Mat a = d72.render_page(0), b = d.render_page(0);
  EXPECT_NEAR(b.cols, 2 * a.cols, 2);
  EXPECT_NEAR(b.rows, 2 * a.rows, 2);
  // Born-digital text: the page is mostly white with dark text somewhere.
  cv::Scalar mean = cv::mean(b);
  EXPECT_GT(mean[0], 200);
  double mn;
  cv::minMaxLoc(b.reshape(1), &mn);
  EXPECT_LT(mn, 60);

  o.max_pages = 2;
  InputOptions io;
  io.pdf = o;
  InputStream s({path}, io);
  InputItem it;
  int n = 0;
  while (s.next(it)) ++n;
  EXPECT_EQ(n, 2);
}

TEST(Pdf, FromMemoryMatchesFile) {
  REQUIRE_SHARED("data/pdf/multipage.pdf");
  std::string path = ppocr::test::shared_path("data/pdf/multipage.pdf");
  std::string bytes = read_file_bytes(path);
  PdfOptions o;
  o.max_pages = 1;
  InputOptions io;
  io.pdf = o;
  auto items = decode_all(bytes, "upload.pdf", InputKind::Auto, io);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].page_index, 0);
  EXPECT_EQ(items[0].input_path, "");
  cv::Mat from_file = PdfDocument::open_file(path).render_page(0);
  ASSERT_EQ(items[0].image.size(), from_file.size());
  EXPECT_EQ(cv::norm(items[0].image, from_file, cv::NORM_INF), 0);
}

TEST(Pdf, ErrorsCarryTheirCode) {
  auto code_of = [](const std::function<void()>& f) -> std::optional<ErrorCode> {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  using ppocr::test::make_pdf;
  EXPECT_EQ(code_of([] { PdfDocument::open_memory(ppocr::test::zero_page_pdf(), "zero.pdf"); }), ErrorCode::kInvalidInput);
  EXPECT_EQ(code_of([] { PdfDocument::open_memory(ppocr::test::encrypted_pdf(), "enc.pdf"); }), ErrorCode::kInvalidInput);
  EXPECT_EQ(code_of([] { PdfDocument::open_memory("%PDF-1.4\ngarbage", "junk.pdf"); }), ErrorCode::kInvalidInput);
  PdfOptions o;
  o.max_pixels = 40'000'000;
  PdfDocument big = PdfDocument::open_memory(ppocr::test::one_page_pdf(14400, 14400), "big.pdf", o);
  try {
    big.render_page(0);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTooLarge);
    EXPECT_NE(std::string(e.what()).find("28800x28800"), std::string::npos) << e.what();
  }
  // Absurd MediaBoxes: poppler falls back to a default page size, or io refuses them with
  // a classified error; never an unclassified one, and no limit of the caller's is needed.
  o.max_pixels = 0;
  o.dpi = 36;
  for (const char* box : {"[0 0 0 0]", "[0 0 -5 100]", "[0 0 1e30 1e30]", "[0 0 nan 1]", "[]"}) {
    std::string pdf = make_pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                std::string("<< /Type /Page /Parent 2 0 R /MediaBox ") + box + " >>"},
                               "");
    auto c = code_of([&] { PdfDocument::open_memory(pdf, "box.pdf", o).render_page(0); });
    if (c) EXPECT_TRUE(*c == ErrorCode::kInvalidInput || *c == ErrorCode::kTooLarge) << box << ": " << int(*c);
  }
}

// Several threads open, render and close different documents at once (the
// server's workers do): poppler calls are serialised inside io.
TEST(Pdf, ConcurrentDocumentsRenderTheSameAsAlone) {
  std::vector<std::string> pdfs = {ppocr::test::one_page_pdf(200, 100), ppocr::test::one_page_pdf(300, 150)};
  if (ppocr::test::shared_exists("data/pdf/pdflatex-4-pages.pdf"))
    pdfs.push_back(read_file_bytes(ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf")));
  PdfOptions o;
  o.dpi = 72;
  std::vector<cv::Mat> alone;
  for (const auto& p : pdfs) alone.push_back(PdfDocument::open_memory(p, "alone.pdf", o).render_page(0));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0}, errors{0};
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        size_t k = size_t(t + round) % pdfs.size();
        try {
          cv::Mat m = PdfDocument::open_memory(pdfs[k], "concurrent.pdf", o).render_page(0);
          if (m.size() != alone[k].size() || cv::norm(m, alone[k], cv::NORM_INF) != 0) ++mismatches;
        } catch (const Error&) {
          ++errors;
        }
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}
