// Decoding under a budget, for every codec OpenCV decodes here: the header of
// each format is read as its decoder reads it, a size over the limit is refused
// before any decoder runs, bytes whose header cannot be read never reach a
// decoder, and the decoded size must be the declared one.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "engine/error.h"
#include "io/hostile_samples.h"
#include "io/image_decode.h"
#include "io/input_source.h"

using namespace ppocr;
using namespace ppocr::io;
using ppocr::test::encoded_image;

namespace {

std::optional<Error> error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// Each format OpenCV decodes here: the probe reads the size its decoder will decode.
TEST(DecodeBudget, EveryDecodableFormatHasItsSizeRead) {
  struct Case {
    const char* ext;
    int type;
  };
  for (Case c : {Case{".png", CV_8UC3}, {".jpg", CV_8UC3}, {".bmp", CV_8UC3}, {".tiff", CV_8UC3}, {".webp", CV_8UC3},
                 {".ppm", CV_8UC3}, {".pgm", CV_8UC1}, {".pbm", CV_8UC1}, {".pam", CV_8UC3}, {".pfm", CV_32FC3},
                 {".jp2", CV_8UC3}, {".ras", CV_8UC3}, {".hdr", CV_32FC3}, {".exr", CV_32FC3}}) {
    std::string buf;
    try {
      buf = encoded_image(c.ext, 67, 45, c.type);
    } catch (const std::exception&) {
      continue;  // an OpenCV without that encoder
    }
    ImageSize sz;
    ASSERT_TRUE(probe_image_size(buf.data(), buf.size(), sz)) << c.ext;
    EXPECT_EQ(sz.width, 67) << c.ext;
    EXPECT_EQ(sz.height, 45) << c.ext;
    cv::Mat img = decode_image(buf, std::string("x") + c.ext);  // and the decoder agrees
    EXPECT_EQ(img.size(), cv::Size(67, 45)) << c.ext;
    DecodeOptions small;
    small.max_pixels = 67 * 45 - 1;
    auto e = error_of([&] { decode_image(buf, "x", small); });
    ASSERT_TRUE(e) << c.ext;
    EXPECT_EQ(e->code(), ErrorCode::kTooLarge) << c.ext;
  }
}

TEST(DecodeBudget, BigTiffAndOs2BmpHeaders) {
  // BigTIFF: "II+\0", 8-byte offsets, 20-byte entries.
  std::string t("II+\0\x08\0\0\0", 8);
  auto le = [&](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) t += char((v >> (8 * i)) & 0xFF);
  };
  le(16, 8);  // first IFD
  le(2, 8);   // entries
  le(256, 2), le(4, 2), le(1, 8), le(70000, 8);
  le(257, 2), le(16, 2), le(1, 8), le(80000, 8);
  le(0, 8);
  ImageSize sz;
  ASSERT_TRUE(probe_image_size(t.data(), t.size(), sz));
  EXPECT_EQ(sz.width, 70000);
  EXPECT_EQ(sz.height, 80000);
  EXPECT_EQ(error_of([&] { decode_image(t, "big.tif"); })->code(), ErrorCode::kTooLarge);
  // OS/2 BMP (12-byte core header): 16-bit sizes.
  std::string bmp = std::string("BM") + std::string(12, '\0') + std::string("\x0c\0\0\0\x10\x27\x20\x4e", 8) +
                    std::string(8, '\0');
  ASSERT_TRUE(probe_image_size(bmp.data(), bmp.size(), sz));
  EXPECT_EQ(sz.width, 10000);
  EXPECT_EQ(sz.height, 20000);
}

