// Recognition processors: crops, resize/normalise, CTC decoding, dictionaries.
#include <gtest/gtest.h>

#include <fstream>

#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "engine/error.h"
#include "modules/common/image_ops.h"
#include "modules/text_recognition/crop.h"
#include "modules/text_recognition/ctc_decode.h"
#include "modules/text_recognition/rec_resize.h"

using namespace ppocr;
using namespace ppocr::modules;

namespace {
// T x C one-hot-ish probabilities for a class sequence.
std::vector<float> probs_for(const std::vector<int>& seq, int C, float p = 0.9f) {
  std::vector<float> v(seq.size() * C, (1.f - p) / (C - 1));
  for (size_t t = 0; t < seq.size(); ++t) v[t * C + seq[t]] = p;
  return v;
}
}  // namespace

TEST(CTC, CollapsesRepeatsAndDropsBlanks) {
  CTCDecoder d({"a", "b", "c"}, false);  // classes: blank a b c
  ASSERT_EQ(d.num_classes(), 4u);
  auto v = probs_for({0, 1, 1, 0, 1, 2, 2, 0, 3}, 4);
  auto [text, score] = d.decode(v.data(), 9, 4);
  EXPECT_EQ(text, "aabc");  // a a (blank between) b c
  EXPECT_NEAR(score, 0.9f, 1e-5);
}

TEST(CTC, ScoreIsMeanOfKeptMaxima) {
  CTCDecoder d({"x", "y"}, false);
  std::vector<float> v = {0.1f, 0.8f, 0.1f,   // x (0.8)
                          0.1f, 0.7f, 0.2f,   // x repeated: dropped
                          0.9f, 0.05f, 0.05f, // blank
                          0.2f, 0.2f, 0.6f};  // y (0.6)
  auto [text, score] = d.decode(v.data(), 4, 3);
  EXPECT_EQ(text, "xy");
  EXPECT_NEAR(score, 0.7f, 1e-6);
}

TEST(CTC, AllBlankGivesEmptyTextAndZeroScore) {
  CTCDecoder d({"a"}, true);
  auto v = probs_for({0, 0, 0}, 3);
  auto [text, score] = d.decode(v.data(), 3, 3);
  EXPECT_EQ(text, "");
  EXPECT_EQ(score, 0.f);
}

TEST(CTC, SpaceCharIsLastClass) {
  CTCDecoder with({"a", "b"}, true), without({"a", "b"}, false);
  EXPECT_EQ(with.num_classes(), 4u);
  EXPECT_EQ(with.chars().back(), " ");
  EXPECT_EQ(without.num_classes(), 3u);
  auto v = probs_for({1, 3, 2}, 4);
  EXPECT_EQ(with.decode(v.data(), 3, 4).first, "a b");
  // The model's class count must match the dictionary.
  EXPECT_THROW(without.decode(v.data(), 3, 4), Error);
}

TEST(CTC, MultiByteCharacters) {
  CTCDecoder d({"中", "文", "é"}, true);
  auto v = probs_for({1, 0, 2, 3, 4}, 5);
  EXPECT_EQ(d.decode(v.data(), 5, 5).first, "中文é ");
}

TEST(CTC, DictionaryFile) {
  std::string dir = test::temp_dir("dict");
  std::ofstream(dir + "/d.txt") << "a\nb\r\n \n1\n";
  auto dict = read_dict_file(dir + "/d.txt");
  EXPECT_EQ(dict, (std::vector<std::string>{"a", "b", " ", "1"}));
  EXPECT_THROW(read_dict_file(dir + "/missing.txt"), Error);
}

TEST(RecResize, KeepsAspectUpToBatchWidth) {
  RecShape s;  // 3 x 48 x 320
  cv::Mat crop(24, 100, CV_8UC3, cv::Scalar(255, 0, 128));
  cv::Mat r = rec_resize_norm(crop, s, 320.0 / 48);
  EXPECT_EQ(r.rows, 48);
  EXPECT_EQ(r.cols, 200);  // ceil(48 * 100 / 24)
  EXPECT_EQ(r.type(), CV_32FC3);
  cv::Vec3f px = r.at<cv::Vec3f>(10, 10);
  EXPECT_NEAR(px[0], 1.f, 1e-5);   // 255 -> 1
  EXPECT_NEAR(px[1], -1.f, 1e-5);  // 0 -> -1
  EXPECT_NEAR(px[2], 128 / 127.5f - 1.f, 1e-5);
  // A wide crop fills the batch width exactly.
  cv::Mat wide(10, 1000, CV_8UC3, cv::Scalar::all(0));
  EXPECT_EQ(rec_resize_norm(wide, s, 100.0).cols, 4800 > 3200 ? 3200 : 4800);
  EXPECT_EQ(rec_resize_norm(wide, s, 10.0).cols, 480);
  EXPECT_THROW(rec_resize_norm(cv::Mat(), s, 1.0), Error);
  // The batch width: at least the model's 320, else H x the widest ratio; a crop that is not the widest
  // is resized to ceil(H x its ratio) as in PaddleOCR's TextRecognizer (48 x 50/7 = 342.9 -> 343).
  EXPECT_EQ(rec_batch_width(s, 320.0 / 48), 320);
  EXPECT_EQ(rec_batch_width(s, 10.0), 480);
  EXPECT_EQ(rec_batch_width(s, 100.0), 3200);
  cv::Mat mid(7, 50, CV_8UC3, cv::Scalar::all(0));
  EXPECT_EQ(rec_resize_norm(mid, s, 10.0).cols, 343);
  EXPECT_EQ(rec_resize_norm(mid, s, 50.0 / 7).cols, 342);  // the widest: int(342.9)
}

