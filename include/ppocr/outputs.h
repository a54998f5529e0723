// Documents out: reading order, and the OCR results of one input (all its
// pages) as plain text, Markdown, hOCR 1.2, ALTO v4 and a searchable PDF.
// See docs/outputs.md.
//
//   std::vector<ppocr::OCRResult> pages = ocr.predict(ppocr::Input::from_path("scan.pdf"));
//   ppocr::save_outputs(pages, "out", ppocr::parse_output_formats("txt,hocr,pdf"));
//   // out/scan.txt, out/scan.hocr, out/scan_ocr.pdf
//
// Every format follows reading_order(): lines grouped into blocks (columns
// and the regions between them) and paragraphs, read top to bottom within a
// column, columns left to right, lines on one row left to right.
#pragma once
#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ppocr/result.h"

namespace ppocr {

// ---- Reading order ----

// One page's text lines (indices into rec_texts / rec_boxes / rec_polys) in
// reading order, with their grouping.
struct ReadingOrder {
  using Box = std::array<int, 4>;  // x_min, y_min, x_max, y_max, as rec_boxes
  struct Paragraph {
    std::vector<std::vector<int>> rows;  // visual lines; each row's lines left to right
    Box box{};
  };
  struct Block {  // a column, or a region between column layouts
    std::vector<Paragraph> paragraphs;
    Box box{};
  };
  std::vector<Block> blocks;

  // Every line index once, in reading order.
  std::vector<int> order() const;
  // {"blocks": [{"box": [..], "paragraphs": [{"box": [..], "rows": [[3, 4], [5]], "text": "..."}]}],
  //  "order": [..]}; paragraph text: rows joined by "\n", the lines of a row by " ".
  nlohmann::json to_json(const OCRResult& r) const;
};

// The reading order of one page's result (from rec_boxes, else rec_polys).
ReadingOrder reading_order(const OCRResult& r);

// The result's JSON ({"res": {...}}) with "reading_order" added to "res" (a
// key PaddleOCR does not use).
nlohmann::json json_with_reading_order(const OCRResult& r);
// r.save_to_json(path, indent) plus res.reading_order, keeping PaddleOCR's key
// order. Returns the file written.
std::string save_json_with_reading_order(const OCRResult& r, const std::string& path, int indent = 4);

// An OCRResult rebuilt from its result JSON (the "res" object, or
// {"res": ...}; a served prunedResult too): rec_texts, rec_scores, rec_polys,
// rec_boxes, input_path, page_index and the word boxes when present, with
// `image` as the image the boxes refer to. For callers that hold JSON (the
// service, the Python package) and want the documents.
OCRResult result_from_json(const nlohmann::json& res, cv::Mat image = {});

// ---- Document formats ----

enum class OutputFormat { kTxt, kMd, kHocr, kAlto, kPdf };

// "txt,md,hocr,alto,pdf" (any subset and order, case-insensitive, spaces
// allowed, duplicates dropped; "" = none) -> formats in the order given.
// Error(kInvalidArgument) naming the unknown value.
std::vector<OutputFormat> parse_output_formats(const std::string& list);
// "txt", "md", "hocr", "alto", "pdf".
std::string output_format_name(OutputFormat f);
// The file a format is saved as for an input with save stem `stem`:
// {stem}.txt, {stem}.md, {stem}.hocr, {stem}_alto.xml, {stem}_ocr.pdf.
std::string output_file_name(OutputFormat f, const std::string& stem);
// The save stem of the input a page came from: its name (PDF pages: the PDF's
// name, without the page number), else the input path's stem, else "res".
std::string document_stem(const OCRResult& page);

struct OutputOptions {
  // Searchable PDF page size: an image page of W x H pixels becomes
  // W*72/image_dpi x H*72/image_dpi points (72: one pixel per point) ...
  double image_dpi = 72;
  // ... and a PDF page rendered at pdf_dpi (OCROptions::pdf_dpi, default 144)
  // gets its size in points back; when the input is a local PDF file whose page
  // box matches, its exact size is used.
  double pdf_dpi = 144;
  int jpeg_quality = 90;  // page images are embedded as JPEG (gray when the page is gray)
  std::string title;      // document title (hOCR <title>, PDF /Title); default: the stem
};

// One input's pages (one result per page, in order) in each format. `pages`
// must keep their `image` for the PDF (the image the boxes refer to).
std::string to_text(const std::vector<OCRResult>& pages);
std::string to_markdown(const std::vector<OCRResult>& pages);
std::string to_hocr(const std::vector<OCRResult>& pages, const OutputOptions& opts = {});
std::string to_alto(const std::vector<OCRResult>& pages, const OutputOptions& opts = {});
std::string to_searchable_pdf(const std::vector<OCRResult>& pages, const OutputOptions& opts = {});

// The formats asked for, as bytes (the PDF is binary).
std::map<OutputFormat, std::string> render_outputs(const std::vector<OCRResult>& pages,
                                                   const std::vector<OutputFormat>& formats,
                                                   const OutputOptions& opts = {});
// Writes them into the directory `dir` (created if needed) as
// output_file_name(f, stem); stem "" = document_stem(pages[0]). Returns the files.
std::vector<std::string> save_outputs(const std::vector<OCRResult>& pages, const std::string& dir,
                                      const std::vector<OutputFormat>& formats, const OutputOptions& opts = {},
                                      const std::string& stem = "");

// The same, one page at a time, for long inputs: only the page images, encoded
// (JPEG), and the text of the pages added so far are kept.
class DocumentWriter {
 public:
  explicit DocumentWriter(std::vector<OutputFormat> formats, OutputOptions opts = {});
  ~DocumentWriter();
  DocumentWriter(DocumentWriter&&) noexcept;
  DocumentWriter& operator=(DocumentWriter&&) noexcept;

  void add_page(const OCRResult& page);
  int page_count() const;
  // Each format's bytes; the writer is empty afterwards.
  std::map<OutputFormat, std::string> finish();
  // finish() written into `dir` (see save_outputs). Returns the files.
  std::vector<std::string> save(const std::string& dir, const std::string& stem);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ppocr
