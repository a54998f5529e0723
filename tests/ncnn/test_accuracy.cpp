// Recognition and text-line orientation accuracy of the shared ncnn models on
// real crops (golden/README.md gives ncnn's own figures). Pre-processing and
// the greedy CTC decoder here are small test-local versions; parameters
// (dictionary, input size, normalisation) come from each inference.yml.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "common/shared.h"
#include "engine/model.h"
#include "formats/load.h"
#include "io/npy.h"

using ppocr::engine::Shape;
using ppocr::engine::Tensor;
using ppocr::test::shared_path;

namespace {

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// The items of a YAML block list under `key:` (quoted or plain scalars).
std::vector<std::string> yml_list(const std::string& yml, const std::string& key) {
  std::vector<std::string> out;
  bool in = false;
  for (const std::string& line : read_lines(yml)) {
    size_t p = line.find_first_not_of(' ');
    if (p == std::string::npos) continue;
    if (line.compare(p, key.size() + 1, key + ":") == 0) {
      in = true;
      continue;
    }
    if (!in) continue;
    if (line.compare(p, 2, "- ") != 0) break;
    std::string v = line.substr(p + 2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
      std::string s;
      for (size_t i = 1; i + 1 < v.size(); ++i) {
        if (v[i] == '\\' && i + 2 < v.size()) ++i;
        s += v[i];
      }
      v = s;
    } else if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') {
      v = v.substr(1, v.size() - 2);
    }
    out.push_back(v);
  }
  return out;
}

// Numbers of an inline YAML list `key: [a, b, c]`.
std::vector<double> yml_numbers(const std::string& yml, const std::string& key) {
  for (const std::string& line : read_lines(yml)) {
    size_t p = line.find(key + ": [");
    if (p == std::string::npos) continue;
    std::string body = line.substr(p + key.size() + 3);
    body = body.substr(0, body.find(']'));
    std::vector<double> v;
    std::stringstream ss(body);
    std::string item;
    while (std::getline(ss, item, ',')) v.push_back(std::stod(item));
    return v;
  }
  return {};
}

// PaddleOCR RecResizeImg: height H, width min(maxW, ceil(H * w / h)), (x/255 - 0.5)/0.5, right-padded with 0.
void rec_fill(const cv::Mat& img, int H, int W, float* dst) {
  int w = std::min(W, static_cast<int>(std::ceil(H * double(img.cols) / img.rows)));
  cv::Mat r;
  cv::resize(img, r, cv::Size(w, H));
  std::fill(dst, dst + 3 * H * W, 0.f);
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < w; ++x) dst[(c * H + y) * W + x] = (r.at<cv::Vec3b>(y, x)[c] / 255.f - 0.5f) / 0.5f;
}

// Resize to (H, W) and normalise (x/255 - mean)/std per channel, channels in image (BGR) order.
void cls_fill(const cv::Mat& img, int H, int W, const std::vector<double>& mean, const std::vector<double>& stdv,
              float* dst) {
  cv::Mat r;
  cv::resize(img, r, cv::Size(W, H));
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        dst[(c * H + y) * W + x] = static_cast<float>((r.at<cv::Vec3b>(y, x)[c] / 255.0 - mean[c]) / stdv[c]);
}

// Greedy CTC: argmax per step, merge repeats, drop blank (class 0).
std::string ctc_decode(const float* p, int64_t T, int64_t C, const std::vector<std::string>& chars) {
  std::string s;
  int64_t prev = -1;
  for (int64_t t = 0; t < T; ++t) {
    const float* row = p + t * C;
    int64_t k = std::max_element(row, row + C) - row;
    if (k != prev && k > 0 && k <= static_cast<int64_t>(chars.size())) s += chars[static_cast<size_t>(k - 1)];
    prev = k;
  }
  return s;
}

struct Word {
  std::string file, text;
};

std::vector<Word> icdar_words() {
  std::vector<Word> out;
  for (const std::string& line : read_lines(shared_path("data/icdar2015_words/labels.txt"))) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    out.push_back({line.substr(0, sp), line.substr(sp + 1)});
  }
  return out;
}

