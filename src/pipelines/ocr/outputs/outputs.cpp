// include/ppocr/outputs.h: format names and files, DocumentWriter and the
// whole-document helpers on top of it.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "pipelines/ocr/outputs/writers.h"
#include "ppocr/outputs.h"

namespace fs = std::filesystem;

namespace ppocr {
namespace {

const OutputFormat kAll[] = {OutputFormat::kTxt, OutputFormat::kMd, OutputFormat::kHocr, OutputFormat::kAlto,
                             OutputFormat::kPdf};

std::string trim_lower(std::string s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  s = a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

bool is_local_pdf(const std::string& path) {
  if (path.empty() || path.find("://") != std::string::npos) return false;
  std::string ext = trim_lower(fs::path(path).extension().string());
  std::error_code ec;
  return ext == ".pdf" && fs::is_regular_file(path, ec);
}

}  // namespace

std::vector<OutputFormat> parse_output_formats(const std::string& list) {
  std::vector<OutputFormat> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    std::string v = trim_lower(list.substr(pos, comma - pos));
    pos = comma + 1;
    if (v.empty()) continue;
    bool found = false;
    for (OutputFormat f : kAll)
      if (output_format_name(f) == v) {
        if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
        found = true;
      }
    PPOCR_CHECK_AS(found, kInvalidArgument, "output_formats: unknown format '", v,
                   "' (allowed: txt, md, hocr, alto, pdf)");
  }
  return out;
}

std::string output_format_name(OutputFormat f) {
  switch (f) {
    case OutputFormat::kTxt: return "txt";
    case OutputFormat::kMd: return "md";
    case OutputFormat::kHocr: return "hocr";
    case OutputFormat::kAlto: return "alto";
    case OutputFormat::kPdf: return "pdf";
  }
  return "";
}

std::string output_file_name(OutputFormat f, const std::string& stem) {
  switch (f) {
    case OutputFormat::kTxt: return stem + ".txt";
    case OutputFormat::kMd: return stem + ".md";
    case OutputFormat::kHocr: return stem + ".hocr";
    case OutputFormat::kAlto: return stem + "_alto.xml";
    case OutputFormat::kPdf: return stem + "_ocr.pdf";
  }
  return stem;
}

std::string document_stem(const OCRResult& page) {
  if (!page.name.empty()) return page.name;
  if (!page.input_path.empty()) return fs::path(page.input_path).stem().string();
  return "res";
}

struct DocumentWriter::Impl {
  std::vector<OutputFormat> formats;
  OutputOptions opts;
  std::vector<std::string> txt, md, hocr, alto;
  std::unique_ptr<outputs::PdfBuilder> pdf;
  std::string stem, file_name;
  int pages = 0;

