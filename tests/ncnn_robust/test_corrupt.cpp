// Truncated and corrupted ncnn .param/.bin files must end in a clean
// ppocr::Error (or, for harmless damage, a model that runs), never a crash or
// another exception type. Fixed seeds; also runs under ASan/UBSan.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "common/shared.h"
#include "engine/error.h"
#include "engine/model.h"
#include "formats/importers.h"

using ppocr::test::shared_path;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void spit(const std::string& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

enum class Outcome { Ok, Error };

// Imports and (if that works) runs the model on a small input.
Outcome try_model(const std::string& param, const std::string& bin, std::string* msg) {
  try {
    auto g = ppocr::formats::import_ncnn(param, bin);
    auto m = ppocr::engine::Model::from_graph(std::move(g));
    ppocr::engine::Tensor x = ppocr::engine::Tensor::zeros(ppocr::engine::DType::Float32, {1, 3, 48, 64});
    m->run({x});
    return Outcome::Ok;
  } catch (const ppocr::Error& e) {
    if (msg) *msg = e.what();
    return Outcome::Error;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "non-ppocr exception: " << e.what();
    return Outcome::Error;
  }
}

std::vector<size_t> offsets(size_t size, size_t spread) {
  std::vector<size_t> v;
  for (size_t i = 0; i < 64 && i < size; i += 4) v.push_back(i);
  for (size_t k = 1; k <= spread; ++k) v.push_back(size * k / (spread + 1));
  v.push_back(size - 1);
  return v;
}

class NcnnRobust : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    dir_ = std::string("models/ncnn/") + GetParam();
    if (!ppocr::test::shared_exists(dir_)) GTEST_SKIP() << "shared material not found: " << shared_path(dir_);
    param_ = slurp(shared_path(dir_ + "/inference.ncnn.param"));
    bin_ = slurp(shared_path(dir_ + "/inference.ncnn.bin"));
    tmp_ = ppocr::test::temp_dir(std::string("ncnn_robust_") + GetParam());
    good_param_ = tmp_ + "/good.param";
    good_bin_ = tmp_ + "/good.bin";
    spit(good_param_, param_);
    spit(good_bin_, bin_);
  }
  std::string dir_, param_, bin_, tmp_, good_param_, good_bin_;
};

TEST_P(NcnnRobust, IntactModelRuns) { EXPECT_EQ(try_model(good_param_, good_bin_, nullptr), Outcome::Ok); }

TEST_P(NcnnRobust, TruncatedParam) {
  int errors = 0;
  for (size_t off : offsets(param_.size(), 24)) {
    std::string p = tmp_ + "/t.param";
    spit(p, param_.substr(0, off));
    std::string msg;
    if (try_model(p, good_bin_, &msg) == Outcome::Error) {
      ++errors;
      EXPECT_FALSE(msg.empty());
    }
  }
  EXPECT_GT(errors, 30);
}

TEST_P(NcnnRobust, TruncatedBin) {
  for (size_t off : offsets(bin_.size(), 30)) {
    std::string p = tmp_ + "/t.bin";
    spit(p, bin_.substr(0, off));
    std::string msg;
    // Every weight byte is used, so any truncation must fail, naming the file.
    ASSERT_EQ(try_model(good_param_, p, &msg), Outcome::Error) << "offset " << off;
    EXPECT_NE(msg.find("t.bin"), std::string::npos) << msg;
  }
}

TEST_P(NcnnRobust, CorruptedParam) {
  std::mt19937 rng(1234);
  const std::string junk = "0123456789-=.,e \n\t\"xX\x01\xff";
  for (int v = 0; v < 48; ++v) {
    std::string d = param_;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      size_t pos = rng() % d.size();
      d[pos] = (v % 2) ? junk[rng() % junk.size()] : static_cast<char>(rng() & 0xff);
    }
    std::string p = tmp_ + "/c.param";
    spit(p, d);
    try_model(p, good_bin_, nullptr);
  }
}

TEST_P(NcnnRobust, CorruptedBin) {
  std::mt19937 rng(99);
  for (int v = 0; v < 24; ++v) {
    std::string d = bin_;
    // Half the variants damage the first bytes (storage tags live there), half anywhere.
    size_t range = (v % 2) ? d.size() : std::min<size_t>(d.size(), 64);
    for (int k = 0; k < 4; ++k) d[rng() % range] = static_cast<char>(rng() & 0xff);
    std::string p = tmp_ + "/c.bin";
    spit(p, d);
    try_model(good_param_, p, nullptr);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, NcnnRobust,
                         ::testing::Values("PP-OCRv6_tiny_rec", "latin_PP-OCRv5_mobile_rec"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
