// Detection processors: resize rules, DB post-processing on synthetic maps,
// unclip, mini boxes, reading order.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "modules/text_detection/db_postprocess.h"
#include "modules/text_detection/det_resize.h"
#include "modules/text_detection/sort_boxes.h"

using namespace ppocr;
using namespace ppocr::modules;

TEST(DetResize, MaxLimitKeepsAspectAndRoundsTo32) {
  DetResizeParams p;  // 960 max
  EXPECT_EQ(det_target_size(720, 1280, p), cv::Size(960, 544));  // 540 -> 544 (16.875 -> 17)
  EXPECT_EQ(det_target_size(100, 200, p), cv::Size(192, 96));    // no scaling: 100/32 = 3.125 -> 3
  EXPECT_EQ(det_target_size(10, 10, p), cv::Size(32, 32));       // at least 32
}

TEST(DetResize, PythonRoundingHalfToEven) {
  DetResizeParams p;
  p.limit_side_len = 4000;
  // 720 / 32 = 22.5 -> 22 (Python's round), 848 / 32 = 26.5 -> 26
  EXPECT_EQ(det_target_size(720, 848, p), cv::Size(832, 704));
}

TEST(DetResize, MinLimitAndMaxSideLimit) {
  DetResizeParams p;
  p.limit_side_len = 64;
  p.limit_type = "min";
  EXPECT_EQ(det_target_size(32, 100, p), cv::Size(192, 64));  // 64 x 200 -> 192 (6.25 -> 6)
  EXPECT_EQ(det_target_size(500, 700, p), cv::Size(704, 512));
  p.limit_side_len = 3000;
  p.max_side_limit = 4000;
  cv::Size s = det_target_size(1000, 3000, p);  // 3000 x 9000 capped to 4000 on the long side
  EXPECT_LE(std::max(s.width, s.height), 4000);
  EXPECT_EQ(s.width, 4000);
}

TEST(DetResize, BadLimitTypeIsAnError) {
  DetResizeParams p;
  p.limit_type = "middle";
  EXPECT_THROW(det_target_size(100, 100, p), Error);
  p.limit_type = "max";
  p.limit_side_len = 0;
  EXPECT_THROW(det_target_size(100, 100, p), Error);
}

TEST(DetResize, TinyImagePaddedAndFixedShape) {
  cv::Mat tiny(10, 20, CV_8UC3, cv::Scalar(200, 200, 200));
  cv::Mat r = det_resize(tiny, {});
  EXPECT_EQ(r.size(), cv::Size(32, 32));
  EXPECT_EQ(r.at<cv::Vec3b>(31, 31), cv::Vec3b(0, 0, 0));  // padding is black
  DetResizeParams f;
  f.fixed_h = 640;
  f.fixed_w = 480;
  EXPECT_EQ(det_resize(cv::Mat(100, 300, CV_8UC3, cv::Scalar::all(0)), f).size(), cv::Size(480, 640));
}

TEST(DB, UnclipExpandsBySquareDistance) {
  // 10x10 square: distance = area * 1.5 / perimeter = 3.75.
  std::vector<cv::Point2f> sq = {{10, 10}, {20, 10}, {20, 20}, {10, 20}};
  auto out = unclip(sq, 1.5f);
  ASSERT_EQ(out.size(), 1u);
  cv::Rect r = cv::boundingRect(out[0]);
  EXPECT_NEAR(r.x, 10 - 3.75, 1.0);
  EXPECT_NEAR(r.width, 10 + 7.5, 1.5);
  EXPECT_NEAR(r.height, 10 + 7.5, 1.5);
}

TEST(DB, MiniBoxOrdersCorners) {
  std::vector<cv::Point2f> pts = {{50, 30}, {10, 10}, {50, 10}, {10, 30}};
  float side = 0;
  auto b = mini_box(pts, &side);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_NEAR(side, 20.f, 1e-3);
  EXPECT_EQ(cv::Point(b[0]), cv::Point(10, 10));  // top-left
  EXPECT_EQ(cv::Point(b[1]), cv::Point(50, 10));  // top-right
  EXPECT_EQ(cv::Point(b[2]), cv::Point(50, 30));  // bottom-right
  EXPECT_EQ(cv::Point(b[3]), cv::Point(10, 30));  // bottom-left
}

TEST(DB, BoxScoreIsMeanInsidePolygon) {
  cv::Mat prob(40, 40, CV_32F, cv::Scalar(0.f));
  prob(cv::Rect(10, 10, 10, 10)).setTo(1.f);
  EXPECT_NEAR(box_score_fast(prob, {{10, 10}, {19, 10}, {19, 19}, {10, 19}}), 1.0, 1e-6);
  float half = box_score_fast(prob, {{10, 10}, {29, 10}, {29, 19}, {10, 19}});
  EXPECT_NEAR(half, 0.5, 0.03);
}

