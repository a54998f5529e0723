// Reading order of one page's text lines (docs/outputs.md, "Reading order").
//
// A recursive XY-cut on the line boxes, made to tell columns from rows:
//  1. A region whose lines leave a vertical gap (a gutter, at least
//     kGutter x the median line height wide) from top to bottom is cut there
//     into columns, read left to right, if every column is at least
//     kColumn x the line height wide. Narrower parts (a receipt's prices, a
//     table's number column) are not columns: they stay with the text of their
//     row.
//  2. Otherwise the region is cut across, into horizontal bands of rows: a run
//     of rows that shares a gutter (a two-column stretch) is one band, rows
//     without one (a title, a full-width paragraph) are another; the bands are
//     read top to bottom and each goes through 1 and 2 again.
//  3. A region that neither cuts is a block: its lines are grouped into rows
//     (vertical overlap), each row left to right, rows top to bottom, and the
//     rows into paragraphs at larger gaps, a change of line height or a
//     first-line indent.
#include <algorithm>
#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "engine/error.h"
#include "ppocr/outputs.h"

namespace ppocr {
namespace {

constexpr double kGutter = 0.8;   // minimum gutter, in median line heights
constexpr double kColumn = 8.0;   // minimum column width, in median line heights
constexpr double kCore = 0.25;    // rows overlap when their boxes, less this share of their height top and bottom, do

struct Item {
  int idx;
  double x0, y0, x1, y1;
  double h() const { return y1 - y0; }
  double cy() const { return 0.5 * (y0 + y1); }
  // The box's vertical core: DB boxes are expanded (unclip), so neighbouring
  // rows' boxes may overlap a little.
  double core0() const { return y0 + kCore * h(); }
  double core1() const { return y1 - kCore * h(); }
};

struct Interval {
  double lo, hi;
};

using Ids = std::vector<int>;  // indices into the items vector

struct Ctx {
  const std::vector<Item>& items;
  double h_med;
  double gutter() const { return kGutter * h_med; }
  double column() const { return kColumn * h_med; }
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

// Extent of a set of items.
Interval x_extent(const Ctx& c, const Ids& ids) {
  Interval e{1e300, -1e300};
  for (int i : ids) e.lo = std::min(e.lo, c.items[i].x0), e.hi = std::max(e.hi, c.items[i].x1);
  return e;
}

// Partitions of `ids` by the vertical gaps (>= the gutter) of their x-projection, left to right.
std::vector<Ids> x_partitions(const Ctx& c, Ids ids) {
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return c.items[a].x0 < c.items[b].x0; });
  std::vector<Ids> parts;
  double end = -1e300;
  for (int i : ids) {
    if (parts.empty() || c.items[i].x0 - end >= c.gutter()) parts.emplace_back();
    parts.back().push_back(i);
    end = std::max(end, c.items[i].x1);
  }
  return parts;
}

// Step 1: columns. Parts narrower than a column are merged into the neighbour
// across the smaller gap until all are columns (or one is left).
std::vector<Ids> columns(const Ctx& c, const Ids& ids) {
  std::vector<Ids> parts = x_partitions(c, ids);
  while (parts.size() > 1) {
    size_t narrow = parts.size();
    double narrow_w = 1e300;
    for (size_t k = 0; k < parts.size(); ++k) {
      Interval e = x_extent(c, parts[k]);
      if (e.hi - e.lo < c.column() && e.hi - e.lo < narrow_w) narrow = k, narrow_w = e.hi - e.lo;
    }
    if (narrow == parts.size()) break;
    size_t with;
    if (narrow == 0) with = 1;
    else if (narrow + 1 == parts.size()) with = narrow - 1;
    else {
      double gl = x_extent(c, parts[narrow]).lo - x_extent(c, parts[narrow - 1]).hi;
      double gr = x_extent(c, parts[narrow + 1]).lo - x_extent(c, parts[narrow]).hi;
      with = gl <= gr ? narrow - 1 : narrow + 1;
    }
    size_t a = std::min(narrow, with), b = std::max(narrow, with);
    parts[a].insert(parts[a].end(), parts[b].begin(), parts[b].end());
    parts.erase(parts.begin() + long(b));
  }
  return parts;
}

// Rows of lines by vertical overlap of their cores, top to bottom.
std::vector<Ids> strips(const Ctx& c, Ids ids) {
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return c.items[a].core0() < c.items[b].core0(); });
  std::vector<Ids> out;
  double bottom = -1e300;
  for (int i : ids) {
    if (out.empty() || c.items[i].core0() >= bottom) {
      out.emplace_back();
      bottom = -1e300;
    }
    out.back().push_back(i);
    bottom = std::max(bottom, c.items[i].core1());
  }
  return out;
}