// The four bombs of issue 13: each is refused as too large, at once and
// without the memory its header asks for.
TEST(DecodeBudget, BombsAreRefusedBeforeAnyDecoderRuns) {
  DecodeOptions o;
  o.max_pixels = 40'000'000;
  o.max_pixels_name = "--max_pixels";
  const std::pair<const char*, std::string> bombs[] = {
      {"jpeg, junk byte before SOF", ppocr::test::jpeg_junk_before_sof(20000, 20000)},
      {"tiff, duplicated size tags", ppocr::test::tiff_duplicate_size_tags(20000, 20000)},
      {"jpeg 2000, patched SIZ", ppocr::test::jp2_huge(20000, 20000)},
      {"png, patched IHDR", ppocr::test::png_huge(20000, 20000)}};
  for (const auto& [what, bytes] : bombs) {
    ImageSize sz;
    ASSERT_TRUE(probe_image_size(bytes.data(), bytes.size(), sz)) << what;
    EXPECT_EQ(sz.width, 20000) << what;
    EXPECT_EQ(sz.height, 20000) << what;
    auto t0 = std::chrono::steady_clock::now();
    auto e = error_of([&] { decode_image(bytes, what, o); });
    EXPECT_LT(seconds_since(t0), 0.5) << what;
    ASSERT_TRUE(e) << what;
    EXPECT_EQ(e->code(), ErrorCode::kTooLarge) << what;
    EXPECT_NE(std::string(e->what()).find("20000x20000"), std::string::npos) << e->what();
    EXPECT_NE(std::string(e->what()).find("(--max_pixels)"), std::string::npos) << e->what();
  }
  // A JPEG 2000 with thousands of components (each a full-size plane in openjpeg).
  auto e = error_of([&] { decode_image(ppocr::test::jp2_huge(64, 64, 5000), "components.jp2", o); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kTooLarge) << e->what();
}

TEST(DecodeBudget, UnreadableHeadersAndUnknownFormatsNeverReachADecoder) {
  // No SOF before SOS: libjpeg refuses it too; we refuse before calling it.
  std::string jpg = encoded_image(".jpg");
  size_t sof = jpg.find(std::string("\xFF\xC0", 2));
  ASSERT_NE(sof, std::string::npos);
  jpg[sof + 1] = char(0xEE);  // SOF0 becomes an APP14 segment
  auto e = error_of([&] { decode_image(jpg, "nosof.jpg"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  EXPECT_NE(std::string(e->what()).find("header cannot be read"), std::string::npos) << e->what();
  // A size tag of a type no decoder reads as a size.
  std::string tif = ppocr::test::tiff_duplicate_size_tags(64, 64);
  tif[8 + 2 + 2] = 2;  // the first ImageWidth entry becomes ASCII
  e = error_of([&] { decode_image(tif, "ascii.tif"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  // A JP2 whose ihdr box disagrees with its codestream.
  std::string jp2 = encoded_image(".jp2");
  ppocr::test::put_be32(jp2, jp2.find("ihdr") + 8, 65);
  e = error_of([&] { decode_image(jp2, "disagree.jp2"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  // DICOM (OpenCV would decode it with GDCM) and anything else without a signature we parse.
  std::string dicom = std::string(128, '\0') + "DICM" + std::string(200, '\x01');
  e = error_of([&] { decode_image(dicom, "scan.dcm"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kInvalidInput);
  EXPECT_NE(std::string(e->what()).find("not an image in a supported format"), std::string::npos) << e->what();
}

// Duplicated size tags of two sizes under the limit: the larger is checked, and
// the decoded image must have one of the declared sizes.
TEST(DecodeBudget, DuplicatedTiffTagsTakeTheLargest) {
  std::string tif = ppocr::test::tiff_duplicate_size_tags(100, 100, 64);
  ImageSize sz;
  ASSERT_TRUE(probe_image_size(tif.data(), tif.size(), sz));
  EXPECT_EQ(sz.width, 100);
  DecodeOptions o;
  o.max_pixels = 100 * 100 - 1;
  EXPECT_EQ(error_of([&] { decode_image(tif, "dup.tif", o); })->code(), ErrorCode::kTooLarge);
  o.max_pixels = 0;
  auto e = error_of([&] {
    cv::Mat m = decode_image(tif, "dup.tif", o);
    EXPECT_TRUE(m.size() == cv::Size(100, 100)) << m.size();  // decoded only when it is the declared size
  });
  if (e) {
    EXPECT_EQ(e->code(), ErrorCode::kInvalidInput) << e->what();
  }
}

// The per-stream budget (the server's per request): an image over what is left is refused from its header.
TEST(DecodeBudget, TotalPixelBudgetOfAStream) {
  InputOptions in;
  in.max_total_pixels = 64 * 64 - 1;
  in.max_total_pixels_name = "--max_request_pixels";
  auto e = error_of([&] { decode_all(encoded_image(".png"), "a.png", InputKind::Image, in); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code(), ErrorCode::kTooLarge);
  EXPECT_NE(std::string(e->what()).find("(--max_request_pixels)"), std::string::npos) << e->what();
  in.max_total_pixels = 64 * 64;
  EXPECT_EQ(decode_all(encoded_image(".png"), "a.png", InputKind::Image, in).size(), 1u);
}

TEST(DecodeBudget, OpenCvLimitsFollowMaxPixels) {
  auto env = opencv_decode_limits_env(40'000'000);
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[0].first, "OPENCV_IO_MAX_IMAGE_PIXELS");
  EXPECT_EQ(env[0].second, "40000000");
  EXPECT_EQ(env[1].second, std::to_string(1 << 20));  // OpenCV's side default is kept when looser
  EXPECT_EQ(opencv_decode_limits_env(1000)[1].second, "1000");
  EXPECT_EQ(opencv_decode_limits_env(0)[0].second, std::to_string(1 << 30));  // no limit: OpenCV's default
}
