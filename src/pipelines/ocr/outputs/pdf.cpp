// Searchable PDF with qpdf: each page is the page image (JPEG) with the
// recognised text over it in text render mode 3 (invisible), one text object
// per line, set in the glyph-less font (glyphless_font.cpp) and stretched
// (Tz) to the width of the line's box. Character codes are 2-byte CIDs
// assigned per document; the ToUnicode map turns them back into the text, so
// selecting, searching and pdftotext give it for any script, CJK included.
// qpdf writes the file: objects, streams (Flate), object streams, cross
// references, document ID.
// qpdf 11: use std::shared_ptr throughout, without the PointerHolder compatibility layer.
#define POINTERHOLDER_TRANSITION 4
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "engine/error.h"
#include "pipelines/ocr/outputs/writers.h"

namespace ppocr::outputs {
namespace {

using OH = QPDFObjectHandle;

constexpr double kCharWidth = 0.5;  // glyph advance in em (the font's 500/1000)

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

OH name(const char* n) { return OH::newName(n); }
OH real(double v) { return OH::newReal(v, 3); }

bool is_gray(const cv::Mat& img) {
  if (img.channels() == 1) return true;
  if (img.channels() != 3) return false;
  std::vector<cv::Mat> ch;
  cv::split(img, ch);
  return cv::norm(ch[0], ch[1], cv::NORM_INF) == 0 && cv::norm(ch[1], ch[2], cv::NORM_INF) == 0;
}

struct Pt {
  double x, y;
};

}  // namespace

struct PdfBuilder::Impl {
  OutputOptions opts;
  QPDF pdf;
  OH font, cid_font, to_unicode, cid_to_gid;
  std::map<char32_t, unsigned> cids;  // character -> CID (1..)
  std::vector<char32_t> chars;        // CID - 1 -> character
  int pages = 0;
  // The source PDF of the last page (its page sizes).
  std::string source_path;
  std::unique_ptr<QPDF> source;
  std::vector<QPDFPageObjectHelper> source_pages;

  explicit Impl(const OutputOptions& o) : opts(o) {
    pdf.emptyPDF();
    pdf.setSuppressWarnings(true);
    const std::string& ttf = glyphless_font();
    OH font_file = pdf.newStream(ttf);
    font_file.getDict().replaceKey("/Length1", OH::newInteger(long(ttf.size())));
    OH desc = OH::newDictionary();
    desc.replaceKey("/Type", name("/FontDescriptor"));
    desc.replaceKey("/FontName", name("/GlyphLessFont"));
    desc.replaceKey("/Flags", OH::newInteger(5));  // fixed pitch, symbolic
    desc.replaceKey("/FontBBox", OH::newArray(OH::Rectangle(0, 0, 500, 1000)));
    desc.replaceKey("/ItalicAngle", OH::newInteger(0));
    desc.replaceKey("/Ascent", OH::newInteger(1000));
    desc.replaceKey("/Descent", OH::newInteger(0));
    desc.replaceKey("/CapHeight", OH::newInteger(1000));
    desc.replaceKey("/StemV", OH::newInteger(80));
    desc.replaceKey("/FontFile2", font_file);
    cid_to_gid = pdf.newStream();
    to_unicode = pdf.newStream();
    OH info = OH::newDictionary();
    info.replaceKey("/Registry", OH::newString("Adobe"));
    info.replaceKey("/Ordering", OH::newString("Identity"));
    info.replaceKey("/Supplement", OH::newInteger(0));
    OH cid = OH::newDictionary();
    cid.replaceKey("/Type", name("/Font"));
    cid.replaceKey("/Subtype", name("/CIDFontType2"));
    cid.replaceKey("/BaseFont", name("/GlyphLessFont"));
    cid.replaceKey("/CIDSystemInfo", info);
    cid.replaceKey("/FontDescriptor", pdf.makeIndirectObject(desc));
    cid.replaceKey("/DW", OH::newInteger(long(kCharWidth * 1000)));
    cid.replaceKey("/CIDToGIDMap", cid_to_gid);
    cid_font = pdf.makeIndirectObject(cid);
    OH f = OH::newDictionary();
    f.replaceKey("/Type", name("/Font"));
    f.replaceKey("/Subtype", name("/Type0"));
    f.replaceKey("/BaseFont", name("/GlyphLessFont"));
    f.replaceKey("/Encoding", name("/Identity-H"));
    f.replaceKey("/DescendantFonts", OH::newArray(std::vector<OH>{cid_font}));
    f.replaceKey("/ToUnicode", to_unicode);
    font = pdf.makeIndirectObject(f);
  }

