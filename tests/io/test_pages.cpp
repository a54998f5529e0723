// Multi-page inputs: page ranges ("1,3-5,8-"), multi-page TIFFs (every page,
// with page_index, under the same header checks as any image), PDFs with a
// page range, and folders holding PDFs.
#include <gtest/gtest.h>

#include <climits>
#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "io/page_range.h"
#include "io/pdf.h"
#include "ppocr/error.h"

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::io;

namespace {

// A page of its own size and colour, so that each page can be told apart.
cv::Mat page_image(int i) {
  cv::Mat m(40 + 10 * i, 60 + 7 * i, CV_8UC3, cv::Scalar(30 * i, 200 - 40 * i, 90 + 20 * i));
  cv::rectangle(m, {5, 5, 20, 10}, cv::Scalar(0, 0, 0), cv::FILLED);
  return m;
}

// A TIFF of `n` pages, as OpenCV (libtiff) writes it.
std::string tiff_bytes(int n) {
  std::vector<cv::Mat> pages;
  for (int i = 0; i < n; ++i) pages.push_back(page_image(i));
  std::string path = ppocr::test::temp_dir("tiff") + "/pages.tif";
  EXPECT_TRUE(cv::imwritemulti(path, pages));
  return read_file_bytes(path);
}

std::vector<InputItem> all_items(InputStream s) {
  std::vector<InputItem> out;
  InputItem it;
  while (s.next(it)) out.push_back(std::move(it));
  return out;
}

InputOptions with_range(const std::string& range, int max_pages = 0) {
  InputOptions o;
  o.pdf.page_ranges = parse_page_ranges(range);
  o.pdf.max_pages = max_pages;
  return o;
}

std::vector<int> page_indices(const std::vector<InputItem>& items) {
  std::vector<int> out;
  for (const auto& it : items) out.push_back(it.page_index);
  return out;
}

}  // namespace

TEST(PageRange, ParsesPrintStyleRanges) {
  auto r = parse_page_ranges(" 1, 3-5 ,8-");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].first, 1);
  EXPECT_EQ(r[0].last, 1);
  EXPECT_EQ(r[1].first, 3);
  EXPECT_EQ(r[1].last, 5);
  EXPECT_EQ(r[2].first, 8);
  EXPECT_EQ(r[2].last, 0);
  EXPECT_EQ(page_ranges_text(r), "1,3-5,8-");
  EXPECT_TRUE(parse_page_ranges("").empty());
  EXPECT_TRUE(parse_page_ranges("  ").empty());
  for (const char* bad : {"0", "5-3", "a", "1,,2", "-3", "1-2-3", "1.5", "99999999999", ","}) {
    try {
      parse_page_ranges(bad, "--pdf_page_range");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
      EXPECT_EQ(std::string(e.what()).rfind("--pdf_page_range", 0), 0u) << e.what();
    }
  }
}

