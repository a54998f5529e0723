// Reading order on synthetic pages: columns, rows, paragraphs.
#include <gtest/gtest.h>

#include "outputs/util.h"

using namespace ppocr;
using test::SynthLine;

namespace {

using Texts = std::vector<std::string>;

// A column of `n` lines of height 30 every 40 px, `prefix`1..n, from (x0, y0) to x1.
std::vector<SynthLine> column(const std::string& prefix, int n, int x0, int x1, int y0) {
  std::vector<SynthLine> out;
  for (int k = 0; k < n; ++k) out.push_back({prefix + std::to_string(k + 1), {x0, y0 + 40 * k, x1, y0 + 40 * k + 30}});
  return out;
}

Texts concat(std::initializer_list<Texts> parts) {
  Texts t;
  for (const auto& p : parts) t.insert(t.end(), p.begin(), p.end());
  return t;
}

Texts names(const std::string& prefix, int n) {
  Texts t;
  for (int k = 1; k <= n; ++k) t.push_back(prefix + std::to_string(k));
  return t;
}

}  // namespace

TEST(ReadingOrder, TwoColumnsUnderATitleAndAboveAFooter) {
  // Rows of both columns at the same heights (the hard case for row-wise sorting).
  std::vector<SynthLine> lines = {{"title", {100, 20, 1100, 70}}};
  for (auto& l : column("L", 8, 100, 580, 100)) lines.push_back(l);
  for (auto& l : column("R", 8, 620, 1100, 100)) lines.push_back(l);
  lines.push_back({"footer", {100, 460, 1100, 490}});
  // Shuffle the input order: the result must not depend on it.
  std::swap(lines[1], lines[12]);
  std::swap(lines[3], lines[17]);
  OCRResult r = test::synthetic_result(lines);
  EXPECT_EQ(test::ordered_texts(r), concat({{"title"}, names("L", 8), names("R", 8), {"footer"}}));
  ReadingOrder ro = reading_order(r);
  EXPECT_GE(ro.blocks.size(), 4u);  // title, left column, right column, footer
}

TEST(ReadingOrder, StaggeredColumnsAndThreeColumns) {
  std::vector<SynthLine> lines;
  for (auto& l : column("A", 6, 0, 380, 0)) lines.push_back(l);
  for (auto& l : column("B", 6, 420, 800, 20)) lines.push_back(l);  // rows half a line lower
  for (auto& l : column("C", 5, 840, 1220, 10)) lines.push_back(l);
  OCRResult r = test::synthetic_result(lines);
  EXPECT_EQ(test::ordered_texts(r), concat({names("A", 6), names("B", 6), names("C", 5)}));
}

TEST(ReadingOrder, ReceiptRowsReadLeftToRight) {
  // Item names on the left, prices on the right: narrow right part, so rows, not columns.
  std::vector<SynthLine> lines = {{"SHOP NAME", {150, 10, 450, 40}}, {"Date 01/02", {40, 60, 300, 90}}};
  Texts want = {"SHOP NAME", "Date 01/02"};
  for (int k = 0; k < 6; ++k) {
    int y = 110 + 40 * k;
    std::string item = "item number " + std::to_string(k), price = std::to_string(k) + ".50";
    lines.push_back({price, {480, y + 2, 560, y + 30}});  // listed before its item
    lines.push_back({item, {40, y, 330, y + 30}});
    want.push_back(item);
    want.push_back(price);
  }
  lines.push_back({"TOTAL", {40, 360, 140, 390}});
  lines.push_back({"15.00", {480, 361, 560, 390}});
  want.push_back("TOTAL");
  want.push_back("15.00");
  OCRResult r = test::synthetic_result(lines);
  EXPECT_EQ(test::ordered_texts(r), want);
  // Each item shares its row with its price.
  ReadingOrder ro = reading_order(r);
  int pairs = 0;
  for (const auto& b : ro.blocks)
    for (const auto& p : b.paragraphs)
      for (const auto& row : p.rows) pairs += row.size() == 2;
  EXPECT_EQ(pairs, 7);
}

TEST(ReadingOrder, SlightlySkewedRowStaysOneRow) {
  // Two boxes of one row, the right one 8 px lower (a skewed scan).
  OCRResult r = test::synthetic_result({{"right", {400, 58, 600, 88}}, {"left", {10, 50, 300, 80}},
                                        {"next", {10, 100, 300, 130}}});
  EXPECT_EQ(test::ordered_texts(r), (Texts{"left", "right", "next"}));
}

TEST(ReadingOrder, ParagraphsSplitAtGapsAndIndents) {
  std::vector<SynthLine> lines = column("a", 3, 50, 900, 0);
  for (auto& l : column("b", 3, 50, 900, 160)) lines.push_back(l);  // a blank line's gap above
  lines.push_back({"c1", {120, 280, 900, 310}});                    // first-line indent
  for (auto& l : column("c", 2, 50, 900, 320)) lines.push_back(l);
  lines.back().text = "c3";
  lines[lines.size() - 2].text = "c2";
  OCRResult r = test::synthetic_result(lines);
  ReadingOrder ro = reading_order(r);
  ASSERT_EQ(ro.blocks.size(), 1u);
  ASSERT_EQ(ro.blocks[0].paragraphs.size(), 3u);
  EXPECT_EQ(ro.blocks[0].paragraphs[0].rows.size(), 3u);
  EXPECT_EQ(ro.blocks[0].paragraphs[1].rows.size(), 3u);
  EXPECT_EQ(ro.blocks[0].paragraphs[2].rows.size(), 3u);
  EXPECT_EQ(ro.blocks[0].paragraphs[2].box, (ReadingOrder::Box{50, 280, 900, 390}));
  nlohmann::json j = ro.to_json(r);
  EXPECT_EQ(j["blocks"][0]["paragraphs"][0]["text"], "a1\na2\na3");
  EXPECT_EQ(j["order"].size(), lines.size());
}

TEST(ReadingOrder, EveryLineOnceAndEmptyPages) {
  EXPECT_TRUE(reading_order(OCRResult{}).blocks.empty());
  std::vector<SynthLine> lines;
  for (int k = 0; k < 40; ++k)  // scattered boxes
    lines.push_back({"w" + std::to_string(k), {(k * 137) % 900, (k * 71) % 700, (k * 137) % 900 + 60 + k,
                                               (k * 71) % 700 + 20}});
  lines.push_back({"dot", {5, 5, 5, 5}});  // degenerate box
  OCRResult r = test::synthetic_result(lines);
  std::vector<int> order = reading_order(r).order();
  std::sort(order.begin(), order.end());
  ASSERT_EQ(order.size(), lines.size());
  for (size_t k = 0; k < order.size(); ++k) EXPECT_EQ(order[k], int(k));
}

TEST(ReadingOrder, JsonAdditionKeepsPaddleOcrKeys) {
  OCRResult r = test::synthetic_result({{"hello", {10, 10, 100, 40}}});
  nlohmann::json j = json_with_reading_order(r);
  ASSERT_TRUE(j["res"].contains("reading_order"));
  EXPECT_EQ(j["res"]["reading_order"]["order"], nlohmann::json::array({0}));
  EXPECT_EQ(j["res"]["rec_texts"], nlohmann::json::array({"hello"}));
}