  unsigned cid_of(char32_t c) {
    auto it = cids.find(c);
    if (it != cids.end()) return it->second;
    PPOCR_CHECK(chars.size() < 0xFFFE, "searchable PDF: more than 65534 distinct characters");
    chars.push_back(c);
    return cids[c] = unsigned(chars.size());
  }

  // The displayed size (crop box within the media box, /Rotate applied) of the
  // source PDF's page; false when unavailable.
  bool source_page_size(const std::string& path, int index, double& w, double& h) {
    try {
      if (path != source_path) {
        source_path = path;
        source = std::make_unique<QPDF>();
        source->setSuppressWarnings(true);
        source->processFile(path.c_str());
        source_pages = QPDFPageDocumentHelper(*source).getAllPages();
      }
      if (!source || index < 0 || size_t(index) >= source_pages.size()) return false;
      QPDFPageObjectHelper& page = source_pages[size_t(index)];
      OH media = page.getMediaBox();
      OH crop = page.getCropBox();
      if (!media.isRectangle()) return false;
      auto m = media.getArrayAsRectangle();
      auto c = crop.isRectangle() ? crop.getArrayAsRectangle() : m;
      double llx = std::max(std::min(c.llx, c.urx), std::min(m.llx, m.urx));
      double lly = std::max(std::min(c.lly, c.ury), std::min(m.lly, m.ury));
      double urx = std::min(std::max(c.llx, c.urx), std::max(m.llx, m.urx));
      double ury = std::min(std::max(c.lly, c.ury), std::max(m.lly, m.ury));
      w = urx - llx, h = ury - lly;
      OH rot = page.getAttribute("/Rotate", false);
      long r = rot.isInteger() ? long(rot.getIntValue()) : 0;
      if (((r % 360) + 360) % 180 == 90) std::swap(w, h);
      return w > 0 && h > 0;
    } catch (const std::exception&) {
      source.reset();
      source_pages.clear();
      return false;
    }
  }

  // One line of the text layer: BT ... ET with its own matrix, size and scaling.
  void text_line(std::string& cs, const Line& l, double sx, double sy, double page_h) {
    std::u32string text = utf8_decode(l.text);
    while (!text.empty() && text.back() == U' ') text.pop_back();
    size_t lead = 0;
    while (lead < text.size() && text[lead] == U' ') ++lead;
    text.erase(0, lead);
    if (text.empty()) return;
    // Lines are set level (or, tall ones, top to bottom): text extraction
    // (poppler's among others) starts a new word wherever the baseline moves
    // by half a point, so a skewed baseline would come out in pieces. A
    // skewed line's text runs level through the middle of its box, as thick
    // as the line (its quad's height).
    const Box& b = l.box;
    Pt origin;
    double angle = 0, length, size;
    if (l.vertical) {  // top to bottom, glyphs' tops to the right
      origin = {b[0] * sx, page_h - b[1] * sy};
      angle = -M_PI / 2;
      length = (b[3] - b[1]) * sy;
      size = (b[2] - b[0]) * sx;
    } else {
      length = (b[2] - b[0]) * sx;
      size = (b[3] - b[1]) * sy;
      if (l.poly.size() == 4) {
        auto d = [&](const cv::Point& p, const cv::Point& q) { return std::hypot((p.x - q.x) * sx, (p.y - q.y) * sy); };
        size = std::min(size, 0.5 * (d(l.poly[0], l.poly[3]) + d(l.poly[1], l.poly[2])));
      }
      origin = {b[0] * sx, page_h - 0.5 * (b[1] + b[3]) * sy - 0.5 * size};
    }
    if (!(size > 0.1) || !(length > 0.1)) return;
    double scale = 100.0 * length / (double(text.size()) * kCharWidth * size);
    double c = std::cos(angle), s = std::sin(angle);
    std::string hex;
    hex.reserve(text.size() * 4);
    char buf[8];
    for (char32_t ch : text) {
      std::snprintf(buf, sizeof buf, "%04X", cid_of(ch));
      hex += buf;
    }
    cs += "BT /F1 " + num(size) + " Tf " + num(scale) + " Tz " + num(c) + " " + num(s) + " " + num(-s) + " " +
          num(c) + " " + num(origin.x) + " " + num(origin.y) + " Tm <" + hex + "> Tj ET\n";
  }