TEST(DB, FindsTextRectanglesAndScalesToSource) {
  cv::Mat prob(64, 128, CV_32F, cv::Scalar(0.f));
  prob(cv::Rect(10, 8, 60, 12)).setTo(0.9f);   // a text line
  prob(cv::Rect(20, 40, 80, 10)).setTo(0.95f);  // another
  prob(cv::Rect(100, 5, 20, 20)).setTo(0.45f);  // above thresh, below box_thresh: dropped
  prob(cv::Rect(5, 58, 2, 2)).setTo(0.99f);     // too small: dropped
  DBParams p;  // 0.3 / 0.6 / 1.5
  DBBoxes res = db_postprocess(prob, 256, 128, p);
  ASSERT_EQ(res.boxes.size(), 2u);
  for (float s : res.scores) EXPECT_GT(s, 0.85f);
  // Each box covers its rectangle (scaled x2), slightly expanded, and stays inside 256x128.
  std::vector<cv::Rect> expect = {{20, 16, 120, 24}, {40, 80, 160, 20}};
  for (const auto& e : expect) {
    bool found = false;
    for (const auto& b : res.boxes) {
      cv::Rect r = cv::boundingRect(b);
      if (r.contains(e.tl()) && r.contains(e.br() - cv::Point(1, 1)) && r.width < e.width + 30 && r.height < e.height + 30)
        found = true;
      for (const auto& pt : b) {
        EXPECT_GE(pt.x, 0);
        EXPECT_LE(pt.x, 256);
        EXPECT_GE(pt.y, 0);
        EXPECT_LE(pt.y, 128);
      }
    }
    EXPECT_TRUE(found) << "no box around " << e;
  }
}

TEST(DB, ThresholdsAndMaxCandidatesApply) {
  cv::Mat prob(64, 64, CV_32F, cv::Scalar(0.f));
  prob(cv::Rect(5, 5, 30, 10)).setTo(0.7f);
  prob(cv::Rect(5, 30, 30, 10)).setTo(0.7f);
  DBParams p;
  EXPECT_EQ(db_postprocess(prob, 64, 64, p).boxes.size(), 2u);
  p.box_thresh = 0.8f;
  EXPECT_EQ(db_postprocess(prob, 64, 64, p).boxes.size(), 0u);
  p.box_thresh = 0.6f;
  p.thresh = 0.75f;
  EXPECT_EQ(db_postprocess(prob, 64, 64, p).boxes.size(), 0u);
  p.thresh = 0.3f;
  p.max_candidates = 1;
  EXPECT_EQ(db_postprocess(prob, 64, 64, p).boxes.size(), 1u);
  EXPECT_EQ(db_postprocess(cv::Mat(64, 64, CV_32F, cv::Scalar(0.f)), 64, 64, DBParams{}).boxes.size(), 0u);
}

TEST(DB, ClipsToImage) {
  cv::Mat prob(32, 32, CV_32F, cv::Scalar(0.f));
  prob(cv::Rect(0, 0, 32, 8)).setTo(0.9f);  // touches the border: unclip goes outside
  DBBoxes res = db_postprocess(prob, 32, 32, DBParams{});
  ASSERT_EQ(res.boxes.size(), 1u);
  for (const auto& pt : res.boxes[0]) {
    EXPECT_GE(pt.x, 0);
    EXPECT_LE(pt.x, 32);
    EXPECT_GE(pt.y, 0);
  }
}

TEST(SortBoxes, ReadingOrder) {
  auto quad = [](int x, int y) { return Polygon{{x, y}, {x + 20, y}, {x + 20, y + 10}, {x, y + 10}}; };
  // Same line (|dy| < 10): left to right even when the right one is higher.
  std::vector<Polygon> boxes = {quad(100, 52), quad(10, 55), quad(50, 10), quad(5, 12)};
  auto order = reading_order(boxes);
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0], 3u);
  EXPECT_EQ(order[1], 2u);
  EXPECT_EQ(order[2], 1u);
  EXPECT_EQ(order[3], 0u);
  // Different lines stay top to bottom.
  std::vector<Polygon> lines = {quad(0, 100), quad(50, 0), quad(0, 50)};
  auto o2 = reading_order(lines);
  EXPECT_EQ(o2, (std::vector<size_t>{1, 2, 0}));
  EXPECT_TRUE(reading_order({}).empty());
}
