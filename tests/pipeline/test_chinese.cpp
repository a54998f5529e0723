// Chinese end to end with the official PP-OCRv4 mobile pair (the first full-precision Chinese recognizer in
// ../shared/models), on PaddleOCR's own demo images (../shared/data/paddleocr_demo/imgs), whose texts
// PaddleOCR's documentation prints:
// - imgs/11.jpg: the 16 lines of PaddleOCR's on-device deployment docs (PP-OCRv5_mobile run); the first four
//   also in its 2.x quick start (PP-OCRv4-era models). Full-width and ASCII brackets differ between those
//   runs, so brackets are compared as ASCII.
// - imgs/12.jpg: the 4 lines of deploy/cpp_infer's README (上海斯格威铂尔大酒店, 打浦路15号, ...).
// - imgs/1.jpg: 土地整治与土壤修复研究中心 (PaddleServing's OCR example and others); the second line reads
//   华南农业大学·东图 with a dash that every published run spells differently.
// And the Paddle 2 and the ONNX files of the same weights give identical texts on these images.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/shared.h"
#include "ppocr/ppocr.h"

using namespace ppocr;

namespace {

const char* const kImgs = "data/paddleocr_demo/imgs/";

std::unique_ptr<OCR> make_ocr(const std::string& format) {
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/" + format + "/PP-OCRv4_mobile_det");
  o.text_recognition_model_dir = test::shared_path("models/" + format + "/PP-OCRv4_mobile_rec");
  o.use_doc_orientation_classify = o.use_doc_unwarping = o.use_textline_orientation = false;
  o.cpu_threads = 2;
  o.log = [](const std::string&) {};
  return std::make_unique<OCR>(o);
}

OCRResult run(const OCR& ocr, const std::string& image) {
  auto r = ocr.predict(Input::from_path(test::shared_path(kImgs + image)));
  EXPECT_EQ(r.size(), 1u);
  return r.empty() ? OCRResult{} : r[0];
}

std::u32string utf32(const std::string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t v = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n && i + k < s.size(); ++k) v = (v << 6) | (s[i + k] & 0x3F);
    out += v;
    i += n;
  }
  return out;
}

// Brackets as ASCII: PaddleOCR's published runs write them full-width or not.
std::u32string norm(const std::string& s) {
  std::u32string u = utf32(s);
  for (char32_t& c : u) {
    if (c == U'（') c = U'(';
    if (c == U'）') c = U')';
  }
  return u;
}

size_t edit_distance(const std::u32string& a, const std::u32string& b) {
  std::vector<size_t> d(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = d[0];
    d[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = d[j];
      d[j] = std::min({d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return d[b.size()];
}

// How many expected lines the result holds exactly, and the character accuracy of each expected line
// against its closest result line (1 - edit distance / length), summed.
struct Score {
  int exact = 0;
  double chars = 0;
};
Score score(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  Score s;
  for (const auto& w : want) {
    std::u32string nw = norm(w);
    double best = 0;
    for (const auto& g : got) {
      std::u32string ng = norm(g);
      if (ng == nw) ++s.exact, best = 1;
      best = std::max(best, 1.0 - double(edit_distance(ng, nw)) / double(nw.size()));
      if (best == 1) break;
    }
    s.chars += best;
    if (best < 1) std::printf("  not read exactly: %s (best %.2f)\n", w.c_str(), best);
  }
  return s;
}

}  // namespace

TEST(Chinese, PPOCRv4MobileReadsPaddleOcrDemoImages) {
  REQUIRE_SHARED("models/paddle/PP-OCRv4_mobile_det");
  REQUIRE_SHARED("models/paddle/PP-OCRv4_mobile_rec");
  REQUIRE_SHARED(std::string(kImgs) + "11.jpg");
  auto ocr_ptr = make_ocr("paddle");
  const OCR& ocr = *ocr_ptr;

  const std::vector<std::string> shampoo = {
      "纯臻营养护发素", "产品信息/参数", "(45元/每公斤，100公斤起订）", "每瓶22元，1000瓶起订)",
      "【品牌】：代加工方式/OEMODM", "【品名】：纯臻营养护发素", "ODMOEM", "【产品编号】：YM-X-3011",
      "【净含量】：220ml", "【适用人群】：适合所有肤质", "【主要成分】：鲸蜡硬脂醇、燕麦β-葡聚",
      "糖、椰油酰胺丙基甜菜碱、泛醌", "（成品包材）", "【主要功能】：可紧致头发磷层，从而达到",
      "即时持久改善头发光泽的效果，给干燥的头", "发足够的滋养"};
  OCRResult r11 = run(ocr, "11.jpg");
  Score s11 = score(r11.rec_texts, shampoo);
  std::printf("[ chinese ] imgs/11.jpg: %d of %zu lines exact, character accuracy %.4f, %zu lines read\n",
              s11.exact, shampoo.size(), s11.chars / shampoo.size(), r11.rec_texts.size());
  EXPECT_GE(s11.exact, 15);
  EXPECT_GE(s11.chars / shampoo.size(), 0.98);
  EXPECT_LE(r11.rec_texts.size(), shampoo.size() + 2);

  const std::vector<std::string> sign = {"上海斯格威铂尔大酒店", "打浦路15号", "绿洲仕格维花园公寓", "打浦路252935号"};
  OCRResult r12 = run(ocr, "12.jpg");
  Score s12 = score(r12.rec_texts, sign);
  std::printf("[ chinese ] imgs/12.jpg: %d of %zu lines exact, character accuracy %.4f\n", s12.exact, sign.size(),
              s12.chars / sign.size());
  EXPECT_GE(s12.exact, 3);
  EXPECT_GE(s12.chars / sign.size(), 0.95);

  OCRResult r1 = run(ocr, "1.jpg");
  ASSERT_EQ(r1.rec_texts.size(), 2u);
  EXPECT_EQ(r1.rec_texts[0], "土地整治与土壤修复研究中心");
  EXPECT_EQ(r1.rec_texts[1].rfind("华南农业大学", 0), 0u) << r1.rec_texts[1];
  std::u32string second = utf32(r1.rec_texts[1]);
  EXPECT_EQ(second.substr(second.size() - 2), U"东图") << r1.rec_texts[1];
}

TEST(Chinese, Paddle2AndOnnxFilesGiveIdenticalTexts) {
  for (const char* f : {"paddle", "onnx"})
    for (const char* m : {"PP-OCRv4_mobile_det", "PP-OCRv4_mobile_rec"})
      REQUIRE_SHARED(std::string("models/") + f + "/" + m);
  REQUIRE_SHARED(std::string(kImgs) + "11.jpg");
  auto paddle = make_ocr("paddle"), onnx = make_ocr("onnx");
  for (const char* image : {"11.jpg", "12.jpg", "1.jpg", "00006737.jpg", "00009282.jpg"}) {
    OCRResult a = run(*paddle, image), b = run(*onnx, image);
    EXPECT_FALSE(a.rec_texts.empty()) << image;
    EXPECT_EQ(a.rec_texts, b.rec_texts) << image;
    ASSERT_EQ(a.rec_scores.size(), b.rec_scores.size()) << image;
    for (size_t i = 0; i < a.rec_scores.size(); ++i) EXPECT_NEAR(a.rec_scores[i], b.rec_scores[i], 1e-4) << image;
    EXPECT_EQ(a.dt_polys.size(), b.dt_polys.size()) << image;
    std::printf("[ chinese ] %s: %zu lines, Paddle 2 and ONNX identical\n", image, a.rec_texts.size());
  }
}
