// Modules on stand-in models (tiny ONNX graphs written by the test): the
// colour order of what a module feeds its model and reads back.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "common/shared.h"
#include "modules/tiny_onnx.h"
#include "ppocr/modules.h"

using namespace ppocr;

TEST(StandinModels, UnwarpingWithAnIdentityModelKeepsTheColours) {
  // UVDoc samples the page it is given, so a model whose output is its input
  // stands in for a page that needs no unwarping: the colours must come back
  // as they went in (PaddleX feeds RGB and turns the output back to BGR).
  std::string dir = test::temp_dir("uvdoc_identity");
  test::write_one_node_onnx(dir, "Relu");  // inputs are 0..1: Relu is the identity
  ModuleOptions mo;
  mo.cpu_threads = 1;
  TextImageUnwarping m(dir, mo);
  cv::Mat img(24, 36, CV_8UC3);
  cv::randu(img, 0, 256);
  img(cv::Rect(0, 0, 12, 12)).setTo(cv::Scalar(255, 0, 0));   // blue
  img(cv::Rect(12, 0, 12, 12)).setTo(cv::Scalar(0, 0, 255));  // red
  img(cv::Rect(24, 0, 12, 12)).setTo(cv::Scalar(10, 200, 90));
  cv::Mat out = m.predict(img).doctr_img;
  ASSERT_EQ(out.size(), img.size());
  ASSERT_EQ(out.type(), CV_8UC3);
  EXPECT_EQ(out.at<cv::Vec3b>(5, 5), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(out.at<cv::Vec3b>(5, 17), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(out.at<cv::Vec3b>(5, 29), cv::Vec3b(10, 200, 90));
  EXPECT_EQ(cv::norm(out, img, cv::NORM_INF), 0.0);
  // The module's JSON keeps PaddleX's key order.
  EXPECT_EQ(m.predict(img).to_json()["res"].begin().key(), "input_path");
}

TEST(ModuleJson, KeysInPaddleXOrder) {
  TextDetectionResult d;
  d.dt_polys = {{{0, 0}, {4, 0}, {4, 2}, {0, 2}}};
  d.dt_scores = {0.9f};
  auto keys_of = [](const nlohmann::ordered_json& j) {
    std::vector<std::string> k;
    for (auto it = j["res"].begin(); it != j["res"].end(); ++it) k.push_back(it.key());
    return k;
  };
  EXPECT_EQ(keys_of(d.to_json()), (std::vector<std::string>{"input_path", "page_index", "dt_polys", "dt_scores"}));
  TextRecognitionResult r;
  r.rec_text = "x";
  EXPECT_EQ(keys_of(r.to_json()), (std::vector<std::string>{"input_path", "page_index", "rec_text", "rec_score"}));
  ClassificationResult c;
  c.label_name = "0";
  EXPECT_EQ(keys_of(c.to_json()),
            (std::vector<std::string>{"input_path", "page_index", "class_ids", "scores", "label_names"}));
  EXPECT_EQ(c.to_json().dump(), R"({"res":{"input_path":null,"page_index":null,"class_ids":[0],"scores":[0.0],"label_names":["0"]}})");
}
