// TextDetection: DB text detector module (resize -> normalise -> model ->
// DB post-processing -> reading order).
#include <opencv2/imgproc.hpp>

#include "modules/common/image_ops.h"
#include "modules/common/model_config.h"
#include "modules/common/runner.h"
#include "modules/text_detection/db_postprocess.h"
#include "modules/text_detection/det_resize.h"
#include "modules/text_detection/sort_boxes.h"
#include "ppocr/modules.h"

namespace ppocr {
using namespace modules;

struct TextDetection::Impl {
  std::unique_ptr<Runner> runner;
  TextDetectionOptions opts;  // resolved: every optional set
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f}, std{0.229f, 0.224f, 0.225f};
  float scale = 1.f / 255.f;
  bool rgb = false;
  bool use_dilation = false;
};

TextDetection::TextDetection(const std::string& model_dir, const TextDetectionOptions& o)
    : impl_(std::make_unique<Impl>()) {
  ModelConfig cfg = ModelConfig::load(model_dir);
  auto& r = impl_->opts;
  r = o;
  const Json* resize = cfg.transform_op("DetResizeForTest");
  if (!r.limit_side_len) r.limit_side_len = json_int(json_get(resize, "limit_side_len"));
  if (!r.limit_side_len) r.limit_side_len = json_int(json_get(resize, "resize_long"));
  if (!r.limit_side_len) r.limit_side_len = 960;
  if (!r.limit_type) r.limit_type = json_string(json_get(resize, "limit_type"));
  if (!r.limit_type) r.limit_type = json_get(resize, "resize_long") ? "resize_long" : "max";
  if (!r.max_side_limit) r.max_side_limit = 4000;
  if (!r.input_shape) {
    auto shape = json_numbers(json_get(resize, "image_shape"));  // [H, W]
    if (shape.size() == 2) r.input_shape = std::vector<int>{3, int(shape[0]), int(shape[1])};
  }
  const Json& post = cfg.post_process();
  if (!r.thresh) r.thresh = json_number(json_get(&post, "thresh"));
  if (!r.thresh) r.thresh = 0.3f;
  if (!r.box_thresh) r.box_thresh = json_number(json_get(&post, "box_thresh"));
  if (!r.box_thresh) r.box_thresh = 0.6f;
  if (!r.unclip_ratio) r.unclip_ratio = json_number(json_get(&post, "unclip_ratio"));
  if (!r.unclip_ratio) r.unclip_ratio = 2.0f;
  if (!r.max_candidates) r.max_candidates = json_int(json_get(&post, "max_candidates"));
  if (!r.max_candidates) r.max_candidates = 1000;
  impl_->use_dilation = json_bool(json_get(&post, "use_dilation")).value_or(false);
  if (const Json* norm = cfg.transform_op("NormalizeImage")) {
    auto m = json_numbers(json_get(norm, "mean")), s = json_numbers(json_get(norm, "std"));
    if (m.size() == 3) impl_->mean = {float(m[0]), float(m[1]), float(m[2])};
    if (s.size() == 3) impl_->std = {float(s[0]), float(s[1]), float(s[2])};
    if (auto sc = json_number(json_get(norm, "scale"))) impl_->scale = float(*sc);
  }
  if (const Json* dec = cfg.transform_op("DecodeImage"))
    impl_->rgb = json_string(json_get(dec, "img_mode")).value_or("BGR") == "RGB";
  impl_->runner = std::make_unique<Runner>(model_dir, o);
}

TextDetection::~TextDetection() = default;

TextDetParams TextDetection::params(const TextDetectionOptions* ov) const {
  const auto& r = impl_->opts;
  TextDetParams p;
  auto pick = [&](auto member) {
    return (ov && (ov->*member)) ? *(ov->*member) : *(r.*member);
  };
  p.limit_side_len = pick(&TextDetectionOptions::limit_side_len);
  p.limit_type = pick(&TextDetectionOptions::limit_type);
  p.max_side_limit = pick(&TextDetectionOptions::max_side_limit);
  p.thresh = pick(&TextDetectionOptions::thresh);
  p.box_thresh = pick(&TextDetectionOptions::box_thresh);
  p.unclip_ratio = pick(&TextDetectionOptions::unclip_ratio);
  return p;
}

TextDetectionResult TextDetection::predict(const cv::Mat& image, const TextDetectionOptions* ov) const {
  cv::Mat bgr = to_bgr8(image);
  TextDetParams tp = params(ov);
  DetResizeParams rp;
  rp.limit_side_len = tp.limit_side_len;
  rp.limit_type = tp.limit_type;
  rp.max_side_limit = tp.max_side_limit;
  const auto& shape = (ov && ov->input_shape) ? ov->input_shape : impl_->opts.input_shape;
  if (shape && shape->size() == 3 && (*shape)[1] > 0 && (*shape)[2] > 0) {
    rp.fixed_h = (*shape)[1];
    rp.fixed_w = (*shape)[2];
  }
  cv::Mat resized = det_resize(bgr, rp);
  if (impl_->rgb) cv::cvtColor(resized, resized, cv::COLOR_BGR2RGB);
  engine::Tensor x = normalize_to_nchw(resized, impl_->scale, impl_->mean, impl_->std);
  engine::Tensor y = impl_->runner->run1(x);
  PPOCR_CHECK(y.rank() == 4 && y.dim(0) == 1 && y.dim(2) > 0 && y.dim(3) > 0,
              "text detection: unexpected model output ", y.desc());
  cv::Mat prob(static_cast<int>(y.dim(2)), static_cast<int>(y.dim(3)), CV_32F, y.data<float>());
  DBParams dp;
  dp.thresh = tp.thresh;
  dp.box_thresh = tp.box_thresh;
  dp.unclip_ratio = tp.unclip_ratio;
  dp.max_candidates = *impl_->opts.max_candidates;
  dp.use_dilation = impl_->use_dilation;
  // Boxes scale back to the source size (measured before any padding, as PaddleX).
  DBBoxes db = db_postprocess(prob.clone(), bgr.cols, bgr.rows, dp);
  TextDetectionResult res;
  for (size_t i : reading_order(db.boxes)) {
    Polygon q = db.boxes[i];
    for (auto& pt : q) {
      pt.x = std::min(pt.x, bgr.cols);
      pt.y = std::min(pt.y, bgr.rows);
    }
    res.dt_polys.push_back(std::move(q));
    res.dt_scores.push_back(db.scores[i]);
  }
  res.image = bgr;
  return res;
}

void TextDetection::release_buffers() const { impl_->runner->release_buffers(); }

}  // namespace ppocr