  bool wants(OutputFormat f) const { return std::find(formats.begin(), formats.end(), f) != formats.end(); }
};

DocumentWriter::DocumentWriter(std::vector<OutputFormat> formats, OutputOptions opts)
    : impl_(std::make_unique<Impl>()) {
  impl_->formats = std::move(formats);
  impl_->opts = std::move(opts);
}
DocumentWriter::~DocumentWriter() = default;
DocumentWriter::DocumentWriter(DocumentWriter&&) noexcept = default;
DocumentWriter& DocumentWriter::operator=(DocumentWriter&&) noexcept = default;

void DocumentWriter::add_page(const OCRResult& page) {
  Impl& d = *impl_;
  outputs::PageModel m = outputs::page_model(page);
  if (d.pages == 0) {
    d.stem = document_stem(page);
    if (!page.input_path.empty()) d.file_name = fs::path(page.input_path).filename().string();
  }
  ++d.pages;
  bool pdf_page = page.page_index.has_value();
  double dpi = pdf_page ? d.opts.pdf_dpi : d.opts.image_dpi;
  if (d.wants(OutputFormat::kTxt)) d.txt.push_back(outputs::page_text(m));
  if (d.wants(OutputFormat::kMd)) d.md.push_back(outputs::page_markdown(m));
  if (d.wants(OutputFormat::kHocr)) d.hocr.push_back(outputs::hocr_page(m, d.pages, pdf_page ? dpi : 0));
  if (d.wants(OutputFormat::kAlto)) d.alto.push_back(outputs::alto_page(m, d.pages));
  if (d.wants(OutputFormat::kPdf)) {
    if (!d.pdf) d.pdf = std::make_unique<outputs::PdfBuilder>(d.opts);
    d.pdf->add_page(m, page.image, dpi, pdf_page && is_local_pdf(page.input_path) ? page.input_path : "");
  }
}

int DocumentWriter::page_count() const { return impl_->pages; }

std::map<OutputFormat, std::string> DocumentWriter::finish() {
  Impl& d = *impl_;
  std::string title = d.opts.title.empty() ? d.stem : d.opts.title;
  std::map<OutputFormat, std::string> out;
  for (OutputFormat f : d.formats) {
    switch (f) {
      case OutputFormat::kTxt: out[f] = outputs::join_text_pages(d.txt); break;
      case OutputFormat::kMd: out[f] = outputs::join_markdown_pages(d.md); break;
      case OutputFormat::kHocr: out[f] = outputs::hocr_document(d.hocr, title); break;
      case OutputFormat::kAlto: out[f] = outputs::alto_document(d.alto, d.file_name); break;
      case OutputFormat::kPdf:
        PPOCR_CHECK(d.pdf && d.pdf->page_count() > 0, "searchable PDF: no pages");
        out[f] = d.pdf->finish(title);
        break;
    }
  }
  Impl fresh;
  fresh.formats = d.formats;
  fresh.opts = d.opts;
  d = std::move(fresh);
  return out;
}

std::vector<std::string> DocumentWriter::save(const std::string& dir, const std::string& stem) {
  std::string s = stem.empty() ? (impl_->stem.empty() ? "res" : impl_->stem) : stem;
  std::map<OutputFormat, std::string> docs = finish();
  std::error_code ec;
  fs::create_directories(dir, ec);
  PPOCR_CHECK(fs::is_directory(dir, ec), "cannot create the output directory ", dir);
  std::vector<std::string> files;
  for (OutputFormat f : impl_->formats) {
    auto it = docs.find(f);
    if (it == docs.end()) continue;
    std::string file = (fs::path(dir) / output_file_name(f, s)).string();
    std::ofstream o(file, std::ios::binary | std::ios::trunc);
    PPOCR_CHECK(o.good(), "cannot write ", file);
    o << it->second;
    PPOCR_CHECK(o.good(), "error writing ", file);
    files.push_back(file);
  }
  return files;
}

std::map<OutputFormat, std::string> render_outputs(const std::vector<OCRResult>& pages,
                                                   const std::vector<OutputFormat>& formats,
                                                   const OutputOptions& opts) {
  DocumentWriter w(formats, opts);
  for (const auto& p : pages) w.add_page(p);
  return w.finish();
}

std::vector<std::string> save_outputs(const std::vector<OCRResult>& pages, const std::string& dir,
                                      const std::vector<OutputFormat>& formats, const OutputOptions& opts,
                                      const std::string& stem) {
  DocumentWriter w(formats, opts);
  for (const auto& p : pages) w.add_page(p);
  return w.save(dir, stem);
}

namespace {
std::string one(const std::vector<OCRResult>& pages, OutputFormat f, const OutputOptions& opts) {
  return render_outputs(pages, {f}, opts)[f];
}
}  // namespace

std::string to_text(const std::vector<OCRResult>& pages) { return one(pages, OutputFormat::kTxt, {}); }
std::string to_markdown(const std::vector<OCRResult>& pages) { return one(pages, OutputFormat::kMd, {}); }
std::string to_hocr(const std::vector<OCRResult>& pages, const OutputOptions& o) {
  return one(pages, OutputFormat::kHocr, o);
}
std::string to_alto(const std::vector<OCRResult>& pages, const OutputOptions& o) {
  return one(pages, OutputFormat::kAlto, o);
}
std::string to_searchable_pdf(const std::vector<OCRResult>& pages, const OutputOptions& o) {
  return one(pages, OutputFormat::kPdf, o);
}

}  // namespace ppocr