  void add_page(const PageModel& m, const cv::Mat& image, double dpi, const std::string& source_pdf) {
    PPOCR_CHECK(!image.empty(), "searchable PDF: page ", pages + 1, " has no image (the result's image was dropped)");
    PPOCR_CHECK(dpi > 0, "searchable PDF: bad resolution ", dpi);
    double w = image.cols * 72.0 / dpi, h = image.rows * 72.0 / dpi;
    double sw, sh;
    if (!source_pdf.empty() && m.page_index && source_page_size(source_pdf, *m.page_index, sw, sh)) {
      // The rendered page is the source page at dpi, rounded to whole pixels.
      double tol = 72.0 / dpi + 0.5;
      if (std::abs(sw - w) <= tol && std::abs(sh - h) <= tol) w = sw, h = sh;
    }
    // The image, as JPEG (gray when the page is gray).
    cv::Mat img = image;
    if (img.depth() != CV_8U) img = io_to_8u(img);
    bool gray = is_gray(img);
    if (gray && img.channels() != 1) cv::cvtColor(img, img, cv::COLOR_BGR2GRAY);
    if (!gray && img.channels() == 4) cv::cvtColor(img, img, cv::COLOR_BGRA2BGR);
    std::vector<uchar> jpg;
    PPOCR_CHECK(cv::imencode(".jpg", img, jpg, {cv::IMWRITE_JPEG_QUALITY, std::clamp(opts.jpeg_quality, 1, 100)}),
                "searchable PDF: cannot encode page ", pages + 1, " as JPEG");
    OH xobj = pdf.newStream();
    xobj.replaceStreamData(std::string(jpg.begin(), jpg.end()), name("/DCTDecode"), OH::newNull());
    OH d = xobj.getDict();
    d.replaceKey("/Type", name("/XObject"));
    d.replaceKey("/Subtype", name("/Image"));
    d.replaceKey("/Width", OH::newInteger(img.cols));
    d.replaceKey("/Height", OH::newInteger(img.rows));
    d.replaceKey("/ColorSpace", name(gray ? "/DeviceGray" : "/DeviceRGB"));
    d.replaceKey("/BitsPerComponent", OH::newInteger(8));
    jpg.clear();

    std::string cs = "q " + num(w) + " 0 0 " + num(h) + " 0 0 cm /Im0 Do Q\n";
    double sx = w / image.cols, sy = h / image.rows;
    std::string text;
    for (int i : m.order.order()) text_line(text, m.lines[size_t(i)], sx, sy, h);
    if (!text.empty()) cs += "3 Tr\n" + text;
    OH contents = pdf.newStream(cs);

    OH fonts = OH::newDictionary();
    fonts.replaceKey("/F1", font);
    OH xobjects = OH::newDictionary();
    xobjects.replaceKey("/Im0", xobj);
    OH res = OH::newDictionary();
    res.replaceKey("/Font", fonts);
    res.replaceKey("/XObject", xobjects);
    OH page = OH::newDictionary();
    page.replaceKey("/Type", name("/Page"));
    page.replaceKey("/MediaBox", OH::newArray(std::vector<OH>{OH::newInteger(0), OH::newInteger(0), real(w), real(h)}));
    page.replaceKey("/Resources", res);
    page.replaceKey("/Contents", contents);
    QPDFPageDocumentHelper(pdf).addPage(QPDFPageObjectHelper(pdf.makeIndirectObject(page)), false);
    ++pages;
  }

