// Image decoding from files and memory; folder listing; the lazy input stream.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <tuple>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/input_source.h"

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::io;

namespace {

cv::Mat test_image(int w = 67, int h = 41) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 3), uchar(y * 5), uchar((x + y) * 2));
  return m;
}

std::string encode(const cv::Mat& m, const std::string& ext) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, m, buf)) << ext;
  return std::string(buf.begin(), buf.end());
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  double mx;
  cv::minMaxLoc(d.reshape(1), nullptr, &mx);
  return mx;
}

}  // namespace

TEST(Decode, LosslessFormatsFromMemoryAreExact) {
  cv::Mat img = test_image();
  for (const char* ext : {".png", ".bmp", ".tiff", ".webp"}) {
    std::vector<int> params;
    if (std::string(ext) == ".webp") params = {cv::IMWRITE_WEBP_QUALITY, 101};  // lossless
    std::vector<uchar> buf;
    ASSERT_TRUE(cv::imencode(ext, img, buf, params));
    cv::Mat out = decode_image(buf.data(), buf.size(), ext);
    EXPECT_EQ(out.type(), CV_8UC3) << ext;
    ASSERT_EQ(out.size(), img.size()) << ext;
    EXPECT_EQ(max_abs_diff(out, img), 0) << ext;
    ImageSize sz;
    ASSERT_TRUE(probe_image_size(buf.data(), buf.size(), sz)) << ext;
    EXPECT_EQ(sz.width, img.cols) << ext;
    EXPECT_EQ(sz.height, img.rows) << ext;
  }
}

TEST(Decode, JpegFromMemoryIsClose) {
  cv::Mat img = test_image(120, 80);
  std::string jpg = encode(img, ".jpg");
  cv::Mat out = decode_image(jpg, "mem.jpg");
  ASSERT_EQ(out.size(), img.size());
  EXPECT_LT(cv::norm(out, img, cv::NORM_L1) / img.total() / 3, 6.0);
  ImageSize sz;
  ASSERT_TRUE(probe_image_size(jpg.data(), jpg.size(), sz));
  EXPECT_EQ(sz.width, 120);
  EXPECT_EQ(sz.height, 80);
}

TEST(Decode, GrayAlphaAnd16BitBecomeBgr8) {
  cv::Mat gray(30, 20, CV_8UC1, cv::Scalar(77));
  cv::Mat g = decode_image(encode(gray, ".png"), "gray.png");
  ASSERT_EQ(g.type(), CV_8UC3);
  EXPECT_EQ(g.at<cv::Vec3b>(3, 3), cv::Vec3b(77, 77, 77));

  cv::Mat bgra(30, 20, CV_8UC4, cv::Scalar(10, 20, 30, 0));
  cv::Mat a = decode_image(encode(bgra, ".png"), "alpha.png");
  ASSERT_EQ(a.type(), CV_8UC3);
  EXPECT_EQ(a.at<cv::Vec3b>(5, 5), cv::Vec3b(10, 20, 30));

  cv::Mat deep(30, 20, CV_16UC3, cv::Scalar(65535, 32768, 0));
  cv::Mat d = decode_image(encode(deep, ".png"), "deep.png");
  ASSERT_EQ(d.type(), CV_8UC3);
  EXPECT_EQ(d.at<cv::Vec3b>(1, 1)[0], 255);
  EXPECT_NEAR(d.at<cv::Vec3b>(1, 1)[1], 128, 1);
  EXPECT_EQ(d.at<cv::Vec3b>(1, 1)[2], 0);

  cv::Mat deep_gray(10, 10, CV_16UC1, cv::Scalar(256 * 200));
  cv::Mat dg = decode_image(encode(deep_gray, ".tiff"), "deep_gray.tiff");
  ASSERT_EQ(dg.type(), CV_8UC3);
  EXPECT_NEAR(dg.at<cv::Vec3b>(0, 0)[2], 200, 1);
}

TEST(Decode, RealFilesFromDisk) {
  REQUIRE_SHARED("data/icdar2015/images/img_1.jpg");
  cv::Mat m = read_image_file(ppocr::test::shared_path("data/icdar2015/images/img_1.jpg"));
  EXPECT_EQ(m.cols, 1280);
  EXPECT_EQ(m.rows, 720);
  EXPECT_EQ(m.type(), CV_8UC3);
  REQUIRE_SHARED("data/tesseract/phototest.tif");
  cv::Mat t = read_image_file(ppocr::test::shared_path("data/tesseract/phototest.tif"));
  EXPECT_EQ(t.type(), CV_8UC3);
  EXPECT_GT(t.cols, 100);
}

