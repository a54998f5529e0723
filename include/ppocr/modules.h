// The pipeline's modules, each usable alone (PaddleOCR's module predictors:
// TextDetection, TextRecognition, TextLineOrientationClassification,
// DocImgOrientationClassification, TextImageUnwarping). Each is built from a
// model directory; pre/post-processing parameters come from its inference.yml,
// then from the options given here. predict() is thread-safe.
//
// Each keeps the intermediate buffers of finished calls for reuse (those no
// call used for 2 s are freed as calls end); release_buffers() frees them all
// now, e.g. when a service goes idle. Thread-safe; calls running keep theirs.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "ppocr/result.h"

namespace ppocr {

struct ModuleOptions {
  int cpu_threads = 8;
  bool enable_mkldnn = true;  // false = reference kernels
  // oneDNN primitives kept per model, in input shapes (Paddle's
  // mkldnn_cache_capacity; 0 = no bound); unset = 1024 primitives.
  std::optional<int> mkldnn_cache_capacity;
};

// ---- text detection (DB) ----
struct TextDetectionOptions : ModuleOptions {
  std::optional<int> limit_side_len;          // yml DetResizeForTest, else 960
  std::optional<std::string> limit_type;      // yml, else "max"
  std::optional<int> max_side_limit;          // 4000
  std::optional<float> thresh;                // yml PostProcess, else 0.3
  std::optional<float> box_thresh;            // yml, else 0.6
  std::optional<float> unclip_ratio;          // yml, else 2.0
  std::optional<int> max_candidates;          // yml, else 1000
  std::optional<std::vector<int>> input_shape;  // [C, H, W]: fixed resize when H, W > 0
};
struct TextDetectionResult {
  std::string input_path;
  std::optional<int> page_index;
  std::vector<Polygon> dt_polys;  // sorted in reading order
  std::vector<float> dt_scores;
  cv::Mat image;
  nlohmann::ordered_json to_json() const;  // {"res": {input_path, page_index, dt_polys, dt_scores}}
};
class TextDetection {
 public:
  TextDetection(const std::string& model_dir, const TextDetectionOptions& opts = {});
  ~TextDetection();
  // Runtime overrides use the same fields (unset = constructor's value).
  TextDetectionResult predict(const cv::Mat& bgr, const TextDetectionOptions* overrides = nullptr) const;
  TextDetParams params(const TextDetectionOptions* overrides = nullptr) const;
  void release_buffers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- text recognition (CTC) ----
struct TextRecognitionOptions : ModuleOptions {
  int batch_size = 1;
  // Right-pad each batch (with 0, as within a PaddleOCR batch) to a multiple of this many pixels, so crops of
  // many widths share oneDNN primitives (docs/performance.md, "Pipeline"); 1 = pad only to the widest crop.
  int width_bucket = 1;
  std::optional<std::vector<int>> input_shape;  // [C, H, W]; yml RecResizeImg image_shape, else 3,48,320
};
struct TextRecognitionResult {
  std::string input_path;
  std::optional<int> page_index;
  std::string rec_text;
  float rec_score = 0.f;
  // The CTC alignment (for word boxes, PaddleOCR's return_word_box): each
  // character emitted, in order (their concatenation is rec_text), and the
  // output column (time step) that emitted it.
  std::vector<std::string> rec_chars;
  std::vector<int> rec_char_cols;
  // How many output columns the crop itself spans (the rest of the batch
  // width is padding): columns * crop aspect ratio / batch aspect ratio, as
  // PaddleX's CTCLabelDecode computes it.
  double rec_col_num = 0;
  nlohmann::ordered_json to_json() const;  // {"res": {input_path, page_index, rec_text, rec_score}}
};
class TextRecognition {
 public:
  TextRecognition(const std::string& model_dir, const TextRecognitionOptions& opts = {});
  ~TextRecognition();
  // Crops are batched by aspect ratio (batch_size); results in input order.
  std::vector<TextRecognitionResult> predict(const std::vector<cv::Mat>& crops) const;
  void release_buffers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- image classification (text-line orientation, document orientation) ----
struct ClassificationOptions : ModuleOptions {
  int batch_size = 1;
};
struct ClassificationResult {
  std::string input_path;
  std::optional<int> page_index;
  int class_id = 0;
  float score = 0.f;
  std::string label_name;
  nlohmann::ordered_json to_json() const;  // {"res": {input_path, page_index, class_ids, scores, label_names}}
};
class Classification {
 public:
  Classification(const std::string& model_dir, const ClassificationOptions& opts = {});
  ~Classification();
  std::vector<ClassificationResult> predict(const std::vector<cv::Mat>& images) const;
  const std::vector<std::string>& labels() const;
  void release_buffers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- document unwarping (UVDoc) ----
struct TextImageUnwarpingResult {
  std::string input_path;
  std::optional<int> page_index;
  cv::Mat doctr_img;  // the unwarped image, same size as the input
  nlohmann::ordered_json to_json() const;  // {"res": {input_path, page_index}} (the image is saved with save_to_img)
};
class TextImageUnwarping {
 public:
  TextImageUnwarping(const std::string& model_dir, const ModuleOptions& opts = {});
  ~TextImageUnwarping();
  TextImageUnwarpingResult predict(const cv::Mat& bgr) const;
  void release_buffers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Rotates an image by a multiple of 90 degrees counter-clockwise back to
// upright, as the doc preprocessor does for a predicted angle (0/90/180/270).
cv::Mat rotate_upright(const cv::Mat& img, int angle);

}  // namespace ppocr
