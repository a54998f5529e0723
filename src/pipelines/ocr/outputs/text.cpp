// Plain text and Markdown: the pages' paragraphs in reading order.
#include "pipelines/ocr/outputs/writers.h"

namespace ppocr::outputs {
namespace {

// Markdown: characters that would start markup are backslash-escaped, so the
// text reads as it was recognised.
std::string md_escape_line(const std::string& line) {
  std::string out;
  for (char ch : line) {
    switch (ch) {
      case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '>': case '#': case '|':
      case '~':
        out += '\\';
        [[fallthrough]];
      default: out += ch;
    }
  }
  // Line starts that open a list, a heading underline, a quote or a block.
  size_t first = out.find_first_not_of(' ');
  if (first == std::string::npos) return out;
  if (out.size() > 4 && first >= 4) out.erase(0, first);  // 4 spaces: an indented code block
  first = out.find_first_not_of(' ');
  char c = out[first];
  if (c == '-' || c == '+' || c == '=') {
    out.insert(first, "\\");
  } else if (c >= '0' && c <= '9') {
    size_t k = first;
    while (k < out.size() && out[k] >= '0' && out[k] <= '9') ++k;
    if (k < out.size() && (out[k] == '.' || out[k] == ')')) out.insert(k, "\\");
  }
  return out;
}

}  // namespace

std::string page_text(const PageModel& m) {
  std::string s;
  for (const auto& b : m.order.blocks)
    for (const auto& p : b.paragraphs) {
      if (!s.empty()) s += "\n";
      s += paragraph_text(m, p) + "\n";
    }
  return s;
}

std::string page_markdown(const PageModel& m) {
  std::string s;
  for (const auto& b : m.order.blocks)
    for (const auto& p : b.paragraphs) {
      std::string para;
      for (const auto& row : p.rows) {
        std::string line = md_escape_line(row_text(m, row));
        if (line.find_first_not_of(' ') == std::string::npos) continue;
        para += line + "\n";
      }
      if (para.empty()) continue;
      if (!s.empty()) s += "\n";
      s += para;
    }
  return s;
}

std::string join_text_pages(const std::vector<std::string>& pages) {
  // Pages end in a form feed, as pdftotext and Tesseract write them; none after the last.
  std::string s;
  for (size_t k = 0; k < pages.size(); ++k) {
    if (k) s += "\f";
    s += pages[k];
  }
  return s;
}

std::string join_markdown_pages(const std::vector<std::string>& pages) {
  std::string s;
  for (size_t k = 0; k < pages.size(); ++k) {
    if (k) s += "\n---\n\n";  // a thematic break between pages
    s += pages[k].empty() ? std::string() : pages[k];
  }
  return s;
}

}  // namespace ppocr::outputs
