// ALTO v4 (schema 4.4, https://www.loc.gov/standards/alto/): one Page per
// page, MeasurementUnit pixel. A reading-order block is a ComposedBlock, a
// paragraph a TextBlock, a detected line a TextLine, a word (or the line, when
// the result has no word boxes) a String; element order is the reading order.
#include <algorithm>
#include <cstdio>

#include "pipelines/ocr/outputs/writers.h"

namespace ppocr::outputs {
namespace {

std::string geom(const Box& b) {
  return "HPOS=\"" + std::to_string(b[0]) + "\" VPOS=\"" + std::to_string(b[1]) + "\" WIDTH=\"" +
         std::to_string(b[2] - b[0]) + "\" HEIGHT=\"" + std::to_string(b[3] - b[1]) + "\"";
}

std::string wc(float score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.4f", double(std::max(0.f, std::min(1.f, score))));
  return buf;
}

}  // namespace

std::string alto_page(const PageModel& m, int page_no) {
  const std::string p = std::to_string(page_no);
  std::string s;
  std::string wh = "WIDTH=\"" + std::to_string(m.width) + "\" HEIGHT=\"" + std::to_string(m.height) + "\"";
  s += "    <Page ID=\"page_" + p + "\" PHYSICAL_IMG_NR=\"" + p + "\" " + wh + ">\n";
  s += "      <PrintSpace HPOS=\"0\" VPOS=\"0\" " + wh + ">\n";
  int nb = 0, np = 0, nl = 0, nw = 0;
  for (const auto& b : m.order.blocks) {
    s += "        <ComposedBlock ID=\"block_" + p + "_" + std::to_string(++nb) + "\" " + geom(b.box) + ">\n";
    for (const auto& par : b.paragraphs) {
      s += "          <TextBlock ID=\"par_" + p + "_" + std::to_string(++np) + "\" " + geom(par.box) + ">\n";
      for (const auto& row : par.rows)
        for (int i : row) {
          const Line& l = m.lines[size_t(i)];
          s += "            <TextLine ID=\"line_" + p + "_" + std::to_string(++nl) + "\" " + geom(l.box) + ">\n";
          std::vector<Word> words = words_of(l);
          for (size_t k = 0; k < words.size(); ++k) {
            const Word& w = words[k];
            if (k > 0) {
              const Box& prev = words[k - 1].box;
              int gap = std::max(0, w.box[0] - prev[2]);
              s += "              <SP HPOS=\"" + std::to_string(prev[2]) + "\" VPOS=\"" + std::to_string(prev[1]) +
                   "\" WIDTH=\"" + std::to_string(gap) + "\"/>\n";
            }
            s += "              <String ID=\"word_" + p + "_" + std::to_string(++nw) + "\" CONTENT=\"" +
                 xml_escape(w.text) + "\" " + geom(w.box) + " WC=\"" + wc(w.score) + "\"/>\n";
          }
          s += "            </TextLine>\n";
        }
      s += "          </TextBlock>\n";
    }
    s += "        </ComposedBlock>\n";
  }
  s += "      </PrintSpace>\n    </Page>\n";
  return s;
}

std::string alto_document(const std::vector<std::string>& pages, const std::string& file_name) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n"
      "      xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
      "      xsi:schemaLocation=\"http://www.loc.gov/standards/alto/ns-v4# "
      "http://www.loc.gov/alto/v4/alto-4-4.xsd\" SCHEMAVERSION=\"4.4\">\n"
      "  <Description>\n"
      "    <MeasurementUnit>pixel</MeasurementUnit>\n";
  if (!file_name.empty())
    s += "    <sourceImageInformation>\n      <fileName>" + xml_escape(file_name) +
         "</fileName>\n    </sourceImageInformation>\n";
  s +=
      "    <Processing ID=\"ocr_1\">\n"
      "      <processingSoftware>\n"
      "        <softwareName>ppocr</softwareName>\n"
      "      </processingSoftware>\n"
      "    </Processing>\n"
      "  </Description>\n"
      "  <Layout>\n";
  for (const auto& p : pages) s += p;
  s += "  </Layout>\n</alto>\n";
  return s;
}

}  // namespace ppocr::outputs
