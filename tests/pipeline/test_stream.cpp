// Pages run side by side (OCR::predict_stream, and predict/predict_iter on
// top of it): the same results in the same order as one page at a time,
// errors in their place, early stops (skips without ../shared).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "common/shared.h"
#include "engine/threads.h"
#include "ppocr/ppocr.h"

using namespace ppocr;
namespace fs = std::filesystem;

namespace {

OCROptions options(int threads) {
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  o.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  o.use_doc_orientation_classify = false;
  o.use_doc_unwarping = false;
  o.use_textline_orientation = false;
  o.cpu_threads = threads;
  o.log = [](const std::string&) {};
  return o;
}

std::vector<std::string> icdar_files(size_t n) {
  std::vector<std::string> v;
  for (const char* f : {"img_1.jpg", "img_10.jpg", "img_100.jpg", "img_11.jpg", "img_12.jpg", "img_13.jpg",
                        "img_14.jpg", "img_15.jpg"})
    if (v.size() < n) v.push_back(test::shared_path(std::string("data/icdar2015/images/") + f));
  return v;
}

}  // namespace

#define REQUIRE_TINY() REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec")

TEST(Stream, PagesAtOnceFollowCpuThreads) {
  REQUIRE_TINY();
  EXPECT_EQ(OCR(options(1)).pages_at_once(), 1);
  EXPECT_EQ(OCR(options(64)).pages_at_once(), std::min(64, engine::available_cpus()));
}

TEST(Stream, SameResultsInOrderAsOnePageAtATime) {
  REQUIRE_TINY();
  OCR one(options(1)), many(options(3));
  std::vector<std::string> files = icdar_files(8);
  std::vector<OCRResult> expect;
  for (const auto& f : files) {
    Page p;
    p.image = cv::imread(f);
    p.input_path = f;
    expect.push_back(one.predict_page(p));
  }
  std::vector<Input> inputs;
  for (const auto& f : files) inputs.push_back(Input::from_path(f));
  for (const OCR* ocr : {&one, &many}) {
    std::vector<OCRResult> got = ocr->predict(inputs);
    ASSERT_EQ(got.size(), files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      EXPECT_EQ(got[i].input_path, files[i]);
      EXPECT_EQ(got[i].rec_texts, expect[i].rec_texts) << files[i];
      EXPECT_EQ(got[i].rec_scores, expect[i].rec_scores) << files[i];
      EXPECT_EQ(got[i].dt_polys, expect[i].dt_polys) << files[i];
    }
  }
}

TEST(Stream, ErrorsComeBackInTheirPlace) {
  REQUIRE_TINY();
  OCR ocr(options(2));
  std::vector<std::string> files = icdar_files(5);
  size_t next = 0;
  std::vector<int64_t> tags;
  std::vector<bool> oks;
  ocr.predict_stream(
      [&](PageJob& job) {
        if (next == files.size()) return false;
        job.tag = 100 + static_cast<int64_t>(next);
        if (next == 1) job.error = Error("cannot read it", ErrorCode::kInvalidInput);
        else if (next == 3) job.page.image = cv::Mat();  // the pipeline's own error: empty image
        else job.page.image = cv::imread(files[next]);
        ++next;
        return true;
      },
      [&](PageOutcome&& o) {
        tags.push_back(o.tag);
        oks.push_back(o.ok());
        if (o.tag == 101) {
          EXPECT_EQ(o.error->code(), ErrorCode::kInvalidInput);
          EXPECT_STREQ(o.error->what(), "cannot read it");
        }
        if (o.ok()) {
          EXPECT_GT(o.seconds, 0);
        }
        return true;
      });
  EXPECT_EQ(tags, (std::vector<int64_t>{100, 101, 102, 103, 104}));
  EXPECT_EQ(oks, (std::vector<bool>{true, false, true, false, true}));

  // predict() raises the first unreadable input, after the pages before it.
  std::string dir = test::temp_dir("stream_bad");
  { std::ofstream(dir + "/x.png") << "not an image"; }
  std::vector<Input> inputs = {Input::from_path(files[0]), Input::from_path(dir + "/x.png"),
                               Input::from_path(files[1])};
  int seen = 0;
  EXPECT_THROW(ocr.predict_iter(inputs, [&](OCRResult&&) { return ++seen > 0; }), Error);
  EXPECT_EQ(seen, 1);
}

TEST(Stream, SinkStopsTheStream) {
  REQUIRE_TINY();
  OCR ocr(options(2));
  int read = 0, seen = 0;
  ocr.predict_stream(
      [&](PageJob& job) {
        job.page.image = cv::Mat(32, 64, CV_8UC3, cv::Scalar::all(255));
        ++read;
        return true;  // endless
      },
      [&](PageOutcome&& o) {
        EXPECT_TRUE(o.ok());
        return ++seen < 3;
      });
  EXPECT_EQ(seen, 3);
  EXPECT_LE(read, 3 + ocr.pages_at_once() + 1);
}

TEST(Stream, ResultStreamHandsResultsOutOneAtATime) {
  REQUIRE_TINY();
  OCR ocr(options(2));
  std::vector<std::string> files = icdar_files(4);
  std::vector<Input> inputs;
  for (const auto& f : files) inputs.push_back(Input::from_path(f));
  std::vector<OCRResult> expect = ocr.predict(inputs);
  {
    auto s = ocr.stream(inputs);
    OCRResult r;
    size_t i = 0;
    while (s->next(r)) {
      ASSERT_LT(i, expect.size());
      EXPECT_EQ(r.input_path, files[i]);
      EXPECT_EQ(r.rec_texts, expect[i].rec_texts);
      ++i;
    }
    EXPECT_EQ(i, files.size());
    EXPECT_FALSE(s->next(r));
  }
  {
    auto s = ocr.stream(inputs);  // dropped after one result: the rest stop
    OCRResult r;
    EXPECT_TRUE(s->next(r));
  }
  std::string dir = test::temp_dir("stream_pull_bad");
  { std::ofstream(dir + "/x.png") << "not an image"; }
  auto s = ocr.stream({Input::from_path(files[0]), Input::from_path(dir + "/x.png")});
  OCRResult r;
  EXPECT_TRUE(s->next(r));
  EXPECT_THROW(s->next(r), Error);
  EXPECT_FALSE(s->next(r));
}