// The free x-intervals (>= the gutter) of a strip inside [lo, hi].
std::vector<Interval> free_intervals(const Ctx& c, Ids ids, Interval within) {
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return c.items[a].x0 < c.items[b].x0; });
  std::vector<Interval> out;
  double x = within.lo;
  for (int i : ids) {
    if (c.items[i].x0 - x >= c.gutter()) out.push_back({x, c.items[i].x0});
    x = std::max(x, c.items[i].x1);
  }
  if (within.hi - x >= c.gutter()) out.push_back({x, within.hi});
  return out;
}

std::vector<Interval> intersect(const std::vector<Interval>& a, const std::vector<Interval>& b, double min_w) {
  std::vector<Interval> out;
  for (const auto& p : a)
    for (const auto& q : b) {
      Interval r{std::max(p.lo, q.lo), std::min(p.hi, q.hi)};
      if (r.hi - r.lo >= min_w) out.push_back(r);
    }
  return out;
}

// Whether some interval of `f` has lines of `ids` on both sides (a gutter).
bool has_gutter(const Ctx& c, const std::vector<Interval>& f, const Ids& ids) {
  for (const auto& g : f) {
    bool left = false, right = false;
    for (int i : ids) {
      left |= c.items[i].x1 <= g.lo + 1e-6;
      right |= c.items[i].x0 >= g.hi - 1e-6;
    }
    if (left && right) return true;
  }
  return false;
}

// Step 2: horizontal bands: runs of strips sharing a gutter, and runs without.
std::vector<Ids> bands(const Ctx& c, const Ids& ids) {
  Interval ext = x_extent(c, ids);
  struct Band {
    Ids ids;
    int strips = 0;
    bool gutter = false;
    std::vector<Interval> free;
  };
  std::vector<Band> out;
  for (const Ids& s : strips(c, ids)) {
    std::vector<Interval> f = free_intervals(c, s, ext);
    if (!out.empty() && out.back().gutter) {
      Band& b = out.back();
      std::vector<Interval> f2 = intersect(b.free, f, c.gutter());
      Ids joined = b.ids;
      joined.insert(joined.end(), s.begin(), s.end());
      if (has_gutter(c, f2, joined)) {
        b.ids = std::move(joined), b.free = std::move(f2), ++b.strips;
        continue;
      }
    }
    bool gutter = has_gutter(c, f, s);
    if (!out.empty() && !out.back().gutter && !gutter) {
      out.back().ids.insert(out.back().ids.end(), s.begin(), s.end());
      ++out.back().strips;
      continue;
    }
    out.push_back({s, 1, gutter, f});
  }
  // A single row with a gap (a label and its value) is not a column layout: it
  // stays with the rows around it.
  std::vector<Ids> merged;
  bool last_flow = false;
  for (const Band& b : out) {
    bool flow = !b.gutter || b.strips == 1;
    if (flow && last_flow) merged.back().insert(merged.back().end(), b.ids.begin(), b.ids.end());
    else merged.push_back(b.ids);
    last_flow = flow;
  }
  return merged;
}

