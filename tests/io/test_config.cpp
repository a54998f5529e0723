// inference.yml parsing (every shared model) with the modules' ModelConfig.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/shared.h"
#include "engine/error.h"
#include "modules/common/model_config.h"

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::modules;

namespace {

// PostProcess.name, or its single key ("Topk") when there is no name.
std::string post_name(const ModelConfig& c) {
  const Json& post = c.post_process();
  if (auto n = json_string(json_get(&post, "name"))) return *n;
  return post.size() == 1 ? post.begin().key() : std::string();
}

// Names of the PreProcess.transform_ops entries, in order.
std::vector<std::string> op_names(const ModelConfig& c) {
  std::vector<std::string> names;
  const Json* ops = json_get(json_get(&c.root, "PreProcess"), "transform_ops");
  if (ops)
    for (const auto& e : *ops) names.push_back(e.is_object() && e.size() == 1 ? e.begin().key() : "?");
  return names;
}

}  // namespace

TEST(ModelConfig, EverySharedInferenceYmlParses) {
  REQUIRE_SHARED("models");
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(ppocr::test::shared_path("models"))) {
    if (e.path().filename() != "inference.yml") continue;
    SCOPED_TRACE(e.path().string());
    ModelConfig c = ModelConfig::load(e.path().parent_path().string());
    ++n;
    EXPECT_EQ(c.path, e.path().string());
    std::string dir = e.path().parent_path().filename().string();
    // The int8 variant keeps its source model's name.
    EXPECT_EQ(c.model_name, dir == "PP-OCRv5_mobile_det_int8" ? "PP-OCRv5_mobile_det" : dir);
    const std::string name = post_name(c);
    const Json& post = c.post_process();
    if (dir != "UVDoc") {  // UVDoc's yml has no PostProcess
      EXPECT_FALSE(name.empty());
    }
    if (name == "CTCLabelDecode") {
      EXPECT_GT(json_strings(json_get(&post, "character_dict")).size(), 30u);
    }
    if (name == "DBPostProcess") {
      EXPECT_GT(json_number(json_get(&post, "thresh")).value_or(-1), 0);
      EXPECT_GT(json_number(json_get(&post, "box_thresh")).value_or(-1), 0);
      EXPECT_GT(json_number(json_get(&post, "unclip_ratio")).value_or(-1), 1);
      EXPECT_NE(c.transform_op("DetResizeForTest"), nullptr);
    }
    if (name == "Topk") {
      EXPECT_GE(json_strings(json_get(json_get(&post, "Topk"), "label_list")).size(), 2u);
    }
    if (const Json* norm = c.transform_op("NormalizeImage")) {
      EXPECT_NEAR(json_number(json_get(norm, "scale")).value_or(0), 1.0 / 255.0, 1e-9);
      EXPECT_EQ(json_numbers(json_get(norm, "mean")).size(), 3u);
    }
  }
  EXPECT_GE(n, 15);
}

TEST(ModelConfig, SpecificValues) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det/inference.yml");
  ModelConfig det = ModelConfig::load(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det/inference.yml"));
  EXPECT_EQ(det.model_name, "PP-OCRv6_tiny_det");
  EXPECT_EQ(op_names(det),
            (std::vector<std::string>{"DecodeImage", "DetResizeForTest", "NormalizeImage", "ToCHWImage"}));
  const Json* resize = det.transform_op("DetResizeForTest");
  ASSERT_NE(resize, nullptr);
  EXPECT_EQ(json_int(json_get(resize, "limit_side_len")), 960);
  EXPECT_EQ(json_string(json_get(resize, "limit_type")), "max");
  ASSERT_NE(det.transform_op("ToCHWImage"), nullptr);
  EXPECT_TRUE(det.transform_op("ToCHWImage")->empty());  // ToCHWImage: null
  EXPECT_DOUBLE_EQ(*json_number(json_get(&det.post_process(), "thresh")), 0.3);
  EXPECT_DOUBLE_EQ(*json_number(json_get(&det.post_process(), "unclip_ratio")), 1.5);
  EXPECT_EQ(json_int(json_get(&det.post_process(), "max_candidates")), 1000);

  REQUIRE_SHARED("models/paddle/PP-LCNet_x0_25_textline_ori/inference.yml");
  ModelConfig cls = ModelConfig::load(ppocr::test::shared_path("models/paddle/PP-LCNet_x0_25_textline_ori"));
  EXPECT_EQ(post_name(cls), "Topk");
  const Json* topk = json_get(&cls.post_process(), "Topk");
  EXPECT_EQ(json_strings(json_get(topk, "label_list")), (std::vector<std::string>{"0_degree", "180_degree"}));
  EXPECT_EQ(json_int(json_get(topk, "topk")), 1);
  ASSERT_NE(cls.transform_op("ResizeImage"), nullptr);
  EXPECT_EQ(json_numbers(json_get(cls.transform_op("ResizeImage"), "size")), (std::vector<double>{160, 80}));

  REQUIRE_SHARED("models/graph-only/PP-LCNet_x1_0_doc_ori/inference.yml");
  ModelConfig doc = ModelConfig::load(ppocr::test::shared_path("models/graph-only/PP-LCNet_x1_0_doc_ori"));
  EXPECT_EQ(json_strings(json_get(json_get(&doc.post_process(), "Topk"), "label_list")),
            (std::vector<std::string>{"0", "90", "180", "270"}));  // quoted: strings

  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec/inference.yml");
  ModelConfig rec = ModelConfig::load(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_rec"));
  std::vector<std::string> dict = json_strings(json_get(&rec.post_process(), "character_dict"));
  ASSERT_GT(dict.size(), 23u);
  EXPECT_EQ(dict[0], "!");
  EXPECT_EQ(dict[23], "\\");
  ASSERT_NE(rec.transform_op("RecResizeImg"), nullptr);
  EXPECT_EQ(json_numbers(json_get(rec.transform_op("RecResizeImg"), "image_shape")), (std::vector<double>{3, 48, 320}));
}

TEST(ModelConfig, ScalarsStayTextAndReadAsNumbers) {
  ModelConfig c = ModelConfig::parse(
      "Global: {model_name: X}\nPostProcess:\n  name: CTCLabelDecode\n  character_dict: ['0', 1, ' ', 'true', yes]\n"
      "  a: '0.5'\n  b: 0.5\n  c: ~\n  d: true\n  e: [1, x]\n",
      "t.yml");
  const Json& post = c.post_process();
  EXPECT_EQ(json_strings(json_get(&post, "character_dict")), (std::vector<std::string>{"0", "1", " ", "true", "yes"}));
  EXPECT_DOUBLE_EQ(json_number(json_get(&post, "a")).value_or(0), 0.5);
  EXPECT_DOUBLE_EQ(json_number(json_get(&post, "b")).value_or(0), 0.5);
  EXPECT_FALSE(json_number(json_get(&post, "c")).has_value());
  EXPECT_EQ(json_bool(json_get(&post, "d")), true);
  EXPECT_THROW(json_numbers(json_get(&post, "e")), Error);
  // NormalizeImage's scale is written "1./255.".
  const Json frac = "1./255.", zero = "1/0", text = "abc";
  EXPECT_DOUBLE_EQ(json_number(&frac).value_or(0), 1.0 / 255.0);
  EXPECT_FALSE(json_number(&zero).has_value());
  EXPECT_FALSE(json_number(&text).has_value());
}