// Exact-match accuracy of a CTC recogniser on the ICDAR 2015 word crops.
double rec_accuracy(const std::string& model_dir) {
  std::string dir = shared_path(model_dir);
  std::vector<std::string> dict = yml_list(dir + "/inference.yml", "character_dict");
  std::vector<double> shape = yml_numbers(dir + "/inference.yml", "image_shape");
  EXPECT_EQ(shape.size(), 3u);
  if (shape.size() != 3) return 0;
  int H = static_cast<int>(shape[1]), W = static_cast<int>(shape[2]);
  ppocr::engine::ModelOptions o;
  o.num_threads = 1;
  auto m = ppocr::formats::load_model(dir, o);
  std::vector<Word> words = icdar_words();
  EXPECT_EQ(words.size(), 500u);
  const size_t B = 8;
  int correct = 0;
  for (size_t i = 0; i < words.size(); i += B) {
    size_t n = std::min(B, words.size() - i);
    Tensor x(ppocr::engine::DType::Float32, {static_cast<int64_t>(n), 3, H, W});
    for (size_t j = 0; j < n; ++j) {
      cv::Mat img = cv::imread(shared_path("data/icdar2015_words/images/" + words[i + j].file), cv::IMREAD_COLOR);
      EXPECT_FALSE(img.empty()) << words[i + j].file;
      if (img.empty()) return 0;
      rec_fill(img, H, W, x.data<float>() + j * 3 * H * W);
    }
    Tensor y = m->run({x}).at(0);
    int64_t T = y.dim(1), C = y.dim(2);
    if (i == 0) {
      // Dictionary = classes minus the blank, plus a trailing space where the model has one more class.
      if (static_cast<int64_t>(dict.size()) + 2 == C) dict.push_back(" ");
      EXPECT_EQ(static_cast<int64_t>(dict.size()) + 1, C) << "dictionary does not fit the model's classes";
    }
    for (size_t j = 0; j < n; ++j)
      correct += ctc_decode(y.data<float>() + j * T * C, T, C, dict) == words[i + j].text;
  }
  return double(correct) / double(words.size());
}

}  // namespace

TEST(NcnnAccuracy, PreprocessingReproducesGoldenInputs) {
  REQUIRE_SHARED("golden/inputs/rec_4x3x48x160.npy");
  const char* files[] = {"word_1.png", "word_2.png", "word_3.png", "word_10.png"};
  Tensor rec = ppocr::io::read_npy(shared_path("golden/inputs/rec_4x3x48x160.npy"));
  Tensor ori = ppocr::io::read_npy(shared_path("golden/inputs/textline_ori_4x3x80x160.npy"));
  std::string yml = shared_path("models/ncnn/PP-LCNet_x1_0_textline_ori/inference.yml");
  std::vector<double> mean = yml_numbers(yml, "mean"), stdv = yml_numbers(yml, "std");
  ASSERT_EQ(mean.size(), 3u);
  std::vector<float> a(3 * 48 * 160), b(3 * 80 * 160);
  for (int i = 0; i < 4; ++i) {
    cv::Mat img = cv::imread(shared_path(std::string("data/icdar2015_words/images/") + files[i]), cv::IMREAD_COLOR);
    ASSERT_FALSE(img.empty());
    rec_fill(img, 48, 160, a.data());
    cls_fill(img, 80, 160, mean, stdv, b.data());
    double da = 0, db = 0;
    for (size_t k = 0; k < a.size(); ++k) da = std::max(da, double(std::fabs(a[k] - rec.data<float>()[i * a.size() + k])));
    for (size_t k = 0; k < b.size(); ++k) db = std::max(db, double(std::fabs(b[k] - ori.data<float>()[i * b.size() + k])));
    EXPECT_LE(da, 1e-5) << files[i];
    EXPECT_LE(db, 1e-4) << files[i];
  }
}

TEST(NcnnAccuracy, LatinPPOCRv5RecOnIcdar2015Words) {
  REQUIRE_SHARED("models/ncnn/latin_PP-OCRv5_mobile_rec");
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  double acc = rec_accuracy("models/ncnn/latin_PP-OCRv5_mobile_rec");
  std::printf("latin_PP-OCRv5_mobile_rec exact match on 500 ICDAR 2015 words: %.1f%% (ncnn: 78.8%%)\n", 100 * acc);
  EXPECT_GE(acc, 0.783);
}

