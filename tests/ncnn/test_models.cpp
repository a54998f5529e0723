// The shared ncnn models against the ONNX Runtime goldens of the same models
// and against ncnn's own outputs (golden/README.md tolerances).
#include <gtest/gtest.h>

#include <cmath>

#include "common/shared.h"
#include "engine/model.h"
#include "formats/load.h"
#include "io/npy.h"

using ppocr::engine::Tensor;
using ppocr::test::shared_path;

namespace {

Tensor run_model(const std::string& model, const std::string& input, bool fast = true) {
  ppocr::engine::ModelOptions o;
  o.fast_kernels = fast;
  o.num_threads = 1;
  auto m = ppocr::formats::load_model(shared_path(model), o);
  auto out = m->run({ppocr::io::read_npy(shared_path(input))});
  EXPECT_EQ(out.size(), 1u);
  return out.at(0);
}

struct Diff {
  double max_abs = 0, mean_abs = 0, bin_agree = 0, argmax_agree = 0;
};

Diff compare(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  Diff d;
  if (a.shape() != b.shape()) return d;
  const float* p = a.data<float>();
  const float* q = b.data<float>();
  int64_t n = a.numel(), same = 0;
  for (int64_t i = 0; i < n; ++i) {
    double e = std::fabs(double(p[i]) - q[i]);
    d.max_abs = std::max(d.max_abs, e);
    d.mean_abs += e;
    same += (p[i] > 0.3f) == (q[i] > 0.3f);
  }
  d.mean_abs /= double(n);
  d.bin_agree = double(same) / double(n);
  int64_t c = a.shape().back(), rows = n / c, agree = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = p + r * c;
    const float* y = q + r * c;
    agree += std::max_element(x, x + c) - x == std::max_element(y, y + c) - y;
  }
  d.argmax_agree = double(agree) / double(rows);
  return d;
}

void check_det(const std::string& name, double min_agree, bool also_mean) {
  std::string model = "models/ncnn/" + name;
  REQUIRE_SHARED(model);
  Tensor out = run_model(model, "golden/inputs/det_1x3x640x416.npy");
  ASSERT_EQ(out.shape(), (ppocr::engine::Shape{1, 1, 640, 416}));
  Diff onnx = compare(out, ppocr::io::read_npy(shared_path("golden/onnx/" + name + ".npy")));
  Diff ncnn = compare(out, ppocr::io::read_npy(shared_path("golden/ncnn/" + name + ".npy")));
  std::printf("%s vs ONNX: binarised agree %.5f, mean abs %.3g, max abs %.3g\n", name.c_str(), onnx.bin_agree,
              onnx.mean_abs, onnx.max_abs);
  std::printf("%s vs ncnn: binarised agree %.5f, mean abs %.3g, max abs %.3g\n", name.c_str(), ncnn.bin_agree,
              ncnn.mean_abs, ncnn.max_abs);
  EXPECT_GE(onnx.bin_agree, min_agree);
  if (also_mean) {
    EXPECT_LE(onnx.mean_abs, 1e-3);
  }
  EXPECT_GE(ncnn.bin_agree, 0.999);
  EXPECT_LE(ncnn.mean_abs, 1e-3);
}

void check_cls(const std::string& name, const std::string& input, const std::string& onnx_golden) {
  std::string model = "models/ncnn/" + name;
  REQUIRE_SHARED(model);
  Tensor out = run_model(model, input);
  Diff ncnn = compare(out, ppocr::io::read_npy(shared_path("golden/ncnn/" + name + ".npy")));
  std::printf("%s vs ncnn: max abs %.3g, argmax agree %.4f\n", name.c_str(), ncnn.max_abs, ncnn.argmax_agree);
  EXPECT_LE(ncnn.max_abs, 2e-2);
  EXPECT_GE(ncnn.argmax_agree, 0.995);
  if (!onnx_golden.empty()) {
    Diff onnx = compare(out, ppocr::io::read_npy(shared_path(onnx_golden)));
    std::printf("%s vs ONNX: max abs %.3g, argmax agree %.4f\n", name.c_str(), onnx.max_abs, onnx.argmax_agree);
    EXPECT_LE(onnx.max_abs, 2e-2);
    EXPECT_GE(onnx.argmax_agree, 0.995);
  }
}

}  // namespace

TEST(NcnnModels, PPOCRv6TinyDetMatchesGoldens) { check_det("PP-OCRv6_tiny_det", 0.999, true); }

TEST(NcnnModels, PPOCRv5MobileDetMatchesGoldens) { check_det("PP-OCRv5_mobile_det", 0.99, false); }

TEST(NcnnModels, PPOCRv6TinyRecMatchesGoldens) {
  check_cls("PP-OCRv6_tiny_rec", "golden/inputs/rec_4x3x48x160.npy", "golden/onnx/PP-OCRv6_tiny_rec.npy");
}

TEST(NcnnModels, LatinPPOCRv5RecMatchesNcnn) {
  check_cls("latin_PP-OCRv5_mobile_rec", "golden/inputs/rec_4x3x48x160.npy", "");
}

TEST(NcnnModels, TextlineOriMatchesNcnn) {
  check_cls("PP-LCNet_x1_0_textline_ori", "golden/inputs/textline_ori_4x3x80x160.npy", "");
}

TEST(NcnnModels, ReferenceKernelsAgreeWithFast) {
  REQUIRE_SHARED("models/ncnn/PP-OCRv6_tiny_rec");
  for (const char* name : {"PP-OCRv6_tiny_rec", "latin_PP-OCRv5_mobile_rec"}) {
    std::string model = std::string("models/ncnn/") + name;
    Tensor fast = run_model(model, "golden/inputs/rec_4x3x48x160.npy", true);
    Tensor ref = run_model(model, "golden/inputs/rec_4x3x48x160.npy", false);
    Diff d = compare(fast, ref);
    EXPECT_LE(d.max_abs, 1e-4) << name;
  }
}

TEST(NcnnModels, GraphShapeAndNames) {
  REQUIRE_SHARED("models/ncnn/latin_PP-OCRv5_mobile_rec");
  auto m = ppocr::formats::load_model(shared_path("models/ncnn/latin_PP-OCRv5_mobile_rec"));
  EXPECT_EQ(m->format(), "ncnn");
  EXPECT_EQ(m->input_names(), std::vector<std::string>{"in0"});
  EXPECT_EQ(m->output_names(), std::vector<std::string>{"out0"});
  // A batch of 2 at another width runs as one batch: T = W / 8.
  Tensor x = Tensor::zeros(ppocr::engine::DType::Float32, {2, 3, 48, 320});
  auto out = m->run({x});
  EXPECT_EQ(out.at(0).shape(), (ppocr::engine::Shape{2, 40, 838}));
}
