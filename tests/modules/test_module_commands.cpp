// The module subcommands of the built `ppocr` binary.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/shared.h"

namespace fs = std::filesystem;

namespace {
// Runs a command (stderr dropped); returns its exit status and stdout.
int run(const std::string& cmd, std::string* out) { return ppocr::test::run_command(cmd + " 2>/dev/null", out); }
std::string q(const std::string& s) { return "'" + s + "'"; }
}  // namespace

TEST(ModuleCommands, RecognitionAndDetection) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  const std::string bin = ppocr::test::ppocr_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "ppocr binary not built: " << bin;
  std::string out;
  ASSERT_EQ(run(bin + " text_recognition -i " + q(ppocr::test::shared_path("data/icdar2015_words/images/word_1.png")) +
                    " --model_dir " + q(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_rec")) + " --cpu_threads 1",
                &out),
            0);
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["res"]["rec_text"], "JOINT");
  EXPECT_GT(j["res"]["rec_score"].get<double>(), 0.9);

  std::string dir = ppocr::test::temp_dir("module_cmd");
  out.clear();
  ASSERT_EQ(run(bin + " text_detection -i " + q(ppocr::test::shared_path("data/icdar2015/images/img_10.jpg")) +
                    " --model_dir " + q(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det")) +
                    " --cpu_threads 1 --thresh 0.3 --save_path " + q(dir),
                &out),
            0);
  EXPECT_TRUE(fs::exists(dir + "/img_10_res.json"));
  EXPECT_TRUE(fs::exists(dir + "/img_10_res.jpg"));
  std::ifstream f(dir + "/img_10_res.json");
  auto d = nlohmann::json::parse(f);
  EXPECT_GE(d["res"]["dt_polys"].size(), 3u);
  EXPECT_EQ(d["res"]["dt_polys"].size(), d["res"]["dt_scores"].size());
}

TEST(ModuleCommands, ErrorsGiveNonZeroExit) {
  const std::string bin = ppocr::test::ppocr_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "ppocr binary not built: " << bin;
  std::string out;
  std::string empty = ppocr::test::temp_dir("module_cmd_empty");
  EXPECT_NE(run(bin + " text_detection -i x.png --model_dir " + q(empty), &out), 0);
  EXPECT_NE(run(bin + " text_recognition -i x.png --model_dir " + q(empty) + " --enable_mkldnn maybe", &out), 0);
  if (!ppocr::test::shared_exists("models/onnx/PP-OCRv6_tiny_rec")) return;
  // A missing input file is reported and the exit status is non-zero.
  EXPECT_NE(run(bin + " text_recognition -i /nonexistent.png --model_dir " +
                    q(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_rec")),
                &out),
            0);
}

TEST(ModuleCommands, MessagesNameTheirOwnFlag) {
  // A module command's model flag is --model_dir: its hints must not send users to the pipeline's
  // --text_recognition_model_dir and the like ("--*_model_dir").
  const std::string bin = ppocr::test::ppocr_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "ppocr binary not built: " << bin;
  std::string home = ppocr::test::temp_dir("module_cmd_home"), out;
  EXPECT_NE(ppocr::test::run_command("PPOCR_HOME=" + q(home) + " PPOCR_MODEL_SOURCE=http://127.0.0.1:9 " + bin +
                                         " text_recognition -i x.png --model_name NoSuchModel 2>&1",
                                     &out),
            0);
  EXPECT_NE(out.find("--model_dir"), std::string::npos) << out;
  EXPECT_EQ(out.find("_model_dir"), std::string::npos) << out;
}

TEST(ModuleCommands, JsonKeysInPaddleXOrder) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec");
  const std::string bin = ppocr::test::ppocr_binary();
  if (!fs::exists(bin)) GTEST_SKIP() << "ppocr binary not built: " << bin;
  std::string out;
  ASSERT_EQ(run(bin + " text_recognition -i " + q(ppocr::test::shared_path("data/icdar2015_words/images/word_1.png")) +
                    " --model_dir " + q(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_rec")) + " --cpu_threads 1",
                &out),
            0);
  // PaddleX prints input_path, page_index, rec_text, rec_score (not sorted: page_index, rec_score, ...).
  size_t a = out.find("\"input_path\""), b = out.find("\"page_index\""), c = out.find("\"rec_text\""),
         d = out.find("\"rec_score\"");
  ASSERT_NE(d, std::string::npos) << out;
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
}
