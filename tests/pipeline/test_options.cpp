// The option table and what it drives: value checks, the PaddleX config
// reader and writer, model selection, and the pipeline reading its own inputs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "common/shared.h"
#include "engine/error.h"
#include "pipelines/ocr/model_selection.h"
#include "pipelines/ocr/option_table.h"
#include "pipelines/ocr/paddlex_config.h"
#include "ppocr/ppocr.h"

namespace fs = std::filesystem;
using namespace ppocr;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

std::string set_text(const char* name, const std::string& text) {
  OCROptions o;
  return error_of([&] { options::set_text(o, *options::find(name), text, std::string("--") + name); });
}

// Points the model cache at a temporary folder for the scope of a test.
struct CacheDir {
  std::string dir;
  std::string old;
  bool had_old;
  explicit CacheDir(const std::string& tag) : dir(test::temp_dir(tag)) {
    const char* o = std::getenv("PPOCR_HOME");
    had_old = o != nullptr;
    if (o) old = o;
    setenv("PPOCR_HOME", dir.c_str(), 1);
  }
  ~CacheDir() {
    if (had_old) setenv("PPOCR_HOME", old.c_str(), 1);
    else unsetenv("PPOCR_HOME");
  }
  void link(const char* name, const std::string& shared_rel) {
    fs::create_directory_symlink(test::shared_path(shared_rel), dir + "/" + name);
  }
};

}  // namespace

TEST(OptionTable, EveryOptionHasHelpDefaultAndAUniqueName) {
  std::set<std::string> names;
  for (const auto& s : options::table()) {
    EXPECT_TRUE(names.insert(s.name).second) << s.name;
    for (const char* a : s.aliases) EXPECT_TRUE(names.insert(a).second) << a;
    EXPECT_GT(std::string(s.help).size(), 5u) << s.name;
    EXPECT_GT(std::string(s.default_text).size(), 0u) << s.name;
    EXPECT_EQ(options::find(s.name), &s);
  }
  EXPECT_EQ(options::find("det_db_thresh"), options::find("text_det_thresh"));
  EXPECT_EQ(options::find("no_such_option"), nullptr);
}

TEST(OptionTable, BadValuesOfEachKindNameTheOption) {
  EXPECT_NE(set_text("text_det_input_shape", "3,640").find("--text_det_input_shape must be 3 numbers"), std::string::npos);
  EXPECT_NE(set_text("text_det_input_shape", "3,640,640,1").find("got 4"), std::string::npos);
  EXPECT_NE(set_text("text_rec_input_shape", "3,0,320").find("--text_rec_input_shape"), std::string::npos);
  EXPECT_NE(set_text("text_rec_input_shape", "3,-1,320").find("H and W"), std::string::npos);
  EXPECT_NE(set_text("text_det_input_shape", "2,640,640").find("channels"), std::string::npos);
  EXPECT_NE(set_text("text_det_unclip_ratio", "0").find("--text_det_unclip_ratio must be in (0, 10], got 0"),
            std::string::npos);
  EXPECT_NE(set_text("text_det_thresh", "1.5").find("[0, 1]"), std::string::npos);
  EXPECT_NE(set_text("text_det_thresh", "nan").find("--text_det_thresh"), std::string::npos);
  EXPECT_NE(set_text("text_det_limit_side_len", "0").find("--text_det_limit_side_len"), std::string::npos);
  EXPECT_NE(set_text("text_det_limit_side_len", "12abc").find("expects an integer"), std::string::npos);
  EXPECT_NE(set_text("cpu_threads", "0").find("--cpu_threads"), std::string::npos);
  EXPECT_NE(set_text("text_det_limit_type", "mid").find("one of min, max"), std::string::npos);
  EXPECT_NE(set_text("ocr_version", "PP-OCRv9").find("PP-OCRv9"), std::string::npos);
  EXPECT_NE(set_text("use_doc_unwarping", "maybe").find("True/False"), std::string::npos);
  EXPECT_NE(set_text("precision", "int4").find("fp32"), std::string::npos);

  OCROptions o;
  options::set_text(o, *options::find("text_det_input_shape"), "3 -1 -1", "--text_det_input_shape");
  EXPECT_EQ(o.text_det_input_shape, (std::vector<int>{3, -1, -1}));
  options::set_text(o, *options::find("use_textline_orientation"), "yes", "x");
  EXPECT_EQ(o.use_textline_orientation, true);
  options::set_text(o, *options::find("max_image_pixels"), "5000000000", "x");
  EXPECT_EQ(o.max_image_pixels, 5000000000LL);
}

