// The io layer's hooks into the pipeline API: input loader and model resolver.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/shared.h"
#include "engine/error.h"
#include "io/hooks.h"
#include "io/model_selection.h"
#include "ppocr/input.h"
#include "ppocr/options.h"

namespace fs = std::filesystem;
using namespace ppocr;

TEST(Hooks, LoaderExpandsPdfAndResolverUsesTheCache) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  io::DownloadOptions dl;
  dl.cache_root = ppocr::test::temp_dir("hooks_cache");
  dl.allow_download = false;
  io::install_io_hooks({}, dl);
  std::vector<int> pages;
  load_input(Input::from_path(ppocr::test::shared_path("data/pdf/pdflatex-4-pages.pdf")), [&](Page&& p) {
    EXPECT_EQ(p.image.type(), CV_8UC3);
    EXPECT_EQ(p.name, "pdflatex-4-pages");
    pages.push_back(p.page_index.value_or(-1));
    return pages.size() < 3;  // stop early
  });
  EXPECT_EQ(pages, (std::vector<int>{0, 1, 2}));
  EXPECT_THROW(load_input(Input::from_path("/nonexistent.png"), [](Page&&) { return true; }), Error);

  fs::create_directory_symlink(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det"), dl.cache_root + "/Tiny_det");
  EXPECT_EQ(resolve_model("Tiny_det"), dl.cache_root + "/Tiny_det");
  try {
    resolve_model("PP-OCRv5_server_det");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("downloads are disabled"), std::string::npos) << e.what();
  }
  set_input_loader(nullptr);
  set_model_resolver(nullptr);
}

TEST(ModelSelection, DefaultsFromCacheAndOptionalStages) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  io::DownloadOptions dl;
  dl.cache_root = ppocr::test::temp_dir("sel_cache");
  dl.allow_download = false;
  for (const char* m : {"PP-OCRv6_tiny_det", "PP-OCRv6_tiny_rec"})
    fs::create_directory_symlink(ppocr::test::shared_path(std::string("models/onnx/") + m), dl.cache_root + "/" + m);
  OCROptions o;
  std::vector<std::string> notes;
  io::select_ocr_models(o, dl, notes);
  EXPECT_EQ(o.text_detection_model_dir, dl.cache_root + "/PP-OCRv6_tiny_det");
  EXPECT_EQ(o.text_recognition_model_dir, dl.cache_root + "/PP-OCRv6_tiny_rec");
  EXPECT_EQ(o.use_doc_orientation_classify, false);
  EXPECT_EQ(o.use_doc_unwarping, false);
  EXPECT_EQ(o.use_textline_orientation, false);
  EXPECT_EQ(notes.size(), 3u);

  OCROptions req;  // explicitly requested stage without a model: Error
  req.use_doc_unwarping = true;
  EXPECT_THROW(io::select_ocr_models(req, dl, notes), Error);

  OCROptions by_lang;  // lang picks PaddleOCR's names, which are not cached here
  by_lang.lang = "fr";
  try {
    io::select_ocr_models(by_lang, dl, notes);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("PP-OCRv5_server_det"), std::string::npos) << e.what();
  }
  OCROptions unknown;
  unknown.lang = "klingon";
  EXPECT_THROW(io::select_ocr_models(unknown, dl, notes), Error);
}
