#include "outputs/util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/shared.h"

namespace fs = std::filesystem;

namespace ppocr::test {

OCRResult synthetic_result(const std::vector<SynthLine>& lines, int w, int h) {
  OCRResult r;
  r.name = "synthetic";
  for (const auto& l : lines) {
    r.rec_texts.push_back(l.text);
    r.rec_scores.push_back(0.9f);
    const auto& b = l.box;
    r.rec_polys.push_back({{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}});
    r.rec_boxes.push_back(b);
  }
  r.dt_polys = r.rec_polys;
  if (w > 0 && h > 0) r.image = cv::Mat(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  return r;
}

std::vector<std::string> ordered_texts(const OCRResult& r) {
  std::vector<std::string> out;
  for (int i : reading_order(r).order()) out.push_back(r.rec_texts[size_t(i)]);
  return out;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string write_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::string p = (fs::path(dir) / name).string();
  std::ofstream f(p, std::ios::binary);
  f << bytes;
  return p;
}

Cmd run(const std::string& cmd) {
  static int counter = 0;
  std::string err_file = (fs::temp_directory_path() / ("ppocr_outputs_err_" + std::to_string(::getpid()) + "_" +
                                                       std::to_string(counter++)))
                             .string();
  Cmd c;
  c.status = run_command(cmd + " 2>" + shell_quote(err_file), &c.out);
  c.err = read_file(err_file);
  std::error_code ec;
  fs::remove(err_file, ec);
  return c;
}

bool have_tool(const std::string& name) { return run("command -v " + name + " >/dev/null").status == 0; }

PdfInfo pdf_info(const std::string& path) {
  PdfInfo info;
  Cmd c = run("pdfinfo -f 1 -l 100000 " + shell_quote(path));
  info.err = c.err;
  info.ok = c.status == 0;
  std::istringstream is(c.out);
  std::string line;
  while (std::getline(is, line)) {
    if (line.rfind("Pages:", 0) == 0) info.pages = std::stoi(line.substr(6));
    int n;
    double w, h;
    if (std::sscanf(line.c_str(), "Page %d size: %lf x %lf pts", &n, &w, &h) == 3) info.sizes.push_back({w, h});
  }
  return info;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream is(text);
  std::string w;
  while (is >> w) out.push_back(w);
  return out;
}

double word_recall(const std::vector<std::string>& want, const std::vector<std::string>& have) {
  if (want.empty()) return 1.0;
  std::map<std::string, int> pool;
  for (const auto& w : have) ++pool[w];
  size_t found = 0;
  for (size_t k = 0; k < want.size(); ++k) {
    const std::string& w = want[k];
    if (pool[w] > 0) {
      --pool[w], ++found;
      continue;
    }
    // pdftotext joins a word hyphenated at the end of a line with its rest ("be-" "tween" -> "between").
    if (w.size() > 1 && w.back() == '-' && k + 1 < want.size()) {
      std::string joined = w.substr(0, w.size() - 1) + want[k + 1];
      if (pool[joined] > 0) --pool[joined], found += 2, ++k;
    }
  }
  return double(found) / double(want.size());
}

std::string all_texts(const std::vector<OCRResult>& pages) {
  std::string s;
  for (const auto& p : pages)
    for (int i : reading_order(p).order()) s += p.rec_texts[size_t(i)] + "\n";
  return s;
}

const OCR& tiny_ocr() {
  static OCR ocr([] {
    OCROptions o;
    o.text_detection_model_dir = shared_path("models/onnx/PP-OCRv6_tiny_det");
    o.text_recognition_model_dir = shared_path("models/onnx/PP-OCRv6_tiny_rec");
    o.use_doc_orientation_classify = false;
    o.use_doc_unwarping = false;
    o.use_textline_orientation = false;
    o.log = [](const std::string&) {};
    return o;
  }());
  return ocr;
}

}  // namespace ppocr::test