TEST(Decode, DecompressionBombRefusedBeforeDecoding) {
  // A PNG whose header declares 100000 x 100000 pixels (10 G pixels).
  cv::Mat small(8, 8, CV_8UC3, cv::Scalar(1, 2, 3));
  std::string png = encode(small, ".png");
  auto put32 = [&](size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) png[off + i] = char((v >> (24 - 8 * i)) & 0xFF);
  };
  put32(16, 100000);
  put32(20, 100000);
  try {
    decode_image(png, "bomb.png");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds the limit"), std::string::npos) << e.what();
  }
  // A configurable limit applies to ordinary images too.
  DecodeOptions o;
  o.max_pixels = 1000;
  EXPECT_THROW(decode_image(encode(test_image(100, 100), ".png"), "big.png", o), Error);
  EXPECT_NO_THROW(decode_image(encode(test_image(20, 20), ".png"), "ok.png", o));
}

TEST(Folder, ListsImagesAndPdfsSortedRecursivelySkippingOthers) {
  std::string dir = ppocr::test::temp_dir("folder");
  fs::create_directories(dir + "/sub");
  std::string png = encode(test_image(), ".png");
  write_file(dir + "/b.png", png);
  write_file(dir + "/a.JPG", encode(test_image(), ".jpg"));
  write_file(dir + "/sub/c.bmp", encode(test_image(), ".bmp"));
  write_file(dir + "/doc.pdf", "%PDF-1.4 not really");
  write_file(dir + "/notes.txt", "hello");
  auto files = list_input_files(dir);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(fs::path(files[0]).filename(), "a.JPG");
  EXPECT_EQ(fs::path(files[1]).filename(), "b.png");
  EXPECT_EQ(fs::path(files[2]).filename(), "doc.pdf");
  EXPECT_EQ(fs::path(files[3]).filename(), "c.bmp");
}

TEST(InputStream, PerItemErrorsDoNotStopTheBatch) {
  std::string dir = ppocr::test::temp_dir("stream");
  write_file(dir + "/1_good.png", encode(test_image(), ".png"));
  std::string jpg = encode(test_image(), ".jpg");
  write_file(dir + "/2_truncated.jpg", jpg.substr(0, 40));
  write_file(dir + "/3_text.png", "this is not an image");
  write_file(dir + "/4_good.bmp", encode(test_image(), ".bmp"));
  InputStream s({dir, dir + "/missing.png"});
  EXPECT_TRUE(s.is_batch());
  std::vector<InputItem> items;
  InputItem it;
  while (s.next(it)) items.push_back(it);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_TRUE(items[0].ok());
  EXPECT_EQ(items[0].name, "1_good");
  EXPECT_EQ(items[0].page_index, -1);
  EXPECT_FALSE(items[1].ok());
  EXPECT_NE(items[1].error.find("2_truncated.jpg"), std::string::npos) << items[1].error;
  EXPECT_FALSE(items[2].ok());
  EXPECT_NE(items[2].error.find("3_text.png"), std::string::npos) << items[2].error;
  EXPECT_TRUE(items[3].ok());
  EXPECT_EQ(items[3].image.size(), test_image().size());
  EXPECT_FALSE(items[4].ok());
  EXPECT_NE(items[4].error.find("no such file"), std::string::npos) << items[4].error;
  EXPECT_EQ(s.done(), 5);
}

TEST(InputStream, EmptyFolderIsAnError) {
  std::string dir = ppocr::test::temp_dir("empty");
  InputStream s({dir});
  InputItem it;
  ASSERT_TRUE(s.next(it));
  EXPECT_FALSE(it.ok());
  EXPECT_NE(it.error.find("no image or PDF files"), std::string::npos) << it.error;
  EXPECT_FALSE(s.next(it));
}

TEST(InputStream, MemoryImageAndLocalPathPolicy) {
  auto items = decode_all(encode(test_image(), ".png"), "upload", InputKind::Auto);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].input_path, "");
  EXPECT_EQ(items[0].image.size(), test_image().size());
  EXPECT_THROW(decode_all("garbage", "upload", InputKind::Image), Error);

  InputOptions o;
  o.allow_local_paths = false;
  InputStream s({"/etc/passwd"}, o);
  InputItem it;
  ASSERT_TRUE(s.next(it));
  EXPECT_FALSE(it.ok());
  EXPECT_NE(it.error.find("not allowed"), std::string::npos);
}