TEST(PageRange, SelectsPagesInDocumentOrderOnceAndCaps) {
  auto r = parse_page_ranges("8-,3-5,1,4");
  EXPECT_EQ(select_pages(r, 10), (std::vector<int>{0, 2, 3, 4, 7, 8, 9}));
  EXPECT_EQ(select_pages(r, 4), (std::vector<int>{0, 2, 3}));  // pages past the end are left out
  EXPECT_EQ(select_pages(r, 10, 2), (std::vector<int>{0, 2}));
  EXPECT_EQ(select_pages({}, 3), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(select_pages({}, 3, 2), (std::vector<int>{0, 1}));
  EXPECT_TRUE(select_pages(parse_page_ranges("5-"), 4).empty());
  // How far a reader must list page sizes.
  EXPECT_EQ(last_page_needed({}, 0), INT_MAX);
  EXPECT_EQ(last_page_needed({}, 3), 3);
  EXPECT_EQ(last_page_needed(parse_page_ranges("2-4,9"), 0), 9);
  EXPECT_EQ(last_page_needed(parse_page_ranges("6-"), 2), 7);
  EXPECT_EQ(last_page_needed(parse_page_ranges("1,6-"), 2), INT_MAX);
}

TEST(TiffPages, EveryPageWithItsIndex) {
  std::string bytes = tiff_bytes(3);
  EXPECT_EQ(tiff_pages(bytes.data(), bytes.size()).size(), 3u);
  auto items = all_items(InputStream::from_memory(bytes, "scan.tif"));
  ASSERT_EQ(items.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(items[i].ok()) << items[i].error;
    EXPECT_EQ(items[i].page_index, i);
    EXPECT_EQ(items[i].page_count, 3);
    EXPECT_EQ(items[i].name, "scan");
    cv::Mat want = page_image(i);
    ASSERT_EQ(items[i].image.size(), want.size()) << i;
    EXPECT_EQ(cv::norm(items[i].image, want, cv::NORM_INF), 0) << "page " << i << " is not the page written";
  }
}

TEST(TiffPages, FromAFileAndInAFolderWithAPdf) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  std::string dir = ppocr::test::temp_dir("tiff_folder");
  std::ofstream(dir + "/a_scan.tiff", std::ios::binary) << tiff_bytes(2);
  fs::copy_file(ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf"), dir + "/b_doc.pdf");
  cv::imwrite(dir + "/c_photo.png", page_image(5));
  std::ofstream(dir + "/d_notes.txt") << "not an input";
  InputStream s({dir});
  auto items = all_items(std::move(s));
  ASSERT_EQ(items.size(), 2u + 4u + 1u);
  std::vector<std::string> names;
  for (const auto& it : items) {
    ASSERT_TRUE(it.ok()) << it.error;
    names.push_back(it.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a_scan", "a_scan", "b_doc", "b_doc", "b_doc", "b_doc", "c_photo"}));
  EXPECT_EQ(page_indices(items), (std::vector<int>{0, 1, 0, 1, 2, 3, -1}));
  EXPECT_EQ(items[2].input_path, dir + "/b_doc.pdf");
  // A folder's TIFF is read from its file: the first page is the one written.
  EXPECT_EQ(cv::norm(items[0].image, page_image(0), cv::NORM_INF), 0);
}

TEST(TiffPages, PageRangeAndPageCap) {
  std::string bytes = tiff_bytes(4);
  auto items = all_items(InputStream::from_memory(bytes, "t.tif", InputKind::Auto, with_range("2,4-")));
  EXPECT_EQ(page_indices(items), (std::vector<int>{1, 3}));
  EXPECT_EQ(cv::norm(items[1].image, page_image(3), cv::NORM_INF), 0);
  items = all_items(InputStream::from_memory(bytes, "t.tif", InputKind::Auto, with_range("", 3)));
  EXPECT_EQ(page_indices(items), (std::vector<int>{0, 1, 2}));
  // A range that selects none of the pages: one item, the error.
  items = all_items(InputStream::from_memory(bytes, "t.tif", InputKind::Auto, with_range("5-9")));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].ok());
  EXPECT_EQ(items[0].error_code, ErrorCode::kInvalidInput);
  EXPECT_NE(items[0].error.find("selects none of its 4 pages"), std::string::npos) << items[0].error;
  // A single-page TIFF is an image (no page_index), whatever the range.
  items = all_items(InputStream::from_memory(tiff_bytes(1), "one.tif", InputKind::Auto, with_range("3")));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].ok()) << items[0].error;
  EXPECT_EQ(items[0].page_index, -1);
}

TEST(TiffPages, EachPageUnderTheImageChecksAndTheRequestBudget) {
  // Page 2 claims 100000 x 100000 pixels in its header: refused before decoding, pages 0 and 1 still given.
  std::string bytes = tiff_bytes(3);
  auto pages = tiff_pages(bytes.data(), bytes.size());
  ASSERT_EQ(pages.size(), 3u);
  std::string bomb = bytes;
  set_tiff_first_page(bomb, pages[2]);
  ImageSize sz;
  ASSERT_TRUE(probe_image_size(bomb.data(), bomb.size(), sz));
  // Rewrite page 2's width/height (SHORT or LONG entries) to 100000 as LONG values.
  const size_t ifd = size_t(pages[2]);
  const bool le = bytes[0] == 'I';
  auto rd16 = [&](size_t o) { return le ? (uint8_t(bytes[o]) | uint8_t(bytes[o + 1]) << 8) : (uint8_t(bytes[o]) << 8 | uint8_t(bytes[o + 1])); };
  auto wr = [&](size_t o, uint32_t v, int w) {
    for (int k = 0; k < w; ++k) bytes[o + size_t(k)] = char(le ? (v >> (8 * k)) : (v >> (8 * (w - 1 - k))));
  };
  const int count = rd16(ifd);
  for (int k = 0; k < count; ++k) {
    size_t e = ifd + 2 + size_t(k) * 12;
    int tag = rd16(e);
    if (tag == 256 || tag == 257) {
      wr(e + 2, 4, 2);       // LONG
      wr(e + 8, 100000, 4);  // value
    }
  }
  auto items = all_items(InputStream::from_memory(bytes, "bomb.tif"));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_TRUE(items[0].ok()) << items[0].error;
  EXPECT_TRUE(items[1].ok()) << items[1].error;
  EXPECT_FALSE(items[2].ok());
  EXPECT_EQ(items[2].error_code, ErrorCode::kTooLarge) << items[2].error;
  EXPECT_NE(items[2].error.find("page 2"), std::string::npos) << items[2].error;

  // The budget of all pages together is checked when the TIFF is opened.
  InputOptions o;
  o.max_total_pixels = 3 * 40 * 60;  // less than the three pages' pixels
  items = all_items(InputStream::from_memory(tiff_bytes(3), "t.tif", InputKind::Auto, o));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].error_code, ErrorCode::kTooLarge) << items[0].error;
}