TEST(OptionTable, JsonValuesAreTypedAndRangeChecked) {
  OCROptions o;
  const auto& thresh = *options::find("text_det_thresh");
  options::set_json(o, thresh, 0.25, "f");
  EXPECT_FLOAT_EQ(*o.text_det_thresh, 0.25f);
  options::set_json(o, thresh, nullptr, "f");
  EXPECT_FALSE(o.text_det_thresh);
  EXPECT_NE(error_of([&] { options::set_json(o, thresh, "high", "field 'textDetThresh'"); })
                .find("field 'textDetThresh' must be a number or null, got string"),
            std::string::npos);
  const auto& side = *options::find("text_det_limit_side_len");
  options::set_json(o, side, 960.0, "f");  // an integer in JSON Schema terms
  EXPECT_EQ(o.text_det_limit_side_len, 960);
  error_of([&] { options::set_json(o, side, 960.5, "f"); });
  error_of([&] { options::set_json(o, side, 1e300, "f"); });
  error_of([&] { options::set_json(o, *options::find("text_det_unclip_ratio"), 100, "f"); });
}

TEST(OptionTable, TheApiChecksTheSameRanges) {
  OCROptions o;
  o.text_det_unclip_ratio = 0.f;
  EXPECT_NE(error_of([&] { OCR ocr(o); }).find("text_det_unclip_ratio"), std::string::npos);
  o = {};
  o.text_rec_input_shape = std::vector<int>{3, 48};
  EXPECT_NE(error_of([&] { OCR ocr(o); }).find("text_rec_input_shape must be 3 numbers"), std::string::npos);
  OCRParams p;
  p.text_det_box_thresh = 7.f;
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  OCROptions t;
  t.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  t.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  t.use_doc_orientation_classify = t.use_doc_unwarping = t.use_textline_orientation = false;
  t.log = [](const std::string&) {};
  OCR ocr(t);
  EXPECT_NE(error_of([&] { ocr.predict(Input::from_image(cv::Mat(8, 8, CV_8UC3)), p); }).find("text_det_box_thresh"),
            std::string::npos);
}

