// PDF inputs: page count, page_index, 144 dpi rendering, page limit, memory input.
#include <gtest/gtest.h>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "io/pdf.h"

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
