// The format writers behind include/ppocr/outputs.h: each turns one page
// (PageModel) into its part of the document, and joins the parts.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "pipelines/ocr/outputs/page_model.h"

namespace ppocr::outputs {

// txt / md (text.cpp)
std::string page_text(const PageModel& m);
std::string page_markdown(const PageModel& m);
std::string join_text_pages(const std::vector<std::string>& pages);
std::string join_markdown_pages(const std::vector<std::string>& pages);

// hOCR 1.2 (hocr.cpp). `page_no` counts from 1 in the document.
std::string hocr_page(const PageModel& m, int page_no, double dpi);
std::string hocr_document(const std::vector<std::string>& pages, const std::string& title);

// ALTO v4 (alto.cpp).
std::string alto_page(const PageModel& m, int page_no);
std::string alto_document(const std::vector<std::string>& pages, const std::string& file_name);

// Searchable PDF (pdf.cpp): the page images with an invisible text layer.
class PdfBuilder {
 public:
  explicit PdfBuilder(const OutputOptions& opts);
  ~PdfBuilder();
  // `image`: the image the boxes refer to (BGR or gray), placed on a page of
  // its size at `dpi`. `source_pdf`: the local PDF file the page was rendered
  // from (page m.page_index), whose exact page size is used when it matches.
  void add_page(const PageModel& m, const cv::Mat& image, double dpi, const std::string& source_pdf = "");
  int page_count() const;
  std::string finish(const std::string& title);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The glyph-less TrueType font the text layer is set in (glyphless_font.cpp):
// two empty glyphs (.notdef and one of advance 500/1000 em).
const std::string& glyphless_font();

}  // namespace ppocr::outputs
