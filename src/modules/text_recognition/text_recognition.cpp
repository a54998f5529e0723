// TextRecognition: CTC text-line recogniser module. Crops are sorted by
// aspect ratio, batched, resized/normalised, run, and decoded greedily.
#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "modules/common/image_ops.h"
#include "modules/common/model_config.h"
#include "modules/common/runner.h"
#include "modules/text_recognition/ctc_decode.h"
#include "modules/text_recognition/rec_resize.h"
#include "ppocr/modules.h"

namespace ppocr {
using namespace modules;

struct TextRecognition::Impl {
  std::unique_ptr<Runner> runner;
  RecShape shape;
  int batch_size = 1;
  int width_bucket = 1;
  bool rgb = false;
  std::unique_ptr<CTCDecoder> decoder, decoder_no_space;
};

TextRecognition::TextRecognition(const std::string& model_dir, const TextRecognitionOptions& o)
    : impl_(std::make_unique<Impl>()) {
  ModelConfig cfg = ModelConfig::load(model_dir);
  std::vector<int> shape;
  if (o.input_shape) shape = *o.input_shape;
  else if (const Json* rr = cfg.transform_op("RecResizeImg")) {
    for (double v : json_numbers(json_get(rr, "image_shape"))) shape.push_back(static_cast<int>(v));
  }
  if (!shape.empty()) {
    PPOCR_CHECK(shape.size() == 3 && shape[0] == 3 && shape[1] > 0 && shape[2] > 0,
                "text recognition: input shape must be [3, H, W] with H, W > 0");
    impl_->shape = {shape[0], shape[1], shape[2]};
  }
  PPOCR_CHECK(o.batch_size >= 1, "text_recognition_batch_size must be >= 1, got ", o.batch_size);
  impl_->batch_size = o.batch_size;
  PPOCR_CHECK(o.width_bucket >= 1, "text recognition width_bucket must be >= 1, got ", o.width_bucket);
  impl_->width_bucket = o.width_bucket;
  if (const Json* dec = cfg.transform_op("DecodeImage"))
    impl_->rgb = json_string(json_get(dec, "img_mode")).value_or("BGR") == "RGB";

  const Json& post = cfg.post_process();
  std::vector<std::string> dict = json_strings(json_get(&post, "character_dict"));
  if (dict.empty()) {
    if (auto p = json_string(json_get(&post, "character_dict_path"))) {
      std::string path = *p;
      if (!path.empty() && path[0] != '/') path = model_dir + "/" + path;
      dict = read_dict_file(path);
    }
  }
  PPOCR_CHECK(!dict.empty(), "text recognition model ", model_dir,
              ": inference.yml has no PostProcess.character_dict");
  if (auto name = json_string(json_get(&post, "name")))
    PPOCR_CHECK(*name == "CTCLabelDecode", "text recognition model ", model_dir, ": post-process '", *name,
                "' is not supported (only CTCLabelDecode)");
  bool space = json_bool(json_get(&post, "use_space_char")).value_or(true);
  impl_->decoder = std::make_unique<CTCDecoder>(dict, space);
  if (space) impl_->decoder_no_space = std::make_unique<CTCDecoder>(dict, false);
  impl_->runner = std::make_unique<Runner>(model_dir, o);
  // A height the graph cannot take would fail every crop at run time: refuse it once, here.
  engine::Shape in = impl_->runner->input_shape();
  if (in.size() == 4 && in[2] > 0)
    PPOCR_CHECK_AS(in[2] == impl_->shape.h, kInvalidArgument, "text recognition model ", model_dir,
                   " takes input height ", in[2], ", but the input shape asks for ", impl_->shape.h,
                   o.input_shape ? " (text_rec_input_shape)" : " (inference.yml RecResizeImg.image_shape)");
}

TextRecognition::~TextRecognition() = default;

std::vector<TextRecognitionResult> TextRecognition::predict(const std::vector<cv::Mat>& crops) const {
  const auto& im = *impl_;
  std::vector<TextRecognitionResult> out(crops.size());
  std::vector<cv::Mat> imgs(crops.size());
  std::vector<double> ratio(crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    imgs[i] = to_bgr8(crops[i]);
    if (im.rgb) cv::cvtColor(imgs[i], imgs[i], cv::COLOR_BGR2RGB);
    ratio[i] = imgs[i].cols / double(imgs[i].rows);
  }
  std::vector<size_t> order(crops.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ratio[a] < ratio[b]; });
  const double base = im.shape.w / double(im.shape.h);
  for (size_t beg = 0; beg < order.size(); beg += im.batch_size) {
    size_t end = std::min(order.size(), beg + im.batch_size);
    // As PaddleOCR's TextRecognizer: the batch's widest aspect ratio (at least
    // the model's W/H) sets the batch width; each crop is resized to
    // ceil(H * its ratio), capped at that width, and zero-padded on the right.
    double batch_ratio = base;
    for (size_t k = beg; k < end; ++k) batch_ratio = std::max(batch_ratio, ratio[order[k]]);
    std::vector<cv::Mat> batch;
    for (size_t k = beg; k < end; ++k) batch.push_back(rec_resize_norm(imgs[order[k]], im.shape, batch_ratio));
    const int natural_width = rec_batch_width(im.shape, batch_ratio);
    int width = natural_width;
    if (im.width_bucket > 1) width = (width + im.width_bucket - 1) / im.width_bucket * im.width_bucket;
    engine::Tensor y = im.runner->run1(to_nchw_padded(batch, width));
    PPOCR_CHECK(y.rank() == 3 && y.dim(0) == static_cast<int64_t>(batch.size()),
                "text recognition: unexpected model output ", y.desc());
    const int T = static_cast<int>(y.dim(1)), C = static_cast<int>(y.dim(2));
    const CTCDecoder* dec = im.decoder.get();
    if (im.decoder_no_space && static_cast<size_t>(C) == im.decoder_no_space->num_classes())
      dec = im.decoder_no_space.get();
    // The columns of the batch width PaddleX would use (no bucket padding); the crop spans its share of them.
    const double cols = T * double(natural_width) / width;
    for (size_t k = beg; k < end; ++k) {
      TextRecognitionResult& r = out[order[k]];
      auto [text, score] = dec->decode(y.data<float>() + (k - beg) * size_t(T) * C, T, C, &r.rec_chars,
                                       &r.rec_char_cols);
      r.rec_text = std::move(text);
      r.rec_score = score;
      r.rec_col_num = cols * ratio[order[k]] / batch_ratio;
    }
  }
  return out;
}

void TextRecognition::release_buffers() const { impl_->runner->release_buffers(); }

}  // namespace ppocr
