// OCRResult: visualisations (img, save_to_img).
#include <algorithm>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "engine/error.h"
#include "pipelines/ocr/pages.h"
#include "io/image_decode.h"
#include "pipelines/ocr/visualize.h"
#include "ppocr/result.h"

namespace fs = std::filesystem;

namespace ppocr {
namespace {

void write(const fs::path& file, const cv::Mat& img) {
  bool ok = false;
  try {
    ok = cv::imwrite(file.string(), img);
  } catch (const cv::Exception& e) {
    fail("cannot write ", file.string(), ": ", e.what());
  }
  PPOCR_CHECK(ok, "cannot write ", file.string());
}

}  // namespace

// PaddleX DocPreprocessorResult._to_img: the three stages side by side on white,
// 25 px taller, each captioned at (10 + its left, h + 2) in a 20 px line.
cv::Mat DocPreprocessorResult::img() const {
  if (output_img.empty()) return {};
  const cv::Mat in = io::to_bgr8(input_img.empty() ? output_img : input_img);
  const cv::Mat rot = io::to_bgr8(rot_img.empty() ? in : rot_img);
  const cv::Mat out = io::to_bgr8(output_img);
  const cv::Mat panels[3] = {in, rot, out};
  const int h = std::max({in.rows, rot.rows, out.rows});
  cv::Mat show(h + 25, in.cols + rot.cols + out.cols, CV_8UC3, cv::Scalar::all(255));
  const auto py_bool = [](bool b) { return b ? "True" : "False"; };
  const std::string captions[3] = {
      "Original Image",
      std::string("Rotated Image (") + py_bool(use_doc_orientation_classify) + ", " + std::to_string(angle) + ")",
      std::string("Unwarping Image (") + py_bool(use_doc_unwarping) + ")"};
  int x = 0;
  for (int k = 0; k < 3; ++k) {
    panels[k].copyTo(show(cv::Rect(x, 0, panels[k].cols, panels[k].rows)));
    pipelines::put_text(show, captions[k], cv::Rect(x + 10, h + 2, std::max(0, panels[k].cols - 10), 20));
    x += panels[k].cols;
  }
  return show;
}

std::map<std::string, cv::Mat> OCRResult::img() const {
  std::map<std::string, cv::Mat> out;
  if (image.empty()) return out;
  out["ocr_res_img"] = pipelines::draw_ocr(image, rec_polys, rec_texts);
  if (use_doc_preprocessor && doc_preprocessor_res && !doc_preprocessor_res->output_img.empty())
    out["preprocessed_img"] = doc_preprocessor_res->img();
  return out;
}

std::vector<std::string> OCRResult::save_to_img(const std::string& path) const {
  auto imgs = img();
  PPOCR_CHECK(!imgs.empty(), "save_to_img: the result holds no image");
  std::vector<std::string> written;
  fs::path p(path);
  std::error_code ec;
  if (!fs::is_directory(p, ec) && is_saved_image_file(p.string())) {
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    write(p, imgs["ocr_res_img"]);
    written.push_back(p.string());
    return written;
  }
  fs::create_directories(p, ec);
  PPOCR_CHECK(fs::is_directory(p, ec), "cannot create directory ", p.string());
  std::string ext = saved_image_ext(input_path);
  const std::string stem = file_stem();
  fs::path f = p / (stem + "_ocr_res_img" + ext);
  write(f, imgs["ocr_res_img"]);
  written.push_back(f.string());
  if (imgs.count("preprocessed_img")) {
    fs::path d = p / (stem + "_preprocessed_img" + ext);
    write(d, imgs["preprocessed_img"]);
    written.push_back(d.string());
  }
  return written;
}

}  // namespace ppocr
