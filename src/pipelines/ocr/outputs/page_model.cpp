#include "pipelines/ocr/outputs/page_model.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <type_traits>
#include <utility>

namespace ppocr::outputs {
namespace {

Box box_of_points(const Polygon& p) {
  Box b{INT_MAX, INT_MAX, INT_MIN, INT_MIN};
  for (const auto& pt : p) {
    b[0] = std::min(b[0], pt.x);
    b[1] = std::min(b[1], pt.y);
    b[2] = std::max(b[2], pt.x);
    b[3] = std::max(b[3], pt.y);
  }
  if (p.empty()) b = {0, 0, 0, 0};
  return b;
}

// ---- Word boxes, when OCRResult has them ----
// PaddleOCR 3.x's return_word_box adds text_word (per line, its words) and
// text_word_region (per line, each word's polygon) to the result. They are
// picked up here as soon as OCRResult has members of those names, whatever
// their exact container types (a word's region: points with .x/.y, or 4
// numbers x_min, y_min, x_max, y_max).
template <class R, class = void>
struct HasWordBoxes : std::false_type {};
template <class R>
struct HasWordBoxes<R, std::void_t<decltype(std::declval<const R&>().text_word),
                                   decltype(std::declval<const R&>().text_word_region)>> : std::true_type {};

template <class T, class = void>
struct IsPoint : std::false_type {};
template <class T>
struct IsPoint<T, std::void_t<decltype(std::declval<const T&>().x), decltype(std::declval<const T&>().y)>>
    : std::true_type {};

template <class Region>
bool region_box(const Region& region, Box& b) {
  using Elem = std::decay_t<decltype(*std::begin(region))>;
  if constexpr (IsPoint<Elem>::value) {
    Polygon p;
    for (const auto& pt : region) p.emplace_back(int(pt.x), int(pt.y));
    if (p.empty()) return false;
    b = box_of_points(p);
    return true;
  } else if constexpr (std::is_arithmetic_v<Elem>) {
    std::vector<double> v(std::begin(region), std::end(region));
    if (v.size() == 4) {
      b = {int(v[0]), int(v[1]), int(v[2]), int(v[3])};
      return true;
    }
    if (v.size() >= 6 && v.size() % 2 == 0) {  // flat x, y pairs
      Polygon p;
      for (size_t i = 0; i + 1 < v.size(); i += 2) p.emplace_back(int(v[i]), int(v[i + 1]));
      b = box_of_points(p);
      return true;
    }
    return false;
  } else {
    return false;
  }
}

template <class R>
void add_words(const R& r, PageModel& m) {
  if constexpr (HasWordBoxes<R>::value) {
    if (!r.return_word_box) return;
    size_t n = std::min({m.lines.size(), std::size(r.text_word), std::size(r.text_word_region)});
    for (size_t i = 0; i < n; ++i) {
      const auto& texts = r.text_word[i];
      const auto& regions = r.text_word_region[i];
      if (std::size(texts) != std::size(regions)) continue;
      std::vector<Word> words;
      auto t = std::begin(texts);
      bool ok = true;
      for (const auto& region : regions) {
        Word w;
        w.text = std::string(*t++);
        w.score = m.lines[i].score;
        if (!region_box(region, w.box)) ok = false;
        // Whitespace "words" are the gaps between words, not words; a word's own
        // spaces (PaddleX's " (") are not part of it.
        size_t a = w.text.find_first_not_of(" \t"), z = w.text.find_last_not_of(" \t");
        if (a == std::string::npos) continue;
        w.text = w.text.substr(a, z - a + 1);
        words.push_back(std::move(w));
      }
      if (ok) m.lines[i].words = std::move(words);
    }
  } else {
    (void)r;
    (void)m;
  }
}

}  // namespace

bool is_vertical(const Box& b, const std::string& text) {
  int w = b[2] - b[0], h = b[3] - b[1];
  return h >= 1.5 * w && utf8_decode(text).size() > 1;
}

PageModel page_model(const OCRResult& r) {
  PageModel m;
  m.width = r.image.cols;
  m.height = r.image.rows;
  if (!r.input_path.empty()) m.image_name = std::filesystem::path(r.input_path).filename().string();
  m.page_index = r.page_index;
  size_t n = r.rec_texts.size();
  m.lines.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Line& l = m.lines[i];
    l.index = int(i);
    l.text = r.rec_texts[i];
    l.score = i < r.rec_scores.size() ? r.rec_scores[i] : 0.f;
    if (i < r.rec_polys.size()) l.poly = r.rec_polys[i];
    if (i < r.rec_boxes.size()) l.box = r.rec_boxes[i];
    else l.box = box_of_points(l.poly);
    l.vertical = is_vertical(l.box, l.text);
  }
  if (m.width == 0 || m.height == 0) {  // no image kept: the extent of the text
    for (const auto& l : m.lines) {
      m.width = std::max(m.width, l.box[2]);
      m.height = std::max(m.height, l.box[3]);
    }
  }
  add_words(r, m);
  m.order = reading_order(r);
  return m;
}

std::vector<Word> words_of(const Line& l) {
  if (!l.words.empty()) return l.words;
  return {Word{l.text, l.box, l.score}};
}

std::u32string utf8_decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0, n = s.size();
  auto cont = [&](size_t k) { return k < n && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80; };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c, len = 1;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2 && cont(i + 1)) {
      cp = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F), len = 2;
    } else if ((c & 0xF0) == 0xE0 && cont(i + 1) && cont(i + 2)) {
      cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F), len = 3;
      if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    } else if ((c & 0xF8) == 0xF0 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F), len = 4;
      if (cp < 0x10000 || cp > 0x10FFFF) cp = 0xFFFD;
    } else {
      cp = 0xFFFD, len = 1;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

std::string utf8_encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out += char(c);
    } else if (c < 0x800) {
      out += char(0xC0 | (c >> 6));
      out += char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += char(0xE0 | (c >> 12));
      out += char(0x80 | ((c >> 6) & 0x3F));
      out += char(0x80 | (c & 0x3F));
    } else {
      out += char(0xF0 | (c >> 18));
      out += char(0x80 | ((c >> 12) & 0x3F));
      out += char(0x80 | ((c >> 6) & 0x3F));
      out += char(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string xml_escape(const std::string& s) {
  std::u32string u = utf8_decode(s);
  std::u32string out;
  out.reserve(u.size());
  for (char32_t c : u) {
    switch (c) {
      case '&': out += U"&amp;"; break;
      case '<': out += U"&lt;"; break;
      case '>': out += U"&gt;"; break;
      case '"': out += U"&quot;"; break;
      case '\'': out += U"&apos;"; break;
      default:
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xFFFE || c == 0xFFFF) c = ' ';
        out += c;
    }
  }
  return utf8_encode(out);
}

std::string row_text(const PageModel& m, const std::vector<int>& row) {
  std::string s;
  for (int i : row) {
    if (m.lines[size_t(i)].text.empty()) continue;
    if (!s.empty()) s += ' ';
    s += m.lines[size_t(i)].text;
  }
  return s;
}

std::string paragraph_text(const PageModel& m, const ReadingOrder::Paragraph& p) {
  std::string s;
  for (size_t k = 0; k < p.rows.size(); ++k) {
    if (k) s += '\n';
    s += row_text(m, p.rows[k]);
  }
  return s;
}

}  // namespace ppocr::outputs
