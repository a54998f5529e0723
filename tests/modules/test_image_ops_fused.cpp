// normalize_to_nchw (the detector's input in one pass) gives the values of
// normalize() then to_nchw(), bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "modules/common/image_ops.h"

using namespace ppocr;

TEST(ImageOps, NormalizeToNchwMatchesTheTwoPasses) {
  std::mt19937 rng(5);
  for (auto [h, w] : {std::pair<int, int>{1, 1}, {7, 13}, {64, 96}}) {
    cv::Mat img(h, w, CV_8UC3);
    for (int i = 0; i < h * w * 3; ++i) img.data[i] = static_cast<uint8_t>(rng());
    const std::array<float, 3> mean{0.485f, 0.456f, 0.406f}, std{0.229f, 0.224f, 0.225f};
    engine::Tensor a = modules::to_nchw({modules::normalize(img, 1.f / 255.f, mean, std)});
    engine::Tensor b = modules::normalize_to_nchw(img, 1.f / 255.f, mean, std);
    ASSERT_EQ(a.shape(), b.shape());
    EXPECT_EQ(std::memcmp(a.data<float>(), b.data<float>(), a.numel() * sizeof(float)), 0) << h << "x" << w;
  }
}
