// hOCR 1.2 (http://kba.github.io/hocr-spec/1.2/): XHTML with ocr_page >
// ocr_carea > ocr_par > ocr_line > ocrx_word, each with its bbox in image
// pixels; words carry x_wconf (0-100). Blocks, paragraphs and line order come
// from the reading order.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pipelines/ocr/outputs/writers.h"

namespace ppocr::outputs {
namespace {

std::string bbox(const Box& b) {
  return "bbox " + std::to_string(b[0]) + " " + std::to_string(b[1]) + " " + std::to_string(b[2]) + " " +
         std::to_string(b[3]);
}

// "baseline slope offset": the bottom edge of the line's quad, relative to the
// bottom-left corner of its bbox (hOCR's definition).
std::string baseline(const Line& l) {
  if (l.poly.size() != 4 || l.vertical) return "baseline 0 0";
  const cv::Point& bl = l.poly[3];
  const cv::Point& br = l.poly[2];
  double dx = br.x - bl.x;
  double slope = std::abs(dx) < 1 ? 0.0 : (br.y - bl.y) / dx;
  double offset = (bl.y + slope * (l.box[0] - bl.x)) - l.box[3];
  char buf[64];
  std::snprintf(buf, sizeof buf, "baseline %.3f %.0f", slope, offset);
  std::string s = buf;
  if (s == "baseline -0.000 -0") s = "baseline 0 0";
  return s;
}

}  // namespace

std::string hocr_page(const PageModel& m, int page_no, double dpi) {
  const std::string p = std::to_string(page_no);
  std::string s;
  std::string title = "bbox 0 0 " + std::to_string(m.width) + " " + std::to_string(m.height) + "; ppageno " +
                      std::to_string(page_no - 1);
  if (!m.image_name.empty()) title = "image \"" + m.image_name + "\"; " + title;
  if (dpi > 0) {
    int d = int(std::lround(dpi));
    title += "; scan_res " + std::to_string(d) + " " + std::to_string(d);
  }
  s += "  <div class=\"ocr_page\" id=\"page_" + p + "\" title=\"" + xml_escape(title) + "\">\n";
  int nb = 0, np = 0, nl = 0, nw = 0;
  for (const auto& b : m.order.blocks) {
    s += "   <div class=\"ocr_carea\" id=\"block_" + p + "_" + std::to_string(++nb) + "\" title=\"" + bbox(b.box) +
         "\">\n";
    for (const auto& par : b.paragraphs) {
      s += "    <p class=\"ocr_par\" id=\"par_" + p + "_" + std::to_string(++np) + "\" title=\"" + bbox(par.box) +
           "\">\n";
      for (const auto& row : par.rows)
        for (int i : row) {
          const Line& l = m.lines[size_t(i)];
          int x_size = l.vertical ? l.box[2] - l.box[0] : l.box[3] - l.box[1];
          s += "     <span class=\"ocr_line\" id=\"line_" + p + "_" + std::to_string(++nl) + "\" title=\"" +
               bbox(l.box) + "; " + baseline(l) + "; x_size " + std::to_string(x_size) +
               "; x_descenders 0; x_ascenders 0\">";
          bool first = true;
          for (const Word& w : words_of(l)) {
            int conf = int(std::lround(std::max(0.f, std::min(1.f, w.score)) * 100));
            if (!first) s += " ";
            first = false;
            s += "\n      <span class=\"ocrx_word\" id=\"word_" + p + "_" + std::to_string(++nw) + "\" title=\"" +
                 bbox(w.box) + "; x_wconf " + std::to_string(conf) + "\">" + xml_escape(w.text) + "</span>";
          }
          s += "\n     </span>\n";
        }
      s += "    </p>\n";
    }
    s += "   </div>\n";
  }
  s += "  </div>\n";
  return s;
}

std::string hocr_document(const std::vector<std::string>& pages, const std::string& title) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
      "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
      " <head>\n"
      "  <title>" +
      xml_escape(title) +
      "</title>\n"
      "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
      "  <meta name=\"ocr-system\" content=\"ppocr\"/>\n"
      "  <meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf\"/>\n"
      "  <meta name=\"ocr-number-of-pages\" content=\"" +
      std::to_string(pages.size()) +
      "\"/>\n"
      " </head>\n"
      " <body>\n";
  for (const auto& p : pages) s += p;
  s += " </body>\n</html>\n";
  return s;
}

}  // namespace ppocr::outputs
