// Inputs of the OCR pipeline and of the modules: a path (image file, folder,
// PDF, multi-page TIFF or http(s) URL), encoded bytes in memory (an image or
// a PDF), or a decoded image. The pipeline reads them itself, page by page.
#pragma once
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace ppocr {

// One decoded image ready for prediction: an image file, a PDF page, a Mat.
struct Page {
  cv::Mat image;                   // BGR, CV_8UC3
  std::string input_path;          // empty when the input was in memory (JSON null)
  std::optional<int> page_index;   // set for PDF pages (0-based)
  std::string name;                // base name used for saved files ("img_1", "doc_3" for a PDF page)
};

struct Input {
  enum class Kind { kPath, kBytes, kImage };

  // An image file, a folder of images, a PDF file, or an http(s) URL.
  static Input from_path(std::string path) {
    Input in;
    in.kind = Kind::kPath;
    in.path = std::move(path);
    return in;
  }
  // An encoded image or PDF in memory (e.g. an upload). `name` names the saved files.
  static Input from_bytes(std::string bytes, std::string name = "") {
    Input in;
    in.kind = Kind::kBytes;
    in.bytes = std::move(bytes);
    in.name = std::move(name);
    return in;
  }
  // A decoded image: BGR CV_8UC3 (gray, BGRA and 16-bit images are converted).
  // `name` names the saved files; the result's input_path stays null, as
  // PaddleOCR does for numpy inputs.
  static Input from_image(cv::Mat bgr, std::string name = "") {
    Input in;
    in.kind = Kind::kImage;
    in.image = std::move(bgr);
    in.name = std::move(name);
    return in;
  }
  bool is_path() const { return kind == Kind::kPath; }

  Kind kind = Kind::kPath;
  std::string path;
  std::string bytes;
  cv::Mat image;
  std::string name;
};

// Converts a decoded image of any depth/channel count to 8-bit BGR (16-bit
// scaled down, gray expanded, alpha dropped); Error when empty.
cv::Mat to_bgr8(const cv::Mat& img);

}  // namespace ppocr
