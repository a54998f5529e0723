// Robustness of the ONNX importer and the kernels: every shared ONNX model,
// truncated at many offsets and with random bytes flipped (fixed seed), must
// load-and-run to success or a ppocr::Error, never a crash or another exception.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/shared.h"
#include "formats/importers.h"
#include "formats/load.h"

using namespace ppocr;
using engine::Tensor;

namespace {

const char* kModels[] = {"ch_PP-OCRv3_det",   "en_PP-OCRv3_det",     "ch_PP-OCRv2_det",
                         "en_number_mobile_v2.0_rec", "ch_ppocr_mobile_v2.0_cls", "PP-OCRv6_tiny_det",
                         "PP-OCRv5_mobile_det", "PP-OCRv6_tiny_rec",  "PP-OCRv5_mobile_det_int8"};

std::string read_all(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void write_all(const std::string& p, const std::string& s) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(s.data(), static_cast<std::streamsize>(s.size()));
}

// Spatial sizes tried for dynamic dims (detectors want multiples of 32; the
// classifier needs 48x192); the first that runs on the unmodified model is used.
const int64_t kSizes[][2] = {{32, 32}, {48, 192}, {32, 64}};

// A small input matching the model's first input: dynamic dims -> 1 (batch) or kSizes[size].
Tensor small_input(const engine::Model& m, int size) {
  const auto& v = m.graph().values[m.graph().inputs.at(0)];
  engine::Shape s = v.has_shape ? v.shape : engine::Shape{1, 3, -1, -1};
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] < 0) s[i] = i == 0 ? 1 : kSizes[size][i % 2 == 0 ? 0 : 1];
  Tensor t(engine::DType::Float32, s);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>((i * 37) % 101) / 50.f - 1.f;
  return t;
}

enum class Outcome { Ok, Error };

// Loads and runs one model file; anything but success or ppocr::Error fails the test.
Outcome load_and_run(const std::string& file, const std::string& what, int size) {
  try {
    engine::ModelOptions opts;
    auto model = engine::Model::from_graph(formats::import_onnx(file), opts, "onnx");
    if (model->graph().inputs.size() != 1) return Outcome::Error;
    model->run(std::vector<Tensor>{small_input(*model, size)});
    return Outcome::Ok;
  } catch (const Error&) {
    return Outcome::Error;
  } catch (const std::exception& e) {
    ADD_FAILURE() << what << ": non-ppocr exception: " << e.what();
  } catch (...) {
    ADD_FAILURE() << what << ": unknown exception";
  }
  return Outcome::Error;
}

class OnnxRobust : public ::testing::TestWithParam<const char*> {};

TEST_P(OnnxRobust, TruncatedAndCorruptedFilesFailCleanly) {
  const std::string rel = std::string("models/onnx/") + GetParam() + "/inference.onnx";
  REQUIRE_SHARED(rel);
  const std::string orig = read_all(test::shared_path(rel));
  ASSERT_GT(orig.size(), 1000u);
  const std::string dir = test::temp_dir(std::string("onnx_robust_") + GetParam());
  const std::string file = dir + "/inference.onnx";
  auto t0 = std::chrono::steady_clock::now();

  write_all(file, orig);
  int size = -1;
  for (int k = 0; k < 3 && size < 0; ++k)
    if (load_and_run(file, "original", k) == Outcome::Ok) size = k;
  ASSERT_GE(size, 0) << "the unmodified model must run on a small input";

  // Truncations: the first 64 bytes one by one, then 40 offsets spread over the file.
  int errors = 0, cases = 0;
  std::vector<size_t> cuts;
  for (size_t k = 0; k < 64; ++k) cuts.push_back(k);
  for (size_t k = 1; k <= 40; ++k) cuts.push_back(orig.size() * k / 41);
  for (size_t cut : cuts) {
    write_all(file, orig.substr(0, cut));
    errors += load_and_run(file, "truncated at " + std::to_string(cut), size) == Outcome::Error;
    ++cases;
  }
  // A file cut anywhere inside is never a valid model here.
  EXPECT_EQ(errors, cases) << "some truncated files loaded and ran";

  // Random byte flips (fixed seed): 40 variants with 1..8 bytes changed.
  std::mt19937 rng(12345 + static_cast<unsigned>(orig.size()));
  int flip_errors = 0;
  for (int v = 0; v < 40; ++v) {
    std::string bad = orig;
    const int nflip = 1 + static_cast<int>(rng() % 8);
    std::string desc;
    for (int k = 0; k < nflip; ++k) {
      // Half the flips hit the graph structure at the start/end of the file
      // (the weights dominate the middle), the rest anywhere.
      size_t pos = rng() % bad.size();
      if (k % 2 == 0 && bad.size() > 4096) pos = rng() % 2 ? rng() % 2048 : bad.size() - 1 - rng() % 2048;
      bad[pos] = static_cast<char>(rng() & 0xff);
      desc += std::to_string(pos) + " ";
    }
    write_all(file, bad);
    flip_errors += load_and_run(file, "bytes changed at " + desc, size) == Outcome::Error;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[robust] %s: %d truncations (all errors), 40 corruptions (%d errors), %.1f s\n", GetParam(), cases,
              flip_errors, secs);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Models, OnnxRobust, ::testing::ValuesIn(kModels), [](const auto& info) {
  std::string n = info.param;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

TEST(OnnxRobustFiles, NonOnnxInputsAreErrors) {
  const std::string dir = test::temp_dir("onnx_robust_misc");
  const std::string file = dir + "/inference.onnx";
  for (const std::string& content : {std::string(), std::string("not a model"), std::string(1000, '\xff'),
                                     std::string("\x08\x07\x12\x00", 4)}) {
    write_all(file, content);
    EXPECT_THROW(formats::import_onnx(file), Error);
  }
  EXPECT_THROW(formats::import_onnx(dir + "/missing.onnx"), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
