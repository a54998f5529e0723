// Page selections of multi-page inputs (PDFs, multi-page TIFFs), written as
// people write print ranges: "1,3-5,8-" (1-based, inclusive; "8-" = page 8 to
// the end). PaddleOCR's hosted API takes the same kind of `page_ranges`.
#pragma once
#include <string>
#include <vector>

namespace ppocr::io {

struct PageRange {
  int first = 1;  // 1-based
  int last = 0;   // 1-based, inclusive; 0 = to the last page
};

// Parses "1,3-5,8-" (spaces allowed around numbers and commas); "" gives no
// ranges (= every page). Error(kInvalidArgument) naming `where` for anything
// else: "0", "5-3", "a", "1,,2".
std::vector<PageRange> parse_page_ranges(const std::string& text, const std::string& where = "page range");

// The ranges as text again ("1,3-5,8-"), for messages.
std::string page_ranges_text(const std::vector<PageRange>& ranges);

// 0-based indices of the pages of a `count`-page document that `ranges`
// select (all when empty), in document order, each once, the first
// `max_pages` of them (0 = no cap). Pages past the end are left out.
std::vector<int> select_pages(const std::vector<PageRange>& ranges, int count, int max_pages = 0);

// select_pages for a document named `what`; Error(kInvalidInput) when the
// ranges select none of its pages.
std::vector<int> select_pages_of(const std::vector<PageRange>& ranges, int count, int max_pages, const std::string& what);

// The highest 1-based page number select_pages can return for these ranges
// and cap, whatever the page count (INT_MAX when open-ended): how far a
// reader must list page sizes.
int last_page_needed(const std::vector<PageRange>& ranges, int max_pages = 0);

}  // namespace ppocr::io