TEST(Decode, JpegExifOrientationIsAppliedAsCv2Imread) {
  // PaddleOCR reads with cv2.imread(IMREAD_COLOR), which applies the EXIF
  // orientation; so do we (files and memory alike).
  cv::Mat img = test_image(40, 20);
  std::string jpg = encode(img, ".jpg");
  // APP1 "Exif" segment: little-endian TIFF, one IFD entry: Orientation (0x0112) = 6 (rotate 90 CW).
  const unsigned char exif[] = {0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0, 8, 0, 0, 0,
                                1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
  std::string with_exif = jpg.substr(0, 2) + std::string(reinterpret_cast<const char*>(exif), sizeof exif) + jpg.substr(2);
  cv::Mat out = decode_image(with_exif, "exif.jpg");
  EXPECT_EQ(out.cols, 20);
  EXPECT_EQ(out.rows, 40);
  std::string dir = ppocr::test::temp_dir("exif");
  write_file(dir + "/exif.jpg", with_exif);
  cv::Mat ref = cv::imread(dir + "/exif.jpg", cv::IMREAD_COLOR);  // what cv2.imread gives
  EXPECT_EQ(read_image_file(dir + "/exif.jpg").size(), ref.size());
}

// The one header probe (also what the server refuses huge images with, before decoding).
TEST(Probe, ReadsSizesOfEncodedImagesWithoutDecoding) {
  cv::Mat img(37, 53, CV_8UC3, cv::Scalar(10, 200, 30)), gray(37, 53, CV_8UC1, cv::Scalar(99));
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff", ".webp", ".ppm", ".pgm", ".pbm"}) {
    bool one_channel = std::string(ext) == ".pgm" || std::string(ext) == ".pbm";
    std::string buf = encode(one_channel ? gray : img, ext);
    ImageSize sz;
    ASSERT_TRUE(probe_image_size(buf.data(), buf.size(), sz)) << ext;
    EXPECT_EQ(sz.width, 53) << ext;
    EXPECT_EQ(sz.height, 37) << ext;
  }
  ImageSize sz;
  EXPECT_FALSE(probe_image_size("\xFF\xD8\xFF", 3, sz));  // truncated JPEG: no SOF
  EXPECT_FALSE(probe_image_size("GIF8", 4, sz));
  EXPECT_FALSE(probe_image_size("P6\n# only a comment", 19, sz));
  std::string pnm = "P5\n# comment\n 640\t480\n255\n";
  ASSERT_TRUE(probe_image_size(pnm.data(), pnm.size(), sz));
  EXPECT_EQ(sz.width, 640);
  EXPECT_EQ(sz.height, 480);
}

TEST(Probe, ReadsARealJpeg) {
  REQUIRE_SHARED("data/sroie/images/000.jpg");
  std::string path = ppocr::test::shared_path("data/sroie/images/000.jpg");
  std::string data = read_file_bytes(path);
  cv::Mat decoded = cv::imread(path, cv::IMREAD_COLOR);
  ImageSize sz;
  ASSERT_TRUE(probe_image_size(data.data(), data.size(), sz));
  EXPECT_EQ(sz.width, decoded.cols);
  EXPECT_EQ(sz.height, decoded.rows);
}

