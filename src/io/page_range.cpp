#include "io/page_range.h"

#include <algorithm>
#include <cctype>
#include <climits>

#include "engine/error.h"

namespace ppocr::io {
namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A page number >= 1; -1 when `s` is not one.
int page_number(const std::string& s) {
  if (s.empty() || s.size() > 9) return -1;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  int v = std::stoi(s);
  return v >= 1 ? v : -1;
}

}  // namespace

std::vector<PageRange> parse_page_ranges(const std::string& text, const std::string& where) {
  std::vector<PageRange> out;
  if (trim(text).empty()) return out;
  auto bad = [&](const std::string& item) {
    fail_as(ErrorCode::kInvalidArgument, where, ": '", item,
            "' is not a page or range of pages (write them like 1,3-5,8-: 1-based, first <= last)");
  };
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    PageRange r;
    size_t dash = item.find('-');
    if (dash == std::string::npos) {
      r.first = r.last = page_number(item);
      if (r.first < 0) bad(item);
    } else {
      r.first = page_number(trim(item.substr(0, dash)));
      std::string last = trim(item.substr(dash + 1));
      r.last = last.empty() ? 0 : page_number(last);
      if (r.first < 0 || r.last < 0 || (r.last > 0 && r.last < r.first)) bad(item);
    }
    out.push_back(r);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string page_ranges_text(const std::vector<PageRange>& ranges) {
  std::string s;
  for (const PageRange& r : ranges) {
    if (!s.empty()) s += ",";
    s += std::to_string(r.first);
    if (r.last == 0) s += "-";
    else if (r.last != r.first) s += "-" + std::to_string(r.last);
  }
  return s;
}

std::vector<int> select_pages(const std::vector<PageRange>& ranges, int count, int max_pages) {
  std::vector<char> on(size_t(std::max(count, 0)), ranges.empty() ? 1 : 0);
  for (const PageRange& r : ranges) {
    int last = r.last == 0 ? count : std::min(r.last, count);
    for (int p = r.first; p <= last; ++p) on[size_t(p - 1)] = 1;
  }
  std::vector<int> out;
  for (int i = 0; i < count && (max_pages <= 0 || int(out.size()) < max_pages); ++i)
    if (on[size_t(i)]) out.push_back(i);
  return out;
}

std::vector<int> select_pages_of(const std::vector<PageRange>& ranges, int count, int max_pages,
                                 const std::string& what) {
  std::vector<int> out = select_pages(ranges, count, max_pages);
  PPOCR_CHECK_AS(!out.empty(), kInvalidInput, what, ": the page range ", page_ranges_text(ranges), " selects none of its ",
                 count, " page", count == 1 ? "" : "s");
  return out;
}

int last_page_needed(const std::vector<PageRange>& ranges, int max_pages) {
  int last = ranges.empty() ? INT_MAX : 0;
  for (const PageRange& r : ranges) last = std::max(last, r.last == 0 ? INT_MAX : r.last);
  // With a cap and one closed range starting at `first`, no page past first + cap - 1 is needed.
  if (max_pages > 0) {
    int first = INT_MAX;
    for (const PageRange& r : ranges) first = std::min(first, r.first);
    if (ranges.empty()) first = 1;
    if (ranges.size() <= 1 && first <= INT_MAX - max_pages) last = std::min(last, first + max_pages - 1);
  }
  return last;
}

}  // namespace ppocr::io