TEST(PaddlexConfig, MapsOntoOptions) {
  const char* yml = R"(
pipeline_name: OCR
text_type: general
use_doc_preprocessor: True
use_textline_orientation: False
SubPipelines:
  DocPreprocessor:
    pipeline_name: doc_preprocessor
    use_doc_orientation_classify: True
    use_doc_unwarping: False
    SubModules:
      DocOrientationClassify:
        module_name: doc_text_orientation
        model_name: PP-LCNet_x1_0_doc_ori
        model_dir: /models/doc_ori
      DocUnwarping:
        module_name: image_unwarping
        model_name: UVDoc
        model_dir: null
SubModules:
  TextDetection:
    module_name: text_detection
    model_name: PP-OCRv5_mobile_det
    model_dir: /models/det
    limit_side_len: 736
    limit_type: min
    max_side_limit: 4000
    thresh: 0.25
    box_thresh: 0.55
    unclip_ratio: 1.8
  TextLineOrientation:
    module_name: textline_orientation
    model_name: PP-LCNet_x0_25_textline_ori
    model_dir: null
    batch_size: 6
  TextRecognition:
    module_name: text_recognition
    model_name: PP-OCRv5_mobile_rec
    model_dir: /models/rec
    batch_size: 8
    score_thresh: 0.5
    input_shape: [3, 48, 480]
)";
  OCROptions o;
  auto warnings = apply_paddlex_config(yml, "ocr.yaml", o);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(o.text_det_max_side_limit, 4000);
  EXPECT_EQ(o.use_doc_orientation_classify, true);
  EXPECT_EQ(o.use_doc_unwarping, false);
  EXPECT_EQ(o.use_textline_orientation, false);
  EXPECT_EQ(o.doc_orientation_classify_model_dir, "/models/doc_ori");
  EXPECT_EQ(o.doc_unwarping_model_name, "UVDoc");
  EXPECT_FALSE(o.doc_unwarping_model_dir);
  EXPECT_EQ(o.text_detection_model_name, "PP-OCRv5_mobile_det");
  EXPECT_EQ(o.text_detection_model_dir, "/models/det");
  EXPECT_EQ(o.text_det_limit_side_len, 736);
  EXPECT_EQ(o.text_det_limit_type, "min");
  EXPECT_FLOAT_EQ(*o.text_det_thresh, 0.25f);
  EXPECT_FLOAT_EQ(*o.text_det_box_thresh, 0.55f);
  EXPECT_FLOAT_EQ(*o.text_det_unclip_ratio, 1.8f);
  EXPECT_EQ(o.textline_orientation_batch_size, 6);
  EXPECT_EQ(o.text_recognition_batch_size, 8);
  EXPECT_FLOAT_EQ(*o.text_rec_score_thresh, 0.5f);
  EXPECT_EQ(o.text_rec_input_shape, (std::vector<int>{3, 48, 480}));

  // Export and re-import gives the same options.
  OCROptions back;
  apply_paddlex_config(to_paddlex_config_yaml(o), "exported.yaml", back);
  EXPECT_EQ(back.text_detection_model_dir, o.text_detection_model_dir);
  EXPECT_EQ(back.text_det_limit_type, o.text_det_limit_type);
  EXPECT_EQ(back.text_rec_input_shape, o.text_rec_input_shape);
  EXPECT_EQ(back.use_doc_orientation_classify, o.use_doc_orientation_classify);
  EXPECT_EQ(back.use_textline_orientation, o.use_textline_orientation);
  EXPECT_EQ(back.text_recognition_batch_size, o.text_recognition_batch_size);
}

