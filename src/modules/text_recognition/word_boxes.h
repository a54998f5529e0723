// Word boxes from the CTC alignment (PaddleOCR's return_word_box), computed as
// PaddleX does: the recogniser's decoded characters are grouped into words by
// their kind (BaseRecLabelDecode.get_word_info), and each word gets a box on
// the text line from the output columns its characters were emitted at
// (cal_ocr_word_box).
#pragma once
#include <string>
#include <vector>

#include "ppocr/result.h"

namespace ppocr::modules {

// One group of consecutive characters of one kind:
//   kCjk:    CJK unified ideographs (U+4E00..U+9FFF), later boxed one by one;
//   kEnNum:  ASCII letters and digits, with '.' before a digit and '-' inside;
//   kSymbol: everything else (spaces, punctuation, other scripts) in a run.
struct WordGroup {
  enum Kind { kCjk, kEnNum, kSymbol } kind = kSymbol;
  std::vector<std::string> chars;  // code points (UTF-8)
  std::vector<int> cols;           // the output column of each
};

// Splits the decoded characters (one entry per CTC emission, with its column)
// into code points and groups them. A character of several code points gives
// each of them its column.
std::vector<WordGroup> group_words(const std::vector<std::string>& chars, const std::vector<int>& cols);

// The words of one text line and their regions (4 points, clockwise from
// top-left). `line` is the line's detection polygon; its points 0, 1 and 2
// give the x range (p0.x..p1.x) and y range (p0.y..p2.y) as in PaddleX.
// `col_num` is how many output columns the crop spans (TextRecognitionResult::
// rec_col_num). Words: each non-CJK group as one word, each CJK character
// alone, in text order; regions sorted left to right (PaddleX's sort_boxes).
// One difference from PaddleX: every region is clipped to the line's x range
// (PaddleX clips only the CJK ones).
struct LineWords {
  std::vector<std::string> words;
  std::vector<Polygon> regions;
};
LineWords word_boxes(const Polygon& line, double col_num, const std::vector<WordGroup>& groups);

// Splits UTF-8 text into code points (an invalid byte is one unit).
std::vector<std::string> utf8_code_points(const std::string& s);

}  // namespace ppocr::modules
