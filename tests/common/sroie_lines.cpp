#include "common/sroie_lines.h"

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/shared.h"

namespace fs = std::filesystem;

namespace ppocr::test {

std::vector<LineCrop> sroie_dev_lines(size_t count, size_t every) {
  std::vector<LineCrop> out;
  if (!shared_exists("data/sroie/gt")) return out;
  std::vector<fs::path> files;
  for (auto& e : fs::directory_iterator(shared_path("data/sroie/gt")))
    if (e.path().extension() == ".csv") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  size_t index = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f);
    std::string line;
    cv::Mat img;
    int lineno = 0;
    while (std::getline(in, line) && out.size() < count) {
      ++lineno;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      bool take = index++ % every == 0;
      if (!take) continue;
      std::stringstream ss(line);
      std::string tok;
      int v[8];
      bool ok = true;
      for (int i = 0; i < 8 && ok; ++i) ok = static_cast<bool>(std::getline(ss, tok, ',')) && !tok.empty();
      if (!ok) continue;
      std::stringstream ss2(line);
      for (int i = 0; i < 8; ++i) {
        std::getline(ss2, tok, ',');
        v[i] = std::stoi(tok);
      }
      std::string text;
      std::getline(ss2, text);
      if (img.empty()) {
        img = cv::imread(shared_path("data/sroie/images/" + f.stem().string() + ".jpg"), cv::IMREAD_COLOR);
        if (img.empty()) break;
      }
      int x0 = std::min({v[0], v[2], v[4], v[6]}), x1 = std::max({v[0], v[2], v[4], v[6]});
      int y0 = std::min({v[1], v[3], v[5], v[7]}), y1 = std::max({v[1], v[3], v[5], v[7]});
      cv::Rect r = cv::Rect(cv::Point(x0, y0), cv::Point(x1, y1)) & cv::Rect(0, 0, img.cols, img.rows);
      if (r.width < 2 || r.height < 2) continue;
      out.push_back({img(r).clone(), text, f.filename().string() + ":" + std::to_string(lineno)});
    }
    if (out.size() >= count) break;
  }
  return out;
}

}  // namespace ppocr::test
