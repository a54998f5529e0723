// Word boxes from the CTC alignment (return_word_box): the decoder's columns,
// PaddleX's grouping of characters into words and its word regions. The
// expected regions were computed with PaddleX's get_word_info and
// cal_ocr_word_box on the same inputs.
#include <gtest/gtest.h>

#include "modules/text_recognition/ctc_decode.h"
#include "modules/text_recognition/word_boxes.h"

using namespace ppocr;
using namespace ppocr::modules;

namespace {
std::vector<std::string> split(const std::string& s) { return utf8_code_points(s); }

Polygon rect(int x0, int y0, int x1, int y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += w;
  return s;
}
}  // namespace

TEST(CTCAlignment, DecoderGivesEachCharacterAndItsColumn) {
  CTCDecoder d({"a", "中", "b"}, true);  // blank a 中 b space
  const int C = 5;
  // t: 0 blank, 1 a, 2 a (repeat), 3 blank, 4 a, 5 中, 6 space, 7 b, 8 b
  std::vector<int> seq = {0, 1, 1, 0, 1, 2, 4, 3, 3};
  std::vector<float> p(seq.size() * C, 0.01f);
  for (size_t t = 0; t < seq.size(); ++t) p[t * C + seq[t]] = 0.9f;
  std::vector<std::string> chars;
  std::vector<int> cols;
  auto [text, score] = d.decode(p.data(), static_cast<int>(seq.size()), C, &chars, &cols);
  EXPECT_EQ(text, "aa中 b");
  EXPECT_EQ(chars, (std::vector<std::string>{"a", "a", "中", " ", "b"}));
  EXPECT_EQ(cols, (std::vector<int>{1, 4, 5, 6, 7}));
  EXPECT_NEAR(score, 0.9f, 1e-6);
}

TEST(WordGroups, KindsNumbersAndHyphens) {
  auto chars = split("VGG-16 is 3.14, 中文好!");
  std::vector<int> cols(chars.size());
  for (size_t i = 0; i < cols.size(); ++i) cols[i] = static_cast<int>(2 * i);
  auto groups = group_words(chars, cols);
  std::vector<std::string> words;
  std::vector<WordGroup::Kind> kinds;
  for (const auto& g : groups) {
    words.push_back(joined(g.chars));
    kinds.push_back(g.kind);
  }
  EXPECT_EQ(words, (std::vector<std::string>{"VGG-16", " ", "is", " ", "3.14", ", ", "中文好", "!"}));
  EXPECT_EQ(kinds[0], WordGroup::kEnNum);
  EXPECT_EQ(kinds[1], WordGroup::kSymbol);
  EXPECT_EQ(kinds[6], WordGroup::kCjk);
  EXPECT_EQ(groups[4].cols, (std::vector<int>{20, 22, 24, 26}));
  // A '.' not followed by a digit ends the word; a leading '-' is a symbol.
  auto g2 = group_words(split("end. -x"), {0, 1, 2, 3, 4, 5, 6, 7});
  std::vector<std::string> w2;
  for (const auto& g : g2) w2.push_back(joined(g.chars));
  EXPECT_EQ(w2, (std::vector<std::string>{"end", ". -", "x"}));
  // Accented letters, kana and Hangul are not [a-zA-Z0-9] nor U+4E00..U+9FFF: symbols, as in PaddleX.
  auto g3 = group_words(split("café"), {0, 1, 2, 3});
  ASSERT_EQ(g3.size(), 2u);
  EXPECT_EQ(joined(g3[0].chars), "caf");
  EXPECT_EQ(g3[1].kind, WordGroup::kSymbol);
  // A dictionary entry of two code points (e + combining acute) gives both its column.
  auto g4 = group_words({"a", "e\xcc\x81", "b"}, {1, 3, 5});
  ASSERT_EQ(g4.size(), 3u);
  EXPECT_EQ(g4[0].cols, (std::vector<int>{1, 3}));
  EXPECT_EQ(g4[1].cols, (std::vector<int>{3}));
  EXPECT_TRUE(group_words({}, {}).empty());
}

TEST(WordBoxes, AsPaddleXComputesThem) {
  auto chars = split("VGG-16 is 3.14, 中文好!");
  std::vector<int> cols = {1, 3, 4, 6, 7, 8, 10, 12, 13, 15, 16, 18, 19, 20, 22, 25, 27, 30, 31, 33};
  ASSERT_EQ(chars.size(), cols.size());
  LineWords w = word_boxes({{10, 20}, {210, 22}, {210, 60}, {10, 58}}, 37.5, group_words(chars, cols));
  EXPECT_EQ(w.words, (std::vector<std::string>{"VGG-16", " ", "is", " ", "3.14", ", ", "中", "文", "好", "!"}));
  std::vector<Polygon> want = {rect(15, 20, 58, 60),   rect(63, 20, 68, 60),   rect(74, 20, 84, 60),
                               rect(90, 20, 95, 60),   rect(95, 20, 122, 60),  rect(127, 20, 148, 60),
                               rect(150, 20, 163, 60), rect(166, 20, 179, 60), rect(171, 20, 184, 60),
                               rect(186, 20, 191, 60)};
  EXPECT_EQ(w.regions, want);

  // One CJK character alone: its width is the line's width per character, clipped to the line.
  LineWords one = word_boxes({{100, 0}, {140, 0}, {140, 30}, {100, 30}}, 20.0, group_words({"中"}, {5}));
  EXPECT_EQ(one.words, (std::vector<std::string>{"中"}));
  EXPECT_EQ(one.regions, (std::vector<Polygon>{rect(100, 0, 131, 30)}));

  LineWords mixed = word_boxes({{0, 0}, {77, 0}, {77, 9}, {0, 9}}, 19.3, group_words({"a", "中", "b"}, {2, 9, 15}));
  EXPECT_EQ(mixed.words, (std::vector<std::string>{"a", "中", "b"}));
  EXPECT_EQ(mixed.regions, (std::vector<Polygon>{rect(7, 0, 11, 9), rect(25, 0, 50, 9), rect(59, 0, 63, 9)}));

  // A character emitted past the crop's columns (in the batch padding): its word ends at the line's end,
  // where PaddleX would put it 10 px past the line.
  LineWords past = word_boxes({{0, 0}, {40, 0}, {40, 10}, {0, 10}}, 8.0, group_words({"o", "k", "."}, {5, 6, 9}));
  EXPECT_EQ(past.words, (std::vector<std::string>{"ok", "."}));
  EXPECT_EQ(past.regions, (std::vector<Polygon>{rect(25, 0, 35, 10), rect(40, 0, 40, 10)}));

  // Nothing recognised: no words (PaddleX's empty line).
  LineWords none = word_boxes({{0, 0}, {50, 0}, {50, 10}, {0, 10}}, 10.0, {});
  EXPECT_TRUE(none.words.empty());
  EXPECT_TRUE(none.regions.empty());
}