  static cv::Mat io_to_8u(const cv::Mat& img) {
    cv::Mat out;
    double scale = img.depth() == CV_16U ? 1.0 / 257 : (img.depth() == CV_32F || img.depth() == CV_64F ? 255.0 : 1.0);
    img.convertTo(out, CV_8U, scale);
    return out;
  }

  std::string finish(const std::string& title) {
    // ToUnicode: each CID to its character (UTF-16BE), 100 entries per block.
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    char buf[32];
    for (size_t k = 0; k < chars.size(); k += 100) {
      size_t n = std::min<size_t>(100, chars.size() - k);
      cmap += std::to_string(n) + " beginbfchar\n";
      for (size_t j = k; j < k + n; ++j) {
        char32_t c = chars[j];
        std::string dst;
        if (c >= 0x10000) {
          char32_t v = c - 0x10000;
          std::snprintf(buf, sizeof buf, "%04X%04X", unsigned(0xD800 + (v >> 10)), unsigned(0xDC00 + (v & 0x3FF)));
        } else {
          std::snprintf(buf, sizeof buf, "%04X", unsigned(c));
        }
        dst = buf;
        std::snprintf(buf, sizeof buf, "%04X", unsigned(j + 1));
        cmap += "<" + std::string(buf) + "> <" + dst + ">\n";
      }
      cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    to_unicode.replaceStreamData(cmap, OH::newNull(), OH::newNull());
    // CIDToGIDMap: CID 0 -> glyph 0 (.notdef), every other CID -> glyph 1.
    std::string map(2 * (chars.size() + 1), '\0');
    for (size_t k = 1; k <= chars.size(); ++k) map[2 * k + 1] = 1;
    cid_to_gid.replaceStreamData(map, OH::newNull(), OH::newNull());

    OH info = OH::newDictionary();
    if (!title.empty()) info.replaceKey("/Title", OH::newUnicodeString(title));
    info.replaceKey("/Producer", OH::newString("ppocr (qpdf)"));
    info.replaceKey("/Creator", OH::newString("ppocr"));
    pdf.getTrailer().replaceKey("/Info", pdf.makeIndirectObject(info));

    QPDFWriter w(pdf);
    w.setOutputMemory();
    w.setObjectStreamMode(qpdf_o_generate);
    w.setCompressStreams(true);
    w.setDeterministicID(true);
    w.write();
    std::shared_ptr<Buffer> out = w.getBufferSharedPointer();
    return std::string(reinterpret_cast<const char*>(out->getBuffer()), out->getSize());
  }
};

PdfBuilder::PdfBuilder(const OutputOptions& opts) : impl_(std::make_unique<Impl>(opts)) {}
PdfBuilder::~PdfBuilder() = default;

void PdfBuilder::add_page(const PageModel& m, const cv::Mat& image, double dpi, const std::string& source_pdf) {
  try {
    impl_->add_page(m, image, dpi, source_pdf);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("searchable PDF: ", e.what());
  }
}

int PdfBuilder::page_count() const { return impl_->pages; }

std::string PdfBuilder::finish(const std::string& title) {
  try {
    return impl_->finish(title);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("searchable PDF: ", e.what());
  }
}

}  // namespace ppocr::outputs
