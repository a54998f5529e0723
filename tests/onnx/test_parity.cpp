// Parity: every model in ../shared/models/onnx reproduces its ONNX Runtime
// golden output (../shared/golden/onnx) within the tolerances of
// ../shared/golden/README.md, with the fast kernels and with the reference kernels.
#include <gtest/gtest.h>

#include <cmath>

#include "common/shared.h"
#include "formats/load.h"
#include "io/npy.h"

using namespace ppocr;
using engine::Tensor;

namespace {

enum class Kind { Fp32, Fp16Det, Fp16Rec, Int8Det };

struct Case {
  const char* model;
  const char* input;
  Kind kind;
};

const Case kCases[] = {
    {"ch_PP-OCRv3_det", "det_1x3x640x416", Kind::Fp32},
    {"en_PP-OCRv3_det", "det_1x3x640x416", Kind::Fp32},
    {"ch_PP-OCRv2_det", "det_1x3x640x416", Kind::Fp32},
    {"en_number_mobile_v2.0_rec", "rec_4x3x32x160", Kind::Fp32},
    {"ch_ppocr_mobile_v2.0_cls", "cls_4x3x48x192", Kind::Fp32},
    {"PP-OCRv6_tiny_det", "det_1x3x640x416", Kind::Fp16Det},
    {"PP-OCRv5_mobile_det", "det_1x3x640x416", Kind::Fp16Det},
    {"PP-OCRv6_tiny_rec", "rec_4x3x48x160", Kind::Fp16Rec},
    {"PP-OCRv5_mobile_det_int8", "det_1x3x640x416", Kind::Int8Det},
};

struct Stats {
  double max_abs = 0, mean_abs = 0, bin_agree = 1, argmax_agree = 1;
};

Stats compare(const Tensor& got, const Tensor& want) {
  Stats s;
  const float* a = got.data<float>();
  const float* b = want.data<float>();
  const int64_t n = want.numel();
  int64_t same_bin = 0;
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double d = std::fabs(double(a[i]) - double(b[i]));
    if (!(d <= s.max_abs)) s.max_abs = std::isnan(d) ? INFINITY : d;
    sum += d;
    same_bin += (a[i] > 0.3f) == (b[i] > 0.3f);
  }
  s.mean_abs = n ? sum / n : 0;
  s.bin_agree = n ? double(same_bin) / n : 1;
  // argmax over the last axis
  const int64_t c = want.dim(-1), rows = c ? n / c : 0;
  int64_t same = 0;
  for (int64_t r = 0; r < rows; ++r) {
    int64_t ia = 0, ib = 0;
    for (int64_t k = 1; k < c; ++k) {
      if (a[r * c + k] > a[r * c + ia]) ia = k;
      if (b[r * c + k] > b[r * c + ib]) ib = k;
    }
    same += ia == ib;
  }
  s.argmax_agree = rows ? double(same) / rows : 1;
  return s;
}

class OnnxParity : public ::testing::TestWithParam<std::tuple<int, bool>> {};

TEST_P(OnnxParity, MatchesGolden) {
  const Case& c = kCases[std::get<0>(GetParam())];
  const bool fast = std::get<1>(GetParam());
  const std::string model_dir = std::string("models/onnx/") + c.model;
  REQUIRE_SHARED(model_dir);
  REQUIRE_SHARED(std::string("golden/onnx/") + c.model + ".npy");
  engine::ModelOptions opts;
  opts.fast_kernels = fast;
  opts.num_threads = 2;
  auto model = formats::load_model(test::shared_path(model_dir), opts);
  Tensor in = io::read_npy(test::shared_path(std::string("golden/inputs/") + c.input + ".npy"));
  Tensor want = io::read_npy(test::shared_path(std::string("golden/onnx/") + c.model + ".npy"));
  auto out = model->run(std::vector<Tensor>{in});
  ASSERT_EQ(out.size(), 1u);
  ASSERT_EQ(out[0].shape(), want.shape()) << out[0].desc() << " vs " << want.desc();
  Stats s = compare(out[0], want);
  std::printf("[parity] %s %s: max_abs %.3g mean_abs %.3g bin(0.3) %.5f argmax %.5f\n", c.model,
              fast ? "fast" : "reference", s.max_abs, s.mean_abs, s.bin_agree, s.argmax_agree);
  switch (c.kind) {
    case Kind::Fp32: EXPECT_LE(s.max_abs, 1e-4); break;
    case Kind::Fp16Det:
      EXPECT_GE(s.bin_agree, 0.999);
      EXPECT_LE(s.mean_abs, 1e-3);
      break;
    case Kind::Fp16Rec:
      EXPECT_LE(s.max_abs, 2e-2);
      EXPECT_GE(s.argmax_agree, 0.995);
      break;
    case Kind::Int8Det: EXPECT_GE(s.bin_agree, 0.99); break;
  }
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<int, bool>>& info) {
  std::string n = kCases[std::get<0>(info.param)].model;
  for (char& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n + (std::get<1>(info.param) ? "_fast" : "_reference");
}

INSTANTIATE_TEST_SUITE_P(Models, OnnxParity,
                         ::testing::Combine(::testing::Range(0, int(std::size(kCases))), ::testing::Bool()),
                         case_name);

}  // namespace