TEST(TiffPages, ALoopingDirectoryChainEnds) {
  std::string bytes = tiff_bytes(2);
  auto pages = tiff_pages(bytes.data(), bytes.size());
  ASSERT_EQ(pages.size(), 2u);
  // Point page 1's "next directory" back at page 0.
  const bool le = bytes[0] == 'I';
  const size_t ifd = size_t(pages[1]);
  const int count = le ? (uint8_t(bytes[ifd]) | uint8_t(bytes[ifd + 1]) << 8) : (uint8_t(bytes[ifd]) << 8 | uint8_t(bytes[ifd + 1]));
  const size_t next = ifd + 2 + size_t(count) * 12;
  for (int k = 0; k < 4; ++k)
    bytes[next + size_t(k)] = char(le ? (pages[0] >> (8 * k)) : (pages[0] >> (8 * (3 - k))));
  EXPECT_EQ(tiff_pages(bytes.data(), bytes.size()).size(), 2u);
  auto items = all_items(InputStream::from_memory(bytes, "loop.tif"));
  EXPECT_EQ(items.size(), 2u);
  // Truncated in the middle of the second directory: one page, an image.
  std::string cut = bytes.substr(0, ifd + 6);
  EXPECT_EQ(tiff_pages(cut.data(), cut.size()).size(), 1u);
}

// A crafted chain of 100,000 tiny directories (1.8 MB) is walked once, each
// directory checked against those seen in constant time; the pages past the
// cap are not listed.
TEST(TiffPages, LongDirectoryChainsAreCapped) {
  const uint32_t n = 100000;
  std::string b("II*\0\x08\0\0\0", 8);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t next = i + 1 < n ? 8 + (i + 1) * 18 : 0;
    char ifd[18] = {1, 0, 0, 1, 3, 0, 1, 0, 0, 0, 8, 0, 0, 0};  // one entry: ImageWidth (SHORT) = 8
    for (int k = 0; k < 4; ++k) ifd[14 + k] = char((next >> (8 * k)) & 0xFF);
    b.append(ifd, sizeof ifd);
  }
  EXPECT_EQ(tiff_pages(b.data(), b.size()).size(), size_t(n));
  EXPECT_EQ(tiff_pages(b.data(), b.size(), 10).size(), 10u);
}

TEST(PdfPages, PageRangeSelectsPagesAndListsOnlyThose) {
  REQUIRE_SHARED("data/pdf/multipage.pdf");
  std::string path = ppocr::test::shared_path("data/pdf/multipage.pdf");
  for (PdfRenderer r : {PdfRenderer::kAuto, PdfRenderer::kInProcess}) {
    InputOptions o = with_range("2,4-5");
    o.pdf.renderer = r;
    InputStream s({path}, o);
    InputItem it;
    ASSERT_TRUE(s.next(it));
    EXPECT_EQ(s.known_remaining(), 2);
    auto items = all_items(std::move(s));
    items.insert(items.begin(), std::move(it));
    EXPECT_EQ(page_indices(items), (std::vector<int>{1, 3, 4}));
    for (const auto& x : items) {
      ASSERT_TRUE(x.ok()) << x.error;
      EXPECT_EQ(x.page_count, 6);
    }
    // The same page as read without a range.
    PdfDocument d = PdfDocument::open_file(path, o.pdf);
    EXPECT_EQ(d.selected_pages(), (std::vector<int>{1, 3, 4}));
    EXPECT_EQ(cv::norm(d.render_page(3), items[1].image, cv::NORM_INF), 0);
    // Range, then cap.
    o = with_range("3-", 2);
    o.pdf.renderer = r;
    EXPECT_EQ(page_indices(all_items(InputStream({path}, o))), (std::vector<int>{2, 3}));
    o = with_range("7-9");
    o.pdf.renderer = r;
    auto none = all_items(InputStream({path}, o));
    ASSERT_EQ(none.size(), 1u);
    EXPECT_EQ(none[0].error_code, ErrorCode::kInvalidInput);
    EXPECT_NE(none[0].error.find("selects none of its 6 pages"), std::string::npos) << none[0].error;
  }
}
