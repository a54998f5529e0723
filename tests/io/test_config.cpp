// inference.yml parsing (every shared model).
#include <gtest/gtest.h>

#include <filesystem>

#include "common/shared.h"
#include "engine/error.h"
#include "io/model_config.h"

namespace fs = std::filesystem;
using namespace ppocr;
using namespace ppocr::io;

TEST(ModelConfig, EverySharedInferenceYmlParses) {
  REQUIRE_SHARED("models");
  int n = 0;
  for (auto& e : fs::recursive_directory_iterator(ppocr::test::shared_path("models"))) {
    if (e.path().filename() != "inference.yml") continue;
    SCOPED_TRACE(e.path().string());
    ModelConfig c = load_model_config(e.path().parent_path().string());
    ++n;
    std::string dir = e.path().parent_path().filename().string();
    // The int8 variant keeps its source model's name.
    EXPECT_EQ(c.model_name, dir == "PP-OCRv5_mobile_det_int8" ? "PP-OCRv5_mobile_det" : dir);
    if (dir != "UVDoc") {  // UVDoc's yml has no PostProcess
      EXPECT_FALSE(c.postprocess_name.empty());
    }
    if (c.postprocess_name == "CTCLabelDecode") {
      EXPECT_GT(c.character_dict.size(), 30u);
    }
    if (c.postprocess_name == "DBPostProcess") {
      EXPECT_GT(c.post_number("thresh", -1), 0);
      EXPECT_GT(c.post_number("box_thresh", -1), 0);
      EXPECT_GT(c.post_number("unclip_ratio", -1), 1);
      EXPECT_NE(c.find_op("DetResizeForTest"), nullptr);
    }
    if (c.postprocess_name == "Topk") {
      EXPECT_GE(c.label_list.size(), 2u);
    }
    if (const TransformOp* norm = c.find_op("NormalizeImage")) {
      EXPECT_NEAR(yaml_number(norm->params.at("scale"), "scale"), 1.0 / 255.0, 1e-9);
      EXPECT_EQ(norm->params.at("mean").size(), 3u);
    }
  }
  EXPECT_GE(n, 15);
}

TEST(ModelConfig, SpecificValues) {
  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_det/inference.yml");
  ModelConfig det = load_model_config(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_det/inference.yml"));
  EXPECT_EQ(det.model_name, "PP-OCRv6_tiny_det");
  ASSERT_EQ(det.preprocess.size(), 4u);
  EXPECT_EQ(det.preprocess[1].name, "DetResizeForTest");
  EXPECT_EQ(det.preprocess[1].params.at("limit_side_len"), 960);
  EXPECT_EQ(det.preprocess[1].params.at("limit_type"), "max");
  EXPECT_TRUE(det.preprocess[3].params.empty());  // ToCHWImage: null
  EXPECT_DOUBLE_EQ(det.post_number("thresh", 0), 0.3);
  EXPECT_DOUBLE_EQ(det.post_number("unclip_ratio", 0), 1.5);
  EXPECT_EQ(det.post("max_candidates").value(), 1000);

  REQUIRE_SHARED("models/paddle/PP-LCNet_x0_25_textline_ori/inference.yml");
  ModelConfig cls = load_model_config(ppocr::test::shared_path("models/paddle/PP-LCNet_x0_25_textline_ori"));
  EXPECT_EQ(cls.postprocess_name, "Topk");
  EXPECT_EQ(cls.label_list, (std::vector<std::string>{"0_degree", "180_degree"}));
  EXPECT_EQ(cls.post("topk").value(), 1);
  EXPECT_EQ(cls.find_op("ResizeImage")->params.at("size"), nlohmann::json({160, 80}));

  REQUIRE_SHARED("models/graph-only/PP-LCNet_x1_0_doc_ori/inference.yml");
  ModelConfig doc = load_model_config(ppocr::test::shared_path("models/graph-only/PP-LCNet_x1_0_doc_ori"));
  EXPECT_EQ(doc.label_list, (std::vector<std::string>{"0", "90", "180", "270"}));  // quoted: strings

  REQUIRE_SHARED("models/onnx/PP-OCRv6_tiny_rec/inference.yml");
  ModelConfig rec = load_model_config(ppocr::test::shared_path("models/onnx/PP-OCRv6_tiny_rec"));
  EXPECT_EQ(rec.character_dict[0], "!");
  EXPECT_EQ(rec.character_dict[23], "\\");
  EXPECT_EQ(rec.find_op("RecResizeImg")->params.at("image_shape"), nlohmann::json({3, 48, 320}));
}

TEST(ModelConfig, ScalarTyping) {
  ModelConfig c = parse_model_config(
      "Global: {model_name: X}\nPostProcess:\n  name: CTCLabelDecode\n  character_dict: ['0', 1, ' ', 'true', yes]\n"
      "  a: '0.5'\n  b: 0.5\n  c: ~\n  d: true\n",
      "t.yml");
  EXPECT_EQ(c.character_dict, (std::vector<std::string>{"0", "1", " ", "true", "yes"}));
  EXPECT_TRUE(c.post("a")->is_string());
  EXPECT_TRUE(c.post("b")->is_number_float());
  EXPECT_TRUE(c.post("c")->is_null());
  EXPECT_TRUE(c.post("d")->is_boolean());
  EXPECT_DOUBLE_EQ(c.post_number("a", 0), 0.5);
  EXPECT_DOUBLE_EQ(yaml_number("1./255.", "s"), 1.0 / 255.0);
  EXPECT_DOUBLE_EQ(yaml_number("2*0.25", "s"), 0.5);
  EXPECT_THROW(yaml_number("1/0", "s"), Error);
  EXPECT_THROW(yaml_number("abc", "s"), Error);
}