TEST(NcnnAccuracy, PPOCRv6TinyRecOnIcdar2015Words) {
  REQUIRE_SHARED("models/ncnn/PP-OCRv6_tiny_rec");
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  double acc = rec_accuracy("models/ncnn/PP-OCRv6_tiny_rec");
  std::printf("PP-OCRv6_tiny_rec exact match on 500 ICDAR 2015 words: %.1f%% (ncnn: 67.8%%)\n", 100 * acc);
  EXPECT_GE(acc, 0.673);
}

TEST(NcnnAccuracy, TextlineOrientationOnSroieLines) {
  REQUIRE_SHARED("models/ncnn/PP-LCNet_x1_0_textline_ori");
  REQUIRE_SHARED("data/sroie/gt");
  std::string dir = shared_path("models/ncnn/PP-LCNet_x1_0_textline_ori");
  std::string yml = dir + "/inference.yml";
  std::vector<double> size = yml_numbers(yml, "size"), mean = yml_numbers(yml, "mean"), stdv = yml_numbers(yml, "std");
  ASSERT_EQ(size.size(), 2u);
  ASSERT_EQ(mean.size(), 3u);
  ASSERT_EQ(stdv.size(), 3u);
  int W = static_cast<int>(size[0]), H = static_cast<int>(size[1]);
  // Every 6th ground-truth line over the files in order, first 400, cut by the axis-aligned box.
  std::vector<cv::Mat> crops;
  int line_no = 0;
  for (int f = 0; f < 50 && crops.size() < 400; ++f) {
    char name[16];
    std::snprintf(name, sizeof name, "%03d", f);
    std::vector<std::string> lines = read_lines(shared_path(std::string("data/sroie/gt/") + name + ".csv"));
    cv::Mat page;
    for (const std::string& line : lines) {
      if (line.empty()) continue;
      if (line_no++ % 6 != 0 || crops.size() >= 400) continue;
      std::stringstream ss(line);
      std::string item;
      std::vector<int> v;
      for (int k = 0; k < 8 && std::getline(ss, item, ','); ++k) v.push_back(std::stoi(item));
      ASSERT_EQ(v.size(), 8u) << name << ": " << line;
      if (page.empty()) page = cv::imread(shared_path(std::string("data/sroie/images/") + name + ".jpg"), cv::IMREAD_COLOR);
      ASSERT_FALSE(page.empty()) << name;
      int x0 = std::max(0, std::min({v[0], v[2], v[4], v[6]})), x1 = std::min(page.cols, std::max({v[0], v[2], v[4], v[6]}));
      int y0 = std::max(0, std::min({v[1], v[3], v[5], v[7]})), y1 = std::min(page.rows, std::max({v[1], v[3], v[5], v[7]}));
      if (x1 <= x0 || y1 <= y0) continue;
      crops.push_back(page(cv::Rect(x0, y0, x1 - x0, y1 - y0)).clone());
    }
  }
  ASSERT_EQ(crops.size(), 400u);
  ppocr::engine::ModelOptions o;
  o.num_threads = 1;
  auto m = ppocr::formats::load_model(dir, o);
  int correct = 0, total = 0;
  const size_t B = 16;
  for (int rot = 0; rot < 2; ++rot) {
    for (size_t i = 0; i < crops.size(); i += B) {
      size_t n = std::min(B, crops.size() - i);
      Tensor x(ppocr::engine::DType::Float32, {static_cast<int64_t>(n), 3, H, W});
      for (size_t j = 0; j < n; ++j) {
        cv::Mat img = crops[i + j];
        if (rot) cv::rotate(img, img, cv::ROTATE_180);
        cls_fill(img, H, W, mean, stdv, x.data<float>() + j * 3 * H * W);
      }
      Tensor y = m->run({x}).at(0);
      ASSERT_EQ(y.shape(), (Shape{static_cast<int64_t>(n), 2}));
      for (size_t j = 0; j < n; ++j) {
        const float* p = y.data<float>() + 2 * j;
        correct += (p[1] > p[0] ? 1 : 0) == rot;
        ++total;
      }
    }
  }
  double acc = double(correct) / total;
  std::printf("PP-LCNet_x1_0_textline_ori on 400 SROIE lines upright + 180: %.1f%% (ncnn: 94.5%%)\n", 100 * acc);
  EXPECT_GE(acc, 0.94);
}
