// Text recognition with virtual right padding and the Softmax cut off
// (docs/performance.md, "Recognition"): the same texts, character columns and
// column counts as PaddleOCR's batches run in full, on real crops; which
// models qualify (skips without ../shared).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "common/sroie_lines.h"
#include "engine/passes/passes.h"
#include "engine/width_pad.h"
#include "formats/load.h"
#include "ppocr/modules.h"

using namespace ppocr;

namespace {

std::vector<cv::Mat> word_crops(size_t n) {
  std::vector<cv::Mat> crops;
  std::ifstream f(test::shared_path("data/icdar2015_words/labels.txt"));
  std::string line;
  while (crops.size() < n && std::getline(f, line)) {
    std::istringstream ss(line);
    std::string name;
    ss >> name;
    cv::Mat m = cv::imread(test::shared_path("data/icdar2015_words/images/" + name));
    if (!m.empty()) crops.push_back(m);
  }
  return crops;
}

// Sets an environment variable for the life of the object.
struct Env {
  std::string name;
  Env(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~Env() { unsetenv(name.c_str()); }
};

std::vector<TextRecognitionResult> recognise(const std::vector<cv::Mat>& crops, bool plain, int batch) {
  TextRecognitionOptions o;
  o.cpu_threads = 1;
  o.batch_size = batch;
  std::optional<Env> a, b;
  if (plain) {
    a.emplace("PPOCR_REC_VIRTUAL_PAD", "0");
    b.emplace("PPOCR_REC_SOFTMAX_CUT", "0");
  }
  return TextRecognition(test::shared_path("models/onnx/PP-OCRv6_tiny_rec"), o).predict(crops);
}

bool width_local(const std::string& rel, std::string* why) {
  formats::ModelFiles f = formats::find_model_files(test::shared_path(rel));
  engine::Graph g = formats::import_graph(f);
  g.topo_sort();
  engine::optimize_graph(g);
  g.topo_sort();
  return engine::WidthPadding::attach(g, why).has_value();
}

}  // namespace

TEST(RecPadding, SameTextsAsFullPaddingOnRealCrops) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  REQUIRE_SHARED("data/icdar2015_words/labels.txt");
  REQUIRE_SHARED("data/sroie/gt");
  std::vector<cv::Mat> crops = word_crops(120);
  for (auto& l : test::sroie_dev_lines(150, 3)) crops.push_back(l.image);
  ASSERT_GE(crops.size(), 250u);
  for (int batch : {6, 1}) {
    auto full = recognise(crops, true, batch), fast = recognise(crops, false, batch);
    ASSERT_EQ(full.size(), fast.size());
    int differ = 0;
    for (size_t i = 0; i < full.size(); ++i) {
      differ += full[i].rec_text != fast[i].rec_text;
      EXPECT_EQ(full[i].rec_text, fast[i].rec_text) << i;
      EXPECT_EQ(full[i].rec_chars, fast[i].rec_chars) << i;
      EXPECT_EQ(full[i].rec_char_cols, fast[i].rec_char_cols) << i;
      EXPECT_NEAR(full[i].rec_score, fast[i].rec_score, 1e-4) << i;
      EXPECT_NEAR(full[i].rec_col_num, fast[i].rec_col_num, 1e-9) << i;
    }
    EXPECT_EQ(differ, 0) << "batch " << batch;
  }
}

TEST(RecPadding, WhichModelsQualify) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  std::string why;
  EXPECT_TRUE(width_local("models/onnx/PP-OCRv6_tiny_rec", &why)) << why;
  // Recognisers whose neck mixes all columns (SVTR attention, an LSTM) keep PaddleOCR's full padding.
  for (const char* rel : {"models/onnx/PP-OCRv4_mobile_rec", "models/onnx/en_number_mobile_v2.0_rec"}) {
    if (!test::shared_exists(rel)) continue;
    why.clear();
    EXPECT_FALSE(width_local(rel, &why)) << rel;
    EXPECT_FALSE(why.empty()) << rel;
    std::cout << rel << ": " << why << "\n";
  }
}
