// Inputs of the OCR pipeline and of the modules: an in-memory image or a path.
// Paths (image files, folders, URLs, PDFs) are expanded into pages by the
// input loader, which the io layer installs (src/io); without it, a path must
// name one image file that OpenCV can read.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace ppocr {

// One decoded image ready for prediction: an image file, a PDF page, a Mat.
struct Page {
  cv::Mat image;                   // BGR, CV_8UC3
  std::string input_path;          // empty when the input was an in-memory image (JSON null)
  std::optional<int> page_index;   // set for PDF pages (0-based)
  std::string name;                // base name used for saved files ("img_1", "doc_3" for a PDF page)
};

struct Input {
  // An image file, a folder of images, a URL, or a PDF file.
  static Input from_path(std::string path) {
    Input in;
    in.path = std::move(path);
    return in;
  }
  // An in-memory BGR image (CV_8UC3; CV_8UC1 and CV_8UC4 are converted). `name`
  // names the saved files; the result's input_path stays null, as PaddleOCR does
  // for numpy inputs.
  static Input from_image(cv::Mat bgr, std::string name = "") {
    Input in;
    in.image = std::move(bgr);
    in.name = std::move(name);
    return in;
  }
  bool is_path() const { return image.empty(); }

  std::string path;
  cv::Mat image;
  std::string name;
};

// Expands one Input into pages and hands each to `sink` in order, lazily (one
// page in memory at a time). `sink` returns false to stop early. Errors are
// thrown as ppocr::Error.
using PageSink = std::function<bool(Page&&)>;
using InputLoader = std::function<void(const Input&, const PageSink&)>;

// Installs the loader used for path inputs (the io layer sets its own at start;
// pass nullptr to restore the default single-image-file loader). Thread-safe.
void set_input_loader(InputLoader loader);
// Runs the installed loader (or the default one) on `in`.
void load_input(const Input& in, const PageSink& sink);

// Converts a decoded image of any depth/channel count to 8-bit BGR; Error when empty.
cv::Mat to_bgr8(const cv::Mat& img);

}  // namespace ppocr