// Step 3: a block's rows and paragraphs.
ReadingOrder::Block make_block(const Ctx& c, Ids ids) {
  const auto& it = c.items;
  std::sort(ids.begin(), ids.end(), [&](int a, int b) { return it[a].cy() < it[b].cy(); });
  struct Row {
    Ids ids;
    double y0, y1, x0, x1;
    double h() const { return y1 - y0; }
  };
  std::vector<Row> rows;
  for (int i : ids) {
    const Item& a = it[i];
    bool joined = false;
    if (!rows.empty()) {
      Row& r = rows.back();
      double overlap = std::min(a.y1, r.y1) - std::max(a.y0, r.y0);
      if (overlap >= 0.5 * std::min(a.h(), r.h())) {
        r.ids.push_back(i);
        r.y0 = std::min(r.y0, a.y0), r.y1 = std::max(r.y1, a.y1);
        r.x0 = std::min(r.x0, a.x0), r.x1 = std::max(r.x1, a.x1);
        joined = true;
      }
    }
    if (!joined) rows.push_back({{i}, a.y0, a.y1, a.x0, a.x1});
  }
  for (Row& r : rows)
    std::sort(r.ids.begin(), r.ids.end(), [&](int a, int b) { return it[a].x0 < it[b].x0; });
  // Paragraph breaks.
  double left = 1e300;
  std::vector<double> gaps, heights;
  for (const Row& r : rows) left = std::min(left, r.x0), heights.push_back(r.h());
  for (size_t k = 1; k < rows.size(); ++k) gaps.push_back(rows[k].y0 - rows[k - 1].y1);
  // The usual gap between rows (the lower median: with few rows, the smaller gap is the usual one).
  double gap_ref = 0;
  if (!gaps.empty()) {
    std::sort(gaps.begin(), gaps.end());
    gap_ref = std::max(0.0, gaps[(gaps.size() - 1) / 2]);
  }
  double h = c.h_med;
  auto indented = [&](size_t k) { return rows[k].x0 - left > 1.2 * h; };
  auto flush = [&](size_t k) { return rows[k].x0 - left < 0.5 * h; };
  ReadingOrder::Block block;
  for (size_t k = 0; k < rows.size(); ++k) {
    bool start = k == 0;
    if (k > 0) {
      double gap = rows[k].y0 - rows[k - 1].y1;
      double ratio = rows[k].h() / std::max(1.0, rows[k - 1].h());
      start = gap > gap_ref + 0.6 * h || ratio > 1.5 || ratio < 1 / 1.5 ||
              (indented(k) && flush(k - 1) && (k + 1 == rows.size() || flush(k + 1)));
    }
    if (start) block.paragraphs.emplace_back();
    std::vector<int> row;
    for (int i : rows[k].ids) row.push_back(it[i].idx);
    block.paragraphs.back().rows.push_back(std::move(row));
  }
  return block;
}

void split(const Ctx& c, const Ids& ids, std::vector<Ids>& leaves) {
  if (ids.size() <= 1) {
    if (!ids.empty()) leaves.push_back(ids);
    return;
  }
  std::vector<Ids> cols = columns(c, ids);
  if (cols.size() > 1) {
    for (const Ids& col : cols) split(c, col, leaves);
    return;
  }
  std::vector<Ids> b = bands(c, ids);
  if (b.size() > 1) {
    for (const Ids& band : b) split(c, band, leaves);
    return;
  }
  leaves.push_back(ids);
}

ReadingOrder::Box union_box(const OCRResult& r, const std::vector<std::array<int, 4>>& boxes,
                            const std::vector<std::vector<int>>& rows) {
  ReadingOrder::Box b{INT_MAX, INT_MAX, INT_MIN, INT_MIN};
  for (const auto& row : rows)
    for (int i : row) {
      const auto& x = boxes[size_t(i)];
      b[0] = std::min(b[0], x[0]), b[1] = std::min(b[1], x[1]);
      b[2] = std::max(b[2], x[2]), b[3] = std::max(b[3], x[3]);
    }
  return b;
}

std::vector<std::array<int, 4>> line_boxes(const OCRResult& r) {
  std::vector<std::array<int, 4>> boxes(r.rec_texts.size(), std::array<int, 4>{0, 0, 0, 0});
  for (size_t i = 0; i < boxes.size(); ++i) {
    if (i < r.rec_boxes.size()) {
      boxes[i] = r.rec_boxes[i];
    } else if (i < r.rec_polys.size() && !r.rec_polys[i].empty()) {
      std::array<int, 4> b{INT_MAX, INT_MAX, INT_MIN, INT_MIN};
      for (const auto& p : r.rec_polys[i])
        b[0] = std::min(b[0], p.x), b[1] = std::min(b[1], p.y), b[2] = std::max(b[2], p.x), b[3] = std::max(b[3], p.y);
      boxes[i] = b;
    }
  }
  return boxes;
}

}  // namespace