TEST(PaddlexConfig, PreprocessorOffAndErrors) {
  OCROptions o;
  apply_paddlex_config("use_doc_preprocessor: false\n", "a.yaml", o);
  EXPECT_EQ(o.use_doc_orientation_classify, false);
  EXPECT_EQ(o.use_doc_unwarping, false);
  EXPECT_THROW(apply_paddlex_config("pipeline_name: layout_parsing\n", "b.yaml", o), Error);
  EXPECT_THROW(apply_paddlex_config("SubModules: [1, 2]\n", "c.yaml", o), Error);
  EXPECT_THROW(apply_paddlex_config("SubModules:\n  TextDetection:\n    thresh: high\n", "d.yaml", o), Error);
  EXPECT_THROW(apply_paddlex_config("SubModules:\n  TextRecognition:\n    input_shape: [1, 2]\n", "e.yaml", o), Error);
  EXPECT_THROW(apply_paddlex_config("a: [1, 2\n", "f.yaml", o), Error);
  try {
    load_paddlex_config("/nonexistent/ocr.yaml", o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/ocr.yaml"), std::string::npos);
  }
}

TEST(PaddlexConfig, ExportWritesShortFloatsAndEveryTableKey) {
  OCROptions o;
  o.text_det_thresh = 0.3f;
  o.text_det_input_shape = std::vector<int>{3, 640, 640};
  std::string y = to_paddlex_config_yaml(o);
  EXPECT_NE(y.find("thresh: 0.3\n"), std::string::npos) << y;
  EXPECT_EQ(y.find("0.300000"), std::string::npos) << y;
  EXPECT_NE(y.find("input_shape: [3, 640, 640]"), std::string::npos) << y;
  for (const auto& s : options::table())
    if (s.yaml_path) {
      std::string key = s.yaml_path;
      key = key.substr(key.rfind('.') + 1) + ":";
      EXPECT_NE(y.find(key), std::string::npos) << key;
    }
}

TEST(ModelSelection, DefaultsFromCacheAndOptionalStages) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  CacheDir cache("sel_cache");
  cache.link("PP-OCRv6_tiny_det", "models/onnx/PP-OCRv6_tiny_det");
  cache.link("PP-OCRv6_tiny_rec", "models/onnx/PP-OCRv6_tiny_rec");
  OCROptions o;
  o.allow_download = false;
  std::vector<std::string> notes;
  auto chosen = select_models(o, notes);
  EXPECT_EQ(o.text_detection_model_dir, cache.dir + "/PP-OCRv6_tiny_det");
  EXPECT_EQ(o.text_recognition_model_dir, cache.dir + "/PP-OCRv6_tiny_rec");
  EXPECT_EQ(o.use_doc_orientation_classify, false);
  EXPECT_EQ(o.use_doc_unwarping, false);
  EXPECT_EQ(o.use_textline_orientation, false);
  EXPECT_EQ(notes.size(), 3u);
  ASSERT_EQ(chosen.size(), 2u);
  // PaddleOCR 3.7's default cannot be had here: the cached pair, and why.
  EXPECT_NE(chosen[0].why.find("PaddleOCR 3.7's default PP-OCRv6_medium_det is not cached and downloads are off: "
                               "using the cached PP-OCRv6_tiny pair"),
            std::string::npos)
      << chosen[0].why;

  OCROptions req;  // explicitly requested stage without a model: Error
  req.allow_download = false;
  req.use_doc_unwarping = true;
  EXPECT_THROW(select_models(req, notes), Error);

  OCROptions by_lang;  // lang picks PaddleOCR's names, which are not cached here
  by_lang.allow_download = false;
  by_lang.lang = "fr";
  try {
    select_models(by_lang, notes);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("PP-OCRv6_medium_det"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--text_detection_model_name PP-OCRv6_tiny_det"), std::string::npos)
        << e.what();  // the hint names the cached pair
  }
  OCROptions unknown;
  unknown.lang = "klingon";
  EXPECT_THROW(select_models(unknown, notes), Error);
}

TEST(ModelSelection, TheApiLoadsByNameAndSaysWhich) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  CacheDir cache("api_cache");
  cache.link("PP-OCRv6_tiny_det", "models/onnx/PP-OCRv6_tiny_det");
  cache.link("PP-OCRv6_tiny_rec", "models/onnx/PP-OCRv6_tiny_rec");
  OCROptions o;
  o.allow_download = false;
  std::vector<std::string> said;
  o.log = [&](const std::string& m) { said.push_back(m); };
  OCR ocr(o);  // no models named: the cache's pair, doc stages off
  ASSERT_EQ(ocr.model_notes().size(), 2u);
  EXPECT_NE(ocr.model_notes()[0].find("text_detection: PP-OCRv6_tiny_det (" + cache.dir), std::string::npos)
      << ocr.model_notes()[0];
  bool logged = false;
  for (const auto& m : said) logged |= m == ocr.model_notes()[1];
  EXPECT_TRUE(logged);
  EXPECT_EQ(*ocr.effective_options().use_doc_unwarping, false);
}

TEST(Inputs, ThePipelineReadsPdfsAndBytesItself) {
  REQUIRE_SHARED("data/pdf/pdflatex-4-pages.pdf");
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det");
  OCROptions o;
  o.text_detection_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_det");
  o.text_recognition_model_dir = test::shared_path("models/onnx/PP-OCRv6_tiny_rec");
  o.use_doc_orientation_classify = o.use_doc_unwarping = o.use_textline_orientation = false;
  o.pdf_max_pages = 2;
  o.log = [](const std::string&) {};
  OCR ocr(o);
  std::vector<int> pages;
  ocr.predict_iter({Input::from_path(test::shared_path("data/pdf/pdflatex-4-pages.pdf"))}, [&](OCRResult&& r) {
    EXPECT_EQ(r.name, "pdflatex-4-pages");
    EXPECT_FALSE(r.rec_texts.empty());
    pages.push_back(r.page_index.value_or(-1));
    return true;
  });
  EXPECT_EQ(pages, (std::vector<int>{0, 1}));  // pdf_max_pages
  try {
    ocr.predict(Input::from_path("/nonexistent.png"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound) << e.what();
  }
  try {
    ocr.predict(Input::from_bytes("not an image at all", "junk"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidInput) << e.what();
  }
}
