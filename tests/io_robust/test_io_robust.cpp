// Bad inputs end in a clear ppocr::Error, never a crash (also run under ASan/UBSan).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <sstream>

#include "common/shared.h"
#include "engine/error.h"
#include "io/image_decode.h"
#include "io/input_source.h"
#include "pipelines/ocr/paddlex_config.h"
#include "io/pdf.h"
#include "io/tar_reader.h"
#include "modules/common/model_config.h"

// poppler's font setup leaks a fontconfig pattern once per process (not ours):
// keep LeakSanitizer quiet about it in the sanitizer build.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig\n"; }

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::io;

namespace {

std::string encoded(const char* ext) {
  cv::Mat m(37, 53, CV_8UC3);
  cv::randu(m, 0, 255);
  std::vector<uchar> b;
  cv::imencode(ext, m, b);
  return std::string(b.begin(), b.end());
}

// Runs f; passes when it returns or throws ppocr::Error with a non-empty message.
template <class F>
void error_or_ok(F&& f, const std::string& what) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_GT(std::string(e.what()).size(), 5u) << what;
  }
}

}  // namespace

TEST(RobustDecode, TruncatedAndBitFlippedImages) {
  std::mt19937 rng(1234);
  for (const char* ext : {".png", ".jpg", ".bmp", ".tiff", ".webp"}) {
    std::string good = encoded(ext);
    for (size_t cut = 0; cut < good.size(); cut += std::max<size_t>(1, good.size() / 40))
      error_or_ok([&] { decode_image(good.substr(0, cut), std::string("cut") + ext); }, ext);
    for (int k = 0; k < 40; ++k) {
      std::string bad = good;
      for (int f = 0; f < 4; ++f) bad[rng() % bad.size()] ^= char(1 << (rng() % 8));
      error_or_ok([&] { decode_image(bad, std::string("flip") + ext); }, ext);
    }
  }
}

TEST(RobustDecode, NonImagesAndHeaderLies) {
  for (std::string s : {std::string(""), std::string("x"), std::string(1000, '\0'), std::string("GIF89a"),
                        std::string("\x89PNG\r\n\x1a\n", 8), std::string("BM"), std::string("II*\0", 4),
                        std::string("RIFF\0\0\0\0WEBPVP8X", 16), std::string("%PDF-1.7\n")}) {
    EXPECT_THROW(decode_image(s, "junk"), Error);
    ImageSize sz;
    probe_image_size(s.data(), s.size(), sz);  // must not read out of bounds
  }
  // A JPEG whose SOF declares 65535x65535 is refused before decoding.
  std::string jpg = encoded(".jpg");
  for (size_t i = 2; i + 9 < jpg.size(); ++i)
    if ((unsigned char)jpg[i] == 0xFF && (unsigned char)jpg[i + 1] == 0xC0) {
      jpg[i + 5] = jpg[i + 6] = jpg[i + 7] = jpg[i + 8] = char(0xFF);
      break;
    }
  DecodeOptions o;
  o.max_pixels = 100'000'000;
  EXPECT_THROW(decode_image(jpg, "bomb.jpg", o), Error);
  // A TIFF IFD pointing far outside the buffer.
  std::string tif = encoded(".tiff");
  tif[4] = tif[5] = tif[6] = char(0xFF);
  error_or_ok([&] { decode_image(tif, "badifd.tiff"); }, "tiff");
}

TEST(RobustPdf, TruncatedCorruptAndEmpty) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  std::string pdf = read_file_bytes(ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf"));
  PdfOptions o;
  o.dpi = 36;  // keep rendering cheap
  for (size_t cut : {size_t(0), size_t(5), size_t(100), pdf.size() / 4, pdf.size() / 2, pdf.size() - 100}) {
    error_or_ok([&] {
      PdfDocument d = PdfDocument::open_memory(pdf.substr(0, cut), "cut.pdf", o);
      for (int i = 0; i < d.pages_to_render(); ++i) d.render_page(i);
    }, "cut");
  }
  std::mt19937 rng(99);
  for (int k = 0; k < 15; ++k) {
    std::string bad = pdf;
    for (int f = 0; f < 20; ++f) bad[rng() % bad.size()] = char(rng());
    error_or_ok([&] {
      PdfDocument d = PdfDocument::open_memory(bad, "flip.pdf", o);
      for (int i = 0; i < d.pages_to_render(); ++i) d.render_page(i);
    }, "flip");
  }
  EXPECT_THROW(PdfDocument::open_memory("%PDF-1.4\n%%EOF\n", "zero.pdf"), Error);
  EXPECT_THROW(PdfDocument::open_memory("", "empty.pdf"), Error);
  EXPECT_THROW(PdfDocument::open_file("/nonexistent.pdf"), Error);
  PdfDocument d = PdfDocument::open_memory(pdf, "ok.pdf", o);
  EXPECT_THROW(d.render_page(4), Error);
  EXPECT_THROW(d.render_page(-1), Error);
}