ReadingOrder reading_order(const OCRResult& r) {
  std::vector<std::array<int, 4>> boxes = line_boxes(r);
  std::vector<Item> items;
  std::vector<double> thick;
  for (size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i];
    Item it{int(i), double(b[0]), double(b[1]), double(std::max(b[2], b[0] + 1)), double(std::max(b[3], b[1] + 1))};
    items.push_back(it);
    thick.push_back(std::min(it.x1 - it.x0, it.y1 - it.y0));
  }
  ReadingOrder ro;
  if (items.empty()) return ro;
  Ctx c{items, std::max(1.0, median(thick))};
  Ids all(items.size());
  std::iota(all.begin(), all.end(), 0);
  std::vector<Ids> leaves;
  split(c, all, leaves);
  for (const Ids& leaf : leaves) {
    ReadingOrder::Block b = make_block(c, leaf);
    std::vector<std::vector<int>> rows;
    for (auto& p : b.paragraphs) {
      p.box = union_box(r, boxes, p.rows);
      rows.insert(rows.end(), p.rows.begin(), p.rows.end());
    }
    b.box = union_box(r, boxes, rows);
    ro.blocks.push_back(std::move(b));
  }
  return ro;
}

std::vector<int> ReadingOrder::order() const {
  std::vector<int> o;
  for (const auto& b : blocks)
    for (const auto& p : b.paragraphs)
      for (const auto& row : p.rows) o.insert(o.end(), row.begin(), row.end());
  return o;
}

nlohmann::json ReadingOrder::to_json(const OCRResult& r) const {
  auto box = [](const Box& b) { return nlohmann::json::array({b[0], b[1], b[2], b[3]}); };
  nlohmann::json jb = nlohmann::json::array();
  for (const auto& b : blocks) {
    nlohmann::json jp = nlohmann::json::array();
    for (const auto& p : b.paragraphs) {
      std::string text;
      for (size_t k = 0; k < p.rows.size(); ++k) {
        if (k) text += '\n';
        std::string row;
        for (int i : p.rows[k]) {
          const std::string& t = size_t(i) < r.rec_texts.size() ? r.rec_texts[size_t(i)] : std::string();
          if (t.empty()) continue;
          if (!row.empty()) row += ' ';
          row += t;
        }
        text += row;
      }
      // Texts are sanitised to valid UTF-8, as rec_texts are in the result JSON.
      nlohmann::json t = nlohmann::json::parse(
          nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      jp.push_back({{"box", box(p.box)}, {"rows", p.rows}, {"text", t}});
    }
    jb.push_back({{"box", box(b.box)}, {"paragraphs", jp}});
  }
  return {{"blocks", jb}, {"order", order()}};
}

nlohmann::json json_with_reading_order(const OCRResult& r) {
  nlohmann::json j = r.to_json();
  j["res"]["reading_order"] = reading_order(r).to_json(r);
  return j;
}

std::string save_json_with_reading_order(const OCRResult& r, const std::string& path, int indent) {
  std::string file = r.save_to_json(path, indent);
  // Re-read in the key order save_to_json wrote (PaddleOCR's) and add the key at the end of "res".
  nlohmann::ordered_json j;
  {
    std::ifstream in(file, std::ios::binary);
    PPOCR_CHECK(in.good(), "cannot read ", file);
    j = nlohmann::ordered_json::parse(in);
  }
  j["res"]["reading_order"] = nlohmann::ordered_json::parse(reading_order(r).to_json(r).dump());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  PPOCR_CHECK(out.good(), "cannot write ", file);
  out << j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  PPOCR_CHECK(out.good(), "error writing ", file);
  return file;
}

}  // namespace ppocr