TEST(RecResize, BatchIsPaddedWithZeros) {
  RecShape s;
  std::vector<cv::Mat> b = {rec_resize_norm(cv::Mat(48, 48, CV_8UC3, cv::Scalar::all(255)), s, 320.0 / 48),
                            rec_resize_norm(cv::Mat(48, 480, CV_8UC3, cv::Scalar::all(255)), s, 10.0)};
  engine::Tensor t = to_nchw_padded(b);
  EXPECT_EQ(t.shape(), (engine::Shape{2, 3, 48, 480}));
  const float* d = t.data<float>();
  EXPECT_NEAR(d[0], 1.f, 1e-6);          // first image, inside
  EXPECT_EQ(d[100], 0.f);                // first image, padding
  EXPECT_NEAR(d[3 * 48 * 480 + 479], 1.f, 1e-6);  // second image fills its width
}

TEST(Crop, AxisAlignedQuadEqualsSubImage) {
  cv::Mat img(100, 200, CV_8UC3);
  cv::randu(img, 0, 255);
  cv::Mat c = rotate_crop(img, {{20, 30}, {120, 30}, {120, 70}, {20, 70}});
  ASSERT_EQ(c.size(), cv::Size(100, 40));
  cv::Mat diff;
  cv::absdiff(c(cv::Rect(2, 2, 96, 36)), img(cv::Rect(22, 32, 96, 36)), diff);
  EXPECT_LE(cv::norm(diff, cv::NORM_INF), 1.0);
}

// DB boxes may reach x = width / y = height; like PaddleOCR's clip_det_res, the crop first clamps the quad
// to the last pixel centres, so such a box crops as the one ending at width - 1 / height - 1.
TEST(Crop, QuadIsClampedToLastPixel) {
  cv::Mat img(100, 200, CV_8UC3);
  cv::randu(img, 0, 255);
  Polygon edge = {{150, 60}, {200, 60}, {200, 100}, {150, 100}};
  cv::Mat a = crop_text_line(img, edge);
  cv::Mat b = rotate_crop(img, {{150, 60}, {199, 60}, {199, 99}, {150, 99}});
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.size(), cv::Size(49, 39));
}

TEST(Crop, TallCropIsTurned) {
  cv::Mat img(200, 200, CV_8UC3, cv::Scalar::all(0));
  cv::Mat c = rotate_crop(img, {{50, 10}, {70, 10}, {70, 110}, {50, 110}});
  EXPECT_EQ(c.size(), cv::Size(100, 20));  // 20 x 100 turned to 100 x 20
  cv::Mat sq = rotate_crop(img, {{50, 10}, {70, 10}, {70, 35}, {50, 35}});
  EXPECT_EQ(sq.size(), cv::Size(20, 25));  // ratio 1.25: kept
}

TEST(Crop, RotatedQuadIsStraightened) {
  // A bright bar rotated by 30 degrees; the crop of its rotated rectangle is bright throughout.
  cv::Mat img(200, 200, CV_8UC3, cv::Scalar::all(0));
  cv::RotatedRect rr({100, 100}, {120, 20}, 30);
  cv::Point2f v[4];
  rr.points(v);
  std::vector<cv::Point> poly(v, v + 4);
  cv::fillConvexPoly(img, poly, cv::Scalar::all(255));
  cv::Mat c = crop_text_line(img, Polygon(poly.begin(), poly.end()));
  EXPECT_NEAR(c.cols, 120, 3);
  EXPECT_NEAR(c.rows, 20, 3);
  EXPECT_GT(cv::mean(c(cv::Rect(3, 3, c.cols - 6, c.rows - 6)))[0], 240);
}