TEST(RobustPdf, TruncatedPdfInAStreamIsAPerItemError) {
  std::string dir = ppocr::test::temp_dir("robust_pdf");
  {
    std::ofstream f(dir + "/broken.pdf", std::ios::binary);
    f << "%PDF-1.4\n1 0 obj << /Type /Catalog";
  }
  InputStream s({dir + "/broken.pdf", dir + "/also_missing.pdf"});
  InputItem it;
  ASSERT_TRUE(s.next(it));
  EXPECT_FALSE(it.ok());
  EXPECT_NE(it.error.find("broken.pdf"), std::string::npos) << it.error;
  ASSERT_TRUE(s.next(it));
  EXPECT_FALSE(it.ok());
  EXPECT_FALSE(s.next(it));
}

// inference.yml as the modules read it (modules::ModelConfig).
TEST(RobustYaml, MalformedInferenceYmlNamesTheFile) {
  using modules::ModelConfig;
  for (const char* text : {"a: [1, 2", "- just\n- a list\n", "PreProcess: 5\n", "PreProcess:\n  transform_ops: {a: 1}\n",
                           "PostProcess: [1]\n", "PostProcess:\n  character_dict: {a: b}\n", "Global: 3\n",
                           "Global:\n  model_name: [a]\n", "\t\t: : :\n", "&a [*a]", "PostProcess:\n  name: [x]\n",
                           "PostProcess:\n  character_dict: [[a]]\n", "PostProcess:\n  Topk:\n    label_list: 5\n"}) {
    try {
      ModelConfig::parse(text, "bad/inference.yml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad/inference.yml"), std::string::npos) << e.what();
    }
  }
  // A directory without inference.yml is an empty config (the modules' defaults apply), not an error.
  EXPECT_TRUE(ModelConfig::load("/nonexistent/dir").path.empty());
  // Random mutations of a real file: Error or a parse, never a crash.
  REQUIRE_SHARED("models/paddle/PP-LCNet_x0_25_textline_ori/inference.yml");
  std::string good = read_file_bytes(ppocr::test::shared_path("models/paddle/PP-LCNet_x0_25_textline_ori/inference.yml"));
  std::mt19937 rng(7);
  const char junk[] = ":-[]{}&*!|>'\"\n #";
  for (int k = 0; k < 200; ++k) {
    std::string bad = good;
    for (int f = 0; f < 3; ++f) bad[rng() % bad.size()] = junk[rng() % (sizeof junk - 1)];
    error_or_ok([&] { ModelConfig::parse(bad, "mutated.yml"); }, "yml");
    OCROptions o;
    error_or_ok([&] { apply_paddlex_config(bad, "mutated.yaml", o); }, "paddlex");
  }
}

TEST(RobustTar, MutatedArchives) {
  std::string dir = ppocr::test::temp_dir("robust_tar");
  std::string good = build_tar({{"m/inference.yml", std::string(700, 'y')}, {"m/inference.onnx", std::string(3000, 'o')}});
  std::mt19937 rng(5);
  for (int k = 0; k < 300; ++k) {
    std::string bad = good;
    int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) bad[rng() % 1024] = char(rng());  // headers live in the first blocks
    if (k % 3 == 0) bad.resize(rng() % bad.size());
    std::istringstream in(bad);
    error_or_ok([&] { extract_tar(in, dir, "mutated.tar"); }, "tar");
  }
  // Size fields that claim more data than there is.
  std::string huge = good;
  std::memcpy(&huge[124], "77777777777", 11);
  std::istringstream in(huge);
  EXPECT_THROW(extract_tar(in, dir, "huge.tar"), Error);
  // Nothing escaped the target directory.
  for (auto& e : fs::recursive_directory_iterator(dir))
    EXPECT_EQ(e.path().string().rfind(dir, 0), 0u);
}
