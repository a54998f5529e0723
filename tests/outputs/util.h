// Helpers of the document-output tests: synthetic results, running the
// validators (xmllint, pdfinfo, pdftotext) and word counting.
#pragma once
#include <array>
#include <map>
#include <string>
#include <vector>

#include "ppocr/ppocr.h"

namespace ppocr::test {

// A line of a synthetic page: text and box x0, y0, x1, y1.
struct SynthLine {
  std::string text;
  std::array<int, 4> box;
};
// A result with those lines (rec_polys: the boxes as quads) on a white image
// of w x h (image empty when w or h is 0).
OCRResult synthetic_result(const std::vector<SynthLine>& lines, int w = 0, int h = 0);

// The texts in the order reading_order() gives.
std::vector<std::string> ordered_texts(const OCRResult& r);

struct Cmd {
  int status = -1;
  std::string out, err;
};
// Runs a shell command, capturing stdout and stderr.
Cmd run(const std::string& cmd);
bool have_tool(const std::string& name);
std::string write_file(const std::string& dir, const std::string& name, const std::string& bytes);
std::string read_file(const std::string& path);
std::string shell_quote(const std::string& s);

// pdfinfo: page count and each page's size in points; stderr must be empty.
struct PdfInfo {
  int pages = 0;
  std::vector<std::array<double, 2>> sizes;
  std::string err;  // pdfinfo's stderr (warnings)
  bool ok = false;
};
PdfInfo pdf_info(const std::string& path);

// Words (whitespace separated) of a text, and the share of `want`'s words
// (as a multiset) found in `have` (a word hyphenated at a line end counts as
// found when `have` has it joined, as pdftotext writes it).
std::vector<std::string> words_of(const std::string& text);
double word_recall(const std::vector<std::string>& want, const std::vector<std::string>& have);

// All rec_texts of the pages, joined by newlines, in reading order (so that
// a word hyphenated at a line end is followed by its rest, as in pdftotext's output).
std::string all_texts(const std::vector<OCRResult>& pages);

// The tiny shared models with the preprocessing stages off (fast), loaded once.
const OCR& tiny_ocr();
#define REQUIRE_TINY_MODELS() REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec")

}  // namespace ppocr::test
