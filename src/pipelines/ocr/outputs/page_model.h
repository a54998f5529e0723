// What every document output reads: one page's lines (and words, when the
// result has word boxes) in reading order, with boxes in image pixels. Built
// once per page from an OCRResult.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ppocr/outputs.h"
#include "ppocr/result.h"

namespace ppocr::outputs {

using Box = std::array<int, 4>;  // x_min, y_min, x_max, y_max

struct Word {
  std::string text;
  Box box{};
  float score = 0;
};

struct Line {
  int index = 0;  // into rec_texts
  std::string text;
  float score = 0;
  Box box{};            // rec_boxes[index]
  Polygon poly;         // rec_polys[index] (may be empty)
  bool vertical = false;  // a tall line read top to bottom (see is_vertical)
  // Word boxes from the result (text_word / text_word_region under
  // return_word_box); empty when it has none: the line is then its one word.
  std::vector<Word> words;
};

struct PageModel {
  int width = 0, height = 0;  // the image the boxes refer to (0 when the result has none)
  std::string image_name;     // input file name (for hOCR/ALTO), may be empty
  std::optional<int> page_index;
  std::vector<Line> lines;    // indexed like rec_texts
  ReadingOrder order;
};

PageModel page_model(const OCRResult& r);

// Lines (and words) of one page, as the outputs write them: the line's words,
// or the line itself as one word.
std::vector<Word> words_of(const Line& l);

// Tall lines (height >= 1.5 x width, more than one character): PaddleOCR turns
// such crops by 90 degrees before recognition, so their text runs top to bottom.
bool is_vertical(const Box& b, const std::string& text);

// UTF-8 -> code points; invalid bytes become U+FFFD.
std::u32string utf8_decode(const std::string& s);
std::string utf8_encode(const std::u32string& s);
// Text for XML/XHTML content and attribute values: & < > " ' escaped, invalid
// UTF-8 replaced, characters XML 1.0 forbids (C0 controls but tab/newline/CR)
// turned into spaces.
std::string xml_escape(const std::string& s);

// The text of a row (lines left to right, joined by one space) and a paragraph
// (rows joined by "\n").
std::string row_text(const PageModel& m, const std::vector<int>& row);
std::string paragraph_text(const PageModel& m, const ReadingOrder::Paragraph& p);

}  // namespace ppocr::outputs
