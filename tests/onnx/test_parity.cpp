// Parity: every model in ../shared/models/onnx reproduces its ONNX Runtime
// golden output (../shared/golden/onnx) within the tolerances of
// ../shared/golden/README.md, with the fast kernels and with the reference kernels.
// The official PP-OCRv4 mobile pair (no ONNX Runtime golden): fast and reference
// kernels agree within the fp32 tolerance, and the recognizer reads the golden
// word crops; tests/paddle compares it with its Paddle 2 files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/shared.h"
#include "formats/load.h"
#include "io/npy.h"
#include "modules/common/model_config.h"

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

// The fp32 PP-OCRv4 mobile models: our fast kernels against our reference kernels (1e-4).
class OnnxPPOCRv4 : public ::testing::TestWithParam<int> {};

TEST_P(OnnxPPOCRv4, FastAndReferenceKernelsAgree) {
  const char* model = GetParam() == 0 ? "PP-OCRv4_mobile_det" : "PP-OCRv4_mobile_rec";
  const char* input = GetParam() == 0 ? "det_1x3x640x416" : "rec_4x3x48x160";
  const std::string dir = std::string("models/onnx/") + model;
  REQUIRE_SHARED(dir);
  Tensor in = io::read_npy(test::shared_path(std::string("golden/inputs/") + input + ".npy"));
  Tensor out[2];
  for (int fast = 0; fast < 2; ++fast) {
    engine::ModelOptions opts;
    opts.fast_kernels = fast;
    opts.num_threads = 2;
    auto outs = formats::load_model(test::shared_path(dir), opts)->run(std::vector<Tensor>{in});
    ASSERT_EQ(outs.size(), 1u);
    out[fast] = outs[0];
  }
  ASSERT_EQ(out[0].shape(), out[1].shape());
  Stats s = compare(out[1], out[0]);
  std::printf("[parity] %s fast vs reference: max_abs %.3g argmax %.5f\n", model, s.max_abs, s.argmax_agree);
  EXPECT_LE(s.max_abs, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Models, OnnxPPOCRv4, ::testing::Values(0, 1),
                         [](const ::testing::TestParamInfo<int>& i) { return i.param == 0 ? "det" : "rec"; });

// Greedy CTC over the golden word crops (JOINT, yourself, 154, PAIN) with the dictionary of the model's
// own inference.yml (ppocr_keys_v1 + space): the full-precision Chinese recognizer reads them.
TEST(OnnxPPOCRv4, RecognizerReadsTheGoldenWords) {
  const std::string dir = "models/onnx/PP-OCRv4_mobile_rec";
  REQUIRE_SHARED(dir);
  auto cfg = modules::ModelConfig::load(test::shared_path(dir));
  std::vector<std::string> dict = modules::json_strings(modules::json_get(&cfg.post_process(), "character_dict"));
  ASSERT_EQ(dict.size(), 6624u);  // + the CTC blank = 6625 classes
  engine::ModelOptions opts;
  opts.num_threads = 2;
  auto model = formats::load_model(test::shared_path(dir), opts);
  Tensor in = io::read_npy(test::shared_path("golden/inputs/rec_4x3x48x160.npy"));
  Tensor y = model->run(std::vector<Tensor>{in})[0];
  ASSERT_EQ(y.shape(), (engine::Shape{4, 20, 6625}));
  const float* p = y.data<float>();
  std::vector<std::string> words;
  for (int b = 0; b < 4; ++b) {
    std::string w;
    int64_t prev = 0;
    for (int t = 0; t < 20; ++t) {
      const float* row = p + (int64_t(b) * 20 + t) * 6625;
      int64_t k = std::max_element(row, row + 6625) - row;
      if (k != 0 && k != prev) w += dict[size_t(k - 1)];
      prev = k;
    }
    words.push_back(w);
  }
  EXPECT_EQ(words, (std::vector<std::string>{"JOINT", "yourself", "154", "PAIN"}));
}

// --mkldnn_cache_capacity N (Paddle's meaning: input shapes) sizes a model's primitive cache from the
// nodes whose fast kernels cache oneDNN objects; 0 = no bound; unset keeps the capacity given.
TEST(PrimitiveCacheCapacity, CountsInputShapes) {
  const std::string dir = "models/onnx/PP-OCRv6_tiny_det";
  REQUIRE_SHARED(dir);
  engine::ModelOptions opts;
  auto plain = formats::load_model(test::shared_path(dir), opts);
  EXPECT_EQ(plain->options().cache_capacity, opts.cache_capacity);
  size_t nodes = 0;
  for (const auto& n : plain->graph().nodes) nodes += n.op == "Conv" || n.op == "ConvTranspose" || n.op == "MatMul";
  ASSERT_GT(nodes, 10u);
  opts.cache_shapes = 10;
  auto ten = formats::load_model(test::shared_path(dir), opts);
  EXPECT_GE(ten->options().cache_capacity, nodes * 12);
  EXPECT_EQ(ten->options().cache_capacity, engine::cache_shapes_capacity(ten->graph(), 10));
  opts.cache_shapes = 0;
  EXPECT_EQ(formats::load_model(test::shared_path(dir), opts)->options().cache_capacity,
            std::numeric_limits<size_t>::max());
  // A model on a one-shape cache still computes the same on a second, different shape.
  opts.cache_shapes = 1;
  opts.num_threads = 2;
  auto one = formats::load_model(test::shared_path(dir), opts);
  Tensor a = io::read_npy(test::shared_path("golden/inputs/det_1x3x640x416.npy"));
  Tensor want = io::read_npy(test::shared_path("golden/onnx/PP-OCRv6_tiny_det.npy"));
  for (int round = 0; round < 2; ++round) {
    Tensor small(engine::DType::Float32, {1, 3, 320, 224});
    std::fill(small.data<float>(), small.data<float>() + small.numel(), 0.5f);
    one->run(std::vector<Tensor>{small});
    Stats s = compare(one->run(std::vector<Tensor>{a})[0], want);
    EXPECT_GE(s.bin_agree, 0.999) << round;
  }
}

}  // namespace
