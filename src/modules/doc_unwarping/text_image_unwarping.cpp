// TextImageUnwarping: UVDoc document unwarping module. Input: the image in
// RGB order scaled to 0..1 (Normalize(mean 0, std 1, scale 1/255), no resize;
// the graph resizes internally). UVDoc samples its input, so its output has
// the input's channel order: RGB, turned back to BGR by the post-processing.
// (Fed BGR, the unwarped page came out with red and blue swapped.)
#include <opencv2/imgproc.hpp>

#include "modules/common/image_ops.h"
#include "modules/common/runner.h"
#include "modules/doc_unwarping/unwarp_post.h"
#include "ppocr/modules.h"

namespace ppocr {
using namespace modules;

struct TextImageUnwarping::Impl {
  std::unique_ptr<Runner> runner;
};

TextImageUnwarping::TextImageUnwarping(const std::string& model_dir, const ModuleOptions& o)
    : impl_(std::make_unique<Impl>()) {
  impl_->runner = std::make_unique<Runner>(model_dir, o);
}

TextImageUnwarping::~TextImageUnwarping() = default;

TextImageUnwarpingResult TextImageUnwarping::predict(const cv::Mat& image) const {
  cv::Mat bgr = to_bgr8(image), rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  engine::Tensor x = to_nchw({normalize(rgb, 1.f / 255.f, {0.f, 0.f, 0.f}, {1.f, 1.f, 1.f})});
  TextImageUnwarpingResult r;
  r.doctr_img = unwarp_from_output(impl_->runner->run1(x), bgr);
  return r;
}

void TextImageUnwarping::release_buffers() const { impl_->runner->release_buffers(); }

}  // namespace ppocr
