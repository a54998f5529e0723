#include "modules/text_recognition/word_boxes.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ppocr::modules {
namespace {

// The code point of one UTF-8 sequence (-1 when it is not valid UTF-8).
long code_point(const std::string& s) {
  if (s.empty()) return -1;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  if (b[0] < 0x80) return s.size() == 1 ? b[0] : -1;
  int n = (b[0] & 0xE0) == 0xC0 ? 2 : (b[0] & 0xF0) == 0xE0 ? 3 : (b[0] & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || s.size() != static_cast<size_t>(n)) return -1;
  long cp = b[0] & (0xFF >> (n + 1));
  for (int i = 1; i < n; ++i) cp = (cp << 6) | (b[i] & 0x3F);
  return cp;
}

bool is_ascii_alnum(long c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Polygon rect(int x0, int y0, int x1, int y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }

// PaddleX's sort_boxes(boxes, y_thresh=12): rows by centre y (a box joins the
// row while its centre is within 12 px of the previous one), each row by centre x.
void sort_regions(std::vector<Polygon>& boxes, double y_thresh = 12) {
  struct Item {
    Polygon box;
    double cx, cy;
  };
  std::vector<Item> items;
  for (auto& b : boxes) {
    double cx = 0, cy = 0;
    for (const auto& p : b) cx += p.x, cy += p.y;
    items.push_back({std::move(b), cx / 4, cy / 4});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.cy < b.cy; });
  boxes.clear();
  size_t row_begin = 0;
  for (size_t i = 0; i <= items.size(); ++i) {
    if (i < items.size() && (i == 0 || std::abs(items[i].cy - items[i - 1].cy) < y_thresh)) continue;
    std::stable_sort(items.begin() + row_begin, items.begin() + i,
                     [](const Item& a, const Item& b) { return a.cx < b.cx; });
    for (size_t k = row_begin; k < i; ++k) boxes.push_back(std::move(items[k].box));
    row_begin = i;
  }
}

}  // namespace

std::vector<std::string> utf8_code_points(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    bool ok = i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (!ok) n = 1;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::vector<WordGroup> group_words(const std::vector<std::string>& chars, const std::vector<int>& cols) {
  std::vector<std::string> cps;
  std::vector<int> cp_cols;
  for (size_t i = 0; i < chars.size() && i < cols.size(); ++i)
    for (auto& cp : utf8_code_points(chars[i])) {
      cps.push_back(std::move(cp));
      cp_cols.push_back(cols[i]);
    }
  std::vector<WordGroup> out;
  WordGroup cur;
  bool have_state = false;
  for (size_t i = 0; i < cps.size(); ++i) {
    const long c = code_point(cps[i]);
    WordGroup::Kind kind = c >= 0x4E00 && c <= 0x9FFF ? WordGroup::kCjk
                           : is_ascii_alnum(c)         ? WordGroup::kEnNum
                                                       : WordGroup::kSymbol;
    // A decimal point inside a number, a hyphen inside a word (VGG-16) keep the word going.
    if (c == '.' && have_state && cur.kind == WordGroup::kEnNum && i + 1 < cps.size()) {
      long next = code_point(cps[i + 1]);
      if (next >= '0' && next <= '9') kind = WordGroup::kEnNum;
    }
    if (c == '-' && have_state && cur.kind == WordGroup::kEnNum) kind = WordGroup::kEnNum;
    if (!have_state) {
      cur.kind = kind;
      have_state = true;
    }
    if (cur.kind != kind) {
      if (!cur.chars.empty()) out.push_back(std::move(cur));
      cur = WordGroup{};
      cur.kind = kind;
    }
    cur.chars.push_back(cps[i]);
    cur.cols.push_back(cp_cols[i]);
  }
  if (!cur.chars.empty()) out.push_back(std::move(cur));
  return out;
}

LineWords word_boxes(const Polygon& line, double col_num, const std::vector<WordGroup>& groups) {
  LineWords out;
  if (line.size() < 3 || groups.empty()) return out;
  const int x_start = line[0].x, x_end = line[1].x, y_start = line[0].y, y_end = line[2].y;
  const double cell = col_num > 0 ? (x_end - x_start) / col_num : 0.0;
  // PaddleX keeps only the CJK boxes within the line: a character the model
  // emits in the crop's last columns or in the batch padding puts a word's end
  // past the line (with PP-OCRv6_tiny, 86 of 9,440 words of 50 SROIE receipts
  // and 12 ICDAR 2015 images, by up to 15 px). Here every region is kept
  // within x_start..x_end.
  const int lo = std::min(x_start, x_end), hi = std::max(x_start, x_end);
  auto region = [&](int x0, int x1) { return rect(std::clamp(x0, lo, hi), y_start, std::clamp(x1, lo, hi), y_end); };
  size_t n_code_points = 0;
  std::vector<double> cjk_widths;
  std::vector<int> cjk_cols;
  for (const WordGroup& g : groups) {
    n_code_points += g.chars.size();
    if (g.kind == WordGroup::kCjk) {
      // Each CJK character is a word; their width is the group's column span per character gap.
      if (g.cols.size() != 1)
        cjk_widths.push_back((g.cols.back() - g.cols.front() + 1) * cell / double(g.cols.size() - 1));
      cjk_cols.insert(cjk_cols.end(), g.cols.begin(), g.cols.end());
      out.words.insert(out.words.end(), g.chars.begin(), g.chars.end());
    } else {
      int x0 = x_start + static_cast<int>(g.cols.front() * cell);
      int x1 = x_start + static_cast<int>((g.cols.back() + 1) * cell);
      out.regions.push_back(region(x0, x1));
      std::string word;
      for (const auto& c : g.chars) word += c;
      out.words.push_back(std::move(word));
    }
  }
  if (!cjk_cols.empty()) {
    double avg = cjk_widths.empty()
                     ? (x_end - x_start) / double(n_code_points)
                     : std::accumulate(cjk_widths.begin(), cjk_widths.end(), 0.0) / double(cjk_widths.size());
    for (int col : cjk_cols) {
      double centre = (col + 0.5) * cell;
      int x0 = std::max(static_cast<int>(centre - avg / 2), 0) + x_start;
      int x1 = std::min(static_cast<int>(centre + avg / 2), x_end - x_start) + x_start;
      out.regions.push_back(region(x0, x1));
    }
  }
  sort_regions(out.regions);
  return out;
}

}  // namespace ppocr::modules