// File type from a name / URL (the one extension list) and from the bytes.
TEST(FileType, FromNameUrlAndMagic) {
  EXPECT_EQ(input_kind_from_name("http://h/a/b/doc.PDF?x=1#y"), InputKind::Pdf);
  EXPECT_EQ(input_kind_from_name("https://h/img.jpeg"), InputKind::Image);
  EXPECT_EQ(input_kind_from_name("https://h/x.png?dl=a.pdf"), InputKind::Image);
  EXPECT_EQ(input_kind_from_name("file:///data/scan.TIF"), InputKind::Image);
  EXPECT_EQ(input_kind_from_name("https://h/download"), InputKind::Auto);
  EXPECT_EQ(input_kind_from_name("https://h.pdf"), InputKind::Auto);  // a host, no path
  EXPECT_EQ(input_kind_from_name("https://h/file.txt"), InputKind::Auto);
  EXPECT_EQ(input_kind_from_name("/tmp/a.ppm"), InputKind::Image);
  EXPECT_EQ(input_kind_from_name("report.pdf"), InputKind::Pdf);
  for (const std::string& e : image_extensions()) {
    EXPECT_TRUE(is_image_file_name("x." + e)) << e;
    EXPECT_EQ(input_kind_from_name("https://h/x." + e), InputKind::Image) << e;
  }
  EXPECT_FALSE(is_image_file_name("x.pdf"));
  EXPECT_FALSE(is_image_file_name("jpg"));
  auto magic = [](const std::string& b) { return input_kind_from_bytes(b.data(), b.size()); };
  EXPECT_EQ(magic("%PDF-1.7\n..."), InputKind::Pdf);
  EXPECT_EQ(magic("junk before\n%PDF-1.4\n"), InputKind::Pdf);
  EXPECT_EQ(magic(std::string("\x89PNG\r\n\x1a\n\0\0", 10)), InputKind::Image);
  EXPECT_EQ(magic("\xFF\xD8\xFF\xE0"), InputKind::Image);
  EXPECT_EQ(magic("hello world"), InputKind::Auto);
  EXPECT_EQ(magic(""), InputKind::Auto);
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff", ".webp", ".ppm", ".jp2", ".ras", ".hdr"}) {
    cv::Mat img(64, 64, CV_8UC3, cv::Scalar(1, 2, 3));
    std::vector<uchar> buf;
    try {
      if (!cv::imencode(ext, img, buf)) continue;
    } catch (const cv::Exception&) {
      continue;  // an OpenCV built without that encoder
    }
    EXPECT_EQ(input_kind_from_bytes(buf.data(), buf.size()), InputKind::Image) << ext;
    EXPECT_FALSE(image_format_name(buf.data(), buf.size()).empty()) << ext;
  }
  EXPECT_EQ(image_format_name("GIF89a", 6), "gif");
  EXPECT_EQ(image_format_name("\xFF\xD8\xFF", 3), "jpeg");
  EXPECT_EQ(image_format_name("\xFF\xD8", 2), "");
}

TEST(Decode, ErrorsCarryTheirCodeAndSayWhatWasWrong) {
  auto failure = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::make_pair(e.code(), std::string(e.what()));
    }
    return std::make_pair(ErrorCode::kGeneric, std::string("no error"));
  };
  auto [code, msg] = failure([] { decode_image(std::string("just some text"), "t"); });
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  EXPECT_NE(msg.find("not an image in a supported format"), std::string::npos) << msg;
  std::string png = encode(test_image(), ".png");
  std::tie(code, msg) = failure([&] { decode_image(png.substr(0, png.size() / 2) + std::string(40, '\0'), "p"); });
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  EXPECT_NE(msg.find("looks like png"), std::string::npos) << msg;
  std::tie(code, msg) = failure([] { decode_image(std::string("%PDF-1.4\n"), "d"); });
  EXPECT_EQ(code, ErrorCode::kInvalidInput);
  EXPECT_NE(msg.find("is a PDF"), std::string::npos) << msg;
  DecodeOptions small;
  small.max_pixels = 100;
  std::tie(code, msg) = failure([&] { decode_image(png, "big", small); });
  EXPECT_EQ(code, ErrorCode::kTooLarge);
  EXPECT_NE(msg.find("67x41"), std::string::npos) << msg;
  // Header sizes at the top of the range do not overflow the pixel check.
  std::string huge = png;
  for (int off : {16, 20})
    for (int b = 0; b < 4; ++b) huge[off + b] = char(0xFF);
  std::tie(code, msg) = failure([&] { decode_image(huge, "huge"); });
  EXPECT_EQ(code, ErrorCode::kTooLarge) << msg;
  std::tie(code, msg) = failure([&] { decode_all("garbage", "upload", InputKind::Image); });
  EXPECT_EQ(code, ErrorCode::kInvalidInput) << msg;  // decode_all keeps the item's code
}

TEST(Decode, TruncatedJpegIsRefusedOnlyWhenAsked) {
  std::string jpg = encode(test_image(200, 120), ".jpg");
  std::string cut = jpg.substr(0, jpg.size() * 2 / 3);
  DecodeOptions strict;
  strict.reject_truncated_jpeg = true;
  try {
    decode_image(cut, "cut.jpg", strict);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput);
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  EXPECT_EQ(decode_image(cut, "cut.jpg").size(), cv::Size(200, 120));  // as cv2.imread: grey-padded
  EXPECT_EQ(decode_image(jpg, "whole.jpg", strict).size(), cv::Size(200, 120));
  EXPECT_EQ(decode_image(jpg + "trailing junk", "junk.jpg", strict).size(), cv::Size(200, 120));
}
