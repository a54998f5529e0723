// Classification: image classifier module (text-line orientation 0/180,
// document orientation 0/90/180/270), top-1.
#include "modules/classification/cls_preprocess.h"
#include "modules/common/image_ops.h"
#include "modules/common/model_config.h"
#include "modules/common/runner.h"
#include "ppocr/modules.h"

namespace ppocr {
using namespace modules;

struct Classification::Impl {
  std::unique_ptr<Runner> runner;
  ClsPreprocess pre;
  std::vector<std::string> labels;
  int batch_size = 1;
};

Classification::Classification(const std::string& model_dir, const ClassificationOptions& o)
    : impl_(std::make_unique<Impl>()) {
  ModelConfig cfg = ModelConfig::load(model_dir);
  auto& pre = impl_->pre;
  if (const Json* r = cfg.transform_op("ResizeImage")) {
    auto size = json_numbers(json_get(r, "size"));
    if (size.size() == 2) {  // [w, h]
      pre.resize_w = static_cast<int>(size[0]);
      pre.resize_h = static_cast<int>(size[1]);
    } else if (size.size() == 1) {
      pre.resize_w = pre.resize_h = static_cast<int>(size[0]);
    } else if (auto n = json_int(json_get(r, "size"))) {
      pre.resize_w = pre.resize_h = *n;
    }
    if (auto s = json_int(json_get(r, "resize_short"))) pre.resize_short = *s;
  }
  if (const Json* c = cfg.transform_op("CropImage")) pre.crop = json_int(json_get(c, "size")).value_or(224);
  if (pre.resize_w <= 0 && pre.resize_short <= 0) {
    fail("classification model ", model_dir, ": inference.yml gives no ResizeImage size or resize_short");
  }
  if (const Json* n = cfg.transform_op("NormalizeImage")) {
    auto m = json_numbers(json_get(n, "mean")), s = json_numbers(json_get(n, "std"));
    if (m.size() == 3) pre.mean = {float(m[0]), float(m[1]), float(m[2])};
    if (s.size() == 3) pre.std = {float(s[0]), float(s[1]), float(s[2])};
    if (auto sc = json_number(json_get(n, "scale"))) pre.scale = float(*sc);
  }
  impl_->labels = json_strings(json_get(json_get(&cfg.post_process(), "Topk"), "label_list"));
  PPOCR_CHECK(o.batch_size >= 1, "classification batch size must be >= 1, got ", o.batch_size);
  impl_->batch_size = o.batch_size;
  impl_->runner = std::make_unique<Runner>(model_dir, o);
}

Classification::~Classification() = default;

const std::vector<std::string>& Classification::labels() const { return impl_->labels; }

std::vector<ClassificationResult> Classification::predict(const std::vector<cv::Mat>& images) const {
  const auto& im = *impl_;
  std::vector<ClassificationResult> out(images.size());
  for (size_t beg = 0; beg < images.size(); beg += im.batch_size) {
    size_t end = std::min(images.size(), beg + im.batch_size);
    std::vector<cv::Mat> batch;
    for (size_t i = beg; i < end; ++i) batch.push_back(im.pre(images[i]));
    engine::Tensor y = im.runner->run1(to_nchw(batch));
    PPOCR_CHECK(y.rank() == 2 && y.dim(0) == static_cast<int64_t>(batch.size()) && y.dim(1) > 0,
                "classification: unexpected model output ", y.desc());
    const int C = static_cast<int>(y.dim(1));
    PPOCR_CHECK(im.labels.empty() || im.labels.size() == static_cast<size_t>(C), "classification: model has ", C,
                " classes but inference.yml lists ", im.labels.size(), " labels");
    for (size_t i = beg; i < end; ++i) {
      float* p = y.data<float>() + (i - beg) * C;
      ensure_probabilities(p, C);
      int best = 0;
      for (int c = 1; c < C; ++c)
        if (p[c] > p[best]) best = c;
      out[i].class_id = best;
      out[i].score = p[best];
      out[i].label_name = im.labels.empty() ? std::to_string(best) : im.labels[best];
    }
  }
  return out;
}

void Classification::release_buffers() const { impl_->runner->release_buffers(); }

}  // namespace ppocr
