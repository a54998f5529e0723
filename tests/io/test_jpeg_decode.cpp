// The plain-JPEG fast path (io/jpeg_decode.h) gives cv::imdecode's pixels,
// byte for byte, on every JPEG of ../shared, and leaves every other JPEG to
// OpenCV.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "io/image_decode.h"
#include "io/jpeg_decode.h"

namespace fs = std::filesystem;
using namespace ppocr::io;

namespace {

std::string encode(const cv::Mat& m, std::vector<int> params = {}) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(".jpg", m, buf, params));
  return std::string(buf.begin(), buf.end());
}

cv::Mat opencv(const std::string& bytes) {
  return cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<char*>(bytes.data())), cv::IMREAD_COLOR);
}

void expect_same(const std::string& bytes, const std::string& what) {
  cv::Mat fast, want = opencv(bytes);
  ASSERT_TRUE(decode_plain_jpeg(bytes.data(), bytes.size(), fast)) << what;
  ASSERT_EQ(fast.size(), want.size()) << what;
  ASSERT_EQ(fast.type(), want.type()) << what;
  EXPECT_EQ(cv::norm(fast, want, cv::NORM_INF), 0) << what << ": pixels differ from cv::imdecode";
}

}  // namespace

TEST(JpegDecode, SamePixelsAsOpenCvOnSharedJpegs) {
  REQUIRE_SHARED("data/icdar2015/images");
  int checked = 0, fallbacks = 0;
  for (const char* dir : {"data/icdar2015/images", "data/sroie/images", "data/paddleocr_demo/imgs",
                          "data/paddleocr_demo/imgs_en", "data/paddleocr_demo/imgs_words"}) {
    if (!ppocr::test::shared_exists(dir)) continue;
    for (const auto& e : fs::directory_iterator(ppocr::test::shared_path(dir))) {
      const std::string ext = e.path().extension().string();
      if (ext != ".jpg" && ext != ".jpeg" && ext != ".JPG") continue;
      const std::string bytes = read_file_bytes(e.path().string());
      cv::Mat fast;
      if (!decode_plain_jpeg(bytes.data(), bytes.size(), fast)) {
        ++fallbacks;  // EXIF or grey: OpenCV's; decode_image still gives OpenCV's pixels
        EXPECT_EQ(cv::norm(decode_image(bytes, e.path().string()), opencv(bytes), cv::NORM_INF), 0) << e.path();
        continue;
      }
      expect_same(bytes, e.path().string());
      ++checked;
    }
  }
  std::cout << checked << " JPEGs decoded the same as cv::imdecode, " << fallbacks << " left to OpenCV\n";
  EXPECT_GE(checked, 150);
}

TEST(JpegDecode, SubsamplingProgressiveAndRestartMarkers) {
  cv::Mat m(67, 93, CV_8UC3);
  cv::randu(m, 0, 255);
  cv::GaussianBlur(m, m, {5, 5}, 0);
  expect_same(encode(m), "4:2:0 baseline");
  expect_same(encode(m, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), "progressive");
  expect_same(encode(m, {cv::IMWRITE_JPEG_RST_INTERVAL, 2}), "restart markers");
  // Different luma and chroma qualities: OpenCV turns chroma subsampling off (4:4:4).
  expect_same(encode(m, {cv::IMWRITE_JPEG_LUMA_QUALITY, 90, cv::IMWRITE_JPEG_CHROMA_QUALITY, 60}), "4:4:4");
  expect_same(encode(m, {cv::IMWRITE_JPEG_QUALITY, 20}), "quality 20");
}

TEST(JpegDecode, OtherJpegsAreLeftToOpenCv) {
  cv::Mat grey(20, 30, CV_8UC1, cv::Scalar(90));
  cv::Mat colour(20, 30, CV_8UC3, cv::Scalar(10, 200, 30));
  const std::string g = encode(grey), c = encode(colour);
  cv::Mat out;
  EXPECT_FALSE(decode_plain_jpeg(g.data(), g.size(), out)) << "a grey JPEG";
  // An EXIF APP1 segment (orientation is OpenCV's business) right after SOI.
  const std::string exif_body = std::string("Exif\0\0", 6) + "II*\0" + std::string("\x08\0\0\0\0\0", 6);
  std::string with_exif = c.substr(0, 2) + "\xFF\xE1" + char(0) + char(exif_body.size() + 2) + exif_body + c.substr(2);
  EXPECT_FALSE(decode_plain_jpeg(with_exif.data(), with_exif.size(), out)) << "EXIF";
  EXPECT_FALSE(decode_plain_jpeg(c.data(), 40, out)) << "cut inside the header";
  std::string junk = c;
  for (size_t i = 2; i < junk.size(); i += 3) junk[i] = char(0x5A);
  EXPECT_FALSE(decode_plain_jpeg(junk.data(), junk.size(), out)) << "garbage after SOI";
  // Cut in the middle of the scan: libjpeg pads the rest (as under OpenCV); the same pixels either way.
  std::string cut = c.substr(0, c.size() * 2 / 3);
  cv::Mat fast;
  if (decode_plain_jpeg(cut.data(), cut.size(), fast)) {
    EXPECT_EQ(cv::norm(fast, opencv(cut), cv::NORM_INF), 0);
  }
}
